"""Agent egress and API maturity: egress-restricted (agents reach only approved outbound) and preview-api
(advisory: which resources are deployed through a preview REST API version)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from components import resource_types as types
from components.api_versions import is_preview, sdk_api_version
from components.text import listing

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
# A service tag on the allow list: Tag or Tag.Region (compared case-insensitively; `Tag` also approves Tag.Region).
TAG_PATTERN = r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$"
# A private endpoint target on the allow list: an ARM resource id (compared case-insensitively).
RESOURCE_ID_PATTERN = r"^/[^/\s]+/[0-9a-fA-F-]{36}/[^/\s]+/[^/\s]+/[^/\s]+/[A-Za-z]+\.[A-Za-z.]+/[A-Za-z]+/[^/\s]+$"


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


class FqdnAllowList:
    """An allow list indexed for `covers`: judging a host costs time in the host's length, not the list's.

    `covers(entry, host)` for some entry is: the host equals an entry, or the host (without a leading `*.`)
    ends with `.` and the domain of a wildcard entry `*.domain`. The exact names and the wildcards' domains
    are kept in sets, and a host is looked up once as a whole and once after each of its dots: the same
    answer as trying every entry (tests/policies/test_egress_units.py compares both on generated names).
    """

    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = [str(entry) for entry in entries]
        normalized = {entry.strip().lower() for entry in self.entries}
        self.exact = normalized
        self.domains = {entry[2:] for entry in normalized if entry.startswith("*.")}
        self.shown = listing(self.entries)  # what a finding names: a few entries and how many more

    def covers(self, host: str) -> bool:
        """True when some entry of the list covers `host` (see `covers`)."""
        host = host.strip().lower()
        if host in self.exact:
            return True
        if not self.domains:
            return False
        target = host[2:] if host.startswith("*.") else host
        return any(char == "." and target[index + 1 :] in self.domains for index, char in enumerate(target))


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


def tag_covers(allowed: str, tag: str) -> bool:
    """True when the allow-list entry `allowed` approves the rule's service tag: the same tag, or the regional
    form of it (an entry Storage approves Storage.WestEurope; an entry Storage.WestEurope approves only itself)."""
    allowed, tag = allowed.strip().lower(), tag.strip().lower()
    return tag == allowed or ("." not in allowed and tag.split(".")[0] == allowed)


@dataclass(frozen=True)
class Approved:
    """What the policy config and the stack approve as outbound destinations for one account's agents."""

    fqdns: FqdnAllowList
    tags: list[str]
    # lower-case ARM ids: the resources the account's project connections name (agents' own and tools'), and the
    # policy config's allowedPrivateEndpoints
    endpoints: set[str]


def _fqdn_finding(rule: Resource, label: str, host: str, approved: Approved) -> Finding | None:
    if approved.fqdns.covers(host):
        return None
    wider = " (a wildcard wider than the allow list)" if host.startswith("*.") else ""
    return Finding(
        f"{label}: FQDN {host} is not on the egress allow list{wider}; name the host(s) the agents need, or add "
        f"it to egress-restricted's allowedFqdns in the policy config (allowed: {approved.fqdns.shown})",
        rule,
    )


def _tag_finding(rule: Resource, label: str, destination: Mapping[str, Any], approved: Approved) -> Finding | None:
    tag = str(destination.get("serviceTag") or "")
    if destination.get("action", "Allow") != "Allow":
        return None
    why = OPEN_TAGS.get(tag.split(".")[0].lower())
    if why:
        return Finding(
            f"{label}: service tag {tag} allows {why}; name the Azure service the agents need (e.g. AzureMonitor)",
            rule,
        )
    if any(tag_covers(entry, tag) for entry in approved.tags):
        return None
    return Finding(
        f"{label}: service tag {tag} reaches every address of that Azure service, other tenants' resources included "
        "(a path out for data); reach your own resource through a privateEndpoint rule, or add the tag to "
        f"egress-restricted's allowedServiceTags in the policy config (allowed: {', '.join(approved.tags) or 'none'})",
        rule,
    )


def _endpoint_finding(rule: Resource, label: str, destination: Mapping[str, Any], approved: Approved) -> Finding | None:
    target = str(destination.get("serviceResourceId") or "")
    if target.lower() in approved.endpoints:
        return None
    return Finding(
        f"{label}: private endpoint to {target} ({destination.get('subresourceTarget')}), a resource no project "
        "connection or agents block of this account names; reach only the resources the agents use, or add its id "
        "to egress-restricted's allowedPrivateEndpoints in the policy config",
        rule,
    )


