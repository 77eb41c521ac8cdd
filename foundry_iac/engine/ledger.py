"""The quota ledger: capacity every stack of the repository requests, per subscription, region and usage
name, against the committed quota snapshot.

A stack's requests come from its validated config through the same `account_args` the components
build their deployments from, so the ledger and the program cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.account.args import account_args
from components.config.loaded import LoadedConfig
from policies.quota import default_limit, quota_key, requested_units

from ..errors import GateInputError
from .quota_snapshot import QuotaSnapshot, load_snapshot, snapshot_path
from .stacks import StackRef, all_stacks, load_stacks

Key = tuple[str, str]  # (quota scope: region, dataZone:EU|US or subscription; usage name)


@dataclass(frozen=True)
class StackRequests:
    """The quota units one stack requests, by region and usage name."""

    stack: str
    subscription: str
    units: dict[Key, int]
    defaults: dict[Key, int | None]


def stack_requests(loaded: LoadedConfig) -> StackRequests:
    """Sum a stack's deployments by region and usage name."""
    units: dict[Key, int] = defaultdict(int)
    defaults: dict[Key, set[int | None]] = defaultdict(set)
    for index in range(len(loaded.config.accounts)):
        args = account_args(loaded, index)
        for dep in args.deployments:
            key = quota_key(dep.model_name, dep.sku_name, dep.model_version, args.location)
            units[key] += requested_units(dep.model_name, dep.sku_name, dep.capacity)
            defaults[key].add(default_limit(dep.model_name, dep.sku_name, dep.model_version))
    # A pool several models share has a catalog default only when they all state the same one.
    return StackRequests(
        loaded.stack,
        loaded.config.subscription_id.lower(),
        dict(units),
        {key: next(iter(values)) if len(values) == 1 else None for key, values in defaults.items()},
    )


def repository_requests(refs: list[StackRef]) -> list[StackRequests]:
    """Requests of the given stacks; any unreadable stack is an error (the ledger fails closed)."""
    return [stack_requests(loaded) for loaded in load_stacks(refs, "cannot be counted in the quota ledger")]


def snapshot_for(root: Path, subscription: str) -> tuple[QuotaSnapshot | None, str]:
    """The committed snapshot of a subscription (or None) and how to name its file."""
    path = snapshot_path(root, subscription)
    display = f"quotas/{path.name}"
    from .quota_snapshot import SnapshotError, quota_file_problems

    misnamed = quota_file_problems(root)
    if misnamed:
        raise GateInputError(misnamed)

    try:
        return load_snapshot(path, display), display
    except SnapshotError as exc:
        raise GateInputError([str(exc)]) from None


def ledger_for(root: Path, stack: str, subscription: str, keys: set[Key]) -> dict[str, dict[str, dict[str, Any]]]:
    """The quota-capacity `ledger` setting of one stack: per key, the snapshot limit and other stacks' units."""
    subscription = subscription.lower()
    others: dict[Key, dict[str, int]] = defaultdict(dict)
    siblings = [ref for ref in all_stacks(root) if ref.name != stack]  # the checked stack is not re-read
    for req in repository_requests(siblings):
        if req.subscription != subscription:
            continue
        for key, units in req.units.items():
            if key in keys and units:
                others[key][req.stack] = units
    snapshot, display = snapshot_for(root, subscription)
    ledger: dict[str, dict[str, dict[str, Any]]] = {}
    for region, usage in sorted(keys):
        entry: dict[str, Any] = {"others": dict(sorted(others[(region, usage)].items()))}
        usage_entry = snapshot.limit(region, usage) if snapshot else None
        if snapshot is not None and usage_entry is not None:
            entry["limit"] = int(usage_entry.limit)
            entry["source"] = f"{display}, synced {snapshot.synced_at}"
        ledger.setdefault(region, {})[usage] = entry
    return ledger
