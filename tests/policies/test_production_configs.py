"""The production policy configs make diagnostics and agent storage isolation mandatory, and the production
examples keep them: every account logs to a workspace, and no two projects share an agent storage account."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.stack import load_stack_file
from foundry_iac.engine.gate import check_stack
from foundry_iac.engine.policy_config import load_policy_config
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.stacks import resolve_stack
from policies.pack import POLICIES
from tests.conftest import ROOT, SHARED_AGENT_STACK, unwaived

STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def environment(stack: str) -> str:
    return load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml").config.environment


def settings(stack: str):
    path = ROOT / "policies" / "config" / f"{stack}.json"
    return load_policy_config(path, path.name, POLICIES)


PRODUCTION = [s for s in STACKS if environment(s) == "production"]


def test_the_examples_include_production_stacks():
    assert PRODUCTION == ["prod-eu", "prod-us"]


@pytest.mark.parametrize("stack", PRODUCTION)
def test_a_production_config_makes_diagnostics_to_a_workspace_and_storage_isolation_mandatory(stack):
    policy = settings(stack)
    assert policy["diagnostics-enabled"].enforcement == "mandatory"
    assert policy["diagnostics-enabled"].config.get("requireWorkspace", True) is True
    assert policy["agent-storage-isolation"].enforcement == "mandatory"


@pytest.mark.parametrize("stack", sorted(set(STACKS) - set(PRODUCTION)))
def test_a_nonproduction_config_reports_shared_agent_storage_as_advisory(stack):
    assert settings(stack)["agent-storage-isolation"].enforcement == "advisory"


def gate_file(path: Path, stack: str) -> dict:
    config = ROOT / "policies" / "config" / f"{stack}.json"
    return as_data(check_stack(resolve_stack(str(path), ROOT), ROOT, (config, config.name)))


@pytest.mark.parametrize("stack", PRODUCTION)
def test_every_account_of_a_production_example_sends_its_logs_to_a_workspace(stack):
    entry = gate_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml", stack)
    accounts = [r for r in entry["resources"] if r["type"] == "azure-native:cognitiveservices:Account"]
    settings_ = [r for r in entry["resources"] if r["type"] == "azure-native:monitor:DiagnosticSetting"]
    assert accounts and len(settings_) == len(accounts)
    for setting in settings_:
        assert setting["props"]["workspaceId"].startswith("/subscriptions/")
        assert any(log.get("enabled") for log in setting["props"]["logs"])
    assert unwaived(entry, "diagnostics-enabled") == []


def test_prod_us_without_its_diagnostics_fails_the_gate(tmp_path):
    text = (ROOT / "stacks" / "Pulumi.prod-us.yaml").read_text()
    start = text.index("      diagnostics:\n")
    end = text.index("      projects:\n")
    path = tmp_path / "Pulumi.prod-us.yaml"
    path.write_text(text[:start] + text[end:])
    entry = gate_file(path, "prod-us")
    (found,) = unwaived(entry, "diagnostics-enabled")
    assert found["enforcement"] == "mandatory" and not entry["passed"]
    assert found["message"].startswith("fdy-prod-us-core-account: no diagnostic setting sends its logs anywhere")


def prod_eu_with_shared_agent_storage(tmp_path: Path) -> Path:
    """prod-eu with a second agents project on the first one's Cosmos DB, Storage account and AI Search."""
    text = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
    start, end = text.index("        - name: support-agents\n"), text.index("      contentFilters:")
    second = text[start:end].replace("name: support-agents", "name: claims-agents")
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text[:end] + second + text[end:])
    return path


def test_prod_eu_with_two_projects_sharing_an_agent_storage_account_fails(tmp_path):
    path = prod_eu_with_shared_agent_storage(tmp_path)
    entry = gate_file(path, "prod-eu")
    found = [v for v in entry["violations"] if not v["waived"] and v["policy"] != "preview-api"]
    (files,) = [v for v in found if "agents' files" in v["message"]]
    (threads,) = [v for v in found if "agents' threads" in v["message"]]
    assert len(found) == 2
    assert {files["policy"], threads["policy"]} == {"agent-storage-isolation"}
    assert files["enforcement"] == threads["enforcement"] == "mandatory"
    assert files["message"].startswith(
        "projects fdy-prod-eu-core/support-agents, fdy-prod-eu-core/claims-agents keep their agents' files in one "
        "storage account stagentsprodeu"
    )
    assert threads["message"].startswith(
        "projects fdy-prod-eu-core/support-agents, fdy-prod-eu-core/claims-agents keep their agents' threads in one "
        "Cosmos DB account cosmos-agents-prod-eu"
    )
    second = path.read_text().index("name: claims-agents")
    assert files["source"]["line"] > path.read_text()[:second].count("\n") + 1
    assert not entry["passed"]


def test_shared_agent_storage_is_advisory_where_the_config_says_so(gate):
    entry = gate(SHARED_AGENT_STACK, agent_storage_isolation="advisory")
    assert [(v["policy"], v["enforcement"]) for v in entry["violations"]] == [
        ("agent-storage-isolation", "advisory"),
        ("agent-storage-isolation", "advisory"),
    ]
    assert entry["passed"]
