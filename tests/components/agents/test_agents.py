"""Agent Service standard setup: the chain Azure needs under the account, network injection, Azure's own models
reading what is deployed, the agent policies through real stacks, and mistakes refused at their line."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
from azure.mgmt.authorization import models as authorization_models
from azure.mgmt.cognitiveservices import models
from azure.mgmt.cosmosdb import models as cosmos_models
from pulumi_azure_native.cognitiveservices import _inputs as sdk_inputs

from foundry_iac.cli.main import main
from foundry_iac.engine.arm_export import arm_template
from foundry_iac.engine.gate import check_stack
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.stacks import resolve_stack
from tests.azure_contract import contract_errors
from tests.conftest import AGENT_STACK, AGENTS_BLOCK, PROD_EU_INJECTED, ROOT

PROD_EU = PROD_EU_INJECTED  # the injected variant: these tests are about agent network injection
CONNECTION = "azure-native:cognitiveservices:ProjectConnection"
ROLE = "azure-native:authorization:RoleAssignment"
SLEEP = "time:index/sleep:Sleep"
ACCOUNT_HOST = "azure-native:cognitiveservices:AccountCapabilityHost"
PROJECT_HOST = "azure-native:cognitiveservices:ProjectCapabilityHost"
COSMOS_ROLE = "azure-native:cosmosdb:SqlResourceSqlRoleAssignment"
ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ENDPOINT = "azure-native:network:PrivateEndpoint"
AGENT_ROLE_IDS = {
    "230815da-be43-4aae-9cb4-875f7bd000aa",  # Cosmos DB Operator
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",  # Storage Blob Data Contributor
    "8ebe5a00-799e-43f5-93ac-243d3dce84a7",  # Search Index Data Contributor
    "7ca78c08-252a-4471-8644-bb5ff32d4ba0",  # Search Service Contributor
}


def plan(capsys, monkeypatch, target: str, policy: str = "policies/config/prod-eu.json") -> tuple[int, dict, str]:
    monkeypatch.chdir(ROOT)
    code = main(["plan", target, "--policy-config", policy, "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out)["stacks"][0] if out else {}), err


def write(tmp_path: Path, text: str, name: str = "prod-eu") -> str:
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text)
    return str(path)


@pytest.fixture(scope="module")
def prod_eu(tmp_path_factory) -> dict:
    """prod-eu with its agents injected into its own subnet (PROD_EU), gated with prod-eu's policy config."""
    path = tmp_path_factory.mktemp("injected") / "Pulumi.prod-eu.yaml"
    path.write_text(PROD_EU)
    return as_data(check_stack(resolve_stack(str(path), ROOT), ROOT))


