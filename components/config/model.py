"""The typed stack config: what a platform engineer writes under `foundry-iac:` in a stack file.

Structure only, plus checks against the model catalog and the built-in roles; whether a deployment is
*allowed* (residency, cost, quota) is the policy pack's job, so that it can be waived.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..catalog import DeploymentType, is_provisioned, load_catalog
from ..content_filters import BUILTIN_FILTERS
from ..inputs import short
from ..refs import nearest, unresolved, why_not
from ..roles import BUILTIN_ROLES, CURRENT_ROLES, NOT_OFFERED, PREVIOUS_NAMES
from ..tags import MAX_TAG_NAME, MAX_TAG_VALUE, MAX_TAGS, SYSTEM_TAG_COUNT, TAG_NAME_FORBIDDEN
from .limits import (
    FOUNDRY_LIMITS,
    MAX_ACCOUNTS_PER_REGION,
    MAX_DEPLOYMENTS_PER_ACCOUNT,
    MAX_PROJECTS_PER_ACCOUNT,
    MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
    RBAC_LIMITS,
    first_beyond_budget,
    over_budget,
    too_many,
)

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ACCOUNT_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9-]{1,63}$"
CHILD_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$"
RG_NAME_PATTERN = r"^[-\w._()]{1,89}[-\w_()]$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ACTION_GROUP_ID_PATTERN = (
    r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]+/providers/microsoft\.insights/actionGroups/[^/]+$"
)
MAX_BUDGET_NOTIFICATIONS = 5  # Azure: at most five notifications per budget
_ARM = r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]+/providers/"
SUBNET_ID = _ARM + r"Microsoft\.Network/virtualNetworks/[-\w._]+/subnets/[-\w._]+$"
VNET_ID = _ARM + r"Microsoft\.Network/virtualNetworks/[-\w._]+$"
DNS_ZONE_ID = _ARM + r"Microsoft\.Network/privateDnsZones/[-\w.]+$"
VAULT_ID = _ARM + r"Microsoft\.KeyVault/vaults/[-\w]+$"
IDENTITY_ID = _ARM + r"Microsoft\.ManagedIdentity/userAssignedIdentities/[-\w._]+$"
WORKSPACE_ID = _ARM + r"Microsoft\.OperationalInsights/workspaces/[-\w]+$"
SEARCH_ID = _ARM + r"Microsoft\.Search/searchServices/[-\w]+$"
STORAGE_ID = _ARM + r"Microsoft\.Storage/storageAccounts/[a-z0-9]+$"
COSMOS_ID = _ARM + r"Microsoft\.DocumentDB/databaseAccounts/[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$"
# Azure AI services take public IPv4 only in IP rules: "IP address ranges reserved for private networks (as
# defined in RFC 1918) aren't allowed" (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks,
# read 2026-11). Loopback, link-local, multicast, "this network" and reserved space can never be a client either.
NOT_PUBLIC_IPV4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "0.0.0.0/8",
    )
)
PRIVATE_DNS_ZONES = (
    "privatelink.cognitiveservices.azure.com",
    "privatelink.openai.azure.com",
    "privatelink.services.ai.azure.com",
)
# The private endpoint group and DNS zone of each bring-your-own agent resource (Microsoft Learn, "Use your
# own resources" for the Agent Service standard setup; microsoft-foundry/foundry-samples 41 and 15), by the
# agents block's key.
AGENT_PRIVATE_LINKS = {
    "cosmosDb": ("Sql", "privatelink.documents.azure.com"),
    "storage": ("blob", "privatelink.blob.core.windows.net"),
    "search": ("searchService", "privatelink.search.windows.net"),
}
AGENT_DNS_ZONES = tuple(zone for _, zone in AGENT_PRIVATE_LINKS.values())

PositiveInt = Annotated[int, Field(strict=True, gt=0)]
INT32_MAX = 2**31 - 1  # ARM's sku.capacity is an int32
DESCRIPTION_MAX = 1024
VnetId = Annotated[str, Field(pattern=VNET_ID)]
Count = Annotated[int, Field(strict=True, ge=0)]


def then(hint: str, tail: str) -> str:
    """Join a suggestion and a further remark: '; did you mean X? Tail' or '; tail'."""
    return f"{hint} {tail[0].upper()}{tail[1:]}" if hint else f"; {tail}"


# What people write for the two data zones; difflib alone would offer 'westeurope' for 'Europe'.
_ZONE_NAMES = {"eu": "EU", "europe": "EU", "european union": "EU", "us": "US", "usa": "US", "united states": "US"}


def suggest(word: str, choices: list[str]) -> str:
    """A ' did you mean ...?' hint for a misspelt word, or ''."""
    if len(word) > 100:  # no name is this long; comparing a huge value would only cost time
        return ""
    zone = _ZONE_NAMES.get(word.strip().lower())
    if zone in choices:
        return f"; did you mean {zone!r}?"
    close = nearest(word, choices, 1)
    reason = why_not(word, choices)  # a near miss by case, whitespace or look-alikes: say so, it is easy to miss
    return f"; did you mean {close[0]!r}?{f' (the name {reason})' if reason else ''}" if close else ""


def _catalog_enum(kind: str) -> dict:
    """JSON Schema enum of catalog model or region names, so editors can complete them."""
    catalog = load_catalog()
    return {"enum": sorted(catalog.models if kind == "models" else catalog.regions)}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, validate_default=False)


def custom_error(kind: str, message: str, **ctx: object) -> PydanticCustomError:
    # ctx "index" points the error at a list item, ctx "at" at a deeper path (both below the location).
    """A validation error whose message is already formatted.

    pydantic-core fills `{name}` only for names in the context and has no `{{` escape, so braces in a
    message (a regex, a YAML flow map) stay as written; only the context's own names are guarded.
    """
    for name in ctx:
        message = message.replace("{" + name + "}", "{ " + name + " }")
    return PydanticCustomError(kind, message, ctx or None)


def _unique(items: list, attr: str, what: str) -> list:
    """Reject two items with the same name; the error points at the second one."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = str(getattr(item, attr)).lower()
        if key in seen:
            raise custom_error(
                "duplicate_name",
                f"{what} name {getattr(item, attr)!r} is used twice (also at index {seen[key]}); rename one",
                index=index,
            )
        seen[key] = index
    return items


