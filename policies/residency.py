"""Data residency: where resources live (allowed-regions) and where prompts are processed
(residency-deployment-type).

Inference location follows the deployment type: Global* types and DeveloperTier may process prompts
in any Azure region, so they are never inside a boundary; DataZone* types process in the data zone
(EU or US) of the deployment's region, and only where the model is offered on that zone; regional
types (Standard, ProvisionedManaged) process in the deployment's region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components import resource_types as types
from components.catalog import Catalog, deployment_family

from .common import ACCOUNT, PROJECT, RESOURCE_GROUP, DeploymentView, catalog, deployments, routed_models
from .framework import Finding, PolicySpec, Resource, resource_policy, stack_policy

BOUNDARIES = "none, EU, US, or a single region name"


def region_inside(cat: Catalog, region: str, boundary: str) -> bool:
    """True when `region` lies inside `boundary` (none, EU, US, or one region)."""
    if boundary == "none":
        return True
    if boundary in ("EU", "US"):
        return cat.data_zone(region) == boundary
    return region == boundary


def inference_inside(cat: Catalog, model: str, sku: str, region: str, boundary: str) -> tuple[bool, str]:
    """Whether a deployment keeps inference inside the boundary, and why not when it does not."""
    if boundary == "none":
        return True, ""
    family = deployment_family(sku)
    if family in ("global", "developer"):
        return False, f"{sku} may process prompts in any Azure region"
    if family == "dataZone":
        zone = cat.data_zone(region)
        if boundary not in ("EU", "US"):
            return False, f"{sku} processes prompts anywhere in the {zone or 'no'} data zone, not only in {boundary}"
        if zone != boundary:
            return False, f"{sku} in {region} processes prompts in the {zone or 'no'} data zone, not {boundary}"
        if not cat.offered_in(model, sku, region):
            offer = cat.models[model].offer(sku) if model in cat.models else None  # never "all" regions here
            where = f"only in {', '.join(offer.regions)}" if offer else "nowhere"
            return False, f"{model} is offered as {sku} {where}, so {region} cannot keep its prompts in {boundary}"
        return True, ""
    if not region_inside(cat, region, boundary):
        return False, f"{sku} processes prompts in {region}, which is outside {boundary}"
    return True, ""


def compliant_options(cat: Catalog, model: str, region: str, boundary: str) -> list[str]:
    """Deployment types of `model` that keep inference inside the boundary from `region`."""
    entry = cat.models.get(model)
    if entry is None:
        return []
    return [
        o.sku
        for o in entry.offers
        if cat.offered_in(model, o.sku, region) and inference_inside(cat, model, o.sku, region, boundary)[0]
    ]


def check_spillover(deps: list[DeploymentView], boundary: str, cat: Catalog) -> Iterable[Finding]:
    """A provisioned deployment's spillover traffic is processed under its target's type: it must comply too."""
    by_name = {(d.account, d.resource.props.get("deploymentName")): d for d in deps}
    for dep in deps:
        target_name = (dep.resource.props.get("properties") or {}).get("spilloverDeploymentName")
        target = by_name.get((dep.account, target_name))  # None when it names none
        if target is None or target.region is None:
            continue
        inside, why = inference_inside(cat, target.model, target.sku, target.region, boundary)
        if not inside:
            yield Finding(
                f"{dep.label}: its spillover traffic is processed under {target.label}'s type {target.sku}, which "
                f"breaks the {boundary} residency boundary: {why}; spill over to a deployment of a compliant type, "
                "or remove spilloverTo",
                dep.resource,
            )


FAMILY_ORDER = {"global": 0, "developer": 0, "dataZone": 1, "regional": 2}  # most permissive first


def routed_outside(cat: Catalog, dep: Any, boundary: str) -> list[str]:
    """Why a router deployment's routed prompts may leave the boundary: per routed model, and the unknown ones."""
    routed = routed_models(dep.model, dep.version)
    if routed is None:
        return [
            "the catalog lists no routed models for this router version, so where its prompts are processed is "
            "unknown (add its routesTo to the catalog from the router's documentation)"
        ]
    known, unknown = routed
    problems = []
    for model in known:
        if cat.offered_in(model, dep.sku, dep.region):
            continue  # served under the router's own type, judged with the router
        here = [o.sku for o in cat.models[model].offers if cat.offered_in(model, o.sku, dep.region)]
        sku = min(here, key=lambda s: FAMILY_ORDER[deployment_family(s)]) if here else "GlobalStandard"
        inside, why = inference_inside(cat, model, sku, dep.region, boundary)
        if not inside:
            offered = (
                f"offered in {dep.region} only as {', '.join(sorted(here))}" if here else f"not offered in {dep.region}"
            )
            problems.append(f"{model} ({offered}: {why})")
    if unknown:
        problems.append(
            f"{', '.join(unknown)}, which the catalog does not know, so where their prompts are processed is unknown"
        )
    return problems


