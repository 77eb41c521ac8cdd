"""The one place foundry-iac touches Pulumi SDK internals (non-public modules and underscore names).

The offline runner needs to run a program under mocks in-process, and the gate needs to settle the
awaitables a CrossGuard policy may return; the SDK offers neither publicly. Every such use is
imported here and only here, and tests/foundry_iac/engine/test_sdk.py checks each name's signature and the
fields of the monitor's RegisterResource request, so an SDK upgrade that moves them fails that test
by name instead of breaking a run.
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import os
import re
import sys
import types
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from ..errors import SdkVersionError
from .sdk_versions import installed_versions, version_problems

# Before any internal name is imported: an SDK outside the tested range is one line per SDK, not a traceback.
_SDK_PROBLEMS = version_problems(installed_versions())
if _SDK_PROBLEMS:
    raise SdkVersionError(_SDK_PROBLEMS)

import pulumi
import pulumi.runtime.resource as _sdk_resource
import pulumi.runtime.resource_cycle_breaker as _cycle_breaker
from pulumi.output import Unknown
from pulumi.runtime import register_stack_transformation, rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, _resolve_callbacks, set_mocks
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.rpc import UNKNOWN
from pulumi.runtime.settings import get_root_resource, reset_options
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")
# The monitor's request and answer, for annotations outside this module
RegisterResourceRequest = resource_pb2.RegisterResourceRequest
RegisterResourceResponse = resource_pb2.RegisterResourceResponse

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
        # pulumi.Alias marks an unset field with `...`, which its annotations leave out (it ignores the default)
        and all(value is ... for value in (alias.name, alias.parent, alias.stack, alias.project))  # type: ignore[comparison-overlap]
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


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class _PartialPackage(types.ModuleType):
    """A pulumi-azure-native service package whose `__init__` has not run.

    The generated `__init__` imports every module of the service (network: 291 of them, about 0.3 s) so
    that `network.PrivateEndpoint` resolves. Here a class is loaded from its own module instead (the SDK
    names each module after its class: PrivateEndpoint in private_endpoint.py); any other name runs the
    real `__init__` in this module first, so the package is whole and never loaded twice.
    """

    def __getattr__(self, name: str) -> object:
        folder = self.__path__[0]
        if name.startswith("_") or os.path.exists(os.path.join(folder, f"{name}.py")):
            raise AttributeError(name)  # a submodule (`from . import outputs`): the import system loads it
        if not self.__dict__.get("_complete_"):
            module_name = _CAMEL.sub("_", name).lower()
            if os.path.exists(os.path.join(folder, f"{module_name}.py")):
                module = importlib.import_module(f"{self.__name__}.{module_name}")
                if name in vars(module):
                    value = vars(module)[name]
                    setattr(self, name, value)
                    return value
            self._complete()
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None

    def _complete(self) -> None:
        """Run the package's real `__init__` in this module."""
        self.__dict__["_complete_"] = True
        init = os.path.join(self.__path__[0], "__init__.py")
        spec = importlib.util.spec_from_file_location(
            self.__name__, init, submodule_search_locations=list(self.__path__)
        )
        assert spec is not None and spec.loader is not None, self.__name__
        spec.loader.exec_module(self)


def load_services_by_module(services: Iterable[str]) -> None:
    """Offline only: let each pulumi-azure-native service package load only the modules imported from it.

    A package already loaded is left alone; the root package is pointed at the partial one, so the classes
    are the same objects whichever way they are reached.
    """
    import pulumi_azure_native as root

    for service in services:
        full = f"pulumi_azure_native.{service}"
        current = sys.modules.get(full)
        if current is not None and type(current).__name__ != "_LazyModule":
            continue  # loaded (or partial) already
        package = _PartialPackage(full)
        package.__path__ = [os.path.join(os.path.dirname(root.__file__), service)]
        package.__package__ = full
        sys.modules[full] = package
        setattr(root, service, package)


# The attribute `number_resources` sets on each resource: its place in the program's creation order.
_CREATED = "_foundry_iac_created"
_creation_order = itertools.count()


def number_resources(args: pulumi.ResourceTransformationArgs) -> None:
    """A stack transformation for the offline run only: number each resource in the order it is created.

    A stack transformation runs in the resource's constructor, before the resource can be handed to another
    one's `depends_on` or inputs; the numbers let `OrderedCycleCheck` skip the SDK's walk. Changes nothing.
    """
    setattr(args.resource, _CREATED, next(_creation_order))


