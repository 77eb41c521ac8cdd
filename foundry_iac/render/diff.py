"""Renderers of the diff report: text, and markdown made to be the single pull-request comment."""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.report_model import (
    ChangedResource,
    CostChanges,
    DiffReport,
    QuotaChange,
    ResourceBrief,
    ResourceChanges,
    StackDiff,
    StackReport,
    ViolationChanges,
)
from .mermaid import diff_section

MARKER = "<!-- foundry-iac-diff -->"


def _money(delta: float | None) -> str:
    return "unpriced" if delta is None else f"{delta:+,.2f} USD"


def _amount(value: float | None) -> str:
    return "unpriced" if value is None else f"{value:,.2f}"


def _value(value: object) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _line(item: ResourceBrief) -> str:
    return f" (line {item.source.line})" if item.source and item.source.line else ""


def render_diff_text(report: DiffReport) -> str:
    """The diff for a terminal."""
    out = [f"foundry-iac diff against {report.base} ({report.base_commit[:12]}): {'PASS' if report.passed else 'FAIL'}"]
    for s in report.stacks:
        out.append("")
        out += stack_lines(s)
    return "\n".join(out) + "\n"


def stack_lines(s: StackDiff) -> list[str]:
    """What a change does to one stack, for a terminal (also `add`'s delta)."""
    verdict = {True: "pass", False: "FAIL", None: "removed"}[s.passed]
    out = [f"{s.stack}: {s.status}, {verdict}"]
    for r in s.resources.added:
        out.append(f"  + {r.type} {r.name}{_line(r)}")
    for r in s.resources.removed:
        out.append(f"  - {r.type} {r.name}")
        if r.warning:
            out.append(f"      WARNING delete: {r.warning}")
    for r in s.resources.changed:
        action = "REPLACE" if r.replace else "update in place"
        out.append(f"  ~ {r.type} {r.name}{_line(r)}: {action}")
        for c in r.changes:
            out.append(f"      {c.path}: {_value(c.before)} -> {_value(c.after)}")
        if r.warning:
            out.append(f"      WARNING downtime: {r.warning}")
    cost = s.cost
    out.append(
        f"  cost expected {_money(cost.monthly_expected.delta)}/month "
        f"({_amount(cost.monthly_expected.before)} -> {_amount(cost.monthly_expected.after)}), "
        f"ceiling {_money(cost.monthly_ceiling.delta)}/month"
    )
    for q in s.quota:
        peak = f", {q.transient_peak} while the change runs" if q.transient_peak is not None else ""
        out.append(f"  quota {q.region} {q.usage_name}: {q.before} -> {q.after} ({q.delta:+d}){peak}")
    for v in s.violations.introduced:
        out.append(f"  NEW {v.enforcement} {v.policy}: {v.message}")
    for v in s.violations.resolved:
        out.append(f"  RESOLVED {v.policy}: {v.message}")
    for d in s.locked:
        out.append(f"  LOCKED {d.lock}: {d.message}")
    for one_way in s.irreversible:
        out.append(f"  IRREVERSIBLE {one_way.name}: {one_way.message}")
    return out


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


Sides = Mapping[str, tuple[StackReport | None, StackReport | None]]


def _summary_table(stacks: list[StackDiff]) -> list[str]:
    """One row per stack: its change, verdict, cost deltas and new violations."""
    out = [
        "| stack | change | verdict | expected / month | ceiling / month | new violations |",
        "|---|---|---|---:|---:|---:|",
    ]
    for s in stacks:
        verdict = {True: "✅ pass", False: "❌ fail", None: "—"}[s.passed]
        out.append(
            f"| `{s.stack}` | {s.status} | {verdict} | {_money(s.cost.monthly_expected.delta)} "
            f"| {_money(s.cost.monthly_ceiling.delta)} | {len(s.violations.introduced)} |"
        )
    return out


