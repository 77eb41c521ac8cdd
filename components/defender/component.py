"""The subscription's Defender for AI plan (Microsoft.Security/pricings `AI`), registered by its owner stack.

The plan is subscription-wide: the resource is retained on delete, so `pulumi destroy` of the owner, removing
`defender` from it, or another stack taking ownership leaves the plan as it is (on); turning it off is a
deliberate act in Defender for Cloud, never a side effect of a stack change (docs/reference/defender-for-ai.md).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import security

from .. import provenance
from .. import resource_types as types
from .args import DefenderArgs

LOGICAL_NAME = "defender-ai"


def defender_plan(args: DefenderArgs) -> security.Pricing:
    """Register the subscription's AI plan at its pricing tier."""
    provenance.record(types.SECURITY_PRICING, LOGICAL_NAME, args.source)
    return security.Pricing(
        LOGICAL_NAME,
        pricing_name=args.pricing_name,
        pricing_tier=args.pricing_tier,
        scope_id=args.scope_id,
        opts=pulumi.ResourceOptions(retain_on_delete=True),
    )
