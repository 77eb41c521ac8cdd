"""Typed inputs of the components, built from the validated stack config by pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import load_catalog
from .config.loader import LoadedConfig, SourceLocation
from .naming import account_id, custom_subdomain, role_assignment_name
from .roles import role_definition_id

MANAGED_BY_TAGS = {"managed-by": "foundry-iac"}


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
    projects: tuple[FoundryProjectArgs, ...] = field(default_factory=tuple)
    deployments: tuple[ModelDeploymentArgs, ...] = field(default_factory=tuple)

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


def resource_group_args(loaded: LoadedConfig) -> ResourceGroupArgs:
    """The stack's resource group: named by config, else rg-foundry-<stack>."""
    cfg = loaded.config
    name = cfg.resource_group or f"rg-foundry-{loaded.stack}"
    where = loaded.location("resourceGroup") if cfg.resource_group else loaded.location("location")
    return ResourceGroupArgs(name, cfg.location, _stack_tags(loaded), cfg.production, where)


def _stack_tags(loaded: LoadedConfig) -> dict[str, str]:
    return {**MANAGED_BY_TAGS, "foundry-iac-stack": loaded.stack, **loaded.config.tags}


def _network(public: bool, default_action: str | None, ip_rules: list[str], bypass: str) -> dict | None:
    """networkAcls: Deny whenever access is private or restricted to IP rules."""
    action = default_action or ("Deny" if (ip_rules or not public) else "Allow")
    acls: dict = {"defaultAction": action, "bypass": bypass}
    if ip_rules:
        acls["ipRules"] = [{"value": rule} for rule in ip_rules]
    return acls


def account_args(loaded: LoadedConfig, index: int) -> FoundryAccountArgs:
    """Everything needed to build account `index` of the stack, as plain values."""
    cfg = loaded.config
    acct = cfg.accounts[index]
    location = acct.location or cfg.location
    rg = resource_group_args(loaded).name
    public = acct.network.public_access if acct.network.public_access is not None else not cfg.production
    tags = {**_stack_tags(loaded), **acct.tags}
    scope_base = account_id(cfg.subscription_id, rg, acct.name)
    catalog = load_catalog()

    projects = []
    for p_index, proj in enumerate(acct.projects):
        scope = f"{scope_base}/projects/{proj.name}"
        members = []
        for m_index, member in enumerate(proj.members):
            role_id = role_definition_id(cfg.subscription_id, member.role)
            members.append(
                RoleAssignmentArgs(
                    name=role_assignment_name(scope, role_id, member.principal_id),
                    role_name=member.role,
                    role_definition_id=role_id,
                    principal_id=member.principal_id,
                    principal_type=member.principal_type,
                    scope=scope,
                    source=loaded.location("accounts", index, "projects", p_index, "members", m_index),
                )
            )
        projects.append(
            FoundryProjectArgs(
                project_name=proj.name,
                account_name=acct.name,
                resource_group_name=rg,
                location=location,
                display_name=proj.display_name or proj.name,
                description=proj.description,
                tags=tags,
                members=tuple(members),
                source=loaded.location("accounts", index, "projects", p_index),
            )
        )

    deployments = []
    for d_index, dep in enumerate(acct.deployments):
        deployments.append(
            ModelDeploymentArgs(
                deployment_name=dep.deployment_name,
                account_name=acct.name,
                resource_group_name=rg,
                sku_name=dep.type,
                capacity=dep.capacity,
                model_format=catalog.models[dep.model].format,
                model_name=dep.model,
                model_version=dep.version,
                rai_policy_name=dep.content_filter,
                version_upgrade_option=dep.version_upgrade,
                monthly_input_tokens=dep.monthly_tokens.input,
                monthly_output_tokens=dep.monthly_tokens.output,
                source=loaded.location("accounts", index, "deployments", d_index),
            )
        )

    return FoundryAccountArgs(
        account_name=acct.name,
        resource_group_name=rg,
        location=location,
        custom_subdomain=custom_subdomain(acct.name, loaded.stack, cfg.subscription_id),
        disable_local_auth=not acct.local_auth,
        public_network_access="Enabled" if public else "Disabled",
        network_acls=_network(public, acct.network.default_action, acct.network.ip_rules, acct.network.bypass),
        identity_type=acct.identity,
        restore=acct.restore,
        protect=cfg.production,
        tags=tags,
        source=loaded.location("accounts", index),
        projects=tuple(projects),
        deployments=tuple(deployments),
    )
