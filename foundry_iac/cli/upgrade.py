"""`foundry-iac upgrade [STACK...] [--to replacement|default|VERSION] [--write] [--format text|markdown|json]
[--output FILE]`.

Exit codes: 0 nothing to do (or the moves were written), 1 moves proposed and not written (without --write, or
a stack fails the gate with them: then nothing is written), 2 bad input or any error.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..exit_codes import EXIT_OK, EXIT_VIOLATIONS
from .command_io import CommandIO


def add_parser(sub: Any) -> None:
    """Register `upgrade` on the subcommand parsers."""
    upgrade = sub.add_parser(
        "upgrade",
        help="move deployments off retired, deprecated, Legacy or retiring model versions (gated; --write edits)",
    )
    upgrade.add_argument("stacks", nargs="*", metavar="STACK", help="stack names or stack file paths (default: all)")
    upgrade.add_argument(
        "--to",
        default="replacement",
        metavar="replacement|default|VERSION",
        help="the catalog's replacement (default; else the model's default version), the model's default "
        "version, or this version of the same model",
    )
    upgrade.add_argument(
        "--write", action="store_true", help="edit the stack files (all or none, only when each passes the gate)"
    )
    upgrade.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    upgrade.add_argument("--output", help="write the report there (e.g. a pull-request body) instead of stdout")


def _check_to(to: str) -> None:
    """--to is `replacement`, `default` or a version some catalog model has; anything else is a usage error."""
    from components.catalog import load_catalog
    from components.refs import nearest
    from components.text import listing, short

    from ..errors import UsageError

    if to in ("replacement", "default"):
        return
    versions = sorted({v for model in load_catalog().models.values() for v in model.versions})
    if to not in versions:
        close = nearest(to, versions)
        hint = f"nearest: {listing(close)}" if close else "see `foundry-iac lifecycle` for the versions in use"
        raise UsageError(
            f"--to {short(to)}: no model of the catalog has that version ({hint}); give replacement, "
            "default or a catalog version"
        )


def run(args: argparse.Namespace, io: CommandIO) -> int:
    """Plan the moves, print them in the chosen format, and with --write edit the stack files (all or none)."""
    _check_to(args.to)
    from policies.waivers import today

    from ..azure.preflight import warn_days_of
    from ..engine.report_model import as_json
    from ..engine.stacks import project_root, resolve_stacks
    from ..engine.upgrade import blocked, has_proposals, plan_upgrades, write_upgrades
    from ..render.upgrade import render_upgrade_markdown, render_upgrade_text
    from .console import say

    root = project_root()
    refs = resolve_stacks(list(args.stacks or []), root)
    plan = plan_upgrades(root, refs, args.to, today(), lambda ref: warn_days_of(root, ref))
    report = plan.report
    problems = blocked(plan) if args.write else []
    if args.write and has_proposals(report) and not problems:
        report = write_upgrades(plan)
    renderers = {"json": as_json, "markdown": render_upgrade_markdown, "text": render_upgrade_text}
    io.write(renderers[args.format](report), args.output)
    for line in problems:
        say(f"error: {line}; no stack file was written")
    if report.written or not has_proposals(report):
        return EXIT_OK
    return EXIT_VIOLATIONS
