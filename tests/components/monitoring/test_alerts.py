"""Metric alerts are deployed with the estate (an action group and per-account rules on Azure's documented
metrics), Azure's own monitor models read them, and alerts-configured checks what is registered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.mgmt.monitor import models

from components.monitoring import metrics
from foundry_iac.cli.main import main
from foundry_iac.engine.arm_export import arm_template
from foundry_iac.engine.gate import check_stack
from policies.framework import Resource
from policies.monitoring import watches
from tests.azure_contract import contract_errors
from tests.conftest import ROOT, TAGGED_STACK, example_ref, unwaived

PROD_EU = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
ALERT = "azure-native:monitor:MetricAlert"
GROUP = "azure-native:monitor:ActionGroup"
ACCOUNT_ID = (
    "/subscriptions/9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34/resourceGroups/rg-foundry-prod-eu/providers/"
    "Microsoft.CognitiveServices/accounts/fdy-prod-eu-core"
)
EMAILS = "    emails: [oncall@contoso.example]\n"
# A provisioned deployment (ProvisionedManaged gpt-4o is offered in swedencentral, 50 PTU minimum).
PTU = TAGGED_STACK.replace(
    "          type: DataZoneStandard\n          capacity: 10\n",
    "          type: ProvisionedManaged\n          capacity: 50\n",
)


def with_alerts(stack: str, block: str) -> str:
    return stack.replace(
        "  foundry-iac:accounts:\n", "  foundry-iac:alerts:\n" + block + "  foundry-iac:accounts:\n", 1
    )


def plan_json(capsys, monkeypatch, stack: str = "prod-eu") -> dict:
    monkeypatch.chdir(ROOT)
    assert main(["plan", stack, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["stacks"][0]


def run_file(capsys, tmp_path: Path, text: str, name: str = "prod-eu") -> tuple[int, str, str]:
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text)
    code = main(["plan", str(path), "--policy-config", str(ROOT / f"policies/config/{name}.json"), "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_prod_eu_deploys_an_action_group_and_throttling_and_server_error_alerts_on_its_account(capsys, monkeypatch):
    entry = plan_json(capsys, monkeypatch)
    (group,) = [r for r in entry["resources"] if r["type"] == GROUP]
    assert group["props"]["actionGroupName"] == "ag-prod-eu" and group["props"]["groupShortName"] == "fdy-prod-eu"
    assert group["props"]["emailReceivers"] == [
        {"name": "email-1", "emailAddress": "platform-ai-oncall@contoso.example", "useCommonAlertSchema": True}
    ]
    alerts = {r["name"]: r for r in entry["resources"] if r["type"] == ALERT}
    assert sorted(alerts) == ["fdy-prod-eu-core-alert-server-errors", "fdy-prod-eu-core-alert-throttling"]
    throttling = alerts["fdy-prod-eu-core-alert-throttling"]
    props = throttling["props"]
    assert props["scopes"] == [ACCOUNT_ID] and props["targetResourceRegion"] == "swedencentral"
    assert (props["windowSize"], props["evaluationFrequency"], props["severity"]) == ("PT15M", "PT5M", 2)
    (criterion,) = props["criteria"]["allOf"]
    assert (criterion["metricName"], criterion["threshold"], criterion["timeAggregation"]) == (
        "AzureOpenAIRequests",
        20,
        "Total",
    )
    assert criterion["dimensions"] == [{"name": "StatusCode", "operator": "Include", "values": ["429"]}]
    group_id = (
        "/subscriptions/9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34/resourceGroups/rg-foundry-prod-eu/providers/"
        "microsoft.insights/actionGroups/ag-prod-eu"
    )
    assert props["actions"] == [{"actionGroupId": group_id}]
    assert throttling["source"] == {"file": "stacks/Pulumi.prod-eu.yaml", "line": 20}
    errors = alerts["fdy-prod-eu-core-alert-server-errors"]["props"]
    assert errors["severity"] == 1
    assert errors["criteria"]["allOf"][0]["dimensions"][0]["values"] == ["500", "502", "503", "504"]
    # each rule waits for the account it watches and for the group it notifies
    account_urn = next(r["urn"] for r in entry["resources"] if r["name"] == "fdy-prod-eu-core-account")
    assert {account_urn, group["urn"]} <= set(throttling["dependencies"])


def test_plan_text_shows_each_rule_its_metric_threshold_window_and_group(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "prod-eu"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "alert" in line or "action group" in line]
    assert lines == [
        "action group ag-prod-eu  emails platform-ai-oncall@contoso.example  (line 19)",
        "metric alert fdy-prod-eu-core-throttling  AzureOpenAIRequests 429 total > 20 over PT15M, severity 2 -> "
        "ag-prod-eu  (line 20)",
        "metric alert fdy-prod-eu-core-server-errors  AzureOpenAIRequests 500/502/503/504 total > 5 over PT15M, "
        "severity 1 -> ag-prod-eu  (line 21)",
    ]


def test_an_existing_action_group_is_notified_and_none_is_created(capsys, monkeypatch):
    entry = plan_json(capsys, monkeypatch, "prod-us")
    assert not [r for r in entry["resources"] if r["type"] == GROUP]
    actions = {json.dumps(r["props"]["actions"]) for r in entry["resources"] if r["type"] == ALERT}
    assert actions == {
        json.dumps(
            [
                {
                    "actionGroupId": "/subscriptions/4d8a1c6e-9b2f-4e7d-a3c5-1f6b8e0d2c97/resourceGroups/rg-monitoring/"
                    "providers/microsoft.insights/actionGroups/ag-platform-ai"
                }
            ]
        )
    }


def body(resource: dict) -> dict:
    """The PUT body of a template resource: without the template's own keys."""
    return {k: v for k, v in resource.items() if k not in ("name", "type", "apiVersion", "dependsOn", "scope")}


