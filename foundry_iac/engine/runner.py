"""The offline runner: run the real Pulumi program (__main__.py) under the SDK's mocks.

It hands the program its config exactly as the Pulumi CLI would (a flat `namespace:key` map built
from the stack file) and records every resource the program registers: urn, type, name, inputs as
registered, parent, dependencies. It has no code path of its own for building resources.
"""

from __future__ import annotations

import asyncio
import os
import runpy
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, overload

import pulumi

from components import provenance, resource_types
from components.config.loaded import SourceLocation
from components.stack.loader import PROJECT, STACK_DISPLAY_ENV, STACK_FILE_ENV, stack_file_config

from ..errors import ProgramDeadline, ProgramEndedError, ProgramExit
from .report_model import ResourceEntry, Source
from .sdk import (
    UNKNOWN,
    InlineExecutor,
    MockCallArgs,
    MockMonitor,
    MockResourceArgs,
    Mocks,
    RegisterResourceRequest,
    RegisterResourceResponse,
    Unknown,
    drop_provider_aliases,
    get_root_resource,
    lean_offline_run,
    load_services_by_module,
    number_resources,
    register_resource_now,
    register_stack_transformation,
    reset_options,
    run_pulumi_func,
    set_all_config,
    set_mocks,
    sync_await,
)
from .stacks import StackRef

SECRET_TEXT = "[secret]"
# The pulumi-azure-native services the program registers resources of (azure-native:<service>:<Type>).
SERVICES = sorted(
    {
        token.split(":")[1]
        for token in vars(resource_types).values()
        if isinstance(token, str) and token.startswith("azure-native:")
    }
)
# An input Azure computes at deployment (a project identity's principal id): unknown at preview, as in Pulumi's.
COMPUTED_TEXT = "[computed]"
# Set by the command line (a short-lived process): a finished run's objects are frozen, not collected.
FREEZE_AFTER_RUN = False


@dataclass
class RecordedResource:
    """One resource as the program registered it."""

    urn: str
    type: str
    name: str
    props: dict[str, Any]
    parent: str | None
    dependencies: list[str]
    protect: bool
    custom: bool
    source: SourceLocation | None = None
    replace_on_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    retain_on_delete: bool = False  # kept in Azure when Pulumi deletes it (a subscription-wide setting)

    def as_report(self) -> ResourceEntry:
        """The report's entry for this resource (replacement options only where set)."""
        return ResourceEntry(
            urn=self.urn,
            type=self.type,
            name=self.name,
            props=self.props,
            parent=self.parent,
            dependencies=self.dependencies,
            protect=self.protect,
            source=Source(file=self.source.file, line=self.source.line) if self.source else None,
            replace_on_changes=self.replace_on_changes,
            delete_before_replace=self.delete_before_replace,
            retain_on_delete=self.retain_on_delete,
        )


@dataclass
class ProgramRun:
    """What one offline run of the program produced."""

    stack: StackRef
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    secrets: list[str] = field(default_factory=list)

    def by_type(self, resource_type: str) -> list[RecordedResource]:
        """The recorded resources of one type, in program order."""
        return [r for r in self.resources if r.type == resource_type]


