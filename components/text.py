"""Short renderings of values and lists for messages: an error line never echoes a whole bad value."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = 4
_short.maxdict = 4


def short(value: object) -> str:
    """A repr of `value` cut to a short prefix, so an error line never echoes a whole bad value."""
    return _short.repr(value)


def clip(text: str, limit: int = 200) -> str:
    """`text` cut to `limit` characters (marked with '...'), for messages that quote free text."""
    return text if len(text) <= limit else text[:limit] + "..."


def one_line(text: str, limit: int = 200) -> str:
    """`text` on one line (every run of whitespace, newlines included, as one space; any other character that does
    not print, such as ESC, escaped as `\\x1b`), cut to `limit`: for messages that quote what a service answered,
    which may span lines (azure-core adds `Code:` and `Message:`) or hold terminal control sequences."""
    joined = " ".join(text.split())
    return clip("".join(c if c.isprintable() else repr(c)[1:-1] for c in joined), limit)


def counted(count: float, unit: str) -> str:
    """'1 day', '68 days', '2.5 units', '1250000 units': a count (never in exponent form) and its unit, plural
    unless the count is one."""
    return f"{count:.15g} {unit}{'' if count == 1 else 's'}"


def listing(names: Iterable[object], limit: int = 5, empty: str = "none") -> str:
    """Up to `limit` names, each cut short, then "and N more": a message never echoes a whole list.

    A policy config may approve thousands of models; a violation message names a few, and how many more.
    """
    items = [clip(str(name), 60) for name in names]
    if not items:
        return empty
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"
