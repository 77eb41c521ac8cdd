"""The Pulumi SDK internals the offline runner and gate rely on are still there, with the shapes they use.

When an SDK upgrade moves one, this test names it; foundry_iac/engine/sdk.py is the one module to adapt."""

from __future__ import annotations

import asyncio
import inspect
import itertools

import pulumi.runtime.resource_cycle_breaker as _cycle_breaker
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.runtime.proto import resource_pb2

from foundry_iac.engine import sdk


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
        f"pulumi SDK changed {name}{signature}: adapt foundry_iac/engine/sdk.py"
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


PARTIAL_PROBE = """
import json
import sys
from foundry_iac.engine.sdk import load_services_by_module

load_services_by_module(["network"])
from pulumi_azure_native import network
endpoint = network.PrivateEndpoint
loaded = [m for m in sys.modules if m.startswith("pulumi_azure_native.network.")]
from pulumi_azure_native.network.private_endpoint import PrivateEndpoint
same = endpoint is PrivateEndpoint
try:
    network.NoSuchClass
    missing = "no error"
except AttributeError as exc:
    missing = str(exc)
whole = [m for m in sys.modules if m.startswith("pulumi_azure_native.network.")]
load_services_by_module(["network"])  # a package loaded already is left as it is
print(json.dumps({
    "loaded": len(loaded), "same": same, "still_same": network.PrivateEndpoint is endpoint, "whole": len(whole),
    "missing": missing, "one_package": sys.modules["pulumi_azure_native.network"] is network
    and sys.modules["pulumi_azure_native"].network is network, "others": hasattr(network, "VirtualNetwork"),
}))
"""


def test_a_partial_service_package_loads_one_class_module_and_completes_on_anything_else():
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", PARTIAL_PROBE], capture_output=True, text=True, cwd=ROOT, check=True)
    probe = json.loads(done.stdout)
    assert probe["loaded"] < 10  # private_endpoint and the shared _inputs/outputs/_enums, not 290 modules
    assert probe["same"] and probe["still_same"] and probe["one_package"] and probe["others"]
    assert probe["whole"] > 250  # an unknown name ran the real __init__: the package is whole
    assert probe["missing"] == "module 'pulumi_azure_native.network' has no attribute 'NoSuchClass'"


def _register_request(name: str, object_: dict, resource_type: str = "azure-native:cognitiveservices:Account"):
    from pulumi.runtime import rpc

    struct = sdk.sync_await(rpc.serialize_properties(object_, {}))
    return resource_pb2.RegisterResourceRequest(
        type=resource_type, name=name, parent="", custom=True, object=struct, provider=""
    )


class _Echo(sdk.Mocks):
    def __init__(self) -> None:
        self.seen: list[dict] = []

    def new_resource(self, args):
        self.seen.append(args.inputs)
        return f"{args.name}-id", {**args.inputs, "extra": [1, {"x": sdk.UNKNOWN}]}

    def call(self, args):
        return {}, None


def test_register_resource_now_answers_as_the_sdks_mock_monitor_does():
    from pulumi.runtime.settings import reset_options

    reset_options(project="p", stack="s", preview=True)
    request = _register_request("acct", {"location": "swedencentral", "sku": {"name": "S0"}, "n": 3, "tags": {}})
    theirs_mocks, ours_mocks = _Echo(), _Echo()
    theirs = sdk.MockMonitor(theirs_mocks).RegisterResource(request)
    ours_monitor = sdk.MockMonitor(ours_mocks)
    ours, inputs = sdk.register_resource_now(ours_monitor, request)
    assert ours == theirs and ours.urn == "urn:pulumi:s::p::azure-native:cognitiveservices:Account::acct"
    assert (
        inputs
        == ours_mocks.seen[0]
        == theirs_mocks.seen[0]
        == {
            "location": "swedencentral",
            "sku": {"name": "S0"},
            "n": 3,
            "tags": {},
        }
    )
    assert ours_monitor.resources[ours.urn].id == "acct-id"
    stack = resource_pb2.RegisterResourceRequest(type="pulumi:pulumi:Stack", name="p-s")
    assert sdk.register_resource_now(ours_monitor, stack) == (sdk.MockMonitor(_Echo()).RegisterResource(stack), {})


