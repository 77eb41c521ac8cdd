"""Waivers: an explicit, justified, approved and expiring exemption from one policy for one resource.

They live in the policy config under each policy's `waivers` key. A valid waiver turns a violation
into a reported-but-waived one; an expired waiver waives nothing and is itself reported.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from components.errors import FoundryIacError
from components.inputs import short

TODAY_ENV = "FOUNDRY_IAC_TODAY"

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


class ClockError(FoundryIacError):
    """FOUNDRY_IAC_TODAY is set to something that is not a date."""


def _default_today() -> dt.date:
    override = os.environ.get(TODAY_ENV)
    if not override:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(override)
    except ValueError:
        raise ClockError(
            f"{TODAY_ENV}={short(override)} is not a date; set it to YYYY-MM-DD (e.g. 2026-11-30) or unset it"
        ) from None


_clock: Callable[[], dt.date] = _default_today


def today() -> dt.date:
    """The date waivers are judged against (injectable: set_clock, or FOUNDRY_IAC_TODAY=YYYY-MM-DD)."""
    return _clock()


def set_clock(clock: Callable[[], dt.date] | None) -> None:
    """Replace the clock (None restores the real one)."""
    global _clock
    _clock = clock or _default_today


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
