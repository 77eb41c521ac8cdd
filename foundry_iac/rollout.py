"""scripts/preview and scripts/up: the gate first, then the Pulumi CLI with the stack's policy pack.

    python -m foundry_iac.rollout preview|up STACK [pulumi arguments ...]

Exit codes: the Pulumi CLI's own; 1 when the gate finds a mandatory violation (Pulumi is not run);
2 for bad input, a missing Pulumi CLI or an internal error.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence

from .cli import EXIT_ERROR, EXIT_VIOLATIONS, error_lines
from .errors import UsageError

USAGE = "usage: scripts/{preview,up} STACK [pulumi arguments ...]"


def pulumi_command(action: str, stack: str, extra: Sequence[str]) -> list[str]:
    """The Pulumi CLI call for a stack, with the policy pack and the stack's policy config."""
    return [
        "pulumi",
        action,
        "--stack",
        stack,
        "--policy-pack",
        "policies",
        "--policy-pack-config",
        f"policies/config/{stack}.json",
        *extra,
    ]


def run(argv: Sequence[str]) -> int:
    """Gate, then Pulumi; see the module docstring for exit codes."""
    from .render.text import render_text
    from .report import build_report
    from .stacks import project_root, resolve_stack

    if len(argv) < 2 or argv[0] not in ("preview", "up"):
        raise UsageError(USAGE)
    action, stack, extra = argv[0], argv[1], list(argv[2:])
    if "/" in stack or stack.endswith((".yaml", ".yml")):
        raise UsageError(f"{stack}: scripts/{action} takes a stack name (stacks/Pulumi.<name>.yaml), not a path")
    if shutil.which("pulumi") is None:
        raise UsageError(
            "the Pulumi CLI is not on PATH: install it (scripts/install-pulumi-cli, or "
            "https://www.pulumi.com/docs/install/) and run again"
        )
    root = project_root()
    report = build_report([resolve_stack(stack, root)], root)
    sys.stdout.write(render_text(report))
    if not report["passed"]:
        print(f"error: the gate failed for {stack}: not running pulumi {action}", file=sys.stderr)
        return EXIT_VIOLATIONS
    command = pulumi_command(action, stack, extra)
    print(f"+ {' '.join(command)}", file=sys.stderr, flush=True)
    return subprocess.run(command, cwd=root, check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: never a traceback, exit 2 on any error."""
    try:
        return run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - fail closed
        for line in error_lines(exc):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
