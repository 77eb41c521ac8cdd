"""model-lifecycle on hand-built catalog versions: the status a version has on a day (each boundary day),
and the exact finding for retired, deprecated and soon-to-change versions."""

from __future__ import annotations

import datetime as dt

import pytest

from components.catalog import ModelEntry, VersionEntry, load_catalog
from policies import waivers
from policies.common import deployment_view
from policies.framework import Resource
from policies.lifecycle import check_lifecycle, lifecycle_findings

DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
TODAY = dt.date(2026, 11, 30)
AS_OF = "2026-10-05"


def version(status: str, deprecation: str | None = None, retirement: str | None = None, replacement="gpt-5.1"):
    return VersionEntry.model_validate(
        {
            "status": status,
            "deprecation": deprecation,
            "retirement": retirement,
            "replacement": replacement,
            "source": "test",
            "asOf": AS_OF,
        }
    )


@pytest.mark.parametrize(
    "entry,day,status",
    [
        (version("GenerallyAvailable", retirement="2026-12-01"), "2026-11-30", "GenerallyAvailable"),
        (version("GenerallyAvailable", retirement="2026-12-01"), "2026-12-01", "Retired"),
        (version("Retired"), "2026-10-05", "Retired"),  # stated, no date: from the catalog's as-of day
        (version("Retired"), "2026-10-04", "Deprecating"),
        (version("Retired", retirement="2027-01-01"), "2026-11-30", "Deprecated"),  # stated, but retires later
        (version("Legacy", deprecation="2026-12-01"), "2026-12-01", "Deprecated"),
        (version("Legacy", deprecation="2026-12-01"), "2026-11-30", "Legacy"),
        (version("Deprecated"), "2026-10-05", "Deprecated"),
        (version("Deprecated"), "2026-10-04", "Deprecating"),
        (version("Deprecated", deprecation="2026-12-01"), "2026-11-30", "Deprecating"),
    ],
)
def test_the_status_on_a_day_follows_the_dates_and_the_stated_status(entry, day, status):
    assert entry.status_on(dt.date.fromisoformat(day)) == status


def model_with(v: VersionEntry) -> ModelEntry:
    data = load_catalog().models["gpt-4o"].model_dump(by_alias=True)
    data["versions"] = {"2024-11-20": v.model_dump(by_alias=True)}
    return ModelEntry.model_validate(data)


def dep(pinned: bool = True):
    props = {
        "accountName": "acct",
        "deploymentName": "chat",
        "sku": {"name": "GlobalStandard", "capacity": 1},
        "properties": {
            "model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"},
            "versionUpgradeOption": "NoAutoUpgrade" if pinned else "OnceCurrentVersionExpired",
        },
    }
    return deployment_view(Resource(DEPLOYMENT, "chat", "urn:chat", props), {"acct": "eastus2"})


def findings(v: VersionEntry, warn_days: int = 90, advisory: bool = False, pinned: bool = True):
    view = dep(pinned)
    found = list(lifecycle_findings(view, model_with(v), TODAY, warn_days, advisory))
    assert all(f.resource is view.resource for f in found)
    return [(f.message, f.advisory) for f in found]


WHAT = "acct/chat: gpt-4o version 2024-11-20"


def test_a_retired_version_says_when_and_what_replaces_it():
    assert findings(version("Legacy", retirement="2026-11-30")) == [
        (
            f"{WHAT}: Azure retired it on 2026-11-30; new deployments are refused and existing ones answer errors; "
            "move to gpt-5.1",
            False,
        )
    ]
    assert findings(version("Retired", replacement=None)) == [
        (
            f"{WHAT}: Azure retired it (catalog as of {AS_OF}); new deployments are refused and existing ones answer "
            "errors; pick a current model from the catalog",
            False,
        )
    ]


def test_a_deprecated_version_is_mandatory_unless_the_config_says_this_subscription_still_can():
    dated = version("Legacy", deprecation="2026-11-01", retirement="2027-03-01")
    assert findings(dated) == [
        (
            f"{WHAT} is deprecated since 2026-11-01, and it retires on 2027-03-01: Azure refuses new deployments of "
            "it (a subscription that has deployed it before still can: set deprecated: advisory in this policy's "
            "config if that is this one); move to gpt-5.1",
            False,
        )
    ]
    assert findings(version("Deprecated"), advisory=True) == [
        (
            f"{WHAT} is deprecated (catalog as of {AS_OF}): Azure refuses it to subscriptions that never deployed "
            "it, so it may still deploy here only because this subscription has deployed it before; move to gpt-5.1",
            True,
        )
    ]


