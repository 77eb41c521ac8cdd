"""Spend before rollout: cost-budget (the stack) and deployment-cost-ceiling (each deployment).

Both use components.cost, the one cost model, with the declared monthly tokens the program puts on
each deployment as tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

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


def check_budget(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """The stack's monthly cost on the configured basis fits the budget."""
    basis = str(config.get("basis", "expected"))
    budget = config.get("budgetUsd")
    priced = price_stack(resources, float(config.get("inputShare", 0.0)))
    for item in priced:
        if item.error:
            yield Finding(f"{item.deployment.label}: cannot be priced: {item.error}", item.deployment.resource)
    if budget is None:
        return
    total = sum((p.cost.ceiling if basis == "ceiling" else p.cost.expected) for p in priced if p.cost)
    if total > float(budget):
        top = max(
            (p for p in priced if p.cost), key=lambda p: p.cost.ceiling if basis == "ceiling" else p.cost.expected
        )
        yield Finding(
            f"monthly {basis} cost {_usd(total)} exceeds the budget {_usd(float(budget))} by "
            f"{_usd(total - float(budget))}; the largest is {top.deployment.label} — lower capacities or "
            f"expected tokens, or raise budgetUsd through a reviewed change"
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
    "within budget; every deployment can be priced.",
    remediation="Lower capacities or expected tokens, or raise budgetUsd through a reviewed change.",
    severity=Severity.HIGH,
    properties={
        "budgetUsd": {"type": "number", "exclusiveMinimum": 0},
        "basis": {"type": "string", "enum": ["expected", "ceiling"]},
        "inputShare": INPUT_SHARE_SCHEMA,
    },
    required=["budgetUsd"],
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
