"""Enterprise account posture: private-endpoint-required, diagnostics-enabled, cmk-required."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from components import resource_types as types

from .agents import check_agent_endpoints
from .common import ACCOUNT, account_suffix, endpoint_targets
from .framework import Finding, PolicySpec, Resource, resource_policy, stack_policy

PRIVATE_ENDPOINT = types.PRIVATE_ENDPOINT
DIAGNOSTIC_SETTING = types.DIAGNOSTIC_SETTING


def check_private_endpoint(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each account has a private endpoint of group `account` pointing at it, and so do a private account's
    agent resources (their own groups)."""
    endpoints = [r for r in resources if r.type == PRIVATE_ENDPOINT]
    for account in (r for r in resources if r.type == ACCOUNT):
        suffix = account_suffix(account)
        if not any(
            target.endswith(suffix) and "account" in groups
            for endpoint in endpoints
            for target, groups in endpoint_targets(endpoint)
        ):
            yield Finding(
                f"{account.name}: no private endpoint (group 'account') reaches this account; add "
                "`privateEndpoint: {subnetId: ...}` to it",
                account,
            )
    yield from check_agent_endpoints(resources, config)


def check_reachable(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Something can reach each account: public access with a way in, or a private endpoint to it."""
    endpoints = [r for r in resources if r.type == PRIVATE_ENDPOINT]
    for account in (r for r in resources if r.type == ACCOUNT):
        props = account.props.get("properties") or {}
        acls = props.get("networkAcls") or {}
        public_off = props.get("publicNetworkAccess") == "Disabled"
        closed = acls.get("defaultAction") == "Deny" and not acls.get("ipRules") and not acls.get("virtualNetworkRules")
        if not (public_off or closed):
            continue
        suffix = account_suffix(account)
        if any(target.endswith(suffix) for endpoint in endpoints for target, _ in endpoint_targets(endpoint)):
            continue
        why = "public network access is off" if public_off else "the network ACL denies every address and VNet"
        yield Finding(
            f"{account.name}: nothing can reach this account once deployed: {why} and no private endpoint "
            "reaches it; add `privateEndpoint: {subnetId: ...}`, or allow your networks with `ipRules`",
            account,
        )


def check_diagnostics(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each account sends its logs (and, when required, to a Log Analytics workspace) through a diagnostic setting."""
    settings = [r for r in resources if r.type == DIAGNOSTIC_SETTING]
    need_workspace = bool(config.get("requireWorkspace", True))
    for account in (r for r in resources if r.type == ACCOUNT):
        suffix = account_suffix(account)
        mine = [s for s in settings if str(s.props.get("resourceUri", "")).lower().endswith(suffix)]
        logging = [s for s in mine if any(log.get("enabled") for log in s.props.get("logs") or [])]
        if not logging:
            yield Finding(
                f"{account.name}: no diagnostic setting sends its logs anywhere; add "
                "`diagnostics: {workspaceId: ...}` (or `workspace: <name>` to create one)",
                account,
            )
        elif need_workspace and not any(s.props.get("workspaceId") for s in logging):
            yield Finding(f"{account.name}: its logs do not go to a Log Analytics workspace; set workspaceId", account)


def check_cmk(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """The account encrypts with a customer-managed key from Key Vault."""
    encryption = (resource.props.get("properties") or {}).get("encryption") or {}
    vault = encryption.get("keyVaultProperties") or {}
    if encryption.get("keySource") != "Microsoft.KeyVault" or not vault.get("keyName"):
        yield Finding(
            f"{resource.name}: encrypted with a Microsoft-managed key; add `encryption:` with a Key Vault "
            "key and a user-assigned identity",
            resource,
        )


REACHABLE = PolicySpec(
    id="account-reachable",
    description="Each Foundry account can be reached once deployed: an account with public access off (or an ACL "
    "that admits nothing) has a private endpoint to it.",
    remediation="Add `privateEndpoint: {subnetId: ...}` to the account, or keep public access with `ipRules` "
    "naming your networks.",
    severity=Severity.HIGH,
    enforcement=EnforcementLevel.MANDATORY,
)
PRIVATE = PolicySpec(
    id="private-endpoint-required",
    description="Each Foundry account is reached through a private endpoint (group `account`), and so are the agent "
    "resources (Cosmos DB, Storage, AI Search) of a private account; meant for production.",
    remediation="Add `privateEndpoint: {subnetId: ...}` to the account, with DNS zones from foundry-iac:privateDns "
    "or `dnsZoneIds` of existing hub zones.",
    severity=Severity.HIGH,
)
DIAGNOSTICS = PolicySpec(
    id="diagnostics-enabled",
    description="Each Foundry account sends its logs and metrics to Log Analytics through a diagnostic setting.",
    remediation="Add `diagnostics: {workspaceId: ...}` (existing workspace) or `diagnostics: {workspace: <name>}`.",
    severity=Severity.MEDIUM,
    properties={"requireWorkspace": {"type": "boolean"}},
)
CMK = PolicySpec(
    id="cmk-required",
    description="Each Foundry account encrypts data at rest with a customer-managed key (off unless configured).",
    remediation="Add `encryption:` (Key Vault id and URI, key name, user-assigned identity) to the account.",
    severity=Severity.MEDIUM,
    enforcement=EnforcementLevel.DISABLED,
)

account_reachable = stack_policy(REACHABLE, check_reachable)
private_endpoint_required = stack_policy(PRIVATE, check_private_endpoint)
diagnostics_enabled = stack_policy(DIAGNOSTICS, check_diagnostics)
cmk_required = resource_policy(CMK, check_cmk, (ACCOUNT,))
