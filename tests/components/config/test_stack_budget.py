"""foundry-iac's own stack-size budget: the count of planned resources is what the program registers, and a
stack past the budget is refused at the line of the first entry beyond it."""

from __future__ import annotations

import copy
import uuid

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.config.limits import (
    MAX_RESOURCES_PER_STACK,
    MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
    planned_resource_count,
)
from components.stack import ConfigError, load_stack_file
from foundry_iac.engine.runner import run_program
from foundry_iac.engine.stacks import resolve_stack
from tests.components.config.test_limits import HEAD
from tests.conftest import ROOT
from tests.foundry_iac.engine.test_arm_contract import EXAMPLES
from tests.foundry_iac.engine.test_arm_contract import stacks as prod_eu_variants

DEV = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text(encoding="utf-8"))
ROLES = ("Foundry User", "Foundry Project Manager", "Azure AI Developer")


def registered(path) -> int:
    """How many resources the real program registers for a stack file, under the mocks."""
    return len(run_program(resolve_stack(str(path), ROOT), ROOT).resources)


def planned(path) -> int:
    return planned_resource_count(load_stack_file(path).config)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_planned_count_of_each_example_stack_is_what_the_program_registers(name):
    path = ROOT / "stacks" / f"Pulumi.{name}.yaml"
    assert planned(path) == registered(path) > 0


def members(draw, start: int) -> list[dict]:
    count = draw(st.integers(min_value=0, max_value=4))
    return [{"principalId": str(uuid.UUID(int=start + i + 1)), "role": ROLES[i % 3]} for i in range(count)]


@st.composite
def generated_stacks(draw) -> dict:
    """prod-eu's variants (private endpoint, agents, filters, alerts) or dev's (public, no extras), with the
    number of accounts, members and deployments, the lock, key access, role wait, agent network, the
    workspace and the alert rules varied."""
    production = draw(st.booleans())
    config = draw(prod_eu_variants()) if production else copy.deepcopy(DEV)
    values = config["config"]
    (base,) = values["foundry-iac:accounts"]
    accounts = []
    for a_index in range(draw(st.integers(min_value=1, max_value=3))):
        account = copy.deepcopy(base)
        account["name"] = f"{base['name']}-{a_index}"
        for p_index, project in enumerate(account.get("projects", [])):
            project["members"] = members(draw, 1000 * a_index + 100 * p_index)
            if "agents" in project:
                project["agents"]["roleWaitSeconds"] = draw(st.sampled_from([0, 60]))
        kept = draw(st.integers(min_value=0, max_value=len(account["deployments"])))
        account["deployments"] = account["deployments"][:kept]
        lock = draw(st.sampled_from([None, True, False]))
        if lock is not None:
            account["lock"] = lock
        if "encryption" in account:
            account["encryption"]["grantKeyAccess"] = draw(st.booleans())
        if "agentNetwork" in account and draw(st.booleans()):
            del account["agentNetwork"]  # the account capability host is registered then
        if draw(st.booleans()):
            account["diagnostics"] = {"workspace": draw(st.sampled_from(["law-shared", f"law-own-{a_index}"]))}
        accounts.append(account)
    values["foundry-iac:accounts"] = accounts
    if draw(st.booleans()):
        values["foundry-iac:alerts"] = {
            "actionGroupId": f"/subscriptions/{values['azure-native:subscriptionId']}/resourceGroups/rg-ops/providers/"
            "microsoft.insights/actionGroups/ag-oncall",
            "throttling": {"enabled": draw(st.booleans())},
            "serverErrors": {"enabled": draw(st.booleans())},
        }
    return config


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=generated_stacks())
def test_the_planned_count_of_generated_stacks_is_what_the_program_registers(config, tmp_path):
    path = tmp_path / "Pulumi.generated.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert planned(path) == registered(path)


def member_lines(count: int) -> str:
    return "".join(
        f"            - {{principalId: {uuid.UUID(int=i + 1)}, role: Azure AI User}}\n" for i in range(count)
    )


def write(tmp_path, text: str):
    path = tmp_path / "Pulumi.budget.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def issues(path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_stack_file(path, "Pulumi.budget.yaml", "budget")
    return err.value.lines()


def members_stack(count: int) -> str:
    """One account, one project, `count` members: 3 + count resources (group, component, account, project)."""
    return HEAD + "    - name: fdy-a\n      projects:\n        - name: p0\n          members:\n" + member_lines(count)


def test_a_stack_at_the_budget_is_accepted_and_one_resource_more_is_refused_at_the_entry_beyond(tmp_path):
    at_budget = write(tmp_path, members_stack(MAX_RESOURCES_PER_STACK - 4))
    assert planned(at_budget) == MAX_RESOURCES_PER_STACK
    text = members_stack(MAX_RESOURCES_PER_STACK - 3)
    beyond = len(text.splitlines())  # the last member is the entry beyond
    assert issues(write(tmp_path, text)) == [
        f"Pulumi.budget.yaml:{beyond}: accounts[0].projects[0].members[{MAX_RESOURCES_PER_STACK - 4}]: this stack "
        f"would register {MAX_RESOURCES_PER_STACK + 1:,} resources, but foundry-iac judges at most "
        f"{MAX_RESOURCES_PER_STACK:,} per stack file (foundry-iac's own bound, not Azure's: it keeps every check "
        "under 2 s); split the stack into several stack files; each is gated and deployed on its own"
    ]


def test_the_message_counts_the_whole_stack_and_points_at_the_first_entry_beyond(tmp_path):
    deployments = "".join(
        f"        - {{name: d{i}, model: gpt-4o, version: '2024-11-20', type: GlobalStandard, capacity: 1}}\n"
        for i in range(32)
    )
    per_account = 2 + 32  # the component, the account, its deployments
    accounts = MAX_RESOURCES_PER_STACK // per_account + 2
    text = HEAD + "".join(f"    - name: fdy-{a}\n      deployments:\n{deployments}" for a in range(accounts))
    # after the resource group, whole accounts until the one holding resource budget + 1
    k, offset = divmod(MAX_RESOURCES_PER_STACK - 1, per_account)  # offset 0, 1: the account; 2..: deployments
    first = [n for n, row in enumerate(text.splitlines(), 1) if f"name: fdy-{k}" in row][0]
    where = f"{first}: accounts[{k}]" if offset < 2 else f"{first + offset}: accounts[{k}].deployments[{offset - 2}]"
    (line,) = issues(write(tmp_path, text))
    assert line.startswith(
        f"Pulumi.budget.yaml:{where}: this stack would register {1 + accounts * per_account:,} resources"
    )
    assert len(line) < 400


def test_azures_role_assignment_limit_is_still_named_past_it_though_the_budget_is_lower(tmp_path):
    assert MAX_RESOURCES_PER_STACK < MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION
    (line,) = issues(write(tmp_path, members_stack(MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION + 1)))
    assert "Azure allows at most 4000 (Azure RBAC limits" in line
    (line,) = issues(write(tmp_path, members_stack(MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION)))
    assert "foundry-iac's own bound, not Azure's" in line
