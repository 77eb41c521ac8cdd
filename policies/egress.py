"""Agent egress and API maturity: egress-restricted (agents reach only approved outbound) and preview-api
(advisory: which resources are deployed through a preview REST API version)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from components import resource_types as types
from components.api_versions import is_preview, sdk_api_version

from .agents import injected_into_subnet
from .common import ACCOUNT
from .framework import Finding, PolicySpec, Resource, stack_policy

MANAGED_NETWORK = types.MANAGED_NETWORK
OUTBOUND_RULE = types.OUTBOUND_RULE
AGENT_HOSTS = (types.PROJECT_CAPABILITY_HOST, types.ACCOUNT_CAPABILITY_HOST)
APPROVED_ONLY = "AllowOnlyApprovedOutbound"
# Service tags that stand for addresses anyone can run a server at: the internet, and every public Azure address.
OPEN_TAGS = {"internet": "any internet address", "azurecloud": "every public Azure address, other tenants' included"}
# An FQDN on the allow list: a host, or `*.` and a domain (lower case; checked by the policy config's schema).
FQDN_PATTERN = r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"


def _account_of(resource: Resource) -> str:
    return str(resource.props.get("accountName") or "").lower()


def _properties(resource: Resource) -> Mapping[str, Any]:
    return resource.props.get("properties") or {}


def covers(allowed: str, host: str) -> bool:
    """True when the allow-list entry `allowed` permits everything the rule destination `host` reaches.

    A wildcard `*.d` is read as every host below d, at any depth (the widest reading; Azure's documentation read
    for docs/reference/managed-network.md does not say): a rule `*.d` is covered only by `*.d` itself or a
    wildcard of a domain above d, never by a list of hosts.
    """
    allowed, host = allowed.strip().lower(), host.strip().lower()
    if allowed == host:
        return True
    if not allowed.startswith("*."):
        return False
    domain = allowed[2:]
    target = host[2:] if host.startswith("*.") else host
    return target.endswith("." + domain)


def _network_finding(account: Resource, setting: Resource | None) -> Finding | None:
    """Why the account's agents may reach the internet, or None."""
    name = account.props.get("accountName")
    if setting is None:
        if injected_into_subnet(account):
            return Finding(
                f"{name}: its agents leave through your own subnet (agentNetwork); what they reach is decided by your "
                "VNet's routes and firewall, which this check cannot see. Confirm the firewall allows only approved "
                "outbound, or use `managedNetwork: {isolation: AllowOnlyApprovedOutbound}`",
                account,
                advisory=True,
            )
        return Finding(
            f"{name}: its agents reach any internet address (no managed network, no agent subnet); add "
            "`managedNetwork: {isolation: AllowOnlyApprovedOutbound, outbound: [...]}`",
            account,
        )
    mode = (_properties(setting).get("managedNetwork") or {}).get("isolationMode")
    if mode != APPROVED_ONLY:
        return Finding(
            f"{name}: its managed network's isolation {mode!r} lets agents reach any internet address; set "
            f"`managedNetwork: {{isolation: {APPROVED_ONLY}}}` and list the outbound they need",
            account,
            related=(setting,),
        )
    return None


def _rule_finding(rule: Resource, allowed: list[str]) -> Finding | None:
    """Why one outbound rule allows more than the policy config approves, or None."""
    props = _properties(rule)
    label = f"{rule.props.get('accountName')}/{rule.props.get('ruleName')}"
    if props.get("type") == "FQDN":
        host = str(props.get("destination") or "")
        if any(covers(entry, host) for entry in allowed):
            return None
        wider = " (a wildcard wider than the allow list)" if host.startswith("*.") else ""
        return Finding(
            f"{label}: FQDN {host} is not on the egress allow list{wider}; name the host(s) the agents need, or add "
            f"it to egress-restricted's allowedFqdns in the policy config (allowed: {', '.join(allowed) or 'none'})",
            rule,
        )
    if props.get("type") == "ServiceTag":
        destination = props.get("destination") or {}
        tag = str(destination.get("serviceTag") or "")
        why = OPEN_TAGS.get(tag.split(".")[0].lower())
        if why and destination.get("action", "Allow") == "Allow":
            return Finding(
                f"{label}: service tag {tag} allows {why}; name the Azure service the agents need (e.g. AzureMonitor)",
                rule,
            )
    return None


def check_egress(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each account with agents reaches only approved outbound: a managed network that allows only approved
    outbound, whose FQDN rules are all on the allow list and whose service tags are no open internet."""
    allowed = [str(entry) for entry in config.get("allowedFqdns") or []]
    with_agents = {_account_of(r) for r in resources if r.type in AGENT_HOSTS}
    settings = {_account_of(r): r for r in resources if r.type == MANAGED_NETWORK}
    for account in (r for r in resources if r.type == ACCOUNT and _account_of(r) in with_agents):
        found = _network_finding(account, settings.get(_account_of(account)))
        if found is not None:
            yield found
        for rule in (r for r in resources if r.type == OUTBOUND_RULE and _account_of(r) == _account_of(account)):
            rule_found = _rule_finding(rule, allowed)
            if rule_found is not None:
                yield rule_found


def check_preview_api(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Names each resource the stack deploys through a preview REST API version of pulumi-azure-native."""
    for resource in resources:
        if not resource.type.startswith("azure-native:"):
            continue
        version = sdk_api_version(resource.type)
        if is_preview(version):
            yield Finding(
                f"{resource.name}: deployed through the preview API {version} ({resource.type.split(':')[-1]}); "
                "preview APIs can change or be retired without the notice GA versions get: review before rollout",
                resource,
            )


EGRESS = PolicySpec(
    id="egress-restricted",
    description="Accounts with agents reach only approved outbound: a managed network with isolation "
    "AllowOnlyApprovedOutbound, every FQDN rule on the allow list (no wildcard wider than it), no service tag "
    "rule to the open internet; meant for production.",
    remediation="Set `managedNetwork: {isolation: AllowOnlyApprovedOutbound, outbound: [...]}` on the account and list "
    "only the hosts the agents need; approve hosts in the policy config's allowedFqdns.",
    severity=Severity.HIGH,
    properties={
        "allowedFqdns": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": FQDN_PATTERN,
                "description": "a host name in lower case, or *. and one (e.g. api.github.com, *.contoso.example)",
            },
            "description": "Hosts (or *.domain) agents may reach through FQDN outbound rules, in lower case.",
        }
    },
)
PREVIEW_API = PolicySpec(
    id="preview-api",
    description="Names every resource the stack deploys through a preview REST API version (the version "
    "pulumi-azure-native uses for its type), so a reviewer sees it.",
    remediation="Review what the preview API deploys; nothing to change in the stack unless the preview is not "
    "acceptable for this environment.",
    severity=Severity.LOW,
    enforcement=EnforcementLevel.ADVISORY,
)

egress_restricted = stack_policy(EGRESS, check_egress)
preview_api = stack_policy(PREVIEW_API, check_preview_api)
