"""The report's `cost` section: each deployment priced from the catalog, per account and in total,
against the stack's effective budget. Totals are never partial: one unpriced deployment makes them None."""

from __future__ import annotations

from policies.cost import effective_budget, price_stack
from policies.framework import Resource

from .policy_config import PolicySettings


def _money(value: float) -> float:
    return round(value, 2)


def cost_section(resources: list[Resource], settings: dict[str, PolicySettings]) -> dict:
    """The report's `cost`: per deployment, per account and in total, expected and ceiling, against the budget."""
    budget_cfg = settings["cost-budget"].config
    input_share = float(budget_cfg.get("inputShare", 0.0))
    rows, errors = [], []
    by_account: dict[str, list[dict]] = {}
    unpriced_accounts: set[str] = set()
    for item in price_stack(resources, input_share):
        dep = item.deployment
        if item.cost is None:
            errors.append(f"{dep.label}: {item.error}")
            unpriced_accounts.add(dep.account)
            by_account.setdefault(dep.account, [])
            continue
        row = {
            "urn": dep.resource.urn,
            "model": dep.model,
            "sku": dep.sku,
            "capacity": dep.capacity,
            "monthly_expected": _money(item.cost.expected),
            "monthly_ceiling": _money(item.cost.ceiling),
        }
        rows.append(row)
        by_account.setdefault(dep.account, []).append(row)
    accounts = [
        {
            "account": name,
            "monthly_expected": _total(group, "monthly_expected", name in unpriced_accounts),
            "monthly_ceiling": _total(group, "monthly_ceiling", name in unpriced_accounts),
        }
        for name, group in sorted(by_account.items())
    ]
    budget = effective_budget(resources, budget_cfg)
    return {
        "currency": "USD",
        "basis": budget_cfg.get("basis", "expected"),
        "input_share": input_share,
        "monthly_expected": _total(rows, "monthly_expected", bool(errors)),
        "monthly_ceiling": _total(rows, "monthly_ceiling", bool(errors)),
        "budget": budget.amount,
        "budget_source": budget.source,
        "accounts": accounts,
        "deployments": rows,
        "unpriced": errors,
    }


def _total(rows: list[dict], key: str, unpriced: bool) -> float | None:
    """The sum of `key`, or None when a deployment could not be priced: a total is never a partial sum."""
    return None if unpriced else _money(sum(r[key] for r in rows))
