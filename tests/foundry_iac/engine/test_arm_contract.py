"""`plan --format arm` is Azure's REST contract: every resource of every example stack, and of generated stacks,
is read back whole by the azure-mgmt model of its type (no key the contract does not know, none misplaced)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from azure.mgmt.authorization.v2022_04_01 import models as authorization
from azure.mgmt.cognitiveservices import models as cognitiveservices
from azure.mgmt.consumption import models as consumption
from azure.mgmt.cosmosdb import models as cosmosdb
from azure.mgmt.loganalytics import models as loganalytics
from azure.mgmt.monitor import models as monitor
from azure.mgmt.network import models as network
from azure.mgmt.privatedns import models as privatedns
from azure.mgmt.resource.locks import models as locks
from azure.mgmt.security.v2024_01_01 import models as security
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import resource_types as types
from foundry_iac.engine.arm_export import ARM_TYPES, NESTED_DEPLOYMENT, api_version, arm_template, nest, shape
from foundry_iac.engine.gate import check_stack
from foundry_iac.engine.stacks import resolve_stack
from tests.azure_contract import contract_differences, contract_errors, published_differences, request_body
from tests.conftest import ROOT

# Each ARM type the export writes, and the azure-mgmt model of its PUT body.
MODELS: dict[str, type] = {
    "Microsoft.CognitiveServices/accounts": cognitiveservices.Account,
    "Microsoft.CognitiveServices/accounts/deployments": cognitiveservices.Deployment,
    "Microsoft.CognitiveServices/accounts/projects": cognitiveservices.Project,
    "Microsoft.CognitiveServices/accounts/projects/connections": cognitiveservices.ConnectionPropertiesV2BasicResource,
    "Microsoft.CognitiveServices/accounts/raiPolicies": cognitiveservices.RaiPolicy,
    "Microsoft.CognitiveServices/accounts/raiBlocklists": cognitiveservices.RaiBlocklist,
    "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems": cognitiveservices.RaiBlocklistItem,
    "Microsoft.CognitiveServices/accounts/capabilityHosts": cognitiveservices.CapabilityHost,
    "Microsoft.CognitiveServices/accounts/projects/capabilityHosts": cognitiveservices.CapabilityHost,
    "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments": cosmosdb.SqlRoleAssignmentCreateUpdateParameters,
    "Microsoft.Authorization/roleAssignments": authorization.RoleAssignmentCreateParameters,
    "Microsoft.Authorization/locks": locks.ManagementLockObject,
    "Microsoft.Network/privateEndpoints": network.PrivateEndpoint,
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": network.PrivateDnsZoneGroup,
    "Microsoft.Network/privateDnsZones": privatedns.PrivateZone,
    "Microsoft.Network/privateDnsZones/virtualNetworkLinks": privatedns.VirtualNetworkLink,
    "Microsoft.OperationalInsights/workspaces": loganalytics.Workspace,
    "Microsoft.Consumption/budgets": consumption.Budget,
    "Microsoft.Insights/actionGroups": monitor.ActionGroupResource,
    "Microsoft.Insights/metricAlerts": monitor.MetricAlertResource,
    "Microsoft.Security/pricings": security.Pricing,
}
# azure-mgmt-monitor 7 no longer ships the diagnostic settings models (6.x had them under v2021_05_01_preview),
# and no other azure-mgmt package does: this type is checked against the published types' shape only.
# azure-mgmt-cognitiveservices 14.1 (API 2025-09-01) has no managed network models: those two are read back by
# Azure's published types themselves (PUBLISHED, every writable property, enum and discriminated element).
PUBLISHED_FILE = Path(__file__).parent / "published" / "managed_network_types.json"
PUBLISHED = json.loads(PUBLISHED_FILE.read_text(encoding="utf-8"))["types"]
NO_MODEL = {
    "Microsoft.Insights/diagnosticSettings",
    "Microsoft.CognitiveServices/accounts/managedNetworks",
    "Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules",
}
EXAMPLES = sorted(path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in (ROOT / "stacks").glob("*.yaml"))


def template_resources(template: dict) -> list[dict]:
    """Every resource of a template, those of nested deployments (another resource group) included."""
    out = []
    for resource in template["resources"]:
        if resource["type"] == NESTED_DEPLOYMENT:
            out += template_resources(resource["properties"]["template"])
        else:
            out.append(resource)
    return out


def differences(template: dict) -> list[str]:
    """What Azure's models do not read back, over a whole template, as 'type name: key: why'."""
    out = []
    for resource in template_resources(template):
        published = PUBLISHED.get(f"{resource['type']}@{resource['apiVersion']}")
        if published is not None:
            out += [
                f"{resource['type']} {resource['name']}: {line}" for line in published_differences(resource, published)
            ]
            continue
        if resource["type"] in NO_MODEL:
            continue
        model = MODELS[resource["type"]]
        found = contract_differences(model, resource)
        if hasattr(model, "deserialize"):  # msrest models carry required/read-only rules too
            found += contract_errors(model.deserialize(request_body(resource)))
        out += [f"{resource['type']} {resource['name']}: {line}" for line in found]
    return out


