"""Which models may be deployed, pinned and filtered: approved-models, model-version-pinned,
content-filter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.text import listing

from .common import DEPLOYMENT, catalog, deployments, routed_models
from .framework import Finding, PolicySpec, Resource, resource_policy, stack_policy


def check_approved(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Format, name and version are in the catalog and the approved list; the type is offered there."""
    approved: Mapping[str, list[str]] = config.get("approvedModels") or {}
    cat = catalog()
    for dep in deployments(resources):
        entry = cat.models.get(dep.model)
        if entry is None:
            yield Finding(f"{dep.label}: model {dep.model!r} is not in the model catalog", dep.resource)
            continue
        if dep.model_format != entry.format:
            yield Finding(
                f"{dep.label}: {dep.model} has format {entry.format!r} in the catalog, not {dep.model_format!r}",
                dep.resource,
            )
        if dep.version is not None and dep.version not in entry.versions:
            yield Finding(
                f"{dep.label}: version {dep.version!r} of {dep.model} is not in the catalog "
                f"(known: {listing(entry.versions)})",
                dep.resource,
            )
        if dep.model not in approved:
            yield Finding(
                f"{dep.label}: {dep.model} is not on this stack's approved list "
                f"({listing(sorted(approved), empty='empty')}); get it approved or remove it",
                dep.resource,
            )
        elif approved[dep.model] and dep.version not in approved[dep.model]:
            yield Finding(
                f"{dep.label}: {dep.model} version {dep.version!r} is not approved "
                f"(approved: {listing(approved[dep.model])})",
                dep.resource,
            )
        routed = routed_models(dep.model, dep.version)
        if routed is None:
            yield Finding(
                f"{dep.label}: {dep.model} {dep.version} is a router version whose routed models the catalog does "
                "not list, so what it may send prompts to cannot be approved; add its routesTo to the catalog "
                "(from the router's documentation), or deploy a version the catalog lists",
                dep.resource,
            )
        unapproved = [m for m in [*routed[0], *routed[1]] if m not in approved] if routed is not None else []
        if unapproved:
            yield Finding(
                f"{dep.label}: {dep.model} {dep.version} may route prompts to models not on this stack's approved "
                f"list: {listing(unapproved)}; approve them (by catalog name, or as the router's documentation "
                "names them when the catalog does not know them), or do not deploy the router",
                dep.resource,
            )
        if dep.region is not None and not cat.offered_in(dep.model, dep.sku, dep.region, dep.version):
            offer = entry.offer(
                dep.sku, dep.version
            )  # when there is one, it lists regions ("all" would cover this one)
            where = f"only in {listing(offer.regions)}" if offer else "not at all"
            offered = ", ".join(sorted({o.sku for o in entry.offers if o.covers(dep.version)}))
            yield Finding(
                f"{dep.label}: the catalog offers {dep.model} as {dep.sku} {where}, not in {dep.region} "
                f"(offered types: {offered})",
                dep.resource,
            )


def check_pinned(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """The model version is set and never upgraded automatically."""
    props = resource.props.get("properties") or {}
    model = props.get("model") or {}
    if not model.get("version"):
        yield Finding(
            f"{resource.name}: model {model.get('name')} has no version; pin one (set `version:` on the deployment)",
            resource,
        )
    if props.get("versionUpgradeOption") != "NoAutoUpgrade":
        yield Finding(
            f"{resource.name}: versionUpgradeOption is {props.get('versionUpgradeOption')!r}; set "
            "`versionUpgrade: NoAutoUpgrade` so versions change only through a reviewed change",
            resource,
        )


def check_filter(resource: Resource, config: Mapping[str, Any]) -> Iterable[Finding]:
    """A content filter (raiPolicyName) is set, and is one of the allowed ones when a list is given."""
    allowed = list(config.get("allowedFilters") or [])
    name = (resource.props.get("properties") or {}).get("raiPolicyName")
    if not name:
        yield Finding(
            f"{resource.name}: no content filter (raiPolicyName); set `contentFilter:` "
            "(Microsoft.DefaultV2 is Azure's default)",
            resource,
        )
    elif allowed and name not in allowed:
        yield Finding(
            f"{resource.name}: content filter {name!r} is not allowed (allowed: {listing(allowed)})", resource
        )


APPROVED = PolicySpec(
    id="approved-models",
    description="Model format, name and version are in the catalog and on the stack's approved list, and the "
    "catalog says the model is offered on that deployment type in that region.",
    remediation="Deploy an approved model and version, on a deployment type the catalog offers in the account's "
    "region; to approve a new model, add it to approvedModels through a reviewed change.",
    severity=Severity.HIGH,
    properties={
        "approvedModels": {
            "type": "object",
            "description": "model name -> approved versions ([] = any)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
    required=["approvedModels"],
)
PINNED = PolicySpec(
    id="model-version-pinned",
    description="Each deployment pins its model version and sets versionUpgradeOption NoAutoUpgrade.",
    remediation="Set `version:` and `versionUpgrade: NoAutoUpgrade` on the deployment.",
    severity=Severity.MEDIUM,
)
FILTER = PolicySpec(
    id="content-filter",
    description="Each deployment has a content filter (raiPolicyName).",
    remediation="Set `contentFilter:` on the deployment (Microsoft.DefaultV2 or an approved custom filter).",
    severity=Severity.HIGH,
    properties={"allowedFilters": {"type": "array", "items": {"type": "string"}}},
)

approved_models = stack_policy(APPROVED, check_approved)
model_version_pinned = resource_policy(PINNED, check_pinned, (DEPLOYMENT,))
content_filter = resource_policy(FILTER, check_filter, (DEPLOYMENT,))
