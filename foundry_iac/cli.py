"""The `foundry-iac` command line (contract in DESIGN.md).

Exit codes: 0 no mandatory violation, 1 at least one, 2 bad input or any internal error (fail closed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from components.catalog import CatalogError
from components.config.errors import ConfigError

from .stacks import UsageError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(
            f"{message}; see 'foundry-iac {self.prog.split()[-1]} --help'"
            if " " in self.prog
            else f"{message}; see 'foundry-iac --help'"
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="foundry-iac", description="Azure AI Foundry as code: offline plan and policy gate.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    plan = sub.add_parser("plan", help="the resources `pulumi up` would create, offline")
    plan.add_argument("stack", help="stack name (stacks/Pulumi.<name>.yaml) or stack file path")
    plan.add_argument("--format", choices=["text", "json"], default="text")
    plan.add_argument("--output", help="write the plan there instead of stdout")
    return parser


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write: {exc.strerror or exc}") from None


def cmd_plan(args: argparse.Namespace) -> int:
    """foundry-iac plan STACK."""
    from .plan_text import render_plan_text
    from .report import plan_report
    from .runner import run_program
    from .stacks import project_root, resolve_stack

    root = project_root()
    stack = resolve_stack(args.stack, root)
    run = run_program(stack, root)
    if args.format == "json":
        _write(json.dumps(plan_report(run), indent=2, sort_keys=True) + "\n", args.output)
    else:
        from .runner import redact

        _write(str(redact(render_plan_text(run), run.secrets)), args.output)
    return EXIT_OK


COMMANDS = {"plan": cmd_plan}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; never lets a traceback reach the user."""
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        for issue in exc.issues:
            print(f"error: {issue}", file=sys.stderr)
        return EXIT_ERROR
    except (UsageError, CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except SystemExit as exc:  # --help, or a program calling sys.exit
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - fail closed: any internal error is exit 2, not a pass
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); this is a foundry-iac bug, please report it",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
