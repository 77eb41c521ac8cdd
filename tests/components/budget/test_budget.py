"""The stack's monthly budget is deployed with the estate (Microsoft.Consumption/budgets), and cost-budget
checks the amount of that registered resource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.mgmt.consumption import models

from foundry_iac.cli.main import main
from foundry_iac.engine.arm_export import arm_template
from foundry_iac.engine.gate import check_stack
from tests.conftest import ROOT, example_ref

PROD_EU = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
BUDGET = "azure-native:consumption:Budget"


@pytest.fixture
def on_nov_23(monkeypatch):
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", "2026-11-23")


def run(capsys, tmp_path: Path, stack: str, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(stack)
    code = main(["plan", str(path), "--policy-config", str(ROOT / "policies/config/prod-eu.json"), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_holds_the_budget_from_the_stack_file_with_its_thresholds(capsys, monkeypatch, on_nov_23):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "prod-eu", "--format", "json"]) == 0
    entry = json.loads(capsys.readouterr().out)["stacks"][0]
    (budget,) = [r for r in entry["resources"] if r["type"] == BUDGET]
    props = budget["props"]
    assert (props["amount"], props["category"], props["timeGrain"]) == (20000, "Cost", "Monthly")
    assert props["scope"] == "/subscriptions/9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34/resourceGroups/rg-foundry-prod-eu"
    assert props["timePeriod"] == {"startDate": "2026-11-01"}  # this month; never moved afterwards
    assert budget["source"] == {"file": "stacks/Pulumi.prod-eu.yaml", "line": 11}
    rules = sorted((n["threshold"], n["thresholdType"]) for n in props["notifications"].values())
    assert rules == [(80, "Actual"), (100, "Actual"), (100, "Forecasted")]
    emails = {tuple(n["contactEmails"]) for n in props["notifications"].values()}
    assert emails == {("finops@contoso.example", "platform-ai@contoso.example")}
    assert entry["cost"]["budget"] == 20000.0 and entry["cost"]["budget_source"] == "stack"


def test_azures_budget_model_reads_the_deployed_budget_at_the_sdks_api_version(on_nov_23):
    template = arm_template(check_stack(example_ref("prod-us"), ROOT), "test")
    (budget,) = [r for r in template["resources"] if r["type"] == "Microsoft.Consumption/budgets"]
    assert budget["apiVersion"] == "2024-08-01"  # what pulumi-azure-native 3.x and azure-mgmt-consumption 11 use
    read = models.Budget(budget)
    assert (read.properties.amount, read.properties.category, read.properties.time_grain) == (40000, "Cost", "Monthly")
    notifications = read.properties.notifications
    assert {n.threshold_type for n in notifications.values()} == {"Actual", "Forecasted"}
    assert all(n.operator in models.OperatorType.__members__.values() for n in notifications.values())
    ag = "/providers/microsoft.insights/actionGroups/ag-platform-ai"
    assert all(n.contact_groups[0].endswith(ag) for n in notifications.values())


def test_a_production_budget_that_notifies_nobody_is_a_config_error(capsys, tmp_path):
    start = PROD_EU.index("  foundry-iac:budgetAlerts:")
    end = PROD_EU.index("  foundry-iac:tags:")
    code, _, err = run(capsys, tmp_path, PROD_EU[:start] + PROD_EU[end:])
    assert code == 2
    assert (
        "Pulumi.prod-eu.yaml:11: monthlyBudgetUsd: a production budget must notify someone: add "
        "foundry-iac:budgetAlerts with contactEmails or actionGroupId"
    ) in err


@pytest.mark.parametrize(
    "alerts,expected",
    [
        ("    startDate: 2026-12-05\n", "a budget starts on the first day of a month, not 2026-12-05"),
        (
            "    thresholds: [{percent: 80}, {percent: 80, type: Actual}]\n",
            "list each threshold (percent and type) once",
        ),
        ("    thresholds: [{percent: 0}]\n", "budgetAlerts.thresholds[0].percent: must be > 0 (got 0)"),
        ("    actionGroupId: /subscriptions/x/ag\n", "actionGroupId"),
    ],
)
def test_budget_alert_mistakes_are_refused_at_their_line(capsys, tmp_path, alerts, expected):
    thresholds = PROD_EU[PROD_EU.index("    thresholds:\n") : PROD_EU.index("  foundry-iac:tags:")]
    text = PROD_EU.replace(thresholds, alerts, 1)
    code, _, err = run(capsys, tmp_path, text)
    assert code == 2 and expected in err and "Pulumi.prod-eu.yaml:" in err


def test_a_budget_below_the_cost_fails_cost_budget_at_the_budget_line(capsys, tmp_path):
    text = PROD_EU.replace("  foundry-iac:monthlyBudgetUsd: 20000\n", "  foundry-iac:monthlyBudgetUsd: 100\n", 1)
    code, out, _ = run(capsys, tmp_path, text, "--format", "json")
    entry = json.loads(out)["stacks"][0]
    (violation,) = [v for v in entry["violations"] if v["policy"] == "cost-budget"]
    assert code == 1 and violation["enforcement"] == "mandatory"
    assert violation["source"]["line"] == 11 and violation["urn"].endswith("::budget")
    assert "exceeds the stack's budget (foundry-iac:monthlyBudgetUsd) 100.00 USD" in violation["message"]
