"""The config of who the stack's monthly budget notifies, and when."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..config.fields import ACTION_GROUP_ID_PATTERN, EMAIL_PATTERN, ConfigModel, custom_error

MAX_BUDGET_NOTIFICATIONS = 5  # Azure: at most five notifications per budget


class BudgetThreshold(ConfigModel):
    """When a budget notification fires: a percentage of the budget, of actual or forecast cost."""

    percent: float = Field(gt=0, le=1000, allow_inf_nan=False, description="Percent of the budget (0-1000].")
    type: Literal["Actual", "Forecasted"] = Field(default="Actual", description="Actual or forecast cost.")


def _default_thresholds() -> list[BudgetThreshold]:
    return [BudgetThreshold(percent=80, type="Actual"), BudgetThreshold(percent=100, type="Forecasted")]


class BudgetAlerts(ConfigModel):
    """Who the monthly budget (foundry-iac:monthlyBudgetUsd) notifies, and when."""

    contact_emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]] = Field(
        default_factory=list, alias="contactEmails", max_length=50, description="Addresses to notify (at most 50)."
    )
    action_group_id: str | None = Field(
        default=None,
        alias="actionGroupId",
        pattern=ACTION_GROUP_ID_PATTERN,
        description="ARM id of an existing action group to notify.",
    )
    thresholds: list[BudgetThreshold] = Field(
        default_factory=_default_thresholds,
        min_length=1,
        max_length=MAX_BUDGET_NOTIFICATIONS,
        description="Default: 80% of actual cost and 100% of forecast cost.",
    )
    start_date: dt.date | None = Field(
        default=None,
        alias="startDate",
        description="First month of the budget (a first day of a month); default: the current month.",
    )

    @field_validator("start_date")
    @classmethod
    def _first_of_month(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value.day != 1:
            raise custom_error("not_first_of_month", f"a budget starts on the first day of a month, not {value}")
        return value

    @model_validator(mode="after")
    def _distinct_thresholds(self) -> BudgetAlerts:
        seen = [(t.percent, t.type) for t in self.thresholds]
        if len(set(seen)) != len(seen):
            raise custom_error("duplicate_threshold", "list each threshold (percent and type) once", at=("thresholds",))
        return self

    @property
    def has_contacts(self) -> bool:
        """True when a notification reaches someone."""
        return bool(self.contact_emails or self.action_group_id)
