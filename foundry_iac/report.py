"""The JSON report of DESIGN.md, built from program runs (and, later, policy and cost results)."""

from __future__ import annotations

from .runner import ProgramRun, redact


def resources_part(run: ProgramRun) -> list[dict]:
    """The `resources` list of a stack's report entry, secrets redacted."""
    return [redact(r.as_report(), run.secrets) for r in run.resources]  # type: ignore[misc]


def plan_report(run: ProgramRun) -> dict:
    """The report for `plan --format json`: one stack, its resources."""
    return {"stacks": [{"stack": run.stack.name, "file": run.stack.display, "resources": resources_part(run)}]}
