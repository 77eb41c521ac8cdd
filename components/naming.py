"""Deterministic Azure names: same config, same names."""

from __future__ import annotations

import hashlib
import uuid

# A fixed namespace so role assignment names (GUIDs) are stable across runs and machines.
_ROLE_ASSIGNMENT_NS = uuid.UUID("6f1c2a4e-5b0d-4c1e-9a57-0f0d1a7e1a11")
_SUBDOMAIN_MAX = 64


def stable_suffix(stack: str, subscription_id: str, length: int = 6) -> str:
    """A short hex suffix derived from the stack and subscription (for globally unique names)."""
    digest = hashlib.sha256(f"{subscription_id.lower()}/{stack}".encode()).hexdigest()
    return digest[:length]


def custom_subdomain(account_name: str, stack: str, subscription_id: str) -> str:
    """The account's customSubDomainName: its name plus a stable suffix, lower case, at most 64 chars."""
    suffix = stable_suffix(stack, subscription_id)
    stem = account_name.lower()[: _SUBDOMAIN_MAX - len(suffix) - 1].rstrip("-")
    return f"{stem}-{suffix}"


def role_assignment_name(scope: str, role_definition_id: str, principal_id: str) -> str:
    """A deterministic GUID for a role assignment (Azure requires a GUID name)."""
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NS, f"{scope.lower()}|{role_definition_id.lower()}|{principal_id.lower()}"))


def account_id(subscription_id: str, resource_group: str, account_name: str) -> str:
    """The ARM id of a Foundry account, built from plain values (known at preview)."""
    return (
        f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.CognitiveServices/accounts/{account_name}"
    )
