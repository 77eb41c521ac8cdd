"""Small helpers the renderers share: counts, money, resource labels, ordering."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from components import resource_types as types

from ..engine.report_model import CostSection, DefenderPlanRow, QuotaRow, Report, StackReport, Violation

TYPE_LABELS = {
    types.RESOURCE_GROUP: "resource group",
    types.ACCOUNT: "account",
    types.PROJECT: "project",
    types.DEPLOYMENT: "deployment",
    types.ROLE_ASSIGNMENT: "role assignment",
    types.FOUNDRY_ACCOUNT_COMPONENT: "FoundryAccount component",
    types.CONNECTION: "connection",
    types.RAI_POLICY: "content filter",
    types.RAI_BLOCKLIST: "blocklist",
    types.RAI_BLOCKLIST_ITEM: "blocklist item",
    types.MANAGED_NETWORK: "managed network",
    types.OUTBOUND_RULE: "outbound rule",
    types.PRIVATE_ENDPOINT: "private endpoint",
    types.DNS_ZONE_GROUP: "DNS zone group",
    types.PRIVATE_DNS_ZONE: "private DNS zone",
    types.VNET_LINK: "VNet link",
    types.DIAGNOSTIC_SETTING: "diagnostic setting",
    types.LOG_ANALYTICS_WORKSPACE: "Log Analytics workspace",
    types.LOCK: "lock",
    types.BUDGET: "budget",
    types.ACTION_GROUP: "action group",
    types.METRIC_ALERT: "metric alert",
    types.ACCOUNT_CAPABILITY_HOST: "account capability host",
    types.PROJECT_CAPABILITY_HOST: "project capability host",
    types.COSMOS_SQL_ROLE_ASSIGNMENT: "Cosmos DB data role assignment",
    types.SLEEP: "role propagation wait",
    types.SECURITY_PRICING: "Defender plan",
}


def usd(value: float | None) -> str:
    """Money for people: 21,900.00 USD (or 'none')."""
    return "none" if value is None else f"{value:,.2f} USD"


def total_usd(cost: CostSection, key: Literal["monthly_expected", "monthly_ceiling"]) -> str:
    """A stack's total for people; 'unpriced' (never a partial sum) when a deployment has no price."""
    if cost.unpriced:
        count = len(cost.unpriced)
        return f"unpriced ({count} deployment{'s' if count != 1 else ''} without a price)"
    return usd(getattr(cost, key))


def amount(value: float | None) -> str:
    """A table cell of money: 1,234.50, or 'unpriced'."""
    return "unpriced" if value is None else f"{value:,.2f}"


def other_stacks(quota_row: QuotaRow) -> str:
    """'team-b: 50, team-c: 10': the units other stacks of the subscription take from the same quota."""
    return ", ".join(f"{stack}: {units}" for stack, units in quota_row.requested_by_other_stacks.items())


def counts(entry: StackReport) -> tuple[int, int, int]:
    """(unwaived mandatory, unwaived advisory, waived) violations of a stack."""
    mandatory = sum(1 for v in entry.violations if not v.waived and v.enforcement == "mandatory")
    advisory = sum(1 for v in entry.violations if not v.waived and v.enforcement != "mandatory")
    waived = sum(1 for v in entry.violations if v.waived)
    return mandatory, advisory, waived


def worst_first(report: Report) -> list[StackReport]:
    """Stacks ordered failing first, then by mandatory and advisory counts, then by name."""
    return sorted(report.stacks, key=lambda e: (e.passed, -counts(e)[0], -counts(e)[1], e.stack))


def resource_label(entry: StackReport, urn: str | None) -> str:
    """A short name for the resource a violation points at ('stack' when it has none)."""
    if not urn:
        return "stack"
    return urn.rsplit("::", 1)[-1]


def where(violation: Violation) -> str:
    """file:line of a violation's source, and the lines of the resources it also concerns."""
    source = violation.source
    if source is None:  # a finding about the whole stack or subscription, not one line
        return "(the stack)"
    at = f"{source.file}:{source.line}" if source.line else str(source.file)
    also = [
        str(r.line) if r.file == source.file else f"{r.file}:{r.line}" for r in violation.related if r.line is not None
    ]
    return f"{at} (also {', '.join(also)})" if also else at


def resource_summary(entry: StackReport) -> str:
    """'1 account, 2 projects, 3 deployments, ...' of a stack's Azure resources."""
    tally = Counter(TYPE_LABELS.get(r.type, r.type) for r in entry.resources if not r.type.startswith("foundry-iac:"))
    return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for label, n in sorted(tally.items()))


def defender_summary(row: DefenderPlanRow) -> str:
    """Which stack registers the subscription's Defender for AI plan, for the text and plan reports."""
    at = f"{row.owner_source.file}:{row.owner_source.line}" if row.owner_source.line else row.owner_source.file
    plan = f"{row.plan} plan of subscription {row.subscription} ({row.pricing_tier})"
    if row.registered_here:
        return f"{plan} registered by this stack ({at}), retained on delete"
    also = "; this stack declares it too and registers nothing" if row.declared_here else ""
    return f"{plan} registered by stack {row.owner} ({at}), the declaring stack whose name sorts first{also}"
