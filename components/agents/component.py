"""Foundry Agent Service standard setup: agents keep threads, files and vector stores in the customer's own
Cosmos DB, Storage account and AI Search service, reached with each project's managed identity.

Everything is written in the order Azure needs, as one chain under the account (Microsoft's foundry-samples
infrastructure-setup-bicep 41 and 15; docs/reference/agents-vs-templates.md):

1. private endpoints to the agent resources of a private account, after the account has finished
   provisioning and after its deployments (a private endpoint to a provisioning account is refused);
2. per project: the three connections (Entra ID auth), the project identity's roles on the resources,
   then a wait for role propagation (a `time` Sleep, which `pulumi up` honours: see docs/agents.md);
3. the account capability host, unless the agents are injected into a subnet or a managed network (then it is
   implicit);
4. per project: the project capability host naming the connections, then the data-plane grants the
   runtime needs once the host exists (Storage Blob Data Owner on the agent containers, Cosmos DB's
   built-in data contributor on the `enterprise_memory` database).

Destroy runs the chain backwards: project hosts, the account host, then the account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
from pulumi_azure_native import authorization, cognitiveservices

from .. import provenance
from .. import resource_types as types
from ..connections import connection_properties
from ..wire import wire
from .args import AgentRoleArgs, AgentSetupArgs

if TYPE_CHECKING:
    from pulumiverse_time import Sleep

    from ..account.args import FoundryAccountArgs
    from ..projects.component import FoundryProject

ACCOUNT_HOST_NAME = "agents"
# Azure does not update a capability host ("delete the existing one and recreate it", Learn: Capability
# hosts), and one host per scope: any change replaces it, deleting the old one first.
PROJECT_HOST_LISTS = ("threadStorageConnections", "storageConnections", "vectorStoreConnections")
PROJECT_HOST_REPLACE = [f"projectCapabilityHostProperties.{name}" for name in PROJECT_HOST_LISTS]
ACCOUNT_HOST_REPLACE = ["capabilityHostProperties.capabilityHostKind"]


def _principal(project: FoundryProject) -> pulumi.Output[str | None]:
    """The project's system-assigned identity (known once the project exists)."""
    return project.identity.apply(lambda identity: identity.principal_id if identity else None)


def _wait(
    name: str, setup: AgentSetupArgs, role_names: list[str], parent: pulumi.Resource, previous: pulumi.Resource
) -> Sleep:
    """A Sleep after the role assignments: re-created (and so waited again) whenever an assignment changes."""
    from pulumiverse_time import Sleep

    provenance.record(types.SLEEP, name, setup.source)
    return Sleep(
        name,
        create_duration=f"{setup.role_wait_seconds}s",
        triggers={f"role{i}": role for i, role in enumerate(role_names)},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
    )


def _role(
    logical: str,
    role: AgentRoleArgs,
    principal: pulumi.Output[str | None],
    setup: AgentSetupArgs,
    parent: pulumi.Resource,
    previous: pulumi.Resource,
) -> authorization.RoleAssignment:
    """One role of the project's identity on an agent resource, after the write before it."""
    provenance.record(types.ROLE_ASSIGNMENT, logical, setup.source)
    return authorization.RoleAssignment(
        logical,
        role_assignment_name=role.name,
        principal_id=principal,
        principal_type="ServicePrincipal",
        role_definition_id=role.role_definition_id,
        scope=role.scope,
        condition=role.condition,
        condition_version="2.0" if role.condition else None,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
    )


def _agent_setup(name: str, project: FoundryProject) -> tuple[AgentSetupArgs, str]:
    """A project's agent setup and the prefix of the logical names of its agent resources."""
    setup = project.args.agents
    assert setup is not None, "only projects with agents are set up"
    return setup, f"{name}-agents-{project.args.project_name}"


