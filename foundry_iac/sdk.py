"""The one place foundry-iac touches Pulumi SDK internals (non-public modules and underscore names).

The offline runner needs to run a program under mocks in-process, and the gate needs to settle the
awaitables a CrossGuard policy may return; the SDK offers neither publicly. Every such use is
imported here and only here, and tests/foundry_iac/test_sdk.py checks each name's signature and the
fields of the monitor's RegisterResource request, so an SDK upgrade that moves them fails that test
by name instead of breaking a run.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pulumi
import pulumi.runtime.resource as _sdk_resource
from pulumi.output import Unknown
from pulumi.runtime import register_stack_transformation
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.rpc import UNKNOWN
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


# pulumi-azure-native gives each resource ~20 aliases to its earlier API-version types
# ("azure-native:cognitiveservices/v20230501:Account"): they matter to `pulumi up` state migrations only.
_PROVIDER_ALIAS = re.compile(r"azure-native:[a-zA-Z0-9]+/v[0-9a-z]+:[A-Za-z0-9]+")


def _provider_alias(alias: object) -> bool:
    """An alias the provider SDK added: only a versioned type, nothing else set (the program's stay)."""
    return (
        isinstance(alias, pulumi.Alias)
        and isinstance(alias.type_, str)
        and _PROVIDER_ALIAS.fullmatch(alias.type_) is not None
        and all(value is ... for value in (alias.name, alias.parent, alias.stack, alias.project))
    )


def drop_provider_aliases(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """A stack transformation for the offline run only: drop the provider's versioned-type aliases.

    Nothing the mock monitor records or the report shows reads them, and the SDK builds Outputs and tasks
    for every one. Aliases the program sets itself are kept.
    """
    aliases = args.opts.aliases
    if not aliases:
        return None
    kept = [alias for alias in aliases if not _provider_alias(alias)]
    if len(kept) == len(aliases):
        return None
    opts = args.opts._copy()
    opts.aliases = kept
    return pulumi.ResourceTransformationResult(args.props, opts)


def _no_stack_trace() -> Any:
    return source_pb2.StackTrace()


@contextmanager
def lean_offline_run(freeze: bool = False) -> Iterator[None]:
    """While the program runs under mocks: no stack-trace capture, and no cyclic GC (collected once after).

    The SDK walks the Python stack for every registration (for `pulumi up`'s source positions), and the
    collector rescans the growing heap of Outputs again and again; neither changes what is recorded.
    freeze: instead of collecting, move what the run left to the permanent generation, so no later
    collection rescans it; for a short-lived process (the CLI) that exits soon after.
    """
    saved = _sdk_resource._get_stack_trace
    was_enabled = gc.isenabled()
    _sdk_resource._get_stack_trace = _no_stack_trace
    gc.disable()
    try:
        yield
    finally:
        _sdk_resource._get_stack_trace = saved
        if freeze:
            gc.freeze()
        else:
            gc.collect()
        if was_enabled:
            gc.enable()


def sync_await(awaitable: Awaitable[T]) -> T:
    """Run an awaitable to completion on the SDK's loop (the SDK's private `_sync_await`)."""
    return _sync_await(awaitable)


__all__ = [
    "REGISTER_REQUEST_FIELDS",
    "drop_provider_aliases",
    "lean_offline_run",
    "MockCallArgs",
    "MockMonitor",
    "MockResourceArgs",
    "Mocks",
    "get_root_resource",
    "register_stack_transformation",
    "reset_options",
    "run_pulumi_func",
    "set_all_config",
    "set_mocks",
    "sync_await",
    "UNKNOWN",
    "Unknown",
]
