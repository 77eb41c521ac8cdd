"""The config of monitoring: diagnostic settings to Log Analytics, and the metric alerts on each account."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..config.fields import ACTION_GROUP_ID_PATTERN, EMAIL_PATTERN, WORKSPACE_ID, ConfigModel, custom_error


class DiagnosticsConfig(ConfigModel):
    """Diagnostic settings: logs and metrics to a Log Analytics workspace (referenced or created)."""

    workspace_id: str | None = Field(default=None, alias="workspaceId", pattern=WORKSPACE_ID)
    workspace: str | None = Field(
        default=None,
        pattern=r"^[a-zA-Z0-9][-a-zA-Z0-9]{2,61}[a-zA-Z0-9]$",
        description="Create a workspace of this name in the stack's resource group.",
    )
    retention_days: int = Field(default=90, alias="retentionDays", ge=30, le=730, strict=True)

    @model_validator(mode="after")
    def _one_workspace(self) -> DiagnosticsConfig:
        if (self.workspace_id is None) == (self.workspace is None):
            raise custom_error("diagnostics", "give exactly one of workspaceId (existing) or workspace (create)")
        return self


# Metric alert windows foundry-iac offers, each evaluated every METRIC_FREQUENCY[window]: Azure wants the
# evaluation frequency at most the window (learn.microsoft.com/azure/azure-monitor/alerts/
# alerts-metric-create-templates, read 2026-11).
METRIC_FREQUENCY = {"PT5M": "PT1M", "PT15M": "PT5M", "PT30M": "PT5M", "PT1H": "PT5M"}
MetricWindow = Literal["PT5M", "PT15M", "PT30M", "PT1H"]


class _MetricRule(ConfigModel):
    enabled: bool = Field(default=True, description="false: do not deploy this alert.")
    window: MetricWindow = Field(default="PT15M", description="Window the threshold is judged over (ISO 8601).")
    severity: int = Field(default=2, ge=0, le=4, description="Alert severity, 0 (critical) to 4 (verbose).")


class ThrottlingAlert(_MetricRule):
    """Requests answered 429 (AzureOpenAIRequests, StatusCode 429), more than `threshold` in the window."""

    threshold: int = Field(default=10, ge=0, le=1_000_000, description="Throttled requests per window.")


class PtuUtilizationAlert(_MetricRule):
    """Provisioned-managed utilization (average %) above `threshold`, for accounts with provisioned deployments."""

    threshold: float = Field(
        default=90, gt=0, le=100, allow_inf_nan=False, description="Average utilization in percent (0-100]."
    )


class ServerErrorAlert(_MetricRule):
    """Requests answered 5xx (AzureOpenAIRequests, StatusCode 500/502/503/504), more than `threshold` in the window."""

    threshold: int = Field(default=5, ge=0, le=1_000_000, description="Server errors per window.")


class AlertsConfig(ConfigModel):
    """Metric alerts deployed on every account with deployments, and who they notify."""

    emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]] = Field(
        default_factory=list,
        max_length=50,
        description="Addresses of an action group the stack creates (at most 50).",
    )
    action_group_id: str | None = Field(
        default=None,
        alias="actionGroupId",
        pattern=ACTION_GROUP_ID_PATTERN,
        description="ARM id of an existing action group to notify instead.",
    )
    throttling: ThrottlingAlert = Field(default_factory=ThrottlingAlert)
    ptu_utilization: PtuUtilizationAlert = Field(default_factory=PtuUtilizationAlert, alias="ptuUtilization")
    server_errors: ServerErrorAlert = Field(default_factory=ServerErrorAlert, alias="serverErrors")

    @model_validator(mode="after")
    def _one_action_group(self) -> AlertsConfig:
        if bool(self.emails) == bool(self.action_group_id):
            raise custom_error(
                "alerts_action_group",
                "alerts notify one action group: list `emails` (the stack creates it) or give `actionGroupId` "
                "(an existing one), not both and not neither",
            )
        return self