def _rule_finding(rule: Resource, approved: Approved) -> Finding | None:
    """Why one outbound rule allows more than the policy config and the stack approve, or None."""
    props = _properties(rule)
    label = f"{rule.props.get('accountName')}/{rule.props.get('ruleName')}"
    destination = props.get("destination")
    if props.get("type") == "FQDN":
        return _fqdn_finding(rule, label, str(destination or ""), approved)
    if props.get("type") == "ServiceTag":
        return _tag_finding(rule, label, destination or {}, approved)
    if props.get("type") == "PrivateEndpoint":
        return _endpoint_finding(rule, label, destination or {}, approved)
    return None


def _approved(resources: list[Resource], account: str, config: Mapping[str, Any], fqdns: FqdnAllowList) -> Approved:
    """The policy config's allow lists, and the ARM ids the account's project connections name (an agents block's
    resources among them): the destinations one account's agents may reach."""
    endpoints = {str(entry).lower() for entry in config.get("allowedPrivateEndpoints") or []}
    for resource in resources:
        if resource.type == types.CONNECTION and _account_of(resource) == account:
            resource_id = (_properties(resource).get("metadata") or {}).get("ResourceId")
            if resource_id:
                endpoints.add(str(resource_id).lower())
    return Approved(
        fqdns,
        [str(entry) for entry in config.get("allowedServiceTags") or []],
        endpoints,
    )


def check_egress(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each account with agents reaches only approved outbound: a managed network that allows only approved
    outbound, whose FQDN rules and service tags are all on the policy config's allow lists and whose private
    endpoints reach only resources the account's connections name or the config allows.

    Every project with `agents` gets a ProjectCapabilityHost (components/agents), so the hosts find every account
    whose projects declare agents."""
    with_agents = {_account_of(r) for r in resources if r.type in AGENT_HOSTS}
    settings = {_account_of(r): r for r in resources if r.type == MANAGED_NETWORK}
    fqdns = FqdnAllowList(config.get("allowedFqdns") or [])  # indexed once: a policy config may list thousands
    for account in (r for r in resources if r.type == ACCOUNT and _account_of(r) in with_agents):
        name = _account_of(account)
        found = _network_finding(account, settings.get(name))
        if found is not None:
            yield found
        approved = _approved(resources, name, config, fqdns)
        rules = (r for r in resources if r.type == OUTBOUND_RULE and _account_of(r) == name)
        yield from (f for f in (_rule_finding(rule, approved) for rule in rules) if f is not None)


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
    "AllowOnlyApprovedOutbound, every FQDN rule on the allow list (no wildcard wider than it), every service tag "
    "rule on the allowed tags (never Internet or AzureCloud), every private endpoint rule to a resource the "
    "account's connections name or the config allows; meant for production.",
    remediation="Set `managedNetwork: {isolation: AllowOnlyApprovedOutbound, outbound: [...]}` on the account and list "
    "only the hosts and resources the agents need; approve the rest in the policy config's allowedFqdns, "
    "allowedServiceTags or allowedPrivateEndpoints.",
    severity=Severity.HIGH,
    properties={
        "allowedServiceTags": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": TAG_PATTERN,
                "description": "a service tag, or Tag.Region (e.g. AzureMonitor, Storage.SwedenCentral)",
            },
            "description": "Service tags agents may reach through ServiceTag outbound rules (a tag approves its "
            "regional forms too). Each reaches every address of an Azure service, other tenants' included; "
            "Internet and AzureCloud fail even when listed.",
        },
        "allowedPrivateEndpoints": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": RESOURCE_ID_PATTERN,
                "description": "an ARM resource id "
                "(/subscriptions/<id>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>)",
            },
            "description": "ARM ids (any case) of resources agents may reach through PrivateEndpoint outbound rules "
            "besides those the account's project connections and agents blocks name.",
        },
        "allowedFqdns": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": FQDN_PATTERN,
                "description": "a host name in lower case, or *. and one (e.g. api.github.com, *.contoso.example)",
            },
            "description": "Hosts (or *.domain) agents may reach through FQDN outbound rules, in lower case.",
        },
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
