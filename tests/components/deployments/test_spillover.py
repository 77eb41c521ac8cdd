"""Spillover: a provisioned deployment names the pay-per-token deployment its overflow goes to; the config
checks the pair, the target is written first, cost and quota count both, and residency judges the target's
type for the spilled traffic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foundry_iac.cli.main import main
from tests.conftest import ROOT, TAGGED_STACK, unwaived

DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
PTU = """\
        - name: gpt-4o-ptu
          model: gpt-4o
          version: "2024-11-20"
          type: ProvisionedManaged
          capacity: 50
          spilloverTo: {target}
"""
GLOBAL = """\
        - name: gpt-4o-global
          model: gpt-4o
          version: "2024-11-20"
          type: GlobalStandard
          capacity: 10
"""


def with_ptu(target: str, extra: str = "") -> str:
    return TAGGED_STACK + extra + PTU.format(target=target)


def test_prod_us_spills_its_ptu_deployment_to_the_pay_per_token_one_written_first(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "prod-us", "--format", "json"]) == 0
    entry = json.loads(capsys.readouterr().out)["stacks"][0]
    deployments = {r["props"]["deploymentName"]: r for r in entry["resources"] if r["type"] == DEPLOYMENT}
    ptu, target = deployments["gpt-5.1-ptu"], deployments["gpt-5.1"]
    assert ptu["props"]["properties"]["spilloverDeploymentName"] == "gpt-5.1"
    assert "spilloverDeploymentName" not in target["props"]["properties"]
    order = [r["urn"] for r in entry["resources"] if r["type"] == DEPLOYMENT]
    assert order.index(target["urn"]) < order.index(ptu["urn"])  # Azure needs the target to exist
    costs = {c["urn"]: c for c in entry["cost"]["deployments"]}
    assert costs[ptu["urn"]]["spillover_to"] == target["urn"]
    assert costs[ptu["urn"]]["monthly_expected"] == 12045.0  # 15 PTU x 1.10 USD x 730 h
    assert "spillover_to" not in costs[target["urn"]]
    quota = {q["usage_name"]: q["requested"] for q in entry["quota"]}
    assert quota["OpenAI.DataZoneStandard.gpt-5.1"] == 80 and quota["OpenAI.DataZoneProvisionedManaged"] == 15


def test_the_markdown_report_shows_the_pair(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    main(["check", "prod-us", "--format", "markdown"])
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "spills over to" in line)
    assert line.startswith(
        "| `fdy-prod-us-core-deployment-gpt-5.1-ptu` → spills over to `fdy-prod-us-core-deployment-gpt-5.1` | gpt-5.1 "
        "| DataZoneProvisionedManaged | 15 | 12,045.00 | 12,045.00 |"
    )


def test_spilling_to_a_data_zone_deployment_in_the_eu_keeps_the_eu_boundary(gate):
    entry = gate(with_ptu("gpt-4o"), quota_capacity="disabled", deployment_cost_ceiling="disabled")
    assert not unwaived(entry, "residency-deployment-type"), entry["violations"]


def test_spilling_to_a_global_deployment_breaks_the_eu_boundary_and_says_spillover(gate):
    entry = gate(
        with_ptu("gpt-4o-global", GLOBAL),
        quota_capacity="disabled",
        deployment_cost_ceiling="disabled",
        approved_models={"approvedModels": {"gpt-4o": [], "gpt-5.1": []}},
    )
    messages = {v["urn"].rsplit("::", 1)[-1]: v["message"] for v in unwaived(entry, "residency-deployment-type")}
    assert messages["fdy-test-deployment-gpt-4o-ptu"] == (
        "fdy-test/gpt-4o-ptu: its spillover traffic is processed under fdy-test/gpt-4o-global's type GlobalStandard, "
        "which breaks the EU residency boundary: GlobalStandard may process prompts in any Azure region; spill over "
        "to a deployment of a compliant type, or remove spilloverTo"
    )
    assert "fdy-test-deployment-gpt-4o-global" in messages  # the target fails on its own too


@pytest.mark.parametrize(
    "stack,message",
    [
        (
            TAGGED_STACK.replace(
                "          capacity: 10\n", "          capacity: 10\n          spilloverTo: gpt-5.1\n"
            ),
            "deployments[0].spilloverTo: only a provisioned deployment spills over; DataZoneStandard is pay-per-token",
        ),
        (
            with_ptu("gpt4o"),
            "deployments[2].spilloverTo: no other deployment named 'gpt4o' in this account; did you mean 'gpt-4o'?",
        ),
        (
            with_ptu("gpt-5.1"),
            "deployments[2].spilloverTo: gpt-5.1 runs gpt-5.1 2025-11-13; the spillover target runs the same model "
            "and version as this deployment (gpt-4o 2024-11-20)",
        ),
        (
            with_ptu("gpt-4o-ptu"),
            "deployments[2].spilloverTo: no other deployment named 'gpt-4o-ptu' in this account",
        ),
        (
            with_ptu("gpt-4o-ptu2", PTU.format(target="gpt-4o").replace("gpt-4o-ptu", "gpt-4o-ptu2")),
            "deployments[3].spilloverTo: gpt-4o-ptu2 is ProvisionedManaged; spillover goes to a pay-per-token "
            "deployment",
        ),
    ],
    ids=["pay-per-token-source", "unknown-target", "other-model", "itself", "provisioned-target"],
)
def test_a_bad_spillover_pair_is_a_config_error_at_the_spillover_line(capsys, tmp_path: Path, stack, message):
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(stack)
    code = main(["plan", str(path), "--policy-config", str(ROOT / "policies/config/prod-eu.json")])
    err = capsys.readouterr().err
    assert code == 2 and f"accounts[0].{message}" in err, err
    line = int(err.split("Pulumi.prod-eu.yaml:", 1)[1].split(":", 1)[0])
    assert "spilloverTo" in stack.splitlines()[line - 1]


def test_a_target_listed_after_its_source_is_written_just_before_it(gate):
    stack = TAGGED_STACK.replace(
        "      deployments:\n", "      deployments:\n" + PTU.format(target="gpt-4o-late"), 1
    ) + GLOBAL.replace("gpt-4o-global", "gpt-4o-late").replace("GlobalStandard", "DataZoneStandard")
    entry = gate(stack, quota_capacity="disabled", deployment_cost_ceiling="disabled")
    order = [r["props"]["deploymentName"] for r in entry["resources"] if r["type"] == DEPLOYMENT]
    assert order == ["gpt-4o-late", "gpt-4o-ptu", "gpt-4o", "gpt-5.1"]
