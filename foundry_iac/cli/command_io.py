"""What `cli/commands.py` hands each command module (`add_parser(sub)` + `run(args, io)`): how to write a
report, how to sign in to Azure and where Azure Resource Manager is; and the `--timeout` and `--endpoint` checks
they share."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class CommandIO:
    """A command's ways out: `write(text, output)` writes a report to stdout or to --output (None: stdout);
    `credential()` signs in (azure-identity's default chain); `endpoint` is $FOUNDRY_IAC_ARM_ENDPOINT or None."""

    write: Callable[[str, str | None], None]
    credential: Callable[[], Any]
    endpoint: str | None

    def stdout(self, text: str) -> None:
        """Write `text` to standard output (a closed or full one is an OutputError, exit 2)."""
        self.write(text, None)


class CommandModule(Protocol):
    """A command in a module of its own (cli/add.py, lifecycle.py, upgrade.py, where.py)."""

    def add_parser(self, sub: Any) -> None:
        """Register the command on the subcommand parsers."""

    def run(self, args: argparse.Namespace, io: CommandIO) -> int:
        """Run it; return the exit code."""


MAX_TIMEOUT = 86400.0  # one day: a deadline beyond it is a typo, and the clock cannot hold much larger ones


def seconds(value: str) -> float:
    """A --timeout value: a number of seconds > 0, at most a day."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds > 0 and at most {MAX_TIMEOUT:g}")
    return number


def endpoint_url(value: str) -> str:
    """An --endpoint value: an http(s) URL with a host. An empty one would fall back to public Azure unnoticed."""
    from urllib.parse import urlsplit

    from components.text import short

    try:
        parts = urlsplit(value)
        plain = parts.scheme.lower() in ("https", "http") and bool(parts.hostname) and value.isprintable()
        plain = plain and not any(c.isspace() for c in value)  # "https://management.azure.com " reads as a host
    except ValueError:  # an unbalanced "[" or a port that is no number
        plain = False
    if not plain:
        raise argparse.ArgumentTypeError(
            f"{short(value)} is not an endpoint: give an https URL with a host, such as https://management.azure.com "
            "(leave --endpoint out to use public Azure)"
        )
    return value


def timeout_option(parser: argparse.ArgumentParser) -> None:
    """Add --timeout: one deadline for all calls to Azure of the command."""
    from ..azure.client import DEFAULT_TIMEOUT

    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"deadline for all calls to Azure of this command (default {DEFAULT_TIMEOUT:g})",
    )
