"""egress-restricted and preview-api as pure checks on resources (the gate runs them end to end elsewhere)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.api_versions import is_preview, sdk_api_version
from policies.egress import FqdnAllowList, check_egress, check_preview_api, covers, tag_covers
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


# names from a small alphabet, so that generated entries and hosts often share labels, dots and wildcards
LABEL = st.sampled_from(["a", "b", "ab", "A", "", "*", " a"])
NAME = st.builds(
    lambda labels, wild: ("*." if wild else "") + ".".join(labels), st.lists(LABEL, max_size=4), st.booleans()
)


@given(st.lists(NAME, max_size=6), NAME)
def test_the_indexed_allow_list_covers_exactly_the_hosts_some_entry_covers(entries, host_name):
    assert FqdnAllowList(entries).covers(host_name) is any(covers(entry, host_name) for entry in entries)


def test_an_fqdn_finding_names_a_few_allowed_entries_and_how_many_more():
    allowed = [f"h{i}.contoso.example" for i in range(30_000)]
    (found,) = check_egress(approved(rule("pypi", "FQDN", "pypi.org")), {"allowedFqdns": allowed})
    assert "(allowed: h0.contoso.example, h1.contoso.example, h2.contoso.example, h3.contoso.example, " in found.message
    assert found.message.endswith("h4.contoso.example and 29995 more)")


def test_rules_are_judged_against_a_long_allow_list_in_linear_time(monkeypatch):
    # each rule is looked up in the index, never compared with every entry
    calls = []
    monkeypatch.setattr("policies.egress.covers", lambda *args: calls.append(args) or True)
    allowed = [f"*.zone{i}.example" for i in range(5_000)] + [f"h{i}.contoso.example" for i in range(500)]
    rules = [rule(f"r{i}", "FQDN", f"h{i}.contoso.example") for i in range(500)]
    assert list(check_egress(approved(*rules), {"allowedFqdns": allowed})) == []
    assert calls == []


OWN = "/subscriptions/9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34/resourceGroups/rg/providers/"
COSMOS = OWN + "Microsoft.DocumentDB/databaseAccounts/c"
ATTACKER = (
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/x/providers/"
    "Microsoft.Storage/storageAccounts/stattacker"
)


def connection(resource_id: str, name: str = "fdy") -> Resource:
    props = {"accountName": name, "properties": {"metadata": {"ApiType": "Azure", "ResourceId": resource_id}}}
    return Resource("azure-native:cognitiveservices:ProjectConnection", f"{name}-conn", "urn:conn", props)


def endpoint(name: str, resource_id: str, group: str = "blob", account_name: str = "fdy") -> Resource:
    return rule(name, "PrivateEndpoint", {"serviceResourceId": resource_id, "subresourceTarget": group}, account_name)


def test_an_approved_only_network_with_listed_fqdns_tags_and_connected_private_endpoints_passes():
    resources = approved(
        connection(COSMOS),
        rule("orders", "FQDN", "orders.api.contoso.example"),
        endpoint("threads", COSMOS.upper(), "Sql"),
        rule("monitor", "ServiceTag", {"serviceTag": "AzureMonitor", "action": "Allow"}),
    )
    config = {"allowedFqdns": ["orders.api.contoso.example"], "allowedServiceTags": ["AzureMonitor"]}
    assert list(check_egress(resources, config)) == []


@pytest.mark.parametrize(
    "allowed,tag,expected",
    [
        ("Storage", "Storage", True),
        ("storage", "Storage.WestEurope", True),
        ("Storage.WestEurope", "Storage.WestEurope", True),
        ("Storage.WestEurope", "Storage", False),
        ("Storage.WestEurope", "Storage.NorthEurope", False),
        ("Storage", "StorageSyncService", False),
        ("AzureMonitor", "Storage", False),
    ],
)
def test_an_allowed_service_tag_covers_itself_and_its_regions_only(allowed, tag, expected):
    assert tag_covers(allowed, tag) is expected


def test_a_service_tag_off_the_allowed_list_fails_at_its_rule_and_passes_once_listed():
    storage = rule("x", "ServiceTag", {"serviceTag": "Storage", "protocol": "TCP", "portRanges": "443"})
    (found,) = list(check_egress(approved(storage), {}))
    assert found.resource is storage and not found.advisory
    assert found.message.startswith("fdy/x: service tag Storage reaches every address of that Azure service, other")
    assert "allowedServiceTags in the policy config (allowed: none)" in found.message
    assert list(check_egress(approved(storage), {"allowedServiceTags": ["Storage"]})) == []
    (regional,) = list(check_egress(approved(storage), {"allowedServiceTags": ["Storage.SwedenCentral"]}))
    assert "(allowed: Storage.SwedenCentral)" in regional.message


def test_an_open_service_tag_fails_even_when_listed():
    internet = rule("web", "ServiceTag", {"serviceTag": "Internet"})
    (found,) = list(check_egress(approved(internet), {"allowedServiceTags": ["Internet", "AzureCloud"]}))
    assert found.resource is internet and "any internet address" in found.message


def test_a_private_endpoint_to_a_resource_no_connection_names_fails_at_its_rule_until_allowed():
    attacker = endpoint("exfil", ATTACKER)
    resources = [*approved(connection(COSMOS), attacker)]
    (found,) = list(check_egress(resources, {}))
    assert found.resource is attacker and not found.advisory
    assert found.message.startswith(f"fdy/exfil: private endpoint to {ATTACKER} (blob), a resource no project")
    assert "allowedPrivateEndpoints" in found.message
    assert list(check_egress(resources, {"allowedPrivateEndpoints": [ATTACKER.lower()]})) == []


def test_a_connection_of_another_account_approves_no_private_endpoint():
    target = endpoint("threads", COSMOS, "Sql")
    (found,) = list(check_egress([*approved(target), connection(COSMOS, name="other")], {}))
    assert found.resource is target


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
    found = list(check_egress(approved(internet, cloud, deny), {"allowedServiceTags": ["AzureCloud"]}))
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
