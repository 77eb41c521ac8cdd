"""The gate report of DESIGN.md: per stack its resources, violations, cost and quota; across stacks,
checked in parallel processes (the SDK's mocks are process-global)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from components.config.loader import read_stack_file
from components.errors import FoundryIacError
from components.inputs import clip

from .errors import GateInputError
from .gate import check_stack
from .report_model import Report, StackReport
from .stacks import StackRef, all_stacks


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


def build_report(
    stacks: list[StackRef], root: Path, policy_config: tuple[Path, str] | None = None, workers: int | None = None
) -> Report:
    """Check every stack; raise GateInputError with every problem when any stack cannot be checked."""
    jobs = [(stack, root, policy_config) for stack in stacks]
    for ref in {*stacks, *all_stacks(root)}:  # parsed once here; forked workers inherit the parsed files
        read_stack_file(ref.path, ref.display)
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) == 1:
        results = [_check_one(job) for job in jobs]
    else:
        # fork: workers inherit the imported SDK and catalog instead of importing them again
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(_check_one, jobs))
    # dict.fromkeys: a problem every stack shares (the clock, the catalog) is said once
    errors = list(dict.fromkeys(line for status, value in results if status == "error" for line in value))  # type: ignore[attr-defined]
    if errors:
        raise GateInputError(errors)
    entries: list[StackReport] = [value for _, value in results]  # type: ignore[misc]
    return Report(passed=all(e.passed for e in entries), stacks=entries)
