"""`foundry-iac quota show`: headroom per subscription, region and usage name across every stack."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from policies.quota import effective_limit

from ..engine.ledger import Key, repository_requests, snapshot_for
from ..engine.quota_snapshot import QuotaSnapshot
from ..engine.stacks import StackRef


def policy_limits(root: Path, refs: list[StackRef]) -> dict[str, dict[str, dict[str, int]]]:
    """Per stack, the quota-capacity `limits` of its policy config (none when it has no config or the policy
    is disabled): the same limits `check` judges that stack against."""
    from policies.pack import POLICIES

    from ..engine.policy_config import load_policy_config

    out: dict[str, dict[str, dict[str, int]]] = {}
    for ref in refs:
        path = root / "policies" / "config" / f"{ref.name}.json"
        if not path.exists():
            continue
        settings = load_policy_config(path, f"policies/config/{ref.name}.json", POLICIES)["quota-capacity"]
        if settings.enforcement != "disabled":
            out[ref.name] = settings.config.get("limits") or {}
    return out


Group = tuple[str, Key]  # (subscription, (region, usage name))


def _group_requests(
    refs: list[StackRef], subscription: str | None
) -> tuple[dict[Group, dict[str, int]], dict[Group, set[int | None]]]:
    """Each stack's units per subscription, region and usage name, and the catalog defaults they were read with."""
    grouped: dict[Group, dict[str, int]] = defaultdict(dict)
    defaults: dict[Group, set[int | None]] = defaultdict(set)
    for req in repository_requests(refs):
        if subscription and req.subscription != subscription.lower():
            continue
        for key, units in req.units.items():
            grouped[(req.subscription, key)][req.stack] = units
            defaults[(req.subscription, key)].add(req.defaults.get(key))
    return grouped, defaults


def _limit_config(
    region: str,
    usage: str,
    ledger: dict[str, Any],
    by_stack: dict[str, int],
    limits_by_stack: dict[str, dict[str, dict[str, int]]],
) -> dict[str, Any]:
    """The quota policy's config for one lookup with `check`: the snapshot's limit and the lowest limit any
    counted stack's policy config sets."""
    manual = [
        limits[region][usage]
        for stack, limits in limits_by_stack.items()
        if stack in by_stack and usage in (limits.get(region) or {})
    ]
    return {"ledger": ledger, "limits": {region: {usage: min(manual)}} if manual else {}}


def _limit_source(found_value: int | None, found_source: str, default: int | None) -> tuple[int | None, str]:
    """The limit (the configured one, else the catalog default) and where it comes from."""
    if found_value is not None:
        return found_value, found_source
    return default, "catalog default" if default is not None else "unknown: run quota sync"


def quota_rows(root: Path, refs: list[StackRef], subscription: str | None = None) -> list[dict[str, Any]]:
    """One row per subscription, region and usage name the stacks request: limit, use, requests, headroom."""
    grouped, defaults = _group_requests(refs, subscription)
    limits_by_stack = policy_limits(root, refs)
    rows = []
    snapshots: dict[str, tuple[QuotaSnapshot | None, str]] = {}
    for (sub, (region, usage)), by_stack in sorted(grouped.items()):
        if sub not in snapshots:
            snapshots[sub] = snapshot_for(root, sub)
        snapshot, display = snapshots[sub]
        entry = snapshot.limit(region, usage) if snapshot else None
        # one lookup with `check`: the lower of the snapshot and every counted stack's policy-config limit
        ledger = (
            {region: {usage: {"limit": int(entry.limit), "source": f"{display}, synced {snapshot.synced_at}"}}}
            if entry and snapshot
            else {}
        )
        config = _limit_config(region, usage, ledger, by_stack, limits_by_stack)
        read_with = defaults[(sub, (region, usage))]
        default = next(iter(read_with)) if len(read_with) == 1 else None
        found = effective_limit(region, usage, "", "", config)
        limit, source = _limit_source(found.value, found.source, default)
        total = sum(by_stack.values())
        rows.append(
            {
                "subscription": sub,
                "region": region,
                "usage_name": usage,
                "limit": limit,
                "current": entry.current if entry else None,
                "requested": total,
                "by_stack": dict(sorted(by_stack.items())),
                "headroom": None if limit is None else limit - total,
                "source": source,
            }
        )
    return rows


def render_quota(rows: list[dict[str, Any]]) -> str:
    """The headroom table for a terminal."""
    if not rows:
        return "no deployments request quota\n"
    out = [
        f"{'subscription':<36}  {'region':<14} {'usage name':<52} {'limit':>6} {'requested':>9} "
        f"{'headroom':>8}  stacks / source"
    ]
    for r in rows:
        limit = "?" if r["limit"] is None else str(r["limit"])
        headroom = "?" if r["headroom"] is None else str(r["headroom"])
        flag = "  OVER" if r["headroom"] is not None and r["headroom"] < 0 else ""
        stacks = ", ".join(f"{s}: {u}" for s, u in r["by_stack"].items())
        out.append(
            f"{r['subscription']:<36}  {r['region']:<14} {r['usage_name']:<52} {limit:>6} {r['requested']:>9} "
            f"{headroom:>8}  {stacks} / {r['source']}{flag}"
        )
    return "\n".join(out) + "\n"