def test_prod_eu_writes_connections_then_roles_then_the_host_then_the_grants_in_one_chain(prod_eu):
    resources = prod_eu["resources"]
    by_urn = {r["urn"]: r for r in resources}
    chain = [r for r in resources if r["name"].startswith("fdy-prod-eu-core-agents-support-agents-")]
    kinds = [r["type"] for r in chain]
    assert kinds == [CONNECTION] * 3 + [ROLE] * 4 + [SLEEP, PROJECT_HOST, ROLE, COSMOS_ROLE]
    # one chain: each waits for the write before it, and the first for the agents' private endpoints
    for before, after in zip(chain, chain[1:], strict=False):
        assert before["urn"] in after["dependencies"], (after["name"], before["name"])
    first_deps = [by_urn[u]["type"] for u in chain[0]["dependencies"]]
    assert "azure-native:network:PrivateDnsZoneGroup" in first_deps
    # the connections: the three kinds, Entra ID auth, the resources' ids and regions
    connections = {c["props"]["properties"]["category"]: c["props"]["properties"] for c in chain[:3]}
    assert set(connections) == {"CosmosDb", "AzureStorageAccount", "CognitiveSearch"}
    assert all(c["authType"] == "AAD" and c["metadata"]["location"] == "swedencentral" for c in connections.values())
    assert connections["CosmosDb"]["target"] == "https://cosmos-agents-prod-eu.documents.azure.com:443/"
    assert connections["AzureStorageAccount"]["target"] == "https://stagentsprodeu.blob.core.windows.net/"
    assert connections["CognitiveSearch"]["target"] == "https://srch-agents-prod-eu.search.windows.net"
    # the project's identity gets the four roles; its principal is known once the project exists
    roles = chain[3:7]
    assert {r["props"]["roleDefinitionId"].rsplit("/", 1)[-1] for r in roles} == AGENT_ROLE_IDS
    project = next(
        r for r in resources if r["type"].endswith(":Project") and r["props"]["projectName"] == "support-agents"
    )
    assert all(project["urn"] in r["dependencies"] and r["props"]["principalId"] == "[computed]" for r in roles)
    assert all(r["props"]["principalType"] == "ServicePrincipal" for r in roles)
    # the wait is re-created (and so waited again) whenever a role assignment changes
    wait = chain[7]
    assert wait["props"]["createDuration"] == "60s"
    assert sorted(wait["props"]["triggers"].values()) == sorted(r["props"]["roleAssignmentName"] for r in roles)
    host = chain[8]["props"]
    assert host["projectCapabilityHostProperties"] == {
        "threadStorageConnections": ["cosmos-agents-prod-eu"],
        "storageConnections": ["stagentsprodeu"],
        "vectorStoreConnections": ["srch-agents-prod-eu"],
    }
    owner, cosmos = chain[9]["props"], chain[10]["props"]
    assert owner["roleDefinitionId"].endswith("/b7e6dc6d-f1e8-4753-8033-0f276bb0955b")
    assert owner["conditionVersion"] == "2.0" and "'*-azureml-agent'" in owner["condition"]
    assert cosmos["scope"].endswith("/databaseAccounts/cosmos-agents-prod-eu/dbs/enterprise_memory")
    assert cosmos["roleDefinitionId"].endswith("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002")
    assert cosmos["resourceGroupName"] == "rg-data-prod-eu" and cosmos["accountName"] == "cosmos-agents-prod-eu"
    # then the account's diagnostics and lock wait for the last grant
    diagnostics = next(r for r in resources if r["type"] == "azure-native:monitor:DiagnosticSetting")
    assert chain[-1]["urn"] in diagnostics["dependencies"]


def test_prod_eu_injects_the_agents_into_its_subnet_and_so_creates_no_account_host(prod_eu):
    (account,) = [r for r in prod_eu["resources"] if r["type"] == ACCOUNT]
    assert account["props"]["properties"]["networkInjections"] == [
        {
            "scenario": "agent",
            "subnetArmId": "/subscriptions/7e1f3a5c-2b4d-4c6e-8a0f-1d3b5c7e9f20/resourceGroups/rg-network-prod-eu/"
            "providers/Microsoft.Network/virtualNetworks/vnet-spoke-ai-prod-eu/subnets/snet-agents",
            "useMicrosoftManagedNetwork": False,
        }
    ]
    assert [r for r in prod_eu["resources"] if r["type"] == ACCOUNT_HOST] == []
    assert prod_eu["passed"] and {v["policy"] for v in prod_eu["violations"]} == {"egress-restricted", "preview-api"}
    # its egress is its own VNet's firewall, which the gate cannot see: told, not failed
    assert {v["enforcement"] for v in prod_eu["violations"]} == {"advisory"}


def test_the_agents_private_endpoints_wait_for_the_account_and_its_deployments(prod_eu):
    resources = prod_eu["resources"]
    (account,) = [r for r in resources if r["type"] == ACCOUNT]
    last_deployment = [r for r in resources if r["type"] == DEPLOYMENT][-1]
    endpoints = [r for r in resources if r["type"] == ENDPOINT and "-agents-" in r["name"]]
    groups = {e["props"]["privateLinkServiceConnections"][0]["groupIds"][0]: e for e in endpoints}
    assert set(groups) == {"Sql", "blob", "searchService"}
    assert all(account["urn"] in e["dependencies"] for e in endpoints)
    assert last_deployment["urn"] in endpoints[0]["dependencies"]
    assert all(e["props"]["subnet"]["id"].endswith("/subnets/snet-private-endpoints") for e in endpoints)
    zone_groups = [
        r for r in resources if r["type"] == "azure-native:network:PrivateDnsZoneGroup" and "-agents-" in r["name"]
    ]
    zones = {g["props"]["privateDnsZoneConfigs"][0]["privateDnsZoneId"].rsplit("/", 1)[-1] for g in zone_groups}
    assert zones == {
        "privatelink.documents.azure.com",
        "privatelink.blob.core.windows.net",
        "privatelink.search.windows.net",
    }


