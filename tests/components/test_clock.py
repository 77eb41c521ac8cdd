"""The clock: FOUNDRY_IAC_TODAY is a date inside the range foundry-iac judges, or an input error."""

from __future__ import annotations

import datetime as dt

import pytest

from components.clock import FIRST_DATE, LAST_DATE, TODAY_ENV, ClockError, date_range_problem, default_today


@pytest.mark.parametrize("day", ["2000-01-01", "2026-11-30", "2999-12-31"])
def test_a_date_inside_the_range_is_today(monkeypatch, day):
    monkeypatch.setenv(TODAY_ENV, day)
    assert default_today() == dt.date.fromisoformat(day)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "3000-01-01"])
def test_a_date_outside_the_range_is_an_input_error_naming_the_range(monkeypatch, day):
    monkeypatch.setenv(TODAY_ENV, day)
    with pytest.raises(ClockError) as err:
        default_today()
    assert err.value.lines() == [
        f"{TODAY_ENV}: {day} is outside the dates foundry-iac judges (2000-01-01 to 2999-12-31); set a real date "
        "(YYYY-MM-DD) or unset it"
    ]


def test_not_a_date_is_an_input_error(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2026-02-30")
    with pytest.raises(ClockError, match="is not a date"):
        default_today()


def test_the_range_bounds_are_inclusive():
    assert date_range_problem(FIRST_DATE) is None and date_range_problem(LAST_DATE) is None
    assert date_range_problem(FIRST_DATE - dt.timedelta(days=1)) is not None
    assert date_range_problem(LAST_DATE + dt.timedelta(days=1)) is not None


@pytest.mark.parametrize("day", ["20261203", "2026-W49-4", "2026-337", "2026-12-3", " 2026-12-03", "2026-12-03 "])
def test_only_the_extended_form_yyyy_mm_dd_is_a_date(monkeypatch, day):
    monkeypatch.setenv(TODAY_ENV, day)  # Python 3.11's fromisoformat takes the basic and week forms too
    with pytest.raises(ClockError, match="is not a date; set it to YYYY-MM-DD"):
        default_today()
