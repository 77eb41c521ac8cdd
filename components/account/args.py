"""Typed inputs of an account and everything under it, built from the validated stack config by pure
functions; each feature's part comes from that feature's builder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..agents.args import agent_endpoint_args
from ..config.loaded import LoadedConfig, SourceLocation
from ..content_safety.args import ContentFilterArgs, content_filter_args
from ..deployments.args import ModelDeploymentArgs, deployment_args
from ..managed_network.args import ManagedNetworkArgs, managed_network_args
from ..monitoring.diagnostics_args import DiagnosticsArgs, diagnostics_args
from ..naming import account_id, custom_subdomain, role_assignment_name
from ..network.args import PrivateEndpointArgs, private_endpoint_args
from ..projects.args import FoundryProjectArgs, project_args
from ..resource_group import resource_group_name, stack_tags
from ..roles import KEY_VAULT_CRYPTO_USER, role_definition_id


@dataclass(frozen=True)
class EncryptionArgs:
    """A customer-managed key read by a user-assigned identity."""

    key_vault_id: str
    key_vault_uri: str
    key_name: str
    key_version: str | None
    identity_client_id: str
    identity_principal_id: str
    grant_key_access: bool
    key_access_role_id: str
    key_access_assignment_name: str
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
    network_acls: dict[str, Any] | None
    identity_type: str
    restore: bool
    protect: bool
    tags: dict[str, str]
    source: SourceLocation
    account_id: str = ""
    user_assigned_identities: tuple[str, ...] = ()
    private_endpoint: PrivateEndpointArgs | None = None
    agent_subnet_id: str | None = None
    managed_network: ManagedNetworkArgs | None = None
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
        private_endpoint=private_endpoint_args(loaded, index, scope_base),
        agent_subnet_id=acct.agent_network.subnet_id if acct.agent_network else None,
        managed_network=managed_network_args(loaded, index, rg),
        agent_endpoints=agent_endpoint_args(loaded, index),
        encryption=_encryption(loaded, index),
        diagnostics=diagnostics_args(loaded, index, scope_base),
        lock=acct.lock if acct.lock is not None else cfg.production,
        projects=tuple(project_args(loaded, index, p_index, scope_base, tags) for p_index in range(len(acct.projects))),
        content_filters=tuple(
            content_filter_args(loaded, index, f_index) for f_index in range(len(acct.content_filters))
        ),
        deployments=tuple(deployment_args(loaded, index, d_index) for d_index in range(len(acct.deployments))),
    )


def _network(public: bool, default_action: str | None, ip_rules: list[str], bypass: str) -> dict[str, Any] | None:
    """networkAcls: Deny whenever access is private or restricted to IP rules."""
    action = default_action or ("Deny" if (ip_rules or not public) else "Allow")
    acls: dict[str, Any] = {"defaultAction": action, "bypass": bypass}
    if ip_rules:
        acls["ipRules"] = [{"value": rule} for rule in ip_rules]
    return acls


def _identity_type(identity: str, cmk: bool) -> str:
    """A customer-managed key needs the user-assigned identity beside the system-assigned one."""
    if not cmk:
        return identity
    return "SystemAssigned, UserAssigned" if identity == "SystemAssigned" else "UserAssigned"


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
        identity_client_id=enc.identity.client_id,
        identity_principal_id=enc.identity.principal_id,
        grant_key_access=enc.grant_key_access,
        key_access_role_id=role_id,
        key_access_assignment_name=role_assignment_name(enc.key_vault_id, role_id, enc.identity.principal_id),
        source=loaded.location("accounts", index, "encryption"),
    )
