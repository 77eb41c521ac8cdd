"""`foundry-iac lifecycle`: the calendar of every deployment's model events.

For each deployment of each stack it reads the catalog entry of the deployed version (status, deprecation,
retirement, replacement, what the Models API said about Azure's own upgrade) and the deployment's
`versionUpgradeOption`, and lists the dated events with what Azure will do on its own that day. Pure: the
stacks, the catalog and `today` in, a LifecycleReport out. The facts behind the option texts are in
docs/reference/model-lifecycle.md (Microsoft Learn, with URLs and dates).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from components.catalog import Catalog, ModelEntry, VersionEntry, is_provisioned
from components.config.loaded import LoadedConfig

from .report_model import LifecycleEvent, LifecycleKind, LifecycleReport, Source

# What each versionUpgradeOption makes Azure do (Microsoft Learn, see docs/reference/model-lifecycle.md).
OPTION_EFFECT = {
    "NoAutoUpgrade": "Azure never changes the version: the deployment stops working when the version retires",
    "OnceCurrentVersionExpired": "Azure upgrades the deployment to the default version when its version retires",
    "OnceNewDefaultVersionAvailable": "Azure upgrades the deployment within two weeks of a new default version",
}
PROVISIONED_EFFECT = (
    "provisioned deployments are not upgraded automatically (Microsoft Learn: automatic updates are for the "
    "standard types); it stops working when the version retires unless you move it"
)
KIND_ORDER: dict[str, int] = {"legacy": 0, "deprecation": 1, "auto-upgrade": 2, "retirement": 3}
UID_DOMAIN = "foundry-iac"


@dataclass(frozen=True)
class Deployed:
    """One deployment as the calendar needs it: where it is, what it runs, and its stack-file line."""

    stack: str
    account: str
    name: str
    model: str
    version: str
    region: str
    sku: str
    option: str
    source: Source


def deployments_of(loaded: LoadedConfig, catalog: Catalog) -> Iterator[Deployed]:
    """Every deployment of a loaded stack; an unpinned one runs the region's default version."""
    config = loaded.config
    for a, account in enumerate(config.accounts):
        region = account.location or config.location
        for d, dep in enumerate(account.deployments):
            where = loaded.location("accounts", a, "deployments", d)
            version = dep.version or catalog.models[dep.model].default_version_in(region)
            yield Deployed(
                loaded.stack,
                account.name,
                dep.deployment_name,
                dep.model,
                version,
                region,
                dep.type,
                dep.version_upgrade,
                Source(file=where.file, line=where.line),
            )


def upgrade_targets(entry: ModelEntry, version: str, on: dt.date) -> list[str]:
    """The model's other versions Azure still serves and deploys on `on` (neither retired nor deprecated then):
    what an automatic upgrade could move the deployment to. The catalog does not order versions by release (a
    version such as 0125 may be newer than 1106), so every other live version counts."""
    return [v for v, e in entry.versions.items() if v != version and e.status_on(on) not in ("Retired", "Deprecated")]


def _upgradable(entry: ModelEntry, version: VersionEntry, name: str, on: dt.date) -> bool:
    """Azure has something to upgrade the version to on `on`: another live version of the model, or an upgrade
    Azure states itself (the Models API's replacementConfig, which names its target)."""
    return version.auto_upgrade is not None or bool(upgrade_targets(entry, name, on))


def _upgrade_day(version: VersionEntry, today: dt.date) -> dt.date:
    """The day an OnceCurrentVersionExpired upgrade happens: the retirement (or today when none is dated)."""
    return version.retirement or today


def option_effect(dep: Deployed, entry: ModelEntry, today: dt.date) -> str:
    """What the deployment's versionUpgradeOption makes Azure do, for this model and type."""
    if is_provisioned(dep.sku):
        return PROVISIONED_EFFECT
    if entry.format != "OpenAI":
        return (
            "Microsoft Learn documents the upgrade options for Azure OpenAI models; for "
            f"{entry.format} models it does not say what Azure does, so plan the change yourself"
        )
    version = entry.versions.get(dep.version)
    if (
        dep.option != "NoAutoUpgrade"
        and version is not None
        and not _upgradable(entry, version, dep.version, _upgrade_day(version, today))
    ):
        return (
            f"{OPTION_EFFECT[dep.option]}; but the catalog knows no other {dep.model} version served then (as of "
            f"{version.as_of.isoformat()}): unless Microsoft publishes one, the deployment stops working when "
            "the version retires, so move it to another model before then"
        )
    return OPTION_EFFECT[dep.option]


def _uid(dep: Deployed, kind: str) -> str:
    """Stable across runs and date changes: the same deployment, version and kind keep their UID."""
    key = "|".join((dep.stack, dep.account, dep.name, dep.model, dep.version, kind))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


def _fact_source(version: VersionEntry) -> str:
    return f"{version.source} (as of {version.as_of.isoformat()})"


