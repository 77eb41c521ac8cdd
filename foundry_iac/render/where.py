"""`foundry-iac where` for people: a table (text or markdown) of every row, passing rows first."""

from __future__ import annotations

from ..engine.report_model import WhereReport, WhereRow
from .common import amount

HEADERS = [
    "region",
    "type",
    "capacity",
    "residency",
    "lifecycle",
    "approved",
    "pool",
    "limit",
    "used",
    "headroom",
    "fits",
    "expected/month",
    "ceiling/month",
]


def _approved(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _number(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def _fits(r: WhereRow) -> str:
    if r.live is not None and r.live.status != "fits":
        return f"{r.quota.fits}; live {r.live.status}"
    return r.quota.fits + ("; live fits" if r.live is not None else "")


def cells(r: WhereRow) -> list[str]:
    """The table cells of one row."""
    used = sum(r.quota.used.values())
    return [
        r.region,
        r.deployment_type,
        r.capacity_note,
        r.residency,
        r.lifecycle,
        _approved(r.approved),
        f"{r.quota.usage_name} @ {r.quota.scope}",
        _number(r.quota.limit),
        f"{used:,}",
        _number(r.quota.headroom),
        _fits(r),
        "-" if r.monthly_expected is None and r.monthly_ceiling is not None else amount(r.monthly_expected),
        amount(r.monthly_ceiling),
    ]


def heading(report: WhereReport) -> str:
    """What was asked, in one line."""
    under = f"stack {report.stack}" if report.stack else f"residency {report.boundary}"
    parts = [f"{report.model} {report.version}", under, f"on {report.today}"]
    if report.capacity is not None:
        parts.append(f"capacity {report.capacity}")
    if report.input_tokens is not None:
        parts.append(f"tokens {report.input_tokens:,} in / {report.output_tokens or 0:,} out per month")
    return "where: " + ", ".join(parts)


def _summary(report: WhereReport) -> str:
    passing = sum(1 for r in report.rows if r.passed)
    return f"{passing} of {len(report.rows)} (region, type) pairs pass; monthly costs in USD"


def _reasons(report: WhereReport) -> list[str]:
    lines = []
    for r in report.rows:
        if not r.passed:
            lines.append(f"{r.region} {r.deployment_type}: {r.failed_policy}: {r.reason}")
        elif r.live is not None and r.live.status != "fits":
            lines.append(f"{r.region} {r.deployment_type}: live {r.live.status}: {r.live.reason}")
    return lines


def render_where_text(report: WhereReport) -> str:
    """An aligned table, then the first reason of each failing row."""
    table = [HEADERS, *(cells(r) for r in report.rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out = [heading(report), _summary(report), ""]
    for line in table:
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    reasons = _reasons(report)
    if reasons:
        out += ["", "why not:", *(f"  {line}" for line in reasons)]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_where_markdown(report: WhereReport) -> str:
    """A markdown table, then the first reason of each failing row."""
    out = [f"### {_md(heading(report))}", "", _summary(report), ""]
    out.append("| " + " | ".join(HEADERS) + " |")
    out.append("|" + "---|" * len(HEADERS))
    out += ["| " + " | ".join(_md(c) for c in cells(r)) + " |" for r in report.rows]
    reasons = _reasons(report)
    if reasons:
        out += ["", "**Why not:**", "", *(f"- {_md(line)}" for line in reasons)]
    return "\n".join(out) + "\n"
