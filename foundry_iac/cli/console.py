"""Standard error for the command line: error lines and whether progress lines have a reader."""

from __future__ import annotations

import sys


def say(line: str) -> None:
    """Print one line to standard error; if it is closed or full, say nothing (the exit code still tells).

    Never falls back to standard output (print(file=None) would), so an error line cannot mix into a report.
    """
    try:
        if sys.stderr is not None:
            print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # ValueError: closed; OSError: a broken pipe or a full disk
        pass


def stderr_is_terminal() -> bool:
    """True when standard error is an open terminal (progress lines are for people, not logs)."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (OSError, ValueError):
        return False