@dataclass(frozen=True)
class _Day:
    kind: LifecycleKind
    date: dt.date
    dated: bool
    summary: str
    source: str


def _status_days(version: VersionEntry) -> Iterator[_Day]:
    """Legacy, deprecation and retirement of the version, dated where the catalog has the day."""
    src = _fact_source(version)
    if version.status == "Legacy":
        yield _Day("legacy", version.as_of, False, "Legacy: still served, Microsoft recommends moving off it", src)
    refused = "deprecated: Azure refuses new deployments (a subscription that deployed it before still can)"
    if version.deprecation is not None:
        yield _Day("deprecation", version.deprecation, True, refused, src)
    elif version.status in ("Deprecated", "Retired"):
        yield _Day("deprecation", version.as_of, False, f"{refused}; no date published", src)
    gone = "retires: no longer served, calls answer HTTP 410"
    if version.retirement is not None:
        tentative = " (Azure marks the date Tentative)" if version.retirement_status == "Tentative" else ""
        yield _Day("retirement", version.retirement, True, f"{gone}{tentative}", src)
    elif version.status == "Retired":
        yield _Day("retirement", version.as_of, False, f"{gone}; no date published", src)


def _upgrade_days(dep: Deployed, entry: ModelEntry, version: VersionEntry, today: dt.date) -> Iterator[_Day]:
    """The day Azure upgrades the deployment on its own, when its option, type and the facts say it will."""
    if is_provisioned(dep.sku) or entry.format != "OpenAI" or dep.option == "NoAutoUpgrade":
        return
    if not _upgradable(entry, version, dep.version, _upgrade_day(version, today)):
        return  # nothing to upgrade to: the retirement event (and the option's effect) say what happens
    default = entry.default_version_in(dep.region)
    target = f"the default version then (today {default})" if default != dep.version else "the default version then"
    auto = version.auto_upgrade
    source = f"Models API replacementConfig, {auto.source} (as of {auto.as_of})" if auto else _fact_source(version)
    if dep.option == "OnceCurrentVersionExpired":
        if version.retirement is None:
            return
        lead = auto.expiry_lead_days if auto and auto.expiry_lead_days is not None else 0
        before = f", {lead} days before it retires (upgradeOnExpiryLeadTimeDays)" if lead else " as it retires"
        day = version.retirement - dt.timedelta(days=lead)
        yield _Day("auto-upgrade", day, True, f"Azure upgrades it to {target}{before}", source)
    elif auto is not None and auto.start is not None:
        started = f"Azure starts upgrading it to {target} (autoUpgradeStartDate)"
        yield _Day("auto-upgrade", auto.start, True, started, source)
    elif default in upgrade_targets(entry, dep.version, today):
        yield _Day(
            "auto-upgrade",
            today,
            False,
            f"Azure upgrades it to the default version {default} within two weeks of the default change; "
            "no date published",
            _fact_source(entry.versions[default]),
        )


def deployment_events(dep: Deployed, catalog: Catalog, today: dt.date) -> list[LifecycleEvent]:
    """The events of one deployment (none for a version the catalog does not know: the gate refuses it)."""
    entry = catalog.models.get(dep.model)
    version = entry.versions.get(dep.version) if entry else None
    if entry is None or version is None:
        return []
    effect = option_effect(dep, entry, today)
    days = [*_status_days(version), *_upgrade_days(dep, entry, version, today)]
    return [
        LifecycleEvent(
            date=day.date,
            days_left=(day.date - today).days,
            dated=day.dated,
            kind=day.kind,
            stack=dep.stack,
            account=dep.account,
            deployment=dep.name,
            model=dep.model,
            version=dep.version,
            region=dep.region,
            type=dep.sku,
            upgrade_option=dep.option,
            summary=day.summary,
            azure_action=effect,
            replacement=version.replacement if day.kind != "auto-upgrade" else None,
            fact_source=day.source,
            source=dep.source,
            uid=_uid(dep, day.kind),
        )
        for day in days
    ]


def sort_key(event: LifecycleEvent) -> tuple[dt.date, str, str, str, int]:
    """Date first, then stack, account, deployment and the kind's order within a day."""
    return (event.date, event.stack, event.account, event.deployment, KIND_ORDER[event.kind])


def lifecycle_report(
    stacks: Iterable[LoadedConfig], catalog: Catalog, today: dt.date, until: dt.date | None = None
) -> LifecycleReport:
    """The calendar of every deployment of the stacks, sorted by date; events after `until` left out."""
    loaded = list(stacks)
    regions = {account.location or c.config.location for c in loaded for account in c.config.accounts}
    events = [
        event
        for config in loaded
        for dep in deployments_of(config, catalog)
        for event in deployment_events(dep, catalog, today)
        if until is None or event.date <= until
    ]
    return LifecycleReport(
        today=today,
        until=until,
        stacks=[c.stack for c in loaded],
        regions=sorted(regions),
        events=sorted(events, key=sort_key),
    )
