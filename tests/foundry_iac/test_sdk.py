"""The Pulumi SDK internals the offline runner and gate rely on are still there, with the shapes they use.

When an SDK upgrade moves one, this test names it; foundry_iac/sdk.py is the one module to adapt."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from pulumi.runtime.proto import resource_pb2

from foundry_iac import sdk


@pytest.mark.parametrize(
    "name,parameters",
    [
        ("set_all_config", ["config", "secret_keys"]),
        ("get_root_resource", []),
        ("reset_options", ["project", "stack", "preview"]),
        ("run_pulumi_func", ["func"]),
        ("set_mocks", ["mocks", "project", "stack", "preview", "monitor"]),
    ],
)
def test_each_internal_the_runner_calls_takes_the_arguments_it_passes(name, parameters):
    signature = inspect.signature(getattr(sdk, name))
    assert set(parameters) <= set(signature.parameters), (
        f"pulumi SDK changed {name}{signature}: adapt foundry_iac/sdk.py"
    )


def test_the_unknown_marker_a_mock_returns_arrives_as_an_unknown_input():
    # the runner's mocks return UNKNOWN for a system identity's principal id; a resource that consumes it gets Unknown
    assert isinstance(sdk.UNKNOWN, str) and sdk.UNKNOWN
    assert inspect.isclass(sdk.Unknown)


def test_the_mock_monitor_still_records_through_register_resource():
    assert list(inspect.signature(sdk.MockMonitor.__init__).parameters)[1:] == ["mocks"]
    assert callable(getattr(sdk.MockMonitor, "RegisterResource", None))
    assert {"new_resource", "call"} <= set(vars(sdk.Mocks))


def test_the_register_resource_request_still_has_every_field_the_recorder_reads():
    fields = {f.name for f in resource_pb2.RegisterResourceRequest.DESCRIPTOR.fields}
    assert set(sdk.REGISTER_REQUEST_FIELDS) <= fields, set(sdk.REGISTER_REQUEST_FIELDS) - fields


def test_sync_await_settles_an_awaitable():
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert sdk.sync_await(answer()) == 42
