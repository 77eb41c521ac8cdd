"""Content filters (RAI policies): names Azure uses, the built-in filters' documented settings, and how a
filter's registered properties read as settings the content-filter policies judge.

Shapes: `accounts/raiPolicies` `properties {basePolicyName, mode, contentFilters [{name, enabled,
severityThreshold, blocking, source}], customBlocklists [{blocklistName, blocking, source}]}`, API
2025-06-01 (Azure/bicep-types-az, cognitiveservices 2025-06-01).

Built-in settings: Microsoft Learn, "Default content safety policies" (Azure OpenAI, text models),
ms.date 2024-07-15, read 2026-11-30: Hate, Sexual, Violence and Self-harm filtered at Medium on prompts
and completions; Jailbreak (user prompt injection) on prompts; Protected Material Text and Code on
completions. That page describes the default applied to deployments, which is `Microsoft.DefaultV2`.
`Microsoft.Default` (the older default) is not described there: foundry-iac reads it as the four
harm categories at Medium with no shield and no protected-material filter, so a policy that requires
a shield fails it rather than passing on an unverified assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

HarmCategory = Literal["Hate", "Sexual", "Violence", "Selfharm"]
HARM_CATEGORIES: tuple[HarmCategory, ...] = ("Hate", "Sexual", "Violence", "Selfharm")
PROMPT_SHIELDS = ("Jailbreak", "Indirect Attack")
COMPLETION_FILTERS = ("Protected Material Text", "Protected Material Code")
SOURCES = ("Prompt", "Completion")
THRESHOLDS = ("Low", "Medium", "High")  # Low filters low, medium and high severity: the strictest
MODES = ("Default", "Deferred", "Blocking", "Asynchronous_filter")
BUILTIN_FILTERS = ("Microsoft.DefaultV2", "Microsoft.Default")
SOURCE = "Microsoft Learn, Default content safety policies (2024-07-15), read 2026-11-30"


@dataclass(frozen=True)
class FilterSettings:
    """What a content filter does, as the policies judge it.

    thresholds: (category, source) -> the blocking threshold, for categories that block;
    shields: the names of shields and completion filters that are on and blocking.
    """

    name: str
    mode: str
    thresholds: dict[tuple[str, str], str] = field(default_factory=dict)
    shields: frozenset[str] = frozenset()
    builtin: bool = False


def _builtin(name: str, shields: tuple[str, ...]) -> FilterSettings:
    thresholds: dict[tuple[str, str], str] = {
        (category, source): "Medium" for category in HARM_CATEGORIES for source in SOURCES
    }
    return FilterSettings(name, "Default", thresholds, frozenset(shields), builtin=True)


BUILTIN_SETTINGS = {
    "Microsoft.DefaultV2": _builtin("Microsoft.DefaultV2", ("Jailbreak", *COMPLETION_FILTERS)),
    "Microsoft.Default": _builtin("Microsoft.Default", ()),
}


def settings_of(name: str, properties: Mapping[str, Any]) -> FilterSettings:
    """Read a registered RAI policy's `properties` (ARM shape): what blocks, at which threshold."""
    thresholds: dict[tuple[str, str], str] = {}
    shields: set[str] = set()
    for entry in properties.get("contentFilters") or []:
        if entry.get("enabled") is not True or entry.get("blocking") is not True:
            continue
        filter_name, source = str(entry.get("name")), str(entry.get("source"))
        if filter_name in HARM_CATEGORIES:
            thresholds[(filter_name, source)] = str(entry.get("severityThreshold"))
        else:
            shields.add(filter_name)
    return FilterSettings(name, str(properties.get("mode") or "Default"), thresholds, frozenset(shields))


def stricter_or_equal(threshold: str, loosest: str) -> bool:
    """True when `threshold` filters at least what `loosest` filters (Low is the strictest)."""
    if threshold not in THRESHOLDS or loosest not in THRESHOLDS:
        return False
    return THRESHOLDS.index(threshold) <= THRESHOLDS.index(loosest)
