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
        ("grok-3", "DataZoneStandard", "eastus2", "US", True),
        ("grok-3", "DataZoneStandard", "swedencentral", "EU", False),
        ("grok-3", "GlobalStandard", "eastus2", "US", False),
        ("DeepSeek-R1", "GlobalStandard", "eastus2", "US", False),
        ("DeepSeek-R1", "GlobalStandard", "eastus2", "none", True),
    ],
)
def test_inference_location_follows_the_deployment_type(model, sku, region, boundary, inside):
    assert inference_inside(CAT, model, sku, region, boundary)[0] is inside


def test_no_grok_or_deepseek_type_keeps_inference_in_the_eu():
    for model in ["grok-3", "grok-3-mini", "grok-4", "DeepSeek-R1", "DeepSeek-V3.1", "MAI-DS-R1"]:
        for region in ["swedencentral", "westeurope", "francecentral"]:
            assert compliant_options(CAT, model, region, "EU") == [], (model, region)


def test_grok_can_stay_in_the_us_but_deepseek_cannot():
    assert compliant_options(CAT, "grok-3", "eastus2", "US") == ["DataZoneStandard"]
    assert compliant_options(CAT, "DeepSeek-R1", "eastus2", "US") == []


def test_regions_inside_boundaries():
    assert region_inside(CAT, "francecentral", "EU") and not region_inside(CAT, "uksouth", "EU")
    assert region_inside(CAT, "westus3", "US") and region_inside(CAT, "japaneast", "none")


def test_eu_stack_with_grok_on_data_zone_says_why_plainly(gate):
    stack = (
        TAGGED_STACK + '        - model: grok-3\n          version: "1"\n          type: DataZoneStandard\n'
        "          capacity: 10\n"
    )
    (violation,) = unwaived(gate(stack), "residency-deployment-type")
    assert "grok-3 is offered as DataZoneStandard only in eastus" in violation["message"]
    assert "no deployment type of grok-3 keeps inference inside EU" in violation["message"]
    assert violation["source"]["line"] == 23  # the "- model: grok-3" line


def test_us_stack_with_deepseek_fails_without_a_waiver(gate):
    stack = (
        TAGGED_STACK.replace("swedencentral", "eastus2").replace("residency: EU", "residency: US")
        + '        - model: DeepSeek-R1\n          version: "1"\n          type: GlobalStandard\n'
        "          capacity: 10\n"
    )
    entry = gate(stack, allowed_regions={"allowedRegions": ["eastus2"]}, residency_deployment_type={"boundary": "US"})
    (violation,) = unwaived(entry, "residency-deployment-type")
    assert "DeepSeek-R1 on GlobalStandard breaks the US residency boundary" in violation["message"]
