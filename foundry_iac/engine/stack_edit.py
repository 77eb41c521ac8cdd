"""The one writer of stack files: edits that keep comments, key order, quoting and blank lines.

ruamel.yaml's round-trip parser finds where a value sits (line and column); the edit is made in the
ORIGINAL text at that place, so every other byte stays as the author wrote it (a re-dump would reflow
flow mappings, quoting and indentation). Each edit is then read back with the repository's own stack
reader (components/source.py, the YAML 1.2 reading the Pulumi CLI does) and must give exactly the
intended data, or the edit is refused.

`write_all` replaces a set of files together: all of them or none.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from components.inputs import read_input_text
from components.source import read_yaml

from ..errors import GateInputError

Scalar = str | int | float | bool
EditPath = tuple[str | int, ...]

__all__ = ["StackEditError", "append_item", "set_scalar", "write_all"]


class StackEditError(GateInputError):
    """A stack file edit that cannot be made safely; names the file and line, and what to do."""

    def __init__(self, source: str, line: int | None, message: str):
        self.file, self.line, self.message = source, line, message
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")


def _show(path: EditPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document root)"


def _round_trip(text: str, source: str) -> Any:
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or exc
        raise StackEditError(source, line, f"not valid YAML ({problem}); fix it first") from None
    except Exception as exc:  # noqa: BLE001 - ruamel raises plain errors (duplicate keys, several documents)
        raise StackEditError(source, None, f"cannot be edited: {str(exc).splitlines()[0]}") from None


def _child(node: Any, part: str | int, source: str, path: EditPath, line: int | None) -> Any:
    if isinstance(part, int) and isinstance(node, CommentedSeq) and 0 <= part < len(node):
        return node[part]
    if isinstance(part, str) and isinstance(node, CommentedMap) and part in node:
        return node[part]
    raise StackEditError(source, line, f"{_show(path)}: no such key or item in the file; nothing was changed")


def _walk(root: Any, path: EditPath, source: str) -> tuple[Any, int | None]:
    """The node at `path` and the 1-based line of its key or item (for messages)."""
    node, line = root, None
    for depth, part in enumerate(path):
        parent = node
        node = _child(parent, part, source, path[: depth + 1], line)
        at = parent.lc.key(part) if isinstance(parent, CommentedMap) else parent.lc.item(part)
        line = int(at[0]) + 1
    return node, line


def _position(parent: Any, part: str | int) -> tuple[int, int]:
    """0-based line and column where the value of `part` in `parent` starts."""
    if isinstance(parent, CommentedSeq):
        pos = parent.lc.item(part)
    else:
        pos = parent.lc.value(part)
    return int(pos[0]), int(pos[1])


# -- scalars ----------------------------------------------------------------------------------------------------


def _scalar_end(line: str, col: int, flow: bool) -> int | None:
    """Where the scalar starting at `col` ends on its line (exclusive), or None when it goes on (multi-line)."""
    first = line[col : col + 1]
    if first == '"':
        i = col + 1
        while i < len(line):
            if line[i] == "\\":
                i += 2
                continue
            if line[i] == '"':
                return i + 1
            i += 1
        return None
    if first == "'":
        i = col + 1
        while i < len(line):
            if line[i] == "'":
                if line[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return None
    if first in ("|", ">", "&", "*", "!", "[", "{"):
        return None
    stop = re.compile(r"\s#|[,\]}]" if flow else r"\s#").search(line, col)
    end = stop.start() if stop else len(line.rstrip("\r\n"))
    return len(line[:end].rstrip())


def _double(value: str) -> str:
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0x80 <= ord(ch) < 0xA0 or ch in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _plain(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    return value


def _candidates(value: Scalar, style: str) -> list[str]:
    """Renderings of `value`, the original quote style first; the first that reads back right is used."""
    if not isinstance(value, str):
        return [_plain(value)]
    single = "'" + value.replace("'", "''") + "'"
    if style == '"':
        return [_double(value)]
    if style == "'":
        return [single, _double(value)]
    return [value, single, _double(value)] if value else [single, _double(value)]


def _same(a: object, b: object) -> bool:
    """Equal values of equal types all the way down (True is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


def _read(text: str, source: str) -> object:
    doc = read_yaml(text, source)
    if doc.issues:
        issue = doc.issues[0]
        raise StackEditError(source, issue.line, f"{issue.message}; fix the file before editing it")
    return doc.value


def _with(data: object, path: EditPath, value: object, append: bool) -> object:
    """A copy of `data` with the value at `path` replaced (or, with `append`, `value` added to that list)."""
    if not path:
        if append:
            assert isinstance(data, list)
            return [*data, value]
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_with(v, rest, value, append) if k == head else v) for k, v in data.items()}
    assert isinstance(data, list)
    return [(_with(v, rest, value, append) if i == head else v) for i, v in enumerate(data)]


