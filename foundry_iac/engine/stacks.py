"""Resolve a STACK argument (a stack name or a stack file path) to its file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from components.config.loaded import LoadedConfig
from components.config_errors import ConfigError
from components.errors import InputFileError
from components.inputs import read_input_text
from components.source import read_yaml
from components.stack.loader import load_stack_file, stack_name_of
from components.text import clip, short

from ..errors import GateInputError, UsageError


@dataclass(frozen=True)
class StackRef:
    """A stack to evaluate: its name, its file, and how to show the file in messages."""

    name: str
    path: Path
    display: str


def project_root() -> Path:
    """The foundry-iac project directory: the nearest folder upwards holding Pulumi.yaml (whose settings must
    be the ones the gate follows)."""
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "Pulumi.yaml").is_file() and (folder / "__main__.py").is_file():
            problems = project_file_problems(folder)
            if problems:
                raise UsageError(problems)
            return folder
    raise UsageError("no Pulumi.yaml with a __main__.py here or above; run foundry-iac inside the project")


def project_file_problems(root: Path) -> list[str]:
    """What in Pulumi.yaml would make `pulumi up` deploy other config than the gate judged: stack files read from
    another folder than stacks/, or project-level config (defaults reach the program; the gate never reads them)."""
    display = "Pulumi.yaml"
    try:
        doc = read_yaml(read_input_text(root / "Pulumi.yaml", display, "project file"), display)
    except InputFileError as exc:
        return exc.lines()
    if doc.issues or not isinstance(doc.value, dict):
        return [str(issue) for issue in doc.issues] or [f"{display}: not a Pulumi project file (a mapping)"]
    problems = []
    folder = doc.value.get("stackConfigDir")
    if folder not in ("stacks", "stacks/"):
        problems.append(
            f"{display}:{doc.line_of(('stackConfigDir',)) or 1}: stackConfigDir: Pulumi would read the stack files "
            f"from {short(folder) if folder else 'the project folder'} and the gate judges stacks/; set "
            "`stackConfigDir: stacks`"
        )
    if "config" in doc.value:
        problems.append(
            f"{display}:{doc.line_of(('config',))}: config: project-level config reaches the program at deploy "
            "time and the gate never reads it; write the values in the stack files"
        )
    return problems


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def _yml_problem(path: Path, display: str) -> str:
    """Pulumi finds a stack's config as Pulumi.<stack> plus the project file's extension (Pulumi.yaml here), so
    it never reads a `.yml` stack file: the gate refuses one rather than judge a file Pulumi ignores."""
    return (
        f"{display}: Pulumi reads a stack's config from Pulumi.<stack>.yaml beside Pulumi.yaml and ignores a .yml "
        f"file; rename it to {path.name[: -len('.yml')]}.yaml"
    )


def resolve_stack(arg: str, root: Path) -> StackRef:
    """A stack name (stacks/Pulumi.<name>.yaml) or the path of a stack file."""
    candidate = Path(arg)
    if arg.endswith(".yml") and candidate.is_file():
        raise UsageError(_yml_problem(candidate, arg))
    if arg.endswith((".yaml", ".yml")) or os.sep in arg or "/" in arg:
        if not candidate.is_file():
            in_stacks = root / "stacks" / candidate.name
            name = stack_name_of(candidate)
            hint = (
                f"; did you mean {_display(in_stacks)}, or the stack name {name}?"
                if name and in_stacks.is_file()
                else "; give a stack name or the path of a Pulumi.<stack>.yaml file"
            )
            raise UsageError(f"{arg}: no such stack file{hint}")
        name = stack_name_of(candidate)
        if name is None:
            raise UsageError(f"{arg}: a stack file must be named Pulumi.<stack>.yaml; rename it")
        return StackRef(name, candidate.resolve(), arg)
    path = root / "stacks" / f"Pulumi.{arg}.yaml"
    if not path.is_file():
        known = ", ".join(s.name for s in all_stacks(root)) or "none"
        raise UsageError(f"unknown stack {arg!r}: no {_display(path)} (stacks: {known})")
    return StackRef(arg, path, _display(path))


def _stack_file_problem(path: Path, display: str) -> str | None:
    """Why an entry of stacks/ that looks like a stack file (Pulumi.*, *.yaml, *.yml) is one Pulumi never reads
    or the gate cannot judge, or None for a stack file."""
    if path.name.endswith(".yml") and stack_name_of(path):
        return _yml_problem(path, display)
    if not path.name.endswith(".yaml") or stack_name_of(path) is None:
        return (
            f"{clip(display, 120)}: not a stack file name Pulumi reads (Pulumi.<stack>.yaml, the stack name of "
            "letters, digits, '-', '_' and '.'), so nothing would judge it; rename it or move it out of stacks/"
        )
    if not path.is_file():
        return f"{display}: not a regular file; a stack file is a YAML file"
    return None


def all_stacks(root: Path) -> list[StackRef]:
    """Every stack in stacks/, sorted by name; an entry there that looks like a stack file but is none Pulumi
    reads (`Pulumi.x.yml`, `Pulumi.x.YAML`, `Pulumi.a b.yaml`) is refused, never skipped."""
    folder = root / "stacks"
    refs, problems = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        lower = path.name.lower()
        if not (lower.startswith("pulumi.") or lower.endswith((".yaml", ".yml"))):
            continue
        display = _display(path)
        problem = _stack_file_problem(path, display)
        if problem:
            problems.append(problem)
        else:
            refs.append(StackRef(str(stack_name_of(path)), path, display))
    if problems:
        raise UsageError(problems[:5] + ([f"and {len(problems) - 5} more"] if len(problems) > 5 else []))
    return refs


def resolve_stacks(args: list[str], root: Path) -> list[StackRef]:
    """The stacks named on the command line (every stack when none is), each once: a stack named twice would be
    judged and counted twice."""
    if not args:
        return all_stacks(root)
    named: dict[Path, str] = {}
    refs: list[StackRef] = []
    for arg in args:
        ref = resolve_stack(arg, root)
        path = ref.path.resolve()
        if path in named:
            raise UsageError(
                f"{arg}: the stack {ref.name} is named twice (also as {named[path]}); name each stack once"
            )
        named[path] = arg
        refs.append(ref)
    return refs


def check_it(name: str) -> str:
    """The fix that ends an error about another stack that cannot be read: check that stack itself."""
    return f"fix it: run `foundry-iac check {name}`"


def load_stacks(refs: list[StackRef], why: str) -> list[LoadedConfig]:
    """The validated configs of other stacks the gate reads (the ledger, agent storage); any unreadable one is an
    error at its first problem's line (fail closed), `why` saying what it could not be used for."""
    loaded, problems = [], []
    for ref in refs:
        try:
            loaded.append(load_stack_file(ref.path, ref.display, ref.name))
        except ConfigError as exc:
            first = exc.issues[0]
            problems.append(
                f"{first.where}: {why} ({len(exc.issues)} config error(s), first: {first.message}); "
                + check_it(ref.name)
            )
    if problems:
        raise GateInputError(problems)
    return loaded
