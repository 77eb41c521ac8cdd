"""Waivers: an explicit, justified, approved and expiring exemption from one policy for one resource.

They live in the policy config under each policy's `waivers` key. A valid waiver turns a violation
into a reported-but-waived one; an expired waiver waives nothing and is itself reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components.clock import TODAY_ENV, default_today

__all__ = ["TODAY_ENV", "WAIVER_SCHEMA", "Waiver", "parse_waivers", "set_clock", "today"]

# Letters and digits, written as a class that Python's re (the gate) and Go's RE2 (CrossGuard's schema
# check) read alike: ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic, Indic, kana, CJK and Hangul. A blank, a
# dash or an invisible character names no approver and gives no reason.
WORDISH = (
    "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff"
    "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
)

WAIVER_SCHEMA = {
    "type": "array",
    "description": "Exemptions from this policy: resource (logical name or URN), reason, approver, expiry date.",
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "reason": {
                "type": "string",
                "minLength": 10,
                "pattern": f"([{WORDISH}][^{WORDISH}]*){{10}}",
                "description": "a reason of at least 10 letters or digits",
            },
            "approver": {
                "type": "string",
                "minLength": 1,
                "pattern": f"[{WORDISH}]",
                "description": "a name (who approved the waiver) with at least one letter or digit",
            },
            "expires": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        },
        "required": ["resource", "reason", "approver", "expires"],
        "additionalProperties": False,
    },
}


_clock: Callable[[], dt.date] = default_today


def today() -> dt.date:
    """The date waivers are judged against (injectable: set_clock, or FOUNDRY_IAC_TODAY=YYYY-MM-DD)."""
    return _clock()


def set_clock(clock: Callable[[], dt.date] | None) -> None:
    """Replace the clock (None restores the real one)."""
    global _clock
    _clock = clock or default_today


@dataclass(frozen=True)
class Waiver:
    """One exemption: which resource, why, who approved it, until when (inclusive)."""

    resource: str
    reason: str
    approver: str
    expires: dt.date

    def matches(self, name: str | None, urn: str | None) -> bool:
        """True when the waiver names this resource by logical name or URN."""
        return self.resource in (name, urn)

    def expired(self, on: dt.date) -> bool:
        """True from the day after the expiry date."""
        return on > self.expires

    def as_report(self) -> dict[str, str]:
        """The waiver as the report shows it."""
        return {
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


def parse_waivers(config: Mapping[str, Any]) -> list[Waiver]:
    """The waivers of one policy's config (already schema-checked; bad dates are skipped, not guessed)."""
    out = []
    for raw in config.get("waivers") or []:
        try:
            out.append(Waiver(raw["resource"], raw["reason"], raw["approver"], dt.date.fromisoformat(raw["expires"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out
