"""What several policies need: resource types, and reading deployments and accounts from resources."""

from __future__ import annotations

from dataclasses import dataclass

from components import resource_types as types
from components.catalog import Catalog, load_catalog
from components.tags import INPUT_TOKENS_TAG, OUTPUT_TOKENS_TAG

from .framework import Resource

ACCOUNT = types.ACCOUNT
DEPLOYMENT = types.DEPLOYMENT
PROJECT = types.PROJECT
RESOURCE_GROUP = types.RESOURCE_GROUP


def catalog() -> Catalog:
    """The model catalog (loaded once per process)."""
    return load_catalog()


@dataclass(frozen=True)
class DeploymentView:
    """A deployment's policy-relevant values, joined with its account's region."""

    resource: Resource
    account: str
    region: str | None
    sku: str
    capacity: int
    model_format: str | None
    model: str
    version: str | None
    input_tokens: int
    output_tokens: int

    @property
    def label(self) -> str:
        """How messages name the deployment: account/deployment."""
        return f"{self.account}/{self.resource.props.get('deploymentName', self.resource.name)}"


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def deployment_view(resource: Resource, regions: dict[str, str]) -> DeploymentView:
    """Read one deployment resource (regions: account name -> location in this stack)."""
    props = resource.props
    sku = props.get("sku") or {}
    model = (props.get("properties") or {}).get("model") or {}
    tags = props.get("tags") or {}
    account = str(props.get("accountName", ""))
    return DeploymentView(
        resource=resource,
        account=account,
        region=regions.get(account),
        sku=str(sku.get("name", "")),
        capacity=_int(sku.get("capacity")),  # missing or not a whole number: 0
        model_format=model.get("format"),
        model=str(model.get("name", "")),
        version=model.get("version"),
        input_tokens=_int(tags.get(INPUT_TOKENS_TAG)),
        output_tokens=_int(tags.get(OUTPUT_TOKENS_TAG)),
    )


def account_suffix(account: Resource) -> str:
    """The lower-case end of an account's ARM id (resource group onwards), to match ids that name it."""
    props = account.props
    return (
        f"/resourcegroups/{str(props.get('resourceGroupName', '')).lower()}/providers/"
        f"microsoft.cognitiveservices/accounts/{str(props.get('accountName', '')).lower()}"
    )


def endpoint_targets(endpoint: Resource) -> list[tuple[str, list[str]]]:
    """(target resource id in lower case, group ids) of each connection of a private endpoint."""
    out = []
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in endpoint.props.get(key) or []:
            out.append((str(conn.get("privateLinkServiceId", "")).lower(), list(conn.get("groupIds") or [])))
    return out


def account_regions(resources: list[Resource]) -> dict[str, str]:
    """Account name -> location, for the accounts of this stack."""
    return {str(r.props.get("accountName")): str(r.props.get("location")) for r in resources if r.type == ACCOUNT}


def deployments(resources: list[Resource]) -> list[DeploymentView]:
    """Every deployment of the stack, with its account's region."""
    regions = account_regions(resources)
    return [deployment_view(r, regions) for r in resources if r.type == DEPLOYMENT]


def routed_models(model: str, version: str | None) -> tuple[list[str], list[str]] | None:
    """(catalog names, names the catalog does not know) of the models a router version may send prompts to.

    Both empty for a model that is not a router. None for a router version whose routed models the catalog
    does not list (e.g. one `catalog sync` added): what it routes to is unknown, so policies fail closed.
    Names match the catalog without case (the router's documentation writes `Deepseek-v3.1` for the
    catalog's `DeepSeek-V3.1`).
    """
    entry = catalog().models.get(model)
    if entry is None:
        return [], []
    routes = entry.routes_to.get(version or entry.default_version)
    if routes is None:
        return None if entry.is_router(model) else ([], [])
    by_lower = {name.lower(): name for name in catalog().models}
    known = [by_lower[m.lower()] for m in routes.models if m.lower() in by_lower]
    unknown = [m for m in routes.models if m.lower() not in by_lower]
    return known, unknown