def test_the_capability_hosts_are_free_and_the_agents_resources_are_not_priced(prod_eu, capsys, monkeypatch, tmp_path):
    # the same stack without its agents project (and its agent subnet) costs the same
    without = (
        PROD_EU[: PROD_EU.index("        - name: support-agents")] + PROD_EU[PROD_EU.index("      contentFilters:") :]
    )
    without = without[: without.index("      agentNetwork:")] + without[without.index("      encryption:\n") :]
    code, entry, _ = plan(capsys, monkeypatch, write(tmp_path, without))
    assert code == 0
    assert entry["cost"]["monthly_expected"] == prod_eu["cost"]["monthly_expected"]
    assert entry["cost"]["monthly_ceiling"] == prod_eu["cost"]["monthly_ceiling"]


def test_without_injection_the_account_host_comes_after_the_wait_and_before_the_project_host(run_stack, write_stack):
    run = run_stack(write_stack(AGENT_STACK))
    names = [r.type for r in run.resources]
    (account_host,) = run.by_type(ACCOUNT_HOST)
    (project_host,) = run.by_type(PROJECT_HOST)
    (wait,) = run.by_type(SLEEP)
    assert names.index(SLEEP) < names.index(ACCOUNT_HOST) < names.index(PROJECT_HOST)
    assert wait.urn in account_host.dependencies and account_host.urn in project_host.dependencies
    assert account_host.props["capabilityHostProperties"] == {"capabilityHostKind": "Agents"}
    (account,) = run.by_type(ACCOUNT)
    assert "networkInjections" not in account.props["properties"]


def test_a_changed_capability_host_is_deleted_then_created_because_azure_does_not_update_one(run_stack, write_stack):
    run = run_stack(write_stack(AGENT_STACK))
    (account_host,) = run.by_type(ACCOUNT_HOST)
    (project_host,) = run.by_type(PROJECT_HOST)
    assert account_host.delete_before_replace and project_host.delete_before_replace
    assert account_host.replace_on_changes == ["capabilityHostProperties.capabilityHostKind"]
    assert project_host.replace_on_changes == [
        "projectCapabilityHostProperties.storageConnections",
        "projectCapabilityHostProperties.threadStorageConnections",
        "projectCapabilityHostProperties.vectorStoreConnections",
    ]


def test_no_wait_when_the_role_wait_is_zero(run_stack, write_stack):
    text = AGENT_STACK.replace("          agents:\n", "          agents:\n            roleWaitSeconds: 0\n")
    run = run_stack(write_stack(text))
    assert run.by_type(SLEEP) == []
    (account_host,) = run.by_type(ACCOUNT_HOST)
    last_role = [r for r in run.by_type(ROLE) if "-agents-" in r.name][3]
    assert last_role.urn in account_host.dependencies


# --- Azure's contract -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, dict]:
    path = tmp_path_factory.mktemp("injected") / "Pulumi.prod-eu.yaml"
    path.write_text(PROD_EU)
    return {"prod-eu": arm_template(check_stack(resolve_stack(str(path), ROOT), ROOT), "test")}


def _strip(resource: dict) -> dict:
    return {k: v for k, v in resource.items() if k not in ("dependsOn", "apiVersion", "scope", "name", "type")}