class MonthlyTokens(_Model):
    """Tokens a deployment is expected to process per month; feeds the expected cost."""

    input: Count = 0
    output: Count = 0


class DeploymentConfig(_Model):
    """One model deployment under an account."""

    name: str | None = Field(
        default=None,
        pattern=CHILD_NAME_PATTERN,
        description="Deployment name (2-64 letters, digits, '_', '.', '-'); defaults to the model name.",
    )
    model: str = Field(
        description="Model name from the catalog, e.g. gpt-5.1, grok-4-1-fast-reasoning, DeepSeek-V3.2.",
        json_schema_extra=_catalog_enum("models"),
    )
    version: str | None = Field(
        default=None, description="Model version; pin it (the model-version-pinned policy requires it)."
    )
    type: DeploymentType = Field(description="Deployment type (sku.name): where prompts are processed.")
    capacity: PositiveInt = Field(
        le=INT32_MAX,
        description="Capacity units: 1 = 1,000 TPM for pay-per-token types, PTU for provisioned ones.",
    )
    monthly_tokens: MonthlyTokens = Field(default_factory=MonthlyTokens, alias="monthlyTokens")
    content_filter: str | None = Field(
        default="Microsoft.DefaultV2", alias="contentFilter", description="RAI policy name (raiPolicyName)."
    )
    version_upgrade: Literal["NoAutoUpgrade", "OnceCurrentVersionExpired", "OnceNewDefaultVersionAvailable"] = Field(
        default="NoAutoUpgrade", alias="versionUpgrade"
    )
    spillover_to: str | None = Field(
        default=None,
        alias="spilloverTo",
        description="Provisioned deployments only: the pay-per-token deployment (same model and version, same "
        "account) that takes the traffic when this one is full (spilloverDeploymentName).",
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # YAML reads `version: 1` as a number; a model version is text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        names = sorted(load_catalog().models)
        if value not in names:
            where = "the models are listed in components/catalog.json"
            raise custom_error("unknown_model", f"unknown model {short(value)}{then(suggest(value, names), where)}")
        return value

    @model_validator(mode="after")
    def _known_version(self) -> DeploymentConfig:
        versions = load_catalog().models[self.model].versions
        if self.version is not None and self.version not in versions:
            fix = "pin a version the catalog lists, or run `foundry-iac catalog sync` to learn new ones"
            problem = unresolved(self.version, list(versions), f"version of {self.model}", fix)
            raise custom_error("unknown_version", str(problem), at=("version",))
        return self

    @model_validator(mode="after")
    def _within_offer_maximum(self) -> DeploymentConfig:
        offer = load_catalog().models[self.model].offer(self.type, self.version)
        if offer is not None and offer.maximum is not None and self.capacity > offer.maximum:
            raise custom_error(
                "capacity_maximum",
                f"capacity {self.capacity} is above the {offer.maximum} units {self.model} takes on {self.type} "
                f"(catalog, {offer.source}); lower it or split it over deployments",
                at=("capacity",),
            )
        return self

    @property
    def deployment_name(self) -> str:
        """The Azure deployment name."""
        return self.name or self.model


class Member(_Model):
    """A principal given a built-in role on a project."""

    principal_id: str = Field(alias="principalId", pattern=UUID_PATTERN, description="Entra object id (a GUID).")
    role: str = Field(
        description="Built-in role name, e.g. 'Foundry User' (the previous names, e.g. 'Azure AI User', are accepted).",
        json_schema_extra={
            "anyOf": [
                {"enum": list[JsonValue](sorted(CURRENT_ROLES))},
                {
                    "enum": list[JsonValue](sorted(PREVIOUS_NAMES)),
                    "deprecated": True,
                    "description": "Previous name of a Foundry role (renamed in 2026, same role id): "
                    + "; ".join(f"{old} is now {new}" for old, new in sorted(PREVIOUS_NAMES.items())),
                },
            ]
        },
    )
    principal_type: Literal["User", "Group", "ServicePrincipal"] = Field(default="Group", alias="principalType")

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value in NOT_OFFERED:
            raise custom_error("unknown_role", f"role {short(value)} is not offered: {NOT_OFFERED[value]}")
        if value not in BUILTIN_ROLES:
            names = sorted(CURRENT_ROLES)
            raise custom_error(
                "unknown_role",
                f"unknown role {short(value)}"
                f"{then(suggest(value, sorted(BUILTIN_ROLES)), 'built-in roles: ' + ', '.join(names))}",
            )
        return value

    @property
    def role_id(self) -> str:
        """The role definition's GUID (the same under a role's current and previous name)."""
        return BUILTIN_ROLES[self.role]


class ConnectionConfig(_Model):
    """A project connection to Azure AI Search or Storage, authenticated with Entra ID (no keys)."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="Connection name (2-64 letters, digits, '_', '.', '-').")
    kind: Literal["AzureAISearch", "AzureBlobStorage"]
    resource_id: str = Field(alias="resourceId", description="ARM id of the search service or storage account.")
    target: str = Field(
        pattern=r"^https://[-\w.]+(:\d+)?(/[-\w./]*)?$",
        description="Endpoint, e.g. https://srch-x.search.windows.net or https://st.blob.core.windows.net/",
    )

    @model_validator(mode="after")
    def _resource_matches_kind(self) -> ConnectionConfig:
        pattern = SEARCH_ID if self.kind == "AzureAISearch" else STORAGE_ID
        if not re.match(pattern, self.resource_id):
            what = (
                "a Microsoft.Search/searchServices id"
                if self.kind == "AzureAISearch"
                else "a Microsoft.Storage/storageAccounts id"
            )
            raise custom_error("bad_connection", f"resourceId must be {what} for kind {self.kind}", at=("resourceId",))
        return self


_AGENT_IDS = {"cosmosDb": COSMOS_ID, "storage": STORAGE_ID, "search": SEARCH_ID}
_AGENT_KINDS = {
    "cosmosDb": "a Microsoft.DocumentDB/databaseAccounts id",
    "storage": "a Microsoft.Storage/storageAccounts id",
    "search": "a Microsoft.Search/searchServices id",
}


class AgentResource(_Model):
    """An existing resource agents keep their data in (referenced, never created or priced), and its region."""

    id: str = Field(description="ARM id of the existing resource.")
    location: str = Field(
        description="The region the resource is in (the connection's metadata; judged by agent-byo-resources).",
        json_schema_extra=_catalog_enum("regions"),
    )

    _known_location = field_validator("location")(lambda cls, value: _region(value))


class AgentsConfig(_Model):
    """Foundry Agent Service standard setup: the project's agents keep threads, files and vector stores in the
    customer's own Cosmos DB, Storage account and AI Search service, reached with the project's identity."""

    cosmos_db: AgentResource | None = Field(
        default=None, alias="cosmosDb", description="Azure Cosmos DB for NoSQL account: thread storage."
    )
    storage: AgentResource | None = Field(default=None, description="Storage account: files the agents upload.")
    search: AgentResource | None = Field(default=None, description="Azure AI Search service: vector stores.")
    role_wait_seconds: int = Field(
        default=60,
        alias="roleWaitSeconds",
        strict=True,
        ge=0,
        le=900,
        description="Seconds `pulumi up` waits after the project identity's role assignments before it creates the "
        "capability host (Azure RBAC propagates in minutes).",
    )

    @model_validator(mode="after")
    def _ids_match_kinds(self) -> AgentsConfig:
        named = self.resources()
        if not named:
            raise custom_error(
                "agents_empty", "an agents block names its cosmosDb, storage and search resources (by ARM id)"
            )
        seen: dict[str, str] = {}
        for key, resource in named.items():
            if not re.match(_AGENT_IDS[key], resource.id):
                raise custom_error(
                    "bad_agent_resource", f"id must be {_AGENT_KINDS[key]}, not {short(resource.id)}", at=(key, "id")
                )
            name = agent_connection_name(resource.id).lower()
            if name in seen:
                raise custom_error(
                    "agent_name_clash",
                    f"{key} has the same name as {seen[name]}; each connection is named after its resource, so "
                    "the three need different names",
                    at=(key, "id"),
                )
            seen[name] = key
        return self

    def resources(self) -> dict[str, AgentResource]:
        """The resources named, by key (cosmosDb, storage, search), in that order."""
        found = {"cosmosDb": self.cosmos_db, "storage": self.storage, "search": self.search}
        return {key: value for key, value in found.items() if value is not None}


class AgentNetworkConfig(_Model):
    """Agent network injection: the account's agent runtime runs in a dedicated subnet of the customer's VNet."""

    subnet_id: str = Field(
        alias="subnetId",
        pattern=SUBNET_ID,
        description="ARM id of an existing subnet delegated to Microsoft.App/environments and used by nothing else.",
    )
    public_access_justification: str | None = Field(
        default=None,
        alias="publicAccessJustification",
        min_length=10,
        max_length=500,
        description="Why the account keeps public network access although its agents are injected into a VNet.",
    )


class ProjectConfig(_Model):
    """A Foundry project under an account."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="Project name (2-64 letters, digits, '_', '.', '-').")
    display_name: str | None = Field(default=None, alias="displayName", max_length=256)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    members: list[Member] = Field(default_factory=list)
    connections: list[ConnectionConfig] = Field(default_factory=list)
    agents: AgentsConfig | None = Field(default=None, description="Agent Service standard setup of this project.")

    @field_validator("members")
    @classmethod
    def _one_grant_per_role(cls, value: list[Member]) -> list[Member]:
        # A role's two names share one id, so both would be one role assignment (one deterministic name).
        seen: dict[tuple[str, str], int] = {}
        for index, member in enumerate(value):
            key = (member.principal_id.lower(), member.role_id)
            if key in seen:
                first = value[seen[key]].role
                same = "" if first == member.role else f" ({member.role!r} is the same role, renamed in 2026)"
                raise custom_error(
                    "duplicate_member",
                    f"principal {member.principal_id} already has {first!r} at index {seen[key]}{same}; list it once",
                    index=index,
                )
            seen[key] = index
        return value

    @model_validator(mode="after")
    def _agent_connection_names(self) -> ProjectConfig:
        if self.agents is None:
            return self
        mine = {c.name.lower(): index for index, c in enumerate(self.connections)}
        for key, resource in self.agents.resources().items():
            name = agent_connection_name(resource.id)
            if name.lower() in mine:
                raise custom_error(
                    "agent_connection_clash",
                    f"connection {name!r} is also the name of the agents' {key} connection (named after the "
                    "resource); rename the connection",
                    at=("connections", mine[name.lower()], "name"),
                )
        return self

    @field_validator("connections")
    @classmethod
    def _unique_connections(cls, value: list[ConnectionConfig]) -> list[ConnectionConfig]:
        return _unique(value, "name", "connection")


class PrivateEndpointConfig(_Model):
    """A private endpoint (group `account`) into a subnet, with its DNS zone group."""

    subnet_id: str = Field(alias="subnetId", pattern=SUBNET_ID, description="ARM id of the subnet.")
    dns_zone_ids: dict[str, str] | None = Field(
        default=None,
        alias="dnsZoneIds",
        description="Existing (hub) private DNS zones by name; omit to use the stack's foundry-iac:privateDns zones.",
    )

    @field_validator("dns_zone_ids")
    @classmethod
    def _three_zones(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return value
        missing = [zone for zone in PRIVATE_DNS_ZONES if zone not in value]
        unknown = [zone for zone in value if zone not in PRIVATE_DNS_ZONES + AGENT_DNS_ZONES]
        if missing or unknown:
            raise custom_error(
                "dns_zones",
                f"dnsZoneIds must name the zones {', '.join(PRIVATE_DNS_ZONES)}"
                + (
                    f" (missing {', '.join(missing)})"
                    if missing
                    else f" and nothing else but the agent zones "
                    f"{', '.join(AGENT_DNS_ZONES)} (not {', '.join(map(short, unknown))})"
                ),
            )
        for zone, zone_id in value.items():
            if not re.match(DNS_ZONE_ID, zone_id) or not zone_id.lower().endswith("/" + zone):
                raise custom_error(
                    "dns_zone_id", f"{zone_id!r} is not the ARM id of the private DNS zone {zone}", at=(zone,)
                )
        return value


class KeyIdentity(_Model):
    """The user-assigned identity that reads the customer-managed key."""

    resource_id: str = Field(alias="resourceId", pattern=IDENTITY_ID)
    client_id: str = Field(alias="clientId", pattern=UUID_PATTERN)
    principal_id: str = Field(alias="principalId", pattern=UUID_PATTERN)


class EncryptionConfig(_Model):
    """A customer-managed key in Key Vault, read by a user-assigned identity."""

    key_vault_id: str = Field(alias="keyVaultId", pattern=VAULT_ID)
    key_vault_uri: str = Field(alias="keyVaultUri", pattern=r"^https://[a-z0-9-]{3,24}\.vault\.azure\.net/?$")
    key_name: str = Field(alias="keyName", pattern=r"^[a-zA-Z0-9-]{1,127}$")
    key_version: str | None = Field(
        default=None,
        alias="keyVersion",
        pattern=r"^[0-9a-f]{32}$",
        description="Pin a key version; omit to follow the key's current version.",
    )
    identity: KeyIdentity
    grant_key_access: StrictBool = Field(
        default=True,
        alias="grantKeyAccess",
        description="Grant the identity Key Vault Crypto Service Encryption User on the vault.",
    )


class DiagnosticsConfig(_Model):
    """Diagnostic settings: logs and metrics to a Log Analytics workspace (referenced or created)."""

    workspace_id: str | None = Field(default=None, alias="workspaceId", pattern=WORKSPACE_ID)
    workspace: str | None = Field(
        default=None,
        pattern=r"^[a-zA-Z0-9][-a-zA-Z0-9]{2,61}[a-zA-Z0-9]$",
        description="Create a workspace of this name in the stack's resource group.",
    )
    retention_days: int = Field(default=90, alias="retentionDays", ge=30, le=730, strict=True)

    @model_validator(mode="after")
    def _one_workspace(self) -> DiagnosticsConfig:
        if (self.workspace_id is None) == (self.workspace is None):
            raise custom_error("diagnostics", "give exactly one of workspaceId (existing) or workspace (create)")
        return self


class NetworkConfig(_Model):
    """Network exposure of an account."""

    public_access: StrictBool | None = Field(
        default=None,
        alias="publicAccess",
        description="publicNetworkAccess Enabled (true) or Disabled (false); defaults to false in production.",
    )
    default_action: Literal["Allow", "Deny"] | None = Field(
        default=None, alias="defaultAction", description="networkAcls.defaultAction; Deny when ipRules are given."
    )
    ip_rules: list[str] = Field(
        default_factory=list,
        alias="ipRules",
        max_length=400,
        description="Public IPv4 addresses or CIDR ranges (Azure takes no IPv6 and no private ranges).",
    )
    bypass: Literal["AzureServices", "None"] = "AzureServices"

    @field_validator("ip_rules")
    @classmethod
    def _ip_rules(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            problem = ip_rule_problem(value)
            if problem:
                raise custom_error("bad_ip_rule", problem, index=index)
        return values


Threshold = Literal["Low", "Medium", "High"]
FilterSource = Literal["Prompt", "Completion"]
MAX_BLOCKLIST_PATTERN = 1000  # characters per blocklist item pattern (not verified against Azure's limit)


class DirectionFilter(_Model):
    """One harm category in one direction: the severity it filters from, and whether it blocks."""

    threshold: Threshold = Field(default="Medium", description="Low filters low, medium and high: the strictest.")
    blocking: StrictBool = Field(default=True, description="false: annotate only (needs Microsoft's approval).")


class CategoryFilter(_Model):
    """A harm category on prompts and on completions (a threshold, or {threshold, blocking})."""

    prompt: Threshold | DirectionFilter = "Medium"
    completion: Threshold | DirectionFilter = "Medium"

    def direction(self, source: str) -> DirectionFilter:
        """The setting of one direction, Prompt or Completion."""
        value = self.prompt if source == "Prompt" else self.completion
        return value if isinstance(value, DirectionFilter) else DirectionFilter(threshold=value)


class PromptShields(_Model):
    """Prompt shields: user prompt attacks (Jailbreak) and attacks hidden in documents (Indirect Attack)."""

    jailbreak: StrictBool = True
    indirect_attack: StrictBool = Field(default=False, alias="indirectAttack")


class ProtectedMaterial(_Model):
    """Completion filters for protected material: text and code."""

    text: StrictBool = True
    code: StrictBool = True


class BlocklistItem(_Model):
    """A term (plain text) or a regular expression to block."""

    pattern: str = Field(min_length=1, max_length=MAX_BLOCKLIST_PATTERN)
    regex: StrictBool = False

    @model_validator(mode="after")
    def _compiles(self) -> BlocklistItem:
        if self.regex:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise custom_error(
                    "bad_regex",
                    f"{short(self.pattern)} is not a regular expression ({exc}); fix it, or set regex: false "
                    "to block the text as written",
                    at=("pattern",),
                ) from None
        return self


class BlocklistConfig(_Model):
    """A blocklist of the account, attached to a content filter on prompts and/or completions."""

    name: str = Field(pattern=CHILD_NAME_PATTERN)
    items: list[BlocklistItem] = Field(min_length=1)
    applies_to: list[FilterSource] = Field(default=["Prompt", "Completion"], alias="appliesTo", min_length=1)

    @field_validator("items")
    @classmethod
    def _distinct_items(cls, value: list[BlocklistItem]) -> list[BlocklistItem]:
        seen: dict[tuple[str, bool], int] = {}
        for index, item in enumerate(value):
            key = (item.pattern, item.regex)
            if key in seen:
                raise custom_error("duplicate_item", f"the same pattern as item {seen[key]}; list it once", index=index)
            seen[key] = index
        return value


class ContentFilterConfig(_Model):
    """A custom content filter (RAI policy) of the account, which deployments name by `name`."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="RAI policy name; deployments' contentFilter.")
    base_policy: Literal["Microsoft.DefaultV2", "Microsoft.Default"] = Field(
        default="Microsoft.DefaultV2", alias="basePolicy"
    )
    mode: Literal["Default", "Deferred", "Blocking", "Asynchronous_filter"] = "Default"
    categories: dict[Literal["Hate", "Sexual", "Violence", "Selfharm"], CategoryFilter] = Field(
        default_factory=dict, description="Per harm category; unlisted ones filter at Medium both ways."
    )
    prompt_shields: PromptShields = Field(default_factory=PromptShields, alias="promptShields")
    protected_material: ProtectedMaterial = Field(default_factory=ProtectedMaterial, alias="protectedMaterial")
    blocklists: list[BlocklistConfig] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, value: str) -> str:
        if value in BUILTIN_FILTERS:
            raise custom_error("builtin_filter", f"{value} is a built-in filter; name yours differently")
        return value

    def category(self, name: str) -> CategoryFilter:
        """A harm category's setting (Medium, blocking, both ways when unlisted)."""
        return self.categories.get(name, CategoryFilter())  # type: ignore[call-overload]


class AccountConfig(_Model):
    """A Foundry resource (Cognitive Services account of kind AIServices) and what lives in it."""

    name: str = Field(pattern=ACCOUNT_NAME_PATTERN, description="Account name (2-64 letters, digits, '-').")
    location: str | None = Field(
        default=None,
        description="Azure region; defaults to the stack's location.",
        json_schema_extra=_catalog_enum("regions"),
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    local_auth: StrictBool = Field(
        default=False, alias="localAuth", description="Allow API keys (disableLocalAuth false)."
    )
    identity: Literal["SystemAssigned", "None"] = Field(default="SystemAssigned")
    restore: StrictBool = Field(
        default=False, description="Set once to recover a soft-deleted account of the same name."
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Tags added to the stack's tags.")

    _account_tags = field_validator("tags")(lambda cls, value: _tags(value))
    private_endpoint: PrivateEndpointConfig | None = Field(default=None, alias="privateEndpoint")
    agent_network: AgentNetworkConfig | None = Field(
        default=None,
        alias="agentNetwork",
        description="Inject the agent runtime into this subnet (networkInjections, scenario agent).",
    )
    encryption: EncryptionConfig | None = None
    diagnostics: DiagnosticsConfig | None = None
    lock: StrictBool | None = Field(default=None, description="CanNotDelete lock; defaults to true in production.")
    projects: list[ProjectConfig] = Field(default_factory=list)
    content_filters: list[ContentFilterConfig] = Field(
        default_factory=list, alias="contentFilters", description="Custom content filters deployments can name."
    )
    deployments: list[DeploymentConfig] = Field(default_factory=list)

    @field_validator("deployments", "projects")
    @classmethod
    def _within_azure_limit(cls, value: list, info: ValidationInfo) -> list:
        what = str(info.field_name)
        limit = {"deployments": MAX_DEPLOYMENTS_PER_ACCOUNT, "projects": MAX_PROJECTS_PER_ACCOUNT}[what]
        if len(value) > limit:
            raise custom_error(
                f"too_many_{what}",
                too_many(
                    len(value),
                    limit,
                    what,
                    "in one account",
                    FOUNDRY_LIMITS,
                    "move the rest to another account",
                ),
                index=limit,
            )
        return value

    @field_validator("content_filters")
    @classmethod
    def _unique_filters(cls, value: list[ContentFilterConfig]) -> list[ContentFilterConfig]:
        _unique(value, "name", "content filter")
        seen: dict[str, str] = {}
        for index, cf in enumerate(value):
            for b_index, blocklist in enumerate(cf.blocklists):
                key = blocklist.name.lower()
                if key in seen:
                    raise custom_error(
                        "duplicate_blocklist",
                        f"blocklist {blocklist.name!r} is also defined in filter {seen[key]!r}; blocklist names are "
                        "per account: rename one",
                        at=(index, "blocklists", b_index, "name"),
                    )
                seen[key] = cf.name
        return value

    @model_validator(mode="after")
    def _one_resource_per_agent_name(self) -> AccountConfig:
        # the resource's name names its connection and its private endpoint in the account
        ids: dict[str, str] = {}
        for p_index, project in enumerate(self.projects):
            for key, resource in (project.agents.resources() if project.agents else {}).items():
                name = agent_connection_name(resource.id).lower()
                if ids.setdefault(name, resource.id.lower()) != resource.id.lower():
                    raise custom_error(
                        "agent_name_clash",
                        f"another project's agents use a different resource named {name!r}; give the resources "
                        "distinct names (their connections and private endpoints are named after them)",
                        at=("projects", p_index, "agents", key, "id"),
                    )
        return self

    @model_validator(mode="after")
    def _dedicated_agent_subnet(self) -> AccountConfig:
        injected, endpoint = self.agent_network, self.private_endpoint
        if injected is not None and endpoint is not None and injected.subnet_id.lower() == endpoint.subnet_id.lower():
            raise custom_error(
                "agent_subnet_shared",
                "the agent subnet is also the private endpoint subnet; agents need a dedicated subnet delegated to "
                "Microsoft.App/environments: name another one",
                at=("agentNetwork", "subnetId"),
            )
        return self

    def public(self, production: bool) -> bool:
        """Whether the account takes public network access (off by default in production)."""
        return self.network.public_access if self.network.public_access is not None else not production

    @property
    def has_agents(self) -> bool:
        """True when a project of the account has an agents block."""
        return any(p.agents is not None for p in self.projects)

    @model_validator(mode="after")
    def _known_filters(self) -> AccountConfig:
        names = [cf.name for cf in self.content_filters]
        for index, dep in enumerate(self.deployments):
            if dep.content_filter is None or dep.content_filter in BUILTIN_FILTERS or dep.content_filter in names:
                continue
            known = [*BUILTIN_FILTERS, *names]
            raise custom_error(
                "unknown_filter",
                f"content filter {short(dep.content_filter)} is neither built in nor in this account's "
                f"contentFilters{suggest(dep.content_filter, known) or '; known: ' + ', '.join(known)}",
                at=("deployments", index, "contentFilter"),
            )
        return self

    @model_validator(mode="after")
    def _spillover_targets(self) -> AccountConfig:
        by_name = {d.deployment_name: d for d in self.deployments}
        for index, dep in enumerate(self.deployments):
            target_name = dep.spillover_to
            if target_name is None:
                continue
            at = ("deployments", index, "spilloverTo")
            problem = None
            target = by_name.get(target_name)
            if not is_provisioned(dep.type):
                problem = f"only a provisioned deployment spills over; {dep.type} is pay-per-token: remove spilloverTo"
            elif target is None or target is dep:
                known = [n for n in by_name if n != dep.deployment_name]
                problem = f"no other deployment named {short(target_name)} in this account" + (
                    suggest(target_name, known) or f"; deployments: {', '.join(known) or 'none'}"
                )
            elif is_provisioned(target.type):
                problem = f"{target_name} is {target.type}; spillover goes to a pay-per-token deployment"
            elif (target.model, target.version) != (dep.model, dep.version):
                problem = (
                    f"{target_name} runs {target.model} {target.version or '(no version)'}; the spillover target runs "
                    f"the same model and version as this deployment ({dep.model} {dep.version or '(no version)'})"
                )
            if problem:
                raise custom_error("bad_spillover", problem, at=at)
        return self

    @field_validator("projects")
    @classmethod
    def _unique_projects(cls, value: list[ProjectConfig]) -> list[ProjectConfig]:
        return _unique(value, "name", "project")

    @field_validator("deployments")
    @classmethod
    def _unique_deployments(cls, value: list[DeploymentConfig]) -> list[DeploymentConfig]:
        return _unique(value, "deployment_name", "deployment")

    @field_validator("location")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return None if value is None else _region(value)


def agent_connection_name(resource_id: str) -> str:
    """The project connection to an agent resource is named after the resource, as Microsoft's templates do."""
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def ip_rule_problem(value: str) -> str | None:
    """Why Azure would refuse `value` as an IP rule, or None (a rule wider than /8 is for the policy to judge)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{short(value)} is not an IPv4 address or CIDR range (e.g. 203.0.113.0/24)"
    if network.version != 4:
        return f"{short(value)} is IPv6; Azure's IP rules take public IPv4 addresses and ranges only"
    if network.prefixlen >= 8 and any(network.overlaps(blocked) for blocked in NOT_PUBLIC_IPV4):
        return (
            f"{short(value)} is a private or reserved range; Azure's IP rules take public addresses only "
            "(reach private networks through a privateEndpoint)"
        )
    return None


def _tags(tags: dict[str, str]) -> dict[str, str]:
    """Azure's limits on one tag (the count is checked where tags merge)."""
    for name, value in tags.items():
        if not name.strip() or len(name) > MAX_TAG_NAME or set(name) & TAG_NAME_FORBIDDEN:
            raise custom_error(
                "bad_tag_name",
                f"tag name {short(name)} is not one Azure takes: 1-{MAX_TAG_NAME} characters, none of < > % & \\ ? /",
                at=(name,),
            )
        if len(value) > MAX_TAG_VALUE:
            raise custom_error(
                "bad_tag_value",
                f"the value of tag {short(name)} has {len(value)} characters; Azure takes at most {MAX_TAG_VALUE}",
                at=(name,),
            )
    if len(tags) > MAX_TAGS:
        raise custom_error("too_many_tags", f"{len(tags)} tags; Azure takes at most {MAX_TAGS} per resource")
    return tags


def _region(value: str) -> str:
    regions = sorted(load_catalog().regions)
    if value not in regions:
        raise custom_error(
            "unknown_region",
            f"unknown region {short(value)}"
            + (suggest(value, regions) or "; use an Azure region name such as swedencentral"),
        )
    return value


class PrivateDnsConfig(_Model):
    """The three Foundry private DNS zones, created once in the stack's resource group and linked to VNets."""

    vnet_ids: list[VnetId] = Field(alias="vnetIds", min_length=1, description="VNets to link the zones to.")

    @field_validator("vnet_ids")
    @classmethod
    def _distinct_vnets(cls, value: list[str]) -> list[str]:
        # ARM ids compare case-insensitively; the link is named after the VNet, so names must differ too
        seen: dict[str, int] = {}
        for index, vnet_id in enumerate(value):
            for key in (vnet_id.lower().rstrip("/"), "name:" + vnet_id.rstrip("/").rsplit("/", 1)[-1].lower()):
                if key in seen:
                    what = "the same VNet" if not key.startswith("name:") else "a VNet of the same name"
                    raise custom_error(
                        "duplicate_vnet",
                        f"{what} as entry {seen[key]} (ARM ids ignore case); list it once",
                        index=index,
                    )
                seen[key] = index
        return value


class BudgetThreshold(_Model):
    """When a budget notification fires: a percentage of the budget, of actual or forecast cost."""

    percent: float = Field(gt=0, le=1000, allow_inf_nan=False, description="Percent of the budget (0-1000].")
    type: Literal["Actual", "Forecasted"] = Field(default="Actual", description="Actual or forecast cost.")


def _default_thresholds() -> list[BudgetThreshold]:
    return [BudgetThreshold(percent=80, type="Actual"), BudgetThreshold(percent=100, type="Forecasted")]


class BudgetAlerts(_Model):
    """Who the monthly budget (foundry-iac:monthlyBudgetUsd) notifies, and when."""

    contact_emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]] = Field(
        default_factory=list, alias="contactEmails", max_length=50, description="Addresses to notify (at most 50)."
    )
    action_group_id: str | None = Field(
        default=None,
        alias="actionGroupId",
        pattern=ACTION_GROUP_ID_PATTERN,
        description="ARM id of an existing action group to notify.",
    )
    thresholds: list[BudgetThreshold] = Field(
        default_factory=_default_thresholds,
        min_length=1,
        max_length=MAX_BUDGET_NOTIFICATIONS,
        description="Default: 80% of actual cost and 100% of forecast cost.",
    )
    start_date: dt.date | None = Field(
        default=None,
        alias="startDate",
        description="First month of the budget (a first day of a month); default: the current month.",
    )

    @field_validator("start_date")
    @classmethod
    def _first_of_month(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value.day != 1:
            raise custom_error("not_first_of_month", f"a budget starts on the first day of a month, not {value}")
        return value

    @model_validator(mode="after")
    def _distinct_thresholds(self) -> BudgetAlerts:
        seen = [(t.percent, t.type) for t in self.thresholds]
        if len(set(seen)) != len(seen):
            raise custom_error("duplicate_threshold", "list each threshold (percent and type) once", at=("thresholds",))
        return self

    @property
    def has_contacts(self) -> bool:
        """True when a notification reaches someone."""
        return bool(self.contact_emails or self.action_group_id)


# Metric alert windows foundry-iac offers, each evaluated every METRIC_FREQUENCY[window]: Azure wants the
# evaluation frequency at most the window (learn.microsoft.com/azure/azure-monitor/alerts/
# alerts-metric-create-templates, read 2026-11).
METRIC_FREQUENCY = {"PT5M": "PT1M", "PT15M": "PT5M", "PT30M": "PT5M", "PT1H": "PT5M"}
MetricWindow = Literal["PT5M", "PT15M", "PT30M", "PT1H"]


class _MetricRule(_Model):
    enabled: bool = Field(default=True, description="false: do not deploy this alert.")
    window: MetricWindow = Field(default="PT15M", description="Window the threshold is judged over (ISO 8601).")
    severity: int = Field(default=2, ge=0, le=4, description="Alert severity, 0 (critical) to 4 (verbose).")


class ThrottlingAlert(_MetricRule):
    """Requests answered 429 (AzureOpenAIRequests, StatusCode 429), more than `threshold` in the window."""

    threshold: int = Field(default=10, ge=0, le=1_000_000, description="Throttled requests per window.")


class PtuUtilizationAlert(_MetricRule):
    """Provisioned-managed utilization (average %) above `threshold`, for accounts with provisioned deployments."""

    threshold: float = Field(
        default=90, gt=0, le=100, allow_inf_nan=False, description="Average utilization in percent (0-100]."
    )


class ServerErrorAlert(_MetricRule):
    """Requests answered 5xx (AzureOpenAIRequests, StatusCode 500/502/503/504), more than `threshold` in the window."""

    threshold: int = Field(default=5, ge=0, le=1_000_000, description="Server errors per window.")


class AlertsConfig(_Model):
    """Metric alerts deployed on every account with deployments, and who they notify."""

    emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]] = Field(
        default_factory=list,
        max_length=50,
        description="Addresses of an action group the stack creates (at most 50).",
    )
    action_group_id: str | None = Field(
        default=None,
        alias="actionGroupId",
        pattern=ACTION_GROUP_ID_PATTERN,
        description="ARM id of an existing action group to notify instead.",
    )
    throttling: ThrottlingAlert = Field(default_factory=ThrottlingAlert)
    ptu_utilization: PtuUtilizationAlert = Field(default_factory=PtuUtilizationAlert, alias="ptuUtilization")
    server_errors: ServerErrorAlert = Field(default_factory=ServerErrorAlert, alias="serverErrors")

    @model_validator(mode="after")
    def _one_action_group(self) -> AlertsConfig:
        if bool(self.emails) == bool(self.action_group_id):
            raise custom_error(
                "alerts_action_group",
                "alerts notify one action group: list `emails` (the stack creates it) or give `actionGroupId` "
                "(an existing one), not both and not neither",
            )
        return self


class StackConfig(_Model):
    """The whole `foundry-iac:` config of one stack (plus `azure-native:subscriptionId` and `:location`)."""

    subscription_id: str = Field(
        alias="subscriptionId", pattern=UUID_PATTERN, description="Azure subscription id (azure-native:subscriptionId)."
    )
    location: str = Field(
        description="Default Azure region (azure-native:location).", json_schema_extra=_catalog_enum("regions")
    )
    environment: Literal["production", "nonproduction"] = Field(
        description="production: accounts are protected, private by default."
    )
    residency: str = Field(
        default="none",
        description="Where inference may be processed: none, EU, US, or one region name.",
        json_schema_extra={"enum": ["none", "EU", "US", *_catalog_enum("regions")["enum"]]},
    )
    resource_group: str | None = Field(default=None, alias="resourceGroup", pattern=RG_NAME_PATTERN)
    tags: dict[str, str] = Field(default_factory=dict)
    monthly_budget_usd: float | None = Field(
        default=None,
        alias="monthlyBudgetUsd",
        gt=0,
        le=1e9,
        allow_inf_nan=False,
        description="The stack's monthly budget in USD, checked by cost-budget; the policy config's maxBudgetUsd "
        "caps it.",
    )

    budget_alerts: BudgetAlerts | None = Field(
        default=None,
        alias="budgetAlerts",
        description="Who the budget notifies and when; required in production when monthlyBudgetUsd is set.",
    )

    alerts: AlertsConfig | None = Field(
        default=None,
        description="Metric alerts (throttling, PTU utilization, server errors) on each account with deployments.",
    )

    _stack_tags = field_validator("tags")(lambda cls, value: _tags(value))
    private_dns: PrivateDnsConfig | None = Field(default=None, alias="privateDns")
    accounts: list[AccountConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _within_azure_limits(self) -> StackConfig:
        per_region: dict[str, int] = {}
        assignments = 0
        for index, account in enumerate(self.accounts):
            region = account.location or self.location
            per_region[region] = per_region.get(region, 0) + 1
            if per_region[region] > MAX_ACCOUNTS_PER_REGION:
                count = sum(1 for a in self.accounts if (a.location or self.location) == region)
                raise custom_error(
                    "too_many_accounts",
                    too_many(
                        count,
                        MAX_ACCOUNTS_PER_REGION,
                        "accounts",
                        f"in {region}",
                        FOUNDRY_LIMITS,
                        "use fewer accounts (each holds up to 32 deployments) or another region",
                    ),
                    at=("accounts", index),
                )
            for p_index, project in enumerate(account.projects):
                if assignments + len(project.members) > MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION:
                    total = sum(len(p.members) for a in self.accounts for p in a.projects)
                    first = MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - assignments
                    raise custom_error(
                        "too_many_role_assignments",
                        too_many(
                            total,
                            MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
                            "members (one role assignment each)",
                            "in this stack",
                            f"{RBAC_LIMITS}: role assignments per subscription",
                            "assign roles to Entra groups instead of to each person",
                        ),
                        at=("accounts", index, "projects", p_index, "members", first),
                    )
                assignments += len(project.members)
        return self

    @model_validator(mode="after")
    def _endpoints_have_zones(self) -> StackConfig:
        for index, account in enumerate(self.accounts):
            endpoint = account.private_endpoint
            if endpoint is not None and endpoint.dns_zone_ids is None and self.private_dns is None:
                raise custom_error(
                    "no_dns_zones",
                    "the private endpoint has no DNS zones: add dnsZoneIds (existing hub zones) or "
                    "foundry-iac:privateDns (create them)",
                    at=("accounts", index, "privateEndpoint"),
                )
        return self

    @model_validator(mode="after")
    def _agent_rules(self) -> StackConfig:
        for index, account in enumerate(self.accounts):
            at = ("accounts", index)
            injected = account.agent_network
            if injected is not None and account.public(self.production) and not injected.public_access_justification:
                raise custom_error(
                    "agent_subnet_public",
                    "the agents are injected into a subnet but the account keeps public network access: set "
                    "`network: {publicAccess: false}`, or give agentNetwork.publicAccessJustification",
                    at=(*at, "agentNetwork"),
                )
            endpoint = account.private_endpoint
            private = endpoint is not None and not account.public(self.production)
            zones = endpoint.dns_zone_ids if endpoint is not None else None
            if private and account.has_agents and zones is not None:
                missing = [zone for zone in AGENT_DNS_ZONES if zone not in zones]
                if missing:
                    raise custom_error(
                        "agent_dns_zones",
                        f"the agents' Cosmos DB, Storage and Search get private endpoints too: add "
                        f"{', '.join(missing)} to dnsZoneIds",
                        at=(*at, "privateEndpoint", "dnsZoneIds"),
                    )
            for p_index, project in enumerate(account.projects):
                cosmos = project.agents.cosmos_db if project.agents else None
                if cosmos is not None and f"/subscriptions/{self.subscription_id.lower()}/" not in cosmos.id.lower():
                    raise custom_error(
                        "agent_cosmos_subscription",
                        "the Cosmos DB account must be in the stack's subscription (azure-native:subscriptionId): "
                        "its data-plane role assignment is written through the stack's provider; move the "
                        "project to a stack of that subscription",
                        at=(*at, "projects", p_index, "agents", "cosmosDb", "id"),
                    )
        return self

    @model_validator(mode="after")
    def _budget_reaches_someone(self) -> StackConfig:
        if self.budget_alerts is not None and self.monthly_budget_usd is None:
            raise custom_error(
                "alerts_without_budget",
                "budgetAlerts without foundry-iac:monthlyBudgetUsd: set the budget, or remove budgetAlerts",
                at=("budgetAlerts",),
            )
        if self.production and self.monthly_budget_usd is not None:
            if self.budget_alerts is None or not self.budget_alerts.has_contacts:
                raise custom_error(
                    "budget_without_contacts",
                    "a production budget must notify someone: add foundry-iac:budgetAlerts with contactEmails "
                    "or actionGroupId",
                    at=("budgetAlerts",) if self.budget_alerts is not None else ("monthlyBudgetUsd",),
                )
        return self

    @model_validator(mode="after")
    def _tag_count(self) -> StackConfig:
        for index, account in enumerate(self.accounts):
            count = len({*self.tags, *account.tags}) + SYSTEM_TAG_COUNT
            if count > MAX_TAGS:
                raise custom_error(
                    "too_many_tags",
                    f"the account would carry {count} tags (the stack's, its own and foundry-iac's "
                    f"{SYSTEM_TAG_COUNT}); Azure takes at most {MAX_TAGS}: drop some",
                    at=("accounts", index, "tags"),
                )
        return self

    @model_validator(mode="after")
    def _within_foundry_iac_budget(self) -> StackConfig:
        # Last of the checks: it counts what the program registers, so the config must be whole first.
        beyond = first_beyond_budget(self)
        if beyond is not None:
            count, at = beyond
            raise custom_error("too_many_resources", over_budget(count), at=at)
        return self

    @field_validator("location")
    @classmethod
    def _known_location(cls, value: str) -> str:
        return _region(value)

    @field_validator("residency")
    @classmethod
    def _boundary(cls, value: str) -> str:
        if value in ("none", "EU", "US"):
            return value
        regions = sorted(load_catalog().regions)
        if value in regions:
            return value
        raise custom_error(
            "bad_residency",
            f"must be none, EU, US or a region name (got {short(value)})"
            + suggest(value, ["none", "EU", "US", *regions]),
        )

    @field_validator("accounts")
    @classmethod
    def _unique_accounts(cls, value: list[AccountConfig]) -> list[AccountConfig]:
        return _unique(value, "name", "account")

    @property
    def production(self) -> bool:
        """True for production stacks."""
        return self.environment == "production"
