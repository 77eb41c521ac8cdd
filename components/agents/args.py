"""Typed inputs of a project's standard agent setup: connections, role assignments, capability host and the
private endpoints of the agent resources, from the stack config."""

from __future__ import annotations

from dataclasses import dataclass

from ..config.loaded import LoadedConfig, SourceLocation
from ..dns_zones import AGENT_PRIVATE_LINKS
from ..naming import role_assignment_name
from ..network.args import PrivateEndpointArgs, private_dns_args, private_with_agents
from ..resource_group import resource_group_name
from ..roles import AGENT_DATABASE, AGENT_ROLES, COSMOS_DATA_CONTRIBUTOR, STORAGE_BLOB_DATA_OWNER, role_definition_id
from .model import agent_connection_name


@dataclass(frozen=True)
class AgentRoleArgs:
    """A role the project's identity gets on an agent resource (the principal is known only once deployed)."""

    name: str
    role_name: str
    role_definition_id: str
    scope: str
    condition: str | None = None


@dataclass(frozen=True)
class AgentResourceArgs:
    """One bring-your-own agent resource: its connection, and the roles the project's identity needs on it."""

    key: str
    resource_id: str
    location: str
    connection_name: str
    category: str
    target: str
    roles: tuple[AgentRoleArgs, ...]
    after_host: tuple[AgentRoleArgs, ...] = ()


@dataclass(frozen=True)
class CosmosDataRoleArgs:
    """Cosmos DB's data-plane role (a sqlRoleAssignment) for the project's identity on the agents' database."""

    assignment_id: str
    account_name: str
    resource_group_name: str
    role_definition_id: str
    scope: str


@dataclass(frozen=True)
class AgentSetupArgs:
    """A project's Agent Service standard setup: connections, roles, the capability host and the data-plane grants."""

    host_name: str
    resources: tuple[AgentResourceArgs, ...]
    cosmos_data_role: CosmosDataRoleArgs | None
    role_wait_seconds: int
    source: SourceLocation
    host_source: SourceLocation

    def connection(self, key: str) -> list[str]:
        """The connection names of one kind (cosmosDb, storage, search): what the capability host lists."""
        return [r.connection_name for r in self.resources if r.key == key]


# Category and endpoint of each agent resource's connection (Azure public cloud endpoints). The category is
# spelled as the API's enum (ConnectionCategory "CosmosDb"); Microsoft's templates write "CosmosDB", which ARM
# also takes because it compares enum values without case.
_AGENT_CONNECTIONS = {
    "cosmosDb": ("CosmosDb", "https://{name}.documents.azure.com:443/"),
    "storage": ("AzureStorageAccount", "https://{name}.blob.core.windows.net/"),
    "search": ("CognitiveSearch", "https://{name}.search.windows.net"),
}
# Storage Blob Data Owner only on the agents' containers (names end in -azureml-agent), and no blob tag or
# filter actions elsewhere. Microsoft's templates also require the container name to start with the project's
# workspace id (properties.internalId), which no API version declares and so no Pulumi output carries; the policy
# agent-storage-isolation keeps projects from sharing the account instead (docs/agents.md, step 7).
AGENT_CONTAINER_CONDITION = (
    "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read'}) "
    "AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/filter/action'}) "
    "AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write'})) "
    "OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] "
    "StringLikeIgnoreCase '*-azureml-agent'))"
)


def _id_parts(resource_id: str) -> tuple[str, str, str]:
    """(subscription, resource group, name) of an ARM id."""
    parts = resource_id.rstrip("/").split("/")
    return parts[2], parts[4], parts[-1]


def _agent_role(
    scope: str, subscription: str, role: str, principal_key: str, condition: str | None = None
) -> AgentRoleArgs:
    """A built-in role on an agent resource, named from the scope, the role and the project (the principal's key)."""
    role_id = role_definition_id(subscription, role)
    return AgentRoleArgs(role_assignment_name(scope, role_id, principal_key), role, role_id, scope, condition)


def agent_setup_args(loaded: LoadedConfig, index: int, p_index: int, project_id: str) -> AgentSetupArgs | None:
    """A project's standard agent setup; role assignment names are keyed by the project's id, because the
    identity's principal id exists only once the project is deployed."""
    acct = loaded.config.accounts[index]
    proj = acct.projects[p_index]
    if proj.agents is None:
        return None
    where = ("accounts", index, "projects", p_index, "agents")
    resources = []
    cosmos_role = None
    for key, resource in proj.agents.resources().items():
        subscription, group, name = _id_parts(resource.id)
        category, target = _AGENT_CONNECTIONS[key]
        roles = tuple(_agent_role(resource.id, subscription, role, project_id) for role in AGENT_ROLES[key])
        after: tuple[AgentRoleArgs, ...] = ()
        if key == "storage":
            after = (
                _agent_role(resource.id, subscription, STORAGE_BLOB_DATA_OWNER, project_id, AGENT_CONTAINER_CONDITION),
            )
        if key == "cosmosDb":
            definition = f"{resource.id}/sqlRoleDefinitions/{COSMOS_DATA_CONTRIBUTOR}"
            scope = f"{resource.id}/dbs/{AGENT_DATABASE}"
            cosmos_role = CosmosDataRoleArgs(
                role_assignment_name(scope, definition, project_id), name, group, definition, scope
            )
        resources.append(
            AgentResourceArgs(
                key=key,
                resource_id=resource.id,
                location=resource.location,
                connection_name=agent_connection_name(resource.id),
                category=category,
                target=target.format(name=name),
                roles=roles,
                after_host=after,
            )
        )
    return AgentSetupArgs(
        host_name="agents",
        resources=tuple(resources),
        cosmos_data_role=cosmos_role,
        role_wait_seconds=proj.agents.role_wait_seconds,
        source=loaded.location(*where),
        host_source=loaded.location("accounts", index, "projects", p_index),
    )


def agent_endpoint_args(loaded: LoadedConfig, index: int) -> tuple[PrivateEndpointArgs, ...]:
    """Private endpoints to the agent resources of a private account (each resource once), in its endpoint subnet."""
    if not private_with_agents(loaded, index):
        return ()
    cfg = loaded.config
    acct = cfg.accounts[index]
    pe = acct.private_endpoint
    assert pe is not None, "checked by _private_with_agents"
    dns = private_dns_args(loaded)
    out: dict[str, PrivateEndpointArgs] = {}
    for p_index, proj in enumerate(acct.projects):
        for key, resource in (proj.agents.resources() if proj.agents else {}).items():
            group, zone = AGENT_PRIVATE_LINKS[key]
            if resource.id.lower() in out:
                continue
            zone_id = pe.dns_zone_ids[zone] if pe.dns_zone_ids is not None else dns.zone_id(cfg.subscription_id, zone)  # type: ignore[union-attr]
            out[resource.id.lower()] = PrivateEndpointArgs(
                endpoint_name=f"pe-{acct.name}-{agent_connection_name(resource.id)}"[:80],
                resource_group_name=resource_group_name(loaded),
                location=acct.location or cfg.location,
                subnet_id=pe.subnet_id,
                target_id=resource.id,
                zone_ids=((zone, zone_id),),
                source=loaded.location("accounts", index, "projects", p_index, "agents", key),
                group_id=group,
            )
    return tuple(out.values())
