"""The type of resource inputs foundry-iac writes in Azure's own (ARM, camelCase) shape.

pulumi-azure-native's Python SDK types nested inputs as snake_case TypedDicts, but it sends a dict's
keys to the provider as written, and both the provider and CrossGuard policies see the camelCase ARM
names. foundry-iac writes nested inputs in that ARM shape, the one the REST API
documentation and Azure/bicep-types-az use, so the type checker is told they are wire values, not the SDK's TypedDicts.
"""

from __future__ import annotations

from typing import Any, TypeAlias

Wire: TypeAlias = Any


def wire(value: dict[str, Any]) -> Wire:
    """An inline input written in the ARM shape."""
    return value