def test_azures_models_read_the_hosts_connections_and_injection(templates, tmp_path):
    template = templates["prod-eu"]
    by_type: dict[str, list[dict]] = {}
    for resource in template["resources"]:
        by_type.setdefault(resource["type"], []).append(resource)
    (host,) = by_type["Microsoft.CognitiveServices/accounts/projects/capabilityHosts"]
    assert host["apiVersion"] == "2025-06-01"
    read = models.CapabilityHost.deserialize(_strip(host))
    assert contract_errors(read) == []
    assert read.properties.thread_storage_connections == ["cosmos-agents-prod-eu"]
    assert read.properties.storage_connections == ["stagentsprodeu"]
    assert read.properties.vector_store_connections == ["srch-agents-prod-eu"]
    connections = [
        c for c in by_type["Microsoft.CognitiveServices/accounts/projects/connections"] if "support-agents" in c["name"]
    ]
    categories = {c.value.lower() for c in models.ConnectionCategory}
    for connection in connections:
        parsed = models.ConnectionPropertiesV2BasicResource.deserialize(_strip(connection))
        assert contract_errors(parsed) == [] and parsed.properties.auth_type == "AAD"
        assert parsed.properties.category.lower() in categories
    assert {c["properties"]["category"] for c in connections} <= {c.value for c in models.ConnectionCategory}
    (account,) = by_type["Microsoft.CognitiveServices/accounts"]
    parsed_account = models.Account.deserialize(_strip(account))
    (injection,) = parsed_account.properties.network_injections
    assert injection.scenario in {s.value for s in models.ScenarioType} and injection.scenario == "agent"
    assert injection.use_microsoft_managed_network is False and injection.subnet_arm_id.endswith("/snet-agents")


def test_azures_models_read_the_account_host_of_a_setup_without_injection(run_stack, write_stack):
    config = ROOT / "policies/config/prod-eu.json"
    entry = check_stack(
        resolve_stack(str(write_stack(AGENT_STACK)), ROOT), ROOT, (config, "policies/config/prod-eu.json")
    )
    template = arm_template(entry, "test")
    (host,) = [r for r in template["resources"] if r["type"] == "Microsoft.CognitiveServices/accounts/capabilityHosts"]
    read = models.CapabilityHost.deserialize(_strip(host))
    assert contract_errors(read) == [] and read.properties.capability_host_kind in {
        k.value for k in models.CapabilityHostKind
    }
    assert host["name"] == "fdy-test/agents"


def test_azures_models_read_the_role_assignments_and_the_cosmos_data_role(templates):
    template = templates["prod-eu"]
    roles = [r for r in template["resources"] if r["type"] == "Microsoft.Authorization/roleAssignments"]
    agent_roles = [r for r in roles if "/rg-data-prod-eu/" in r["scope"]]
    assert len(agent_roles) == 5
    for role in agent_roles:
        parsed = authorization_models.RoleAssignmentCreateParameters.deserialize({"properties": role["properties"]})
        assert contract_errors(parsed) == []
        # the project's identity, as ARM resolves it once the project exists
        assert re.fullmatch(
            r"\[reference\(resourceId\('rg-foundry-prod-eu', .*'support-agents'\), '2025-06-01', 'full'\)"
            r"\.identity\.principalId\]",
            parsed.principal_id,
        )
    (nested,) = [
        r for r in template["resources"] if r["type"] == "Microsoft.Resources/deployments" and "resourceGroup" in r
    ]
    assert nested["resourceGroup"] == "rg-data-prod-eu" and nested["dependsOn"]
    (inner,) = nested["properties"]["template"]["resources"]
    parsed = cosmos_models.SqlRoleAssignmentCreateUpdateParameters.deserialize({"properties": inner["properties"]})
    assert contract_errors(parsed) == [] and parsed.scope.endswith("/dbs/enterprise_memory")
    # the wait has no ARM type: the project host still waits (through it) for the last role assignment
    (host,) = [r for r in template["resources"] if r["type"].endswith("projects/capabilityHosts")]
    assert any("roleAssignments" in d for d in host["dependsOn"])
    assert template["metadata"]["notExported"] == ["time:index/sleep:Sleep"]


def _fields(cls) -> set[str]:
    return {
        re.sub(r"_([a-z])", lambda m: m.group(1).upper(), p)
        for p in inspect.signature(cls.__init__).parameters
        if p != "__self__"
    }


def _writable(model) -> set[str]:
    return {v["key"] for k, v in model._attribute_map.items() if not model._validation.get(k, {}).get("readonly")}