class _Mocks(Mocks):
    """Resources echo their inputs; ids are derived from the logical name (deterministic)."""

    def __init__(self) -> None:
        self.local = threading.local()

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.local.inputs = args.inputs
        identity = args.inputs.get("identity")
        if isinstance(identity, dict) and "SystemAssigned" in str(identity.get("type", "")):
            # Azure assigns a system identity's principal at creation: unknown at preview, as a real preview has it
            return f"{args.name}-id", {**args.inputs, "identity": {**identity, "principalId": UNKNOWN}}
        return f"{args.name}-id", args.inputs

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class _RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, also keeping each request's parent, dependencies and protect flag.

    inline: answer on the program's thread without touching its event loop (the lean run's InlineExecutor);
    otherwise the SDK's own RegisterResource answers, on an executor thread.
    """

    def __init__(self, mocks: _Mocks, inline: bool = False) -> None:
        super().__init__(mocks)
        self.recording_mocks = mocks
        self.inline = inline
        self.records: dict[str, RecordedResource] = {}
        self.lock = threading.Lock()

    def RegisterResource(self, request: RegisterResourceRequest) -> RegisterResourceResponse:  # noqa: N802 - gRPC method name
        if self.inline:
            response, inputs = register_resource_now(self, request)
        else:
            response = super().RegisterResource(request)  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
            inputs = getattr(self.recording_mocks.local, "inputs", {})
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs = inputs if request.custom else {}
        record = RecordedResource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            props=_plain(inputs),
            parent=request.parent or None,
            dependencies=sorted(set(request.dependencies)),
            protect=bool(request.protect),
            custom=bool(request.custom),
            replace_on_changes=sorted(request.replaceOnChanges),
            delete_before_replace=bool(request.deleteBeforeReplace),
            retain_on_delete=bool(request.retainOnDelete),
        )
        with self.lock:
            self.records[response.urn] = record
        return response


@overload
def _plain(value: dict[Any, Any]) -> dict[str, Any]: ...
@overload
def _plain(value: object) -> object: ...
def _plain(value: object) -> object:
    """Registered inputs as plain JSON values (no Output/Resource objects)."""
    if isinstance(value, dict):
        return {str(k): _plain(value[k]) for k in sorted(value, key=str) if not str(k).startswith("__")}
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Struct carries every number as a double
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Unknown):
        return COMPUTED_TEXT
    return str(value)


@contextmanager
def _environment(stack_file: StackRef, root: Path) -> Iterator[None]:
    saved_env = {key: os.environ.get(key) for key in (STACK_FILE_ENV, STACK_DISPLAY_ENV)}
    saved_path = list(sys.path)
    saved_cwd = Path.cwd()
    os.environ[STACK_FILE_ENV] = str(stack_file.path)
    os.environ[STACK_DISPLAY_ENV] = stack_file.display
    sys.path.insert(0, str(root))
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_program(stack: StackRef, root: Path, lean: bool = True) -> ProgramRun:
    """Run `root/__main__.py` for `stack` under mocks; raise ConfigError for a bad stack config.

    lean (the default): skip what only `pulumi up` needs (provider aliases, stack traces, cyclic GC
    during the run) and answer the monitor's requests inline instead of on a thread per request; what
    is recorded, and so every report byte, is the same either way (tested).
    """
    file_config = stack_file_config(stack.path, stack.display)
    # Each run gets its own loop, installed before set_mocks creates the root Stack resource whose
    # futures belong to it: mocks and settings are process-global.
    loop = asyncio.new_event_loop()
    if lean:
        loop.set_default_executor(InlineExecutor())
    asyncio.set_event_loop(loop)
    mocks = _Mocks()
    monitor = _RecordingMonitor(mocks, inline=lean)
    reset_options(project=PROJECT, stack=stack.name, preview=True)
    set_mocks(mocks, project=PROJECT, stack=stack.name, preview=True, monitor=monitor)
    set_all_config(file_config.config, file_config.secret_keys)
    provenance.reset()
    outputs: dict[str, Any] = {}

    async def program() -> None:
        if lean:
            register_stack_transformation(drop_provider_aliases)
            register_stack_transformation(number_resources)
        runpy.run_path(str(root / "__main__.py"), run_name="__main__")
        root_stack = get_root_resource()
        exported = getattr(root_stack, "outputs", {}) or {}
        for key, value in exported.items():
            outputs[key] = await pulumi.Output.from_input(value).future()

    if lean:
        load_services_by_module(SERVICES)
    lean_run = lean_offline_run(FREEZE_AFTER_RUN) if lean else nullcontext()
    # sys.exit() in the program or in a callback (which asyncio raises again wherever the loop runs next):
    # never a verdict, whatever the code (0 would read as a pass, 1 as violations)
    # The same for os._exit() (which would end the gate itself with the program's code) and for any other
    # BaseException (GeneratorExit, a program's own subclass): each ends the program before its verdict.
    exited: BaseException | None = None
    deadline = _deadline(stack.display)
    with _environment(stack, root), _loops_created() as created, lean_run, _exit_raises(), deadline:
        try:
            sync_await(run_pulumi_func(program))
        except BaseException as exc:
            if isinstance(exc, Exception | KeyboardInterrupt):
                raise
            exited = exc
        finally:
            locations = provenance.snapshot()
            provenance.reset()
            try:
                loop.run_until_complete(loop.shutdown_default_executor())
            except BaseException as exc:
                if isinstance(exc, Exception | KeyboardInterrupt):
                    raise
                exited = exited or exc
            asyncio.set_event_loop(None)
            loop.close()
            _close_stray_loops(created)
    if exited is not None:
        raise ProgramEndedError.ended_by(stack.display, exited)
    order = {key: index for index, key in enumerate(locations)}
    resources = list(monitor.records.values())
    if not resources:  # every stack has at least its resource group: an empty run judged nothing
        raise ProgramEndedError.empty(stack.display)
    for resource in resources:
        resource.source = locations.get((resource.type, resource.name))
    resources.sort(key=lambda r: (order.get((r.type, r.name), len(order)), r.urn))
    exported = _plain(outputs)
    return ProgramRun(stack, resources, exported, file_config.secret_placeholders)


@contextmanager
def _exit_raises() -> Iterator[None]:
    """While the program runs, os._exit raises ProgramExit instead of ending the gate's process."""
    real = os._exit

    def _exit(code: object) -> NoReturn:
        raise ProgramExit(code)

    os._exit = _exit  # type: ignore[assignment]
    try:
        yield
    finally:
        os._exit = real


