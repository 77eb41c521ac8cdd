"""Typed inputs of the subscription's Defender for AI plan, and which stack of the repository registers it.

The plan (Microsoft.Security/pricings `AI`) is one setting per subscription, so one stack registers it: of the
stacks of the repository in the subscription that declare `defender: {ai: true}`, the one whose name sorts first
(the owner). Every declaring stack asks for the same value (tier Standard), so an ownership change never flips the
plan, and the resource is retained on delete, so the stack that stops owning it leaves it on. Pure: the other
stacks' validated configs come in as arguments (the program and the gate read them, the same way).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config.loaded import LoadedConfig, SourceLocation

PLAN_NAME = "AI"  # Microsoft.Security/pricings name of the Defender for AI services plan
ON_TIER = "Standard"  # pricingTier that turns a Defender plan on (Free: off)


@dataclass(frozen=True)
class DefenderArgs:
    """The AI plan as the owner stack registers it (ARM shape: pricings/AI at the subscription scope)."""

    pricing_name: str
    pricing_tier: str
    scope_id: str
    source: SourceLocation


@dataclass(frozen=True)
class PlanOwner:
    """The stack of the repository that registers a subscription's AI plan, and where it says so."""

    stack: str
    file: str
    line: int | None


def declares_ai(loaded: LoadedConfig) -> bool:
    """True when the stack declares `defender: {ai: true}`."""
    defender = loaded.config.defender
    return defender is not None and defender.ai


def plan_owner(loaded: LoadedConfig, others: Iterable[LoadedConfig]) -> PlanOwner | None:
    """The owner of the stack's subscription's AI plan among this stack and `others` (None: no stack declares it).

    `others` are the other stacks of the repository (a stack of this one's name among them is ignored)."""
    subscription = loaded.config.subscription_id.lower()
    declaring = [
        candidate
        for candidate in [loaded, *(o for o in others if o.stack != loaded.stack)]
        if candidate.config.subscription_id.lower() == subscription and declares_ai(candidate)
    ]
    if not declaring:
        return None
    first = min(declaring, key=lambda candidate: candidate.stack)
    where = first.location("defender", "ai")
    return PlanOwner(first.stack, where.file, where.line)


def scope_id(subscription: str) -> str:
    """The Pricing's scopeId: `subscriptions/{id}`, as the REST API and the SDK's own examples write it."""
    return f"subscriptions/{subscription}"


def defender_args(loaded: LoadedConfig, owner: PlanOwner | None) -> DefenderArgs | None:
    """The plan this stack registers: only when it declares it and owns it (else None)."""
    if owner is None or owner.stack != loaded.stack or not declares_ai(loaded):
        return None
    return DefenderArgs(PLAN_NAME, ON_TIER, scope_id(loaded.config.subscription_id), loaded.location("defender", "ai"))
