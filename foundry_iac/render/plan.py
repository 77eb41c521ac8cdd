"""The readable plan of one stack: resource group, shared network and logging, then each account with
every write under it in the order Azure will see them, each with its stack-file line, cost and verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components import resource_types as types
from components.roles import CURRENT_ROLES, SERVICE_ROLES

from ..engine.report_model import DeploymentCost, ResourceEntry, StackReport, Violation
from .common import TYPE_LABELS, counts, defender_summary, total_usd, usd

ACCOUNT = types.ACCOUNT
PROJECT = types.PROJECT
DEPLOYMENT = types.DEPLOYMENT
CONNECTION = types.CONNECTION
ROLE = types.ROLE_ASSIGNMENT
RG = types.RESOURCE_GROUP
_ROLE_NAMES = {rid: name for name, rid in {**CURRENT_ROLES, **SERVICE_ROLES}.items()}


def _line(resource: ResourceEntry) -> str:
    line = resource.source.line if resource.source else None
    return f"  (line {line})" if line else ""


def _protect(resource: ResourceEntry) -> str:
    return "  protected" if resource.protect else ""


def _after(resource: ResourceEntry) -> str:
    deps = [d.rsplit("::", 1)[-1] for d in resource.dependencies]
    return f"  after {', '.join(deps)}" if deps else ""


def _role(resource: ResourceEntry) -> str:
    props = resource.props
    role_id = str(props.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
    return f"role {_ROLE_NAMES.get(role_id, role_id)} -> {props.get('principalType')} {props.get('principalId')}"


def _account_line(account: ResourceEntry) -> list[str]:
    p = account.props
    props = p.get("properties", {})
    auth = "keyless" if props.get("disableLocalAuth") else "API keys ON"
    acls = props.get("networkAcls") or {}
    net = "private" if props.get("publicNetworkAccess") == "Disabled" else "public"
    if net == "public" and acls.get("defaultAction") == "Deny":
        net = f"public, {len(acls.get('ipRules', []))} IP rule(s)"
    identity = (p.get("identity") or {}).get("type", "none")
    key = "customer-managed key" if (props.get("encryption") or {}).get("keySource") == "Microsoft.KeyVault" else ""
    lines = [
        f"└─ account {p.get('accountName')}  {p.get('kind')} {p.get('sku', {}).get('name')}  {p.get('location')}"
        f"  {auth}  {net}  identity {identity}{'  ' + key if key else ''}{_protect(account)}{_line(account)}",
        f"   subdomain {props.get('customSubDomainName')}",
    ]
    if key:
        vault = props["encryption"].get("keyVaultProperties", {})
        lines.append(f"   key {vault.get('keyName')} in {vault.get('keyVaultUri')}")
    return lines


def _filter_detail(p: Mapping[str, Any]) -> str:
    from components.content_safety.filter_settings import settings_of

    props = p.get("properties", {})
    settings = settings_of(str(p.get("raiPolicyName")), props)
    levels = sorted(set(settings.thresholds.values()))
    blocklists = sorted({str(b.get("blocklistName")) for b in props.get("customBlocklists") or []})
    return (
        f"{p.get('raiPolicyName')}  mode {settings.mode}, harm filtered from {'/'.join(levels) or 'nothing'}, "
        f"on: {', '.join(sorted(settings.shields)) or 'no shields'}"
        + (f", blocklists {', '.join(blocklists)}" if blocklists else "")
    )


def _managed_network_detail(p: Mapping[str, Any]) -> str:
    network = (p.get("properties") or {}).get("managedNetwork") or {}
    firewall = network.get("firewallSku")
    return f"{network.get('isolationMode')}" + (f", firewall {firewall}" if firewall else "")


def _outbound_rule_detail(p: Mapping[str, Any]) -> str:
    props = p.get("properties") or {}
    target = props.get("destination")
    if isinstance(target, dict):
        target = (
            f"{str(target.get('serviceResourceId', '')).rsplit('/', 1)[-1]} ({target.get('subresourceTarget')})"
            if "serviceResourceId" in target
            else f"{target.get('action')} {target.get('serviceTag')} "
            f"{target.get('protocol')}/{target.get('portRanges')}"
        )
    return f"{p.get('ruleName')}: {props.get('type')} {target}"


def _child_line(child: ResourceEntry, cost: DeploymentCost | None) -> list[str]:
    kind, p = child.type, child.props
    label = TYPE_LABELS.get(kind, kind)
    if kind == PROJECT:
        display = p.get("properties", {}).get("displayName", "")
        return [f'   ├─ project {p.get("projectName")}  "{display}"{_after(child)}{_line(child)}']
    if kind == ROLE:
        return [f"   │    {_role(child)}{_line(child)}"]
    if kind == CONNECTION:
        props = p.get("properties", {})
        return [
            f"   │    connection {p.get('connectionName')}  {props.get('category')} {props.get('target')} "
            f"auth {props.get('authType')}{_line(child)}"
        ]
    if kind == DEPLOYMENT:
        sku = p.get("sku", {})
        model = p.get("properties", {}).get("model", {})
        lines = [
            f"   ├─ deployment {p.get('deploymentName')}  {model.get('format')} {model.get('name')} "
            f"v{model.get('version', 'UNPINNED')}  {sku.get('name')} x{sku.get('capacity')}"
            f"{_after(child)}{_line(child)}"
        ]
        if cost:
            lines.append(
                f"   │    cost {usd(cost.monthly_expected)}/month expected, at most {usd(cost.monthly_ceiling)}/month"
            )
        spill = p.get("properties", {}).get("spilloverDeploymentName")
        if spill:
            lines.append(f"   │    spills over to {spill} when full (its cost and quota count as its own)")
        return lines
    if kind == types.RAI_BLOCKLIST_ITEM:
        props = p.get("properties", {})
        what = "regex" if props.get("isRegex") else "text"
        return [f"   │    blocks {what} {props.get('pattern')!r}{_line(child)}"]
    details = {
        types.RAI_POLICY: lambda: _filter_detail(p),
        types.RAI_BLOCKLIST: lambda: str(p.get("raiBlocklistName", "")),
        types.PRIVATE_ENDPOINT: lambda: (
            "into " + "/".join(str((p.get("subnet") or {}).get("id", "")).split("/")[-3::2])
        ),
        types.DIAGNOSTIC_SETTING: lambda: "to " + str(p.get("workspaceId", "")).rsplit("/", 1)[-1],
        types.LOCK: lambda: str(p.get("level", "")),
        types.MANAGED_NETWORK: lambda: _managed_network_detail(p),
        types.OUTBOUND_RULE: lambda: _outbound_rule_detail(p),
    }
    detail = details[kind]() if kind in details else ""
    return [f"   ├─ {label} {child.name}{'  ' + detail if detail else ''}{_after(child)}{_line(child)}"]


def _budget_line(budget: ResourceEntry) -> str:
    p = budget.props
    notifications = (p.get("notifications") or {}).values()
    rules = sorted((n.get("threshold", 0), str(n.get("thresholdType", ""))) for n in notifications)
    notifies = ", ".join(f"{threshold:g}% {kind.lower()}" for threshold, kind in rules)
    start = (p.get("timePeriod") or {}).get("startDate")
    amount = usd(p.get("amount"))
    return f"budget {p.get('budgetName')}  {amount}/month from {start}, notifies at {notifies}{_line(budget)}"


def _alert_line(alert: ResourceEntry) -> str:
    p = alert.props
    parts = []
    for c in (p.get("criteria") or {}).get("allOf") or []:
        codes = [v for d in c.get("dimensions") or [] for v in d.get("values") or []]
        on = f" {'/'.join(codes)}" if codes else ""
        parts.append(f"{c.get('metricName')}{on} {c.get('timeAggregation', '').lower()} > {c.get('threshold')}")
    group = ", ".join(str(a.get("actionGroupId", "")).rsplit("/", 1)[-1] for a in p.get("actions") or [])
    return (
        f"metric alert {p.get('ruleName')}  {'; '.join(parts)} over {p.get('windowSize')}, severity "
        f"{p.get('severity')} -> {group}{_line(alert)}"
    )


def _verdicts_by_urn(entry: StackReport) -> dict[str | None, list[Violation]]:
    verdicts: dict[str | None, list[Violation]] = {}
    for v in entry.violations:
        verdicts.setdefault(v.urn, []).append(v)
    return verdicts


def _marks(verdicts: dict[str | None, list[Violation]], urn: str | None, indent: str) -> list[str]:
    """One line per verdict on a resource (None: on the stack), tagged by its enforcement or as waived."""
    return [
        f"{indent}! {'WAIVED' if v.waived else v.enforcement.upper()} {v.policy}: {v.message}"
        for v in verdicts.get(urn, [])
    ]


def _resource_group_line(r: ResourceEntry) -> str:
    p = r.props
    return f"resource group {p.get('resourceGroupName')}  {p.get('location')}{_protect(r)}{_line(r)}"


def _action_group_line(r: ResourceEntry) -> str:
    emails = ", ".join(str(e.get("emailAddress")) for e in r.props.get("emailReceivers") or [])
    return f"action group {r.props.get('actionGroupName')}  emails {emails}{_line(r)}"


def _defender_line(r: ResourceEntry) -> str:
    p = r.props
    return (
        f"Defender plan {p.get('pricingName')}  {p.get('pricingTier')} on {p.get('scopeId')}, retained on delete"
        f"{_line(r)}"
    )


_SHARED_LINES = {
    RG: _resource_group_line,
    types.BUDGET: _budget_line,
    types.METRIC_ALERT: _alert_line,
    types.ACTION_GROUP: _action_group_line,
    types.SECURITY_PRICING: _defender_line,
}


def _shared_line(r: ResourceEntry) -> str:
    """A resource outside every account: resource group, budget, alerts, network, logging."""
    line = _SHARED_LINES.get(r.type)
    return line(r) if line else f"{TYPE_LABELS.get(r.type, r.type)} {r.name}{_line(r)}"


def _account_block(
    account: ResourceEntry,
    resources: list[ResourceEntry],
    costs: dict[str, DeploymentCost],
    verdicts: dict[str | None, list[Violation]],
) -> list[str]:
    """An account with what it needs first (its key access roles), then every resource under it."""
    out: list[str] = []
    children = [r for r in resources if r.parent == account.parent and r is not account]
    before = [
        c for c in children if account.urn not in c.dependencies and c.type == ROLE and c.urn in account.dependencies
    ]
    for c in before:
        out.append(f"key access: {_role(c)} on {str(c.props.get('scope', '')).rsplit('/', 1)[-1]}{_line(c)}")
    out += _account_line(account)
    out += _marks(verdicts, account.urn, "   ")
    for child in children:
        if child in before:
            continue
        out += _child_line(child, costs.get(child.urn))
        out += _marks(verdicts, child.urn, "   │    ")
    return out


def _summary(entry: StackReport) -> list[str]:
    """The cost, unpriced and verdict lines that close a plan."""
    mandatory, advisory, waived = counts(entry)
    cost = entry.cost
    return [
        f"cost: expected {total_usd(cost, 'monthly_expected')}/month, ceiling {total_usd(cost, 'monthly_ceiling')}"
        "/month, "
        f"budget {usd(cost.budget)} (basis {cost.basis})",
        *(f"unpriced: {line}" for line in cost.unpriced),
        *(f"not in the cost: {line}" for line in cost.not_included),
        f"verdict: {'PASS' if entry.passed else 'FAIL'} ({mandatory} mandatory, {advisory} advisory, "
        f"{waived} waived; policy config {entry.policy_config})",
    ]


def render_plan(entry: StackReport) -> str:
    """The resources `pulumi up` would create for one stack, as a tree with verdicts."""
    resources = entry.resources
    verdicts = _verdicts_by_urn(entry)
    costs = {d.urn: d for d in entry.cost.deployments}
    azure = [r for r in resources if not r.type.startswith("foundry-iac:")]
    out = [f"Stack {entry.stack}  ({entry.file})  {len(azure)} Azure resources"]
    accounts = [r for r in resources if r.type == ACCOUNT]
    components = {a.parent for a in accounts}
    for r in resources:
        if r.type.startswith("foundry-iac:") or r.parent in components:
            continue
        out.append(_shared_line(r))
        out += _marks(verdicts, r.urn, "   ")
    for account in accounts:
        out += _account_block(account, resources, costs, verdicts)
    if entry.defender is not None and not entry.defender.registered_here:
        out.append(f"Defender for AI: {defender_summary(entry.defender)}")
    out += _marks(verdicts, None, "stack ")
    out += _summary(entry)
    return "\n".join(out) + "\n"
