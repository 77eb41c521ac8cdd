"""The Azure REST API version pulumi-azure-native uses for each resource type, read from the installed SDK.

The SDK's generated classes document it ("Uses Azure REST API version 2026-01-15-preview"); reading it there
keeps one source of truth for the ARM export and the `preview-api` policy.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from pathlib import Path

_API_VERSION = re.compile(r"Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)")


@functools.cache
def sdk_api_version(pulumi_type: str) -> str:
    """The REST API version pulumi-azure-native uses for a type such as azure-native:cognitiveservices:Account."""
    _, module, name = pulumi_type.split(":")
    cls = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), name)
    # the docstring sits on the typing overloads of __init__, so it is read from the class's source file
    source = inspect.getsourcefile(cls)
    found = _API_VERSION.search(Path(source).read_text(encoding="utf-8")) if source else None
    if found is None:
        raise LookupError(f"pulumi-azure-native documents no API version for {pulumi_type}")
    return found.group(1)


def is_preview(version: str) -> bool:
    """True for a preview API version (2026-01-15-preview)."""
    return version.endswith("-preview")
