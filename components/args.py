"""Typed inputs of the components, built from the validated stack config by pure functions."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from .catalog import load_catalog
from .config.loader import LoadedConfig, SourceLocation
from .config.model import AGENT_DNS_ZONES, AGENT_PRIVATE_LINKS, PRIVATE_DNS_ZONES, BudgetAlerts, agent_connection_name
from .content_filters import HARM_CATEGORIES, SOURCES
from .naming import account_id, custom_subdomain, role_assignment_name
from .roles import (
    AGENT_DATABASE,
    COSMOS_DATA_CONTRIBUTOR,
    COSMOS_DB_OPERATOR,
    KEY_VAULT_CRYPTO_USER,
    SEARCH_INDEX_DATA_CONTRIBUTOR,
    SEARCH_SERVICE_CONTRIBUTOR,
    STORAGE_BLOB_DATA_CONTRIBUTOR,
    STORAGE_BLOB_DATA_OWNER,
    current_name,
    role_definition_id,
)
from .tags import MANAGED_BY_TAGS, STACK_TAG


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
class PrivateEndpointArgs:
    """A private endpoint into a subnet (to an account, group `account`, or an agent resource), and its zone group."""

    endpoint_name: str
    resource_group_name: str
    location: str
    subnet_id: str
    target_id: str
    zone_ids: tuple[tuple[str, str], ...]
    source: SourceLocation
    group_id: str = "account"


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


@dataclass(frozen=True)
class EncryptionArgs:
    """A customer-managed key read by a user-assigned identity."""

    key_vault_id: str
    key_vault_uri: str
    key_name: str
    key_version: str | None
    identity_resource_id: str
    identity_client_id: str
    identity_principal_id: str
    grant_key_access: bool
    key_access_role_id: str
    key_access_assignment_name: str
    source: SourceLocation


@dataclass(frozen=True)
class DiagnosticsArgs:
    """A diagnostic setting sending the account's logs and metrics to Log Analytics."""

    setting_name: str
    resource_uri: str
    workspace_id: str
    source: SourceLocation


@dataclass(frozen=True)
class WorkspaceArgs:
    """A Log Analytics workspace the stack creates."""

    workspace_name: str
    resource_group_name: str
    location: str
    retention_days: int
    tags: dict[str, str]
    source: SourceLocation


@dataclass(frozen=True)
class PrivateDnsArgs:
    """The three Foundry private DNS zones of the stack and the VNets they are linked to."""

    resource_group_name: str
    zones: tuple[str, ...]
    vnet_ids: tuple[str, ...]
    tags: dict[str, str]
    source: SourceLocation

    def zone_id(self, subscription_id: str, zone: str) -> str:
        """The ARM id of one of the zones (a plain value, known at preview)."""
        return (
            f"/subscriptions/{subscription_id}/resourceGroups/{self.resource_group_name}"
            f"/providers/Microsoft.Network/privateDnsZones/{zone}"
        )


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


@dataclass(frozen=True)
class ModelDeploymentArgs:
    """A model deployment (accounts/deployments): sku and model, all plain values."""

    deployment_name: str
    account_name: str
    resource_group_name: str
    sku_name: str
    capacity: int
    model_format: str
    model_name: str
    model_version: str | None
    rai_policy_name: str | None
    version_upgrade_option: str
    monthly_input_tokens: int
    monthly_output_tokens: int
    source: SourceLocation
    spillover_to: str | None = None


@dataclass(frozen=True)
class BlocklistArgs:
    """A blocklist of the account and its items (item name, pattern, is it a regex)."""

    name: str
    items: tuple[tuple[str, str, bool], ...]
    source: SourceLocation


@dataclass(frozen=True)
class ContentFilterArgs:
    """A custom content filter (RAI policy) in Azure's shape, and the blocklists it attaches."""

    name: str
    properties: dict
    blocklists: tuple[BlocklistArgs, ...]
    source: SourceLocation


