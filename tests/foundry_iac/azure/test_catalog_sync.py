"""`catalog sync` through azure-mgmt-cognitiveservices against a fake ARM on 127.0.0.1 (HTTPS, paged)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from azure.mgmt.cognitiveservices import models as arm_models

from components.catalog import CATALOG_PATH, parse_catalog
from components.errors import ServiceError
from foundry_iac.azure.catalog_sync import CatalogSyncError, sync_catalog
from foundry_iac.cli.main import main
from tests.foundry_iac.azure.conftest import StaticToken, endpoint

SUB = "11111111-2222-3333-4444-555555555555"
API = {"api-version": "2025-06-01"}
TODAY = dt.date(2026, 11, 30)


def models_path(region: str) -> str:
    return f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/{region}/models"


def model(name: str, version: str, status: str, skus: list[dict], fmt: str = "OpenAI", **extra) -> dict:
    return {
        "kind": "AIServices",
        "skuName": "S0",
        "model": {"format": fmt, "name": name, "version": version, "lifecycleStatus": status, "skus": skus, **extra},
    }


def sku(name: str, usage: str, **capacity) -> dict:
    out: dict = {"name": name, "usageName": usage}
    if capacity:
        out["capacity"] = capacity
    return out


# Page 1: a new version of an existing model (gpt-5.1), a lifecycle change (gpt-5 GA -> Deprecating,
# which the docs call Deprecated), a corrected usage name (gpt-4.1 DataZoneStandard) and PTU rules.
PAGE_1 = {
    "value": [
        model("gpt-5.1", "2026-11-02", "Preview", [sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5.1")]),
        model(
            "gpt-5",
            "2025-08-07",
            "Deprecating",
            [sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5", minimum=1, maximum=1000, step=1)],
            deprecation={"inference": "2027-02-09T00:00:00Z"},
            replacementConfig={"targetModelName": "gpt-5.1", "targetModelVersion": "2025-11-13"},
        ),
    ],
    "nextLink": None,
}
PAGE_2 = {
    "value": [
        model(
            "gpt-4.1",
            "2025-04-14",
            "Deprecating",
            [
                sku("DataZoneStandard", "OpenAI.DataZoneStandard.gpt-4.1-dz"),
                sku("GlobalProvisionedManaged", "OpenAI.GlobalProvisionedManaged", minimum=15, maximum=500, step=5),
            ],
        ),
        model("grok-5", "1", "Preview", [sku("GlobalStandard", "AIServices.GlobalStandard.grok-5")], fmt="xAI"),
    ]
}


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog.json"
    shutil.copyfile(CATALOG_PATH, target)
    return target


def serve_pages(server, region: str = "eastus2") -> None:
    first = dict(PAGE_1, nextLink=f"{endpoint(server)}{models_path(region)}?api-version=2025-06-01&page=2")
    server.expect_request(models_path(region), query_string={**API, "page": "2"}).respond_with_json(PAGE_2)
    server.expect_request(models_path(region), query_string=API).respond_with_json(first)


def run(server, tls, catalog: Path, regions=("eastus2",), **kwargs):
    return sync_catalog(
        catalog,
        SUB,
        list(regions),
        StaticToken(),
        endpoint(server),
        verify=str(tls[1]),
        retry_backoff=0.01,
        today=TODAY,
        **kwargs,
    )


def test_the_fake_answers_are_valid_models_api_shapes():
    for page in (PAGE_1, PAGE_2):
        result = arm_models.ModelListResult.deserialize(page)
        assert all(m.model.name for m in result.value)


def test_sync_merges_new_versions_lifecycle_changes_and_usage_names(arm, tls, catalog_copy):
    serve_pages(arm)
    result = run(arm, tls, catalog_copy)
    cat = parse_catalog(json.loads(catalog_copy.read_text()))
    assert "new version gpt-5.1 2026-11-02 (Preview)" in result.changes
    assert cat.models["gpt-5.1"].versions["2026-11-02"].status == "Preview"
    assert "lifecycle gpt-5 2025-08-07: GenerallyAvailable -> Deprecated" in result.changes
    assert cat.models["gpt-5"].versions["2025-08-07"].status_on(TODAY) == "Deprecated"
    assert cat.models["gpt-5"].versions["2025-08-07"].replacement == "gpt-5.1 2025-11-13"
    assert (
        "usage name corrected gpt-4.1 DataZoneStandard: OpenAI.DataZoneStandard.gpt4.1 -> "
        "OpenAI.DataZoneStandard.gpt-4.1-dz" in result.changes
    )
    offer = cat.models["gpt-4.1"].offer("DataZoneStandard")
    assert offer.usage_name == "OpenAI.DataZoneStandard.gpt-4.1-dz" and "usageName" not in offer.unverified
    assert "synced 2026-11-30" in offer.source


def test_a_model_the_catalog_lacks_is_added_unpriced(arm, tls, catalog_copy):
    serve_pages(arm)
    result = run(arm, tls, catalog_copy)
    cat = parse_catalog(json.loads(catalog_copy.read_text()))
    assert cat.models["grok-5"].prices == {} and cat.models["grok-5"].format == "xAI"
    assert any(c.startswith("new model grok-5 (xAI): unpriced") for c in result.changes)


def test_an_offer_azure_no_longer_lists_in_a_region_is_removed_there(arm, tls, catalog_copy):
    serve_pages(arm)
    result = run(arm, tls, catalog_copy)
    cat = parse_catalog(json.loads(catalog_copy.read_text()))
    # gpt-4.1 Standard names eastus2 in the shipped catalog; this answer has no Standard sku for it.
    assert "offer lost gpt-4.1 Standard in eastus2" in result.changes
    assert "eastus2" not in cat.models["gpt-4.1"].offer("Standard").regions


def test_dry_run_writes_nothing(arm, tls, catalog_copy):
    before = catalog_copy.read_bytes()
    serve_pages(arm)
    result = run(arm, tls, catalog_copy, dry_run=True)
    assert result.changes and catalog_copy.read_bytes() == before


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "body": {"error": {"code": "InternalServerError", "message": "boom"}}},
        {"status": 200, "body": {"value": [{"model": {"format": "OpenAI", "version": "1"}}]}},  # no name
        {
            "status": 200,
            "body": {
                "value": [{"model": {"name": "x", "format": "OpenAI", "version": "1", "lifecycleStatus": "Sunset"}}]
            },
        },
        {"status": 200, "body": "<html>proxy</html>"},
    ],
)
def test_a_failing_or_malformed_page_leaves_the_catalog_bytes_unchanged(arm, tls, catalog_copy, answer):
    before = catalog_copy.read_bytes()
    first = dict(PAGE_1, nextLink=f"{endpoint(arm)}{models_path('eastus2')}?api-version=2025-06-01&page=2")
    arm.expect_request(models_path("eastus2"), query_string=API).respond_with_json(first)
    page2 = arm.expect_request(models_path("eastus2"), query_string={**API, "page": "2"})
    if isinstance(answer["body"], str):
        page2.respond_with_data(answer["body"], content_type="text/html")
    else:
        page2.respond_with_json(answer["body"], status=answer["status"])
    with pytest.raises(ServiceError, match="eastus2"):
        run(arm, tls, catalog_copy)
    assert catalog_copy.read_bytes() == before


def test_a_second_region_failing_writes_nothing(arm, tls, catalog_copy):
    before = catalog_copy.read_bytes()
    serve_pages(arm)
    arm.expect_request(models_path("swedencentral")).respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no"}}, status=403
    )
    with pytest.raises(CatalogSyncError, match="denied reading models .* swedencentral"):
        run(arm, tls, catalog_copy, regions=("eastus2", "swedencentral"))
    assert catalog_copy.read_bytes() == before


def test_cli_catalog_sync_bad_subscription_is_exit_2(capsys):
    assert main(["catalog", "sync", "--subscription", "nope", "--region", "eastus2"]) == 2
    assert "is not a subscription id" in capsys.readouterr().err


@pytest.mark.parametrize(
    "azure,catalog",
    [
        ("Preview", "Preview"),
        ("GenerallyAvailable", "GenerallyAvailable"),
        ("Stable", "GenerallyAvailable"),
        ("Legacy", "Legacy"),
        ("Deprecating", "Deprecated"),
        ("Deprecated", "Retired"),
        (None, "GenerallyAvailable"),
    ],
)
def test_azures_lifecycle_status_maps_to_the_docs_words(arm, tls, catalog_copy, azure, catalog):
    """The Models API's `Deprecated` is the docs' Retired; its `Deprecating` is the docs' Deprecated."""
    item = model("gpt-5", "2025-08-07", azure, [sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5")])
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    result = run(arm, tls, catalog_copy)
    assert json.loads(catalog_copy.read_text())["models"]["gpt-5"]["versions"]["2025-08-07"]["status"] == catalog
    if catalog != "GenerallyAvailable":
        assert f"lifecycle gpt-5 2025-08-07: GenerallyAvailable -> {catalog}" in result.changes


def _known_dates(catalog_copy: Path) -> None:
    """Give gpt-5 2025-08-07 a retirement, deprecation and replacement of the test's own."""
    raw = json.loads(catalog_copy.read_text())
    raw["models"]["gpt-5"]["versions"]["2025-08-07"].update(
        {"deprecation": "2026-12-01", "retirement": "2027-03-01", "replacement": "gpt-5.1 2025-11-13"}
    )
    catalog_copy.write_text(json.dumps(raw))


def test_known_dates_are_kept_when_azure_gives_none(arm, tls, catalog_copy):
    _known_dates(catalog_copy)
    item = model("gpt-5", "2025-08-07", "GenerallyAvailable", [sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5")])
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    result = run(arm, tls, catalog_copy)
    version = json.loads(catalog_copy.read_text())["models"]["gpt-5"]["versions"]["2025-08-07"]
    assert (version["deprecation"], version["retirement"], version["replacement"]) == (
        "2026-12-01",
        "2027-03-01",
        "gpt-5.1 2025-11-13",
    )
    assert not [c for c in result.changes if c.startswith(("deprecation", "retirement", "replacement"))]


def test_dates_azure_gives_replace_known_ones_and_say_so(arm, tls, catalog_copy):
    _known_dates(catalog_copy)
    item = model(
        "gpt-5",
        "2025-08-07",
        "GenerallyAvailable",
        [{**sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5"), "deprecationDate": "2027-01-15T00:00:00Z"}],
        deprecation={"inference": "2027-04-01T00:00:00Z"},
        replacementConfig={"targetModelName": "gpt-5.2", "targetModelVersion": "2025-12-11"},
    )
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    result = run(arm, tls, catalog_copy)
    version = json.loads(catalog_copy.read_text())["models"]["gpt-5"]["versions"]["2025-08-07"]
    assert (version["deprecation"], version["retirement"], version["replacement"]) == (
        "2027-01-15",
        "2027-04-01",
        "gpt-5.2 2025-12-11",
    )
    assert {
        "deprecation gpt-5 2025-08-07: 2026-12-01 -> 2027-01-15",
        "retirement gpt-5 2025-08-07: 2027-03-01 -> 2027-04-01",
        "replacement gpt-5 2025-08-07: gpt-5.1 2025-11-13 -> gpt-5.2 2025-12-11",
    } <= set(result.changes)


# --- merge_models on its own: what a first-seen offer records, and how the result is printed ---------------------


def answered(name: str, version: str, *skus: dict, status: str = "GenerallyAvailable", default: bool = False) -> dict:
    """One model version as read_models hands it to merge_models."""
    return {
        "name": name,
        "format": "OpenAI",
        "version": version,
        "status": status,
        "default": default,
        "retirement": None,
        "replacement": None,
        "skus": list(skus),
    }


def answered_sku(name: str, usage: str | None, minimum=None, step=None, maximum=None) -> dict:
    return {"name": name, "usageName": usage, "deprecation": None, "minimum": minimum, "maximum": maximum, "step": step}


def small_catalog() -> dict:
    return {
        "regions": {"eastus2": {"dataZone": "US"}},
        "models": {
            "gpt-x": {
                "format": "OpenAI",
                "quotaFamily": "OpenAI",
                "defaultVersion": "1",
                "versions": {"1": {"status": "GenerallyAvailable", "source": "s", "asOf": "2026-01-01"}},
                "offers": [],
            }
        },
    }


SOURCE = "Azure Models API (models.list, eastus2), synced 2026-11-30"


def test_a_first_seen_offer_records_the_answer_and_marks_what_it_leaves_out():
    from foundry_iac.azure.catalog_sync import merge_models

    answers = {
        "eastus2": [
            answered(
                "gpt-x",
                "1",
                answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x"),
                answered_sku("DataZoneStandard", None),
                answered_sku("GlobalProvisionedManaged", "OpenAI.GlobalProvisionedManaged", 15, 5, 500),
                answered_sku("DataZoneProvisionedManaged", "OpenAI.DataZoneProvisionedManaged", None, 5),
            )
        ]
    }
    result = merge_models(small_catalog(), answers, TODAY)
    offers = {o["sku"]: o for o in result.catalog["models"]["gpt-x"]["offers"]}
    common = {"regions": ["eastus2"], "quotaScope": "region", "source": SOURCE, "asOf": "2026-11-30"}
    assert offers["GlobalStandard"] == {
        "sku": "GlobalStandard",
        "usageName": "OpenAI.GlobalStandard.gpt-x",
        "unverified": [],
        **common,
    }
    assert offers["DataZoneStandard"] == {
        "sku": "DataZoneStandard",
        "usageName": "OpenAI.DataZoneStandard.gpt-x",
        "unverified": ["usageName"],
        **common,
    }  # the usage name the catalog's family pattern gives, marked unverified
    assert offers["GlobalProvisionedManaged"] == {
        "sku": "GlobalProvisionedManaged",
        "usageName": "OpenAI.GlobalProvisionedManaged",
        "unverified": [],
        "minimum": 15,
        "step": 5,
        "maximum": 500,
        **common,
    }
    assert offers["DataZoneProvisionedManaged"]["unverified"] == ["minimum", "step"]
    assert "minimum" not in offers["DataZoneProvisionedManaged"] and "step" not in offers["DataZoneProvisionedManaged"]
    assert result.changes.count("offer gained gpt-x GlobalStandard in eastus2") == 1
    assert len([c for c in result.changes if c.startswith("offer gained gpt-x ")]) == 4


def test_a_router_version_without_routed_models_says_it_fails_closed():
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = small_catalog()
    catalog["models"]["model-router"] = {
        **catalog["models"]["gpt-x"],
        "versions": {},
        "routesTo": {"2025-11-18": ["gpt-x 1"]},
    }
    router_sku = answered_sku("GlobalStandard", "OpenAI.GlobalStandard.model-router")
    answers = {
        "eastus2": [
            answered("model-router", "2026-12-01", router_sku),
            answered("model-router", "2025-11-18", router_sku),
        ]
    }
    changes = merge_models(catalog, answers, TODAY).changes
    new = [c for c in changes if c.startswith("new version model-router")]
    assert len(new) == 2
    (unrouted,) = [c for c in new if "2026-12-01" in c]
    assert unrouted.endswith(
        ": a router version without its routed models, so residency and approval fail closed on it until routesTo "
        "lists them (from the router's documentation)"
    )
    assert "routed" not in next(c for c in new if "2025-11-18" in c)


@pytest.mark.parametrize("dry_run,verb", [(True, "would change"), (False, "changed")])
def test_the_result_prints_each_change_then_what_was_skipped(dry_run, verb):
    from foundry_iac.azure.catalog_sync import SyncResult, render_result

    result = SyncResult({}, changes=["a", "b"], skipped=["x"])
    assert render_result(result, "components/catalog.json", dry_run) == (
        f"catalog sync {verb} components/catalog.json: 2 change(s)\n  a\n  b\n1 answer(s) skipped:\n  x\n"
    )
    assert render_result(SyncResult({}), "c.json", dry_run) == f"catalog sync {verb} c.json: 0 change(s)\n"


# --- what the upgrade needs: default versions per region, auto-upgrade dates, the retirement's certainty ----------


def _gpt5_versions(catalog_copy: Path) -> None:
    """Give gpt-5 a second version, so regions can disagree on the default."""
    raw = json.loads(catalog_copy.read_text())
    raw["models"]["gpt-5"]["versions"]["2026-01-20"] = {
        "status": "GenerallyAvailable",
        "source": "s",
        "asOf": "2026-11-01",
    }
    catalog_copy.write_text(json.dumps(raw))


def _gpt5(version: str, default: bool, **extra) -> dict:
    return model(
        "gpt-5",
        version,
        "GenerallyAvailable",
        [sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5")],
        isDefaultVersion=default,
        **extra,
    )


def test_a_region_whose_default_version_differs_is_recorded_with_its_source(arm, tls, catalog_copy):
    _gpt5_versions(catalog_copy)
    # eastus2 and westus mark 2025-08-07 default, swedencentral marks 2026-01-20: the model keeps the majority's
    for region in ("eastus2", "westus"):
        arm.expect_request(models_path(region)).respond_with_json(
            {"value": [_gpt5("2025-08-07", True), _gpt5("2026-01-20", False)]}
        )
    arm.expect_request(models_path("swedencentral")).respond_with_json(
        {"value": [_gpt5("2025-08-07", False), _gpt5("2026-01-20", True)]}
    )
    result = run(arm, tls, catalog_copy, regions=("eastus2", "swedencentral", "westus"))
    cat = parse_catalog(json.loads(catalog_copy.read_text()))
    gpt5 = cat.models["gpt-5"]
    assert gpt5.default_version == "2025-08-07"
    assert set(gpt5.region_defaults) == {"swedencentral"}
    recorded = gpt5.region_defaults["swedencentral"]
    assert (recorded.version, recorded.as_of) == ("2026-01-20", TODAY)
    assert "models.list, swedencentral" in recorded.source
    assert (
        gpt5.default_version_in("swedencentral") == "2026-01-20" and gpt5.default_version_in("eastus2") == "2025-08-07"
    )
    assert "default version gpt-5 in swedencentral: the model's default -> 2026-01-20" in result.changes
    assert not [c for c in result.changes if c.startswith("default version gpt-5:")]


def test_a_region_that_agrees_again_leaves_region_defaults(arm, tls, catalog_copy):
    _gpt5_versions(catalog_copy)
    raw = json.loads(catalog_copy.read_text())
    raw["models"]["gpt-5"]["regionDefaults"] = {
        "swedencentral": {"version": "2026-01-20", "source": "s", "asOf": "2026-11-01"}
    }
    catalog_copy.write_text(json.dumps(raw))
    arm.expect_request(models_path("swedencentral")).respond_with_json(
        {"value": [_gpt5("2025-08-07", True), _gpt5("2026-01-20", False)]}
    )
    result = run(arm, tls, catalog_copy, regions=("swedencentral",))
    assert "regionDefaults" not in json.loads(catalog_copy.read_text())["models"]["gpt-5"]
    assert "default version gpt-5 in swedencentral: 2026-01-20 -> the model's default" in result.changes


def test_every_answered_region_moving_the_default_moves_the_models_default(arm, tls, catalog_copy):
    _gpt5_versions(catalog_copy)
    arm.expect_request(models_path("eastus2")).respond_with_json(
        {"value": [_gpt5("2025-08-07", False), _gpt5("2026-01-20", True)]}
    )
    result = run(arm, tls, catalog_copy)
    gpt5 = json.loads(catalog_copy.read_text())["models"]["gpt-5"]
    assert gpt5["defaultVersion"] == "2026-01-20" and "regionDefaults" not in gpt5
    assert "default version gpt-5: 2025-08-07 -> 2026-01-20" in result.changes


def test_auto_upgrade_dates_and_the_retirements_certainty_are_recorded_as_azure_returns_them(arm, tls, catalog_copy):
    item = _gpt5(
        "2025-08-07",
        True,
        deprecation={"inference": "2027-02-09T00:00:00Z", "deprecationStatus": "Tentative"},
        replacementConfig={
            "targetModelName": "gpt-5.1",
            "targetModelVersion": "2025-11-13",
            "autoUpgradeStartDate": "2027-01-12T07:00:00Z",
            "upgradeOnExpiryLeadTimeDays": 7,
        },
    )
    assert (
        arm_models.ModelListResult.deserialize({"value": [item]})
        .value[0]
        .model.replacement_config.upgrade_on_expiry_lead_time_days
        == 7
    )
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    result = run(arm, tls, catalog_copy)
    version = parse_catalog(json.loads(catalog_copy.read_text())).models["gpt-5"].versions["2025-08-07"]
    assert version.auto_upgrade is not None
    assert (version.auto_upgrade.start, version.auto_upgrade.expiry_lead_days) == (dt.date(2027, 1, 12), 7)
    assert "synced 2026-11-30" in version.auto_upgrade.source
    assert version.retirement_status == "Tentative"
    assert "auto-upgrade gpt-5 2025-08-07: expiryLeadDays 7, start 2027-01-12" in result.changes


def test_an_answer_without_auto_upgrade_dates_records_none(arm, tls, catalog_copy):
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [_gpt5("2025-08-07", True)]})
    run(arm, tls, catalog_copy)
    version = json.loads(catalog_copy.read_text())["models"]["gpt-5"]["versions"]["2025-08-07"]
    assert "autoUpgrade" not in version and "retirementStatus" not in version


@pytest.mark.parametrize(
    ("replacement", "deprecation", "says"),
    [
        ({"upgradeOnExpiryLeadTimeDays": -1}, None, "upgradeOnExpiryLeadTimeDays"),
        ({"autoUpgradeStartDate": "soon"}, None, "models in eastus2"),  # the SDK refuses it
        (None, {"deprecationStatus": "Maybe"}, "unknown deprecationStatus"),
    ],
)
def test_a_malformed_upgrade_fact_writes_nothing(arm, tls, catalog_copy, replacement, deprecation, says):
    before = catalog_copy.read_bytes()
    extra = {"replacementConfig": replacement} if replacement else {"deprecation": deprecation}
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [_gpt5("2025-08-07", True, **extra)]})
    with pytest.raises(ServiceError, match=says):
        run(arm, tls, catalog_copy)
    assert catalog_copy.read_bytes() == before


# --- what a known offer takes from the answer: PTU rules, regions, usage names, the versions it covers -------------


def _catalog_with(*offers: dict, versions: tuple[str, ...] = ("1",)) -> dict:
    catalog = small_catalog()
    gpt_x = catalog["models"]["gpt-x"]
    gpt_x["versions"] = {v: {"status": "GenerallyAvailable", "source": "s", "asOf": "2026-01-01"} for v in versions}
    gpt_x["offers"] = [
        {"regions": ["eastus2"], "quotaScope": "region", "source": "s", "asOf": "2026-01-01", **o} for o in offers
    ]
    return catalog


PTU = "GlobalProvisionedManaged"


def _ptu_offer(**extra) -> dict:
    return {"sku": PTU, "usageName": "OpenAI.GlobalProvisionedManaged", "minimum": 15, "step": 5, **extra}


@pytest.mark.parametrize(
    ("minimum", "step", "said"),
    [
        (25, 10, f"PTU rules gpt-x {PTU}: minimum/step 15/5 -> 25/10"),
        (15, 10, f"PTU rules gpt-x {PTU}: minimum/step 15/5 -> 15/10"),
        (15, 5, None),
    ],
)
def test_a_known_offers_ptu_minimum_and_step_follow_the_answer_and_are_confirmed(minimum, step, said):
    from foundry_iac.azure.catalog_sync import merge_models

    unverified = ["minimum: the docs give 15 or 25", "step", "regions: the docs list 28 regions"]
    catalog = _catalog_with(_ptu_offer(unverified=unverified))
    ptu = answered_sku(PTU, "OpenAI.GlobalProvisionedManaged", minimum, step, 500)
    result = merge_models(catalog, {"eastus2": [answered("gpt-x", "1", ptu)]}, TODAY)
    (offer,) = result.catalog["models"]["gpt-x"]["offers"]
    assert (offer["minimum"], offer["step"], offer["maximum"]) == (minimum, step, 500)
    assert offer["unverified"] == ["regions: the docs list 28 regions"]  # the rules are Azure's now; regions are not
    assert [c for c in result.changes if c.startswith("PTU rules")] == ([said] if said else [])
    assert (offer["source"], offer["asOf"]) == (SOURCE, "2026-11-30")


def test_a_known_offer_answered_in_a_new_region_gains_it_once():
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = _catalog_with({"sku": "GlobalStandard", "usageName": "OpenAI.GlobalStandard.gpt-x"})
    standard = answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x")
    answers = {"eastus2": [answered("gpt-x", "1", standard)], "westus": [answered("gpt-x", "1", standard)]}
    result = merge_models(catalog, answers, TODAY)
    (offer,) = result.catalog["models"]["gpt-x"]["offers"]
    assert offer["regions"] == ["eastus2", "westus"]
    assert [c for c in result.changes if c.startswith("offer ")] == ["offer gained gpt-x GlobalStandard in westus"]


def test_an_answer_without_a_usage_name_keeps_the_known_one_unverified():
    from foundry_iac.azure.catalog_sync import merge_models

    known = {"sku": "GlobalStandard", "usageName": "OpenAI.GlobalStandard.gpt-x", "unverified": ["usageName"]}
    catalog = _catalog_with(known)
    answers = {"eastus2": [answered("gpt-x", "1", answered_sku("GlobalStandard", None))]}
    result = merge_models(catalog, answers, TODAY)
    (offer,) = result.catalog["models"]["gpt-x"]["offers"]
    assert (offer["usageName"], offer["unverified"]) == ("OpenAI.GlobalStandard.gpt-x", ["usageName"])
    assert not [c for c in result.changes if c.startswith("usage name")]


@pytest.mark.parametrize("answered_version", ["1", "2"])
def test_an_offer_limited_to_some_versions_takes_only_their_answers(answered_version):
    """An offer listing versions covers only those; another version answered gets an offer of its own (for it alone)."""
    from foundry_iac.azure.catalog_sync import merge_models

    limited = {"sku": "GlobalStandard", "usageName": "OpenAI.GlobalStandard.gpt-x", "versions": ["1"], "maximum": 100}
    catalog = _catalog_with(limited, versions=("1", "2"))
    standard = answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x", maximum=300)
    result = merge_models(catalog, {"eastus2": [answered("gpt-x", answered_version, standard)]}, TODAY)
    offers = result.catalog["models"]["gpt-x"]["offers"]
    offer_changes = [c for c in result.changes if c.startswith("offer ")]
    if answered_version == "1":
        assert [(o["versions"], o["regions"], o["maximum"]) for o in offers] == [(["1"], ["eastus2"], 300)]
        assert offer_changes == []
    else:
        assert [(o.get("versions"), o["regions"], o["maximum"]) for o in offers] == [
            (["1"], [], 100),
            (["2"], ["eastus2"], 300),
        ]
        assert sorted(offer_changes) == [
            "offer gained gpt-x GlobalStandard in eastus2",
            "offer lost gpt-x GlobalStandard in eastus2",
        ]


def test_a_first_seen_ptu_offer_without_usage_name_or_rules_marks_all_three_unverified():
    from foundry_iac.azure.catalog_sync import merge_models

    answers = {"eastus2": [answered("gpt-x", "1", answered_sku(PTU, None))]}
    (offer,) = merge_models(small_catalog(), answers, TODAY).catalog["models"]["gpt-x"]["offers"]
    assert offer["usageName"] == f"OpenAI.{PTU}.gpt-x"
    assert offer["unverified"] == ["usageName", "minimum", "step"]


# --- the model's default version across regions, and what an answered version confirms ----------------------------


V1, V2, V3 = "2025-04-14", "2025-08-07", "2026-01-20"


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        ({"eastus2": V2, "westus": V2, "swedencentral": V1}, V2),  # most regions win
        ({"eastus2": V1, "westus": V2}, V1),  # a tie keeps the current default
        ({"eastus2": V3, "westus": V2}, V3),  # a tie without the current default: the latest version
    ],
)
def test_the_models_default_version_follows_most_regions_and_a_tie_keeps_the_current(marked, expected):
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = _catalog_with(versions=(V1, V2, V3))
    catalog["models"]["gpt-x"]["defaultVersion"] = V1
    standard = answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x")
    answers = {
        region: [answered("gpt-x", v, standard, default=v == default) for v in (V1, V2, V3)]
        for region, default in marked.items()
    }
    result = merge_models(catalog, answers, TODAY)
    gpt_x = result.catalog["models"]["gpt-x"]
    assert gpt_x["defaultVersion"] == expected
    assert {r: d["version"] for r, d in gpt_x.get("regionDefaults", {}).items()} == {
        r: v for r, v in marked.items() if v != expected
    }
    moved = [c for c in result.changes if c.startswith("default version gpt-x:")]
    assert moved == ([] if expected == V1 else [f"default version gpt-x: {V1} -> {expected}"])


def test_an_answered_version_confirms_its_lifecycle_notes_and_keeps_the_others():
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = small_catalog()
    catalog["models"]["gpt-x"]["versions"]["1"]["unverified"] = [
        "deprecation date not published",
        "retirement date not published",
        "whether it actually retired on 2026-11-19",
        "model name: docs write both gpt-x and gpt_x",
        "",  # a blank note (the catalog allows it) is kept, not a crash
    ]
    result = merge_models(catalog, {"eastus2": [answered("gpt-x", "1")]}, TODAY)
    assert result.catalog["models"]["gpt-x"]["versions"]["1"]["unverified"] == [
        "model name: docs write both gpt-x and gpt_x",
        "",
    ]


@pytest.mark.parametrize(
    ("name", "routes_to"),
    [("model-router", None), ("smart-router", {"2025-11-18": ["gpt-x 1"]})],
)
def test_a_new_router_version_says_it_fails_closed_whether_named_or_routing(name, routes_to):
    """A router is a model-router* name or a model with routesTo (as the catalog's is_router): both are said."""
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = small_catalog()
    if routes_to:
        catalog["models"][name] = {**catalog["models"]["gpt-x"], "versions": {}, "routesTo": routes_to}
    router = answered(name, "2026-12-01", answered_sku("GlobalStandard", f"OpenAI.GlobalStandard.{name}"))
    changes = merge_models(catalog, {"eastus2": [router]}, TODAY).changes
    (new,) = [c for c in changes if c.startswith(f"new version {name}")]
    assert new.startswith(f"new version {name} 2026-12-01 (GenerallyAvailable): a router version without its routed")


@pytest.mark.parametrize(("maximum", "kept"), [(300, 300), (None, 100)])
def test_a_known_offers_maximum_follows_the_answer_and_stays_when_it_gives_none(maximum, kept):
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = _catalog_with({"sku": "GlobalStandard", "usageName": "OpenAI.GlobalStandard.gpt-x", "maximum": 100})
    standard = answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x", maximum=maximum)
    result = merge_models(catalog, {"eastus2": [answered("gpt-x", "1", standard)]}, TODAY)
    assert result.catalog["models"]["gpt-x"]["offers"][0]["maximum"] == kept


def test_a_region_the_catalog_lacks_is_added_without_a_data_zone_and_known_ones_are_kept():
    from foundry_iac.azure.catalog_sync import merge_models

    standard = answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x")
    answers = {"eastus2": [answered("gpt-x", "1", standard)], "westus": [answered("gpt-x", "1", standard)]}
    result = merge_models(small_catalog(), answers, TODAY)
    assert result.catalog["regions"] == {"eastus2": {"dataZone": "US"}, "westus": {"dataZone": None}}
    assert [c for c in result.changes if c.startswith("new region")] == [
        "new region westus (data zone unknown: set dataZone in the catalog if it has one)"
    ]


def test_a_new_model_gets_the_quota_family_of_its_format():
    """OpenAI models count against OpenAI.* quota, every other format against AIServices.*."""
    from foundry_iac.azure.catalog_sync import merge_models

    answers = {
        "eastus2": [
            {**answered("gpt-new", "1", answered_sku("GlobalStandard", None)), "format": "OpenAI"},
            {**answered("grok-new", "1", answered_sku("GlobalStandard", None)), "format": "xAI"},
        ]
    }
    models = merge_models(small_catalog(), answers, TODAY).catalog["models"]
    assert (models["gpt-new"]["quotaFamily"], models["grok-new"]["quotaFamily"]) == ("OpenAI", "AIServices")
    assert models["gpt-new"]["offers"][0]["usageName"] == "OpenAI.GlobalStandard.gpt-new"
    assert models["grok-new"]["offers"][0]["usageName"] == "AIServices.GlobalStandard.grok-new"


def test_a_new_model_is_added_unpriced_with_the_default_unit_and_no_registration():
    from foundry_iac.azure.catalog_sync import merge_models

    answers = {"eastus2": [{**answered("grok-new", "1"), "format": "xAI"}]}
    result = merge_models(small_catalog(), answers, TODAY)
    entry = result.catalog["models"]["grok-new"]
    assert {k: v for k, v in entry.items() if k not in ("versions", "offers")} == {
        "format": "xAI",
        "quotaFamily": "AIServices",
        "tpmPerUnit": 1000,
        "registrationRequired": False,
        "defaultVersion": "1",
        "prices": {},
        "ptuHour": {},
        "source": SOURCE,
    }
    assert "new model grok-new (xAI): unpriced until `prices sync` or a person prices it" in result.changes


@pytest.mark.parametrize(("start", "said"), [("2027-01-12", None), ("2027-02-01", "start 2027-02-01")])
def test_an_unchanged_auto_upgrade_is_refreshed_silently_and_a_changed_one_is_said(start, said):
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = small_catalog()
    catalog["models"]["gpt-x"]["versions"]["1"]["autoUpgrade"] = {
        "start": "2027-01-12",
        "expiryLeadDays": 7,
        "source": "an older sync",
        "asOf": "2026-10-01",
    }
    item = {**answered("gpt-x", "1"), "autoUpgradeStart": start, "expiryLeadDays": 7}
    result = merge_models(catalog, {"eastus2": [item]}, TODAY)
    recorded = result.catalog["models"]["gpt-x"]["versions"]["1"]["autoUpgrade"]
    assert recorded == {"start": start, "expiryLeadDays": 7, "source": SOURCE, "asOf": "2026-11-30"}
    lines = [c for c in result.changes if c.startswith("auto-upgrade")]
    assert lines == ([f"auto-upgrade gpt-x 1: expiryLeadDays 7, {said}"] if said else [])


# --- a malformed answer names the field, the model version and the region, and writes nothing ----------------------

GS5 = sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5")
WHERE = "gpt-5 2025-08-07 in eastus2"


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"kind": "AIServices"}, "models in eastus2: an entry without a model"),
        (model("", "2025-08-07", "Stable", [GS5]), "a model's name in eastus2 is '', not a name"),
        (model("gpt-5", "", "Stable", [GS5]), "the version of model gpt-5 in eastus2 is '', not a name"),
        (model("gpt-5", "2025-08-07", "Stable", [GS5], fmt=""), f"the format of {WHERE} is '', not a name"),
        (model("gpt-5", "2025-08-07", "", [GS5]), f"the lifecycleStatus of {WHERE} is '', not a name"),
        (model("gpt-5", "2025-08-07", "Sunset", [GS5]), f"{WHERE} has an unknown lifecycleStatus 'Sunset'"),
        (
            _gpt5("2025-08-07", True, deprecation={"inference": "soon"}),
            f"the retirement of {WHERE} is 'soon', not a date",
        ),
        (
            _gpt5("2025-08-07", True, deprecation={"deprecationStatus": ""}),
            f"the deprecationStatus of {WHERE} is '', not a name",
        ),
        (
            _gpt5("2025-08-07", True, deprecation={"deprecationStatus": "Maybe"}),
            f"{WHERE} has an unknown deprecationStatus 'Maybe'",
        ),
        (
            _gpt5("2025-08-07", True, replacementConfig={"targetModelName": ""}),
            f"the replacement of {WHERE} is '', not a name",
        ),
        (
            _gpt5("2025-08-07", True, replacementConfig={"targetModelName": "gpt-5.1", "targetModelVersion": ""}),
            f"the replacement of {WHERE} is '', not a name",
        ),
        (
            _gpt5("2025-08-07", True, replacementConfig={"upgradeOnExpiryLeadTimeDays": -1}),
            f"the upgradeOnExpiryLeadTimeDays of {WHERE} is -1, not a number >= 0",
        ),
        (
            _gpt5("2025-08-07", True, replacementConfig={"upgradeOnExpiryLeadTimeDays": 3651}),
            f"the upgradeOnExpiryLeadTimeDays of {WHERE} is 3651, not a number of days",
        ),
        (
            _gpt5("2025-08-07", True, replacementConfig={"upgradeOnExpiryLeadTimeDays": 7.5}),
            "models in eastus2: $.value[0].model.replacementConfig.upgradeOnExpiryLeadTimeDays is 7.5, not int",
        ),
        (model("gpt-5", "2025-08-07", "Stable", [sku("", "u")]), f"a deployment type of {WHERE} is '', not a name"),
        (
            model("gpt-5", "2025-08-07", "Stable", [sku("GlobalStandard", "")]),
            f"the usageName of GlobalStandard of {WHERE} is '', not a name",
        ),
        (
            model("gpt-5", "2025-08-07", "Stable", [sku("GlobalStandard", "u", minimum=-1)]),
            f"capacity.minimum of GlobalStandard of {WHERE} is -1, not a number >= 0",
        ),
        (
            model("gpt-5", "2025-08-07", "Stable", [sku("GlobalStandard", "u", maximum=-1)]),
            f"capacity.maximum of GlobalStandard of {WHERE} is -1, not a number >= 0",
        ),
        (
            model("gpt-5", "2025-08-07", "Stable", [sku("GlobalStandard", "u", step=-1)]),
            f"capacity.step of GlobalStandard of {WHERE} is -1, not a number >= 0",
        ),
    ],
)
def test_a_malformed_model_field_is_named_with_its_model_and_region_and_writes_nothing(
    arm, tls, catalog_copy, entry, says
):
    before = catalog_copy.read_bytes()
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [entry]})
    with pytest.raises(ServiceError) as raised:
        run(arm, tls, catalog_copy)
    assert str(raised.value).endswith(f": {says}, nothing written")
    assert catalog_copy.read_bytes() == before