PROGRAM_DEADLINE_S = 60.0  # 30 times the slowest accepted stack file; beyond, the program is waiting, not working


_REAL_EXIT = os._exit  # the watchdog's way out, whatever the program does to os._exit or to signals
PROGRAM_GRACE_S = 5.0  # after the deadline, how long the program may take to unwind before the process ends


@contextmanager
def _deadline(display: str) -> Iterator[None]:
    """While the program runs, a timer raises ProgramDeadline into it after PROGRAM_DEADLINE_S: a program that
    sleeps or waits would otherwise hold the gate (and a pull request's check) forever. A program that ignores
    the signal or catches the exception meets a watchdog thread PROGRAM_GRACE_S later, which says so on
    standard error and ends the process with exit 2 (a worker's end is then the parent's one-line error). Only
    the main thread receives signals; elsewhere (and without setitimer) only the watchdog runs."""
    seconds = PROGRAM_DEADLINE_S
    finished = threading.Event()

    def watch() -> None:
        if not finished.wait(seconds + PROGRAM_GRACE_S):
            line = (
                f"error: {display}: the program did not finish within {seconds:g} s and would not stop; nothing was "
                "judged\n"
            )
            with suppress(OSError, ValueError):
                os.write(2, line.encode("utf-8", "replace"))
            _REAL_EXIT(2)

    watchdog = threading.Thread(target=watch, name="foundry-iac program deadline", daemon=True)
    watchdog.start()
    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if timed:

        def expire(_signum: int, _frame: object) -> NoReturn:
            raise ProgramDeadline(seconds)

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        finished.set()
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@contextmanager
def _loops_created() -> Iterator[list[asyncio.AbstractEventLoop]]:
    """Every event loop created while the program runs (the SDK's RPC threads make their own)."""
    created: list[asyncio.AbstractEventLoop] = []
    original = asyncio.new_event_loop

    def recording() -> asyncio.AbstractEventLoop:
        new = original()
        created.append(new)
        return new

    asyncio.new_event_loop = recording
    try:
        yield created
    finally:
        asyncio.new_event_loop = original


def _close_stray_loops(loops: list[asyncio.AbstractEventLoop]) -> None:
    """Close the event loops the SDK's RPC threads created for themselves.

    Left open, each is garbage together with its self-pipe socket; the collector may finalize the
    socket first, and the loop's __del__ then prints an ignored-exception traceback to stderr. They are
    known from `_loops_created`, so no heap scan is needed.
    """
    for loop in loops:
        if not loop.is_closed() and not loop.is_running():
            loop.close()


def redact(value: object, secrets: list[str]) -> object:
    """Replace every secret placeholder in a report value with [secret]."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, SECRET_TEXT)
        return value
    if isinstance(value, dict):
        return {k: redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secrets) for v in value]
    return value
