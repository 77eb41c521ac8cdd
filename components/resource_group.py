"""The stack's resource group and the tags every resource carries: what every feature's inputs start from."""

from __future__ import annotations

from dataclasses import dataclass

from .config.loaded import LoadedConfig, SourceLocation
from .tags import MANAGED_BY_TAGS, STACK_TAG


@dataclass(frozen=True)
class ResourceGroupArgs:
    """The stack's resource group."""

    name: str
    location: str
    tags: dict[str, str]
    protect: bool
    source: SourceLocation


def resource_group_name(loaded: LoadedConfig) -> str:
    """The stack's resource group name: from config, else rg-foundry-<stack>."""
    return loaded.config.resource_group or f"rg-foundry-{loaded.stack}"


def resource_group_args(loaded: LoadedConfig) -> ResourceGroupArgs:
    """The stack's resource group: named by config, else rg-foundry-<stack>."""
    cfg = loaded.config
    name = resource_group_name(loaded)
    where = loaded.location("resourceGroup") if cfg.resource_group else loaded.location("location")
    return ResourceGroupArgs(name, cfg.location, stack_tags(loaded), cfg.production, where)


def stack_tags(loaded: LoadedConfig) -> dict[str, str]:
    """The tags every resource of the stack carries: foundry-iac's own and the stack's."""
    return {**MANAGED_BY_TAGS, STACK_TAG: loaded.stack, **loaded.config.tags}
