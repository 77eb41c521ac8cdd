"""approved-models, model-version-pinned and content-filter on hand-built deployments, against a small
catalog made from the real one: each finding's exact words and the resource it is reported on."""

from __future__ import annotations

import json

import pytest

from components.catalog import CATALOG_PATH, parse_catalog
from policies.framework import Resource
from policies.models import check_approved, check_filter, check_pinned

ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"


@pytest.fixture
def small_catalog(monkeypatch):
    """gpt-4o alone, with two versions; Standard in eastus and westus only, DataZoneStandard only for
    2024-08-06 in swedencentral, GlobalStandard everywhere."""
    data = json.loads(CATALOG_PATH.read_text())
    model = data["models"]["gpt-4o"]
    model["versions"] = {v: model["versions"][v] for v in ("2024-11-20", "2024-08-06")}
    offers = {o["sku"]: o for o in model["offers"]}
    offers["Standard"]["regions"] = ["eastus", "westus"]
    offers["DataZoneStandard"].update(regions=["swedencentral"], versions=["2024-08-06"])
    model["offers"] = [offers["GlobalStandard"], offers["DataZoneStandard"], offers["Standard"]]
    data["models"] = {"gpt-4o": model}
    fake = parse_catalog(data, "small")
    import policies.models

    monkeypatch.setattr(policies.models, "catalog", lambda: fake)
    return fake


def account(name: str, region: str) -> Resource:
    return Resource(ACCOUNT, name, f"urn:{name}", {"accountName": name, "location": region})


def deployment(
    name: str,
    model: str = "gpt-4o",
    version: str | None = "2024-11-20",
    sku: str = "GlobalStandard",
    model_format: str = "OpenAI",
    account_name: str = "acct",
) -> Resource:
    props = {
        "accountName": account_name,
        "deploymentName": name,
        "sku": {"name": sku, "capacity": 1},
        "properties": {"model": {"format": model_format, "name": model, "version": version}},
    }
    return Resource(DEPLOYMENT, f"{account_name}-{name}", f"urn:{name}", props)


def approved(resources: list[Resource], models: dict | None = None) -> list[tuple[str, str | None]]:
    config = {"approvedModels": {"gpt-4o": []} if models is None else models}
    return [(f.message, f.resource.urn if f.resource else None) for f in check_approved(resources, config)]


def test_an_approved_catalog_model_offered_in_the_region_passes(small_catalog):
    assert approved([account("acct", "westus"), deployment("a"), deployment("b", sku="Standard")]) == []


def test_a_model_outside_the_catalog_is_named_and_the_next_deployment_still_checked(small_catalog):
    stack = [account("acct", "westus"), deployment("a", model="gpt-9"), deployment("b", model_format="xAI")]
    assert approved(stack) == [
        ("acct/a: model 'gpt-9' is not in the model catalog", "urn:a"),
        ("acct/b: gpt-4o has format 'OpenAI' in the catalog, not 'xAI'", "urn:b"),
    ]


def test_a_version_outside_the_catalog_lists_the_known_ones(small_catalog):
    assert approved([deployment("a", version="2023-01-01")]) == [
        ("acct/a: version '2023-01-01' of gpt-4o is not in the catalog (known: 2024-11-20, 2024-08-06)", "urn:a")
    ]


@pytest.mark.parametrize(
    "models,listed",
    [({}, "empty"), ({"o3": [], "gpt-5": ["x"]}, "gpt-5, o3")],
)
def test_a_model_off_the_approved_list_lists_the_approved_ones(small_catalog, models, listed):
    assert approved([deployment("a")], models) == [
        (f"acct/a: gpt-4o is not on this stack's approved list ({listed}); get it approved or remove it", "urn:a")
    ]


def test_an_empty_version_list_approves_every_version_and_a_list_only_its_own(small_catalog):
    old = deployment("a", version="2024-08-06")
    assert approved([old], {"gpt-4o": []}) == []
    assert approved([old], {"gpt-4o": ["2024-08-06", "2024-11-20"]}) == []
    assert approved([old], {"gpt-4o": ["2024-11-20", "2025-01-01"]}) == [
        ("acct/a: gpt-4o version '2024-08-06' is not approved (approved: 2024-11-20, 2025-01-01)", "urn:a")
    ]