def test_azures_monitor_models_read_the_exported_alerts_and_action_group():
    template = arm_template(check_stack(example_ref("prod-eu"), ROOT), "test")
    by_type: dict[str, list[dict]] = {}
    for resource in template["resources"]:
        by_type.setdefault(resource["type"], []).append(resource)
    (group,) = by_type["Microsoft.Insights/actionGroups"]
    assert group["apiVersion"] == "2024-10-01-preview"
    group = body(group)
    read_group = models.ActionGroupResource.deserialize(group)
    assert contract_errors(read_group) == [] and read_group.group_short_name == "fdy-prod-eu"
    assert read_group.email_receivers[0].use_common_alert_schema is True
    for rule in by_type["Microsoft.Insights/metricAlerts"]:
        assert rule["apiVersion"] == "2018-03-01"
        read = models.MetricAlertResource.deserialize(body(rule))
        assert contract_errors(read) == [], rule["name"]  # required fields there, nothing read-only sent
        assert isinstance(read.criteria, models.MetricAlertSingleResourceMultipleMetricCriteria)
        (criterion,) = read.criteria.all_of
        assert criterion.operator in models.Operator.__members__.values()
        assert criterion.time_aggregation in models.AggregationTypeEnum.__members__.values()
        assert read.window_size.total_seconds() >= read.evaluation_frequency.total_seconds()


def test_a_provisioned_deployment_gets_a_ptu_utilization_alert_on_the_v2_metric(gate):
    entry = gate(with_alerts(PTU, EMAILS), alerts_configured="mandatory", quota_capacity="disabled")
    alerts = {r["name"]: r["props"] for r in entry["resources"] if r["type"] == ALERT}
    ptu = alerts["fdy-test-alert-ptu-utilization"]
    (criterion,) = ptu["criteria"]["allOf"]
    assert (criterion["metricName"], criterion["timeAggregation"], criterion["threshold"]) == (
        "AzureOpenAIProvisionedManagedUtilizationV2",
        "Average",
        90,
    )
    assert not unwaived(entry, "alerts-configured")


def test_pay_per_token_accounts_get_no_ptu_alert(gate):
    entry = gate(with_alerts(TAGGED_STACK, EMAILS), alerts_configured="mandatory")
    names = sorted(r["name"] for r in entry["resources"] if r["type"] == ALERT)
    assert names == ["fdy-test-alert-server-errors", "fdy-test-alert-throttling"]
    assert entry["passed"] and not unwaived(entry, "alerts-configured")


def test_a_disabled_ptu_alert_on_a_provisioned_account_fails_alerts_configured(gate):
    stack = with_alerts(PTU, EMAILS + "    ptuUtilization: {enabled: false}\n")
    entry = gate(stack, alerts_configured="mandatory", quota_capacity="disabled")
    (finding,) = unwaived(entry, "alerts-configured")
    assert finding["message"].startswith(
        "fdy-test-account: no PTU utilization alert: no enabled metric alert on "
        "AzureOpenAIProvisionedManagedUtilizationV2 scopes this account and notifies an action group"
    )
    assert finding["urn"].endswith("::fdy-test-account") and finding["source"]["line"] == 11
    assert not entry["passed"]


def test_server_error_alerts_are_required_only_when_the_policy_config_says_so(gate):
    stack = with_alerts(TAGGED_STACK, EMAILS + "    serverErrors: {enabled: false}\n")
    assert not unwaived(gate(stack, alerts_configured="mandatory"), "alerts-configured")
    entry = gate(stack, alerts_configured={"enforcementLevel": "mandatory", "requireServerErrors": True})
    (finding,) = unwaived(entry, "alerts-configured")
    assert "no server errors (5xx) alert" in finding["message"]
    assert "AzureOpenAIRequests with StatusCode 500, 502, 503, 504" in finding["message"]


def test_a_disabled_throttling_alert_in_production_fails_the_gate(capsys, tmp_path):
    text = PROD_EU.replace("    throttling: {threshold: 20, window: PT15M}\n", "    throttling: {enabled: false}\n")
    code, out, _ = run_file(capsys, tmp_path, text)
    assert code == 1
    (finding,) = unwaived(json.loads(out)["stacks"][0], "alerts-configured")
    assert finding["enforcement"] == "mandatory"
    assert "fdy-prod-eu-core-account: no throttling (requests answered 429) alert" in finding["message"]