def set_scalar(text: str, path: EditPath, value: Scalar, *, source: str = "<stack>") -> str:
    """`text` with the scalar at `path` (from the document root) set to `value`; every other byte unchanged.

    The original quote style is kept when it can carry the value; a value equal to the current one
    returns `text` itself. Raises StackEditError (file and line) when the path is not a one-line scalar
    or the result would not read back as intended.
    """
    if not path:
        raise StackEditError(source, None, "set_scalar needs a path to a value, not the document root")
    root = _round_trip(text, source)
    parent, _ = _walk(root, path[:-1], source)
    current = _child(parent, path[-1], source, path, None)
    row, col = _position(parent, path[-1])
    if isinstance(current, (CommentedMap, CommentedSeq)):
        raise StackEditError(source, row + 1, f"{_show(path)} is a mapping or list, not a single value")
    before = _read(text, source)
    intended = _with(before, path, value, append=False)
    if _same(before, intended):
        return text
    lines = text.splitlines(keepends=True)
    line = lines[row]
    end = _scalar_end(line, col, flow=bool(getattr(parent, "fa", None) and parent.fa.flow_style()))
    if end is None:
        raise StackEditError(
            source,
            row + 1,
            f"{_show(path)} is not a one-line scalar (block, multi-line, tagged or anchored); edit it by hand",
        )
    for rendered in _candidates(value, line[col : col + 1]):
        lines[row] = line[:col] + rendered + line[end:]
        edited = "".join(lines)
        if _reads_as(edited, intended, source):
            return edited
    raise StackEditError(
        source, row + 1, f"{_show(path)}: {value!r} cannot be written there so that it reads back the same"
    )


def _reads_as(text: str, intended: object, source: str) -> bool:
    doc = read_yaml(text, source)
    return not doc.issues and _same(doc.value, intended)


# -- appending to a block sequence -------------------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _render_value(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_render_scalar(k)}: {_render_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render_value(v) for v in value) + "]"
    if isinstance(value, (str, int, float, bool)):
        return _render_scalar(value)
    raise TypeError(f"cannot write a {type(value).__name__} into a stack file")


def _render_scalar(value: Scalar) -> str:
    """A scalar that reads back as itself: plain when both the repository's reader (YAML 1.2, as Pulumi) and
    a YAML 1.1 reader (editors, other tools: `2025-11-13` is a date there) read it as this string, else quoted."""
    if not isinstance(value, str):
        return _plain(value)
    if value and not re.search(r"[:#,\[\]{}&*!|>'\"%@`\\]|^[-?~\s]|\s$", value) and value.isprintable():
        doc = read_yaml(f"- {value}\n", "<scalar>")
        if not doc.issues and _same(doc.value, [value]) and _same(yaml.safe_load(f"- {value}\n"), [value]):
            return value
    return _double(value)


def _render_item(item: Mapping[str, object], dash_col: int, key_col: int, newline: str) -> str:
    if not item:
        raise TypeError("cannot append an empty mapping")
    out = []
    for n, (key, value) in enumerate(item.items()):
        lead = " " * dash_col + "-" + " " * (key_col - dash_col - 1) if n == 0 else " " * key_col
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.append(f"{lead}{_render_scalar(key)}:{newline}")
            for sub in value:
                assert isinstance(sub, dict)
                out.append(_render_item(sub, key_col + 2, key_col + 4, newline))
        else:
            out.append(f"{lead}{_render_scalar(key)}: {_render_value(value)}{newline}")
    return "".join(out)


