"""The `foundry-iac` console script: find the repository, then run the command (contract: docs/cli.md).

The repository is the project. The installed package is only this command line: the Pulumi program's
components, the policy pack and the model catalog are read from the repository the command runs in
(the nearest folder upwards holding Pulumi.yaml and __main__.py), so a catalog or policy edit counts at
once and a sync writes the repository's files, never an installed copy.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ..exit_codes import EXIT_ERROR
from ..version import version_text
from .console import say


def program_root(start: Path | None = None) -> Path | None:
    """Where the Pulumi program of the nearest project (at or above `start`, the working directory) lives:
    the folder of its real `__main__.py`, beside which are `components/` and `policies/`."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "Pulumi.yaml").is_file() and (folder / "__main__.py").is_file():
            return (folder / "__main__.py").resolve().parent
    return None


def use_repository(root: Path | None) -> None:
    """Put the repository first on the import path, so its `components` and `policies` are the ones used."""
    if root is not None and str(root) not in sys.path[:1]:
        sys.path.insert(0, str(root))


def _not_importable(root: Path | None, exc: ImportError) -> str:
    """Why the repository's code did not import: not inside a repository, or one this foundry-iac was not
    installed from (a checkout that moved its modules since)."""
    missing = exc.name or str(exc)
    if root is not None and (root / "components").is_dir() and (root / "policies").is_dir():
        return (
            f"the installed foundry-iac does not match the repository at {root} ({missing} is not importable from "
            "it): reinstall foundry-iac from this checkout (./scripts/setup, or pip install .)"
        )
    return (
        "foundry-iac runs inside its repository, the folder with Pulumi.yaml, __main__.py, components/ and "
        f"policies/ ({missing} is not importable here); cd into it"
    )


def _failure_lines(exc: Exception) -> list[str]:
    """A failure while loading the repository's code: its input lines (a bad catalog), else an internal error."""
    lines = getattr(exc, "lines", None)
    if callable(lines):
        return list(lines())
    return [f"internal error ({type(exc).__name__}: {str(exc)[:200]}); this is a foundry-iac bug, please report it"]


def exit_now(code: int) -> NoReturn:
    """End the process after a finished command, skipping the interpreter's teardown.

    The teardown frees, one by one, every object the command built (a plan's recorded program, the imported
    SDK): about 0.1 s of a 0.8 s `check`, for nothing the process still needs. Every file the commands write
    is closed when they return and no subprocess is left; standard output and error are flushed here.
    Output that cannot be flushed (a closed pipe, a full disk) makes the exit code 2, with the reason.
    """
    try:
        if sys.stdout is not None:  # None: started with it closed (the command has failed on it already)
            sys.stdout.flush()
    except (OSError, ValueError) as exc:
        from ..errors import OutputError

        if code != EXIT_ERROR:  # exit 2 has said its error already (a failed write says the same)
            code = EXIT_ERROR
            say(f"error: {OutputError.stdout(exc)}")
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; never lets a traceback reach the user (fail closed)."""
    if argv is None:
        # A process that exits after this one command: the cyclic GC would rescan the growing heap of imported
        # modules and the recorded run again and again (about 40 ms of a `check`) to free little before exit.
        gc.disable()
    args = list(sys.argv[1:] if argv is None else argv)
    from ..engine.sdk_versions import installed_versions, version_problems

    problems = version_problems(installed_versions())  # before anything imports the SDK
    if args == ["--version"]:  # the versions, and then whether they are the tested ones
        try:
            print(version_text(), flush=True)
        except (OSError, ValueError):  # standard output closed: the version could not be told
            return EXIT_ERROR
        for problem in problems:
            say(f"error: {problem}")
        return EXIT_ERROR if problems else 0
    if problems:
        for problem in problems:
            say(f"error: {problem}")
        return EXIT_ERROR
    root = program_root()
    use_repository(root)
    try:
        from .commands import run

        if argv is None:  # the console script: a process that exits after this one command
            from ..engine import runner

            runner.FREEZE_AFTER_RUN = True
    except ImportError as exc:
        say(f"error: {_not_importable(root, exc)}")
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the catalog loads with the config model: a bad one is input, exit 2
        for line in _failure_lines(exc):
            say(f"error: {line}")
        return EXIT_ERROR
    if argv is None:
        exit_now(run(args))
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
