"""model-router: judged by the models it may route to (catalog `routesTo`, from the router's documentation)."""

from __future__ import annotations

import pytest

from policies.common import routed_models
from tests.conftest import unwaived

ROUTER = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: swedencentral
  foundry-iac:environment: nonproduction
  foundry-iac:tags: {owner: team-a}
  foundry-iac:accounts:
    - name: fdy-test
      network: {publicAccess: true, ipRules: [203.0.113.0/24]}
      deployments:
        - model: model-router
          version: "{version}"
          type: DataZoneStandard
          capacity: 10
"""
ALL_ROUTED = {
    name: []
    for name in [
        "model-router",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-nano",
        "o4-mini",
        "gpt-5-nano",
        "gpt-5-mini",
        "gpt-5",
        "gpt-5-chat",
        "DeepSeek-V3.1",
        "gpt-oss-120b",
        "llama4-maverick-instruct",
        "grok-4",
        "grok-4-fast",
        "claude-haiku-4-5",
        "claude-opus-4-1",
        "claude-sonnet-4-5",
    ]
}


# the router has no price in the catalog and no quota of its own there: those policies are not under test
UNPRICED = {"cost_budget": "disabled", "deployment_cost_ceiling": "disabled", "quota_capacity": "disabled"}


def router(version: str = "2025-11-18") -> str:
    return ROUTER.replace("{version}", version)


def test_routed_models_match_the_catalog_without_case_and_list_the_unknown():
    known, unknown = routed_models("model-router", "2025-11-18")
    assert "DeepSeek-V3.1" in known and "grok-4" in known and "gpt-4.1" in known
    assert unknown == [
        "gpt-5-chat",
        "gpt-oss-120b",
        "llama4-maverick-instruct",
        "grok-4-fast",
        "claude-haiku-4-5",
        "claude-opus-4-1",
        "claude-sonnet-4-5",
    ]
    assert routed_models("gpt-4o", "2024-11-20") == ([], [])
    assert routed_models("model-router", None) == routed_models("model-router", "2025-11-18")  # the default


def test_a_router_that_may_route_to_global_only_models_breaks_the_eu_boundary(gate):
    entry = gate(
        router(),
        approved_models={"approvedModels": ALL_ROUTED},
        **UNPRICED,
    )
    (finding,) = unwaived(entry, "residency-deployment-type")
    assert finding["message"].startswith(
        "fdy-test/model-router: model-router 2025-11-18 may route prompts outside the EU residency boundary: "
        "DeepSeek-V3.1 (offered in swedencentral only as GlobalStandard: GlobalStandard may process prompts in any "
        "Azure region); grok-4 (offered in swedencentral only as GlobalStandard: GlobalStandard may process prompts in "
        "any Azure region); gpt-5-chat, gpt-oss-120b, llama4-maverick-instruct, grok-4-fast, claude-haiku-4-5, "
        "claude-opus-4-1, claude-sonnet-4-5, which the catalog does not know, so where their prompts are processed "
        "is unknown; deploy it only where every model it routes to complies"
    )
    assert not unwaived(entry, "approved-models")  # every routed model approved, by catalog or documentation name


def test_a_router_whose_models_are_all_offered_on_its_type_here_keeps_the_boundary(gate):
    entry = gate(
        router("2025-05-19"),
        approved_models={"approvedModels": ALL_ROUTED},
        **UNPRICED,
        model_lifecycle="disabled",
    )
    assert not unwaived(entry, "residency-deployment-type"), entry["violations"]


def test_without_a_boundary_the_router_is_not_judged_for_residency(gate):
    entry = gate(
        router(),
        residency_deployment_type={"boundary": "none"},
        approved_models={"approvedModels": ALL_ROUTED},
        **UNPRICED,
    )
    assert not unwaived(entry, "residency-deployment-type")


def test_approved_models_names_every_routed_model_not_approved(gate):
    approved = {"model-router": [], "gpt-4.1": [], "gpt-4.1-mini": [], "gpt-4.1-nano": []}
    entry = gate(
        router("2025-05-19"),
        approved_models={"approvedModels": approved},
        **UNPRICED,
        model_lifecycle="disabled",
    )
    (finding,) = unwaived(entry, "approved-models")
    assert finding["message"] == (
        "fdy-test/model-router: model-router 2025-05-19 may route prompts to models not on this stack's approved "
        "list: o4-mini; approve them (by catalog name, or as the router's documentation names them when the catalog "
        "does not know them), or do not deploy the router"
    )
    assert finding["urn"].endswith("::fdy-test-deployment-model-router")
    del approved["gpt-4.1-nano"]
    entry = gate(
        router("2025-05-19"),
        approved_models={"approvedModels": approved},
        **UNPRICED,
        model_lifecycle="disabled",
    )
    assert "list: gpt-4.1-nano, o4-mini; approve" in unwaived(entry, "approved-models")[0]["message"]


# --- the router rule on a catalog made for it -------------------------------------------------------------


@pytest.fixture
def router_catalog(monkeypatch):
    """The real catalog plus two made-up models (one only regional in swedencentral, one not offered there),
    and the router routing to them, to gpt-4o, grok-4 and a model the catalog does not know."""
    import copy
    import json

    import policies.common
    from components.catalog import CATALOG_PATH, parse_catalog

    data = json.loads(CATALOG_PATH.read_text())
    base = data["models"]["gpt-4o"]
    standard = next(o for o in base["offers"] if o["sku"] == "Standard")
    regional = copy.deepcopy(base)
    regional["offers"] = [{**copy.deepcopy(standard), "regions": ["swedencentral"]}]
    elsewhere = copy.deepcopy(base)
    elsewhere["offers"] = [{**copy.deepcopy(standard), "sku": "DataZoneStandard", "regions": ["eastus2"]}]
    data["models"]["reg-only"], data["models"]["nowhere"] = regional, elsewhere
    deepseek = data["models"]["DeepSeek-V3.2"]
    zone_ptu = next(o for o in deepseek["offers"] if o["sku"] == "DataZoneProvisionedManaged")
    zone_first = copy.deepcopy(deepseek)  # listed zone first: the most permissive type is not the first one
    others = [o for o in zone_first["offers"] if o["sku"] != "DataZoneProvisionedManaged"]
    zone_first["offers"] = [copy.deepcopy(zone_ptu), *others]
    zone_regional = copy.deepcopy(deepseek)  # a data-zone PTU and a regional type: stays in the EU
    zone_regional["offers"] = [copy.deepcopy(zone_ptu), {**copy.deepcopy(standard), "regions": ["swedencentral"]}]
    data["models"]["zone-first"], data["models"]["zone-regional"] = zone_first, zone_regional
    routes = data["models"]["model-router"]["routesTo"]["2025-11-18"]
    routes["models"] = ["gpt-4o", "grok-4", "reg-only", "nowhere", "zone-first", "zone-regional", "Mystery-1"]
    fake = parse_catalog(data, "router")
    monkeypatch.setattr(policies.common, "catalog", lambda: fake)
    return fake


def view(region: str | None, sku: str = "DataZoneStandard"):
    from policies.common import deployment_view
    from policies.framework import Resource

    props = {
        "accountName": "a",
        "deploymentName": "router",
        "sku": {"name": sku, "capacity": 1},
        "properties": {"model": {"format": "OpenAI", "name": "model-router", "version": "2025-11-18"}},
    }
    resource = Resource("azure-native:cognitiveservices:Deployment", "a-router", "urn:router", props)
    return deployment_view(resource, {"a": region} if region else {})


GLOBAL_WHY = "GlobalStandard may process prompts in any Azure region"


def test_each_routed_model_is_judged_by_its_most_permissive_type_in_the_region(router_catalog):
    from policies.residency import routed_outside

    assert routed_outside(router_catalog, view("swedencentral"), "EU") == [
        f"grok-4 (offered in swedencentral only as GlobalStandard: {GLOBAL_WHY})",
        f"nowhere (not offered in swedencentral: {GLOBAL_WHY})",
        "zone-first (offered in swedencentral only as DataZoneProvisionedManaged, GlobalProvisionedManaged, "
        f"GlobalStandard: {GLOBAL_WHY})",
        "Mystery-1, which the catalog does not know, so where their prompts are processed is unknown",
    ]  # gpt-4o runs under the router's own type; reg-only stays in swedencentral; zone-regional in the EU zone


def test_check_router_skips_deployments_without_a_region_and_reports_each_router(router_catalog):
    from policies.residency import check_router

    deps = [view(None), view("swedencentral")]
    (finding,) = check_router(deps, "EU", router_catalog)
    assert finding.resource is deps[1].resource
    assert finding.message == (
        "a/router: model-router 2025-11-18 may route prompts outside the EU residency boundary: "
        f"grok-4 (offered in swedencentral only as GlobalStandard: {GLOBAL_WHY}); "
        f"nowhere (not offered in swedencentral: {GLOBAL_WHY}); "
        "zone-first (offered in swedencentral only as DataZoneProvisionedManaged, GlobalProvisionedManaged, "
        f"GlobalStandard: {GLOBAL_WHY}); "
        "Mystery-1, which the catalog does not know, so where their prompts are processed is unknown; "
        "deploy it only where every model it routes to complies, or waive it with reason, approver and expiry"
    )
    assert list(check_router(deps, "none", router_catalog)) == []


def test_a_model_outside_the_catalog_routes_nowhere():
    assert routed_models("no-such-model", "1") == ([], [])


@pytest.fixture
def unrouted_catalog(monkeypatch):
    """The catalog with a router version `catalog sync` added: known to Azure, its routed models not listed."""
    import copy
    import json

    import policies.common
    import policies.models
    from components.catalog import CATALOG_PATH, parse_catalog

    data = json.loads(CATALOG_PATH.read_text())
    router_entry = data["models"]["model-router"]
    router_entry["versions"]["2026-12-01"] = copy.deepcopy(router_entry["versions"]["2025-11-18"])
    fake = parse_catalog(data, "unrouted")
    monkeypatch.setattr(policies.common, "catalog", lambda: fake)
    monkeypatch.setattr(policies.models, "catalog", lambda: fake)
    return fake


def unrouted_view(region: str | None = "swedencentral"):
    from policies.common import deployment_view
    from policies.framework import Resource

    props = {
        "accountName": "a",
        "deploymentName": "router",
        "sku": {"name": "DataZoneStandard", "capacity": 1},
        "properties": {"model": {"format": "OpenAI", "name": "model-router", "version": "2026-12-01"}},
    }
    resource = Resource("azure-native:cognitiveservices:Deployment", "a-router", "urn:router", props)
    return resource, deployment_view(resource, {"a": region} if region else {})


def test_a_router_version_without_routes_is_unknown_not_a_model_that_routes_nowhere(unrouted_catalog):
    assert routed_models("model-router", "2026-12-01") is None
    assert routed_models("model-router", "2025-11-18") is not None  # listed versions still resolve
    assert routed_models("gpt-4o", "2024-11-20") == ([], [])  # not a router


def test_residency_fails_closed_on_a_router_version_without_routes(unrouted_catalog):
    from policies.residency import check_router

    _, dep = unrouted_view()
    (finding,) = check_router([dep], "EU", unrouted_catalog)
    assert (
        "the catalog lists no routed models for this router version, so where its prompts are processed is "
        "unknown (add its routesTo to the catalog from the router's documentation)" in finding.message
    )
    assert list(check_router([dep], "none", unrouted_catalog)) == []  # no boundary: nothing to keep


def test_approval_fails_closed_on_a_router_version_without_routes(unrouted_catalog):
    from policies.framework import Resource
    from policies.models import check_approved

    resource, _ = unrouted_view()
    account = Resource(
        "azure-native:cognitiveservices:Account", "a", "urn:a", {"accountName": "a", "location": "swedencentral"}
    )
    approved = {"approvedModels": {"model-router": []}}
    findings = [f for f in check_approved([account, resource], approved) if "router version" in f.message]
    assert [(f.message, f.resource) for f in findings] == [
        (
            "a/router: model-router 2026-12-01 is a router version whose routed models the catalog does not list, "
            "so what it may send prompts to cannot be approved; add its routesTo to the catalog (from the router's "
            "documentation), or deploy a version the catalog lists",
            resource,
        )
    ]


def test_catalog_sync_says_a_new_router_version_has_no_routes():
    import datetime as dt
    import json

    from components.catalog import CATALOG_PATH
    from foundry_iac.azure.catalog_sync import merge_models

    raw = json.loads(CATALOG_PATH.read_text())
    item = {
        "name": "model-router",
        "format": "OpenAI",
        "version": "2026-12-01",
        "default": False,
        "status": "GenerallyAvailable",
        "retirement": None,
        "replacement": None,
        "skus": [],
    }
    other = {**item, "name": "gpt-4o", "version": "2026-12-01"}
    result = merge_models(raw, {"swedencentral": [item, other]}, dt.date(2026, 12, 3))
    (line,) = [c for c in result.changes if c.startswith("new version model-router")]
    assert line.endswith(
        ": a router version without its routed models, so residency and approval fail closed on it until routesTo "
        "lists them (from the router's documentation)"
    )
    (plain,) = [c for c in result.changes if c.startswith("new version gpt-4o")]
    assert plain == "new version gpt-4o 2026-12-01 (GenerallyAvailable)"
