"""The config of a Foundry account (Cognitive Services account of kind AIServices) and what lives in it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, ValidationInfo, field_validator, model_validator

from ..agents.model import AgentNetworkConfig, agent_connection_name
from ..catalog import is_provisioned
from ..config.fields import (
    ACCOUNT_NAME_PATTERN,
    IDENTITY_ID,
    UUID_PATTERN,
    VAULT_ID,
    ConfigModel,
    catalog_enum,
    checked_tags,
    custom_error,
    known_region,
    suggest,
    unique_names,
)
from ..config.limits import FOUNDRY_LIMITS, MAX_DEPLOYMENTS_PER_ACCOUNT, MAX_PROJECTS_PER_ACCOUNT, too_many
from ..content_safety.filter_settings import BUILTIN_FILTERS
from ..content_safety.model import ContentFilterConfig
from ..deployments.model import DeploymentConfig
from ..dns_zones import AGENT_PRIVATE_LINKS
from ..managed_network.model import ManagedNetworkConfig
from ..monitoring.model import DiagnosticsConfig
from ..network.model import NetworkConfig, PrivateEndpointConfig
from ..projects.model import ProjectConfig
from ..text import short


class KeyIdentity(ConfigModel):
    """The user-assigned identity that reads the customer-managed key."""

    resource_id: str = Field(alias="resourceId", pattern=IDENTITY_ID)
    client_id: str = Field(alias="clientId", pattern=UUID_PATTERN)
    principal_id: str = Field(alias="principalId", pattern=UUID_PATTERN)


class EncryptionConfig(ConfigModel):
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


class AccountConfig(ConfigModel):
    """A Foundry resource (Cognitive Services account of kind AIServices) and what lives in it."""

    name: str = Field(pattern=ACCOUNT_NAME_PATTERN, description="Account name (2-64 letters, digits, '-').")
    location: str | None = Field(
        default=None,
        description="Azure region; defaults to the stack's location.",
        json_schema_extra=catalog_enum("regions"),
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

    _account_tags = field_validator("tags")(lambda cls, value: checked_tags(value))
    private_endpoint: PrivateEndpointConfig | None = Field(default=None, alias="privateEndpoint")
    agent_network: AgentNetworkConfig | None = Field(
        default=None,
        alias="agentNetwork",
        description="Inject the agent runtime into this subnet (networkInjections, scenario agent).",
    )
    managed_network: ManagedNetworkConfig | None = Field(
        default=None,
        alias="managedNetwork",
        description="Agent egress through a Microsoft-managed VNet, limited to its outbound rules (instead of "
        "agentNetwork).",
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
    def _within_azure_limit(
        cls, value: list[DeploymentConfig] | list[ProjectConfig], info: ValidationInfo
    ) -> list[DeploymentConfig] | list[ProjectConfig]:
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
        unique_names(value, "name", "content filter")
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

    @model_validator(mode="after")
    def _one_agent_egress(self) -> AccountConfig:
        # Learn's networking options: agent egress is either a VNet you bring or one Microsoft manages; Microsoft's
        # template 18: no upgrade path from a custom VNet to a managed one (the account is redeployed)
        if self.managed_network is not None and self.agent_network is not None:
            raise custom_error(
                "two_agent_networks",
                "an account's agents leave through either its own subnet (agentNetwork) or a managed network, not "
                "both; remove one (moving an existing account from agentNetwork to a managed network redeploys it)",
                at=("managedNetwork",),
            )
        return self

    @model_validator(mode="after")
    def _agent_resources_reachable(self) -> AccountConfig:
        # under AllowOnlyApprovedOutbound agents reach their thread storage, files and vector stores only
        # through a PrivateEndpoint rule (Microsoft's template 18 creates them; nothing else does)
        network = self.managed_network
        if network is None or network.allows_internet:
            return self
        reached = {
            (r.private_endpoint.resource_id.lower(), r.private_endpoint.group_id)
            for r in network.outbound
            if r.private_endpoint is not None
        }
        for project in self.projects:
            for key, resource in (project.agents.resources() if project.agents else {}).items():
                group = AGENT_PRIVATE_LINKS[key][0]
                if (resource.id.lower(), group) not in reached:
                    raise custom_error(
                        "agent_resource_unreached",
                        f"the managed network allows only approved outbound, and no PrivateEndpoint rule reaches "
                        f"{short(resource.id.rsplit('/', 1)[-1])} (group {group}) that project "
                        f"{project.name!r}'s agents use; add {{name: ..., privateEndpoint: {{resourceId: "
                        f"{resource.id}, groupId: {group}}}}} to managedNetwork.outbound",
                        at=("managedNetwork", "outbound"),
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
        return unique_names(value, "name", "project")

    @field_validator("deployments")
    @classmethod
    def _unique_deployments(cls, value: list[DeploymentConfig]) -> list[DeploymentConfig]:
        return unique_names(value, "deployment_name", "deployment")

    @field_validator("location")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return None if value is None else known_region(value)
