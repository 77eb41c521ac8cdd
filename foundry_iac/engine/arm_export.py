"""`foundry-iac plan STACK --format arm`: the registered resources as an ARM deployment template.

Teams run scanners they already use (Checkov, PSRule for Azure, what-if) on exactly what the program
would deploy. Each resource gets its ARM type and the REST API version the pulumi-azure-native SDK
uses for it (read from the SDK class), its name (child names joined with `/`), location, sku, kind,
identity, tags and `properties`, and `dependsOn` from the recorded dependencies. The SDK's `odataType`
discriminator (metric alert criteria) is written as ARM's `odata.type`. pulumi-azure-native
flattens every ARM `properties` wrapper into the object that holds it: a resource's own (a private
endpoint's `subnet`) and those of the objects inside it (each `privateLinkServiceConnections[]` item's
`groupIds`). Every such field goes back under the `properties` it belongs to, by the shapes of Azure's
published types for that type and API version (arm_shapes.json, written by `arm_shapes_sync`): one
generic walk, no rule per type. Extension resources (role assignments, locks, diagnostic settings)
carry their `scope`. The resource group itself is the deployment's target, so it is named in `metadata`, not deployed.
Secrets are `[secret]`, as in every report.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components import resource_types as types
from components.api_versions import sdk_api_version

from .report_model import ResourceEntry, StackReport

TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@dataclass(frozen=True)
class ArmType:
    """How a Pulumi type maps to ARM: the type, the props naming each segment, and the scope prop."""

    arm_type: str
    name_props: tuple[str, ...]
    scope_prop: str | None = None
    properties_prop: str = "properties"  # the SDK input that holds ARM's `properties`
    subscription_prop: str | None = None  # the SDK input naming the subscription a subscription-scope type is in


ARM_TYPES: dict[str, ArmType] = {
    types.ACCOUNT: ArmType("Microsoft.CognitiveServices/accounts", ("accountName",)),
    types.DEPLOYMENT: ArmType("Microsoft.CognitiveServices/accounts/deployments", ("accountName", "deploymentName")),
    types.PROJECT: ArmType("Microsoft.CognitiveServices/accounts/projects", ("accountName", "projectName")),
    types.CONNECTION: ArmType(
        "Microsoft.CognitiveServices/accounts/projects/connections", ("accountName", "projectName", "connectionName")
    ),
    types.RAI_POLICY: ArmType("Microsoft.CognitiveServices/accounts/raiPolicies", ("accountName", "raiPolicyName")),
    types.RAI_BLOCKLIST: ArmType(
        "Microsoft.CognitiveServices/accounts/raiBlocklists", ("accountName", "raiBlocklistName")
    ),
    types.RAI_BLOCKLIST_ITEM: ArmType(
        "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems",
        ("accountName", "raiBlocklistName", "raiBlocklistItemName"),
    ),
    types.ACCOUNT_CAPABILITY_HOST: ArmType(
        "Microsoft.CognitiveServices/accounts/capabilityHosts",
        ("accountName", "capabilityHostName"),
        properties_prop="capabilityHostProperties",
    ),
    types.PROJECT_CAPABILITY_HOST: ArmType(
        "Microsoft.CognitiveServices/accounts/projects/capabilityHosts",
        ("accountName", "projectName", "capabilityHostName"),
        properties_prop="projectCapabilityHostProperties",
    ),
    types.MANAGED_NETWORK: ArmType(
        "Microsoft.CognitiveServices/accounts/managedNetworks", ("accountName", "managedNetworkName")
    ),
    types.OUTBOUND_RULE: ArmType(
        "Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules",
        ("accountName", "managedNetworkName", "ruleName"),
    ),
    types.COSMOS_SQL_ROLE_ASSIGNMENT: ArmType(
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments", ("accountName", "roleAssignmentId")
    ),
    types.ROLE_ASSIGNMENT: ArmType("Microsoft.Authorization/roleAssignments", ("roleAssignmentName",), "scope"),
    types.LOCK: ArmType("Microsoft.Authorization/locks", ("lockName",), "scope"),
    types.PRIVATE_ENDPOINT: ArmType("Microsoft.Network/privateEndpoints", ("privateEndpointName",)),
    types.DNS_ZONE_GROUP: ArmType(
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", ("privateEndpointName", "privateDnsZoneGroupName")
    ),
    types.PRIVATE_DNS_ZONE: ArmType("Microsoft.Network/privateDnsZones", ("privateZoneName",)),
    types.VNET_LINK: ArmType(
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks", ("privateZoneName", "virtualNetworkLinkName")
    ),
    types.DIAGNOSTIC_SETTING: ArmType("Microsoft.Insights/diagnosticSettings", ("name",), "resourceUri"),
    types.LOG_ANALYTICS_WORKSPACE: ArmType("Microsoft.OperationalInsights/workspaces", ("workspaceName",)),
    types.BUDGET: ArmType("Microsoft.Consumption/budgets", ("budgetName",), "scope"),
    types.ACTION_GROUP: ArmType("Microsoft.Insights/actionGroups", ("actionGroupName",)),
    types.METRIC_ALERT: ArmType("Microsoft.Insights/metricAlerts", ("ruleName",)),
    types.SECURITY_PRICING: ArmType("Microsoft.Security/pricings", ("pricingName",), subscription_prop="scopeId"),
}
TOP_LEVEL = ("location", "sku", "kind", "identity", "tags")  # the order they are written in
SDK_ONLY = {"resourceGroupName", "properties"}  # SDK inputs that are no field of the ARM body
SHAPES_FILE = Path(__file__).with_name("arm_shapes.json")
NESTED_DEPLOYMENT = "Microsoft.Resources/deployments"
NESTED_API_VERSION = "2022-09-01"
SUBSCRIPTION_SCHEMA = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
COMPUTED_TEXT = "[computed]"  # as the offline runner records an input Azure computes (foundry_iac.engine.runner)


def api_version(pulumi_type: str) -> str:
    """The REST API version pulumi-azure-native uses for a type, from its class documentation."""
    return sdk_api_version(pulumi_type)


@functools.cache
def _all_shapes() -> dict[str, Any]:
    shapes: dict[str, Any] = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))["types"]
    return shapes


def shape(arm_type: str, version: str) -> tuple[int, list[dict[str, Any]]]:
    """The body node and the nodes of one ARM type's request body at an API version (arm_shapes.json)."""
    found = _all_shapes().get(f"{arm_type}@{version}")
    if found is None:
        raise LookupError(
            f"{SHAPES_FILE.name} has no shape for {arm_type}@{version}: run python -m foundry_iac.azure.arm_shapes_sync"
        )
    return found["body"], found["nodes"]


