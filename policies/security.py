"""Account security: local-auth-disabled, public-network-access, managed-identity, required-tags."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from .agents import check_agent_public_access
from .common import ACCOUNT
from .framework import Finding, PolicySpec, Resource, resource_policy, stack_policy


def _props(resource: Resource) -> Mapping[str, Any]:
    return resource.props.get("properties") or {}


def check_local_auth(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """API keys are off: disableLocalAuth is true."""
    if _props(resource).get("disableLocalAuth") is not True:
        yield Finding(
            f"{resource.name}: API keys are enabled (disableLocalAuth is not true); remove "
            "`localAuth: true` and use Entra ID roles",
            resource,
        )


# An IP rule wider than /8 (over 16.7 million addresses), or rules that together cover half of IPv4,
# open the account to the internet as surely as defaultAction Allow does.
WIDEST_PREFIX = 8
INTERNET_SHARE = 2**31


def internet_wide_rules(rules: Iterable[str]) -> list[str]:
    """The IP rules that, alone or together, open an account to the internet."""
    networks = []
    for rule in rules:
        try:
            networks.append((rule, ipaddress.ip_network(str(rule), strict=False)))
        except ValueError:
            continue  # the stack config refuses these; a policy judges only what Azure would take
    wide = [rule for rule, net in networks if net.version != 4 or net.prefixlen < WIDEST_PREFIX]
    if wide:
        return wide
    covered = sum(net.num_addresses for _, net in networks if net.version == 4)
    return [rule for rule, _ in networks] if covered >= INTERNET_SHARE else []


def check_public_access(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """Public network access is off, or the network ACL denies by default and no rule opens it to the internet."""
    props = _props(resource)
    acls = props.get("networkAcls") or {}
    if props.get("publicNetworkAccess") == "Disabled":
        return
    if acls.get("defaultAction") != "Deny":
        yield Finding(
            f"{resource.name}: reachable from any network (publicNetworkAccess "
            f"{props.get('publicNetworkAccess')!r}, default action {acls.get('defaultAction')!r}); set "
            "`network: {publicAccess: false}` (reached through a `privateEndpoint`) or list `ipRules`",
            resource,
        )
        return
    wide = internet_wide_rules(rule.get("value", "") for rule in acls.get("ipRules") or [] if isinstance(rule, dict))
    if wide:
        yield Finding(
            f"{resource.name}: the IP rule(s) {', '.join(wide[:4])} open the account to the internet although the "
            f"default action is Deny; list only your own public ranges (/{WIDEST_PREFIX} or narrower), or set "
            "`network: {publicAccess: false}` and reach it through a `privateEndpoint`",
            resource,
        )


def check_public_network(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Every account passes check_public_access, and a private account's agents reach their resources privately."""
    for account in (r for r in resources if r.type == ACCOUNT):
        yield from check_public_access(account, config)
    yield from check_agent_public_access(resources, config)


def check_identity(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """The account has a managed identity (projects need one)."""
    kind = (resource.props.get("identity") or {}).get("type")
    if kind not in ("SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned", "SystemAssigned, UserAssigned"):
        yield Finding(
            f"{resource.name}: no managed identity (identity {kind!r}); set `identity: SystemAssigned`", resource
        )


def check_tags(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """The account carries every required tag with a non-empty value."""
    tags = resource.props.get("tags") or {}
    missing = [t for t in config.get("tags") or [] if not str(tags.get(t, "")).strip()]
    if missing:
        yield Finding(
            f"{resource.name}: missing required tag(s) {', '.join(missing)}; add them under "
            "`foundry-iac:tags` or the account's `tags`",
            resource,
        )


LOCAL_AUTH = PolicySpec(
    id="local-auth-disabled",
    description="Foundry accounts are keyless: disableLocalAuth is true.",
    remediation="Remove `localAuth: true`; grant members Foundry roles (e.g. Foundry User) instead of sharing keys.",
    severity=Severity.HIGH,
)
PUBLIC = PolicySpec(
    id="public-network-access",
    description="Foundry accounts are not open to every network: publicNetworkAccess Disabled, or network ACL "
    "default action Deny with no IP rule that opens the account to the internet (wider than /8); a private "
    "account's agents reach their Cosmos DB, Storage and AI Search through private endpoints.",
    remediation="Set `network: {publicAccess: false}`, or keep public access with `ipRules` (default action Deny).",
    severity=Severity.HIGH,
)
IDENTITY = PolicySpec(
    id="managed-identity",
    description="Foundry accounts have a managed identity.",
    remediation="Set `identity: SystemAssigned` on the account (project management needs it).",
    severity=Severity.MEDIUM,
)
TAGS = PolicySpec(
    id="required-tags",
    description="Foundry accounts carry the configured tags.",
    remediation="Add the missing tags to the stack's `foundry-iac:tags` (applied to every account) or the account.",
    severity=Severity.LOW,
    properties={"tags": {"type": "array", "items": {"type": "string"}}},
    required=["tags"],
)

local_auth_disabled = resource_policy(LOCAL_AUTH, check_local_auth, (ACCOUNT,))
public_network_access = stack_policy(PUBLIC, check_public_network)
managed_identity = resource_policy(IDENTITY, check_identity, (ACCOUNT,))
required_tags = resource_policy(TAGS, check_tags, (ACCOUNT,))
