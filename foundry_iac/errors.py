"""Errors the command line turns into exit code 2 with one line per problem."""

from components.errors import FoundryIacError


class UsageError(FoundryIacError):
    """Bad command-line input; the message says what to do."""


class GateInputError(FoundryIacError):
    """Bad input found while checking stacks; one line per problem."""