def _before_host(
    name: str, args: FoundryAccountArgs, project: FoundryProject, parent: pulumi.Resource, previous: pulumi.Resource
) -> pulumi.Resource:
    """A project's connections, its identity's roles on the agent resources, and the wait after them."""
    setup, base = _agent_setup(name, project)
    for resource in setup.resources:
        logical = f"{base}-connection-{resource.key}"
        provenance.record(types.CONNECTION, logical, setup.source)
        previous = cognitiveservices.ProjectConnection(
            logical,
            account_name=args.account_name,
            project_name=project.args.project_name,
            resource_group_name=args.resource_group_name,
            connection_name=resource.connection_name,
            properties=connection_properties(
                resource.category, resource.target, resource.resource_id, resource.location
            ),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
        )
    principal = _principal(project)
    role_names = []
    for resource in setup.resources:
        for role in resource.roles:
            previous = _role(f"{base}-role-{role.name[:8]}", role, principal, setup, parent, previous)
            role_names.append(role.name)
    if setup.role_wait_seconds:
        previous = _wait(f"{base}-role-propagation", setup, role_names, parent, previous)
    return previous


def _host_and_grants(
    name: str, args: FoundryAccountArgs, project: FoundryProject, parent: pulumi.Resource, previous: pulumi.Resource
) -> pulumi.Resource:
    """The project capability host, then the data-plane grants the agent runtime needs."""
    setup, base = _agent_setup(name, project)
    provenance.record(types.PROJECT_CAPABILITY_HOST, f"{base}-host", setup.host_source)
    previous = cognitiveservices.ProjectCapabilityHost(
        f"{base}-host",
        account_name=args.account_name,
        project_name=project.args.project_name,
        resource_group_name=args.resource_group_name,
        capability_host_name=setup.host_name,
        # API 2025-06-01 (the SDK's) has no capabilityHostKind on a project host: it is the project's agents host
        project_capability_host_properties=wire(
            {
                "threadStorageConnections": setup.connection("cosmosDb"),
                "storageConnections": setup.connection("storage"),
                "vectorStoreConnections": setup.connection("search"),
            }
        ),
        opts=pulumi.ResourceOptions(
            parent=parent, depends_on=[previous], replace_on_changes=PROJECT_HOST_REPLACE, delete_before_replace=True
        ),
    )
    principal = _principal(project)
    for resource in setup.resources:
        for role in resource.after_host:
            previous = _role(f"{base}-grant-{role.name[:8]}", role, principal, setup, parent, previous)
    data_role = setup.cosmos_data_role
    if data_role is not None:
        from pulumi_azure_native import cosmosdb

        logical = f"{base}-cosmos-data"
        provenance.record(types.COSMOS_SQL_ROLE_ASSIGNMENT, logical, setup.source)
        previous = cosmosdb.SqlResourceSqlRoleAssignment(
            logical,
            account_name=data_role.account_name,
            resource_group_name=data_role.resource_group_name,
            role_assignment_id=data_role.assignment_id,
            principal_id=principal,
            role_definition_id=data_role.role_definition_id,
            scope=data_role.scope,
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
        )
    return previous


def agent_setup(
    name: str,
    args: FoundryAccountArgs,
    parent: pulumi.ComponentResource,
    projects: list[FoundryProject],
    previous: pulumi.Resource,
    dns_zones: list[pulumi.Resource],
) -> pulumi.Resource:
    """The standard agent setup of every project with `agents`, after the deployments; returns the last write."""
    from ..network.component import private_endpoint

    account = parent.account  # type: ignore[attr-defined]
    for endpoint in args.agent_endpoints:
        previous = private_endpoint(
            f"{name}-agents-{endpoint.target_id.rsplit('/', 1)[-1]}", endpoint, parent, [account, previous, *dns_zones]
        )
    with_agents = [p for p in projects if p.args.agents is not None]
    for project in with_agents:
        previous = _before_host(name, args, project, parent, previous)
    if args.agent_subnet_id is None and args.managed_network is None:
        # Under network injection (own subnet or managed network) Azure makes the account's host itself; creating
        # one there fails. Microsoft's managed network template 18 creates project capability hosts only.
        provenance.record(types.ACCOUNT_CAPABILITY_HOST, f"{name}-agents-host", args.source)
        previous = cognitiveservices.AccountCapabilityHost(
            f"{name}-agents-host",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            capability_host_name=ACCOUNT_HOST_NAME,
            capability_host_properties=wire({"capabilityHostKind": "Agents"}),
            opts=pulumi.ResourceOptions(
                parent=parent,
                depends_on=[previous],
                replace_on_changes=ACCOUNT_HOST_REPLACE,
                delete_before_replace=True,
            ),
        )
    for project in with_agents:
        previous = _host_and_grants(name, args, project, parent, previous)
    return previous
