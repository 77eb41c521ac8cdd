"""What the components register under the SDK mocks, against the Azure resource shapes."""

from __future__ import annotations

import pytest

ACCOUNT = "azure-native:cognitiveservices:Account"
PROJECT = "azure-native:cognitiveservices:Project"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ROLE = "azure-native:authorization:RoleAssignment"


@pytest.fixture
def minimal_run(write_stack, run_stack):
    from tests.conftest import MINIMAL_STACK

    return run_stack(write_stack(MINIMAL_STACK))


def test_account_is_an_aiservices_foundry_resource(minimal_run):
    (account,) = minimal_run.by_type(ACCOUNT)
    props = account.props
    assert props["kind"] == "AIServices" and props["sku"] == {"name": "S0"}
    assert props["identity"] == {"type": "SystemAssigned"}
    assert props["properties"]["allowProjectManagement"] is True
    assert props["properties"]["disableLocalAuth"] is True
    assert props["properties"]["publicNetworkAccess"] == "Disabled"
    assert props["properties"]["customSubDomainName"].startswith("fdy-test-")
    assert "restore" not in props["properties"]
    assert props["location"] == "swedencentral" and account.protect


def test_restore_is_sent_only_when_asked(write_stack, run_stack):
    from tests.conftest import MINIMAL_STACK

    run = run_stack(
        write_stack(MINIMAL_STACK.replace("    - name: fdy-test\n", "    - name: fdy-test\n      restore: true\n"))
    )
    assert run.by_type(ACCOUNT)[0].props["properties"]["restore"] is True


def test_project_has_identity_display_name_and_location(minimal_run):
    (project,) = minimal_run.by_type(PROJECT)
    assert project.props["projectName"] == "team-a" and project.props["accountName"] == "fdy-test"
    assert project.props["identity"] == {"type": "SystemAssigned"}
    assert project.props["properties"] == {"displayName": "team-a"}
    assert project.props["location"] == "swedencentral"


def test_deployment_always_sends_sku_and_pinned_model(minimal_run):
    first = minimal_run.by_type(DEPLOYMENT)[0]
    assert first.props["sku"] == {"name": "DataZoneStandard", "capacity": 10}
    assert first.props["properties"] == {
        "model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"},
        "raiPolicyName": "Microsoft.DefaultV2",
        "versionUpgradeOption": "NoAutoUpgrade",
    }
    assert first.props["deploymentName"] == "gpt-4o"


def test_unpinned_deployment_sends_no_version(write_stack, run_stack):
    from tests.conftest import MINIMAL_STACK

    run = run_stack(write_stack(MINIMAL_STACK.replace('          version: "2024-11-20"\n', "")))
    assert "version" not in run.by_type(DEPLOYMENT)[0].props["properties"]["model"]


def test_role_assignment_grants_the_builtin_role_on_the_project(minimal_run):
    (role,) = minimal_run.by_type(ROLE)
    assert role.props["principalId"] == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    assert role.props["roleDefinitionId"].endswith("53ca6127-db72-4b80-b1b0-d745d6d5456d")
    assert role.props["scope"].endswith("/accounts/fdy-test/projects/team-a")
    assert len(role.props["roleAssignmentName"]) == 36


def test_child_writes_under_one_account_are_serialized(minimal_run):
    """Account, then the project, then each deployment after the one before: never two at once."""
    account = minimal_run.by_type(ACCOUNT)[0]
    project = minimal_run.by_type(PROJECT)[0]
    first, second = minimal_run.by_type(DEPLOYMENT)
    assert project.dependencies == [account.urn]
    assert first.dependencies == [project.urn]
    assert second.dependencies == [first.urn]


def test_accounts_deploy_in_parallel(write_stack, run_stack):
    from tests.conftest import MINIMAL_STACK

    second = MINIMAL_STACK.split("  foundry-iac:accounts:\n")[1].replace("fdy-test", "fdy-test-two")
    run = run_stack(write_stack(MINIMAL_STACK + second))
    accounts = run.by_type(ACCOUNT)
    assert len(accounts) == 2
    assert all(d.endswith("::resource-group") for a in accounts for d in a.dependencies)


def test_policy_relevant_values_are_plain_not_outputs(minimal_run):
    """Every prop a policy reads is a concrete value at preview (nothing unknown)."""
    for resource in minimal_run.resources:
        assert "04da6b54-80e4-46f7-96ec-b56ff0331ba9" not in repr(resource.props)  # the SDK's unknown sentinel


def test_every_resource_knows_the_stack_line_that_produced_it(minimal_run):
    assert all(r.source and r.source.line for r in minimal_run.resources)
    assert [d.source.line for d in minimal_run.by_type(DEPLOYMENT)] == [14, 18]