def nest(value: object, node: int | None, nodes: list[dict[str, Any]]) -> object:
    """`value` in the contract's shape: each field the SDK flattened goes back under its object's `properties`.

    A field the shape does not know stays where it is (the contract tests report it)."""
    if node is None:
        return value
    if isinstance(value, list):
        return [nest(item, node, nodes) for item in value]
    if not isinstance(value, dict):
        return value
    props = dict(nodes[node]["props"])
    if "discriminator" in nodes[node]:
        element = nodes[node]["elements"].get(value.get(nodes[node]["discriminator"]))
        if element is not None:
            props.update(nodes[element]["props"])
    inner = props.get("properties")
    inner_props = nodes[inner]["props"] if inner is not None else {}
    out: dict[str, Any] = {}
    moved: dict[str, Any] = {}
    for key, item in value.items():
        if key in props:
            out[key] = nest(item, props[key], nodes)
        elif key in inner_props:
            moved[key] = nest(item, inner_props[key], nodes)
        else:
            out[key] = item
    if moved:
        out["properties"] = {**(out.get("properties") or {}), **moved}
    return out


def _name(resource: ResourceEntry, arm: ArmType) -> str:
    return "/".join(str(resource.props.get(prop, resource.name)) for prop in arm.name_props)


def _resource_id(resource: ResourceEntry, arm: ArmType) -> str:
    """How `dependsOn` names a resource of the template: its resource id.

    An extension resource on a known scope gets the id that `extensionResourceId(scope, type, name)` evaluates
    to, written out: the same string for ARM, and scanners that do not evaluate template functions (Checkov
    knows `resourceId(` only and cuts other expressions at their last `/`) find the resource by its name."""
    names = _name(resource, arm).split("/")
    segments = ", ".join(f"'{part}'" for part in names)
    if arm.scope_prop:
        scope = str(resource.props.get(arm.scope_prop, ""))
        if scope.startswith("/") and "'" not in scope:
            namespace, *kinds = arm.arm_type.split("/")
            path = "/".join(f"{kind}/{name}" for kind, name in zip(kinds, names, strict=True))
            return f"{scope.rstrip('/')}/providers/{namespace}/{path}"
        return f"[extensionResourceId('{scope}', '{arm.arm_type}', {segments})]"
    return f"[resourceId('{arm.arm_type}', {segments})]"