def test_the_sdks_api_version_and_azure_mgmts_differ_only_in_the_documented_fields():
    # pulumi-azure-native 3.29 writes API 2025-06-01; azure-mgmt-cognitiveservices 14.1 speaks 2025-09-01
    assert _fields(sdk_inputs.CapabilityHostArgs) == _writable(models.CapabilityHostProperties)
    assert _fields(sdk_inputs.NetworkInjectionArgs) == _writable(models.NetworkInjection)
    # a project host of 2025-06-01 has only the connection lists; 2025-09-01 shares the account host's model
    assert _writable(models.CapabilityHostProperties) - _fields(sdk_inputs.ProjectCapabilityHostArgs) == {
        "capabilityHostKind",
        "customerSubnet",
        "description",
        "tags",
    }
    assert _writable(models.AccountProperties) - _fields(sdk_inputs.AccountPropertiesArgs) == {
        "storedCompletionsDisabled"
    }


# --- the agent policies, through real stacks -------------------------------------------------------------


def test_a_prod_eu_copy_without_the_cosmos_db_fails_agent_byo_resources_at_the_projects_line(
    tmp_path, capsys, monkeypatch
):
    start = PROD_EU.index("            cosmosDb:\n")
    end = PROD_EU.index("            storage:\n")
    code, entry, _ = plan(capsys, monkeypatch, write(tmp_path, PROD_EU[:start] + PROD_EU[end:]))
    assert code == 1
    (found,) = [v for v in entry["violations"] if v["policy"] == "agent-byo-resources"]
    project_line = PROD_EU[: PROD_EU.index("        - name: support-agents")].count("\n") + 1
    assert found["source"]["line"] == project_line and found["enforcement"] == "mandatory"
    assert "names no Cosmos DB (thread storage)" in found["message"]


def test_a_prod_eu_copy_with_agents_but_no_injection_fails_agent_network_injection(tmp_path, capsys, monkeypatch):
    start = PROD_EU.index("      agentNetwork:")
    end = PROD_EU.index("      encryption:\n")
    code, entry, _ = plan(capsys, monkeypatch, write(tmp_path, PROD_EU[:start] + PROD_EU[end:]))
    assert code == 1
    (found,) = [v for v in entry["violations"] if v["policy"] == "agent-network-injection"]
    assert found["source"]["line"] == PROD_EU[: PROD_EU.index("    - name: fdy-prod-eu-core")].count("\n") + 1
    assert "its agents run with public egress" in found["message"]
    assert [r for r in entry["resources"] if r["type"] == ACCOUNT_HOST]  # and the account host is created


def test_an_agent_resource_outside_the_allowed_regions_fails_at_its_agents_block(tmp_path, capsys, monkeypatch):
    text = PROD_EU.replace(
        "Microsoft.Search/searchServices/srch-agents-prod-eu\n              location: swedencentral",
        "Microsoft.Search/searchServices/srch-agents-prod-eu\n              location: westeurope",
    )
    code, entry, _ = plan(capsys, monkeypatch, write(tmp_path, text))
    assert code == 1
    (found,) = [v for v in entry["violations"] if v["policy"] == "agent-byo-resources"]
    assert "reaches a resource in 'westeurope', outside the policy's allowedRegions (swedencentral)" in found["message"]
    assert found["source"]["line"] == PROD_EU[: PROD_EU.index("          agents:")].count("\n") + 1


# --- mistakes refused at their line ------------------------------------------------------------------------

DATA = "/subscriptions/9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34/resourceGroups/rg-data-prod-eu/providers"


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            f"{DATA}/Microsoft.Storage/storageAccounts/stagentsprodeu",
            f"{DATA}/Microsoft.Search/searchServices/stagentsprodeu",
            "agents.storage.id: id must be a Microsoft.Storage/storageAccounts id",
        ),
        (
            f"id: {DATA}/Microsoft.DocumentDB",
            f"id: {DATA.replace('9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34', '00000000-1f3d-4e5a-8b6c-2d7f0e9a1b34')}"
            "/Microsoft.DocumentDB",
            "agents.cosmosDb.id: the Cosmos DB account must be in the stack's subscription",
        ),
        (
            "subnets/snet-agents",
            "subnets/snet-private-endpoints",
            "agentNetwork.subnetId: the agent subnet is also the private endpoint subnet",
        ),
        (
            "      network:\n        publicAccess: false",
            "      network:\n        publicAccess: true\n        ipRules: [203.0.113.0/24]",
            "agentNetwork: the agents are injected into a subnet but the account keeps public network access",
        ),
        (
            "              location: swedencentral\n            storage:",
            "              location: swedencentrl\n            storage:",
            "agents.cosmosDb.location: unknown region 'swedencentrl'; did you mean 'swedencentral'?",
        ),
        (
            "          agents:                          # Agent Service standard setup (bring your own storage)\n",
            "          agents: {}\n          agents:\n",
            "duplicate key 'agents'",
        ),
    ],
    ids=["wrong-kind", "other-subscription", "shared-subnet", "public-without-justification", "region", "twice"],
)
def test_agent_mistakes_are_config_errors_at_their_line(tmp_path, capsys, monkeypatch, old, new, message):
    assert old in PROD_EU
    code, _, err = plan(capsys, monkeypatch, write(tmp_path, PROD_EU.replace(old, new, 1)))
    assert code == 2 and message in err, err
    assert re.search(r"Pulumi\.prod-eu\.yaml:\d+: ", err) and "Traceback" not in err


