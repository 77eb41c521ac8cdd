"""Errors the command line turns into exit code 2 with one line per problem."""

from __future__ import annotations

from components.errors import FoundryIacError
from components.text import short


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


class ProgramExit(BaseException):  # noqa: N818 - named for what the program called: os._exit
    """Raised for os._exit(code) while the gate runs the program, instead of ending the gate's process."""

    def __init__(self, code: object) -> None:
        super().__init__(code)
        self.code = code


class ProgramDeadline(BaseException):  # noqa: N818 - not an error of the program's: the gate ends its wait
    """Raised into a Pulumi program that runs past the gate's deadline (a sleep, a network wait, input)."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class ProgramEndedError(FoundryIacError):
    """The Pulumi program ended (exited, or registered nothing) before it was judged: never a pass."""

    @classmethod
    def exited(cls, display: str, code: object) -> ProgramEndedError:
        """The error for a program that raised SystemExit (sys.exit, exit(), quit()) with any code."""
        shown = short(code)
        return cls(
            f"{display}: the program ended before registering its resources (__main__.py raised SystemExit({shown})); "
            "a Pulumi program must not exit: raise an error for a problem, or remove the exit"
        )

    @classmethod
    def ended_by(cls, display: str, exc: BaseException) -> ProgramEndedError:
        """The error for a program ended by SystemExit or os._exit (any code) or another BaseException."""
        if isinstance(exc, SystemExit):
            return cls.exited(display, exc.code)
        if isinstance(exc, ProgramDeadline):
            return cls(
                f"{display}: the program did not finish within {exc.seconds:g} s, so nothing was judged (an accepted "
                "stack file is judged in under 2 s: the program waits on something, a sleep, the network or input); "
                "remove the wait"
            )
        if isinstance(exc, ProgramExit):
            return cls(
                f"{display}: the program ended before registering its resources (__main__.py called "
                f"os._exit({short(exc.code)})); a Pulumi program must not exit: raise an error "
                "for a problem, or remove the exit"
            )
        return cls(
            f"{display}: the program ended before registering its resources (__main__.py raised "
            f"{type(exc).__name__}({short(str(exc))})); raise an Exception subclass for a problem, never a "
            "BaseException"
        )

    @classmethod
    def empty(cls, display: str) -> ProgramEndedError:
        """The error for a run that finished without registering a single resource."""
        return cls(
            f"{display}: the program ended before registering any resource (__main__.py must build the estate "
            "with build_estate); nothing was judged"
        )


class SdkVersionError(FoundryIacError):
    """An installed Pulumi SDK is missing or outside the range the gate was tested with (sdk_versions.TESTED)."""
