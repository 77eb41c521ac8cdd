"""Read the stack config from the Pulumi runtime, as `pulumi up` (or the offline runner) set it."""

from __future__ import annotations

import os

import pulumi

from ..config.loaded import LoadedConfig
from ..config_errors import ConfigError
from ..source import SourceDoc
from .loader import (
    KNOWN_NAMESPACES,
    STACK_DISPLAY_ENV,
    STACK_FILE_ENV,
    locate_stack_file,
    parse_config,
    read_stack_file,
)


class InvalidStackConfigError(ConfigError, pulumi.RunError):
    """A bad stack config; a RunError, so the Pulumi CLI prints the issues without a traceback."""


def load_from_pulumi() -> LoadedConfig:
    """Validate this stack's config before any resource is registered; raise InvalidStackConfigError."""
    stack = pulumi.get_stack()
    path = locate_stack_file(stack)
    display = os.environ.get(STACK_DISPLAY_ENV) or (
        str(path) if os.environ.get(STACK_FILE_ENV) else os.path.relpath(path)
    )
    doc = read_stack_file(path, display) if path.exists() else SourceDoc(file=display, value={"config": {}})
    configs = {namespace: pulumi.Config(namespace) for namespace in KNOWN_NAMESPACES}
    try:
        return parse_config(lambda namespace, key: configs[namespace].get(key), doc, stack)
    except ConfigError as exc:
        raise InvalidStackConfigError(exc.issues) from None
