"""Today's date, for everything that depends on it (lifecycle, waivers, a budget's first month).

The real date, unless FOUNDRY_IAC_TODAY=YYYY-MM-DD says otherwise (tests and reproducible reports).
policies/waivers.py layers an injectable clock (`set_clock`) on top of this default.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import FoundryIacError
from .inputs import short

TODAY_ENV = "FOUNDRY_IAC_TODAY"


class ClockError(FoundryIacError):
    """FOUNDRY_IAC_TODAY is set to something that is not a date."""


def default_today() -> dt.date:
    """FOUNDRY_IAC_TODAY when set, else the real date."""
    override = os.environ.get(TODAY_ENV)
    if not override:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(override)
    except ValueError:
        raise ClockError(
            f"{TODAY_ENV}={short(override)} is not a date; set it to YYYY-MM-DD (e.g. 2026-11-30) or unset it"
        ) from None
