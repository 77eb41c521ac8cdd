"""The stack config: typed model, YAML source with lines, and loaders."""

from .errors import ConfigError, ConfigIssue
from .loader import LoadedConfig, SourceLocation, load_stack_file, stack_file_config
from .model import AccountConfig, DeploymentConfig, ProjectConfig, StackConfig

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
