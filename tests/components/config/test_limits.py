"""Azure's own limits: a stack file past one is refused at the line of the first entry beyond it."""

from __future__ import annotations

import uuid

import pytest

from components.config.limits import (
    MAX_ACCOUNTS_PER_REGION,
    MAX_DEPLOYMENTS_PER_ACCOUNT,
    MAX_PROJECTS_PER_ACCOUNT,
    MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
)
from components.stack import ConfigError, load_stack_file

HEAD = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: eastus2
  foundry-iac:environment: nonproduction
  foundry-iac:accounts:
"""


def deployments(count: int) -> str:
    return "      deployments:\n" + "".join(
        f"        - {{name: d{i}, model: gpt-4o, version: '2024-11-20', type: GlobalStandard, capacity: 1}}\n"
        for i in range(count)
    )


def members(count: int, start: int = 0) -> str:
    return "          members:\n" + "".join(
        f"            - {{principalId: {uuid.UUID(int=start + i + 1)}, role: Azure AI User}}\n" for i in range(count)
    )


def load(tmp_path, text: str):
    path = tmp_path / "Pulumi.limits.yaml"
    path.write_text(text)
    return load_stack_file(path, "Pulumi.limits.yaml", "limits")


def issues(tmp_path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, text)
    return err.value.lines()


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence]


def test_deployments_up_to_the_limit_are_accepted_and_one_more_is_refused_at_its_line(tmp_path):
    at_limit = HEAD + "    - name: fdy-a\n" + deployments(MAX_DEPLOYMENTS_PER_ACCOUNT)
    assert len(load(tmp_path, at_limit).config.accounts[0].deployments) == MAX_DEPLOYMENTS_PER_ACCOUNT
    over = HEAD + "    - name: fdy-a\n" + deployments(MAX_DEPLOYMENTS_PER_ACCOUNT + 1)
    assert issues(tmp_path, over) == [
        f"Pulumi.limits.yaml:{line_of(over, 'name: d32,')}: accounts[0].deployments[32]: 33 deployments in one "
        "account, but Azure allows at most 32 (Microsoft Foundry Models quotas and limits); move the rest to "
        "another account"
    ]


def test_projects_past_the_limit_are_refused_at_the_first_one_beyond(tmp_path):
    def projects(count: int) -> str:
        return "      projects:\n" + "".join(f"        - {{name: p{i}}}\n" for i in range(count))

    load(tmp_path, HEAD + "    - name: fdy-a\n" + projects(MAX_PROJECTS_PER_ACCOUNT))
    over = HEAD + "    - name: fdy-a\n" + projects(MAX_PROJECTS_PER_ACCOUNT + 2)
    (line,) = issues(tmp_path, over)
    assert line.startswith(f"Pulumi.limits.yaml:{line_of(over, 'name: p250}')}: accounts[0].projects[250]: 252 ")


def test_accounts_past_the_per_region_limit_are_refused_and_other_regions_count_apart(tmp_path):
    def accounts(count: int, location: str | None = None) -> str:
        where = f", location: {location}" if location else ""
        return "".join(f"    - {{name: fdy-{location or 'x'}-{i}{where}}}\n" for i in range(count))

    load(tmp_path, HEAD + accounts(MAX_ACCOUNTS_PER_REGION) + accounts(5, "swedencentral"))
    over = HEAD + accounts(MAX_ACCOUNTS_PER_REGION + 1)
    (line,) = issues(tmp_path, over)
    assert line == (
        f"Pulumi.limits.yaml:{line_of(over, 'fdy-x-100}')}: accounts[100]: 101 accounts in eastus2, but Azure allows "
        "at most 100 (Microsoft Foundry Models quotas and limits); use fewer accounts (each holds up to 32 "
        "deployments) or another region"
    )


def test_members_across_projects_count_against_the_subscription_role_assignment_limit(tmp_path):
    half = MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION // 2
    text = HEAD + "    - name: fdy-a\n      projects:\n        - name: p0\n" + members(half)
    text += "        - name: p1\n" + members(half, start=half)
    # At Azure's limit, foundry-iac's own (lower) resource budget refuses the stack, not Azure's limit.
    (at_limit,) = issues(tmp_path, text)
    assert "foundry-iac's own bound, not Azure's" in at_limit and "Azure allows" not in at_limit
    over = text + "    - name: fdy-b\n      projects:\n        - name: p2\n" + members(1, start=2 * half)
    assert issues(tmp_path, over) == [
        f"Pulumi.limits.yaml:{len(over.splitlines())}: accounts[1].projects[0].members[0]: 4001 members (one role "
        "assignment each) in this stack, but Azure allows at most 4000 (Azure RBAC limits: role assignments per "
        "subscription); assign roles to Entra groups instead of to each person"
    ]
