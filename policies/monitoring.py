"""alerts-configured: production accounts with deployments are watched by metric alerts that notify someone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components import resource_types as types
from components.catalog import is_provisioned
from components.monitoring import metrics

from .common import ACCOUNT, account_suffix, deployments
from .framework import Finding, PolicySpec, Resource, stack_policy

METRIC_ALERT = types.METRIC_ALERT


def _criteria(alert: Resource) -> list[Mapping[str, Any]]:
    return list((alert.props.get("criteria") or {}).get("allOf") or [])


def _codes(criterion: Mapping[str, Any]) -> set[str]:
    return {
        str(value)
        for dim in criterion.get("dimensions") or []
        if dim.get("name") == metrics.STATUS_CODE and dim.get("operator") == "Include"
        for value in dim.get("values") or []
    }


def watches(alert: Resource, metric: str, codes: tuple[str, ...] = ()) -> bool:
    """The alert is on, notifies an action group, and has a criterion on `metric` (including `codes`)."""
    if alert.props.get("enabled") is not True or not alert.props.get("actions"):
        return False
    return any(c.get("metricName") == metric and set(codes) <= _codes(c) for c in _criteria(alert))


def check_alerts(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each account with deployments has a throttling alert, a PTU alert when it has provisioned deployments,
    and a server-error alert when `requireServerErrors` is set."""
    alerts = [r for r in resources if r.type == METRIC_ALERT]
    by_account: dict[str, list[str]] = {}
    for view in deployments(resources):
        by_account.setdefault(view.account, []).append(view.sku)
    for account in (r for r in resources if r.type == ACCOUNT):
        skus = by_account.get(str(account.props.get("accountName", "")))
        if not skus:
            continue
        suffix = account_suffix(account)
        mine = [a for a in alerts if any(str(s).lower().endswith(suffix) for s in a.props.get("scopes") or [])]
        wanted: list[tuple[str, str, tuple[str, ...], str]] = [
            ("throttling (requests answered 429)", metrics.REQUESTS, metrics.THROTTLED, "throttling")
        ]
        if any(is_provisioned(sku) for sku in skus):
            wanted.append(("PTU utilization", metrics.PTU_UTILIZATION, (), "ptuUtilization"))
        if config.get("requireServerErrors"):
            wanted.append(("server errors (5xx)", metrics.REQUESTS, metrics.SERVER_ERRORS, "serverErrors"))
        for what, metric, codes, key in wanted:
            if not any(watches(a, metric, codes) for a in mine):
                on = f" with {metrics.STATUS_CODE} {', '.join(codes)}" if codes else ""
                yield Finding(
                    f"{account.name}: no {what} alert: no enabled metric alert on {metric}{on} scopes this "
                    f"account and notifies an action group; add foundry-iac:alerts (emails or actionGroupId), "
                    f"with `{key}` not disabled",
                    account,
                )


ALERTS = PolicySpec(
    id="alerts-configured",
    description="Each Foundry account with deployments has metric alerts that notify an action group: throttling "
    "(429s), PTU utilization where it has provisioned deployments, and server errors when required; meant for "
    "production.",
    remediation="Add foundry-iac:alerts with `emails` (the stack creates an action group) or `actionGroupId`.",
    severity=Severity.MEDIUM,
    properties={"requireServerErrors": {"type": "boolean"}},
)

alerts_configured = stack_policy(ALERTS, check_alerts)