class OrderedCycleCheck:
    """The SDK's `declare_dependency` (which refuses a dependency that closes a cycle), without its walk where
    no cycle can be.

    The SDK walks everything `to_resource` depends on, transitively, for each dependency it declares, so a
    chain of n resources, each `depends_on` the one before (Azure serializes writes under an account),
    costs n^2 / 2 steps. While every dependency declared so far points from a resource to one created before
    it (`number_resources`), everything reachable from `to_resource` was created no later than it, so when
    `to_resource` was created before `from_resource` the walk cannot find `from_resource`: the dependency is
    recorded (by the SDK's own `_add_dep`) with no walk. Any other dependency is the SDK's to judge, and
    from then on every one is, so what the SDK records and answers is the same either way.
    """

    def __init__(self) -> None:
        self.ordered = True  # every dependency declared so far points to a resource created earlier

    def __call__(self, from_resource: pulumi.Resource, to_resource: pulumi.Resource) -> bool:
        """Record that `from_resource` depends on `to_resource` unless that closes a cycle; False if it would."""
        if self.ordered:
            later, earlier = getattr(from_resource, _CREATED, None), getattr(to_resource, _CREATED, None)
            if later is not None and earlier is not None and earlier < later:
                _cycle_breaker._add_dep(from_resource, to_resource)
                return True
            self.ordered = False
        return _sdk_declare_dependency(from_resource, to_resource)


_sdk_declare_dependency = _cycle_breaker.declare_dependency


@contextmanager
def lean_offline_run(freeze: bool = False) -> Iterator[None]:
    """While the program runs under mocks: no stack-trace capture, no cyclic GC (collected once after), and the
    cycle check of `OrderedCycleCheck` (with `number_resources` registered as a stack transformation).

    The SDK walks the Python stack for every registration (for `pulumi up`'s source positions), and the
    collector rescans the growing heap of Outputs again and again; neither changes what is recorded.
    freeze: instead of collecting, move what the run left to the permanent generation, so no later
    collection rescans it; for a short-lived process (the CLI) that exits soon after.
    """
    saved = _sdk_resource._get_stack_trace
    was_enabled = gc.isenabled()
    _sdk_resource._get_stack_trace = _no_stack_trace
    # rpc imported the SDK's function by name (re-exported implicitly, hence the ignores)
    rpc.declare_dependency = OrderedCycleCheck()  # type: ignore[attr-defined]
    gc.disable()
    try:
        yield
    finally:
        _sdk_resource._get_stack_trace = saved
        rpc.declare_dependency = _sdk_declare_dependency  # type: ignore[attr-defined]
        if freeze:
            gc.freeze()
        else:
            gc.collect()
        if was_enabled:
            gc.enable()


class InlineExecutor(ThreadPoolExecutor):
    """An executor that runs each call at once, on the calling thread (asyncio accepts only a ThreadPoolExecutor).

    The SDK sends every request to the monitor through the loop's default executor, a thread per call; the
    mock monitor answers in microseconds, so the thread hop (and the GIL handover) is most of its cost.
    Only for a monitor that never pumps the loop it is called from: see `register_resource_now`.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1)  # never starts a thread: submit is overridden

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run fn now; its result or exception in a finished Future."""
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task, as a worker thread would
            future.set_exception(exc)
        return future


def _settled(coroutine: Any) -> Any:
    """The result of a coroutine that finishes without waiting on anything (plain data to serialize)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a mock's answer holds a value that must be awaited; return plain data from new_resource")


def register_resource_now(
    monitor: MockMonitor, request: resource_pb2.RegisterResourceRequest
) -> tuple[resource_pb2.RegisterResourceResponse, dict[str, Any]]:
    """MockMonitor.RegisterResource without an event loop: the response, and the inputs the mocks were given.

    The SDK's version serializes the mocks' answer with `_sync_await`, which, on the program's own thread
    (InlineExecutor), pumps the program's loop and runs other registrations in the middle of this one.
    The answer is plain data, so its serialization finishes without waiting; anything else is an error,
    never a wrong record. tests/foundry_iac/engine/test_sdk.py checks both versions answer alike.
    """
    urn = monitor.make_urn(request.parent, request.type, request.name)
    if request.type == "pulumi:pulumi:Stack":
        return resource_pb2.RegisterResourceResponse(urn=urn), {}
    inputs = rpc.deserialize_properties(request.object)
    resource_args = MockResourceArgs(
        typ=request.type,
        name=request.name,
        inputs=inputs,
        provider=request.provider,
        resource_id=request.importId,
        custom=request.custom or False,
        transforms=_resolve_callbacks(request.transforms),
    )
    id_, state = monitor.mocks.new_resource(resource_args)
    obj_proto = _settled(rpc.serialize_properties(state, {}))
    # a mock may answer no id (None), which the SDK passes on as it is: an unset field
    monitor.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)  # type: ignore[arg-type]
    return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj_proto), inputs  # type: ignore[arg-type]


def sync_await(awaitable: Awaitable[T]) -> T:
    """Run an awaitable to completion on the SDK's loop (the SDK's private `_sync_await`)."""
    return _sync_await(awaitable)


__all__ = [
    "REGISTER_REQUEST_FIELDS",
    "InlineExecutor",
    "register_resource_now",
    "drop_provider_aliases",
    "number_resources",
    "OrderedCycleCheck",
    "lean_offline_run",
    "load_services_by_module",
    "MockCallArgs",
    "MockMonitor",
    "MockResourceArgs",
    "Mocks",
    "RegisterResourceRequest",
    "RegisterResourceResponse",
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