class _Recorder(_Echo):
    """Records every field of the MockResourceArgs the monitor hands new_resource."""

    def new_resource(self, args):
        fields = ("typ", "name", "inputs", "provider", "resource_id", "custom", "transforms")
        self.seen.append({field: getattr(args, field) for field in fields})
        return f"{args.name}-id", {"answer": args.name}


def test_register_resource_now_hands_the_mocks_what_the_sdks_mock_monitor_does(monkeypatch):
    """Provider, import id, custom (true and false), declared transforms, a parent: the mocks see the same arguments,
    and the registered resources (what get_registered_resources and a getResource invoke read) are the same."""
    from pulumi.runtime import _callbacks
    from pulumi.runtime.proto import callback_pb2
    from pulumi.runtime.settings import reset_options

    def transform(args):
        return None

    class Servicer:  # what a running program's callback server holds: each declared transform by its token
        _transforms = {transform: "token-1"}

    monkeypatch.setattr(_callbacks._CallbackServicer, "_servicers", [Servicer()])
    reset_options(project="p", stack="s", preview=True)
    parent = "urn:pulumi:s::p::foundry:team:Team::team"
    provider = "urn:pulumi:s::p::pulumi:providers:azure-native::default::provider-id"
    imported = _register_request("acct", {"location": "swedencentral"})
    imported.parent, imported.provider, imported.importId = parent, provider, "/subscriptions/s/accounts/acct"
    imported.transforms.append(callback_pb2.Callback(token="token-1", target="127.0.0.1:1"))
    component = _register_request("team-part", {}, resource_type="foundry:team:Part")
    component.custom = False
    theirs_mocks, ours_mocks = _Recorder(), _Recorder()
    theirs_monitor, ours_monitor = sdk.MockMonitor(theirs_mocks), sdk.MockMonitor(ours_mocks)
    for request in (imported, component):
        assert sdk.register_resource_now(ours_monitor, request)[0] == theirs_monitor.RegisterResource(request)
    assert ours_mocks.seen == theirs_mocks.seen
    assert ours_mocks.seen[0] == {
        "typ": "azure-native:cognitiveservices:Account",
        "name": "acct",
        "inputs": {"location": "swedencentral"},
        "provider": provider,
        "resource_id": "/subscriptions/s/accounts/acct",
        "custom": True,
        "transforms": [transform],
    }
    assert ours_mocks.seen[1]["custom"] is False and ours_mocks.seen[1]["transforms"] == []
    assert ours_monitor.get_registered_resources() == theirs_monitor.get_registered_resources()
    account = ours_monitor.resources["urn:pulumi:s::p::foundry:team:Team$azure-native:cognitiveservices:Account::acct"]
    assert account == (
        "urn:pulumi:s::p::foundry:team:Team$azure-native:cognitiveservices:Account::acct",
        "acct-id",
        {"answer": "acct"},
    )


def test_register_resource_now_refuses_an_answer_that_must_be_awaited():
    class Pending(_Echo):
        def new_resource(self, args):
            return "x-id", {"later": asyncio.get_event_loop().create_future()}

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        with pytest.raises(RuntimeError) as refused:
            sdk.register_resource_now(sdk.MockMonitor(Pending()), _register_request("x", {}))
        assert str(refused.value) == (
            "a mock's answer holds a value that must be awaited; return plain data from new_resource"
        )
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def test_the_inline_executor_runs_a_call_at_once_on_the_calling_thread():
    import threading

    executor = sdk.InlineExecutor()
    assert executor.submit(threading.get_ident).result(timeout=0) == threading.get_ident()
    assert executor.submit(int, "ff", base=16).result(timeout=0) == 255  # keyword arguments reach the call
    failed = executor.submit(int, "not a number")
    assert failed.done() and isinstance(failed.exception(timeout=0), ValueError)
    executor.shutdown()


