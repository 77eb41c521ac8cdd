"""Which stack-file line produced each resource.

Components record (resource type, logical name) -> source location as they register resources, in
program order. The offline runner reads this to place policy results (SARIF) on the line the engineer
wrote; under `pulumi up` it is a few dict entries and nothing more.
"""

from __future__ import annotations

from .config.loaded import SourceLocation

_RECORDS: dict[tuple[str, str], SourceLocation] = {}


def record(resource_type: str, logical_name: str, location: SourceLocation) -> None:
    """Remember that the resource `resource_type`/`logical_name` comes from `location`."""
    _RECORDS[(resource_type, logical_name)] = location


def snapshot() -> dict[tuple[str, str], SourceLocation]:
    """A copy of every record, in the order the program registered them."""
    return dict(_RECORDS)


def reset() -> None:
    """Forget every record (the runner calls it before each program run)."""
    _RECORDS.clear()
