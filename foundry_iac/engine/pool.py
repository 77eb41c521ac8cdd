"""The gate report (docs/reports.md): per stack its resources, violations, cost and quota; across stacks,
checked in parallel processes (the SDK's mocks are process-global)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from components.errors import FoundryIacError
from components.stack.loader import read_stack_file
from components.text import clip, listing, short

from ..errors import GateInputError
from .gate import check_stack
from .report_model import Report, StackReport
from .stacks import StackRef, all_stacks, check_it

# Internal: forces how the workers start (tests compare a spawn run's report bytes with a fork run's).
START_METHOD_ENV = "FOUNDRY_IAC_START_METHOD"


def start_method(platform: str = sys.platform, available: list[str] | None = None) -> str:
    """How the worker processes start on this system.

    fork on Linux: workers inherit the imported SDK and catalog instead of importing them again. Not on
    macOS: its system libraries may run threads that a fork copies broken, so there (and on other systems
    with it) forkserver, which forks each worker from a fresh single-threaded server process; spawn where
    neither is available (Windows). FOUNDRY_IAC_START_METHOD overrides the choice (one of `available`).
    """
    methods = multiprocessing.get_all_start_methods() if available is None else available
    override = os.environ.get(START_METHOD_ENV)
    if override:
        if override not in methods:
            raise GateInputError(
                [
                    f"{START_METHOD_ENV}={short(override)} is not a start method on this system; "
                    f"set it to one of {', '.join(sorted(methods))} or unset it"
                ]
            )
        return override
    if platform.startswith("linux") and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _start_worker(gc_enabled: bool, freeze_after_run: bool) -> None:
    """Worker initializer: the parent's process-wide settings, which a spawned worker does not inherit."""
    from . import runner

    runner.FREEZE_AFTER_RUN = freeze_after_run
    if not gc_enabled:
        gc.disable()


def _check_one(job: tuple[StackRef, Path, tuple[Path, str] | None]) -> tuple[str, object]:
    """Worker: ('ok', entry) or ('error', [lines]); never raises, so one stack cannot hide another."""
    stack, root, policy_config = job
    try:
        return "ok", check_stack(stack, root, policy_config)
    except FoundryIacError as exc:
        return "error", exc.lines()
    except Exception as exc:  # noqa: BLE001 - fail closed: reported as an error, never as a pass
        text = clip(str(exc))
        return "error", [f"{stack.display}: internal error ({type(exc).__name__}: {text}); this is a foundry-iac bug"]


def _worker_died(stacks: list[StackRef]) -> str:
    """A worker process ended without an answer: a program that kills its own process, or the kernel's
    out-of-memory killer. Nothing is judged; each stack alone names the one that did it."""
    return (
        f"a process checking {listing([s.name for s in stacks])} ended without an answer (killed by a signal: a "
        "program that kills its own process, or the machine out of memory), so nothing was judged; run "
        "`foundry-iac check STACK` for each stack to find which"
    )


def _in_workers(
    jobs: list[tuple[StackRef, Path, tuple[Path, str] | None]], workers: int, method: str
) -> list[tuple[str, object]]:
    """Each job's result from a pool of worker processes, in the jobs' order."""
    # spawn and forkserver workers import foundry_iac afresh and re-read the stack files they need: a job
    # is plain data (paths and names) and _check_one a module-level function, so both pickle
    from . import runner

    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_start_worker,
            initargs=(gc.isenabled(), runner.FREEZE_AFTER_RUN),
        ) as pool:
            return list(pool.map(_check_one, jobs))
    except BrokenProcessPool:
        raise GateInputError(_worker_died([job[0] for job in jobs])) from None


def build_report(
    stacks: list[StackRef], root: Path, policy_config: tuple[Path, str] | None = None, workers: int | None = None
) -> Report:
    """Check every stack; raise GateInputError with every problem when any stack cannot be checked."""
    jobs = [(stack, root, policy_config) for stack in stacks]
    method = start_method()
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    serial = workers <= 1 or len(jobs) == 1
    if serial or method == "fork":
        for ref in {*stacks, *all_stacks(root)}:  # parsed once here; forked workers inherit the parsed files
            read_stack_file(ref.path, ref.display)
    results = [_check_one(job) for job in jobs] if serial else _in_workers(jobs, workers, method)
    # dict.fromkeys: a problem every stack shares (the clock, the catalog) is said once; another stack's
    # "cannot be read" is left out when that stack's own errors are in this run (they say the same, in full)
    failed = tuple(check_it(ref.name) for ref, (status, _) in zip(stacks, results, strict=True) if status == "error")
    lines = (line for status, value in results if status == "error" for line in value)  # type: ignore[attr-defined]
    errors = list(dict.fromkeys(line for line in lines if not line.endswith(failed)))
    if errors:
        raise GateInputError(errors)
    entries: list[StackReport] = [value for _, value in results]  # type: ignore[misc]
    return Report(passed=all(e.passed for e in entries), stacks=entries)
