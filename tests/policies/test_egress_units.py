"""egress-restricted and preview-api as pure checks on resources (the gate runs them end to end elsewhere)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.api_versions import is_preview, sdk_api_version
from policies.egress import check_egress, check_preview_api, covers
from policies.framework import Resource

MANAGED = [{"scenario": "agent", "useMicrosoftManagedNetwork": True}]
SUBNET = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"


def account(injections: list | None = None, name: str = "fdy") -> Resource:
    props: dict = {"accountName": name, "resourceGroupName": "rg", "properties": {}}
    if injections is not None:
        props["properties"]["networkInjections"] = injections
    return Resource("azure-native:cognitiveservices:Account", f"{name}-account", f"urn:{name}", props)


def host(name: str = "fdy") -> Resource:
    return Resource("azure-native:cognitiveservices:ProjectCapabilityHost", "host", "urn:host", {"accountName": name})


def setting(isolation: str, name: str = "fdy") -> Resource:
    props = {"accountName": name, "properties": {"managedNetwork": {"isolationMode": isolation}}}
    return Resource("azure-native:cognitiveservices:ManagedNetworkSetting", f"{name}-mn", "urn:mn", props)


def rule(name: str, kind: str, destination: object, account_name: str = "fdy") -> Resource:
    props = {"accountName": account_name, "ruleName": name, "properties": {"type": kind, "destination": destination}}
    return Resource(
        "azure-native:cognitiveservices:OutboundRule", f"{account_name}-outbound-{name}", f"urn:{name}", props
    )


def approved(*rules: Resource) -> list[Resource]:
    return [account(MANAGED), host(), setting("AllowOnlyApprovedOutbound"), *rules]


@pytest.mark.parametrize(
    "allowed,host_name,expected",
    [
        ("api.github.com", "api.github.com", True),
        ("API.GitHub.com", "api.github.com", True),
        ("api.github.com", "uploads.github.com", False),
        ("*.github.com", "api.github.com", True),
        ("*.github.com", "a.b.github.com", True),
        ("*.github.com", "github.com", False),
        ("*.github.com", "*.github.com", True),
        ("*.github.com", "*.api.github.com", True),
        ("api.github.com", "*.github.com", False),
        ("*.api.github.com", "*.github.com", False),
        ("*.hub.com", "api.github.com", False),
    ],
)
def test_an_allow_list_entry_covers_a_host_or_a_narrower_wildcard_only(allowed, host_name, expected):
    assert covers(allowed, host_name) is expected


@given(st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z][a-z0-9]{0,10}){1,3}", fullmatch=True))
def test_a_wildcard_rule_is_never_covered_by_the_hosts_it_reaches(domain):
    # a list of hosts below a domain never approves every host below it
    assert not covers(f"api.{domain}", f"*.{domain}") and covers(f"*.{domain}", f"api.{domain}")


def test_an_approved_only_network_with_listed_fqdns_and_private_endpoints_passes():
    resources = approved(
        rule("orders", "FQDN", "orders.api.contoso.example"),
        rule("threads", "PrivateEndpoint", {"serviceResourceId": "/x", "subresourceTarget": "Sql"}),
        rule("monitor", "ServiceTag", {"serviceTag": "AzureMonitor", "action": "Allow"}),
    )
    assert list(check_egress(resources, {"allowedFqdns": ["orders.api.contoso.example"]})) == []


@pytest.mark.parametrize("isolation", ["AllowInternetOutbound", "Disabled"])
def test_a_managed_network_that_allows_internet_outbound_fails_at_the_account(isolation):
    resources = [account(MANAGED), host(), setting(isolation)]
    (found,) = list(check_egress(resources, {}))
    assert found.resource is resources[0] and found.related == (resources[2],) and not found.advisory
    assert found.message.startswith(f"fdy: its managed network's isolation '{isolation}' lets agents reach any")


def test_agents_without_any_network_fail_and_agents_in_their_own_subnet_are_advisory():
    (public,) = list(check_egress([account(), host()], {}))
    assert "reach any internet address (no managed network, no agent subnet)" in public.message
    assert not public.advisory
    injected = [{"scenario": "agent", "subnetArmId": SUBNET, "useMicrosoftManagedNetwork": False}]
    (own,) = list(check_egress([account(injected), host()], {}))
    assert own.advisory and "your VNet's routes and firewall" in own.message


def test_an_account_without_agents_is_not_judged():
    assert list(check_egress([account(), setting("AllowInternetOutbound")], {})) == []


def test_an_fqdn_off_the_list_fails_at_its_rule_and_a_wider_wildcard_says_so():
    off = rule("pypi", "FQDN", "pypi.org")
    wide = rule("contoso", "FQDN", "*.contoso.example")
    resources = approved(off, wide)
    found = list(check_egress(resources, {"allowedFqdns": ["orders.api.contoso.example"]}))
    assert [f.resource for f in found] == [off, wide]
    assert found[0].message.startswith("fdy/pypi: FQDN pypi.org is not on the egress allow list; name the host")
    assert "(a wildcard wider than the allow list)" in found[1].message
    assert "allowed: orders.api.contoso.example" in found[1].message


def test_service_tags_to_the_open_internet_fail_and_deny_rules_do_not():
    internet = rule("web", "ServiceTag", {"serviceTag": "Internet", "action": "Allow"})
    cloud = rule("cloud", "ServiceTag", {"serviceTag": "AzureCloud.WestEurope"})
    deny = rule("deny", "ServiceTag", {"serviceTag": "Internet", "action": "Deny"})
    found = list(check_egress(approved(internet, cloud, deny), {}))
    assert [f.resource for f in found] == [internet, cloud]
    assert "any internet address" in found[0].message and "other tenants'" in found[1].message


def test_rules_of_another_account_are_judged_with_that_account():
    other = rule("pypi", "FQDN", "pypi.org", account_name="other")
    assert list(check_egress(approved(other), {})) == []


def test_preview_api_names_each_resource_deployed_through_a_preview_version():
    resources = [
        account(),
        setting("AllowOnlyApprovedOutbound"),
        rule("orders", "FQDN", "orders.api.contoso.example"),
        Resource("time:index/sleep:Sleep", "wait", "urn:wait", {}),
    ]
    found = list(check_preview_api(resources, {}))
    assert [f.resource for f in found] == resources[1:3]
    assert found[0].message == (
        f"fdy-mn: deployed through the preview API {sdk_api_version(resources[1].type)} (ManagedNetworkSetting); "
        "preview APIs can change or be retired without the notice GA versions get: review before rollout"
    )


def test_the_sdk_versions_the_policy_reads_are_the_ones_the_sdk_documents():
    assert sdk_api_version("azure-native:cognitiveservices:ManagedNetworkSetting") == "2026-01-15-preview"
    assert sdk_api_version("azure-native:cognitiveservices:OutboundRule") == "2025-10-01-preview"
    assert not is_preview(sdk_api_version("azure-native:cognitiveservices:Account"))
