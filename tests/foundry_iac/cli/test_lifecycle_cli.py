"""`foundry-iac lifecycle`: the calendar of the three examples on 2026-12-03, in text, json (the committed schema),
markdown and ics (parsed back with icalendar), and the --until filter and its errors."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re

import icalendar
import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from components.catalog import CATALOG_PATH
from components.clock import FIRST_DATE, LAST_DATE, TODAY_ENV
from foundry_iac.cli.lifecycle import until_date
from foundry_iac.cli.main import main
from foundry_iac.engine.report_model import SCHEMA_FILE
from tests.conftest import ROOT

TODAY = dt.date(2026, 12, 3)
STACKS = ("dev", "prod-eu", "prod-us")


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, TODAY.isoformat())
    monkeypatch.chdir(ROOT)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def expected_dates() -> list[tuple[str, str, str, dt.date, str]]:
    """(stack, account, deployment, date, kind) read straight from the stack YAML and catalog.json, not via the
    code under test: the retirement of every pinned deployment, and the catalog's asOf of every Legacy one."""
    raw = json.loads(CATALOG_PATH.read_text())
    found = []
    for stack in STACKS:
        config = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
        for account in config["foundry-iac:accounts"]:
            for dep in account.get("deployments", []):
                model = raw["models"][dep["model"]]
                version = model["versions"][str(dep.get("version") or model["defaultVersion"])]
                name = dep.get("name") or dep["model"]
                if version.get("retirement"):
                    found.append(
                        (stack, account["name"], name, dt.date.fromisoformat(version["retirement"]), "retirement")
                    )
                if version["status"] == "Legacy":
                    found.append((stack, account["name"], name, dt.date.fromisoformat(version["asOf"]), "legacy"))
    return found


def test_the_calendar_of_the_examples_lists_each_catalog_date_with_its_days_left_in_date_order(capsys):
    code, out, err = run(capsys, "lifecycle")
    assert code == 0 and err == ""
    expected = expected_dates()
    assert expected, "the examples deploy versions with catalog dates"
    heads = [line for line in out.splitlines() if re.match(r"^\d{4}-\d{2}-\d{2}", line)]
    assert len(heads) == len(expected)
    for stack, account, name, day, kind in expected:
        days = (day - TODAY).days
        shown = f"in {days} days" if days > 0 else f"{-days} days ago"
        assert any(
            line.startswith(day.isoformat())
            and shown in line
            and f"{stack}/{account}/{name}: " in line
            and kind in line
            for line in heads
        ), (stack, name, day, kind)
    dates = [line[:10] for line in heads]
    assert dates == sorted(dates)


def test_each_event_names_the_upgrade_option_and_what_azure_does(capsys):
    _, out, _ = run(capsys, "lifecycle", "prod-us", "--format", "json")
    events = json.loads(out)["events"]
    assert events
    for event in events:
        assert event["upgrade_option"] == "NoAutoUpgrade"  # every example pins its version
    _, text, _ = run(capsys, "lifecycle", "prod-us")
    assert text.count("on its own (NoAutoUpgrade): ") == len(events)
    ptu = [e for e in events if e["type"].endswith("ProvisionedManaged")]
    assert ptu and all("not upgraded automatically" in e["azure_action"] for e in ptu)


def test_json_follows_the_committed_report_schema_and_until_leaves_later_events_out(capsys):
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / SCHEMA_FILE).read_text()))
    _, whole, _ = run(capsys, "lifecycle", "--format", "json")
    _, cut, _ = run(capsys, "lifecycle", "--format", "json", "--until", "2027-04-30")
    for text in (whole, cut):
        validator.validate(json.loads(text))
    every = json.loads(whole)["events"]
    kept = json.loads(cut)["events"]
    assert kept == [e for e in every if e["date"] <= "2027-04-30"]
    assert 0 < len(kept) < len(every)
    assert json.loads(cut)["until"] == "2027-04-30"


def test_the_ics_parses_back_one_vevent_per_event_with_stable_uids(capsys, tmp_path):
    target = tmp_path / "lifecycle.ics"
    assert run(capsys, "lifecycle", "--format", "ics", "--output", str(target))[0] == 0
    _, data, _ = run(capsys, "lifecycle", "--format", "json")
    events = json.loads(data)["events"]
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    vevents = list(calendar.walk("VEVENT"))
    assert len(vevents) == len(events)
    for vevent, event in zip(vevents, events, strict=True):
        assert str(vevent["UID"]) == event["uid"]
        assert vevent.decoded("DTSTART") == dt.date.fromisoformat(event["date"])
        assert event["model"] in str(vevent["SUMMARY"]) and event["deployment"] in str(vevent["SUMMARY"])
    assert len({str(v["UID"]) for v in vevents}) == len(vevents)
    # a later day moves nothing but the stamp: the same UIDs, so a subscribed calendar updates in place
    again = tmp_path / "later.ics"
    with pytest.MonkeyPatch.context() as later:
        later.setenv(TODAY_ENV, "2027-01-15")
        assert run(capsys, "lifecycle", "--format", "ics", "--output", str(again))[0] == 0
    later_uids = [str(v["UID"]) for v in icalendar.Calendar.from_ical(again.read_bytes()).walk("VEVENT")]
    assert later_uids == [str(v["UID"]) for v in vevents]


def test_markdown_is_one_table_row_per_event(capsys):
    _, out, _ = run(capsys, "lifecycle", "--format", "markdown")
    _, data, _ = run(capsys, "lifecycle", "--format", "json")
    rows = [line for line in out.splitlines() if line.startswith("| 20")]
    assert len(rows) == len(json.loads(data)["events"])


@pytest.mark.parametrize(
    ("until", "says"),
    [
        ("2027-13-01", "'2027-13-01' is not a date"),
        ("20270101", "is not a date"),
        ("3000-01-01", "outside the dates foundry-iac judges"),
        ("1999-12-31", "outside the dates foundry-iac judges"),
    ],
)
def test_a_bad_until_is_one_line_and_exit_2(capsys, until, says):
    code, out, err = run(capsys, "lifecycle", "--until", until)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and says in err and "--until" in err and "Traceback" not in err


def test_an_unknown_stack_is_exit_2(capsys):
    code, _, err = run(capsys, "lifecycle", "nope")
    assert code == 2 and "unknown stack 'nope'" in err


# --- --until: hypothesis over dates and any text ----------------------------------------------------------------


@given(st.dates(min_value=FIRST_DATE, max_value=LAST_DATE))
def test_every_judged_date_parses_back_to_itself(day):
    assert until_date(day.isoformat()) == day


@given(st.dates(max_value=FIRST_DATE - dt.timedelta(days=1)) | st.dates(min_value=LAST_DATE + dt.timedelta(days=1)))
def test_a_date_outside_the_judged_range_is_an_input_error(day):
    with pytest.raises(argparse.ArgumentTypeError, match="outside the dates foundry-iac judges"):
        until_date(day.isoformat())


@given(st.text(max_size=30))
def test_any_text_is_a_judged_date_or_an_argument_error_never_a_crash(text):
    try:
        day = until_date(text)
    except argparse.ArgumentTypeError as exc:
        assert "\n" not in str(exc)
    else:
        assert day.isoformat() == text and FIRST_DATE <= day <= LAST_DATE
