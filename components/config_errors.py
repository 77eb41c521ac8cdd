"""Config errors as values: each names the file, the line, the path and the fix."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FoundryIacError

Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    """Render a config path the way the stack file reads: accounts[0].deployments[2].capacity."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True, order=True)
class ConfigIssue:
    """One problem in a stack file, at a line, with a message that says how to fix it."""

    file: str
    line: int | None
    path: str
    message: str

    @property
    def where(self) -> str:
        """The file and line of the problem (the file alone when it has no line)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(FoundryIacError):
    """A stack config that cannot be used; carries every issue found, sorted by line."""

    def __init__(self, issues: list[ConfigIssue]):
        self.issues = sorted(issues, key=lambda i: (i.file, i.line or 0, i.path))
        super().__init__([str(i) for i in self.issues])
