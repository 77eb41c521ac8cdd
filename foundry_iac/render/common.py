"""Small helpers the renderers share: counts, money, resource labels, ordering."""

from __future__ import annotations

from collections import Counter

TYPE_LABELS = {
    "azure-native:resources:ResourceGroup": "resource group",
    "azure-native:cognitiveservices:Account": "account",
    "azure-native:cognitiveservices:Project": "project",
    "azure-native:cognitiveservices:Deployment": "deployment",
    "azure-native:authorization:RoleAssignment": "role assignment",
    "foundry-iac:foundry:FoundryAccount": "FoundryAccount component",
    "azure-native:cognitiveservices:ProjectConnection": "connection",
    "azure-native:network:PrivateEndpoint": "private endpoint",
    "azure-native:network:PrivateDnsZoneGroup": "DNS zone group",
    "azure-native:privatedns:PrivateZone": "private DNS zone",
    "azure-native:privatedns:VirtualNetworkLink": "VNet link",
    "azure-native:monitor:DiagnosticSetting": "diagnostic setting",
    "azure-native:operationalinsights:Workspace": "Log Analytics workspace",
    "azure-native:authorization:ManagementLockByScope": "lock",
}


def usd(value: float | None) -> str:
    """Money for people: 21,900.00 USD (or 'none')."""
    return "none" if value is None else f"{value:,.2f} USD"


def total_usd(cost: dict, key: str) -> str:
    """A stack's total for people; 'unpriced' (never a partial sum) when a deployment has no price."""
    if cost.get("unpriced"):
        count = len(cost["unpriced"])
        return f"unpriced ({count} deployment{'s' if count != 1 else ''} without a price)"
    return usd(cost[key])


def amount(value: float | None) -> str:
    """A table cell of money: 1,234.50, or 'unpriced'."""
    return "unpriced" if value is None else f"{value:,.2f}"


def other_stacks(quota_row: dict) -> str:
    """'team-b: 50, team-c: 10': the units other stacks of the subscription take from the same quota."""
    return ", ".join(f"{stack}: {units}" for stack, units in (quota_row.get("requested_by_other_stacks") or {}).items())


def counts(entry: dict) -> tuple[int, int, int]:
    """(unwaived mandatory, unwaived advisory, waived) violations of a stack."""
    mandatory = sum(1 for v in entry["violations"] if not v["waived"] and v["enforcement"] == "mandatory")
    advisory = sum(1 for v in entry["violations"] if not v["waived"] and v["enforcement"] != "mandatory")
    waived = sum(1 for v in entry["violations"] if v["waived"])
    return mandatory, advisory, waived


def worst_first(report: dict) -> list[dict]:
    """Stacks ordered failing first, then by mandatory and advisory counts, then by name."""
    return sorted(report["stacks"], key=lambda e: (e["passed"], -counts(e)[0], -counts(e)[1], e["stack"]))


def resource_label(entry: dict, urn: str | None) -> str:
    """A short name for the resource a violation points at ('stack' when it has none)."""
    if not urn:
        return "stack"
    return urn.rsplit("::", 1)[-1]


def where(violation: dict) -> str:
    """file:line of a violation's source."""
    source = violation.get("source") or {}
    line = source.get("line")
    return f"{source.get('file')}:{line}" if line else str(source.get("file"))


def resource_summary(entry: dict) -> str:
    """'1 account, 2 projects, 3 deployments, ...' of a stack's Azure resources."""
    tally = Counter(
        TYPE_LABELS.get(r["type"], r["type"]) for r in entry["resources"] if not r["type"].startswith("foundry-iac:")
    )
    return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for label, n in sorted(tally.items()))
