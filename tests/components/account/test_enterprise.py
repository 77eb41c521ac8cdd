"""Private endpoints, DNS zones, customer-managed keys, diagnostics, locks and connections."""

from __future__ import annotations

import json

import pytest

from components.stack import ConfigError, load_stack_file
from foundry_iac.cli.main import main
from tests.conftest import ENTERPRISE_STACK, NET, ROOT, SUB_ID, TAGGED_NO_ENDPOINT, TAGGED_STACK

ZONES = ["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com", "privatelink.services.ai.azure.com"]
# prod-eu's agents keep their data in its own Cosmos DB, Storage and Search: their zones are created too
AGENT_ZONES = ["privatelink.blob.core.windows.net", "privatelink.documents.azure.com", "privatelink.search.windows.net"]
ACCOUNT = "azure-native:cognitiveservices:Account"
UNDER_ACCOUNT_WRITES = {
    "azure-native:cognitiveservices:ManagedNetworkSetting",
    "azure-native:cognitiveservices:OutboundRule",
    "azure-native:network:PrivateEndpoint",
    "azure-native:network:PrivateDnsZoneGroup",
    "azure-native:cognitiveservices:Project",
    "azure-native:cognitiveservices:ProjectConnection",
    "azure-native:cognitiveservices:RaiBlocklist",
    "azure-native:cognitiveservices:RaiBlocklistItem",
    "azure-native:cognitiveservices:RaiPolicy",
    "azure-native:cognitiveservices:Deployment",
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:authorization:ManagementLockByScope",
}


def by_type(resources: list[dict], kind: str) -> list[dict]:
    return [r for r in resources if r["type"] == f"azure-native:{kind}"]


@pytest.fixture(scope="module")
def prod_eu() -> list[dict]:
    from foundry_iac.engine.pool import build_report
    from foundry_iac.engine.report_model import as_data
    from foundry_iac.engine.stacks import resolve_stack

    return as_data(build_report([resolve_stack("prod-eu", ROOT)], ROOT))["stacks"][0]["resources"]


def test_private_endpoint_targets_the_account_with_group_account(prod_eu):
    endpoints = by_type(prod_eu, "network:PrivateEndpoint")
    (endpoint,) = [e for e in endpoints if e["props"]["privateLinkServiceConnections"][0]["groupIds"] == ["account"]]
    (conn,) = endpoint["props"]["privateLinkServiceConnections"]
    assert conn["groupIds"] == ["account"]
    assert conn["privateLinkServiceId"].endswith("/providers/Microsoft.CognitiveServices/accounts/fdy-prod-eu-core")
    assert endpoint["props"]["subnet"]["id"].endswith(
        "/virtualNetworks/vnet-spoke-ai-prod-eu/subnets/snet-private-endpoints"
    )
    assert endpoint["props"]["location"] == "swedencentral"


def test_the_three_zones_are_created_global_and_linked(prod_eu):
    zones = by_type(prod_eu, "privatedns:PrivateZone")
    assert sorted(z["props"]["privateZoneName"] for z in zones) == sorted(ZONES + AGENT_ZONES)
    assert all(z["props"]["location"] == "global" for z in zones)
    links = by_type(prod_eu, "privatedns:VirtualNetworkLink")
    assert len(links) == 6 and all(link["props"]["registrationEnabled"] is False for link in links)
    group = next(g for g in by_type(prod_eu, "network:PrivateDnsZoneGroup") if "agents" not in g["name"])
    configs = group["props"]["privateDnsZoneConfigs"]
    assert sorted(c["privateDnsZoneId"].rsplit("/", 1)[-1] for c in configs) == ZONES


def test_customer_managed_key_and_identity(prod_eu):
    (account,) = by_type(prod_eu, "cognitiveservices:Account")
    encryption = account["props"]["properties"]["encryption"]
    assert encryption["keySource"] == "Microsoft.KeyVault"
    assert encryption["keyVaultProperties"] == {
        "keyName": "foundry-cmk",
        "keyVaultUri": "https://kv-fdy-prod-eu.vault.azure.net/",
        "identityClientId": "4f6a8c2e-1b3d-4e5f-9a7b-0c2d4e6f8a1b",
    }
    identity = account["props"]["identity"]
    assert identity["type"] == "SystemAssigned, UserAssigned"
    assert list(identity["userAssignedIdentities"])[0].endswith("/userAssignedIdentities/id-fdy-prod-eu-cmk")


