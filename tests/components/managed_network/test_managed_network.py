"""The managed network config: each rule validated at its line, and what the program registers for it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.managed_network.model import fqdn_problem, ports_problem, service_tag_problem
from components.stack import ConfigError, load_stack_file
from tests.conftest import MINIMAL_STACK, ROOT, managed_network_block

SUB = "11111111-2222-3333-4444-555555555555"
DATA = f"/subscriptions/{SUB}/resourceGroups/rg-data/providers"
SETTING = "azure-native:cognitiveservices:ManagedNetworkSetting"
RULE = "azure-native:cognitiveservices:OutboundRule"
ACCOUNT = "azure-native:cognitiveservices:Account"
PROJECT = "azure-native:cognitiveservices:Project"

NETWORK = managed_network_block(
    "Orders.API.contoso.example", "          - name: monitor\n            serviceTag: {tag: AzureMonitor}\n"
)
# the account line is 7; managedNetwork 8; the rules 12, 14, 16; projects 18
STACK = MINIMAL_STACK.replace("      projects:\n", NETWORK + "      projects:\n", 1)


def issues_of(write_stack, text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_stack_file(write_stack(text), "Pulumi.test.yaml")
    return [str(i) for i in err.value.issues]


def with_rule(rule: str) -> str:
    return STACK.replace("          - name: monitor\n            serviceTag: {tag: AzureMonitor}\n", rule, 1)


@pytest.mark.parametrize(
    "value",
    ["api.github.com", "*.blob.core.windows.net", "a-b.example", "xn--bcher-kva.example", "API.GitHub.com"],
)
def test_hosts_and_a_leading_wildcard_label_are_fqdns(value):
    assert fqdn_problem(value) is None


@pytest.mark.parametrize(
    "value,why",
    [
        ("https://api.github.com", "is a URL or has a port"),
        ("api.github.com:443", "is a URL or has a port"),
        ("api.github.com/v3", "is a URL or has a port"),
        ("api.*.github.com", "a wildcard is only a whole leading label"),
        ("*api.github.com", "a wildcard is only a whole leading label"),
        ("*", "a wildcard is only a whole leading label"),
        ("*.*.example", "a wildcard is only a whole leading label"),
        ("localhost", "is not a host name"),
        ("-bad.example", "is not a host name"),
        ("bad-.example", "is not a host name"),
        ("a..example", "is not a host name"),
        ("a_b.example", "is not a host name"),
        ("x" * 64 + ".example", "is not a host name"),
        (".".join(["abcdefghi"] * 26), "is not a host name"),
        ("10.0.0.1", "is an IP address"),
    ],
)
def test_what_is_not_an_fqdn_says_why(value, why):
    assert why in (fqdn_problem(value) or "")


@given(st.text(max_size=80))
def test_fqdn_check_never_raises_and_what_it_takes_is_a_dotted_host(value):
    if fqdn_problem(value) is None:
        host = value.strip().lower().removeprefix("*.")
        assert "." in host and "*" not in host and "/" not in host and ":" not in host


@pytest.mark.parametrize("ports", ["443", "80,443", "8000-8100", "*", "1-65535"])
def test_port_lists_azure_takes(ports):
    assert ports_problem(ports) is None


@pytest.mark.parametrize("ports", ["0", "65536", "443-80", "http", "80;443", ""])
def test_port_lists_azure_refuses(ports):
    assert ports_problem(ports)


@pytest.mark.parametrize("tag", ["AzureMonitor", "storage", "Storage.SwedenCentral", "AzureCloud.westeurope"])
def test_service_tags_and_their_regional_forms(tag):
    assert service_tag_problem(tag) is None


def test_an_unknown_service_tag_suggests_the_nearest():
    assert "did you mean 'AzureMonitor'?" in (service_tag_problem("AzureMonitr") or "")
    assert service_tag_problem("Storage.Atlantis")


def test_the_managed_network_config_loads_with_rules_in_order_and_hosts_in_lower_case(write_stack):
    network = load_stack_file(write_stack(STACK)).config.accounts[0].managed_network
    assert network is not None and network.isolation == "AllowOnlyApprovedOutbound"
    assert [(r.name, r.kind) for r in network.outbound] == [
        ("agents-files", "PrivateEndpoint"),
        ("orders-api", "FQDN"),
        ("monitor", "ServiceTag"),
    ]
    assert network.outbound[1].fqdn == "orders.api.contoso.example"


@pytest.mark.parametrize(
    "rule,expected",
    [
        (
            "          - name: bad\n            fqdn: https://evil.example/x\n",
            "Pulumi.test.yaml:17: accounts[0].managedNetwork.outbound[2].fqdn: 'https://evil.example/x' is a URL",
        ),
        (
            "          - name: x\n            fqdn: a.example\n",
            "Pulumi.test.yaml:16: accounts[0].managedNetwork.outbound[2].name: 'x' is not a valid value here; "
            "expected Rule name (3-33 letters, digits, '_', '-')",
        ),
        (
            "          - name: two\n            fqdn: a.example\n            serviceTag: {tag: Storage}\n",
            "Pulumi.test.yaml:16: accounts[0].managedNetwork.outbound[2]: outbound rule 'two' names fqdn and "
            "serviceTag; give exactly one of fqdn, privateEndpoint, serviceTag",
        ),
        (
            "          - name: ORDERS-api\n            fqdn: b.example\n",
            "Pulumi.test.yaml:16: accounts[0].managedNetwork.outbound[2].name: outbound rule name 'ORDERS-api' is used "
            "twice (also at index 1); rename one",
        ),
        (
            f"          - name: vault\n            privateEndpoint: {{resourceId: {DATA}/Microsoft.KeyVault/vaults/kv, "
            "groupId: blob}\n",
            "Pulumi.test.yaml:17: accounts[0].managedNetwork.outbound[2].privateEndpoint.groupId: 'blob' is not a "
            "private-link group of Microsoft.KeyVault/vaults; its groups: vault",
        ),
        (
            "          - name: vault\n            privateEndpoint: {resourceId: kv-prod, groupId: vault}\n",
            "Pulumi.test.yaml:17: accounts[0].managedNetwork.outbound[2].privateEndpoint.resourceId: 'kv-prod' is not "
            "an ARM resource id",
        ),
        (
            "          - name: web\n            serviceTag: {tag: Internett, ports: '443'}\n",
            "Pulumi.test.yaml:17: accounts[0].managedNetwork.outbound[2].serviceTag.tag: 'Internett' is not a service "
            "tag foundry-iac knows; did you mean 'Internet'?",
        ),
        (
            "          - name: web\n            serviceTag: {tag: Storage, ports: '443-80'}\n",
            "Pulumi.test.yaml:17: accounts[0].managedNetwork.outbound[2].serviceTag.ports: '443-80': ports run",
        ),
    ],
)
def test_each_bad_rule_is_refused_at_its_line_with_the_fix(write_stack, rule, expected):
    (issue,) = issues_of(write_stack, with_rule(rule))
    assert issue.startswith(expected), issue


def test_fqdn_rules_and_a_firewall_need_allow_only_approved_outbound(write_stack):
    text = STACK.replace("isolation: AllowOnlyApprovedOutbound", "isolation: AllowInternetOutbound")
    (issue,) = issues_of(write_stack, text)
    assert issue.startswith(
        "Pulumi.test.yaml:15: accounts[0].managedNetwork.outbound[1].fqdn: FQDN rule 'orders-api' has no effect "
        "under AllowInternetOutbound"
    )
    only_firewall = text.replace("          - name: orders-api\n            fqdn: Orders.API.contoso.example\n", "")
    (issue,) = issues_of(write_stack, only_firewall)
    assert issue.startswith("Pulumi.test.yaml:10: accounts[0].managedNetwork.firewallSku: firewallSku applies under")


def test_disabled_isolation_holds_no_rules(write_stack):
    text = STACK.replace("isolation: AllowOnlyApprovedOutbound", "isolation: Disabled")
    (issue,) = issues_of(write_stack, text)
    assert issue.startswith("Pulumi.test.yaml:8: accounts[0].managedNetwork: isolation Disabled has no managed network")


SUBNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"


def test_an_account_takes_its_own_subnet_or_a_managed_network_not_both(write_stack):
    text = STACK.replace(
        "      managedNetwork:\n", f"      agentNetwork: {{subnetId: {SUBNET}}}\n      managedNetwork:\n"
    )
    (issue,) = issues_of(write_stack, text)
    assert issue.startswith(
        "Pulumi.test.yaml:9: accounts[0].managedNetwork: an account's agents leave through either its own subnet "
        "(agentNetwork) or a managed network, not both"
    )


AGENTS = f"""\
          agents:
            cosmosDb: {{id: {DATA}/Microsoft.DocumentDB/databaseAccounts/cosmos-agents, location: swedencentral}}
            storage: {{id: {DATA}/Microsoft.Storage/storageAccounts/stagents, location: swedencentral}}
            search: {{id: {DATA}/Microsoft.Search/searchServices/srch-agents, location: swedencentral}}
