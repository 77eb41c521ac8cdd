"""The one place foundry-iac touches Pulumi SDK internals (non-public modules and underscore names).

The offline runner needs to run a program under mocks in-process, and the gate needs to settle the
awaitables a CrossGuard policy may return; the SDK offers neither publicly. Every such use is
imported here and only here, and tests/foundry_iac/test_sdk.py checks each name's signature and the
fields of the monitor's RegisterResource request, so an SDK upgrade that moves them fails that test
by name instead of breaking a run.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.settings import get_root_resource, reset_options
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")

# What the recording monitor reads from each RegisterResource request.
REGISTER_REQUEST_FIELDS = (
    "type",
    "name",
    "parent",
    "custom",
    "protect",
    "dependencies",
    "replaceOnChanges",
    "deleteBeforeReplace",
)


def sync_await(awaitable: Awaitable[T]) -> T:
    """Run an awaitable to completion on the SDK's loop (the SDK's private `_sync_await`)."""
    return _sync_await(awaitable)


__all__ = [
    "REGISTER_REQUEST_FIELDS",
    "MockCallArgs",
    "MockMonitor",
    "MockResourceArgs",
    "Mocks",
    "get_root_resource",
    "reset_options",
    "run_pulumi_func",
    "set_all_config",
    "set_mocks",
    "sync_await",
]