def test_a_partially_loaded_service_imports_only_the_modules_of_the_classes_used():
    """load_services_by_module: a class comes from its own module; any other name completes the package."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    program = """
import sys
from foundry_iac.engine.sdk import load_services_by_module
load_services_by_module(["network"])
import pulumi_azure_native.network as network
from pulumi_azure_native.network.private_endpoint import PrivateEndpoint
assert network.PrivateEndpoint is PrivateEndpoint
loaded = sorted(m for m in sys.modules if m.startswith("pulumi_azure_native.network."))
assert "pulumi_azure_native.network.virtual_network_gateway" not in sys.modules, loaded
assert not network.__dict__.get("_complete_")
enum = network.IPAllocationMethod  # an enum: no module of its own name, so the real __init__ runs
assert network.__dict__.get("_complete_") and enum.__name__ == "IPAllocationMethod"
assert "pulumi_azure_native.network.virtual_network_gateway" in sys.modules
try:
    network.NoSuchThing
except AttributeError as exc:
    assert "NoSuchThing" in str(exc)
else:
    raise AssertionError("a missing name must raise AttributeError")
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout == "ok\n", done.stderr[-2000:]


def test_a_partial_package_in_this_process_loads_a_class_from_its_module_and_completes_on_anything_else():
    """The same rules as the probe above, in this process (mutation testing sees it), on a service the program never
    uses (maps), so the package the program imports is left as it was."""
    import os

    import pulumi_azure_native as root
    from pulumi_azure_native.maps.private_endpoint_connection import PrivateEndpointConnection

    fresh = sdk._PartialPackage("pulumi_azure_native.maps")
    fresh.__path__ = [os.path.join(os.path.dirname(root.__file__), "maps")]
    fresh.__package__ = "pulumi_azure_native.maps"
    assert fresh.PrivateEndpointConnection is PrivateEndpointConnection
    assert vars(fresh)["PrivateEndpointConnection"] is PrivateEndpointConnection and "_complete_" not in vars(fresh)
    for submodule_or_private in ("outputs", "_enums", "_utilities"):
        with pytest.raises(AttributeError) as err:
            getattr(fresh, submodule_or_private)
        assert str(err.value) == submodule_or_private
    assert "_complete_" not in vars(fresh)
    runs = []
    real_complete = fresh._complete
    fresh.__dict__["_complete"] = lambda: (runs.append(1), real_complete())[1]  # counts the real __init__ runs
    with pytest.raises(AttributeError) as err:
        getattr(fresh, "NoSuchClass")  # noqa: B009 - the attribute access is what is tested
    assert str(err.value) == "module 'pulumi_azure_native.maps' has no attribute 'NoSuchClass'"
    assert vars(fresh)["_complete_"] is True
    assert "Creator" in vars(fresh) and "PrivateAtlase" in vars(fresh)  # the real __init__ ran here
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchClassEither'"):
        getattr(fresh, "NoSuchClassEither")  # noqa: B009 - complete already: not run twice
    assert runs == [1]


def test_a_name_whose_module_does_not_hold_it_completes_the_package():
    import os

    import pulumi_azure_native as root

    fresh = sdk._PartialPackage("pulumi_azure_native.maps")
    fresh.__path__ = [os.path.join(os.path.dirname(root.__file__), "maps")]
    fresh.__package__ = "pulumi_azure_native.maps"
    # get_account.py holds get_account and GetAccountResult, not GetAccount
    with pytest.raises(AttributeError, match="has no attribute 'GetAccount'"):
        getattr(fresh, "GetAccount")  # noqa: B009 - the attribute access is what is tested
    assert vars(fresh)["_complete_"] is True