def check_router(deps: list[DeploymentView], boundary: str, cat: Catalog) -> Iterable[Finding]:
    """A router is judged by the most permissive type among the models it may route to."""
    if boundary == "none":
        return
    for dep in deps:
        if dep.region is None:
            continue
        problems = routed_outside(cat, dep, boundary)
        if problems:
            yield Finding(
                f"{dep.label}: {dep.model} {dep.version} may route prompts outside the {boundary} residency boundary: "
                + "; ".join(problems)
                + "; deploy it only where every model it routes to complies, or waive it with reason, approver and "
                "expiry",
                dep.resource,
            )


def check_residency(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each deployment's type keeps inference inside the stack's boundary, spillover targets included."""
    boundary = str(config.get("boundary", "none"))
    cat = catalog()
    yield from check_spillover(deployments(resources), boundary, cat)
    yield from check_router(deployments(resources), boundary, cat)
    for dep in deployments(resources):
        if dep.region is None:
            yield Finding(f"{dep.label}: its account is not in this stack, so its region is unknown", dep.resource)
            continue
        inside, why = inference_inside(cat, dep.model, dep.sku, dep.region, boundary)
        if inside:
            continue
        options = compliant_options(cat, dep.model, dep.region, boundary)
        advice = (
            f"use {' or '.join(options)}"
            if options
            else f"no deployment type of {dep.model} keeps inference inside {boundary}: remove it, or add a "
            f"waiver with reason, approver and expiry"
        )
        yield Finding(
            f"{dep.label}: {dep.model} on {dep.sku} breaks the {boundary} residency boundary: {why}; {advice}",
            dep.resource,
        )


def check_region(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """A resource with a location is in one of the allowed regions."""
    allowed = list(config.get("allowedRegions") or [])
    location = resource.props.get("location")
    if location is not None and location not in allowed:
        yield Finding(
            f"{resource.name}: location {location!r} is not an allowed region "
            f"(allowed: {', '.join(allowed) or 'none'}); move it or extend allowedRegions",
            resource,
        )


ALLOWED_REGIONS = PolicySpec(
    id="allowed-regions",
    description="Every resource's location is one of the stack's allowed regions.",
    remediation="Set the account's `location` (or the stack's azure-native:location) to an allowed region, or "
    "add the region to allowedRegions in the stack's policy config.",
    severity=Severity.HIGH,
    properties={
        "allowedRegions": {
            "type": "array",
            "items": {"type": "string", "enum": sorted(catalog().regions)},
            "minItems": 1,
            "uniqueItems": True,
        }
    },
    required=["allowedRegions"],
)

RESIDENCY = PolicySpec(
    id="residency-deployment-type",
    description="Each model deployment's type keeps inference inside the stack's residency boundary: Global* and "
    "DeveloperTier never; DataZone* only where the region's data zone is the boundary and the model is "
    "offered there; Standard/ProvisionedManaged where the region is inside the boundary.",
    remediation="Pick a deployment type the catalog offers inside the boundary (DataZoneStandard or Standard in a "
    "region of the boundary). Grok's data zone is US only and DeepSeek is Global only: under an EU "
    "boundary neither can comply, so remove the deployment or record an expiring waiver.",
    severity=Severity.CRITICAL,
    properties={
        "boundary": {
            "type": "string",
            "enum": ["none", "EU", "US", *sorted(catalog().regions)],
            "description": f"Residency boundary: {BOUNDARIES}.",
        }
    },
    required=["boundary"],
)

# Private DNS zones are global by nature; every other located resource must be in an allowed region.
LOCATED = (
    RESOURCE_GROUP,
    ACCOUNT,
    PROJECT,
    types.PRIVATE_ENDPOINT,
    types.LOG_ANALYTICS_WORKSPACE,
)
allowed_regions = resource_policy(ALLOWED_REGIONS, check_region, LOCATED)
residency_deployment_type = stack_policy(RESIDENCY, check_residency)
