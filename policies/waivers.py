"""Waivers: an explicit, justified, approved and expiring exemption from one policy for one resource.

They live in the policy config under each policy's `waivers` key. A valid waiver turns a violation
into a reported-but-waived one; an expired waiver waives nothing and is itself reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from components.clock import TODAY_ENV, default_today

__all__ = ["TODAY_ENV", "WAIVER_SCHEMA", "Waiver", "parse_waivers", "set_clock", "today"]

WAIVER_SCHEMA = {
    "type": "array",
    "description": "Exemptions from this policy: resource (logical name or URN), reason, approver, expiry date.",
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 10},
            "approver": {"type": "string", "minLength": 1},
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

    def as_report(self) -> dict:
        """The waiver as the report shows it."""
        return {
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }


def parse_waivers(config: Mapping) -> list[Waiver]:
    """The waivers of one policy's config (already schema-checked; bad dates are skipped, not guessed)."""
    out = []
    for raw in config.get("waivers") or []:
        try:
            out.append(Waiver(raw["resource"], raw["reason"], raw["approver"], dt.date.fromisoformat(raw["expires"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out
