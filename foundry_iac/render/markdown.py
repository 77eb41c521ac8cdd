"""The markdown report: one pull-request comment."""

from __future__ import annotations

from ..engine.report_model import DeploymentCost, Report, StackReport, Violation
from .common import amount, counts, other_stacks, resource_label, resource_summary, total_usd, usd, where, worst_first
from .mermaid import estate_section

MARKER = "<!-- foundry-iac-gate -->"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _heading(report: Report, stacks: list[StackReport], title: str) -> list[str]:
    """The marker, the verdict line and one summary row per stack."""
    failed = [e for e in stacks if not e.passed]
    if report.passed:
        verdict = f"## ✅ foundry-iac {title} passed: {len(stacks)} stack(s), no mandatory violation"
    else:
        verdict = f"## ❌ foundry-iac {title} failed: {len(failed)} of {len(stacks)} stack(s) have mandatory violations"
    out = [
        MARKER,
        verdict,
        "",
        "| stack | verdict | mandatory | advisory | waived | expected / month | ceiling / month | budget |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for e in stacks:
        m, a, w = counts(e)
        c = e.cost
        out.append(
            f"| `{e.stack}` | {'✅ pass' if e.passed else '❌ fail'} | {m} | {a} | {w} | "
            f"{total_usd(c, 'monthly_expected')} | {total_usd(c, 'monthly_ceiling')} | {usd(c.budget)} |"
        )
    return out


_LEVEL_ICONS = {"mandatory": "❌", "advisory": "⚠️", "waived": "💤"}


def _violation_row(e: StackReport, v: Violation) -> str:
    level = "waived" if v.waived else v.enforcement
    message = v.message
    if v.waiver:
        message += f" — **waived** until {v.waiver.expires} by {v.waiver.approver}: {v.waiver.reason}"
    return (
        f"| {_LEVEL_ICONS.get(level, 'ℹ️')} {level} | `{v.policy}` | `{resource_label(e, v.urn)}` | "
        f"`{where(v)}` | {_cell(message)} |"
    )


def _violation_table(e: StackReport) -> list[str]:
    if not e.violations:
        return ["No violations."]
    return [
        "| | policy | resource | where | message |",
        "|---|---|---|---|---|",
        *(_violation_row(e, v) for v in e.violations),
    ]


def _deployment_row(e: StackReport, d: DeploymentCost) -> str:
    spills = f" → spills over to `{resource_label(e, d.spillover_to)}`" if d.spillover_to else ""
    return (
        f"| `{resource_label(e, d.urn)}`{spills} | {d.model} | {d.sku} | {d.capacity} | "
        f"{d.monthly_expected:,.2f} | {d.monthly_ceiling:,.2f} |"
    )


def _cost_table(e: StackReport) -> list[str]:
    """Each deployment's cost, each account's when there are several, what is unpriced, the total and budget."""
    c = e.cost
    out = [
        "",
        f"**Cost** (USD per month; ceiling at input share {c.input_share:g}, budget basis `{c.basis}`)",
        "",
        "| deployment | model | type | capacity | expected | ceiling |",
        "|---|---|---|---:|---:|---:|",
        *(_deployment_row(e, d) for d in c.deployments),
    ]
    if len(c.accounts) > 1:
        for acc in c.accounts:
            out.append(
                f"| account `{acc.account}` | | | | {amount(acc.monthly_expected)} | {amount(acc.monthly_ceiling)} |"
            )
    out += [f"| {_cell(line)} | | | | unpriced | unpriced |" for line in c.unpriced]
    out.append(f"| **total** | | | | **{amount(c.monthly_expected)}** | **{amount(c.monthly_ceiling)}** |")
    out.append(f"| budget | | | | {usd(c.budget)} | |")
    out += ["", *(f"Not in the cost: {_cell(line)}" for line in c.not_included)] if c.not_included else []
    return out


def _quota_table(e: StackReport) -> list[str]:
    if not e.quota:
        return []
    out = [
        "",
        "**Quota** (units of 1,000 TPM)",
        "",
        "| subscription | region | usage | requested | other stacks | limit | limit from |",
        "|---|---|---|---:|---|---:|---|",
    ]
    for q in e.quota:
        limit = "unknown" if q.limit is None else q.limit
        others = other_stacks(q) or "none"
        out.append(
            f"| `{q.subscription}` | {q.region} | `{q.usage_name}` | {q.requested} | {others} | "
            f"{limit} | {_cell(q.limit_source or '')} |"
        )
    return out


def _resource_details(e: StackReport) -> list[str]:
    """The stack's resources, folded: type, name and stack-file line."""
    out = [
        "",
        f"<details><summary>Resources: {resource_summary(e)}</summary>",
        "",
        "| type | name | line |",
        "|---|---|---:|",
    ]
    for r in e.resources:
        line_text = str(r.source.line) if r.source and r.source.line else ""
        out.append(f"| `{r.type}` | `{r.name}` | {line_text} |")
    return [*out, "", "</details>"]


def render_markdown(report: Report, title: str = "gate", diagrams: bool = True) -> str:
    """Verdict line, then per stack: violations (with waivers), cost, quota, a Mermaid diagram of the estate
    (unless `diagrams` is False) and a resource summary."""
    stacks = worst_first(report)
    out = _heading(report, stacks, title)
    for e in stacks:
        out += ["", f"### {'✅' if e.passed else '❌'} `{e.stack}`", ""]
        out += _violation_table(e) + _cost_table(e) + _quota_table(e)
        if diagrams:
            out += estate_section(e)
        out += _resource_details(e)
    return "\n".join(out) + "\n"