def _arm_keys(value: object) -> object:
    """pulumi-azure-native spells ARM's `odata.type` discriminator `odataType`; ARM wants it back."""
    if isinstance(value, dict):
        return {("odata.type" if k == "odataType" else k): _arm_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_arm_keys(v) for v in value]
    return value


def principal_reference(project: ResourceEntry) -> str:
    """ARM's expression for a project's system-assigned identity, which Azure assigns at creation."""
    p = project.props
    names = f"'{p.get('accountName')}', '{p.get('projectName')}'"
    target = f"resourceId('{p.get('resourceGroupName')}', '{ARM_TYPES[types.PROJECT].arm_type}', {names})"
    return f"[reference({target}, '{api_version(types.PROJECT)}', 'full').identity.principalId]"


def arm_resource(
    resource: ResourceEntry, arm: ArmType, depends_on: list[str], principal: str | None = None
) -> dict[str, Any]:
    """One template resource; `principal` replaces a principal id the runner recorded as computed."""
    props = dict(resource.props)
    if principal is not None and props.get("principalId") == COMPUTED_TEXT:
        props["principalId"] = principal
    version = api_version(resource.type)
    body, nodes = shape(arm.arm_type, version)
    envelope = nodes[body]["props"]  # the fields ARM has beside `properties`
    out: dict[str, Any] = {"type": arm.arm_type, "apiVersion": version, "name": _name(resource, arm)}
    if arm.scope_prop and arm.scope_prop in props:
        out["scope"] = props[arm.scope_prop]
    fields = {
        k: v
        for k, v in props.items()
        if k not in SDK_ONLY
        and k not in arm.name_props
        and k not in (arm.scope_prop, arm.properties_prop, arm.subscription_prop)
    }
    top = sorted((k for k in fields if k in envelope and k != "properties"), key=_top_level_order)
    for key in top:
        out[key] = nest(fields[key], envelope[key], nodes)
    properties = {
        **(props.get(arm.properties_prop) or {}),
        **{k: v for k, v in fields.items() if k not in top},
    }
    if properties:
        out["properties"] = nest(_arm_keys(properties), envelope.get("properties"), nodes)
    if depends_on:
        out["dependsOn"] = depends_on
    return out


def _top_level_order(key: str) -> tuple[int, str]:
    return (TOP_LEVEL.index(key) if key in TOP_LEVEL else len(TOP_LEVEL), key)


def _nested_name(resource: ResourceEntry, arm: ArmType) -> str:
    return ("nested-" + _name(resource, arm).replace("/", "-"))[:64]


def _exported_dependencies(
    resource: ResourceEntry, by_urn: dict[str, ResourceEntry], exported: Mapping[str, object]
) -> list[str]:
    """The exported resources a resource waits for, looking through the ones ARM has no type for (the role
    propagation wait): the capability host still waits for the role assignments the wait follows."""
    out: list[str] = []
    seen: set[str] = set()
    pending = list(resource.dependencies)
    while pending:
        urn = pending.pop(0)
        if urn in seen or urn not in by_urn:
            continue
        seen.add(urn)
        if urn in exported:
            out.append(urn)
        elif not by_urn[urn].type.startswith("foundry-iac:") and by_urn[urn].type != types.RESOURCE_GROUP:
            pending.extend(by_urn[urn].dependencies)
    return out


def _deployment(resource: dict[str, Any], name: str, target: dict[str, Any], schema: str) -> dict[str, Any]:
    """A nested deployment of one resource to `target` (its resourceGroup, or its subscriptionId and location)."""
    return {
        "type": NESTED_DEPLOYMENT,
        "apiVersion": NESTED_API_VERSION,
        "name": name,
        **target,
        "properties": {
            "mode": "Incremental",
            "expressionEvaluationOptions": {"scope": "inner"},
            "template": {"$schema": schema, "contentVersion": "1.0.0.0", "resources": [resource]},
        },
    }