def append_item(text: str, path: EditPath, item: dict[str, object], *, source: str = "<stack>") -> str:
    """`text` with the mapping `item` added at the end of the block sequence at `path`, indented as its siblings.

    Lines are only inserted (after the last line of the last item); nested mappings and lists of scalars
    are written in flow style (`monthlyTokens: {input: 1000, output: 200}`). Raises StackEditError when
    `path` is not a non-empty block sequence or the result would not read back as intended.
    """
    root = _round_trip(text, source)
    seq, line_no = _walk(root, path, source)
    if not isinstance(seq, CommentedSeq) or not seq:
        raise StackEditError(source, line_no, f"{_show(path)} is not a non-empty list; add the first item by hand")
    if seq.fa.flow_style():
        raise StackEditError(source, line_no, f"{_show(path)} is a flow list ([...]); write it as a block list first")
    row, key_col = _position(seq, len(seq) - 1)
    lines = text.splitlines(keepends=True)
    dash_col = lines[row].rfind("-", 0, key_col)
    if dash_col < 0 or lines[row][dash_col + 1 : key_col].strip():
        raise StackEditError(source, row + 1, f"{_show(path)}: cannot find the last item's '-'; edit it by hand")
    last = row
    for n in range(row + 1, len(lines)):
        if _is_content(lines[n]):
            if _indent(lines[n]) <= dash_col:
                break
            last = n
    newline = "\r\n" if lines[row].endswith("\r\n") else "\n"
    if not isinstance(seq[-1], CommentedMap):
        key_col = dash_col + 2
    try:
        block = _render_item(item, dash_col, key_col, newline)
    except TypeError as exc:
        raise StackEditError(source, row + 1, f"{_show(path)}: {exc}") from None
    if not lines[last].endswith(("\n", "\r")):
        lines[last] += newline
    lines.insert(last + 1, block)
    edited = "".join(lines)
    intended = _with(_read(text, source), path, item, append=True)
    if not _reads_as(edited, intended, source):
        raise StackEditError(source, row + 1, f"{_show(path)}: the new item would not read back as written")
    return edited


# -- writing -------------------------------------------------------------------------------------------------


def _check_target(path: Path) -> int | None:
    """The mode to keep for `path` (None for a new file); refuses symlinks and non-regular files."""
    if path.is_symlink():
        raise StackEditError(str(path), None, "is a symbolic link; edit the file it points to")
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StackEditError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise StackEditError(str(path), None, "is not a regular file; nothing was written")
    return stat.S_IMODE(st.st_mode)


def _stage(path: Path, data: bytes, mode: int | None) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_source(path: Path, display: str) -> str:
    """The exact text of a stack file to edit: line ends (CRLF) and a byte-order mark kept, so an edit changes
    only its own lines; too large or not UTF-8 is an input error naming the file and line (the gate's reader)."""
    read_input_text(path, display, "stack file")
    return path.read_bytes().decode("utf-8")


def write_all(files: Mapping[Path, str]) -> None:
    """Write every file of `files` (path -> UTF-8 text), or none of them.

    Each text goes to a temporary file beside its target (same mode), then all are renamed over the
    targets; a failure before the renames leaves every target untouched, one during them puts the
    already-replaced files back. Symbolic links and non-regular files are refused.
    """
    modes = {path: _check_target(path) for path in files}
    staged: dict[Path, Path] = {}
    originals: dict[Path, bytes | None] = {}
    try:
        for path, text in files.items():
            originals[path] = path.read_bytes() if modes[path] is not None else None
            staged[path] = _stage(path, text.encode("utf-8"), modes[path])
    except OSError as exc:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise StackEditError(str(path), None, f"cannot write: {exc.strerror or exc}; nothing was written") from None
    done: list[Path] = []
    try:
        for path, tmp in staged.items():
            os.replace(tmp, path)
            done.append(path)
    except OSError as exc:
        _restore(done, originals, modes)
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise StackEditError(str(path), None, f"cannot write: {exc.strerror or exc}; nothing was written") from None


def _restore(done: list[Path], originals: Mapping[Path, bytes | None], modes: Mapping[Path, int | None]) -> None:
    for path in done:
        old = originals[path]
        with contextlib.suppress(OSError):
            if old is None:
                path.unlink()
            else:
                os.replace(_stage(path, old, modes[path]), path)
