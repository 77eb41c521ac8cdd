"""Typed inputs of diagnostic settings and the Log Analytics workspaces the stack creates."""

from __future__ import annotations

from dataclasses import dataclass

from ..config.loaded import LoadedConfig, SourceLocation
from ..resource_group import resource_group_name, stack_tags


@dataclass(frozen=True)
class DiagnosticsArgs:
    """A diagnostic setting sending the account's logs and metrics to Log Analytics."""

    setting_name: str
    resource_uri: str
    workspace_id: str
    source: SourceLocation


@dataclass(frozen=True)
class WorkspaceArgs:
    """A Log Analytics workspace the stack creates."""

    workspace_name: str
    resource_group_name: str
    location: str
    retention_days: int
    tags: dict[str, str]
    source: SourceLocation


def workspace_args(loaded: LoadedConfig) -> list[WorkspaceArgs]:
    """The Log Analytics workspaces the stack creates (one per name, however many accounts use it)."""
    out: dict[str, WorkspaceArgs] = {}
    for index, acct in enumerate(loaded.config.accounts):
        diag = acct.diagnostics
        if diag is not None and diag.workspace and diag.workspace not in out:
            out[diag.workspace] = WorkspaceArgs(
                diag.workspace,
                resource_group_name(loaded),
                acct.location or loaded.config.location,
                diag.retention_days,
                stack_tags(loaded),
                loaded.location("accounts", index, "diagnostics"),
            )
    return list(out.values())


def _workspace_id(subscription_id: str, resource_group: str, name: str) -> str:
    return (
        f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.OperationalInsights/workspaces/{name}"
    )


def diagnostics_args(loaded: LoadedConfig, index: int, scope_base: str) -> DiagnosticsArgs | None:
    """The diagnostic setting of account `index` (None without one), to a named or created workspace."""
    cfg = loaded.config
    acct = cfg.accounts[index]
    diag = acct.diagnostics
    if diag is None:
        return None
    rg = resource_group_name(loaded)
    workspace = diag.workspace_id or _workspace_id(cfg.subscription_id, rg, str(diag.workspace))
    return DiagnosticsArgs(
        f"{acct.name}-to-log-analytics", scope_base, workspace, loaded.location("accounts", index, "diagnostics")
    )