def _nested(resource: dict[str, Any], name: str, group: str) -> dict[str, Any]:
    """A resource of another resource group (the agents' Cosmos DB role), deployed there by a nested deployment."""
    depends = resource.pop("dependsOn", None)
    out = _deployment(resource, name, {"resourceGroup": group}, TEMPLATE_SCHEMA)
    if depends:
        out["dependsOn"] = depends
    return out


def _at_subscription(resource: dict[str, Any], name: str, subscription: str, location: object) -> dict[str, Any]:
    """A subscription-scope resource (the Defender plan), deployed to its subscription by a nested deployment: a
    resource group template reaches the subscription only so (ARM's subscriptionId and location on the deployment)."""
    return _deployment(resource, name, {"subscriptionId": subscription, "location": location}, SUBSCRIPTION_SCHEMA)


def _subscription_of(resource: ResourceEntry, arm: ArmType) -> str | None:
    """The subscription id a subscription-scope resource names (`subscriptions/{id}`), or None for other types."""
    if arm.subscription_prop is None:
        return None
    return str(resource.props.get(arm.subscription_prop, "")).strip("/").split("/")[-1]


def _placement(
    exported: dict[str, tuple[ResourceEntry, ArmType]], home: object
) -> tuple[dict[str, str], dict[str, str]]:
    """Each exported resource's id in the template, and the other resource group of those deployed elsewhere
    (through a nested deployment, which is what their dependents then depend on)."""
    ids: dict[str, str] = {}
    nested: dict[str, str] = {}  # urn -> the other resource group it is deployed to
    for urn, (resource, arm) in exported.items():
        group = resource.props.get("resourceGroupName")
        if arm.subscription_prop is not None:
            ids[urn] = f"[resourceId('{NESTED_DEPLOYMENT}', '{_nested_name(resource, arm)}')]"
        elif home is not None and group is not None and group != home:
            nested[urn] = str(group)
            ids[urn] = f"[resourceId('{NESTED_DEPLOYMENT}', '{_nested_name(resource, arm)}')]"
        else:
            ids[urn] = _resource_id(resource, arm)
    return ids, nested


def _project_principal(resource: ResourceEntry, by_urn: dict[str, ResourceEntry]) -> str | None:
    """The principal of the one project the resource depends on (None: none, or several)."""
    projects = [by_urn[d] for d in resource.dependencies if d in by_urn and by_urn[d].type == types.PROJECT]
    return principal_reference(projects[0]) if len(projects) == 1 else None


def _not_exported(entry: StackReport) -> list[str]:
    """The Azure resource types the template leaves out (the resource group is the deployment's scope)."""
    return sorted(
        {r.type for r in entry.resources if r.type not in ARM_TYPES and r.type != types.RESOURCE_GROUP}
        - {r.type for r in entry.resources if r.type.startswith("foundry-iac:")}  # components deploy nothing
    )


def arm_template(entry: StackReport, version: str) -> dict[str, Any]:
    """The deploymentTemplate of one stack's registered resources (at resource-group scope)."""
    by_urn = {r.urn: r for r in entry.resources}
    exported = {r.urn: (r, ARM_TYPES[r.type]) for r in entry.resources if r.type in ARM_TYPES}
    groups = [r for r in entry.resources if r.type == types.RESOURCE_GROUP]
    home = groups[0].props.get("resourceGroupName") if groups else None
    ids, nested = _placement(exported, home)
    resources = []
    for urn, (resource, arm) in exported.items():
        depends = [ids[d] for d in _exported_dependencies(resource, by_urn, exported)]
        item = arm_resource(resource, arm, depends, _project_principal(resource, by_urn))
        subscription = _subscription_of(resource, arm)
        if subscription is not None:
            location = groups[0].props.get("location") if groups else None
            item = _at_subscription(item, _nested_name(resource, arm), subscription, location)
        resources.append(_nested(item, _nested_name(resource, arm), nested[urn]) if urn in nested else item)
    metadata: dict[str, Any] = {
        "generator": f"foundry-iac {version}",
        "stack": entry.stack,
        "file": entry.file,
        "resourceGroup": home,
    }
    skipped = _not_exported(entry)
    if skipped:
        metadata["notExported"] = skipped
    return {
        "$schema": TEMPLATE_SCHEMA,
        "contentVersion": "1.0.0.0",
        "metadata": metadata,
        "resources": resources,
    }
