"""`foundry-iac add` for people: the row chosen, the stack file's change, the gate's verdict and the delta."""

from __future__ import annotations

import difflib

from ..engine.add import AddResult
from .diff import stack_lines


def file_diff(before: str, after: str, display: str) -> str:
    """The unified diff of the stack file."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{display}", f"b/{display}"
    )
    return "".join(lines)


def render_add(result: AddResult, before_text: str, display: str, outcome: str) -> str:
    """What `add` did: the row, the file diff, the gate's verdict after the change, cost and quota delta, outcome."""
    row = result.plan.row
    costs = [
        f"{label} {value:,.2f} USD/month"
        for label, value in (("expected", row.monthly_expected), ("ceiling", row.monthly_ceiling))
        if value is not None
    ]
    out = [
        f"add {result.after.stack}: {row.deployment_type} in {row.region} ({row.account}), "
        + ", ".join([row.capacity_note, *costs]),
        "",
        file_diff(before_text, result.text, display).rstrip("\n"),
        "",
        f"gate after the change: {'PASS' if result.after.passed else 'FAIL'}",
        *stack_lines(result.change),
        "",
        outcome,
    ]
    return "\n".join(out) + "\n"
