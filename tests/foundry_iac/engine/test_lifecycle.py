"""The lifecycle calendar's logic: which events a deployment gets under each versionUpgradeOption, the region's
default version, and (hypothesis) days left and --until for any day."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.catalog import CATALOG_PATH, parse_catalog
from components.clock import FIRST_DATE, LAST_DATE
from components.stack.loader import load_stack_file
from foundry_iac.engine.lifecycle import Deployed, deployment_events, lifecycle_report
from foundry_iac.engine.report_model import Source
from tests.conftest import ROOT

TODAY = dt.date(2026, 12, 3)
RAW = json.loads(CATALOG_PATH.read_text())
SYNCED = "Azure Models API (models.list, eastus2), synced 2026-12-01"


def catalog_with(**version_fields):
    """The real catalog with gpt-5 2025-08-07 given extra lifecycle facts."""
    raw = copy.deepcopy(RAW)
    raw["models"]["gpt-5"]["versions"]["2025-08-07"].update(version_fields)
    return parse_catalog(raw)


def gpt5(option: str, sku: str = "GlobalStandard", region: str = "eastus2") -> Deployed:
    return Deployed("s", "acc", "gpt-5", "gpt-5", "2025-08-07", region, sku, option, Source(file="f.yaml", line=3))


def kinds(events) -> dict[str, dt.date]:
    return {e.kind: e.date for e in events}


def test_once_current_version_expired_is_upgraded_the_lead_days_before_retirement_azure_states():
    catalog = catalog_with(autoUpgrade={"expiryLeadDays": 7, "source": SYNCED, "asOf": "2026-12-01"})
    retirement = catalog.models["gpt-5"].versions["2025-08-07"].retirement
    events = deployment_events(gpt5("OnceCurrentVersionExpired"), catalog, TODAY)
    assert kinds(events)["auto-upgrade"] == retirement - dt.timedelta(days=7)
    upgrade = next(e for e in events if e.kind == "auto-upgrade")
    assert upgrade.dated and "7 days before it retires" in upgrade.summary and SYNCED in upgrade.fact_source


def with_later_gpt5() -> dict:
    raw = copy.deepcopy(RAW)
    raw["models"]["gpt-5"]["versions"]["2026-01-01"] = {
        "status": "GenerallyAvailable",
        "source": SYNCED,
        "asOf": "2026-12-01",
    }
    return raw


def test_once_current_version_expired_without_a_lead_is_upgraded_on_the_retirement_day():
    catalog = parse_catalog(with_later_gpt5())
    retirement = catalog.models["gpt-5"].versions["2025-08-07"].retirement
    assert kinds(deployment_events(gpt5("OnceCurrentVersionExpired"), catalog, TODAY))["auto-upgrade"] == retirement


@pytest.mark.parametrize("option", ["OnceCurrentVersionExpired", "OnceNewDefaultVersionAvailable"])
def test_a_version_with_no_later_one_and_no_upgrade_azure_states_is_not_said_to_be_upgraded(option):
    """gpt-5 has one version in the catalog: Azure has nothing to upgrade it to, so it stops at retirement."""
    events = deployment_events(gpt5(option), parse_catalog(RAW), TODAY)
    assert set(kinds(events)) == {"retirement"}
    assert "the catalog knows no other gpt-5 version served then (as of " in events[0].azure_action
    assert events[0].azure_action.endswith(
        "stops working when the version retires, so move it to another model before then"
    )
    later = deployment_events(gpt5(option), parse_catalog(with_later_gpt5()), TODAY)
    assert "no other" not in later[0].azure_action


def test_no_upgrade_to_a_version_that_retires_by_then():
    """gpt-4o 2024-08-06 retires with 2024-11-20 (and 2024-05-13 before): nothing is served to upgrade to."""
    catalog = parse_catalog(RAW)
    gpt4o = catalog.models["gpt-4o"]
    retirement = gpt4o.versions["2024-08-06"].retirement
    assert retirement is not None
    assert all(v.retirement is not None and v.retirement <= retirement for v in gpt4o.versions.values())
    dep = Deployed(
        "s",
        "acc",
        "gpt-4o",
        "gpt-4o",
        "2024-08-06",
        "swedencentral",
        "GlobalStandard",
        "OnceCurrentVersionExpired",
        Source(file="f.yaml", line=3),
    )
    events = deployment_events(dep, catalog, TODAY)
    assert "auto-upgrade" not in kinds(events)
    assert "the catalog knows no other gpt-4o version served then" in events[0].azure_action


def test_once_new_default_starts_on_the_date_azure_returned():
    catalog = catalog_with(autoUpgrade={"start": "2027-01-20", "source": SYNCED, "asOf": "2026-12-01"})
    events = deployment_events(gpt5("OnceNewDefaultVersionAvailable"), catalog, TODAY)
    assert kinds(events)["auto-upgrade"] == dt.date(2027, 1, 20)


def test_once_new_default_in_a_region_whose_default_differs_is_due_without_a_date():
    raw = copy.deepcopy(RAW)
    gpt = raw["models"]["gpt-5"]
    gpt["versions"]["2026-01-01"] = {"status": "GenerallyAvailable", "source": SYNCED, "asOf": "2026-12-01"}
    gpt["regionDefaults"] = {"eastus2": {"version": "2026-01-01", "source": SYNCED, "asOf": "2026-12-01"}}
    catalog = parse_catalog(raw)
    assert catalog.models["gpt-5"].default_version_in("eastus2") == "2026-01-01"
    assert catalog.models["gpt-5"].default_version_in("swedencentral") == gpt["defaultVersion"]
    due = [
        e for e in deployment_events(gpt5("OnceNewDefaultVersionAvailable"), catalog, TODAY) if e.kind == "auto-upgrade"
    ]
    assert len(due) == 1 and due[0].date == TODAY and not due[0].dated and "2026-01-01" in due[0].summary
    # the same deployment in a region whose default is its own version: nothing due
    elsewhere = deployment_events(gpt5("OnceNewDefaultVersionAvailable", region="swedencentral"), catalog, TODAY)
    assert "auto-upgrade" not in kinds(elsewhere)


@pytest.mark.parametrize(
    ("option", "sku"),
    [("NoAutoUpgrade", "GlobalStandard"), ("OnceCurrentVersionExpired", "GlobalProvisionedManaged")],
)
def test_no_upgrade_event_when_azure_will_not_upgrade(option, sku):
    events = deployment_events(gpt5(option, sku), parse_catalog(RAW), TODAY)
    assert set(kinds(events)) == {"retirement"}
    assert events[0].upgrade_option == option
    assert ("not upgraded automatically" in events[0].azure_action) == (sku != "GlobalStandard")


def test_a_region_default_naming_an_unknown_version_or_region_is_refused():
    raw = copy.deepcopy(RAW)
    raw["models"]["gpt-5"]["regionDefaults"] = {"eastus2": {"version": "9", "source": SYNCED, "asOf": "2026-12-01"}}
    with pytest.raises(Exception, match="regionDefaults.eastus2: version '9' is not in versions"):
        parse_catalog(raw)
    raw["models"]["gpt-5"]["regionDefaults"] = {
        "mars": {"version": "2025-08-07", "source": SYNCED, "asOf": "2026-12-01"}
    }
    with pytest.raises(Exception, match="regionDefaults names unknown region 'mars'"):
        parse_catalog(raw)


EXAMPLES = [
    load_stack_file(ROOT / "stacks" / f"Pulumi.{s}.yaml", f"stacks/Pulumi.{s}.yaml", s)
    for s in ("dev", "prod-eu", "prod-us")
]
CATALOG = parse_catalog(RAW)
days = st.dates(min_value=FIRST_DATE, max_value=LAST_DATE)


@settings(max_examples=60, deadline=None)
@given(today=days, until=st.none() | days)
def test_any_day_and_until_give_sorted_events_with_true_days_left_and_nothing_after_until(today, until):
    report = lifecycle_report(EXAMPLES, CATALOG, today, until)
    whole = lifecycle_report(EXAMPLES, CATALOG, today)
    assert [e.date for e in report.events] == sorted(e.date for e in report.events)
    for event in report.events:
        assert event.days_left == (event.date - today).days
    assert report.events == [e for e in whole.events if until is None or e.date <= until]
