"""The report's `quota` section and the cross-stack ledger quota-capacity is judged with.

The ledger (snapshot limits and what sibling stacks request, per quota key) is a declared setting of
quota-capacity (`ledger` in its config schema). The gate adds it to the policy config it evaluates, and
`foundry-iac preview|up` writes the same config for `pulumi --policy-pack-config`, so CrossGuard judges
the same figures.
"""

from __future__ import annotations

from pathlib import Path

from policies.common import deployments
from policies.framework import Resource
from policies.quota import quota_key, quota_ledger

from .ledger import ledger_for
from .policy_config import PolicySettings
from .report_model import QuotaRow


def quota_section(resources: list[Resource], settings: dict[str, PolicySettings], subscription: str) -> list[QuotaRow]:
    """The report's `quota`: per subscription, region and usage name, this stack's and other stacks' units."""
    rows: list[QuotaRow] = []
    for line in quota_ledger(deployments(resources), settings["quota-capacity"].config):
        rows.append(
            QuotaRow(
                subscription=subscription,
                region=line.region,
                usage_name=line.usage_name,
                requested=line.requested,
                limit=line.limit.value,
                limit_source=line.limit.source,
                requested_by_other_stacks=dict(sorted(line.limit.others.items())),
            )
        )
    return rows


def with_ledger(
    settings: dict[str, PolicySettings], resources: list[Resource], stack: str, root: Path, subscription: str
) -> None:
    """Give quota-capacity the cross-stack ledger (snapshot limits and sibling stacks' requests)."""
    quota = settings["quota-capacity"]
    if quota.enforcement == "disabled":
        return
    keys = {quota_key(d.model, d.sku, d.version, d.region or "unknown") for d in deployments(resources)}
    ledger = ledger_for(root, stack, subscription, keys)
    settings["quota-capacity"] = quota.with_setting("ledger", ledger)
