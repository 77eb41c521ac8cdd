"""The cost model: property-based (hypothesis) and the facts sheet's worked example."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.catalog import deployment_family, load_catalog
from components.cost import (
    HOURS_PER_MONTH,
    MINUTES_PER_MONTH,
    MissingPriceError,
    blended_price,
    deployment_cost,
)

CAT = load_catalog()
GPT4O = CAT.models["gpt-4o"]
PAYG = [
    (name, offer.sku)
    for name, m in CAT.models.items()
    for offer in m.offers
    if not offer.sku.endswith(("ProvisionedManaged", "Batch")) and deployment_family(offer.sku) in m.prices
]
capacities = st.integers(min_value=1, max_value=10_000)
tokens = st.integers(min_value=0, max_value=10**12)
shares = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def test_facts_sheet_example_capacity_50_of_gpt_4o():
    assert deployment_cost("gpt-4o", GPT4O, "GlobalStandard", 50, input_share=1.0).ceiling == pytest.approx(5_475)
    assert deployment_cost("gpt-4o", GPT4O, "GlobalStandard", 50, input_share=0.0).ceiling == pytest.approx(21_900)


def test_expected_cost_is_tokens_times_catalog_prices():
    cost = deployment_cost("gpt-4o", GPT4O, "DataZoneStandard", 50, 900_000_000, 150_000_000)
    assert cost.expected == pytest.approx(900 * 2.75 + 150 * 11.00)


@settings(max_examples=200, deadline=None)
@given(model_sku=st.sampled_from(PAYG), capacity=capacities, share=shares)
def test_ceiling_lies_between_all_input_and_all_output(model_sku, capacity, share):
    name, sku = model_sku
    model = CAT.models[name]
    low = deployment_cost(name, model, sku, capacity, input_share=1.0).ceiling
    high = deployment_cost(name, model, sku, capacity, input_share=0.0).ceiling
    mid = deployment_cost(name, model, sku, capacity, input_share=share).ceiling
    assert min(low, high) - 1e-6 <= mid <= max(low, high) + 1e-6


@settings(max_examples=200, deadline=None)
@given(model_sku=st.sampled_from(PAYG), capacity=capacities, share=shares)
def test_ceiling_is_linear_in_capacity(model_sku, capacity, share):
    name, sku = model_sku
    model = CAT.models[name]
    one = deployment_cost(name, model, sku, 1, input_share=share).ceiling
    assert deployment_cost(name, model, sku, capacity, input_share=share).ceiling == pytest.approx(one * capacity)


@settings(max_examples=200, deadline=None)
@given(model_sku=st.sampled_from(PAYG), capacity=capacities, inp=tokens, out=tokens)
def test_expected_cost_is_additive_and_independent_of_capacity(model_sku, capacity, inp, out):
    name, sku = model_sku
    model = CAT.models[name]
    both = deployment_cost(name, model, sku, capacity, inp, out).expected
    parts = (
        deployment_cost(name, model, sku, 1, inp, 0).expected + deployment_cost(name, model, sku, 1, 0, out).expected
    )
    assert both == pytest.approx(parts) and both >= 0


@settings(max_examples=100, deadline=None)
@given(ptu=st.integers(min_value=15, max_value=2_000), inp=tokens)
def test_provisioned_costs_ptu_hours_whatever_it_processes(ptu, inp):
    cost = deployment_cost("DeepSeek-R1", CAT.models["DeepSeek-R1"], "GlobalProvisionedManaged", ptu, inp, inp)
    assert cost.expected == cost.ceiling == pytest.approx(ptu * 1.00 * HOURS_PER_MONTH)


@given(inp=st.floats(0, 100), out=st.floats(0, 100), share=shares)
def test_blended_price_is_a_weighted_mean(inp, out, share):
    assert min(inp, out) - 1e-9 <= blended_price(inp, out, share) <= max(inp, out) + 1e-9


def test_input_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        blended_price(1.0, 2.0, 1.5)


@pytest.mark.parametrize(
    "name,sku",
    [
        ("gpt-4o", "GlobalBatch"),
        ("gpt-4o", "DeveloperTier"),
        ("DeepSeek-V4-Pro", "GlobalStandard"),
        ("model-router", "GlobalStandard"),
        ("grok-4-1-fast-reasoning", "GlobalProvisionedManaged"),
    ],
)
def test_missing_price_is_an_error_never_zero(name, sku):
    with pytest.raises(MissingPriceError, match="in the catalog; add one"):
        deployment_cost(name, CAT.models[name], sku, 10)


def test_minutes_per_month_match_the_facts_sheet():
    assert MINUTES_PER_MONTH == 43_800 and HOURS_PER_MONTH == 730


def test_developer_tier_is_never_priced_per_token_even_when_the_catalog_has_a_developer_price():
    """DeveloperTier is billed by hosting, not by the token price (a developer price in the catalog is not used)."""
    data = GPT4O.model_dump(by_alias=True)
    data["prices"]["developer"] = data["prices"]["global"]
    model = type(GPT4O).model_validate(data)
    assert "developer" in model.prices
    with pytest.raises(MissingPriceError, match=r"no developer token price for m \(DeveloperTier\)"):
        deployment_cost("m", model, "DeveloperTier", 1, 1_000_000, 1_000_000)
