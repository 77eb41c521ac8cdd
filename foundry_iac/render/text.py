"""The text report: one screen per stack, worst stack first, worst finding first."""

from __future__ import annotations

from ..engine.report_model import Report
from .common import (
    amount,
    counts,
    defender_summary,
    other_stacks,
    resource_label,
    resource_summary,
    total_usd,
    usd,
    where,
    worst_first,
)


def render_text(report: Report, title: str = "gate") -> str:
    """The gate report (or, with title "preflight", the preflight report) for a terminal."""
    out: list[str] = []
    stacks = worst_first(report)
    failed = sum(1 for e in stacks if not e.passed)
    verdict = "PASSED" if report.passed else "FAILED"
    out.append(f"foundry-iac {title} {verdict}: {len(stacks) - failed} of {len(stacks)} stack(s) passed")
    for entry in stacks:
        mandatory, advisory, waived = counts(entry)
        out.append("")
        out.append(
            f"{'PASS' if entry.passed else 'FAIL'}  {entry.stack}  ({entry.file}, policy config "
            f"{entry.policy_config}): {mandatory} mandatory, {advisory} advisory, {waived} waived"
        )
        for v in entry.violations:
            tag = "WAIVED" if v.waived else v.enforcement.upper()
            out.append(f"  {tag:<9} {v.policy}  {resource_label(entry, v.urn)}  {where(v)}")
            out.append(f"            {v.message}")
            if v.waiver:
                w = v.waiver
                out.append(f"            waived until {w.expires} by {w.approver}: {w.reason}")
        cost = entry.cost
        out.append(
            f"  cost      expected {total_usd(cost, 'monthly_expected')}/month, ceiling "
            f"{total_usd(cost, 'monthly_ceiling')}"
            f"/month (input share {cost.input_share:g}), budget {usd(cost.budget)} "
            f"(basis {cost.basis})"
        )
        if len(cost.accounts) > 1:
            for acc in cost.accounts:
                out.append(
                    f"  account   {acc.account}: expected {amount(acc.monthly_expected)}/month, "
                    f"ceiling {amount(acc.monthly_ceiling)}/month"
                )
        for line in cost.unpriced:
            out.append(f"  UNPRICED  {line}")
        for line in cost.not_included:
            out.append(f"  EXCLUDED  {line}")
        for q in entry.quota:
            limit = "no limit known" if q.limit is None else f"of {q.limit} ({q.limit_source})"
            others = other_stacks(q)
            plus = f" + {others}" if others else ""
            out.append(f"  quota     {q.region} {q.usage_name}: {q.requested} units{plus} {limit}")
        if entry.defender is not None:
            out.append(f"  defender  {defender_summary(entry.defender)}")
        out.append(f"  resources {resource_summary(entry)}")
    return "\n".join(out) + "\n"
