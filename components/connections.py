"""The `properties` of a project connection, shared by a project's own connections (projects/component.py) and
the connections of its agent setup (agents/component.py)."""

from __future__ import annotations

from .wire import Wire


def connection_properties(category: str, target: str, resource_id: str, location: str) -> Wire:
    """A project connection's `properties`: Entra ID auth (no keys stored), the resource's id and region."""
    return {
        "authType": "AAD",
        "category": category,
        "target": target,
        "isSharedToAll": False,
        "metadata": {"ApiType": "Azure", "ResourceId": resource_id, "location": location},
    }