"""


def test_agents_need_a_private_endpoint_rule_to_each_of_their_resources(write_stack):
    text = STACK.replace("              role: Azure AI User\n", "              role: Azure AI User\n" + AGENTS, 1)
    (issue,) = issues_of(write_stack, text)
    assert issue.startswith(
        "Pulumi.test.yaml:11: accounts[0].managedNetwork.outbound: the managed network allows only approved outbound, "
        "and no PrivateEndpoint rule reaches 'cosmos-agents' (group Sql) that project 'team-a''s agents use; add "
        f"{{name: ..., privateEndpoint: {{resourceId: {DATA}/Microsoft.DocumentDB/databaseAccounts/cosmos-agents, "
        "groupId: Sql}} to managedNetwork.outbound"
    )
    internet = (
        text.replace("isolation: AllowOnlyApprovedOutbound", "isolation: AllowInternetOutbound")
        .replace("        firewallSku: Standard\n", "")
        .replace("          - name: orders-api\n            fqdn: Orders.API.contoso.example\n", "")
    )
    assert load_stack_file(write_stack(internet)).config.accounts[0].managed_network is not None


def test_the_cli_refuses_a_bad_rule_with_one_line_and_exit_2(write_stack, capsys):
    from foundry_iac.cli.main import main

    path = write_stack(with_rule("          - name: bad\n            fqdn: api.*.example\n"))
    assert main(["check", str(path), "--policy-config", str(ROOT / "policies" / "config" / "dev.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ":17: accounts[0].managedNetwork.outbound[2].fqdn:" in err[0] and "Traceback" not in err[0]


@pytest.fixture
def network_run(write_stack, run_stack):
    return run_stack(write_stack(STACK))


def test_setting_and_rules_are_written_in_the_account_chain_before_the_project(network_run):
    account = network_run.by_type(ACCOUNT)[0]
    (setting,) = network_run.by_type(SETTING)
    rules = network_run.by_type(RULE)
    project = network_run.by_type(PROJECT)[0]
    assert setting.dependencies == [account.urn]
    assert [r.props["ruleName"] for r in rules] == ["agents-files", "orders-api", "monitor"]
    assert rules[0].dependencies == [setting.urn]
    assert rules[1].dependencies == [rules[0].urn] and rules[2].dependencies == [rules[1].urn]
    assert project.dependencies == [rules[2].urn]


def test_the_setting_is_default_v2_with_its_mode_and_firewall_and_retained_on_delete(network_run):
    (setting,) = network_run.by_type(SETTING)
    assert setting.props["managedNetworkName"] == "default" and setting.props["accountName"] == "fdy-test"
    assert setting.props["properties"] == {
        "managedNetwork": {
            "isolationMode": "AllowOnlyApprovedOutbound",
            "managedNetworkKind": "V2",
            "firewallSku": "Standard",
        }
    }
    assert setting.retain_on_delete and not setting.delete_before_replace
    assert setting.source is not None and setting.source.line == 8


def test_each_rule_has_its_arm_shape_its_line_and_is_replaced_deleting_first_on_a_type_change(network_run):
    rules = {r.props["ruleName"]: r for r in network_run.by_type(RULE)}
    assert rules["agents-files"].props["properties"] == {
        "type": "PrivateEndpoint",
        "category": "UserDefined",
        "destination": {
            "serviceResourceId": f"{DATA}/Microsoft.Storage/storageAccounts/stagents",
            "subresourceTarget": "blob",
        },
    }
    assert rules["orders-api"].props["properties"] == {
        "type": "FQDN",
        "category": "UserDefined",
        "destination": "orders.api.contoso.example",
    }
    assert rules["monitor"].props["properties"]["destination"] == {
        "serviceTag": "AzureMonitor",
        "protocol": "TCP",
        "portRanges": "443",
        "action": "Allow",
    }
    assert {name: r.source.line for name, r in rules.items() if r.source} == {
        "agents-files": 12,
        "orders-api": 14,
        "monitor": 16,
    }
    for rule in rules.values():
        assert rule.props["managedNetworkName"] == "default"
        assert rule.replace_on_changes == ["properties.type"] and rule.delete_before_replace
        assert not rule.retain_on_delete


def test_the_account_runs_its_agents_in_the_microsoft_managed_network(network_run):
    account = network_run.by_type(ACCOUNT)[0]
    assert account.props["properties"]["networkInjections"] == [
        {"scenario": "agent", "useMicrosoftManagedNetwork": True}
    ]


def test_without_a_managed_network_nothing_is_registered_and_no_injection_is_set(write_stack, run_stack):
    run = run_stack(write_stack(MINIMAL_STACK))
    assert run.by_type(SETTING) == [] and run.by_type(RULE) == []
    assert "networkInjections" not in run.by_type(ACCOUNT)[0].props["properties"]


def test_agents_in_a_managed_network_get_no_account_capability_host(write_stack, run_stack):
    rules = "".join(
        f"          - name: agents-{group.lower()}\n"
        f"            privateEndpoint: {{resourceId: {DATA}/{kind}, groupId: {group}}}\n"
        for kind, group in (
            ("Microsoft.DocumentDB/databaseAccounts/cosmos-agents", "Sql"),
            ("Microsoft.Search/searchServices/srch-agents", "searchService"),
        )
    )
    text = STACK.replace("        outbound:\n", "        outbound:\n" + rules, 1).replace(
        "              role: Azure AI User\n", "              role: Azure AI User\n" + AGENTS, 1
    )
    run = run_stack(write_stack(text))
    assert run.by_type("azure-native:cognitiveservices:ProjectCapabilityHost")
    assert run.by_type("azure-native:cognitiveservices:AccountCapabilityHost") == []


def test_the_firewall_is_said_to_be_billed_and_left_out_of_the_cost(network_run, write_stack, run_stack):
    from foundry_iac.engine.cost_report import not_included

    (line,) = not_included(network_run.resources)
    (setting,) = network_run.by_type(SETTING)
    assert line.startswith(f"{setting.name}: the Azure Firewall Standard of account fdy-test's managed network is ")
    assert line.endswith("the totals and the budget check leave it out")
    assert not_included(run_stack(write_stack(MINIMAL_STACK)).resources) == []
    basic = STACK.replace("firewallSku: Standard", "firewallSku: Basic")
    assert "the Azure Firewall Basic of account" in not_included(run_stack(write_stack(basic)).resources)[0]
    # an FQDN rule under AllowOnlyApprovedOutbound creates the firewall without a SKU written
    unnamed = STACK.replace("        firewallSku: Standard\n", "")
    (line,) = not_included(run_stack(write_stack(unnamed)).resources)
    assert "the Azure Firewall of account fdy-test's managed network is billed" in line
    no_fqdn = unnamed.replace("          - name: orders-api\n            fqdn: Orders.API.contoso.example\n", "")
    assert not_included(run_stack(write_stack(no_fqdn)).resources) == []
