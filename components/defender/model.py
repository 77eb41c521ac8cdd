"""The config of the subscription's Defender for AI plan (`foundry-iac:defender`)."""

from __future__ import annotations

from pydantic import Field, StrictBool

from ..config.fields import ConfigModel


class DefenderConfig(ConfigModel):
    """Which Microsoft Defender for Cloud plans the stack turns on in its subscription."""

    ai: StrictBool = Field(
        description="true: the subscription's Defender for AI services plan (Microsoft.Security/pricings `AI`) is on "
        "(pricing tier Standard). A subscription-wide setting: when several stacks of the repository in one "
        "subscription declare it, the one whose name sorts first registers it (docs/reference/defender-for-ai.md).",
    )
