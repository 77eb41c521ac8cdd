"""Spend before rollout: cost-budget (the stack) and deployment-cost-ceiling (each deployment).

Both use components.cost, the one cost model, with the declared monthly tokens the program puts on
each deployment as tags.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from components import resource_types as types
from components.cost import DeploymentCost, MissingPriceError, deployment_cost

from .common import DEPLOYMENT, DeploymentView, catalog, deployment_view, deployments
from .framework import Finding, PolicySpec, Resource, resource_policy, stack_policy

INPUT_SHARE_SCHEMA = {
    "type": "number",
    "minimum": 0,
    "maximum": 1,
    "description": "Share of ceiling tokens priced as input (0 = all output, the worst case).",
}


@dataclass(frozen=True)
class PricedDeployment:
    """A deployment and its monthly cost, or the reason it cannot be priced."""

    deployment: DeploymentView
    cost: DeploymentCost | None
    error: str | None = None


def price(dep: DeploymentView, input_share: float) -> PricedDeployment:
    """Price one deployment with the catalog; a missing price is an error, never zero."""
    entry = catalog().models.get(dep.model)
    if entry is None:
        return PricedDeployment(dep, None, f"{dep.model} is not in the catalog")
    try:
        cost = deployment_cost(
            dep.model, entry, dep.sku, dep.capacity, dep.input_tokens, dep.output_tokens, input_share
        )
    except MissingPriceError as exc:
        return PricedDeployment(dep, None, str(exc))
    return PricedDeployment(dep, cost)


def price_stack(resources: list[Resource], input_share: float) -> list[PricedDeployment]:
    """Every deployment of the stack, priced."""
    return [price(dep, input_share) for dep in deployments(resources)]


def _usd(value: float) -> str:
    return f"{value:,.2f} USD"


@dataclass(frozen=True)
class Budget:
    """The budget cost-budget checks: the stack file's, capped by the policy config's maxBudgetUsd."""

    amount: float | None
    source: str  # "stack" or "policy"
    stack_amount: float | None
    cap: float | None


def budget_resource(resources: list[Resource]) -> Resource | None:
    """The stack's deployed budget (Microsoft.Consumption/budgets), when it has one."""
    return next((r for r in resources if r.type == types.BUDGET), None)


def stack_budget(resources: list[Resource]) -> float | None:
    """The amount of the budget the program deploys from the stack file's monthlyBudgetUsd."""
    resource = budget_resource(resources)
    raw = resource.props.get("amount") if resource is not None else None
    try:
        value = float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None
    return value if value is not None and math.isfinite(value) and value > 0 else None


def effective_budget(resources: list[Resource], config: Mapping[str, Any]) -> Budget:
    """The stack's budget when it states one, never above the cap; else the cap."""
    cap = config.get("maxBudgetUsd")
    cap = float(cap) if cap is not None else None
    stated = stack_budget(resources)
    if stated is not None and (cap is None or stated <= cap):
        return Budget(stated, "stack", stated, cap)
    return Budget(cap, "policy", stated, cap)


def check_budget(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """The stack's monthly cost on the configured basis fits its budget, and the budget fits the cap."""
    basis = str(config.get("basis", "expected"))
    budget = effective_budget(resources, config)
    priced = price_stack(resources, float(config.get("inputShare", 0.0)))
    for item in priced:
        if item.error:
            yield Finding(f"{item.deployment.label}: cannot be priced: {item.error}", item.deployment.resource)
    deployed = budget_resource(resources)  # findings about the budget point at it (the monthlyBudgetUsd line)
    if budget.stack_amount is not None and budget.cap is not None and budget.stack_amount > budget.cap:
        yield Finding(
            f"the stack's monthlyBudgetUsd {_usd(budget.stack_amount)} is above the policy config's maxBudgetUsd "
            f"{_usd(budget.cap)}; lower foundry-iac:monthlyBudgetUsd, or raise maxBudgetUsd through a reviewed change",
            deployed,
        )
    if budget.amount is None:
        return
    total = sum((p.cost.ceiling if basis == "ceiling" else p.cost.expected) for p in priced if p.cost)
    if total > budget.amount:
        top = max(
            (p for p in priced if p.cost),
            key=lambda p: p.cost.ceiling if basis == "ceiling" else p.cost.expected,  # type: ignore[union-attr]
        )
        whose = (
            "the stack's budget (foundry-iac:monthlyBudgetUsd)"
            if budget.source == "stack"
            else "the policy config's maxBudgetUsd"
        )
        yield Finding(
            f"monthly {basis} cost {_usd(total)} exceeds {whose} {_usd(budget.amount)} by "
            f"{_usd(total - budget.amount)}; the largest is {top.deployment.label}: lower capacities or "
            f"expected tokens, or raise the budget through a reviewed change",
            deployed if budget.source == "stack" else None,
        )


def check_ceiling(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """No single deployment's monthly ceiling exceeds its cap (per model, else the default cap)."""
    caps: Mapping[str, float] = config.get("perModel") or {}
    dep = deployment_view(resource, {})
    cap = caps.get(dep.model, config.get("maxMonthlyUsd"))
    if cap is None:
        return
    item = price(dep, float(config.get("inputShare", 0.0)))
    if item.error:
        yield Finding(f"{resource.name}: cannot be priced: {item.error}", resource)
    elif item.cost and item.cost.ceiling > float(cap):
        yield Finding(
            f"{resource.name}: monthly ceiling {_usd(item.cost.ceiling)} ({dep.sku} x{dep.capacity} of "
            f"{dep.model}) exceeds the cap {_usd(float(cap))}; lower the capacity",
            resource,
        )


BUDGET = PolicySpec(
    id="cost-budget",
    description="The stack's monthly cost (basis `expected` from declared tokens, or `ceiling` from capacity) is "
    "within its budget (the stack file's monthlyBudgetUsd, capped by maxBudgetUsd); every deployment can be priced.",
    remediation="Lower capacities or expected tokens, or raise the budget (monthlyBudgetUsd, within maxBudgetUsd) "
    "through a reviewed change.",
    severity=Severity.HIGH,
    properties={
        "maxBudgetUsd": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Cap on the stack's monthly budget; the budget itself when the stack file states none.",
        },
        "basis": {"type": "string", "enum": ["expected", "ceiling"]},
        "inputShare": INPUT_SHARE_SCHEMA,
    },
    required=["maxBudgetUsd"],
)
CEILING = PolicySpec(
    id="deployment-cost-ceiling",
    description="No single deployment's monthly cost ceiling (capacity x TPM x 43,800 min x price) exceeds its cap.",
    remediation="Lower the deployment's capacity, or raise its cap in perModel through a reviewed change.",
    severity=Severity.MEDIUM,
    properties={
        "maxMonthlyUsd": {"type": "number", "exclusiveMinimum": 0},
        "perModel": {"type": "object", "additionalProperties": {"type": "number", "exclusiveMinimum": 0}},
        "inputShare": INPUT_SHARE_SCHEMA,
    },
)

cost_budget = stack_policy(BUDGET, check_budget)
deployment_cost_ceiling = resource_policy(CEILING, check_ceiling, (DEPLOYMENT,))