@pytest.mark.parametrize(
    "day,warned",
    [("2026-11-30", True), ("2027-02-28", True), ("2027-03-01", False)],  # today + 90 days is 2027-02-28
)
def test_a_date_within_the_warning_window_is_advisory_on_both_ends(day, warned):
    assert bool(findings(version("GenerallyAvailable", retirement=day), pinned=False)) == warned


def test_the_warning_counts_the_days_and_says_when_the_pin_holds_the_version():
    soon = version("GenerallyAvailable", deprecation="2026-12-10", retirement="2027-01-09")
    assert findings(soon, warn_days=40) == [
        (
            f"{WHAT} is deprecated for new deployments on 2026-12-10 (in 10 days, within 40); versionUpgradeOption "
            "NoAutoUpgrade pins it, so Azure will not move it for you; plan the change: move to gpt-5.1",
            True,
        ),
        (
            f"{WHAT} retires on 2027-01-09 (in 40 days, within 40); versionUpgradeOption NoAutoUpgrade pins it, so "
            "Azure will not move it for you; plan the change: move to gpt-5.1",
            True,
        ),
    ]
    assert findings(soon, warn_days=40, pinned=False)[1] == (
        f"{WHAT} retires on 2027-01-09 (in 40 days, within 40); plan the change: move to gpt-5.1",
        True,
    )


def test_a_retirement_tomorrow_is_in_one_day():
    tomorrow = version("GenerallyAvailable", retirement="2026-12-01")
    (message, advisory) = findings(tomorrow, pinned=False)[0]
    assert "retires on 2026-12-01 (in 1 day, within 90)" in message and advisory


@pytest.fixture
def on_today():
    waivers.set_clock(lambda: TODAY)
    yield
    waivers.set_clock(None)


def stack_with(version_name: str) -> list[Resource]:
    view = dep()
    props = {**view.resource.props, "properties": {**view.resource.props["properties"]}}
    props["properties"]["model"] = {"format": "OpenAI", "name": "gpt-4o", "version": version_name}
    account = Resource("azure-native:cognitiveservices:Account", "acct", "urn:acct", {"accountName": "acct"})
    return [account, Resource(DEPLOYMENT, "chat", "urn:chat", props)]


def test_check_lifecycle_reads_warn_days_and_deprecated_from_the_config(on_today):
    # gpt-4o 2024-05-13 retires on 2026-12-09 in the catalog: 9 days after TODAY
    stack = stack_with("2024-05-13")
    entry = load_catalog().models["gpt-4o"].versions["2024-05-13"]
    assert entry.retirement == dt.date(2026, 12, 9) and entry.status_on(TODAY) == "Deprecated"
    (mandatory,) = check_lifecycle(stack, {})
    (advisory,) = check_lifecycle(stack, {"deprecated": "advisory"})
    (also_mandatory,) = check_lifecycle(stack, {"deprecated": "mandatory", "warnDays": 5})
    assert (mandatory.advisory, advisory.advisory, also_mandatory.advisory) == (False, True, False)


def test_check_lifecycle_warns_only_within_the_configured_days(on_today):
    # gpt-4o 2024-11-20 retires on 2027-04-14: 135 days after TODAY
    stack = stack_with("2024-11-20")
    assert list(check_lifecycle(stack, {})) == []  # default 90 days
    assert [f.advisory for f in check_lifecycle(stack, {"warnDays": 135})] == [True]
    assert list(check_lifecycle(stack, {"warnDays": 134})) == []


def test_the_warning_window_includes_today_and_the_last_day_and_nothing_outside():
    from policies.lifecycle import window_events

    day = TODAY.isoformat()
    assert window_events(version("GenerallyAvailable", retirement=day), TODAY, 0) == [("retires", TODAY)]
    last = (TODAY + dt.timedelta(days=30)).isoformat()
    assert window_events(version("GenerallyAvailable", deprecation=last), TODAY, 30) == [
        ("is deprecated for new deployments", TODAY + dt.timedelta(days=30))
    ]
    assert window_events(version("GenerallyAvailable", deprecation=last), TODAY, 29) == []
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert window_events(version("GenerallyAvailable", retirement=yesterday), TODAY, 30) == []
