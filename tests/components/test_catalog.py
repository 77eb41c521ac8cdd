"""The model catalog: complete, validated on load, every price sourced and dated."""

from __future__ import annotations

import json

import pytest

from components.catalog import CATALOG_PATH, CatalogError, load_catalog, parse_catalog

REQUIRED_MODELS = [
    "grok-3",
    "grok-3-mini",
    "grok-4",
    "grok-4-fast-reasoning",
    "grok-code-fast-1",
    "DeepSeek-R1",
    "DeepSeek-R1-0528",
    "DeepSeek-V3-0324",
    "DeepSeek-V3.1",
    "MAI-DS-R1",
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-5",
    "gpt-5-mini",
    "o3",
    "o4-mini",
    "text-embedding-3-large",
]


def raw() -> dict:
    return json.loads(CATALOG_PATH.read_text())


def test_catalog_holds_every_model_of_the_facts_sheet():
    assert set(REQUIRED_MODELS) <= set(load_catalog().models)


@pytest.mark.parametrize(
    "name,fmt", [("grok-3", "xAI"), ("DeepSeek-R1", "DeepSeek"), ("MAI-DS-R1", "Microsoft"), ("gpt-4.1", "OpenAI")]
)
def test_catalog_formats_match_azure(name, fmt):
    assert load_catalog().models[name].format == fmt


def test_every_price_has_a_source_and_a_date():
    for name, model in load_catalog().models.items():
        for family, price in model.prices.items():
            assert price.source and price.as_of, (name, family)
        if model.provisioned:
            for family, ptu in model.provisioned.ptu_hour.items():
                assert ptu.source and ptu.as_of, (name, family)


def test_grok_data_zone_is_offered_in_us_regions_only():
    catalog = load_catalog()
    assert catalog.offered_in("grok-3", "DataZoneStandard", "eastus2")
    assert not catalog.offered_in("grok-3", "DataZoneStandard", "swedencentral")
    assert all(catalog.data_zone(r) == "US" for r in catalog.models["grok-3"].offer("DataZoneStandard").regions)


def test_deepseek_is_offered_only_on_global_types():
    skus = {o.sku for o in load_catalog().models["DeepSeek-R1"].offers}
    assert skus == {"GlobalStandard", "GlobalProvisionedManaged"}


def test_usage_names_follow_the_azure_convention():
    catalog = load_catalog()
    assert catalog.models["gpt-4o"].usage_name("gpt-4o", "GlobalStandard") == "OpenAI.GlobalStandard.gpt-4o"
    assert (
        catalog.models["DeepSeek-R1-0528"].usage_name("DeepSeek-R1-0528", "GlobalStandard")
        == "AIServices.GlobalStandard.DeepSeek-R1-0528"
    )


def test_reasoning_model_tpm_per_unit_is_one_thousand_unless_stated():
    assert load_catalog().models["gpt-4o"].tpm_per_unit == 1000


def test_a_price_without_source_is_rejected():
    data = raw()
    del data["models"]["grok-3"]["prices"]["global"]["source"]
    with pytest.raises(CatalogError, match=r"models\.grok-3\.prices\.global\.source"):
        parse_catalog(data, "catalog.json")


def test_an_offer_without_a_price_is_rejected():
    data = raw()
    del data["models"]["gpt-4o"]["prices"]["dataZone"]
    with pytest.raises(CatalogError, match="DataZoneStandard but has no dataZone token price"):
        parse_catalog(data, "catalog.json")


def test_a_provisioned_offer_needs_capacity_rules():
    data = raw()
    data["models"]["DeepSeek-R1"]["provisioned"] = None
    with pytest.raises(CatalogError, match="no 'provisioned' rules"):
        parse_catalog(data, "catalog.json")


def test_an_offer_region_must_be_a_catalog_region():
    data = raw()
    data["models"]["grok-3"]["offers"][1]["regions"].append("atlantis")
    with pytest.raises(CatalogError, match="unknown region 'atlantis'"):
        parse_catalog(data, "catalog.json")


def test_default_version_must_be_listed():
    data = raw()
    data["models"]["o3"]["defaultVersion"] = "2099-01-01"
    with pytest.raises(CatalogError, match="defaultVersion"):
        parse_catalog(data, "catalog.json")
