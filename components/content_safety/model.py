"""The config of custom content filters (RAI policies): harm categories, shields, blocklists."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from ..config.fields import CHILD_NAME_PATTERN, ConfigModel, custom_error
from ..text import short
from .filter_settings import BUILTIN_FILTERS, HarmCategory

Threshold = Literal["Low", "Medium", "High"]
FilterSource = Literal["Prompt", "Completion"]
MAX_BLOCKLIST_PATTERN = 1000  # characters per blocklist item pattern (not verified against Azure's limit)


class DirectionFilter(ConfigModel):
    """One harm category in one direction: the severity it filters from, and whether it blocks."""

    threshold: Threshold = Field(default="Medium", description="Low filters low, medium and high: the strictest.")
    blocking: StrictBool = Field(default=True, description="false: annotate only (needs Microsoft's approval).")


class CategoryFilter(ConfigModel):
    """A harm category on prompts and on completions (a threshold, or {threshold, blocking})."""

    prompt: Threshold | DirectionFilter = "Medium"
    completion: Threshold | DirectionFilter = "Medium"

    def direction(self, source: str) -> DirectionFilter:
        """The setting of one direction, Prompt or Completion."""
        value = self.prompt if source == "Prompt" else self.completion
        return value if isinstance(value, DirectionFilter) else DirectionFilter(threshold=value)


class PromptShields(ConfigModel):
    """Prompt shields: user prompt attacks (Jailbreak) and attacks hidden in documents (Indirect Attack)."""

    jailbreak: StrictBool = True
    indirect_attack: StrictBool = Field(default=False, alias="indirectAttack")


class ProtectedMaterial(ConfigModel):
    """Completion filters for protected material: text and code."""

    text: StrictBool = True
    code: StrictBool = True


class BlocklistItem(ConfigModel):
    """A term (plain text) or a regular expression to block."""

    pattern: str = Field(min_length=1, max_length=MAX_BLOCKLIST_PATTERN)
    regex: StrictBool = False

    @model_validator(mode="after")
    def _compiles(self) -> BlocklistItem:
        if self.regex:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise custom_error(
                    "bad_regex",
                    f"{short(self.pattern)} is not a regular expression ({exc}); fix it, or set regex: false "
                    "to block the text as written",
                    at=("pattern",),
                ) from None
        return self


class BlocklistConfig(ConfigModel):
    """A blocklist of the account, attached to a content filter on prompts and/or completions."""

    name: str = Field(pattern=CHILD_NAME_PATTERN)
    items: list[BlocklistItem] = Field(min_length=1)
    applies_to: list[FilterSource] = Field(default=["Prompt", "Completion"], alias="appliesTo", min_length=1)

    @field_validator("items")
    @classmethod
    def _distinct_items(cls, value: list[BlocklistItem]) -> list[BlocklistItem]:
        seen: dict[tuple[str, bool], int] = {}
        for index, item in enumerate(value):
            key = (item.pattern, item.regex)
            if key in seen:
                raise custom_error("duplicate_item", f"the same pattern as item {seen[key]}; list it once", index=index)
            seen[key] = index
        return value


class ContentFilterConfig(ConfigModel):
    """A custom content filter (RAI policy) of the account, which deployments name by `name`."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="RAI policy name; deployments' contentFilter.")
    base_policy: Literal["Microsoft.DefaultV2", "Microsoft.Default"] = Field(
        default="Microsoft.DefaultV2", alias="basePolicy"
    )
    mode: Literal["Default", "Deferred", "Blocking", "Asynchronous_filter"] = "Default"
    categories: dict[HarmCategory, CategoryFilter] = Field(
        default_factory=dict, description="Per harm category; unlisted ones filter at Medium both ways."
    )
    prompt_shields: PromptShields = Field(default_factory=PromptShields, alias="promptShields")
    protected_material: ProtectedMaterial = Field(default_factory=ProtectedMaterial, alias="protectedMaterial")
    blocklists: list[BlocklistConfig] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, value: str) -> str:
        if value in BUILTIN_FILTERS:
            raise custom_error("builtin_filter", f"{value} is a built-in filter; name yours differently")
        return value

    def category(self, name: HarmCategory) -> CategoryFilter:
        """A harm category's setting (Medium, blocking, both ways when unlisted)."""
        return self.categories.get(name, CategoryFilter())