@dataclass(frozen=True)
class FoundryAccountArgs:
    """A Foundry resource (Cognitive Services account, kind AIServices) and its children."""

    account_name: str
    resource_group_name: str
    location: str
    custom_subdomain: str
    disable_local_auth: bool
    public_network_access: str
    network_acls: dict | None
    identity_type: str
    restore: bool
    protect: bool
    tags: dict[str, str]
    source: SourceLocation
    account_id: str = ""
    user_assigned_identities: tuple[str, ...] = ()
    private_endpoint: PrivateEndpointArgs | None = None
    agent_subnet_id: str | None = None
    agent_endpoints: tuple[PrivateEndpointArgs, ...] = ()
    encryption: EncryptionArgs | None = None
    diagnostics: DiagnosticsArgs | None = None
    lock: bool = False
    projects: tuple[FoundryProjectArgs, ...] = field(default_factory=tuple)
    content_filters: tuple[ContentFilterArgs, ...] = field(default_factory=tuple)
    deployments: tuple[ModelDeploymentArgs, ...] = field(default_factory=tuple)

    @property
    def agent_projects(self) -> tuple[FoundryProjectArgs, ...]:
        """The projects with an Agent Service standard setup."""
        return tuple(p for p in self.projects if p.agents is not None)

    @property
    def endpoint(self) -> str:
        """The account's Foundry endpoint (Azure derives it from the custom subdomain)."""
        return f"https://{self.custom_subdomain}.services.ai.azure.com/"


@dataclass(frozen=True)
class ResourceGroupArgs:
    """The stack's resource group."""

    name: str
    location: str
    tags: dict[str, str]
    protect: bool
    source: SourceLocation


def resource_group_name(loaded: LoadedConfig) -> str:
    """The stack's resource group name: from config, else rg-foundry-<stack>."""
    return loaded.config.resource_group or f"rg-foundry-{loaded.stack}"


def resource_group_args(loaded: LoadedConfig) -> ResourceGroupArgs:
    """The stack's resource group: named by config, else rg-foundry-<stack>."""
    cfg = loaded.config
    name = resource_group_name(loaded)
    where = loaded.location("resourceGroup") if cfg.resource_group else loaded.location("location")
    return ResourceGroupArgs(name, cfg.location, stack_tags(loaded), cfg.production, where)


@dataclass(frozen=True)
class BudgetArgs:
    """The stack's monthly cost budget on its resource group, and who it notifies (ARM shape)."""

    name: str
    scope: str
    amount: float
    start_date: str
    notifications: dict
    source: SourceLocation


def budget_args(loaded: LoadedConfig, today: dt.date) -> BudgetArgs | None:
    """The budget of foundry-iac:monthlyBudgetUsd (None without one); it starts this month unless stated."""
    cfg = loaded.config
    if cfg.monthly_budget_usd is None:
        return None
    alerts = cfg.budget_alerts or BudgetAlerts()
    start = alerts.start_date or today.replace(day=1)
    notifications = {
        f"{t.type.lower()}-{t.percent:g}-percent": {
            "enabled": True,
            "operator": "GreaterThanOrEqualTo",
            "threshold": t.percent,
            "thresholdType": t.type,
            "contactEmails": list(alerts.contact_emails),
            "contactGroups": [alerts.action_group_id] if alerts.action_group_id else [],
        }
        for t in alerts.thresholds
    }
    scope = f"/subscriptions/{cfg.subscription_id}/resourceGroups/{resource_group_name(loaded)}"
    return BudgetArgs(
        f"budget-{loaded.stack}",
        scope,
        cfg.monthly_budget_usd,
        start.isoformat(),
        notifications,
        loaded.location("monthlyBudgetUsd"),
    )


def stack_tags(loaded: LoadedConfig) -> dict[str, str]:
    """The tags every resource of the stack carries: foundry-iac's own and the stack's."""
    return {**MANAGED_BY_TAGS, STACK_TAG: loaded.stack, **loaded.config.tags}