@pytest.mark.parametrize("lead", [0, 3650])
def test_the_longest_and_shortest_upgrade_lead_times_are_recorded(arm, tls, catalog_copy, lead):
    item = _gpt5("2025-08-07", True, replacementConfig={"upgradeOnExpiryLeadTimeDays": lead})
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    run(arm, tls, catalog_copy)
    version = json.loads(catalog_copy.read_text())["models"]["gpt-5"]["versions"]["2025-08-07"]
    assert version["autoUpgrade"]["expiryLeadDays"] == lead and "start" not in version["autoUpgrade"]


def test_merging_leaves_the_catalog_it_was_given_untouched():
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = _catalog_with(_ptu_offer(unverified=["minimum", "step"]))
    given = copy.deepcopy(catalog)
    ptu = answered_sku(PTU, "OpenAI.GlobalProvisionedManaged", 25, 10, 500)
    answers = {"westus": [answered("gpt-x", "1", ptu), answered("gpt-x", "2", ptu, default=True)]}
    result = merge_models(catalog, answers, TODAY)
    assert catalog == given and result.catalog != given


def test_only_offers_listed_in_the_answered_region_can_lose_it():
    """Offers of every region, or of other regions only, are left alone; each listed offer is checked."""
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = _catalog_with(
        {"sku": "GlobalStandard", "usageName": "OpenAI.GlobalStandard.gpt-x", "regions": "all"},
        {"sku": "DataZoneStandard", "usageName": "OpenAI.DataZoneStandard.gpt-x", "regions": ["westus"]},
        {"sku": "Standard", "usageName": "OpenAI.Standard.gpt-x", "regions": ["eastus2", "westus"]},
    )
    result = merge_models(catalog, {"eastus2": [answered("gpt-x", "1")]}, TODAY)
    regions = {o["sku"]: o["regions"] for o in result.catalog["models"]["gpt-x"]["offers"]}
    assert regions == {"GlobalStandard": "all", "DataZoneStandard": ["westus"], "Standard": ["westus"]}
    assert [c for c in result.changes if c.startswith("offer ")] == ["offer lost gpt-x Standard in eastus2"]


