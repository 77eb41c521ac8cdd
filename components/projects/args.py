"""Typed inputs of a project: its role assignments, connections and agent setup, from the stack config."""

from __future__ import annotations

from dataclasses import dataclass

from ..agents.args import AgentSetupArgs, agent_setup_args
from ..config.loaded import LoadedConfig, SourceLocation
from ..naming import role_assignment_name
from ..resource_group import resource_group_name
from ..roles import current_name, role_definition_id


@dataclass(frozen=True)
class RoleAssignmentArgs:
    """One built-in role granted to a principal on a project."""

    name: str
    role_name: str
    role_definition_id: str
    principal_id: str
    principal_type: str
    scope: str
    source: SourceLocation


@dataclass(frozen=True)
class ConnectionArgs:
    """A project connection authenticated with Entra ID (authType AAD): no keys are stored."""

    connection_name: str
    account_name: str
    project_name: str
    resource_group_name: str
    category: str
    target: str
    resource_id: str
    location: str
    source: SourceLocation


@dataclass(frozen=True)
class FoundryProjectArgs:
    """A Foundry project (accounts/projects) and its members."""

    project_name: str
    account_name: str
    resource_group_name: str
    location: str
    display_name: str
    description: str | None
    tags: dict[str, str]
    members: tuple[RoleAssignmentArgs, ...]
    source: SourceLocation
    connections: tuple[ConnectionArgs, ...] = ()
    agents: AgentSetupArgs | None = None


def project_args(
    loaded: LoadedConfig, index: int, p_index: int, scope_base: str, tags: dict[str, str]
) -> FoundryProjectArgs:
    """Project `p_index` of account `index`: its members' role assignments, connections and agent setup."""
    cfg = loaded.config
    acct = cfg.accounts[index]
    proj = acct.projects[p_index]
    location = acct.location or cfg.location
    rg = resource_group_name(loaded)
    scope = f"{scope_base}/projects/{proj.name}"
    members = []
    for m_index, member in enumerate(proj.members):
        role_id = role_definition_id(cfg.subscription_id, member.role)
        members.append(
            RoleAssignmentArgs(
                name=role_assignment_name(scope, role_id, member.principal_id),
                role_name=current_name(member.role),
                role_definition_id=role_id,
                principal_id=member.principal_id,
                principal_type=member.principal_type,
                scope=scope,
                source=loaded.location("accounts", index, "projects", p_index, "members", m_index),
            )
        )
    connections = tuple(
        ConnectionArgs(
            connection_name=conn.name,
            account_name=acct.name,
            project_name=proj.name,
            resource_group_name=rg,
            category="CognitiveSearch" if conn.kind == "AzureAISearch" else "AzureBlob",
            target=conn.target,
            resource_id=conn.resource_id,
            location=location,
            source=loaded.location("accounts", index, "projects", p_index, "connections", c_index),
        )
        for c_index, conn in enumerate(proj.connections)
    )
    return FoundryProjectArgs(
        project_name=proj.name,
        account_name=acct.name,
        resource_group_name=rg,
        location=location,
        display_name=proj.display_name or proj.name,
        description=proj.description,
        tags=tags,
        members=tuple(members),
        source=loaded.location("accounts", index, "projects", p_index),
        connections=connections,
        agents=agent_setup_args(loaded, index, p_index, scope),
    )