def export(path: str | Path, policy: Path | None = None) -> dict:
    config = (policy, str(policy)) if policy else None
    return arm_template(check_stack(resolve_stack(str(path), ROOT), ROOT, config), "test")


def test_every_type_the_export_registers_has_a_model_and_a_published_shape_at_the_sdks_api_version():
    arm_types = {arm.arm_type for arm in ARM_TYPES.values()}
    assert arm_types == set(MODELS) | NO_MODEL
    for token, arm in ARM_TYPES.items():
        body, nodes = shape(arm.arm_type, api_version(token))
        assert "properties" in nodes[body]["props"] or arm.arm_type == "Microsoft.Consumption/budgets"


@pytest.mark.parametrize("stack", EXAMPLES)
def test_every_resource_of_every_example_is_read_back_whole_by_azures_model(stack):
    template = export(stack)
    covered = {r["type"] for r in template_resources(template)}
    assert covered - NO_MODEL, "the example exported nothing"
    assert differences(template) == []


def test_the_examples_cover_the_network_cognitive_services_monitor_and_agent_types():
    covered = {r["type"] for stack in EXAMPLES for r in template_resources(export(stack))}
    assert covered >= {
        "Microsoft.Network/privateEndpoints",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "Microsoft.Network/privateDnsZones",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "Microsoft.CognitiveServices/accounts/raiPolicies",
        "Microsoft.CognitiveServices/accounts/projects/capabilityHosts",
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
        "Microsoft.Insights/metricAlerts",
        "Microsoft.Consumption/budgets",
        "Microsoft.Security/pricings",
        "Microsoft.CognitiveServices/accounts/managedNetworks",
        "Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules",
    }


def test_the_defender_plan_is_deployed_to_the_subscription_through_a_nested_subscription_deployment():
    (deployment,) = [r for r in export("prod-eu")["resources"] if r.get("subscriptionId")]
    assert deployment["type"] == NESTED_DEPLOYMENT
    assert deployment["subscriptionId"] == PROD_EU["config"]["azure-native:subscriptionId"]
    assert deployment["location"] == PROD_EU["config"]["azure-native:location"]
    template = deployment["properties"]["template"]
    assert "subscriptionDeploymentTemplate" in template["$schema"]
    (plan,) = template["resources"]
    assert plan == {
        "type": "Microsoft.Security/pricings",
        "apiVersion": api_version("azure-native:security:Pricing"),
        "name": "AI",
        "properties": {"pricingTier": "Standard"},
    }
    assert contract_differences(security.Pricing, plan) == []


def test_the_contract_check_reports_a_connection_flattened_as_the_sdk_writes_it():
    (endpoint, *_) = [r for r in export("prod-us")["resources"] if r["type"] == "Microsoft.Network/privateEndpoints"]
    flattened = copy.deepcopy(endpoint)
    for item in flattened["properties"]["privateLinkServiceConnections"]:
        item.update(item.pop("properties"))
    found = contract_differences(network.PrivateEndpoint, flattened)
    assert "properties.privateLinkServiceConnections[0].groupIds: not in PrivateLinkServiceConnection" in found
    assert contract_differences(network.PrivateEndpoint, endpoint) == []


def test_nest_moves_each_field_under_the_properties_of_the_object_that_holds_it():
    nodes = [
        {"props": {"name": None, "properties": 1}},
        {"props": {"items": 2, "plain": None}},
        {"props": {"name": None, "properties": 3}},
        {"props": {"target": None}},
    ]
    sdk = {"items": [{"name": "a", "target": "t"}], "plain": {"target": "stays"}, "unknown": 1}
    assert nest(sdk, 1, nodes) == {
        "items": [{"name": "a", "properties": {"target": "t"}}],
        "plain": {"target": "stays"},
        "unknown": 1,
    }


PROD_EU = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text(encoding="utf-8"))
ZONES = ["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com", "privatelink.services.ai.azure.com"]
AGENT_ZONES = ["privatelink.documents.azure.com", "privatelink.blob.core.windows.net", "privatelink.search.windows.net"]
HUB = "/subscriptions/0b6d2f8a-3c5e-4a7b-9d1f-6e8a0c2b4d61/resourceGroups/rg-dns-hub/providers/Microsoft.Network"
LEVELS = st.sampled_from(["Low", "Medium", "High"])