def test_a_deployment_type_not_modelled_is_skipped_and_said_and_the_next_one_merged():
    from foundry_iac.azure.catalog_sync import merge_models

    skus = (answered_sku("NewDeploymentType", "u"), answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x"))
    result = merge_models(small_catalog(), {"eastus2": [answered("gpt-x", "1", *skus)]}, TODAY)
    assert result.skipped == ["gpt-x 1: deployment type 'NewDeploymentType' is not modelled"]
    assert [o["sku"] for o in result.catalog["models"]["gpt-x"]["offers"]] == ["GlobalStandard"]


@pytest.mark.parametrize("certainty", [None, "Planned"])
def test_a_new_version_records_azures_lifecycle_facts_and_the_retirements_certainty_only_when_given(certainty):
    from foundry_iac.azure.catalog_sync import merge_models

    item = {**answered("gpt-x", "2", status="Preview"), "retirement": "2027-06-01", "retirementStatus": certainty}
    version = merge_models(small_catalog(), {"eastus2": [item]}, TODAY).catalog["models"]["gpt-x"]["versions"]["2"]
    assert version == {
        "status": "Preview",
        "deprecation": None,
        "retirement": "2027-06-01",
        "replacement": None,
        **({"retirementStatus": certainty} if certainty else {}),
        "source": SOURCE,
        "asOf": "2026-11-30",
        "unverified": [],
    }


def test_a_new_version_with_auto_upgrade_dates_records_and_says_them():
    from foundry_iac.azure.catalog_sync import merge_models

    item = {**answered("gpt-x", "2"), "autoUpgradeStart": "2027-01-12", "expiryLeadDays": 14}
    result = merge_models(small_catalog(), {"eastus2": [item]}, TODAY)
    assert result.catalog["models"]["gpt-x"]["versions"]["2"]["autoUpgrade"] == {
        "start": "2027-01-12",
        "expiryLeadDays": 14,
        "source": SOURCE,
        "asOf": "2026-11-30",
    }
    assert "auto-upgrade gpt-x 2: expiryLeadDays 14, start 2027-01-12" in result.changes
    assert "new version gpt-x 2 (GenerallyAvailable)" in result.changes


def test_lifecycle_dates_azure_repeats_are_not_said_again():
    from foundry_iac.azure.catalog_sync import merge_models

    catalog = small_catalog()
    facts = {"deprecation": "2027-01-15", "retirement": "2027-04-01", "replacement": "gpt-y 1"}
    catalog["models"]["gpt-x"]["versions"]["1"].update(facts, retirementStatus="Planned")
    skus = [{**answered_sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-x"), "deprecation": "2027-01-15"}]
    # the answer's deprecation is its deployment types' earliest; retirement and replacement are the version's
    item = {**answered("gpt-x", "1", *skus), "retirement": "2027-04-01", "replacement": "gpt-y 1"}
    item["retirementStatus"] = "Planned"
    result = merge_models(catalog, {"eastus2": [item]}, TODAY)
    assert not [c for c in result.changes if c.startswith(("deprecation", "retirement", "replacement", "lifecycle"))]
    assert result.catalog["models"]["gpt-x"]["versions"]["1"]["retirement"] == "2027-04-01"


# --- what sync_catalog hands the client, and what it says as it goes -------------------------------------------


def test_sync_passes_its_limits_and_the_default_backoff_to_the_client(arm, tls, catalog_copy, client_calls):
    from foundry_iac.azure.client import Limits

    seen = client_calls
    from foundry_iac.azure.catalog_sync import fetch_models

    serve_pages(arm)
    one_page = Limits(max_pages=1)
    with pytest.raises(ServiceError, match=r"^models in eastus2 runs past 1 pages: refused"):
        sync_catalog(catalog_copy, SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), limits=one_page)
    with pytest.raises(ServiceError, match=r"^models in eastus2 runs past 1 pages: refused"):
        fetch_models(SUB, ["eastus2"], StaticToken(), endpoint(arm), str(tls[1]), limits=one_page)
    with pytest.raises(ServiceError, match=r"^models in eastus2 runs past 1 pages: refused"):
        sync_catalog(
            catalog_copy,
            SUB,
            ["eastus2"],
            StaticToken(),
            endpoint(arm),
            str(tls[1]),
            retry_backoff=0.3,
            limits=one_page,
        )
    # azure-core's default backoff when the caller gives none, else the caller's
    assert seen == [(0.8, one_page), (0.8, one_page), (0.3, one_page)]


def test_sync_says_each_regions_model_versions_as_it_reads_them(arm, tls, catalog_copy):
    serve_pages(arm)
    arm.expect_request(models_path("westus")).respond_with_json({"value": PAGE_2["value"]})
    said: list[str] = []
    run(arm, tls, catalog_copy, regions=("eastus2", "westus"), progress=said.append)
    assert said == ["[1/2] eastus2: 4 model versions", "[2/2] westus: 2 model versions"]


@pytest.mark.parametrize(("content", "reason"), [(None, "No such file"), ("{not json", "Expecting property name")])
def test_a_catalog_that_cannot_be_read_is_named_and_azure_is_not_asked(tmp_path, content, reason):
    catalog = tmp_path / "catalog.json"
    if content is not None:
        catalog.write_text(content)
    with pytest.raises(CatalogSyncError, match=rf"^cannot read {re.escape(str(catalog))}: .*{reason}"):
        sync_catalog(catalog, SUB, ["eastus2"], StaticToken(), "https://127.0.0.1:9", verify=False)


def test_the_catalog_is_read_as_utf8_whatever_the_locale(arm, tls, catalog_copy):
    """A hand-edited catalog may hold non-ASCII text; a machine whose locale is ASCII (or cp1252) still reads it."""
    import locale

    raw = json.loads(catalog_copy.read_text(encoding="utf-8"))
    raw["models"]["gpt-5"]["source"] = "Microsoft Learn \u2014 Foundry Models sold directly by Azure"
    catalog_copy.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [_gpt5("2025-08-07", True)]})
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        result = run(arm, tls, catalog_copy, dry_run=True)
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert result.catalog["models"]["gpt-5"]["source"].endswith("\u2014 Foundry Models sold directly by Azure")


