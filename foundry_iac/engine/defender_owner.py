"""The owner of the stack's subscription's Defender for AI plan, for defender-for-ai and the report.

The program registers the plan only in the owner stack (components/defender/args.py); the gate reads the same
other stacks, the same way, and hands defender-for-ai the owner when it is another stack (`ownedBy`), so a stack
whose subscription's plan another stack registers passes. The report names the owner either way.
"""

from __future__ import annotations

from pathlib import Path

from components.config.loaded import LoadedConfig
from components.defender.args import ON_TIER, PLAN_NAME, PlanOwner, declares_ai, plan_owner

from ..errors import GateInputError
from .policy_config import PolicySettings
from .report_model import DefenderPlanRow, Source
from .stacks import all_stacks, load_stacks

DEFENDER = "defender-for-ai"


def repository_plan_owner(root: Path, loaded: LoadedConfig) -> PlanOwner | None:
    """The stack of the repository (this one included) that registers the subscription's AI plan, or None."""
    others = [ref for ref in all_stacks(root) if ref.name != loaded.stack]
    return plan_owner(loaded, load_stacks(others, "cannot be read to know which stack owns the Defender plan"))


def with_plan_owner(settings: dict[str, PolicySettings], root: Path, loaded: LoadedConfig) -> PlanOwner | None:
    """The owner of the stack's subscription's AI plan (read only when the stack has `defender` or
    defender-for-ai is enabled); defender-for-ai gets it as `ownedBy` when it is another stack.

    A stack stating `ai: false` in a subscription whose plan another stack turns on contradicts it: an input error."""
    policy = settings[DEFENDER]
    if policy.enforcement == "disabled" and loaded.config.defender is None:
        return None
    owner = repository_plan_owner(root, loaded)
    if owner is not None and not declares_ai(loaded) and loaded.config.defender is not None:
        where = loaded.location("defender", "ai")
        raise GateInputError(
            [
                f"{where.file}:{where.line}: defender.ai is false, but stack {owner.stack} ({owner.file}:{owner.line}) "
                f"turns the Defender for AI plan of subscription {loaded.config.subscription_id} on, and the plan is "
                "one setting per subscription: remove `foundry-iac:defender` from this stack (the plan stays on), or "
                f"turn the plan off in Defender for Cloud and remove it from stack {owner.stack}"
            ]
        )
    if policy.enforcement == "disabled" or owner is None or owner.stack == loaded.stack:
        return owner
    owned_by = {"stack": owner.stack, "file": owner.file, "line": owner.line}
    settings[DEFENDER] = policy.with_setting("ownedBy", owned_by)
    return owner


def defender_row(loaded: LoadedConfig, owner: PlanOwner | None) -> DefenderPlanRow | None:
    """What the report says of the subscription's AI plan: None when no stack of the repository registers it."""
    if owner is None:
        return None
    return DefenderPlanRow(
        subscription=loaded.config.subscription_id.lower(),
        plan=PLAN_NAME,
        pricing_tier=ON_TIER,
        owner=owner.stack,
        owner_source=Source(file=owner.file, line=owner.line),
        registered_here=owner.stack == loaded.stack,
        declared_here=declares_ai(loaded),
    )
