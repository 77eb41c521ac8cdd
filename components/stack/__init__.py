"""The stack config: typed model, YAML source with lines, and loaders.

The names below load on first use, so that a feature's model (components/<feature>/model.py) can import
`config.fields` and `config.limits` without first loading the root model that composes it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..account.model import AccountConfig
    from ..deployments.model import DeploymentConfig
    from ..projects.model import ProjectConfig
    from .errors import ConfigError, ConfigIssue
    from .loader import LoadedConfig, SourceLocation, load_stack_file, stack_file_config
    from .model import StackConfig

_HOMES = {
    "AccountConfig": "..account.model",
    "ConfigError": ".errors",
    "ConfigIssue": ".errors",
    "DeploymentConfig": "..deployments.model",
    "LoadedConfig": ".loader",
    "ProjectConfig": "..projects.model",
    "SourceLocation": ".loader",
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
