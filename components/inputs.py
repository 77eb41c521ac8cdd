"""Read input files strictly: bounded size, UTF-8 only, JSON without NaN, Infinity or duplicate keys.

Every file foundry-iac reads (stack files, policy configs, the catalog, quota snapshots) comes from a
pull request that may be hostile, so nothing here may grow without bound or echo a whole value back.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path

from .errors import InputFileError
from .source import read_yaml
from .text import short

MAX_INPUT_BYTES = 1 << 20  # 1 MiB: the largest stack file seen in practice is a few KiB
MAX_CATALOG_BYTES = 8 << 20


def _encoding_hint(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is UTF-16"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "it is UTF-32"
    if b"\x00" in data[:4096]:
        return "it holds NUL bytes (UTF-16 or binary)"
    return "it looks like Latin-1 or Windows-1252"


def read_input_text(path: Path, display: str, what: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of `path` (a leading BOM dropped); InputFileError when missing, too large or not UTF-8."""
    try:
        # non-blocking, so a FIFO put where a file belongs cannot hang the run; refused below as no regular file
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise InputFileError(
                display, f"the {what} is not a regular file (a FIFO, a device or a folder); make it a file"
            )
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputFileError(display, f"cannot read the {what} ({exc.strerror or exc})") from None
    return decode_input(data, display, what, limit)


def decode_input(data: bytes, display: str, what: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of a file's bytes (a leading BOM dropped); InputFileError when larger than `limit` or not
    UTF-8. What `read_input_text` checks, for bytes about to be written (a sync never writes what no read takes)."""
    if len(data) > limit:
        raise InputFileError(
            display,
            f"the {what} is larger than {limit:,} bytes, the most foundry-iac reads; split it or remove what does not "
            "belong in it",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            display, f"the {what} is not UTF-8 text ({_encoding_hint(data)}); save it as UTF-8", line
        ) from None
    return text.removeprefix("\ufeff")


class _RefusedValueError(ValueError):
    """A JSON value the strict reader does not take; `literal` is its text, to find its line."""

    def __init__(self, message: str, literal: str = ""):
        super().__init__(message)
        self.literal = literal


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RefusedValueError(f"the number {text[:20]} is out of range; write a finite number", text)
    return value


def _no_constant(name: str) -> float:
    raise _RefusedValueError(f"{name} is not a number JSON allows; write a finite number", name)


class DuplicateKeyError(Exception):
    """A JSON object names a key twice; `json.loads` alone would keep the last value without a word."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """`json.loads`'s object_pairs_hook for every JSON foundry-iac reads: an object's keys, each once, or
    DuplicateKeyError (files, Azure's answers and JSON-string config values alike)."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _duplicate_line(text: str, display: str) -> tuple[str, int | None] | None:
    """The message and line of the first duplicate key (naming the first line), from the line-keeping reader."""
    for issue in read_yaml(text, display).issues:
        if "duplicate key" in issue.message:
            return (f"{issue.path}: {issue.message}" if issue.path else issue.message), issue.line
    return None


def loads_strict_json(text: str, display: str) -> object:
    """Parse JSON text; NaN, Infinity, numbers beyond float range and duplicate keys are InputFileError."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        raise InputFileError(display, f"not valid JSON ({exc.msg}); fix the syntax", exc.lineno) from None
    except DuplicateKeyError as exc:
        located = _duplicate_line(text, display)
        if located:
            raise InputFileError(display, located[0], located[1]) from None
        raise InputFileError(display, f"key {short(exc.key)} appears twice in one object; keep one") from None
    except _RefusedValueError as exc:
        if exc.literal and exc.literal in text:
            raise InputFileError(display, str(exc), _line_of(text, text.index(exc.literal))) from None
        raise InputFileError(display, str(exc)) from None
    except RecursionError:
        raise InputFileError(display, "nested too deeply to be a foundry-iac file; flatten it") from None


def read_strict_json(path: Path, display: str, what: str, limit: int = MAX_INPUT_BYTES) -> object:
    """read_input_text, then loads_strict_json."""
    return loads_strict_json(read_input_text(path, display, what, limit), display)