def test_a_production_stack_without_alerts_fails_alerts_configured(capsys, tmp_path):
    start = PROD_EU.index("  foundry-iac:alerts:")
    end = PROD_EU.index("  foundry-iac:tags:")
    code, out, _ = run_file(capsys, tmp_path, PROD_EU[:start] + PROD_EU[end:])
    entry = json.loads(out)["stacks"][0]
    assert code == 1 and not [r for r in entry["resources"] if r["type"] in (ALERT, GROUP)]
    found = unwaived(entry, "alerts-configured")  # prod-eu.json also requires server-error alerts
    assert sorted(f["message"].split(":")[1].strip() for f in found) == [
        "no server errors (5xx) alert",
        "no throttling (requests answered 429) alert",
    ]
    assert {json.dumps(f["source"]) for f in found} == {
        json.dumps({"file": str(tmp_path / "Pulumi.prod-eu.yaml"), "line": 27})
    }


def test_an_account_without_deployments_is_not_watched_and_not_flagged(gate):
    stack = with_alerts(TAGGED_STACK, EMAILS)
    stack = stack[: stack.index("      deployments:\n")]
    entry = gate(stack, alerts_configured="mandatory")
    assert not [r for r in entry["resources"] if r["type"] == ALERT]
    assert not unwaived(entry, "alerts-configured")


@pytest.mark.parametrize(
    "block,message",
    [
        (
            EMAILS + "    actionGroupId: /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/"
            "providers/microsoft.insights/actionGroups/ag\n",
            ":7: alerts: alerts notify one action group: list `emails` (the stack creates it) or give "
            "`actionGroupId` (an existing one), not both and not neither",
        ),
        ("    throttling: {threshold: 5}\n", ":7: alerts: alerts notify one action group"),
        (
            EMAILS + "    throttling: {window: PT10M}\n",
            ":9: alerts.throttling.window: must be one of PT5M, PT15M, PT30M, PT1H (got 'PT10M')",
        ),
        (
            EMAILS + "    ptuUtilization: {threshold: 120}\n",
            ":9: alerts.ptuUtilization.threshold: must be <= 100 (got 120)",
        ),
        (EMAILS + "    serverErrors: {severity: 5}\n", ":9: alerts.serverErrors.severity: must be <= 4 (got 5)"),
        (
            EMAILS + "    throttling: {treshold: 5}\n",
            ":9: alerts.throttling.treshold: unknown key 'treshold'; did you mean 'threshold'?",
        ),
    ],
    ids=["both-groups", "no-group", "window", "ptu-over-100", "severity", "typo"],
)
def test_bad_alert_settings_are_config_errors_at_their_line(capsys, tmp_path, block, message):
    code, _, err = run_file(capsys, tmp_path, with_alerts(TAGGED_STACK, block))
    assert code == 2 and message in err, err


RULE = {
    "enabled": True,
    "actions": [{"actionGroupId": "/subscriptions/x/resourceGroups/rg/providers/microsoft.insights/actionGroups/ag"}],
    "criteria": {
        "allOf": [
            {
                "metricName": metrics.REQUESTS,
                "dimensions": [{"name": "StatusCode", "operator": "Include", "values": ["429", "500"]}],
            }
        ]
    },
}


def rule(**changes: object) -> Resource:
    return Resource(ALERT, "a", "urn:a", {**RULE, **changes})


def test_watches_a_rule_that_is_on_notifies_and_includes_the_codes():
    assert watches(rule(), metrics.REQUESTS, metrics.THROTTLED)
    assert watches(rule(), metrics.REQUESTS)


@pytest.mark.parametrize(
    "changes,metric,codes",
    [
        ({"enabled": False}, metrics.REQUESTS, metrics.THROTTLED),
        ({"enabled": "true"}, metrics.REQUESTS, metrics.THROTTLED),
        ({"actions": []}, metrics.REQUESTS, metrics.THROTTLED),
        ({}, metrics.PTU_UTILIZATION, ()),
        ({}, metrics.REQUESTS, metrics.SERVER_ERRORS),
        (
            {
                "criteria": {
                    "allOf": [
                        {
                            "metricName": metrics.REQUESTS,
                            "dimensions": [{"name": "StatusCode", "operator": "Exclude", "values": ["429"]}],
                        }
                    ]
                }
            },
            metrics.REQUESTS,
            metrics.THROTTLED,
        ),
        (
            {
                "criteria": {
                    "allOf": [
                        {
                            "metricName": metrics.REQUESTS,
                            "dimensions": [{"name": "ModelDeploymentName", "operator": "Include", "values": ["429"]}],
                        }
                    ]
                }
            },
            metrics.REQUESTS,
            metrics.THROTTLED,
        ),
        ({"criteria": {}}, metrics.REQUESTS, ()),
    ],
    ids=[
        "off",
        "enabled-not-a-bool",
        "no-action",
        "other-metric",
        "missing-codes",
        "exclude",
        "other-dimension",
        "no-criteria",
    ],
)
def test_watches_refuses_rules_that_would_not_tell_anyone(changes, metric, codes):
    assert not watches(rule(**changes), metric, codes)
