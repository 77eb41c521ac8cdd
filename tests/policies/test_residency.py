"""Residency semantics, as pure functions and through the policy objects."""

from __future__ import annotations

import pytest

from components.catalog import load_catalog
from policies.residency import compliant_options, inference_inside, region_inside
from tests.conftest import TAGGED_STACK, unwaived

CAT = load_catalog()


@pytest.mark.parametrize(
    "model,sku,region,boundary,inside",
    [
        ("gpt-4o", "GlobalStandard", "swedencentral", "EU", False),
        ("gpt-4o", "GlobalProvisionedManaged", "swedencentral", "EU", False),
        ("gpt-4o", "DataZoneStandard", "swedencentral", "EU", True),
        ("gpt-4o", "DataZoneStandard", "eastus2", "EU", False),
        ("gpt-4o", "DataZoneStandard", "uksouth", "EU", False),
        ("gpt-4o", "DataZoneStandard", "swedencentral", "swedencentral", False),
        ("gpt-4o", "Standard", "swedencentral", "EU", True),
        ("gpt-4o", "Standard", "swedencentral", "swedencentral", True),
        ("gpt-4o", "Standard", "westeurope", "swedencentral", False),
        ("gpt-4o", "ProvisionedManaged", "eastus2", "US", True),
        ("gpt-4o", "DeveloperTier", "eastus2", "US", False),
        ("grok-4-1-fast-reasoning", "DataZoneStandard", "eastus2", "US", True),
        ("grok-4-1-fast-reasoning", "DataZoneStandard", "swedencentral", "EU", False),
        ("grok-4-1-fast-reasoning", "GlobalStandard", "eastus2", "US", False),
        ("DeepSeek-V3.2", "GlobalStandard", "eastus2", "US", False),
        ("DeepSeek-V3.2", "GlobalStandard", "eastus2", "none", True),
    ],
)
def test_inference_location_follows_the_deployment_type(model, sku, region, boundary, inside):
    assert inference_inside(CAT, model, sku, region, boundary)[0] is inside


def test_no_grok_type_keeps_inference_in_the_eu():
    grok = [name for name, entry in CAT.models.items() if entry.format == "xAI"]
    for model in [*grok, "DeepSeek-V3.1", "MAI-DS-R1", "DeepSeek-V3.2-Speciale"]:
        for region in ["swedencentral", "westeurope", "francecentral"]:
            assert compliant_options(CAT, model, region, "EU") == [], (model, region)


def test_deepseek_stays_in_the_eu_only_on_v4_flash_data_zone_or_v3_2_provisioned():
    assert compliant_options(CAT, "DeepSeek-V4-Flash", "swedencentral", "EU") == ["DataZoneStandard"]
    assert compliant_options(CAT, "DeepSeek-V3.2", "swedencentral", "EU") == ["DataZoneProvisionedManaged"]
    assert compliant_options(CAT, "DeepSeek-V4-Pro", "swedencentral", "EU") == []


def test_grok_and_deepseek_stay_in_the_us_only_on_data_zone_offers():
    assert compliant_options(CAT, "grok-4-1-fast-reasoning", "eastus2", "US") == ["DataZoneStandard"]
    assert compliant_options(CAT, "DeepSeek-V4-Pro", "eastus2", "US") == ["DataZoneStandard"]
    assert compliant_options(CAT, "DeepSeek-V3.2", "eastus2", "US") == ["DataZoneProvisionedManaged"]
    assert compliant_options(CAT, "DeepSeek-V3.2-Speciale", "eastus2", "US") == []


def test_regions_inside_boundaries():
    assert region_inside(CAT, "francecentral", "EU") and not region_inside(CAT, "uksouth", "EU")
    assert region_inside(CAT, "westus3", "US") and region_inside(CAT, "japaneast", "none")


def test_eu_stack_with_grok_on_data_zone_says_why_plainly(gate):
    stack = (
        TAGGED_STACK
        + '        - model: grok-4-1-fast-reasoning\n          version: "1"\n          type: DataZoneStandard\n'
        "          capacity: 10\n"
    )
    (violation,) = unwaived(gate(stack), "residency-deployment-type")
    assert "grok-4-1-fast-reasoning is offered as DataZoneStandard only in centralus, eastus" in violation["message"]
    assert "no deployment type of grok-4-1-fast-reasoning keeps inference inside EU" in violation["message"]
    assert violation["source"]["line"] == 24  # the "- model: grok-4-1-fast-reasoning" line


def test_us_stack_with_deepseek_fails_without_a_waiver(gate):
    stack = (
        TAGGED_STACK.replace("swedencentral", "eastus2").replace("residency: EU", "residency: US")
        + '        - model: DeepSeek-V3.2\n          version: "1"\n          type: GlobalStandard\n'
        "          capacity: 10\n"
    )
    entry = gate(stack, allowed_regions={"allowedRegions": ["eastus2"]}, residency_deployment_type={"boundary": "US"})
    (violation,) = unwaived(entry, "residency-deployment-type")
    assert "DeepSeek-V3.2 on GlobalStandard breaks the US residency boundary" in violation["message"]