def _heading(report: DiffReport) -> list[str]:
    """The comment's marker, title and the warnings about replacements and deletions that need care."""
    stacks = report.stacks
    replacements = sum(1 for s in stacks for r in s.resources.changed if r.replace)
    introduced = sum(len(s.violations.introduced) for s in stacks)
    icon = "✅" if report.passed else "❌"
    out = [
        MARKER,
        f"## {icon} foundry-iac: {len(stacks)} stack(s) against `{report.base}` (`{report.base_commit[:12]}`)"
        + (f", {introduced} new violation(s)" if introduced else ""),
        "",
    ]
    if replacements:
        out += [f"> [!WARNING]\n> {replacements} resource(s) will be **replaced**, with downtime. See below.", ""]
    refused = [(d.name, d.message) for s in stacks for d in s.locked]
    refused += [(c.name, c.message) for s in stacks for c in s.irreversible]
    if refused:
        out += ["> [!CAUTION]", *(f"> - `{name}`: {message}" for name, message in refused), ""]
    careful = sum(1 for s in stacks for r in s.resources.removed if r.warning)
    if careful:
        care = "need care (an order or a cool-down for agents, or a resource Azure keeps)"
        out += [f"> [!WARNING]\n> {careful} deletion(s) {care}. See below.", ""]
    return out


def _changed_row(r: ChangedResource) -> str:
    props = "; ".join(f"`{c.path}` {_cell(_value(c.before))} → {_cell(_value(c.after))}" for c in r.changes)
    if r.replace:
        return f"| ♻️ | `{r.name}`{_line(r)} | **replace** — {props}. ⚠️ {_cell(r.warning)} |"
    return f"| ✏️ | `{r.name}`{_line(r)} | update in place — {props} |"


def _resource_table(res: ResourceChanges) -> list[str]:
    """Resources created, deleted (with what the deletion takes) and changed (in place or replaced)."""
    if not (res.added or res.removed or res.changed):
        return []
    return [
        "| | resource | change |",
        "|---|---|---|",
        *(f"| ➕ | `{r.name}`{_line(r)} | created |" for r in res.added),
        *(f"| ➖ | `{r.name}` | deleted{f'. ⚠️ {_cell(r.warning)}' if r.warning else ''} |" for r in res.removed),
        *(_changed_row(r) for r in res.changed),
    ]


def _cost_paragraph(cost: CostChanges) -> list[str]:
    return [
        "",
        f"**Cost**: expected {_amount(cost.monthly_expected.before)} → "
        f"{_amount(cost.monthly_expected.after)} USD/month ({_money(cost.monthly_expected.delta)}); "
        f"ceiling {_amount(cost.monthly_ceiling.before)} → {_amount(cost.monthly_ceiling.after)} "
        f"({_money(cost.monthly_ceiling.delta)})",
    ]


def _quota_table(quota: list[QuotaChange]) -> list[str]:
    """Quota requests before and after, and the peak while the change runs (both sides held at once)."""
    if not quota:
        return []
    out = [
        "",
        "| quota (1,000 TPM units) | region | before | after | delta | during the change |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for q in quota:
        peak = max(q.before, q.after) if q.transient_peak is None else q.transient_peak
        out.append(f"| `{q.usage_name}` | {q.region} | {q.before} | {q.after} | {q.delta:+d} | {peak} |")
    return out


def _violation_table(violations: ViolationChanges) -> list[str]:
    if not (violations.introduced or violations.resolved):
        return []
    return [
        "",
        "| | policy | message |",
        "|---|---|---|",
        *(f"| ❌ new {v.enforcement} | `{v.policy}` | {_cell(v.message)} |" for v in violations.introduced),
        *(f"| ✅ resolved | `{v.policy}` | {_cell(v.message)} |" for v in violations.resolved),
    ]


def _stack_section(s: StackDiff, sides: Sides | None) -> list[str]:
    """A changed stack: its resources (and diagram, given both sides), cost, quota and violations."""
    out = ["", f"### `{s.stack}` ({s.status})", ""]
    resources = _resource_table(s.resources)
    out += resources
    if resources and sides is not None and s.stack in sides:
        out += diff_section(s, *sides[s.stack])
    return out + _cost_paragraph(s.cost) + _quota_table(s.quota) + _violation_table(s.violations)


def render_diff_markdown(report: DiffReport, sides: Sides | None = None) -> str:
    """One pull-request comment: verdict, changes, cost and quota deltas, violations; with `sides` (each stack's
    report before and after the change, from `diff.compare`), a Mermaid diagram of each changed stack."""
    out = _heading(report) + _summary_table(report.stacks)
    for s in report.stacks:
        if s.status != "unchanged":
            out += _stack_section(s, sides)
    return "\n".join(out) + "\n"
