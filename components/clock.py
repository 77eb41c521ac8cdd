"""Today's date, for everything that depends on it (lifecycle, waivers, a budget's first month).

The real date, unless FOUNDRY_IAC_TODAY=YYYY-MM-DD says otherwise (tests and reproducible reports).
policies/waivers.py layers an injectable clock (`set_clock`) on top of this default.
"""

from __future__ import annotations

import datetime as dt
import os
import re

from .errors import FoundryIacError
from .text import short

TODAY_ENV = "FOUNDRY_IAC_TODAY"
DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)  # exactly YYYY-MM-DD
# The dates foundry-iac judges. Outside them a deadline (today plus a warning window, a budget's months)
# would leave Python's calendar (year 9999) or mean a typo; either way the input is refused, not judged.
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2999, 12, 31)


def date_range_problem(value: dt.date) -> str | None:
    """Why `value` is outside the dates foundry-iac judges, or None when it is inside."""
    if FIRST_DATE <= value <= LAST_DATE:
        return None
    return f"{value.isoformat()} is outside the dates foundry-iac judges ({FIRST_DATE} to {LAST_DATE})"


class ClockError(FoundryIacError):
    """FOUNDRY_IAC_TODAY is set to something that is not a date."""


def default_today() -> dt.date:
    """FOUNDRY_IAC_TODAY when set, else the real date."""
    override = os.environ.get(TODAY_ENV)
    if not override:
        return dt.date.today()
    try:
        if not DATE_FORMAT.fullmatch(override):  # fromisoformat also takes 20261203, 2026-W49-4, ...
            raise ValueError(override)
        today = dt.date.fromisoformat(override)
    except ValueError:
        raise ClockError(
            f"{TODAY_ENV}={short(override)} is not a date; set it to YYYY-MM-DD (e.g. 2026-11-30) or unset it"
        ) from None
    problem = date_range_problem(today)
    if problem:
        raise ClockError(f"{TODAY_ENV}: {problem}; set a real date (YYYY-MM-DD) or unset it")
    return today
