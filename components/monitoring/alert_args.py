"""The stack's metric alerts as plain values: one action group, and per account its alert rules (ARM shape).

Built from `foundry-iac:alerts`: throttling (429s) and server errors (5xx) on every account with
deployments, PTU utilization on accounts with a provisioned deployment. Metric names come from
components/monitoring/metrics.py, which cites its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalog import is_provisioned
from ..config.loaded import LoadedConfig, SourceLocation
from ..naming import account_id
from ..resource_group import resource_group_name, stack_tags
from . import metrics
from .model import METRIC_FREQUENCY

ACTION_GROUP_SHORT_NAME_MAX = 12  # Azure: groupShortName is at most 12 characters


@dataclass(frozen=True)
class ActionGroupArgs:
    """An action group the stack creates: email receivers with the common alert schema."""

    name: str
    id: str
    short_name: str
    resource_group_name: str
    emails: tuple[str, ...]
    tags: dict[str, str]
    source: SourceLocation


@dataclass(frozen=True)
class MetricAlertArgs:
    """One metric alert rule on one account (a single static-threshold criterion)."""

    logical_name: str
    rule_name: str
    resource_group_name: str
    account_id: str
    account_region: str
    description: str
    severity: int
    window: str
    frequency: str
    criterion: dict[str, Any]
    tags: dict[str, str]
    source: SourceLocation


@dataclass(frozen=True)
class AlertsArgs:
    """The stack's alerts: the group they notify (created, or an existing id) and the rules."""

    action_group: ActionGroupArgs | None
    action_group_id: str
    rules: tuple[MetricAlertArgs, ...]


def _status_criterion(name: str, codes: tuple[str, ...], threshold: int) -> dict[str, Any]:
    return {
        "criterionType": "StaticThresholdCriterion",
        "name": name,
        "metricName": metrics.REQUESTS,
        "metricNamespace": metrics.METRIC_NAMESPACE,
        "dimensions": [{"name": metrics.STATUS_CODE, "operator": "Include", "values": list(codes)}],
        "operator": "GreaterThan",
        "threshold": threshold,
        "timeAggregation": "Total",
    }


def _ptu_criterion(threshold: float) -> dict[str, Any]:
    return {
        "criterionType": "StaticThresholdCriterion",
        "name": "ptu-utilization",
        "metricName": metrics.PTU_UTILIZATION,
        "metricNamespace": metrics.METRIC_NAMESPACE,
        "operator": "GreaterThan",
        "threshold": threshold,
        "timeAggregation": "Average",
    }


def alerts_args(loaded: LoadedConfig) -> AlertsArgs | None:
    """The alerts of foundry-iac:alerts (None without the block); accounts without deployments get none."""
    cfg = loaded.config
    alerts = cfg.alerts
    if alerts is None:
        return None
    rg = resource_group_name(loaded)
    tags = stack_tags(loaded)
    group = None
    group_id = str(alerts.action_group_id)
    if alerts.emails:
        name = f"ag-{loaded.stack}"
        # the id is known before the group exists, so rules and policies see it at preview
        group_id = (
            f"/subscriptions/{cfg.subscription_id}/resourceGroups/{rg}/providers/microsoft.insights/actionGroups/{name}"
        )
        group = ActionGroupArgs(
            name,
            group_id,
            f"fdy-{loaded.stack}"[:ACTION_GROUP_SHORT_NAME_MAX],
            rg,
            tuple(alerts.emails),
            tags,
            loaded.location("alerts", "emails"),
        )
    rules: list[MetricAlertArgs] = []
    for acct in cfg.accounts:
        if not acct.deployments:
            continue
        target = account_id(cfg.subscription_id, rg, acct.name)
        region = acct.location or cfg.location
        provisioned = any(is_provisioned(d.type) for d in acct.deployments)
        wanted = [
            (
                "throttling",
                alerts.throttling,
                "throttled requests (HTTP 429)",
                _status_criterion("throttled-requests", metrics.THROTTLED, alerts.throttling.threshold),
            ),
            (
                "ptuUtilization",
                alerts.ptu_utilization,
                "provisioned-managed utilization",
                _ptu_criterion(alerts.ptu_utilization.threshold),
            ),
            (
                "serverErrors",
                alerts.server_errors,
                "server errors (HTTP 5xx)",
                _status_criterion("server-errors", metrics.SERVER_ERRORS, alerts.server_errors.threshold),
            ),
        ]
        for key, rule, what, criterion in wanted:
            if not rule.enabled or (key == "ptuUtilization" and not provisioned):
                continue
            slug = {"throttling": "throttling", "ptuUtilization": "ptu-utilization", "serverErrors": "server-errors"}[
                key
            ]
            rules.append(
                MetricAlertArgs(
                    logical_name=f"{acct.name}-alert-{slug}",
                    rule_name=f"{acct.name}-{slug}",
                    resource_group_name=rg,
                    account_id=target,
                    account_region=region,
                    description=f"foundry-iac: {what} on {acct.name} above {criterion['threshold']:g} "
                    f"over {rule.window}",
                    severity=rule.severity,
                    window=rule.window,
                    frequency=METRIC_FREQUENCY[rule.window],
                    criterion=criterion,
                    tags=tags,
                    source=loaded.location("alerts", key),  # the rule's line, or foundry-iac:alerts
                )
            )
    return AlertsArgs(group, group_id, tuple(rules))