def test_a_merge_the_catalog_would_refuse_is_named_with_the_catalog_path_and_writes_nothing(arm, tls, catalog_copy):
    """Azure's deployment types stop taking deployments after the version retires: the catalog refuses that order."""
    before = catalog_copy.read_bytes()
    late = {**sku("GlobalStandard", "OpenAI.GlobalStandard.gpt-5"), "deprecationDate": "2027-09-01T00:00:00Z"}
    item = model("gpt-5", "2025-08-07", "Stable", [late], deprecation={"inference": "2027-03-01T00:00:00Z"})
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    with pytest.raises(CatalogSyncError) as raised:
        run(arm, tls, catalog_copy)
    message = str(raised.value)
    assert message.startswith(f"the merged catalog would be invalid: {catalog_copy}: models.gpt-5.versions.2025-08-07")
    assert "deprecation 2027-09-01 is after retirement 2027-03-01" in message
    assert catalog_copy.read_bytes() == before


def test_a_replacement_named_without_a_version_is_recorded_by_name(arm, tls, catalog_copy):
    item = _gpt5("2025-08-07", True, replacementConfig={"targetModelName": "gpt-5.1"})
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [item]})
    result = run(arm, tls, catalog_copy)
    assert json.loads(catalog_copy.read_text())["models"]["gpt-5"]["versions"]["2025-08-07"]["replacement"] == "gpt-5.1"
    assert "replacement gpt-5 2025-08-07: None -> gpt-5.1" in result.changes


