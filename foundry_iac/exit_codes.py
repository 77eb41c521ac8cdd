"""The one place for the command line's exit codes (the contract CI scripts read)."""

from __future__ import annotations

EXIT_OK = 0  # every stack passed
EXIT_VIOLATIONS = 1  # the report was written and a stack has a violation at the failing level
EXIT_ERROR = 2  # bad input, an unreachable service or an internal error: one line each on stderr, no report
