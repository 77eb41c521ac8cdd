"""Errors the command line turns into exit code 2 with one line per problem."""


class UsageError(Exception):
    """Bad command-line input; the message says what to do."""


class GateInputError(Exception):
    """Bad input found while checking stacks; one line per problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))
