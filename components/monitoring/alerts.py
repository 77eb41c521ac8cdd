"""Metric alerts deployed with the estate (Microsoft.Insights): an action group and per-account alert rules.

Alert rules are resources of their own in the stack's resource group, scoped to the account by id; they
are not child writes of the account, so they wait only for the account and the action group.
"""

from __future__ import annotations

import pulumi

from .. import provenance
from .. import resource_types as types
from ..wire import wire
from .alert_args import ActionGroupArgs, AlertsArgs


def action_group(args: ActionGroupArgs, depends_on: list[pulumi.Resource]) -> pulumi.Resource:
    """An action group (location Global) that emails each address with the common alert schema."""
    from pulumi_azure_native import monitor

    provenance.record(types.ACTION_GROUP, "action-group", args.source)
    return monitor.ActionGroup(
        "action-group",
        action_group_name=args.name,
        resource_group_name=args.resource_group_name,
        location="Global",
        group_short_name=args.short_name,
        enabled=True,
        email_receivers=[
            wire({"name": f"email-{index + 1}", "emailAddress": email, "useCommonAlertSchema": True})
            for index, email in enumerate(args.emails)
        ],
        tags=args.tags,
        opts=pulumi.ResourceOptions(depends_on=depends_on),
    )


def metric_alerts(
    args: AlertsArgs, accounts: dict[str, pulumi.Resource], depends_on: list[pulumi.Resource]
) -> list[pulumi.Resource]:
    """Register the action group (when the stack creates one) and every alert rule.

    `accounts` maps each account's ARM id to its account resource, which the rules on it wait for.
    """
    from pulumi_azure_native import monitor

    group = action_group(args.action_group, depends_on) if args.action_group is not None else None
    out: list[pulumi.Resource] = [] if group is None else [group]
    for rule in args.rules:
        provenance.record(types.METRIC_ALERT, rule.logical_name, rule.source)
        after = [accounts[rule.account_id], *depends_on, *([group] if group is not None else [])]
        out.append(
            monitor.MetricAlert(
                rule.logical_name,
                rule_name=rule.rule_name,
                resource_group_name=rule.resource_group_name,
                location="global",
                description=rule.description,
                severity=rule.severity,
                enabled=True,
                scopes=[rule.account_id],
                target_resource_type="Microsoft.CognitiveServices/accounts",
                target_resource_region=rule.account_region,
                evaluation_frequency=rule.frequency,
                window_size=rule.window,
                auto_mitigate=True,
                criteria=wire(
                    {
                        "odataType": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                        "allOf": [rule.criterion],
                    }
                ),
                actions=[wire({"actionGroupId": args.action_group_id})],
                tags=rule.tags,
                opts=pulumi.ResourceOptions(depends_on=after),
            )
        )
    return out
