"""`foundry-iac lifecycle [STACK ...] [--until DATE] [--format text|markdown|json|ics] [--output FILE]`."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from components.clock import DATE_FORMAT, date_range_problem
from components.text import short

from ..errors import UsageError
from ..exit_codes import EXIT_OK
from .command_io import CommandIO

FORMATS = ("text", "markdown", "json", "ics")


def until_date(value: str) -> dt.date:
    """An --until value: YYYY-MM-DD inside the dates foundry-iac judges."""
    try:
        if not DATE_FORMAT.fullmatch(value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{short(value)} is not a date; write YYYY-MM-DD (e.g. 2027-06-30)") from None
    problem = date_range_problem(day)
    if problem:
        raise argparse.ArgumentTypeError(f"{problem}; give a date in that range")
    return day


def add_parser(sub: Any) -> None:
    """Register `lifecycle` on the subcommands of the `foundry-iac` parser."""
    parser = sub.add_parser(
        "lifecycle",
        help="every deployment's model events (legacy, deprecation, retirement, Azure's own upgrade), by date",
    )
    parser.add_argument("stacks", nargs="*", metavar="STACK", help="stack names or stack file paths (default: all)")
    parser.add_argument("--until", type=until_date, metavar="DATE", help="leave out events after DATE (YYYY-MM-DD)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text, markdown (a table), json (the typed report) or ics (an iCalendar file to subscribe to)",
    )
    parser.add_argument("--output", help="write the calendar there instead of stdout")


def run(args: argparse.Namespace, io: CommandIO) -> int:
    """Build the calendar of the named stacks (default all) on today's date and write it in the chosen format."""
    from components.catalog import load_catalog
    from components.clock import default_today

    from ..engine.lifecycle import lifecycle_report
    from ..engine.report_model import as_json
    from ..engine.stacks import load_stacks, project_root, resolve_stacks
    from ..render.lifecycle import render_lifecycle_ics, render_lifecycle_markdown, render_lifecycle_text

    root = project_root()
    refs = resolve_stacks(list(args.stacks or []), root)
    if not refs:
        raise UsageError("no stacks: stacks/ has no Pulumi.<stack>.yaml; add one or name a stack file")
    loaded = load_stacks(refs, "its model lifecycle could not be read")
    report = lifecycle_report(loaded, load_catalog(), default_today(), args.until)
    renderers = {
        "text": render_lifecycle_text,
        "markdown": render_lifecycle_markdown,
        "json": as_json,
        "ics": render_lifecycle_ics,
    }
    io.write(renderers[args.format](report), args.output)
    return EXIT_OK
