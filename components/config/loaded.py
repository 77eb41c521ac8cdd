"""What a loaded stack config is: the validated config with where each value was written, and the stack file
turned into what the Pulumi CLI hands a program.

Every feature's args builder reads these; they hold the root `StackConfig` (components/stack/model.py) only as a
type, so this base never imports the root that composes the features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config_errors import Path_
from ..source import SourceDoc

if TYPE_CHECKING:
    from ..stack.model import StackConfig


@dataclass(frozen=True)
class SourceLocation:
    """Where a config value was written: the stack file and the 1-based line."""

    file: str
    line: int | None


@dataclass
class LoadedConfig:
    """A validated stack config and the source map that says where each value was written."""

    stack: str
    config: StackConfig
    doc: SourceDoc
    lines: dict[Path_, int] = field(default_factory=dict)

    def location(self, *path: str | int) -> SourceLocation:
        """The file and line of a config path such as ('accounts', 0, 'deployments', 2)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return SourceLocation(self.doc.file, line)
        return SourceLocation(self.doc.file, None)


@dataclass
class StackFileConfig:
    """A stack file turned into what the CLI hands the program: config map, secret keys, placeholders."""

    doc: SourceDoc
    config: dict[str, str]
    secret_keys: list[str]
    secret_placeholders: list[str]
