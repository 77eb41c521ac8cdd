"""The stack config: the root model that composes every feature, and its loaders.

The names below load on first use, so that importing `components.stack` (for one name) does not load every
feature's model at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..account.model import AccountConfig
    from ..config.loaded import LoadedConfig, SourceLocation
    from ..config_errors import ConfigError, ConfigIssue
    from ..deployments.model import DeploymentConfig
    from ..projects.model import ProjectConfig
    from .loader import load_stack_file, stack_file_config
    from .model import StackConfig

_HOMES = {
    "AccountConfig": "..account.model",
    "ConfigError": "..config_errors",
    "ConfigIssue": "..config_errors",
    "DeploymentConfig": "..deployments.model",
    "LoadedConfig": "..config.loaded",
    "ProjectConfig": "..projects.model",
    "SourceLocation": "..config.loaded",
    "StackConfig": ".model",
    "load_stack_file": ".loader",
    "stack_file_config": ".loader",
}

__all__ = [
    "AccountConfig",
    "ConfigError",
    "ConfigIssue",
    "DeploymentConfig",
    "LoadedConfig",
    "ProjectConfig",
    "SourceLocation",
    "StackConfig",
    "load_stack_file",
    "stack_file_config",
]


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name], __name__), name)