def test_a_type_offered_elsewhere_names_the_regions_it_is_offered_in(small_catalog):
    old = deployment("a", version="2024-08-06", sku="Standard")
    assert approved([account("acct", "northeurope"), old]) == [
        (
            "acct/a: the catalog offers gpt-4o as Standard only in eastus, westus, not in northeurope "
            "(offered types: DataZoneStandard, GlobalStandard, Standard)",
            "urn:a",
        )
    ]


def test_a_type_not_offered_for_the_version_says_not_at_all_and_lists_the_versions_types(small_catalog):
    stack = [
        account("acct", "swedencentral"),
        deployment("new", sku="DataZoneStandard"),
        deployment("old", version="2024-08-06", sku="DataZoneStandard"),
    ]
    assert approved(stack) == [
        (
            "acct/new: the catalog offers gpt-4o as DataZoneStandard not at all, not in swedencentral "
            "(offered types: GlobalStandard, Standard)",
            "urn:new",
        )
    ]


def test_a_deployment_whose_account_is_not_in_the_stack_is_not_judged_on_region(small_catalog):
    assert approved([deployment("a", sku="Standard", account_name="elsewhere")]) == []


# --- model-version-pinned and content-filter -----------------------------------------------------------


def bare(properties: dict) -> Resource:
    return Resource(DEPLOYMENT, "dep", "urn:dep", {"properties": properties})


def messages(findings) -> list[tuple[str, str]]:
    return [(f.message, f.resource.urn) for f in findings]


def test_a_pinned_deployment_without_auto_upgrade_passes():
    props = {"model": {"name": "gpt-4o", "version": "2024-11-20"}, "versionUpgradeOption": "NoAutoUpgrade"}
    assert messages(check_pinned(bare(props), {})) == []


def test_an_unpinned_auto_upgrading_deployment_gets_both_findings():
    props = {"model": {"name": "gpt-4o"}, "versionUpgradeOption": "OnceNewDefaultVersionAvailable"}
    assert messages(check_pinned(bare(props), {})) == [
        ("dep: model gpt-4o has no version; pin one (set `version:` on the deployment)", "urn:dep"),
        (
            "dep: versionUpgradeOption is 'OnceNewDefaultVersionAvailable'; set `versionUpgrade: NoAutoUpgrade` "
            "so versions change only through a reviewed change",
            "urn:dep",
        ),
    ]


def test_a_deployment_without_properties_is_unpinned():
    assert [m for m, _ in messages(check_pinned(Resource(DEPLOYMENT, "dep", "urn:dep", {}), {}))] == [
        "dep: model None has no version; pin one (set `version:` on the deployment)",
        "dep: versionUpgradeOption is None; set `versionUpgrade: NoAutoUpgrade` so versions change only through a "
        "reviewed change",
    ]


def test_a_deployment_without_a_filter_is_told_the_default():
    assert messages(check_filter(bare({}), {"allowedFilters": ["Microsoft.DefaultV2"]})) == [
        (
            "dep: no content filter (raiPolicyName); set `contentFilter:` (Microsoft.DefaultV2 is Azure's default)",
            "urn:dep",
        )
    ]


@pytest.mark.parametrize("allowed", [None, [], ["strict", "Microsoft.DefaultV2"]])
def test_any_filter_passes_without_a_list_and_a_listed_one_with_it(allowed):
    config = {} if allowed is None else {"allowedFilters": allowed}
    assert messages(check_filter(bare({"raiPolicyName": "Microsoft.DefaultV2"}), config)) == []


def test_a_filter_off_the_allowed_list_lists_the_allowed_ones():
    config = {"allowedFilters": ["strict", "Microsoft.DefaultV2"]}
    assert messages(check_filter(bare({"raiPolicyName": "loose"}), config)) == [
        ("dep: content filter 'loose' is not allowed (allowed: strict, Microsoft.DefaultV2)", "urn:dep")
    ]
