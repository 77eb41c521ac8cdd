"""Typed inputs of a custom content filter: the RAI policy's properties and its blocklists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..config.loaded import LoadedConfig, SourceLocation
from .filter_settings import HARM_CATEGORIES, SOURCES


@dataclass(frozen=True)
class BlocklistArgs:
    """A blocklist of the account and its items (item name, pattern, is it a regex)."""

    name: str
    items: tuple[tuple[str, str, bool], ...]
    source: SourceLocation


@dataclass(frozen=True)
class ContentFilterArgs:
    """A custom content filter (RAI policy) in Azure's shape, and the blocklists it attaches."""

    name: str
    properties: dict[str, Any]
    blocklists: tuple[BlocklistArgs, ...]
    source: SourceLocation


def content_filter_args(loaded: LoadedConfig, index: int, f_index: int) -> ContentFilterArgs:
    """A content filter as a RAI policy: every harm category both ways, the shields, and its blocklists."""
    cf = loaded.config.accounts[index].content_filters[f_index]
    filters: list[dict[str, Any]] = []
    for category in HARM_CATEGORIES:
        for source in SOURCES:
            setting = cf.category(category).direction(source)
            filters.append(
                {
                    "name": category,
                    "enabled": True,
                    "severityThreshold": setting.threshold,
                    "blocking": setting.blocking,
                    "source": source,
                }
            )
    switches = [
        ("Jailbreak", cf.prompt_shields.jailbreak, "Prompt"),
        ("Indirect Attack", cf.prompt_shields.indirect_attack, "Prompt"),
        ("Protected Material Text", cf.protected_material.text, "Completion"),
        ("Protected Material Code", cf.protected_material.code, "Completion"),
    ]
    filters += [{"name": name, "enabled": on, "blocking": on, "source": source} for name, on, source in switches]
    where = ("accounts", index, "contentFilters", f_index)
    blocklists = tuple(
        BlocklistArgs(
            b.name,
            tuple(
                (
                    f"item-{hashlib.sha256(f'{item.regex}:{item.pattern}'.encode()).hexdigest()[:12]}",
                    item.pattern,
                    item.regex,
                )
                for item in b.items
            ),
            loaded.location(*where, "blocklists", b_index),
        )
        for b_index, b in enumerate(cf.blocklists)
    )
    properties = {
        "basePolicyName": cf.base_policy,
        "mode": cf.mode,
        "contentFilters": filters,
        "customBlocklists": [
            {"blocklistName": b.name, "blocking": True, "source": source}
            for b in cf.blocklists
            for source in b.applies_to
        ],
    }
    return ContentFilterArgs(cf.name, properties, blocklists, loaded.location(*where))