def test_a_version_its_types_offer_does_not_cover_gets_an_offer_of_its_own_and_the_catalog_stays_valid(
    arm, tls, catalog_copy
):
    """DeepSeek-V4-Flash's DataZoneStandard offer lists only 2026-04-23: Azure offering 2026-07-31 as DataZoneStandard
    too adds an offer for that version alone (an offer of every version would list 2026-04-23 twice)."""
    usage = "AIServices.DataZoneStandard.DeepSeek-V4-Flash"
    answer = [
        model("DeepSeek-V4-Flash", v, "Stable", [sku("DataZoneStandard", usage)], fmt="DeepSeek")
        for v in ("2026-04-23", "2026-07-31")
    ]
    arm.expect_request(models_path("swedencentral")).respond_with_json({"value": answer})
    result = run(arm, tls, catalog_copy, regions=("swedencentral",))
    offers = parse_catalog(json.loads(catalog_copy.read_text())).models["DeepSeek-V4-Flash"].offers
    zoned = [(o.versions, o.regions) for o in offers if o.sku == "DataZoneStandard"]
    assert zoned[1] == (["2026-07-31"], ["swedencentral"]) and zoned[0][0] == ["2026-04-23"]
    assert "offer gained DeepSeek-V4-Flash DataZoneStandard in swedencentral" in result.changes


