"""Account security: local-auth-disabled, public-network-access, managed-identity, required-tags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from .common import ACCOUNT
from .framework import Finding, PolicySpec, Resource, resource_policy


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


def check_public_access(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """Public network access is off, or the network ACL denies by default."""
    props = _props(resource)
    acls = props.get("networkAcls") or {}
    if props.get("publicNetworkAccess") != "Disabled" and acls.get("defaultAction") != "Deny":
        yield Finding(
            f"{resource.name}: reachable from any network (publicNetworkAccess "
            f"{props.get('publicNetworkAccess')!r}, default action {acls.get('defaultAction')!r}); set "
            "`network: {publicAccess: false}` (reached through a `privateEndpoint`) or list `ipRules`",
            resource,
        )


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
    remediation="Remove `localAuth: true`; grant members Azure AI roles instead of sharing keys.",
    severity=Severity.HIGH,
)
PUBLIC = PolicySpec(
    id="public-network-access",
    description="Foundry accounts are not open to every network: publicNetworkAccess Disabled, or network ACL "
    "default action Deny.",
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
public_network_access = resource_policy(PUBLIC, check_public_access, (ACCOUNT,))
managed_identity = resource_policy(IDENTITY, check_identity, (ACCOUNT,))
required_tags = resource_policy(TAGS, check_tags, (ACCOUNT,))
