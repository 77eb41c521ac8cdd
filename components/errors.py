"""The one error model: every error a user can cause ends the command with exit code 2 and one line per problem.

The command line catches `FoundryIacError` once and prints `lines()`; anything else that escapes is a
programming error, reported as an internal error (still exit 2, never a pass).
"""

from __future__ import annotations


class FoundryIacError(Exception):
    """A problem the user can fix: bad input, an unreachable service, a refused answer.

    Each line names the file (and line) or the flag, and says how to fix it.
    """

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))

    def lines(self) -> list[str]:
        """The one-line messages, in order."""
        return self.messages


class InputFileError(FoundryIacError):
    """A file that cannot be read as the text foundry-iac expects (missing, too large, not UTF-8, bad JSON)."""

    def __init__(self, file: str, message: str, line: int | None = None):
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


class ServiceError(FoundryIacError):
    """Azure or the network failed or refused (auth, HTTP error, malformed answer): not the user's input.

    Exit code 2 like input errors (nothing is written, no pass is claimed); kept apart so a network
    failure is never reported as a usage mistake.
    """
