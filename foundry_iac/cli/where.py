"""`foundry-iac where MODEL ...`: where the model can run, within residency, quota and budget (docs/cli.md)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from ..errors import UsageError
from ..exit_codes import EXIT_OK
from .command_io import CommandIO, endpoint_url, timeout_option


def tokens(value: str) -> tuple[int, int]:
    """--tokens INPUT,OUTPUT: two whole numbers of tokens per month."""
    match = re.fullmatch(r"\s*([0-9_]+)\s*,\s*([0-9_]+)\s*", value)
    if not match:
        raise argparse.ArgumentTypeError(f"{value!r} is not INPUT,OUTPUT (two whole numbers, e.g. 400000000,80000000)")
    return int(match.group(1)), int(match.group(2))


def capacity(value: str) -> int:
    """--capacity N: a whole number > 0."""
    if not re.fullmatch(r"[0-9]+", value) or int(value) <= 0 or int(value) > 2**31 - 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a capacity (a whole number of units or PTU, > 0)")
    return int(value)


def add_parser(sub: Any) -> None:
    """Register `where`."""
    where = sub.add_parser(
        "where", help="where a model can run: residency, lifecycle, approval, quota and cost per region"
    )
    where.add_argument("model", help="catalog model name, e.g. gpt-5.1")
    where.add_argument("--version", dest="model_version", help="model version (default: the catalog's default)")
    scope = where.add_mutually_exclusive_group()
    scope.add_argument("--stack", help="judge under this stack's policy config, accounts, budget and quota")
    scope.add_argument("--residency", help="residency boundary without a stack: none, EU, US or a region")
    where.add_argument("--capacity", type=capacity, help="capacity units (PTU for provisioned types, rounded up)")
    where.add_argument("--tokens", type=tokens, metavar="INPUT,OUTPUT", help="expected monthly tokens")
    where.add_argument("--type", dest="types", nargs="+", default=[], metavar="T", help="only these deployment types")
    where.add_argument("--live", action="store_true", help="add Azure's own view (models, capacities, usages)")
    where.add_argument("--subscription", help="subscription id (default: the stack's)")
    where.add_argument(
        "--endpoint", default=None, type=endpoint_url, help="Azure Resource Manager URL (default public cloud)"
    )
    where.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    timeout_option(where)


Credential = Callable[[], Any]


def run(args: argparse.Namespace, io: CommandIO) -> int:
    """Print the rows; exit 0 (rows that fail are the answer, not an error)."""
    from policies import waivers

    from ..engine.report_model import as_json
    from ..engine.stacks import project_root, resolve_stack
    from ..engine.where import WhereQuery, find
    from ..render.where import render_where_markdown, render_where_text

    if args.subscription is not None and not re.fullmatch(r"[0-9a-fA-F-]{36}", args.subscription):
        raise UsageError(f"--subscription {args.subscription!r} is not a subscription id (a GUID)")
    root = project_root()
    query = WhereQuery(
        model=args.model,
        version=args.model_version,
        stack=resolve_stack(args.stack, root) if args.stack else None,
        boundary=args.residency,
        capacity=args.capacity,
        tokens=args.tokens,
        types=tuple(args.types),
        subscription=args.subscription,
    )
    report = find(query, root, waivers.today())
    if args.live:
        report = live_view(report, args, io.credential, args.endpoint or io.endpoint)
    if args.format == "json":
        io.stdout(as_json(report))
    elif args.format == "markdown":
        io.stdout(render_where_markdown(report))
    else:
        io.stdout(render_where_text(report))
    return EXIT_OK


def live_view(report: Any, args: argparse.Namespace, credential: Credential, endpoint: str | None) -> Any:
    """The report with Azure's view of each row (models, capacities, usages), read through the safe client."""
    from ..azure.client import Limits
    from ..azure.quota_sync import ARM_ENDPOINT
    from ..azure.where_live import with_live

    subscription = args.subscription or report.subscription
    if subscription is None:
        raise UsageError("--live needs a subscription: give --subscription ID or --stack S")
    token = credential()
    try:
        return with_live(report, token, subscription, endpoint or ARM_ENDPOINT, Limits(args.timeout))
    finally:
        close = getattr(token, "close", None)
        if close:
            close()