def _network(public: bool, default_action: str | None, ip_rules: list[str], bypass: str) -> dict | None:
    """networkAcls: Deny whenever access is private or restricted to IP rules."""
    action = default_action or ("Deny" if (ip_rules or not public) else "Allow")
    acls: dict = {"defaultAction": action, "bypass": bypass}
    if ip_rules:
        acls["ipRules"] = [{"value": rule} for rule in ip_rules]
    return acls


def private_dns_args(loaded: LoadedConfig) -> PrivateDnsArgs | None:
    """The stack's private DNS zones, when it creates them."""
    dns = loaded.config.private_dns
    if dns is None:
        return None
    return PrivateDnsArgs(
        resource_group_name(loaded),
        PRIVATE_DNS_ZONES + (AGENT_DNS_ZONES if _agent_zones_from_stack(loaded) else ()),
        tuple(dns.vnet_ids),
        stack_tags(loaded),
        loaded.location("privateDns"),
    )


def _private_with_agents(loaded: LoadedConfig, index: int) -> bool:
    """True when account `index` is private, has a private endpoint, and projects with agents: their resources
    get private endpoints too."""
    acct = loaded.config.accounts[index]
    return acct.private_endpoint is not None and acct.has_agents and not acct.public(loaded.config.production)


def _agent_zones_from_stack(loaded: LoadedConfig) -> bool:
    """True when an account's agent resources take their private DNS zones from foundry-iac:privateDns."""
    return any(
        _private_with_agents(loaded, index) and acct.private_endpoint.dns_zone_ids is None  # type: ignore[union-attr]
        for index, acct in enumerate(loaded.config.accounts)
    )


def workspace_args(loaded: LoadedConfig) -> list[WorkspaceArgs]:
    """The Log Analytics workspaces the stack creates (one per name, however many accounts use it)."""
    out: dict[str, WorkspaceArgs] = {}
    for index, acct in enumerate(loaded.config.accounts):
        diag = acct.diagnostics
        if diag is not None and diag.workspace and diag.workspace not in out:
            out[diag.workspace] = WorkspaceArgs(
                diag.workspace,
                resource_group_name(loaded),
                acct.location or loaded.config.location,
                diag.retention_days,
                stack_tags(loaded),
                loaded.location("accounts", index, "diagnostics"),
            )
    return list(out.values())


def _workspace_id(subscription_id: str, resource_group: str, name: str) -> str:
    return (
        f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.OperationalInsights/workspaces/{name}"
    )


def account_args(loaded: LoadedConfig, index: int) -> FoundryAccountArgs:
    """Everything needed to build account `index` of the stack, as plain values."""
    cfg = loaded.config
    acct = cfg.accounts[index]
    location = acct.location or cfg.location
    rg = resource_group_name(loaded)
    public = acct.network.public_access if acct.network.public_access is not None else not cfg.production
    tags = {**stack_tags(loaded), **acct.tags}
    scope_base = account_id(cfg.subscription_id, rg, acct.name)
    return FoundryAccountArgs(
        account_name=acct.name,
        resource_group_name=rg,
        location=location,
        custom_subdomain=custom_subdomain(acct.name, loaded.stack, cfg.subscription_id),
        disable_local_auth=not acct.local_auth,
        public_network_access="Enabled" if public else "Disabled",
        network_acls=_network(public, acct.network.default_action, acct.network.ip_rules, acct.network.bypass),
        identity_type=_identity_type(acct.identity, acct.encryption is not None),
        restore=acct.restore,
        protect=cfg.production,
        tags=tags,
        source=loaded.location("accounts", index),
        account_id=scope_base,
        user_assigned_identities=(acct.encryption.identity.resource_id,) if acct.encryption else (),
        private_endpoint=_private_endpoint(loaded, index, scope_base),
        agent_subnet_id=acct.agent_network.subnet_id if acct.agent_network else None,
        agent_endpoints=_agent_endpoints(loaded, index),
        encryption=_encryption(loaded, index),
        diagnostics=_diagnostics(loaded, index, scope_base),
        lock=acct.lock if acct.lock is not None else cfg.production,
        projects=tuple(_project(loaded, index, p_index, scope_base, tags) for p_index in range(len(acct.projects))),
        content_filters=tuple(_content_filter(loaded, index, f_index) for f_index in range(len(acct.content_filters))),
        deployments=tuple(_deployment(loaded, index, d_index) for d_index in range(len(acct.deployments))),
    )