# --- names Azure gives are plain, unambiguous and bounded; the merged catalog is one the loader takes ---------------


def cli_sync(arm, tls, catalog: Path, monkeypatch, capsys) -> tuple[int, list[str]]:
    """`foundry-iac catalog sync` against the fake ARM with a static token: (exit code, stderr lines but progress)."""
    from foundry_iac.cli import commands

    monkeypatch.setattr(commands, "default_credential", StaticToken)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls[1]))
    argv = ["catalog", "sync", "--subscription", SUB, "--region", "eastus2", "--endpoint", endpoint(arm)]
    code = main([*argv, "--catalog", str(catalog)])
    return code, [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[")]


@pytest.mark.parametrize(
    "name",
    ["gpt-4o ", "gpt\u20114o", "g" * 5000, "evil\n\x1b[31mname", "gpt 4o", "\tgpt-4o"],
    ids=["trailing-space", "non-breaking-hyphen", "5000-characters", "newline-and-escape", "inner-space", "tab"],
)
def test_a_model_name_that_is_not_plain_ascii_is_malformed_one_escaped_line_and_writes_nothing(
    arm, tls, catalog_copy, monkeypatch, capsys, name
):
    before = catalog_copy.read_bytes()
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [model(name, "1", "Preview", [GS5])]})
    code, err = cli_sync(arm, tls, catalog_copy, monkeypatch, capsys)
    assert code == 2 and len(err) == 1
    (line,) = err
    assert line.isascii() and line.isprintable() and len(line) < 400
    assert line.startswith("error: malformed answer from Azure: a model's name in eastus2 is ")
    assert line.endswith("not a name (printable ASCII without whitespace, at most 200 characters), nothing written")
    assert catalog_copy.read_bytes() == before


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        (model("gpt-5", "2025-08-07 ", "Stable", [GS5]), "the version of model gpt-5 in eastus2 is '2025-08-07 '"),
        (model("gpt-5", "2025-08-07", "Stable", [sku("Global\x1bStandard", "u")]), "a deployment type of " + WHERE),
        (
            model("gpt-5", "2025-08-07", "Stable", [sku("GlobalStandard", "OpenAI.GlobalStandard.gpt\u20115")]),
            f"the usageName of GlobalStandard of {WHERE} is 'OpenAI.GlobalStandard.gpt\\u20115'",
        ),
        (_gpt5("2025-08-07", True, replacementConfig={"targetModelName": "gpt-5.1\n"}), f"the replacement of {WHERE}"),
        (model("gpt-5", "2025-08-07", "Stable", [GS5], fmt="Open\x1bAI"), f"the format of {WHERE} is 'Open\\x1bAI'"),
    ],
    ids=["version", "deployment-type", "usage-name", "replacement", "format"],
)
def test_a_version_deployment_type_usage_replacement_or_format_not_plain_is_malformed(
    arm, tls, catalog_copy, entry, says
):
    before = catalog_copy.read_bytes()
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [entry]})
    with pytest.raises(ServiceError) as raised:
        run(arm, tls, catalog_copy)
    assert str(raised.value).startswith(f"malformed answer from Azure: {says}")
    assert str(raised.value).endswith(", nothing written")
    assert catalog_copy.read_bytes() == before


