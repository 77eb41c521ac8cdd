"""Foundry's built-in roles under today's names and the names they had before the 2026 rename."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import resource_types as types
from components.roles import BUILTIN_ROLES, CURRENT_ROLES, PREVIOUS_NAMES, ROLE_SOURCE, role_definition_id
from components.stack import ConfigError, load_stack_file
from tests.conftest import MINIMAL_STACK, TAGGED_STACK

# Microsoft Learn, azure-ai-docs articles/foundry/includes/role-rename-note.md (ms.date 2026-05-11): "Foundry
# User, Foundry Owner, Foundry Account Owner, and Foundry Project Manager were previously named Azure AI User,
# Azure AI Owner, Azure AI Account Owner, and Azure AI Project Manager ... The role IDs and core permissions are
# unchanged by the rename." Ids: Azure built-in roles, AI + machine learning.
PINNED = {
    "Foundry User": "53ca6127-db72-4b80-b1b0-d745d6d5456d",
    "Azure AI User": "53ca6127-db72-4b80-b1b0-d745d6d5456d",
    "Foundry Project Manager": "eadc314b-1a2d-4efa-be10-5d325db5065e",
    "Azure AI Project Manager": "eadc314b-1a2d-4efa-be10-5d325db5065e",
    "Foundry Account Owner": "e47c6f54-e4a2-4754-9501-8e0985b135e1",
    "Azure AI Account Owner": "e47c6f54-e4a2-4754-9501-8e0985b135e1",
    "Azure AI Developer": "64702f94-c441-49e6-a78b-ef80e0188fee",
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Cognitive Services Usages Reader": "bba48692-92b0-4667-a9ad-c31c7b334ac2",
}


def test_the_name_to_id_table_is_pinned_with_its_source():
    assert BUILTIN_ROLES == PINNED
    assert "role rename note" in ROLE_SOURCE and "2026-05-11" in ROLE_SOURCE
    assert PREVIOUS_NAMES == {
        "Azure AI User": "Foundry User",
        "Azure AI Project Manager": "Foundry Project Manager",
        "Azure AI Account Owner": "Foundry Account Owner",
    }
    assert not set(PREVIOUS_NAMES) & set(CURRENT_ROLES)


@pytest.mark.parametrize("previous,current", sorted(PREVIOUS_NAMES.items()))
def test_a_previous_name_grants_the_same_role_definition(previous, current):
    assert role_definition_id("sub", previous) == role_definition_id("sub", current)


def _member_assignment(run_stack, write_stack, role: str) -> dict:
    path = write_stack(MINIMAL_STACK.replace("role: Azure AI User", f"role: {role}"))
    (assignment,) = run_stack(path).by_type(types.ROLE_ASSIGNMENT)
    return assignment.props


def test_renaming_a_members_role_keeps_the_assignment_and_its_name(run_stack, write_stack):
    before = _member_assignment(run_stack, write_stack, "Azure AI User")
    after = _member_assignment(run_stack, write_stack, "Foundry User")
    assert after["roleDefinitionId"].endswith("/roleDefinitions/53ca6127-db72-4b80-b1b0-d745d6d5456d")
    assert (after["roleAssignmentName"], after["roleDefinitionId"]) == (
        before["roleAssignmentName"],
        before["roleDefinitionId"],
    )


def test_one_principal_with_one_role_under_both_names_is_refused_at_the_second(write_stack):
    text = MINIMAL_STACK.replace(
        "              role: Azure AI User\n",
        "              role: Azure AI User\n"
        "            - principalId: AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee\n"
        "              role: Foundry User\n",
    )
    with pytest.raises(ConfigError) as err:
        load_stack_file(write_stack(text), "Pulumi.test.yaml")
    (issue,) = [str(i) for i in err.value.issues]
    assert issue.startswith("Pulumi.test.yaml:13: accounts[0].projects[0].members[1]: ")
    assert "already has 'Azure AI User' at index 0 ('Foundry User' is the same role, renamed in 2026)" in issue


def test_a_misspelt_foundry_role_offers_the_foundry_name(write_stack):
    text = MINIMAL_STACK.replace("role: Azure AI User", "role: Foundry Usr")
    with pytest.raises(ConfigError) as err:
        load_stack_file(write_stack(text), "Pulumi.test.yaml")
    assert "unknown role 'Foundry Usr'; did you mean 'Foundry User'?" in str(err.value.issues[0])


@pytest.mark.parametrize("name", ["Foundry Owner", "Azure AI Owner"])
def test_the_owner_role_named_by_the_rename_is_refused_with_the_reason_and_what_to_grant(write_stack, name):
    text = MINIMAL_STACK.replace("role: Azure AI User", f"role: {name}")
    with pytest.raises(ConfigError) as err:
        load_stack_file(write_stack(text), "Pulumi.test.yaml")
    issue = str(err.value.issues[0])
    assert f"role '{name}' is not offered: its role definition id is not published" in issue
    assert "grant 'Foundry Account Owner'" in issue and "did you mean" not in issue


def test_a_stack_using_foundry_user_plans_and_passes(gate):
    entry = gate(TAGGED_STACK.replace("role: Azure AI User", "role: Foundry User"))
    assert entry["passed"] and not entry["violations"], entry["violations"]
    roles = [r for r in entry["resources"] if r["type"] == types.ROLE_ASSIGNMENT]
    assert [r["props"]["roleDefinitionId"].rsplit("/", 1)[-1] for r in roles] == [PINNED["Foundry User"]]


PRINCIPALS = (
    "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE",
    "11111111-2222-3333-4444-555555555555",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(PRINCIPALS), st.sampled_from(sorted(BUILTIN_ROLES))), min_size=1, max_size=5))
def test_members_are_accepted_exactly_when_no_principal_has_one_role_twice(write_stack, members):
    lines = "".join(f"            - principalId: {p}\n              role: {r}\n" for p, r in members)
    text = MINIMAL_STACK.replace(
        "            - principalId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n              role: Azure AI User\n", lines
    )
    keys = [(p.lower(), BUILTIN_ROLES[r]) for p, r in members]
    try:
        loaded = load_stack_file(write_stack(text), "Pulumi.test.yaml")
    except ConfigError as err:
        assert len(set(keys)) < len(keys), err.issues
        (issue,) = err.issues
        assert "members[" in str(issue) and "list it once" in str(issue)
    else:
        assert len(set(keys)) == len(keys)
        assert [m.role_id for m in loaded.config.accounts[0].projects[0].members] == [k[1] for k in keys]
