"""Agent Service standard setup: agent-byo-resources, agent-network-injection, agent-storage-isolation, and the
agent resources that public-network-access and private-endpoint-required cover on private accounts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from components import resource_types as types
from components.roles import AGENT_DATABASE, SERVICE_ROLES, STORAGE_BLOB_DATA_OWNER

from .common import ACCOUNT, endpoint_targets
from .framework import Finding, PolicySpec, Resource, stack_policy

PROJECT_HOST = types.PROJECT_CAPABILITY_HOST
ACCOUNT_HOST = types.ACCOUNT_CAPABILITY_HOST
CONNECTION = types.CONNECTION
PRIVATE_ENDPOINT = types.PRIVATE_ENDPOINT
ROLE_ASSIGNMENT = types.ROLE_ASSIGNMENT
COSMOS_DATA_ROLE = types.COSMOS_SQL_ROLE_ASSIGNMENT
BLOB_DATA_OWNER_ID = SERVICE_ROLES[STORAGE_BLOB_DATA_OWNER]
# How Microsoft's templates limit a project's Storage Blob Data Owner grant to its own agent containers: the
# container name starts with the project's workspace id (foundry-samples 41 and 15).
OWN_CONTAINERS = "StringStartsWithIgnoreCase"

# What a standard setup keeps where: the capability host's list, the connection category it must name, the
# resource it stands for, and the private endpoint group that resource is reached through.
SLOTS = (
    ("threadStorageConnections", "CosmosDb", "Cosmos DB (thread storage)", "Sql"),
    ("storageConnections", "AzureStorageAccount", "Storage account (files)", "blob"),
    ("vectorStoreConnections", "CognitiveSearch", "AI Search (vector stores)", "searchService"),
)


def _key(*parts: object) -> tuple[str, ...]:
    return tuple(str(p).lower() for p in parts)


def _account_of(resource: Resource) -> str:
    """The account a resource names, as ARM compares names (without case)."""
    return str(resource.props.get("accountName") or "").lower()


def _short(resource_id: str) -> str:
    """The last segment of an ARM id: the resource's name."""
    return resource_id.split("/")[-1]


@dataclass(frozen=True)
class AgentConnection:
    """A connection a project capability host names, and what it is used for."""

    host: Resource
    slot: str
    category: str
    what: str
    group: str
    name: str
    connection: Resource | None

    @property
    def properties(self) -> Mapping[str, Any]:
        """The connection's properties ({} when the host names a connection the stack does not have)."""
        return (self.connection.props.get("properties") or {}) if self.connection else {}

    @property
    def resource_id(self) -> str:
        """The ARM id of the resource the connection reaches."""
        return str((self.properties.get("metadata") or {}).get("ResourceId", ""))

    @property
    def location(self) -> str:
        """The region the connection says the resource is in."""
        return str((self.properties.get("metadata") or {}).get("location", ""))


def _host_properties(host: Resource) -> Mapping[str, Any]:
    return host.props.get("projectCapabilityHostProperties") or {}


def agent_connections(resources: list[Resource]) -> list[AgentConnection]:
    """Every connection each project capability host names, joined with the connection resource."""
    connections = {
        _key(r.props.get("accountName"), r.props.get("projectName"), r.props.get("connectionName")): r
        for r in resources
        if r.type == CONNECTION
    }
    out = []
    for host in (r for r in resources if r.type == PROJECT_HOST):
        account, project = host.props.get("accountName"), host.props.get("projectName")
        for slot, category, what, group in SLOTS:
            for name in _host_properties(host).get(slot) or []:
                found = connections.get(_key(account, project, name))
                out.append(AgentConnection(host, slot, category, what, group, str(name), found))
    return out


def _label(host: Resource) -> str:
    return f"{host.props.get('accountName')}/{host.props.get('projectName')}"


def _accounts(resources: list[Resource]) -> dict[str, Resource]:
    return {_account_of(r): r for r in resources if r.type == ACCOUNT}