def test_load_services_by_module_puts_a_partial_package_in_place_of_a_lazy_or_absent_one_and_leaves_a_loaded_one(
    monkeypatch,
):
    """In this process (mutation testing sees it): the package a program would import becomes the partial one, at
    the service's folder, in sys.modules and on the root package alike; a service loaded already stays as it is."""
    import os
    import sys

    import pulumi_azure_native as root

    loaded = root.cognitiveservices
    assert loaded.Account.__name__ == "Account"  # a lazy package loads on its first attribute read
    loaded = sys.modules["pulumi_azure_native.cognitiveservices"]
    assert type(loaded).__name__ != "_LazyModule"
    lazy = sys.modules["pulumi_azure_native.addons"]
    assert type(lazy).__name__ == "_LazyModule"  # as pulumi_azure_native's __init__ leaves every service
    for service in ("addons", "aadiam"):
        monkeypatch.setitem(
            sys.modules, f"pulumi_azure_native.{service}", sys.modules[f"pulumi_azure_native.{service}"]
        )
        monkeypatch.setattr(root, service, getattr(root, service))
    monkeypatch.delitem(sys.modules, "pulumi_azure_native.aadiam")  # never imported at all

    sdk.load_services_by_module(["cognitiveservices", "addons", "aadiam"])

    assert sys.modules["pulumi_azure_native.cognitiveservices"] is loaded
    for service in ("addons", "aadiam"):
        package = sys.modules[f"pulumi_azure_native.{service}"]
        assert type(package) is sdk._PartialPackage and getattr(root, service) is package
        assert package.__name__ == package.__package__ == f"pulumi_azure_native.{service}"
        assert package.__path__ == [os.path.join(os.path.dirname(root.__file__), service)]


class _Node:
    """A stand-in for a resource: the cycle breaker only keeps attributes on it and hashes it."""

    def __init__(self, created: int | None) -> None:
        if created is not None:
            setattr(self, sdk._CREATED, created)


EDGES = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=30)


@settings(max_examples=300)
@given(EDGES, st.sets(st.integers(0, 7), max_size=2))
def test_the_ordered_cycle_check_answers_and_records_as_the_sdks_declare_dependency(edges, unnumbered):
    # two copies of one graph of 8 resources (created in index order; some never numbered): each dependency
    # is declared on one copy by the SDK's own check, on the other by OrderedCycleCheck
    sdks = [_Node(None if i in unnumbered else i) for i in range(8)]
    ours = [_Node(None if i in unnumbered else i) for i in range(8)]
    check = sdk.OrderedCycleCheck()
    for frm, to in edges:
        assert check(ours[frm], ours[to]) is sdk._sdk_declare_dependency(sdks[frm], sdks[to])
    for mine, theirs in zip(ours, sdks, strict=True):
        assert {ours.index(d) for d in _cycle_breaker._deps(mine)} == {
            sdks.index(d) for d in _cycle_breaker._deps(theirs)
        }


def test_a_chain_of_dependencies_on_earlier_resources_is_recorded_without_walking_the_graph(monkeypatch):
    walks = []
    reachable = _cycle_breaker._reachable
    monkeypatch.setattr(_cycle_breaker, "_reachable", lambda **args: walks.append(args) or reachable(**args))
    chain = [_Node(i) for i in range(500)]
    check = sdk.OrderedCycleCheck()
    assert all(check(later, earlier) for earlier, later in itertools.pairwise(chain))
    assert walks == [] and _cycle_breaker._deps(chain[-1]) == {chain[-2]}
    assert check(chain[0], chain[-1]) is False  # a dependency on a later resource: the SDK's walk finds the cycle
    assert len(walks) == 1


def test_the_sdk_still_declares_dependencies_through_the_name_the_lean_run_replaces():
    from pulumi.runtime import rpc

    assert rpc.declare_dependency is _cycle_breaker.declare_dependency is sdk._sdk_declare_dependency
    assert list(inspect.signature(_cycle_breaker._add_dep).parameters) == ["from_resource", "to_resource"]
    with sdk.lean_offline_run():
        assert isinstance(rpc.declare_dependency, sdk.OrderedCycleCheck)
    assert rpc.declare_dependency is _cycle_breaker.declare_dependency
