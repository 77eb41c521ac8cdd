"""The stack's monthly cost budget, deployed with the estate on its resource group (Microsoft.Consumption).

cost-budget reads the amount from this registered resource, so what is deployed is what is checked.
The first month is fixed when the budget is created; later runs never move it (ignore_changes on
timePeriod), so a budget created in November does not drift every month.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import consumption

from .. import provenance
from .. import resource_types as types
from ..wire import wire
from .args import BudgetArgs


def budget(args: BudgetArgs, depends_on: list[pulumi.Resource]) -> consumption.Budget:
    """Register the monthly Cost budget with its notifications."""
    provenance.record(types.BUDGET, "budget", args.source)
    return consumption.Budget(
        "budget",
        budget_name=args.name,
        scope=args.scope,
        amount=args.amount,
        category="Cost",
        time_grain="Monthly",
        time_period=wire({"startDate": args.start_date}),
        notifications=wire(args.notifications),
        opts=pulumi.ResourceOptions(depends_on=depends_on, ignore_changes=["timePeriod"]),
    )