def check_byo_resources(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each project capability host names a Cosmos DB, a Storage account and an AI Search service, through
    connections of the right kind with Entra ID auth, in an allowed region (the config's, else the account's)."""
    accounts = _accounts(resources)
    allowed = [str(r) for r in config.get("allowedRegions") or []]
    named = agent_connections(resources)
    for host in (r for r in resources if r.type == PROJECT_HOST):
        for slot, _, what, _ in SLOTS:
            if not _host_properties(host).get(slot):
                yield Finding(
                    f"{_label(host)}: the standard agent setup names no {what} ({slot} is empty); add it to the "
                    "project's `agents` block",
                    host,
                )
    for item in named:
        label = f"{_label(item.host)}: {item.what} connection {item.name!r}"
        if item.connection is None:
            yield Finding(f"{label} does not exist in this project; name one the stack creates", item.host)
            continue
        props = item.properties
        if str(props.get("category", "")).lower() != item.category.lower():  # ARM compares enums without case
            yield Finding(
                f"{label} is of category {props.get('category')!r}, not {item.category}",
                item.host,
                related=(item.connection,),
            )
        if props.get("authType") != "AAD":
            yield Finding(
                f"{label} authenticates with {props.get('authType')!r}; agent connections use Entra ID (AAD): "
                "no keys stored in the project",
                item.host,
                related=(item.connection,),
            )
        account = accounts.get(_account_of(item.host))
        regions = allowed or ([str(account.props.get("location"))] if account is not None else [])
        if item.location not in regions:
            where = "the policy's allowedRegions" if allowed else "the account's region"
            yield Finding(
                f"{label} reaches a resource in {item.location or 'an unknown region'!r}, outside {where} "
                f"({', '.join(regions) or 'none'}); keep the agents' data in "
                f"{', '.join(regions) or 'an allowed region'}",
                item.connection,
                related=(item.host,),
            )


def injected_into_subnet(account: Resource) -> bool:
    """The account injects its agent runtime into a customer subnet (no Microsoft-managed network)."""
    injections = (account.props.get("properties") or {}).get("networkInjections") or []
    return any(
        i.get("scenario") == "agent" and i.get("subnetArmId") and i.get("useMicrosoftManagedNetwork") is not True
        for i in injections
    )


def _managed_approved_only(account: Resource, resources: list[Resource]) -> bool:
    """The account's agents run in its Microsoft-managed network, which allows only approved outbound."""
    injections = (account.props.get("properties") or {}).get("networkInjections") or []
    managed = any(i.get("scenario") == "agent" and i.get("useMicrosoftManagedNetwork") is True for i in injections)
    return managed and any(
        r.type == types.MANAGED_NETWORK
        and _account_of(r) == _account_of(account)
        and ((r.props.get("properties") or {}).get("managedNetwork") or {}).get("isolationMode")
        == "AllowOnlyApprovedOutbound"
        for r in resources
    )


def check_network_injection(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each account with agents (a capability host) injects the agent runtime into its own subnet, or into a
    managed network that allows only approved outbound."""
    with_agents = {_account_of(r) for r in resources if r.type in (PROJECT_HOST, ACCOUNT_HOST)}
    for key, account in _accounts(resources).items():
        if key in with_agents and not injected_into_subnet(account) and not _managed_approved_only(account, resources):
            yield Finding(
                f"{account.props.get('accountName')}: its agents run with public egress (no networkInjections with "
                "scenario agent); add `agentNetwork: {subnetId: ...}` with a dedicated subnet delegated to "
                "Microsoft.App/environments, or a `managedNetwork` with isolation AllowOnlyApprovedOutbound",
                account,
            )


def _endpoint_groups(resources: list[Resource]) -> dict[str, set[str]]:
    """Target resource id (lower case) -> the private endpoint groups that reach it."""
    out: dict[str, set[str]] = {}
    for endpoint in (r for r in resources if r.type == PRIVATE_ENDPOINT):
        for target, groups in endpoint_targets(endpoint):
            out.setdefault(target, set()).update(str(g) for g in groups)
    return out


def unreached_agent_resources(resources: list[Resource]) -> list[AgentConnection]:
    """The agent resources of private accounts (public access off) that no private endpoint of their group reaches."""
    accounts = _accounts(resources)
    groups = _endpoint_groups(resources)
    out = []
    seen: set[str] = set()
    for item in agent_connections(resources):
        account = accounts.get(_account_of(item.host))
        private = account is not None and (account.props.get("properties") or {}).get("publicNetworkAccess") == (
            "Disabled"
        )
        target = item.resource_id.lower()
        if not private or item.connection is None or not target or target in seen:
            continue
        seen.add(target)
        if item.group not in groups.get(target, set()):
            out.append(item)
    return out


def check_agent_endpoints(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """A private account's agent resources are reached through private endpoints (private-endpoint-required)."""
    for item in unreached_agent_resources(resources):
        yield Finding(
            f"{_label(item.host)}: no private endpoint (group {item.group!r}) reaches the agents' {item.what} "
            f"{_short(item.resource_id)}; give the account a `privateEndpoint` (its agent resources "
            "get one each in its subnet)",
            item.connection,
        )


def check_agent_public_access(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """A private account's agents do not reach their resources over public networks (public-network-access)."""
    for item in unreached_agent_resources(resources):
        yield Finding(
            f"{_label(item.host)}: the account is private but its agents reach the {item.what} "
            f"{_short(item.resource_id)} over its public endpoint (no private endpoint, group "
            f"{item.group!r}); give the account a `privateEndpoint` so its agent resources get one too",
            item.connection,
        )


def _blob_owner_narrow(resources: list[Resource], storage_id: str) -> bool:
    """Every Storage Blob Data Owner grant on the storage account is limited to its project's own containers."""
    grants = [
        r
        for r in resources
        if r.type == ROLE_ASSIGNMENT
        and str(r.props.get("scope", "")).lower() == storage_id
        and str(r.props.get("roleDefinitionId", "")).lower().endswith(BLOB_DATA_OWNER_ID)
    ]
    return bool(grants) and all(OWN_CONTAINERS in str(g.props.get("condition") or "") for g in grants)


def _cosmos_data_narrow(resources: list[Resource], cosmos_id: str) -> bool:
    """Every Cosmos DB data role on the account is scoped to collections (the project's own), not a database."""
    grants = [
        r
        for r in resources
        if r.type == COSMOS_DATA_ROLE and str(r.props.get("scope", "")).lower().startswith(cosmos_id + "/")
    ]
    return bool(grants) and all("/colls/" in str(g.props.get("scope", "")).lower() for g in grants)


# The agent resources whose data a project's grants should keep to the project: the capability host's list, what
# is kept there, what the resource is, which grant reaches the other projects' data, and whether it is narrowed.
_SHARED = (
    (
        "storageConnections",
        "files",
        "storage account",
        "each project's Storage Blob Data Owner grant there reaches every `*-azureml-agent` container",
        _blob_owner_narrow,
    ),
    (
        "threadStorageConnections",
        "threads",
        "Cosmos DB account",
        f"each project's Cosmos DB data role there covers the whole `{AGENT_DATABASE}` database",
        _cosmos_data_narrow,
    ),
)


def _other_stacks(config: Mapping[str, Any], resource_id: str) -> list[str]:
    """The projects of other stacks of the repository that keep agent data in the resource (the gate's
    `otherStacks` setting, computed from stacks/)."""
    return [str(label) for label in (config.get("otherStacks") or {}).get(resource_id.lower()) or []]


def check_storage_isolation(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """No two projects, of this stack or of other stacks of the repository, keep their agents' files (Storage) or
    threads (Cosmos DB) in one account while a project's data-plane grant there reaches the other projects' data
    (Microsoft's templates limit it with the project's workspace id, which is not known before deploying)."""
    named = agent_connections(resources)
    for slot, kept, what, reach, narrow in _SHARED:
        sharing: dict[str, list[AgentConnection]] = {}
        for item in named:
            if item.slot == slot and item.connection is not None and item.resource_id:
                sharing.setdefault(item.resource_id.lower(), []).append(item)
        for resource_id, items in sharing.items():
            projects = list(dict.fromkeys(_label(item.host) for item in items))
            projects += _other_stacks(config, resource_id)
            if len(projects) < 2 or narrow(resources, resource_id):
                continue
            yield Finding(
                f"projects {', '.join(projects)} keep their agents' {kept} in one {what} "
                f"{_short(items[0].resource_id)}, and {reach}, the other projects' too (the project's workspace id "
                f"that Microsoft's templates scope it to is not known before deploying); give each project its own "
                f"{what}",
                items[-1].connection,
                related=tuple(item.connection for item in items[:-1] if item.connection is not None),
            )


BYO = PolicySpec(
    id="agent-byo-resources",
    description="A standard agent setup names a Cosmos DB, a Storage account and an AI Search service, through "
    "connections with Entra ID auth, in an allowed region (allowedRegions, else the account's region).",
    remediation="Name `cosmosDb`, `storage` and `search` (ARM id and location) in the project's `agents` block, in "
    "an allowed region.",
    severity=Severity.HIGH,
    properties={"allowedRegions": {"type": "array", "items": {"type": "string"}}},
)
INJECTION = PolicySpec(
    id="agent-network-injection",
    description="Accounts with agents inject the agent runtime into a customer subnet (networkInjections, scenario "
    "agent) or run it in a managed network that allows only approved outbound, so it has no public egress; meant "
    "for production.",
    remediation="Add `agentNetwork: {subnetId: ...}` to the account (a dedicated subnet delegated to "
    "Microsoft.App/environments), or `managedNetwork: {isolation: AllowOnlyApprovedOutbound, ...}`.",
    severity=Severity.HIGH,
)

# The agent storage the other stacks of the repository use, so that two stacks sharing one account are seen.
OTHER_STACKS_SCHEMA = {
    "type": "object",
    "readOnly": True,
    "description": "computed by foundry-iac from stacks/: the ARM id (lower case) of each agent storage account "
    "and Cosmos DB account the other stacks' projects keep agent data in -> those projects, as "
    "`<account>/<project> (stack <stack>)`",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ISOLATION = PolicySpec(
    id="agent-storage-isolation",
    description="Projects do not share an agent storage account (files) or Cosmos DB account (threads): each "
    "project's data-plane grant there covers every project's agent data, because the workspace id that would limit "
    "it to the project's own is not known before deploying; meant for production.",
    remediation="Give each project with agents its own storage account and Cosmos DB account in its `agents` block.",
    severity=Severity.HIGH,
    properties={"otherStacks": OTHER_STACKS_SCHEMA},
)

agent_byo_resources = stack_policy(BYO, check_byo_resources)
agent_network_injection = stack_policy(INJECTION, check_network_injection)
agent_storage_isolation = stack_policy(ISOLATION, check_storage_isolation)