def _identity_type(identity: str, cmk: bool) -> str:
    """A customer-managed key needs the user-assigned identity beside the system-assigned one."""
    if not cmk:
        return identity
    return "SystemAssigned, UserAssigned" if identity == "SystemAssigned" else "UserAssigned"


def _project(
    loaded: LoadedConfig, index: int, p_index: int, scope_base: str, tags: dict[str, str]
) -> FoundryProjectArgs:
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
        agents=_agents(loaded, index, p_index, scope),
    )


# Category and endpoint of each agent resource's connection (Azure public cloud endpoints). The category is
# spelled as the API's enum (ConnectionCategory "CosmosDb"); Microsoft's templates write "CosmosDB", which ARM
# also takes because it compares enum values without case.
_AGENT_CONNECTIONS = {
    "cosmosDb": ("CosmosDb", "https://{name}.documents.azure.com:443/"),
    "storage": ("AzureStorageAccount", "https://{name}.blob.core.windows.net/"),
    "search": ("CognitiveSearch", "https://{name}.search.windows.net"),
}
AGENT_ROLES = {
    "cosmosDb": (COSMOS_DB_OPERATOR,),
    "storage": (STORAGE_BLOB_DATA_CONTRIBUTOR,),
    "search": (SEARCH_INDEX_DATA_CONTRIBUTOR, SEARCH_SERVICE_CONTRIBUTOR),
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


def _agents(loaded: LoadedConfig, index: int, p_index: int, project_id: str) -> AgentSetupArgs | None:
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


def _agent_endpoints(loaded: LoadedConfig, index: int) -> tuple[PrivateEndpointArgs, ...]:
    """Private endpoints to the agent resources of a private account (each resource once), in its endpoint subnet."""
    if not _private_with_agents(loaded, index):
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


def _content_filter(loaded: LoadedConfig, index: int, f_index: int) -> ContentFilterArgs:
    """A content filter as a RAI policy: every harm category both ways, the shields, and its blocklists."""
    cf = loaded.config.accounts[index].content_filters[f_index]
    filters: list[dict] = []
    for category in HARM_CATEGORIES:
        for source in SOURCES:
            setting = cf.category(category).direction(source)
            filters.append(
                {
                    "name": category,
                    "enabled": True,
                    "severityThreshold": setting.threshold,
                    "blocking": setting.blocking,
                    "source": source,
                }
            )
    switches = [
        ("Jailbreak", cf.prompt_shields.jailbreak, "Prompt"),
        ("Indirect Attack", cf.prompt_shields.indirect_attack, "Prompt"),
        ("Protected Material Text", cf.protected_material.text, "Completion"),
        ("Protected Material Code", cf.protected_material.code, "Completion"),
    ]
    filters += [{"name": name, "enabled": on, "blocking": on, "source": source} for name, on, source in switches]
    where = ("accounts", index, "contentFilters", f_index)
    blocklists = tuple(
        BlocklistArgs(
            b.name,
            tuple(
                (
                    f"item-{hashlib.sha256(f'{item.regex}:{item.pattern}'.encode()).hexdigest()[:12]}",
                    item.pattern,
                    item.regex,
                )
                for item in b.items
            ),
            loaded.location(*where, "blocklists", b_index),
        )
        for b_index, b in enumerate(cf.blocklists)
    )
    properties = {
        "basePolicyName": cf.base_policy,
        "mode": cf.mode,
        "contentFilters": filters,
        "customBlocklists": [
            {"blocklistName": b.name, "blocking": True, "source": source}
            for b in cf.blocklists
            for source in b.applies_to
        ],
    }
    return ContentFilterArgs(cf.name, properties, blocklists, loaded.location(*where))


def _deployment(loaded: LoadedConfig, index: int, d_index: int) -> ModelDeploymentArgs:
    acct = loaded.config.accounts[index]
    dep = acct.deployments[d_index]
    return ModelDeploymentArgs(
        deployment_name=dep.deployment_name,
        account_name=acct.name,
        resource_group_name=resource_group_name(loaded),
        sku_name=dep.type,
        capacity=dep.capacity,
        model_format=load_catalog().models[dep.model].format,
        model_name=dep.model,
        model_version=dep.version,
        rai_policy_name=dep.content_filter,
        version_upgrade_option=dep.version_upgrade,
        monthly_input_tokens=dep.monthly_tokens.input,
        monthly_output_tokens=dep.monthly_tokens.output,
        source=loaded.location("accounts", index, "deployments", d_index),
        spillover_to=dep.spillover_to,
    )


def _private_endpoint(loaded: LoadedConfig, index: int, scope_base: str) -> PrivateEndpointArgs | None:
    cfg = loaded.config
    acct = cfg.accounts[index]
    pe = acct.private_endpoint
    if pe is None:
        return None
    dns = private_dns_args(loaded)
    if pe.dns_zone_ids is not None:
        zones = {zone: pe.dns_zone_ids[zone] for zone in PRIVATE_DNS_ZONES}  # the agent zones serve other endpoints
    else:
        assert dns is not None, "validated: an endpoint without dnsZoneIds needs foundry-iac:privateDns"
        zones = {zone: dns.zone_id(cfg.subscription_id, zone) for zone in PRIVATE_DNS_ZONES}
    return PrivateEndpointArgs(
        endpoint_name=f"pe-{acct.name}",
        resource_group_name=resource_group_name(loaded),
        location=acct.location or cfg.location,
        subnet_id=pe.subnet_id,
        target_id=scope_base,
        zone_ids=tuple(sorted(zones.items())),
        source=loaded.location("accounts", index, "privateEndpoint"),
    )


def _encryption(loaded: LoadedConfig, index: int) -> EncryptionArgs | None:
    cfg = loaded.config
    enc = cfg.accounts[index].encryption
    if enc is None:
        return None
    role_id = role_definition_id(cfg.subscription_id, KEY_VAULT_CRYPTO_USER)
    return EncryptionArgs(
        key_vault_id=enc.key_vault_id,
        key_vault_uri=enc.key_vault_uri.rstrip("/") + "/",
        key_name=enc.key_name,
        key_version=enc.key_version,
        identity_resource_id=enc.identity.resource_id,
        identity_client_id=enc.identity.client_id,
        identity_principal_id=enc.identity.principal_id,
        grant_key_access=enc.grant_key_access,
        key_access_role_id=role_id,
        key_access_assignment_name=role_assignment_name(enc.key_vault_id, role_id, enc.identity.principal_id),
        source=loaded.location("accounts", index, "encryption"),
    )


def _diagnostics(loaded: LoadedConfig, index: int, scope_base: str) -> DiagnosticsArgs | None:
    cfg = loaded.config
    acct = cfg.accounts[index]
    diag = acct.diagnostics
    if diag is None:
        return None
    rg = resource_group_name(loaded)
    workspace = diag.workspace_id or _workspace_id(cfg.subscription_id, rg, str(diag.workspace))
    return DiagnosticsArgs(
        f"{acct.name}-to-log-analytics", scope_base, workspace, loaded.location("accounts", index, "diagnostics")
    )
