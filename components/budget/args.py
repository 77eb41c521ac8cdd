"""Typed inputs of the stack's monthly budget, from the stack config."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..config.loaded import LoadedConfig, SourceLocation
from ..resource_group import resource_group_name
from .model import BudgetAlerts


@dataclass(frozen=True)
class BudgetArgs:
    """The stack's monthly cost budget on its resource group, and who it notifies (ARM shape)."""

    name: str
    scope: str
    amount: float
    start_date: str
    notifications: dict[str, dict[str, Any]]
    source: SourceLocation


def budget_args(loaded: LoadedConfig, today: dt.date) -> BudgetArgs | None:
    """The budget of foundry-iac:monthlyBudgetUsd (None without one); it starts this month unless stated."""
    cfg = loaded.config
    if cfg.monthly_budget_usd is None:
        return None
    alerts = cfg.budget_alerts or BudgetAlerts()
    start = alerts.start_date or today.replace(day=1)
    notifications = {
        f"{t.type.lower()}-{t.percent:g}-percent": {
            "enabled": True,
            "operator": "GreaterThanOrEqualTo",
            "threshold": t.percent,
            "thresholdType": t.type,
            "contactEmails": list(alerts.contact_emails),
            "contactGroups": [alerts.action_group_id] if alerts.action_group_id else [],
        }
        for t in alerts.thresholds
    }
    scope = f"/subscriptions/{cfg.subscription_id}/resourceGroups/{resource_group_name(loaded)}"
    return BudgetArgs(
        f"budget-{loaded.stack}",
        scope,
        cfg.monthly_budget_usd,
        start.isoformat(),
        notifications,
        loaded.location("monthlyBudgetUsd"),
    )