def test_a_format_of_words_apart_by_single_spaces_is_taken(arm, tls, catalog_copy):
    answer = model("mistral-x", "1", "Preview", [sku("GlobalStandard", "AIServices.GlobalStandard.mistral-x")])
    answer["model"]["format"] = "Mistral AI"
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": [answer]})
    run(arm, tls, catalog_copy)
    assert json.loads(catalog_copy.read_text())["models"]["mistral-x"]["format"] == "Mistral AI"


@pytest.mark.parametrize(
    ("names", "says"),
    [
        (["GPT-4O"], "models in eastus2: 'GPT-4O' differs only in case from 'gpt-4o' (ambiguous)"),
        (["zeta-1", "Zeta-1"], "models in eastus2: 'Zeta-1' differs only in case from 'zeta-1' (ambiguous)"),
    ],
    ids=["from-the-catalog", "within-the-answer"],
)
def test_a_model_name_differing_only_in_case_is_refused_as_ambiguous_and_writes_nothing(
    arm, tls, catalog_copy, names, says
):
    before = catalog_copy.read_bytes()
    entries = [model(n, "1", "Preview", [sku("GlobalStandard", f"OpenAI.GlobalStandard.{n}")]) for n in names]
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": entries})
    with pytest.raises(ServiceError) as raised:
        run(arm, tls, catalog_copy)
    assert str(raised.value) == f"malformed answer from Azure: {says}, nothing written"
    assert catalog_copy.read_bytes() == before


