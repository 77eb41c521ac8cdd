"""Errors the command line turns into exit code 2 with one line per problem."""

from __future__ import annotations

from components.errors import FoundryIacError


class UsageError(FoundryIacError):
    """Bad command-line input; the message says what to do."""


class GateInputError(FoundryIacError):
    """Bad input found while checking stacks; one line per problem."""


class OutputError(FoundryIacError):
    """The output could not be written to standard output (closed, or a full disk): the report is incomplete."""

    @classmethod
    def stdout(cls, exc: Exception) -> OutputError:
        """The error for a failed write or flush of standard output."""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return cls(f"standard output: cannot write: {reason}; the output is incomplete (use --output FILE)")