@st.composite
def stacks(draw) -> dict:
    """prod-eu with its private endpoint (own or hub zones), agents, managed network, alerts, filters and diagnostics
    varied."""
    config = copy.deepcopy(PROD_EU)
    values = config["config"]
    account = values["foundry-iac:accounts"][0]
    agents = draw(st.booleans())  # the standard setup's project, or none
    if not agents:
        account["projects"] = [p for p in account["projects"] if "agents" not in p]
    network = account["managedNetwork"]
    if draw(st.booleans()):  # a service tag rule beside the private endpoint and FQDN rules
        protocol, action = draw(st.sampled_from(["TCP", "UDP", "*"])), draw(st.sampled_from(["Allow", "Deny"]))
        tag = {"tag": "AzureMonitor", "protocol": protocol, "ports": "443", "action": action}
        network["outbound"].append({"name": "monitor", "serviceTag": tag})
    if draw(st.booleans()):  # internet outbound: no firewall, no FQDN rule
        network["isolation"] = "AllowInternetOutbound"
        del network["firewallSku"]
        network["outbound"] = [rule for rule in network["outbound"] if "fqdn" not in rule]
    if draw(st.booleans()):  # the hub's zones instead of our own
        del values["foundry-iac:privateDns"]
        zones = ZONES + AGENT_ZONES if agents else ZONES
        account["privateEndpoint"]["dnsZoneIds"] = {zone: f"{HUB}/privateDnsZones/{zone}" for zone in zones}
    else:  # our own zones, linked to one or more virtual networks
        count = draw(st.integers(min_value=1, max_value=3))
        values["foundry-iac:privateDns"]["vnetIds"] = [f"{HUB}/virtualNetworks/vnet-{i}" for i in range(count)]
    if not draw(st.booleans()):
        del values["foundry-iac:alerts"]
    else:
        values["foundry-iac:alerts"]["serverErrors"]["severity"] = draw(st.integers(min_value=0, max_value=4))
    if not draw(st.booleans()):
        del account["diagnostics"]
    (content_filter,) = account["contentFilters"]
    content_filter["promptShields"] = {"jailbreak": draw(st.booleans()), "indirectAttack": draw(st.booleans())}
    categories = draw(st.lists(st.sampled_from(["Violence", "Hate", "Sexual", "Selfharm"]), max_size=4, unique=True))
    content_filter["categories"] = {c: {"prompt": draw(LEVELS), "completion": draw(LEVELS)} for c in categories}
    items = draw(st.lists(st.from_regex(r"[a-z]{3,12}", fullmatch=True), min_size=1, max_size=3, unique=True))
    content_filter["blocklists"][0]["items"] = [{"pattern": item} for item in items]
    return config


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=stacks())
def test_generated_stacks_export_what_azures_models_read_back_whole(config, tmp_path):
    path = tmp_path / "Pulumi.generated.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    template = export(path, ROOT / "policies" / "config" / "prod-eu.json")
    assert [r for r in template_resources(template) if r["type"] == "Microsoft.Network/privateEndpoints"]
    assert differences(template) == []


def test_the_managed_network_types_are_read_back_by_their_published_types_at_the_sdks_api_version():
    for token in (types.MANAGED_NETWORK, types.OUTBOUND_RULE):
        arm = ARM_TYPES[token]
        assert f"{arm.arm_type}@{api_version(token)}" in PUBLISHED, "sync the published types for the SDK's version"
    exported = [r for r in template_resources(export("prod-eu")) if "managedNetworks" in r["type"]]
    kinds = {r["properties"]["type"] for r in exported if r["type"].endswith("outboundRules")}
    assert len(exported) == 5 and kinds == {"FQDN", "PrivateEndpoint"}
    for resource in exported:
        assert published_differences(resource, PUBLISHED[f"{resource['type']}@{resource['apiVersion']}"]) == []


def test_the_published_readback_reports_a_leftover_key_a_wrong_enum_and_a_flattened_destination():
    (rule,) = [
        r for r in export("prod-eu")["resources"] if r["type"].endswith("outboundRules") and r["name"].endswith("files")
    ]
    shape_ = PUBLISHED[f"{rule['type']}@{rule['apiVersion']}"]
    bad = copy.deepcopy(rule)
    bad["properties"]["category"] = "Custom"
    bad["properties"]["destination"]["sparkEnabled"] = False
    bad["properties"]["serviceResourceId"] = bad["properties"]["destination"].pop("serviceResourceId")
    assert published_differences(bad, shape_) == [
        "properties.category: 'Custom' is not one of Dependency, Recommended, Required, UserDefined",
        "properties.destination.sparkEnabled: not in the published type",
        "properties.serviceResourceId: not in the published type",
    ]
    bad["properties"]["type"] = "Fqdn"
    assert published_differences(bad, shape_) == ["properties.type: 'Fqdn' is no element"]
