"""The lifecycle calendar as text, markdown, and an iCalendar file a team can subscribe to."""

from __future__ import annotations

import datetime as dt

from ..engine.report_model import LifecycleEvent, LifecycleReport

PRODID = "-//foundry-iac//model lifecycle calendar//EN"


def days_text(days: int) -> str:
    """'today', 'in 1 day', 'in 68 days', '3 days ago'."""
    if days == 0:
        return "today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"{-days} {unit} ago"


def _when(event: LifecycleEvent) -> str:
    return event.date.isoformat() if event.dated else f"{event.date.isoformat()}*"


def _where(event: LifecycleEvent) -> str:
    return f"{event.source.file}:{event.source.line}" if event.source.line else event.source.file


def title(event: LifecycleEvent) -> str:
    """One line naming the deployment and the event."""
    return (
        f"{event.stack}/{event.account}/{event.deployment}: {event.model} {event.version} {event.kind} "
        f"({event.type}, {event.region})"
    )


def _heading(report: LifecycleReport) -> str:
    until = f", until {report.until.isoformat()}" if report.until else ""
    return (
        f"model lifecycle on {report.today.isoformat()}{until}: {len(report.events)} event(s) in "
        f"{len(report.stacks)} stack(s)"
    )


UNDATED = "* no day published: the catalog's asOf (status seen that day), or today for an upgrade Azure has due"


def render_lifecycle_text(report: LifecycleReport) -> str:
    """Sorted by date: the day, days left, the deployment, what happens, and what Azure does on its own."""
    lines = [_heading(report)]
    for event in report.events:
        lines.append(f"{_when(event):<11} {days_text(event.days_left):<13} {title(event)}")
        replacement = f"; replacement: {event.replacement}" if event.replacement else ""
        lines.append(f"{'':25}{event.summary}{replacement}")
        lines.append(f"{'':25}on its own ({event.upgrade_option}): {event.azure_action}")
        lines.append(f"{'':25}{_where(event)}; {event.fact_source}")
    if any(not e.dated for e in report.events):
        lines.append(UNDATED)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_lifecycle_markdown(report: LifecycleReport) -> str:
    """A table, one row per event, for a pull request or an issue."""
    lines = [f"### {_cell(_heading(report)).capitalize()}", ""]
    if not report.events:
        return "\n".join([*lines, "No model events.", ""])
    lines += [
        "| date | days left | deployment | model | event | Azure on its own (versionUpgradeOption) | stack file |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in report.events:
        replacement = f" Replacement: {e.replacement}." if e.replacement else ""
        lines.append(
            f"| {_when(e)} | {days_text(e.days_left)} | {_cell(f'{e.stack}/{e.account}/{e.deployment}')} | "
            f"{_cell(f'{e.model} {e.version}')} ({e.type}, {e.region}) | {_cell(e.summary)}.{_cell(replacement)} | "
            f"{e.upgrade_option}: {_cell(e.azure_action)} | `{_cell(_where(e))}` |"
        )
    if any(not e.dated for e in report.events):
        lines += ["", f"\\{UNDATED}"]
    return "\n".join(lines) + "\n"


def render_lifecycle_ics(report: LifecycleReport) -> str:
    """An iCalendar file: one all-day VEVENT per event, UIDs stable so a subscribed calendar updates in place."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Model lifecycle (foundry-iac)")
    stamp = dt.datetime.combine(report.today, dt.time(), tzinfo=dt.UTC)  # reproducible for a given day
    for e in report.events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.date)
        event.add("dtend", e.date + dt.timedelta(days=1))
        event.add("summary", f"{e.model} {e.version} {e.kind}: {e.stack}/{e.account}/{e.deployment}")
        replacement = f"\nReplacement: {e.replacement}" if e.replacement else ""
        undated = "" if e.dated else "\nNo day is published for this event: the date is when it was seen."
        event.add(
            "description",
            f"{e.summary}{replacement}\nAzure on its own ({e.upgrade_option}): {e.azure_action}\n"
            f"{e.type} in {e.region}; {_where(e)}\nSource: {e.fact_source}{undated}",
        )
        event.add("location", e.region)
        event.add("categories", [e.kind])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")
