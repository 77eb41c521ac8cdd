"""The cost model: pure functions from a deployment's type, capacity and tokens to monthly USD.

Pay-per-token deployments have an *expected* cost (declared monthly tokens x catalog prices) and a
*ceiling*: capacity is a rate limit, so the most a month can cost is
capacity x TPM per unit x 43,800 minutes x price, split between input and output by `input_share`
(0.0 = every token is output, the worst case). Provisioned deployments cost PTU x hourly rate x 730
hours whatever they process, so expected equals ceiling. A missing price is an error, never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import ModelEntry, deployment_family, is_provisioned

MINUTES_PER_MONTH = 43_800
HOURS_PER_MONTH = 730
TOKENS_PER_MILLION = 1_000_000


class MissingPriceError(Exception):
    """The catalog has no price for a model on a deployment family; the message says which."""


@dataclass(frozen=True)
class DeploymentCost:
    """Monthly USD of one deployment: expected from declared tokens, ceiling from capacity."""

    expected: float
    ceiling: float


def blended_price(input_price: float, output_price: float | None, input_share: float) -> float:
    """USD per 1M tokens when `input_share` of tokens are input (embeddings have no output price)."""
    if not 0.0 <= input_share <= 1.0:
        raise ValueError(f"input share must be between 0 and 1 (got {input_share})")
    if output_price is None:
        return input_price
    return input_share * input_price + (1.0 - input_share) * output_price


def monthly_token_ceiling(capacity: int, tpm_per_unit: int) -> int:
    """The most tokens a pay-per-token deployment can process in a month at full rate."""
    return capacity * tpm_per_unit * MINUTES_PER_MONTH


def deployment_cost(
    name: str,
    model: ModelEntry,
    sku: str,
    capacity: int,
    input_tokens: int = 0,
    output_tokens: int = 0,
    input_share: float = 0.0,
) -> DeploymentCost:
    """Expected and ceiling monthly cost of deploying `model` as `sku` with `capacity` units."""
    family = deployment_family(sku)
    if is_provisioned(sku):
        rates = model.ptu_hour
        if family not in rates:
            raise MissingPriceError(f"no {family} PTU-hour price for {name} in the catalog; add one")
        monthly = capacity * rates[family].usd_per_ptu_hour * HOURS_PER_MONTH
        return DeploymentCost(monthly, monthly)
    if sku.endswith("Batch") or family == "developer" or family not in model.prices:
        raise MissingPriceError(f"no {family} token price for {name} ({sku}) in the catalog; add one")
    price = model.prices[family]
    output_price = price.output if price.output is not None else price.input
    expected = (input_tokens * price.input + output_tokens * output_price) / TOKENS_PER_MILLION
    ceiling = (
        monthly_token_ceiling(capacity, model.tpm_per_unit)
        * blended_price(price.input, price.output, input_share)
        / TOKENS_PER_MILLION
    )
    return DeploymentCost(expected, ceiling)
