"""Renderers of the upgrade report: text for a terminal, markdown for the pull request that makes the moves."""

from __future__ import annotations

from ..engine.report_model import CostChange, DueEvent, UpgradeProposal, UpgradeReport, UpgradeStack
from .lifecycle import days_text

MARKER = "<!-- foundry-iac-upgrade -->"


def _usd(value: float | None) -> str:
    return "unpriced" if value is None else f"{value:,.2f}"


def _cost(change: CostChange | None) -> str:
    if change is None:
        return "—"
    delta = "" if change.delta is None else f" ({change.delta:+,.2f})"
    return f"{_usd(change.before)} → {_usd(change.after)}{delta}"


def _event(event: DueEvent) -> str:
    when = days_text(event.days_left)
    return f"{event.event} on {event.date} ({when})"


def _why(p: UpgradeProposal) -> str:
    """The lifecycle facts that make the move due."""
    return ", ".join([p.status, *(_event(e) for e in p.events)])


def _from(p: UpgradeProposal) -> str:
    return f"{p.model} {p.version}"


def _to(p: UpgradeProposal) -> str:
    if p.target is None:
        return "—"
    renamed = f", deployment {p.target.deployment}" if p.target.deployment != p.deployment else ""
    retires = f", retires {p.target.retirement}" if p.target.retirement else ", no retirement published"
    return f"{p.target.model} {p.target.version} ({p.target.status}{retires}{renamed})"


def _flag(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def _quota(p: UpgradeProposal) -> list[str]:
    rows = []
    for q in p.quota:
        peak = f", peak {q.transient_peak} while both exist" if q.transient_peak is not None else ""
        rows.append(f"{q.region} {q.usage_name}: {q.before} → {q.after}{peak}")
    return rows


def _where(p: UpgradeProposal) -> str:
    return f"{p.file}:{p.line}" if p.line else p.file


def _text_proposal(p: UpgradeProposal) -> list[str]:
    head = f"  {p.account}/{p.deployment}  {_from(p)}  {p.sku} in {p.region}  ({_where(p)})"
    lines = [head, f"    due:       {_why(p)}"]
    if not p.proposed:
        return [*lines, f"    no move:   {p.reason}"]
    lines += [
        f"    move to:   {_to(p)}",
        f"    cost:      expected {_cost(p.cost.monthly_expected if p.cost else None)} USD/month, "
        f"ceiling {_cost(p.cost.monthly_ceiling if p.cost else None)}",
        f"    offered:   {_flag(p.offered)} ({p.sku} in {p.region})   approved: {_flag(p.approved)}   "
        f"residency: {'kept' if p.residency_ok else 'broken'}   gate: {'PASS' if p.gate_passed else 'FAIL'}",
    ]
    lines += [f"    quota:     {row}" for row in _quota(p)] or ["    quota:     no pool moves"]
    if p.warning:
        lines.append(f"    downtime:  {p.warning}")
    return lines


def _text_stack(s: UpgradeStack) -> list[str]:
    if not s.proposals:
        return [f"{s.stack}  ({s.file}): nothing due"]
    proposed = sum(p.proposed for p in s.proposals)
    out = [f"{s.stack}  ({s.file}): {proposed} of {len(s.proposals)} due deployment(s) can move"]
    for p in s.proposals:
        out += _text_proposal(p)
    if s.problem:
        out.append(f"  not writable: {s.problem}")
    return out


def _headline(report: UpgradeReport) -> str:
    proposed = sum(p.proposed for s in report.stacks for p in s.proposals)
    due = sum(len(s.proposals) for s in report.stacks)
    if report.written:
        return f"foundry-iac upgrade: wrote {', '.join(report.written)} ({proposed} move(s)), each gated: PASS"
    if not due:
        return f"foundry-iac upgrade: nothing due on {report.today}"
    return f"foundry-iac upgrade: {proposed} move(s) proposed for {due} due deployment(s) on {report.today}"


def render_upgrade_text(report: UpgradeReport) -> str:
    """The proposals per stack: why each deployment is due, its target and what the move does."""
    out = [_headline(report), ""]
    for s in report.stacks:
        out += [*_text_stack(s), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(s: UpgradeStack) -> list[str]:
    out = [
        "| Deployment | From | To | Expected USD/month | Ceiling USD/month | Quota | Offered | Approved | Residency |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in s.proposals:
        if not p.proposed:
            continue
        cost = p.cost
        out.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{p.account}/{p.deployment}` ({_where(p)})",
                    f"{_from(p)} {p.sku}, {p.region}",
                    _to(p),
                    _cost(cost.monthly_expected if cost else None),
                    _cost(cost.monthly_ceiling if cost else None),
                    "<br>".join(_quota(p)) or "no pool moves",
                    _flag(p.offered),
                    _flag(p.approved),
                    "kept" if p.residency_ok else "broken",
                )
            )
            + " |"
        )
    return out


def _md_stack(s: UpgradeStack) -> list[str]:
    out = [f"### {s.stack} (`{s.file}`)", ""]
    if any(p.proposed for p in s.proposals):
        out += [*_md_table(s), ""]
        verdict = "PASS" if s.passed_after else "FAIL"
        out += [f"Gate on the stack with these moves: **{verdict}**" + (f": {s.problem}" if s.problem else ""), ""]
        downtime = [p for p in s.proposals if p.proposed and p.warning]
        out += [
            f"> [!WARNING]\n> `{p.account}/{p.deployment}` is replaced: {_cell(str(p.warning))}\n" for p in downtime
        ]
    out += ["Lifecycle events that make the moves due:", ""]
    out += [f"- `{p.account}/{p.deployment}` {_from(p)}: {_why(p)}" for p in s.proposals]
    skipped = [p for p in s.proposals if not p.proposed]
    if skipped:
        out += ["", "Not moved:", ""]
        out += [f"- `{p.account}/{p.deployment}` {_from(p)}: {_cell(str(p.reason))}" for p in skipped]
    return [*out, ""]


def render_upgrade_markdown(report: UpgradeReport) -> str:
    """A pull-request body: per stack, the table of moves and the lifecycle events that caused them."""
    out = [MARKER, "## Model upgrades", "", _headline(report), ""]
    out.append(
        "Each move was applied to a copy of the stack and gated (`foundry-iac check`); cost and quota are the "
        "stack's totals before and after. Only the model and version lines of the stack files change."
    )
    out.append("")
    for s in report.stacks:
        if s.proposals:
            out += _md_stack(s)
    return "\n".join(out).rstrip("\n") + "\n"
