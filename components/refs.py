"""One rule for every value that names something else: it resolves exactly, or it is refused.

A model name in a cost cap, a region key of a quota limit, a usage name, a filter name: each must be
written exactly as the thing it names. A near miss (other case, surrounding whitespace, a look-alike
character, a typo) is never matched loosely and never dropped; it is refused at its line, with the
nearest valid names, because a reference that silently misses switches a limit off.

Closed sets (the catalog's models, regions, usage names) take only their own names (`unresolved`,
`resolve`); open sets (the names Azure reports, filters a stack may add) refuse near misses (`lookalike`).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Collection, Iterable

from .errors import FoundryIacError
from .text import listing, short

MAX_NAME = 200  # no name foundry-iac resolves is this long; comparing a huge value would only cost time
PLAIN_NAME = re.compile(r"[!-~]+")  # Azure's names (models, versions, usage names): printable ASCII, no whitespace
NEAREST = 3  # nearest names a message offers
LISTED = 5  # names listed when none is near (as every list in a message: five, then "and N more")


class UnresolvedNameError(FoundryIacError):
    """A value that names something that does not exist; one line with where, the nearest names and the fix."""


# Letters of other scripts that print like Latin ones (Cyrillic, Greek), and dashes; NFKC keeps them apart.
_CONFUSABLES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0445\u0443\u0456\u0458\u0455\u0501\u051b\u051d\u043d\u0442\u043c\u043a"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0406"
    "\u03bf\u03b1\u03bd\u03c1\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a7",
    "aeopcxyijsdqwhtmkABEKMHOPCTXIoavpABEZHIKMNOPTX",
)
_CONFUSABLES.update(str.maketrans("\u2010\u2011\u2012\u2013\u2212\u02d7", "------"))  # dashes that print as '-'


def _visible(name: str) -> str:
    """The name as it prints: compatibility-normalised, look-alike letters as Latin, invisible characters gone."""
    text = unicodedata.normalize("NFKC", name).translate(_CONFUSABLES)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


@functools.lru_cache(maxsize=4096)  # the valid names are folded once per lookup: thousands of lookups in a big config
def _folded(name: str) -> str:
    """The name as a reader compares it: as it prints, without case and surrounding whitespace."""
    return _visible(name).casefold().strip()


def why_not(name: str, valid: Collection[str]) -> str:
    """What makes `name` miss a valid name it looks like, or '' when it resembles none exactly (or is one)."""
    if name in valid:
        return ""
    if name.strip() != name and name.strip() in valid:
        return "has whitespace around it"
    if _visible(name).strip() in valid:
        return "has look-alike or invisible characters"
    folded = _folded(name)
    if any(_folded(v) == folded for v in valid):
        if not name.isascii():
            return "has look-alike or invisible characters"
        return "differs in case" if name.strip() == name else "differs in case and whitespace"
    return ""


def nearest(name: str, valid: Iterable[str], n: int = NEAREST) -> list[str]:
    """The valid names closest to `name`: the ones equal but for case, whitespace and look-alikes first."""
    choices = sorted(set(valid))
    if len(name) > MAX_NAME:
        return []
    folded = _folded(name)
    same = [c for c in choices if _folded(c) == folded]
    by_fold = {_folded(c): c for c in choices}
    close = [by_fold[f] for f in difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=0.6)]
    out: list[str] = []
    for candidate in [*same, *close]:
        if candidate not in out:
            out.append(candidate)
    return out[:n]


def unresolved(name: object, valid: Collection[str], what: str, fix: str = "") -> str | None:
    """Why `name` does not resolve among `valid` (a message without location), or None when it does.

    `what` names the kind of thing ("model", "region"); `fix` says what to do when no name is near.
    """
    if isinstance(name, str) and name in valid:
        return None
    text = name if isinstance(name, str) else str(name)
    reason = why_not(text, valid) if isinstance(name, str) else ""
    near = nearest(text, valid) if isinstance(name, str) else []
    message = f"unknown {what} {short(name)}"
    if reason:
        message += f" ({reason}; names must match exactly)"
    if near:
        message += f"; did you mean {' or '.join(repr(n) for n in near)}?"
    else:
        message += f"; known: {listing(sorted(valid), LISTED)}"
    return f"{message}{'; ' + fix if fix else ''}"


def lookalike(name: object, valid: Collection[str], what: str, fix: str = "", cutoff: float = 0.8) -> str | None:
    """For an open set (names that may exist beyond what foundry-iac knows): why `name` is refused when it only
    looks like a valid name (other case, whitespace, look-alikes, a typo), else None.

    A name unlike any known one may name something not listed here, so it passes; a near miss never does.
    """
    if not isinstance(name, str) or name in valid or len(name) > MAX_NAME:
        return None
    folded = _folded(name)
    close = difflib.get_close_matches(folded, [_folded(v) for v in valid], n=1, cutoff=cutoff)
    if why_not(name, valid) or close:
        return unresolved(name, valid, what, fix)
    return None


def resolve(name: object, valid: Collection[str], where: str, what: str, fix: str = "") -> str:
    """`name` when it is one of `valid`; else raise UnresolvedNameError, one line starting with `where` (file:line)."""
    problem = unresolved(name, valid, what, fix)
    if problem is not None:
        raise UnresolvedNameError(f"{where}: {problem}")
    assert isinstance(name, str)
    return name