def test_an_empty_agents_block_and_a_clashing_connection_name_are_refused(write_stack, capsys, monkeypatch, tmp_path):
    empty = AGENT_STACK.replace(
        AGENT_STACK[AGENT_STACK.index("          agents:\n") : AGENT_STACK.index("      deployments:")],
        "          agents: {roleWaitSeconds: 30}\n",
    )
    code, _, err = plan(capsys, monkeypatch, write(tmp_path, empty, "empty"), "policies/config/dev.json")
    assert code == 2 and "an agents block names its cosmosDb, storage and search resources" in err
    clash = AGENT_STACK.replace(
        "          agents:\n",
        "          connections:\n            - name: stagents\n              kind: AzureBlobStorage\n"
        "              resourceId: /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-data/"
        "providers/"
        "Microsoft.Storage/storageAccounts/other\n              target: https://other.blob.core.windows.net/\n"
        "          agents:\n",
    )
    code, _, err = plan(capsys, monkeypatch, write(tmp_path, clash, "clash"), "policies/config/dev.json")
    assert code == 2 and "connections[0].name: connection 'stagents' is also the name of the agents' storage" in err


def test_resources_that_would_share_a_connection_or_endpoint_name_are_refused(capsys, monkeypatch, tmp_path):
    same_in_block = AGENT_STACK.replace("searchServices/srch-agents", "searchServices/stagents")
    code, _, err = plan(capsys, monkeypatch, write(tmp_path, same_in_block, "same"), "policies/config/dev.json")
    assert code == 2 and "agents.search.id: search has the same name as storage" in err
    second = AGENTS_BLOCK.replace("rg-data/", "rg-other/")
    two_projects = AGENT_STACK.replace(
        "      deployments:\n", "        - name: team-b\n" + second + "      deployments:\n", 1
    )
    code, _, err = plan(capsys, monkeypatch, write(tmp_path, two_projects, "two"), "policies/config/dev.json")
    assert code == 2 and "projects[1].agents.cosmosDb.id: another project's agents use a different resource" in err


def test_two_projects_may_share_one_agent_resource(run_stack, write_stack):
    two_projects = AGENT_STACK.replace(
        "      deployments:\n", "        - name: team-b\n" + AGENTS_BLOCK + "      deployments:\n", 1
    )
    run = run_stack(write_stack(two_projects))
    assert len(run.by_type(PROJECT_HOST)) == 2 and len(run.by_type(CONNECTION)) == 6
    assert len([e for e in run.by_type(ENDPOINT) if "-agents-" in e.name]) == 3  # one endpoint per resource


def test_hub_zones_without_the_agent_zones_are_refused_at_dns_zone_ids(write_stack, capsys, monkeypatch, tmp_path):
    text = AGENT_STACK
    for zone in (
        "privatelink.documents.azure.com",
        "privatelink.blob.core.windows.net",
        "privatelink.search.windows.net",
    ):
        text = re.sub(rf", {re.escape(zone)}: [^,}}]+", "", text)
    code, _, err = plan(capsys, monkeypatch, write(tmp_path, text, "zones"), "policies/config/dev.json")
    assert (
        code == 2
        and "privateEndpoint.dnsZoneIds: the agents' Cosmos DB, Storage and Search get private endpoints" in err
    )
