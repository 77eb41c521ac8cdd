"""Agent storage the other stacks of the repository use, for agent-storage-isolation.

Two stacks whose projects keep agent files (Storage) or threads (Cosmos DB) in one account share each other's
data as surely as two projects of one stack do; the policy sees one stack's resources, so the gate hands it what
the other stacks name, read from their validated configs through the same `account_args` the program builds from.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from components.account.args import account_args
from components.config.loaded import LoadedConfig

from .policy_config import PolicySettings
from .stacks import all_stacks, load_stacks

ISOLATION = "agent-storage-isolation"
# The agent resources whose data a project's grants reach beyond the project (AI Search's index is not shared).
SHARED_KEYS = ("storage", "cosmosDb")


def agent_storage_of(loaded: LoadedConfig) -> dict[str, list[str]]:
    """ARM id (lower case) of each agent storage or Cosmos DB account a stack's projects use -> those projects."""
    out: dict[str, list[str]] = defaultdict(list)
    for index in range(len(loaded.config.accounts)):
        for project in account_args(loaded, index).agent_projects:
            assert project.agents is not None  # agent_projects holds only projects with agents
            for resource in project.agents.resources:
                if resource.key in SHARED_KEYS:
                    label = f"{project.account_name}/{project.project_name} (stack {loaded.stack})"
                    out[resource.resource_id.lower()].append(label)
    return dict(out)


def other_stacks_agent_storage(root: Path, stack: str) -> dict[str, list[str]]:
    """What every other stack of the repository keeps agent data in; an unreadable stack is an error (fail closed)."""
    found: dict[str, list[str]] = defaultdict(list)
    others = [ref for ref in all_stacks(root) if ref.name != stack]
    for loaded in load_stacks(others, "cannot be read for agent-storage-isolation"):
        for resource_id, projects in agent_storage_of(loaded).items():
            found[resource_id] += projects
    return dict(sorted(found.items()))


def with_other_stacks(settings: dict[str, PolicySettings], root: Path, stack: str) -> None:
    """Give agent-storage-isolation the agent storage of the other stacks (unless the policy is disabled)."""
    isolation = settings[ISOLATION]
    if isolation.enforcement == "disabled":
        return
    others = other_stacks_agent_storage(root, stack)
    settings[ISOLATION] = isolation.with_setting("otherStacks", others)