def test_key_access_is_granted_before_the_account_writes_its_encryption(prod_eu):
    (account,) = by_type(prod_eu, "cognitiveservices:Account")
    (grant,) = [r for r in by_type(prod_eu, "authorization:RoleAssignment") if r["name"].endswith("key-access")]
    assert grant["urn"] in account["dependencies"]
    assert grant["props"]["roleDefinitionId"].endswith("/e147488a-f6f5-4113-8e2d-b22465e65bf6")
    assert grant["props"]["scope"].endswith("/Microsoft.KeyVault/vaults/kv-fdy-prod-eu")


def test_diagnostics_lock_and_connections(prod_eu):
    (setting,) = by_type(prod_eu, "monitor:DiagnosticSetting")
    assert setting["props"]["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
    assert setting["props"]["metrics"] == [{"category": "AllMetrics", "enabled": True}]
    assert setting["props"]["workspaceId"].endswith("/workspaces/law-soc-prod-eu")
    assert setting["props"]["resourceUri"].endswith("/accounts/fdy-prod-eu-core")
    (lock,) = by_type(prod_eu, "authorization:ManagementLockByScope")
    assert lock["props"]["level"] == "CanNotDelete" and lock["props"]["scope"].endswith("/accounts/fdy-prod-eu-core")
    connections = by_type(prod_eu, "cognitiveservices:ProjectConnection")
    assert {c["props"]["properties"]["category"] for c in connections} == {
        "CognitiveSearch",
        "AzureBlob",
        "CosmosDb",
        "AzureStorageAccount",
    }
    assert all(c["props"]["properties"]["authType"] == "AAD" for c in connections)


def test_no_two_writes_under_the_account_can_run_at_once(prod_eu):
    """The writes under the account form one chain: each depends on the one before it."""
    (account,) = by_type(prod_eu, "cognitiveservices:Account")
    chain = [
        r for r in prod_eu if r["type"] in UNDER_ACCOUNT_WRITES or r["name"].startswith("fdy-prod-eu-core-agents-")
    ]
    # managed network + 4 outbound rules, endpoint, zone group, 3 projects, 2 connections, blocklist + 2 items,
    # filter, 3 deployments, then the agents: 3 endpoints + zone groups, 3 connections, 4 roles, the wait, the project
    # host, 2 grants; diagnostics, lock
    assert len(chain) == 38
    previous = account["urn"]
    for resource in chain:
        assert previous in resource["dependencies"], (resource["name"], previous)
        previous = resource["urn"]
    assert chain[0]["type"].endswith("ManagedNetworkSetting") and chain[-1]["type"].endswith("ManagementLockByScope")


def test_removing_the_private_endpoint_fails_the_gate(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = (ROOT / "stacks/Pulumi.prod-eu.yaml").read_text()
    start = text.index("      privateEndpoint:\n")
    end = text.index("      encryption:\n")
    copy = tmp_path / "Pulumi.prod-eu-public.yaml"
    copy.write_text(text[:start] + text[end:])
    code = main(["check", str(copy), "--policy-config", "policies/config/prod-eu.json", "--format", "json"])
    violations = json.loads(capsys.readouterr().out)["stacks"][0]["violations"]
    assert code == 1
    found = [v for v in violations if v["policy"] == "private-endpoint-required"]
    (account,) = [v for v in found if v["source"]["line"] == text[:start].count("\n") - 2]
    assert account["enforcement"] == "mandatory"
    # and the agents' Cosmos DB, Storage and Search, each at its line in the agents block
    assert sorted(v["message"].split("'")[1] for v in found if v is not account) == ["Sql", "blob", "searchService"]


def test_hub_and_spoke_references_existing_zones_instead_of_creating_them(write_stack, run_stack):
    hub = f"/subscriptions/{SUB_ID}/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones"
    zones = "\n".join(f"          {z}: {hub}/{z}" for z in ZONES)
    text = TAGGED_NO_ENDPOINT.replace(
        "    - name: fdy-test\n",
        f"    - name: fdy-test\n      privateEndpoint:\n"
        f"        subnetId: {NET}/subnets/snet-pe\n        dnsZoneIds:\n{zones}\n",
    )
    run = run_stack(write_stack(text))
    assert run.by_type("azure-native:privatedns:PrivateZone") == []
    (group,) = run.by_type("azure-native:network:PrivateDnsZoneGroup")
    assert {c["privateDnsZoneId"] for c in group.props["privateDnsZoneConfigs"]} == {f"{hub}/{z}" for z in ZONES}


def test_a_named_workspace_is_created_once_and_used(write_stack, run_stack):
    run = run_stack(write_stack(ENTERPRISE_STACK))
    (workspace,) = run.by_type("azure-native:operationalinsights:Workspace")
    assert workspace.props["workspaceName"] == "law-test" and workspace.props["retentionInDays"] == 90
    (setting,) = run.by_type("azure-native:monitor:DiagnosticSetting")
    assert setting.props["workspaceId"].endswith(
        "/resourceGroups/rg-foundry-test/providers/Microsoft.OperationalInsights/workspaces/law-test"
    )
    assert workspace.urn in setting.dependencies


@pytest.mark.parametrize(
    "environment,lock,expected",
    [("production", None, 1), ("nonproduction", None, 0), ("production", "false", 0), ("nonproduction", "true", 1)],
)
def test_locks_default_to_production(write_stack, run_stack, environment, lock, expected):
    text = TAGGED_STACK.replace("environment: production", f"environment: {environment}")
    if lock is not None:
        text = text.replace("    - name: fdy-test\n", f"    - name: fdy-test\n      lock: {lock}\n")
    run = run_stack(write_stack(text))
    assert len(run.by_type("azure-native:authorization:ManagementLockByScope")) == expected


def issues(write_stack, text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_stack_file(write_stack(text), "Pulumi.test.yaml")
    return [str(i) for i in err.value.issues]


@pytest.mark.parametrize(
    "old,new,expected",
    [
        (
            f"  foundry-iac:privateDns:\n    vnetIds: [{NET}]\n",
            "",
            "accounts[0].privateEndpoint: the private endpoint has no DNS zones: add dnsZoneIds",
        ),
        (
            "        workspace: law-test\n",
            f"        workspace: law-test\n        workspaceId: /subscriptions/{SUB_ID}/"
            "resourceGroups/x/providers/Microsoft.OperationalInsights/workspaces/y\n",
            "accounts[0].diagnostics: give exactly one of workspaceId (existing) or workspace (create)",
        ),
        (
            "        subnetId: ",
            "        subnetId: /not/a/subnet\n        oldSubnet: ",
            "accounts[0].privateEndpoint.subnetId",
        ),
        (
            "        keyVaultUri: https://kv-test.vault.azure.net/\n",
            "",
            "accounts[0].encryption.keyVaultUri: required key 'keyVaultUri' is missing",
        ),
    ],
)
def test_enterprise_config_mistakes_are_named(write_stack, old, new, expected):
    assert old in ENTERPRISE_STACK
    text = ENTERPRISE_STACK.replace(old, new, 1)
    found = issues(write_stack, text)
    assert any(expected in line for line in found), found


def test_connection_resource_must_match_its_kind(write_stack):
    storage = f"/subscriptions/{SUB_ID}/resourceGroups/d/providers/Microsoft.Storage/storageAccounts/stdata"
    text = TAGGED_STACK.replace(
        "              role: Azure AI User\n",
        "              role: Azure AI User\n"
        "          connections:\n            - name: kb\n              kind: AzureAISearch\n"
        f"              resourceId: {storage}\n"
        "              target: https://srch.search.windows.net\n",
    )
    found = issues(write_stack, text)
    assert any("connections[0].resourceId: resourceId must be a Microsoft.Search/searchServices id" in f for f in found)