def test_a_merged_catalog_larger_than_the_loader_reads_is_refused_and_writes_nothing(
    arm, tls, catalog_copy, monkeypatch, capsys
):
    """20,000 answered models made a 20 MB catalog that every later command refused: the sync checks the bytes it
    would write as the loader reads them (the loader's limit, lowered here so a few models pass it)."""
    from components import catalog as catalog_module

    before = catalog_copy.read_bytes()
    monkeypatch.setattr(catalog_module, "MAX_CATALOG_BYTES", len(before) + 200)
    entries = [
        model(f"m-{i}", "1", "Preview", [sku("GlobalStandard", f"AIServices.GlobalStandard.m-{i}")]) for i in range(5)
    ]
    arm.expect_request(models_path("eastus2")).respond_with_json({"value": entries})
    code, err = cli_sync(arm, tls, catalog_copy, monkeypatch, capsys)
    assert (code, len(err)) == (2, 1)
    assert err[0].startswith(f"error: catalog sync: the merged catalog would be invalid: {catalog_copy}: the model ")
    assert f"the model catalog is larger than {len(before) + 200:,} bytes" in err[0]
    assert err[0].endswith(f"{catalog_copy} was not changed")
    assert catalog_copy.read_bytes() == before


def test_a_merged_catalog_at_the_loaders_limit_is_written():
    from components.catalog import check_catalog_bytes
    from foundry_iac.azure.prices_sync import json_bytes

    data = json_bytes(json.loads(CATALOG_PATH.read_text(encoding="utf-8")))
    assert check_catalog_bytes(data, "c.json").models


def test_the_result_prints_forty_changes_at_most_then_how_many_more():
    from foundry_iac.azure.catalog_sync import MAX_LISTED, SyncResult, render_result

    result = SyncResult({}, changes=[f"new model m-{i}" for i in range(60_069)], skipped=[f"s{i}" for i in range(41)])
    lines = render_result(result, "c.json", dry_run=False).splitlines()
    assert MAX_LISTED == 40
    assert lines[0] == "catalog sync changed c.json: 60069 change(s)"
    assert lines[1:41] == [f"  new model m-{i}" for i in range(40)]
    assert lines[41:] == [
        "  and 60029 more changes",
        "41 answer(s) skipped:",
        *[f"  s{i}" for i in range(40)],
        "  and 1 more skipped",
    ]


def test_an_answered_name_the_catalog_holds_exactly_is_that_model_even_beside_a_case_variant():
    from foundry_iac.azure.catalog_sync import merge_models

    raw = small_catalog()
    raw["models"]["GPT-X"] = copy.deepcopy(raw["models"]["gpt-x"])
    result = merge_models(raw, {"eastus2": [answered("GPT-X", "1"), answered("gpt-x", "1")]}, TODAY)
    assert set(result.catalog["models"]) == {"gpt-x", "GPT-X"}
