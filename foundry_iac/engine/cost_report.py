"""The report's `cost` section: each deployment priced from the catalog, per account and in total,
against the stack's effective budget. Totals are never partial: one unpriced deployment makes them None."""

from __future__ import annotations

from components import resource_types as types
from policies.cost import effective_budget, price_stack
from policies.framework import Resource

from .policy_config import PolicySettings
from .report_model import AccountCost, CostSection, DeploymentCost


def _money(value: float) -> float:
    return round(value, 2)


def cost_section(resources: list[Resource], settings: dict[str, PolicySettings]) -> CostSection:
    """The report's `cost`: per deployment, per account and in total, expected and ceiling, against the budget."""
    budget_cfg = settings["cost-budget"].config
    input_share = float(budget_cfg.get("inputShare", 0.0))
    rows: list[DeploymentCost] = []
    errors: list[str] = []
    by_account: dict[str, list[DeploymentCost]] = {}
    unpriced_accounts: set[str] = set()
    urns = {
        (str(r.props.get("accountName")), str(r.props.get("deploymentName"))): r.urn
        for r in resources
        if r.type == types.DEPLOYMENT
    }
    for item in price_stack(resources, input_share):
        dep = item.deployment
        if item.cost is None:
            errors.append(f"{dep.label}: {item.error}")
            unpriced_accounts.add(dep.account)
            by_account.setdefault(dep.account, [])
            continue
        row = DeploymentCost(
            urn=dep.resource.urn,
            model=dep.model,
            sku=dep.sku,
            capacity=dep.capacity,
            monthly_expected=_money(item.cost.expected),
            monthly_ceiling=_money(item.cost.ceiling),
            spillover_to=urns.get(
                (dep.account, str((dep.resource.props.get("properties") or {}).get("spilloverDeploymentName")))
            ),
        )
        rows.append(row)
        by_account.setdefault(dep.account, []).append(row)
    accounts = [
        AccountCost(
            account=name,
            monthly_expected=_total([r.monthly_expected for r in group], name in unpriced_accounts),
            monthly_ceiling=_total([r.monthly_ceiling for r in group], name in unpriced_accounts),
        )
        for name, group in sorted(by_account.items())
    ]
    budget = effective_budget(resources, budget_cfg)
    return CostSection(
        currency="USD",
        basis=budget_cfg.get("basis", "expected"),
        input_share=input_share,
        monthly_expected=_total([r.monthly_expected for r in rows], bool(errors)),
        monthly_ceiling=_total([r.monthly_ceiling for r in rows], bool(errors)),
        budget=budget.amount,
        budget_source=budget.source,
        accounts=accounts,
        deployments=rows,
        unpriced=errors,
        not_included=not_included(resources),
    )


def not_included(resources: list[Resource]) -> list[str]:
    """What the stack is billed for that the catalog does not price, so the totals leave it out: the Azure
    Firewall of a managed network, which a firewall SKU, or an FQDN rule under AllowOnlyApprovedOutbound,
    creates (billed per hour and per GB processed)."""
    fqdn_accounts = {
        str(r.props.get("accountName"))
        for r in resources
        if r.type == types.OUTBOUND_RULE and (r.props.get("properties") or {}).get("type") == "FQDN"
    }
    out = []
    for r in resources:
        network = (r.props.get("properties") or {}).get("managedNetwork") or {}
        account = str(r.props.get("accountName"))
        fqdn_firewall = network.get("isolationMode") == "AllowOnlyApprovedOutbound" and account in fqdn_accounts
        if r.type != types.MANAGED_NETWORK or not (network.get("firewallSku") or fqdn_firewall):
            continue
        sku = f" {network['firewallSku']}" if network.get("firewallSku") else ""
        out.append(
            f"{r.name}: the Azure Firewall{sku} of account {account}'s managed network is billed per deployment hour "
            "and per GB it processes; the catalog has no price for it, so the totals and the budget check leave it out"
        )
    return out


def _total(amounts: list[float], unpriced: bool) -> float | None:
    """The sum, or None when a deployment could not be priced: a total is never a partial sum."""
    return None if unpriced else _money(sum(amounts))
