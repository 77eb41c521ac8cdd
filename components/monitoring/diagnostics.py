"""Diagnostics: Log Analytics workspaces the stack creates, and each account's diagnostic setting."""

from __future__ import annotations

import pulumi

from .. import provenance
from .. import resource_types as types
from .diagnostics_args import DiagnosticsArgs, WorkspaceArgs

WORKSPACE_TYPE = types.LOG_ANALYTICS_WORKSPACE
SETTING_TYPE = types.DIAGNOSTIC_SETTING


def workspace(args: WorkspaceArgs, depends_on: list[pulumi.Resource]) -> pulumi.Resource:
    """A Log Analytics workspace (pay-as-you-go) in the stack's resource group."""
    from pulumi_azure_native import operationalinsights

    logical = f"log-analytics-{args.workspace_name}"
    provenance.record(WORKSPACE_TYPE, logical, args.source)
    return operationalinsights.Workspace(
        logical,
        workspace_name=args.workspace_name,
        resource_group_name=args.resource_group_name,
        location=args.location,
        sku={"name": "PerGB2018"},
        retention_in_days=args.retention_days,
        tags=args.tags,
        opts=pulumi.ResourceOptions(depends_on=depends_on),
    )


def diagnostic_setting(
    name: str, args: DiagnosticsArgs, parent: pulumi.Resource, depends_on: list[pulumi.Resource]
) -> pulumi.Resource:
    """Every log category (allLogs) and AllMetrics of the account to the workspace."""
    from pulumi_azure_native import monitor

    provenance.record(SETTING_TYPE, f"{name}-diagnostics", args.source)
    return monitor.DiagnosticSetting(
        f"{name}-diagnostics",
        name=args.setting_name,
        resource_uri=args.resource_uri,
        workspace_id=args.workspace_id,
        log_analytics_destination_type="Dedicated",
        logs=[{"category_group": "allLogs", "enabled": True}],
        metrics=[{"category": "AllMetrics", "enabled": True}],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on),
    )
