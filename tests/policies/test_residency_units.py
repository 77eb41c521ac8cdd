"""residency-deployment-type and allowed-regions on hand-built resources, with the real catalog: the exact
reason and advice for each way a deployment leaves a boundary, and how a deployment is read."""

from __future__ import annotations

import pytest

from components.tags import INPUT_TOKENS_TAG, OUTPUT_TOKENS_TAG
from policies.common import DeploymentView, catalog, deployment_view
from policies.framework import Resource
from policies.residency import check_region, check_residency, inference_inside

ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"


@pytest.mark.parametrize(
    "model,sku,region,boundary,expected",
    [
        ("gpt-4o", "GlobalStandard", "eastus", "none", (True, "")),
        ("gpt-4o", "DataZoneStandard", "swedencentral", "EU", (True, "")),
        ("gpt-4o", "Standard", "swedencentral", "EU", (True, "")),
        (
            "gpt-4o",
            "GlobalStandard",
            "swedencentral",
            "EU",
            (False, "GlobalStandard may process prompts in any Azure region"),
        ),
        (
            "gpt-4o",
            "DataZoneStandard",
            "swedencentral",
            "swedencentral",
            (False, "DataZoneStandard processes prompts anywhere in the EU data zone, not only in swedencentral"),
        ),
        (
            "gpt-4o",
            "DataZoneStandard",
            "japaneast",
            "japaneast",
            (False, "DataZoneStandard processes prompts anywhere in the no data zone, not only in japaneast"),
        ),
        (
            "gpt-4o",
            "DataZoneStandard",
            "eastus",
            "EU",
            (False, "DataZoneStandard in eastus processes prompts in the US data zone, not EU"),
        ),
        (
            "gpt-4o",
            "DataZoneStandard",
            "japaneast",
            "EU",
            (False, "DataZoneStandard in japaneast processes prompts in the no data zone, not EU"),
        ),
        (
            "grok-3",
            "DataZoneStandard",
            "centralus",
            "US",
            (
                False,
                "grok-3 is offered as DataZoneStandard only in eastus, eastus2, northcentralus, southcentralus, "
                "westus, westus3, so centralus cannot keep its prompts in US",
            ),
        ),
        (
            "gpt-9",
            "DataZoneStandard",
            "eastus",
            "US",
            (False, "gpt-9 is offered as DataZoneStandard nowhere, so eastus cannot keep its prompts in US"),
        ),
        (
            "gpt-4o",
            "Standard",
            "eastus",
            "EU",
            (False, "Standard processes prompts in eastus, which is outside EU"),
        ),
    ],
)
def test_inference_inside_says_exactly_why_not(model, sku, region, boundary, expected):
    assert inference_inside(catalog(), model, sku, region, boundary) == expected


def account(name: str, region: str) -> Resource:
    return Resource(ACCOUNT, name, f"urn:{name}", {"accountName": name, "location": region})


def deployment(name: str, model: str, sku: str, account_name: str = "acct") -> Resource:
    props = {
        "accountName": account_name,
        "deploymentName": name,
        "sku": {"name": sku, "capacity": 1},
        "properties": {"model": {"format": "OpenAI", "name": model, "version": None}},
    }
    return Resource(DEPLOYMENT, name, f"urn:{name}", props)


def residency(resources, boundary: str | None) -> list[tuple[str, str]]:
    config = {} if boundary is None else {"boundary": boundary}
    return [(f.message, f.resource.urn) for f in check_residency(resources, config)]


def test_a_deployment_without_its_account_is_named_and_the_rest_still_checked():
    stack = [
        account("acct", "swedencentral"),
        deployment("lost", "gpt-4o", "Standard", "gone"),
        deployment("g", "gpt-4o", "GlobalStandard"),
    ]
    found = residency(stack, "EU")
    assert found[0] == ("gone/lost: its account is not in this stack, so its region is unknown", "urn:lost")
    assert [urn for _, urn in found] == ["urn:lost", "urn:g"]


def test_a_breach_names_the_types_that_would_keep_the_prompts_inside():
    stack = [account("acct", "swedencentral"), deployment("g", "gpt-4o", "GlobalStandard")]
    assert residency(stack, "EU") == [
        (
            "acct/g: gpt-4o on GlobalStandard breaks the EU residency boundary: GlobalStandard may process prompts in "
            "any Azure region; use DataZoneStandard or Standard or DataZoneProvisionedManaged or ProvisionedManaged",
            "urn:g",
        )
    ]
    assert residency([account("acct", "eastus"), deployment("g", "gpt-4o", "GlobalStandard")], "US")[0][0].endswith(
        "; use DataZoneStandard or Standard or DataZoneProvisionedManaged or ProvisionedManaged"
    )


def test_a_breach_without_a_compliant_type_says_to_remove_or_waive():
    stack = [account("acct", "swedencentral"), deployment("g", "grok-3", "GlobalStandard")]
    assert residency(stack, "EU") == [
        (
            "acct/g: grok-3 on GlobalStandard breaks the EU residency boundary: GlobalStandard may process prompts in "
            "any Azure region; no deployment type of grok-3 keeps inference inside EU: remove it, or add a waiver "
            "with reason, approver and expiry",
            "urn:g",
        )
    ]


def test_without_a_boundary_setting_nothing_is_a_breach():
    assert residency([account("acct", "swedencentral"), deployment("g", "grok-3", "GlobalStandard")], None) == []


@pytest.mark.parametrize(
    "allowed,listed", [([], "none"), (["swedencentral", "westeurope"], "swedencentral, westeurope")]
)
def test_a_resource_outside_the_allowed_regions_lists_them(allowed, listed):
    (finding,) = check_region(account("acct", "eastus"), {"allowedRegions": allowed})
    assert finding.resource.urn == "urn:acct"
    assert finding.message == (
        f"acct: location 'eastus' is not an allowed region (allowed: {listed}); move it or extend allowedRegions"
    )
    assert list(check_region(account("acct", "westeurope"), {"allowedRegions": ["westeurope"]})) == []
    assert list(check_region(Resource(ACCOUNT, "nowhere", "urn:n", {}), {"allowedRegions": []})) == []


def test_a_deployment_with_nothing_set_reads_as_empty_and_zero():
    bare = Resource(DEPLOYMENT, "d", "urn:d", {})
    assert deployment_view(bare, {"": "eastus"}) == DeploymentView(bare, "", "eastus", "", 0, None, "", None, 0, 0)


def test_token_tags_that_are_not_whole_numbers_read_as_zero():
    tags = {INPUT_TOKENS_TAG: "lots", OUTPUT_TOKENS_TAG: "12"}
    view = deployment_view(Resource(DEPLOYMENT, "d", "urn:d", {"tags": tags, "sku": {"capacity": "7"}}), {})
    assert (view.input_tokens, view.output_tokens, view.capacity, view.region) == (0, 12, 7, None)
