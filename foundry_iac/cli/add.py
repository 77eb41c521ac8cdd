"""`foundry-iac add STACK --model M ...`: a deployment put in the stack file, gated first (docs/cli.md)."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import UsageError
from ..exit_codes import EXIT_OK, EXIT_VIOLATIONS
from .command_io import CommandIO
from .console import say
from .where import capacity, tokens


def add_parser(sub: Any) -> None:
    """Register `add`."""
    add = sub.add_parser("add", help="put a model deployment in a stack's account, gated before anything is written")
    add.add_argument("stack", help="stack name (stacks/Pulumi.<name>.yaml)")
    add.add_argument("--model", required=True, help="catalog model name")
    add.add_argument("--version", dest="model_version", help="model version (default: the catalog's default)")
    add.add_argument("--region", help="region (with --type); or --best")
    add.add_argument("--type", dest="sku", help="deployment type (with --region); or --best")
    add.add_argument("--best", action="store_true", help="the cheapest row `where` passes, in a region with an account")
    add.add_argument("--capacity", type=capacity, required=True, help="capacity units (PTU rounded up)")
    add.add_argument("--name", help="deployment name (default: the model's, else the model's with the type)")
    add.add_argument(
        "--tokens",
        "--monthly-tokens",
        dest="monthly_tokens",
        type=tokens,
        metavar="INPUT,OUTPUT",
        help="expected monthly tokens",
    )
    add.add_argument("--write", action="store_true", help="write the stack file when the gate passes")


def run(args: argparse.Namespace, io: CommandIO) -> int:
    """Exit 0 when the stack passes the gate with the deployment (written with --write), 1 when it does not or
    --best finds no passing row (nothing written), 2 for bad input or a region where the stack has no account
    (the account block is printed)."""
    from pathlib import Path

    from policies import waivers

    from ..engine.add import AddRequest, NoAccountError, NoPassingRowError, add
    from ..engine.stack_edit import StackEditError, read_source, write_all
    from ..engine.stacks import project_root, resolve_stack
    from ..render.add import render_add

    if args.best == bool(args.region or args.sku) or bool(args.region) != bool(args.sku):
        raise UsageError("give --region R --type T, or --best (not both); see 'foundry-iac add --help'")
    root = project_root()
    ref = resolve_stack(args.stack, root)
    request = AddRequest(
        ref, args.model, args.model_version, args.region, args.sku, args.capacity, args.name, args.monthly_tokens
    )
    before = read_source(ref.path, ref.display)
    try:
        result = add(request, root, waivers.today())
    except NoAccountError as exc:
        io.stdout(exc.block)
        raise
    except NoPassingRowError as exc:  # a verdict on every option, not bad input
        say(f"error: {exc}")
        return EXIT_VIOLATIONS
    if not result.after.passed:
        outcome = f"not written: the gate fails for {ref.name} with this deployment"
    elif args.write:
        if read_source(ref.path, ref.display) != before:
            raise StackEditError(ref.display, None, "changed while add ran; nothing was written: run add again")
        write_all({Path(ref.path): result.text})
        outcome = f"wrote {ref.display}"
    else:
        outcome = f"dry run: {ref.display} not changed; add --write to write it"
    io.stdout(render_add(result, before, ref.display, outcome))
    return EXIT_OK if result.after.passed else EXIT_VIOLATIONS
