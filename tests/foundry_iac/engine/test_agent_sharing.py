"""agent-storage-isolation across the stacks of a repository: two stacks whose projects keep agent data in one
account fail, as two projects of one stack do (the gate hands the policy the other stacks' agent storage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foundry_iac.engine.agent_sharing import agent_storage_of, other_stacks_agent_storage
from foundry_iac.engine.pack_config import pack_config
from foundry_iac.engine.policy_config import PolicySettings
from foundry_iac.engine.pool import build_report
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.stacks import resolve_stack
from foundry_iac.errors import GateInputError
from tests.conftest import BASE_POLICY_CONFIG, ROOT

STORAGE = "Microsoft.Storage/storageAccounts/stagentsprodeu"
COSMOS = "Microsoft.DocumentDB/databaseAccounts/cosmos-agents-prod-eu"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The repository's program, prod-eu as it is, and a second stack (another account, one project with agents)
    that names the same agent storage and Cosmos DB accounts."""
    for name in ("__main__.py", "Pulumi.yaml", "quotas"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "stacks").mkdir()
    (tmp_path / "policies" / "config").mkdir(parents=True)
    stack = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
    config = (ROOT / "policies" / "config" / "prod-eu.json").read_text()
    for name, text in (("prod-eu", stack), ("prod-eu-two", stack.replace("fdy-prod-eu-core", "fdy-prod-eu-two"))):
        (tmp_path / "stacks" / f"Pulumi.{name}.yaml").write_text(text)
        (tmp_path / "policies" / "config" / f"{name}.json").write_text(config)
    return tmp_path


def isolation_messages(root: Path, *names: str) -> dict[str, list[str]]:
    report = as_data(build_report([resolve_stack(n, root) for n in names], root))
    return {
        entry["stack"]: [
            v["message"] for v in entry["violations"] if v["policy"] == "agent-storage-isolation" and not v["waived"]
        ]
        for entry in report["stacks"]
    }


def test_the_examples_share_no_agent_storage_across_stacks():
    assert isolation_messages(ROOT, "dev", "prod-eu", "prod-us") == {"dev": [], "prod-eu": [], "prod-us": []}


def test_two_stacks_on_one_agent_storage_and_cosmos_account_both_fail_alone_and_together(repository):
    # the fixture's premise: the agents block names it, and so does the managed network's private endpoint rule
    assert ROOT.joinpath("stacks", "Pulumi.prod-eu.yaml").read_text().count(STORAGE) == 2
    together = isolation_messages(repository, "prod-eu", "prod-eu-two")
    alone = {**isolation_messages(repository, "prod-eu"), **isolation_messages(repository, "prod-eu-two")}
    for found in (together, alone):
        assert len(found["prod-eu"]) == 2
        (files,) = [m for m in found["prod-eu"] if "agents' files" in m]
        (threads,) = [m for m in found["prod-eu"] if "agents' threads" in m]
        assert files.startswith(
            "projects fdy-prod-eu-core/support-agents, fdy-prod-eu-two/support-agents (stack prod-eu-two) keep their "
            "agents' files in one storage account stagentsprodeu"
        )
        assert "(stack prod-eu-two) keep their agents' threads in one Cosmos DB account" in threads
        expected = "projects fdy-prod-eu-two/support-agents, fdy-prod-eu-core/support-agents (stack prod-eu) keep"
        assert len(found["prod-eu-two"]) == 2 and all(m.startswith(expected) for m in found["prod-eu-two"])
    report = as_data(build_report([resolve_stack("prod-eu-two", repository)], repository))
    assert not report["passed"]  # mandatory in the production policy config


def test_moving_one_stack_to_its_own_accounts_passes_both(repository):
    path = repository / "stacks" / "Pulumi.prod-eu-two.yaml"
    text = path.read_text().replace(STORAGE, STORAGE + "2").replace("cosmos-agents-prod-eu", "cosmos-agents-two")
    path.write_text(text)
    assert isolation_messages(repository, "prod-eu", "prod-eu-two") == {"prod-eu": [], "prod-eu-two": []}


def test_other_stacks_agent_storage_names_each_project_and_its_stack(repository):
    found = other_stacks_agent_storage(repository, "prod-eu")
    storage = next(key for key in found if key.endswith(STORAGE.lower()))
    assert found[storage] == ["fdy-prod-eu-two/support-agents (stack prod-eu-two)"]
    assert all(key == key.lower() for key in found)
    assert not any("searchservices" in key for key in found)  # AI Search is not judged by this policy
    assert len(found) == 2


def test_an_unreadable_other_stack_fails_closed(repository):
    (repository / "stacks" / "Pulumi.prod-eu-two.yaml").write_text("config:\n  foundry-iac:accounts: 5\n")
    with pytest.raises(GateInputError) as raised:
        other_stacks_agent_storage(repository, "prod-eu")
    (message,) = raised.value.messages
    assert "stacks/Pulumi.prod-eu-two.yaml:1: cannot be read for agent-storage-isolation (4 config error" in message
    assert message.endswith("); fix it: run `foundry-iac check prod-eu-two`")


def test_a_stack_without_agents_names_no_agent_storage():
    from components.stack.loader import load_stack_file

    ref = resolve_stack("dev", ROOT)
    assert agent_storage_of(load_stack_file(ref.path, ref.display, ref.name)) == {}


def test_pulumi_gets_the_other_stacks_the_gate_judged_with():
    others = {"/subscriptions/s/x": ["fdy/p (stack b)"]}
    settings = {"agent-storage-isolation": PolicySettings("mandatory", {"otherStacks": others})}
    assert pack_config({"agent-storage-isolation": "mandatory"}, settings) == {
        "agent-storage-isolation": {"enforcementLevel": "mandatory", "otherStacks": others}
    }
    assert pack_config({}, {"agent-storage-isolation": PolicySettings("mandatory", {})}) == {}


def test_a_policy_config_may_not_write_other_stacks(tmp_path):
    from foundry_iac.engine.policy_config import PolicyConfigError, load_policy_config
    from policies.pack import POLICIES

    path = tmp_path / "p.json"
    written = {**BASE_POLICY_CONFIG, "agent-storage-isolation": {"enforcementLevel": "mandatory", "otherStacks": {}}}
    path.write_text(json.dumps(written))
    with pytest.raises(PolicyConfigError) as raised:
        load_policy_config(path, "p.json", POLICIES)
    assert [m for m in raised.value.messages if "otherStacks" in m] == raised.value.messages
