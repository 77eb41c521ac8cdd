"""defender-for-ai: the stack's subscription has the Defender for AI services plan on.

The plan (Microsoft.Security/pricings `AI`, tier Standard) is one setting per subscription, registered by one
stack of the repository (components/defender/args.py): this stack, or the other stack the gate names in the
computed `ownedBy` setting. Meant for production: mandatory there, disabled or advisory elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components import resource_types as types
from components.defender.args import ON_TIER, PLAN_NAME

from .framework import Finding, PolicySpec, Resource, stack_policy

PRICING = types.SECURITY_PRICING


def ai_plans(resources: list[Resource]) -> list[Resource]:
    """The stack's registrations of the AI plan (ARM names are case-insensitive)."""
    return [
        r for r in resources if r.type == PRICING and str(r.props.get("pricingName", "")).lower() == PLAN_NAME.lower()
    ]


def check_defender_for_ai(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """The AI plan is on: this stack registers it at tier Standard, or another stack of the repository in the same
    subscription owns it (`ownedBy`, computed by the gate)."""
    plans = ai_plans(resources)
    for plan in plans:
        tier = plan.props.get("pricingTier")
        if tier != ON_TIER:
            yield Finding(
                f"{plan.name}: the Defender for AI plan is registered with pricing tier {tier!r}, which leaves it off; "
                f"the tier that turns it on is {ON_TIER!r}: set `foundry-iac:defender: {{ai: true}}`",
                plan,
            )
    owner = config.get("ownedBy") or {}
    if plans or owner.get("stack"):
        return
    yield Finding(
        "the subscription's Defender for AI services plan is not on: neither this stack nor another stack of the "
        "repository in its subscription registers it; add `foundry-iac:defender: {ai: true}` to this stack (prompt "
        "injection and data exfiltration attempts on its models raise no Defender alert otherwise)"
    )


OWNED_BY_SCHEMA = {
    "type": "object",
    "readOnly": True,
    "description": "computed by foundry-iac from stacks/: the other stack of the repository that registers this "
    "stack's subscription's Defender for AI plan (the declaring stack whose name sorts first), and where it says so",
    "properties": {
        "stack": {"type": "string"},
        "file": {"type": "string"},
        "line": {"type": ["integer", "null"]},
    },
    "additionalProperties": False,
}
DEFENDER_FOR_AI = PolicySpec(
    id="defender-for-ai",
    description="The stack's subscription has the Defender for AI services plan on (Microsoft.Security/pricings AI at "
    "tier Standard), registered by this stack or by another stack of the repository in the same subscription; meant "
    "for production.",
    remediation="Add `foundry-iac:defender: {ai: true}` to the stack (one stack per subscription registers the plan: "
    "the declaring stack whose name sorts first).",
    severity=Severity.HIGH,
    properties={"ownedBy": OWNED_BY_SCHEMA},
)

defender_for_ai = stack_policy(DEFENDER_FOR_AI, check_defender_for_ai)
