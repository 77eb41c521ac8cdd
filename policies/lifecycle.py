"""Model lifecycle: model-lifecycle. A version Azure has retired, or deprecated for new deployments, fails;
one that retires or is deprecated within the warning window is an advisory finding.

"Today" is the injectable clock the waivers use (`FOUNDRY_IAC_TODAY`, `set_clock`), so a verdict is a
function of the stack, the catalog and the date, and tests are fixed in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.catalog import ModelEntry, VersionEntry
from components.text import counted

from . import waivers
from .common import DeploymentView, catalog, deployments
from .framework import Finding, PolicySpec, Resource, stack_policy

DEFAULT_WARN_DAYS = 90
MAX_WARN_DAYS = 3650


def _replacement(version: VersionEntry) -> str:
    return f"move to {version.replacement}" if version.replacement else "pick a current model from the catalog"


def _pinned(dep: DeploymentView) -> bool:
    return (dep.resource.props.get("properties") or {}).get("versionUpgradeOption") == "NoAutoUpgrade"


def window_events(version: VersionEntry, today: dt.date, warn_days: int) -> list[tuple[str, dt.date]]:
    """The deprecation and retirement of `version` that fall from `today` to `warn_days` ahead, as (label, day):
    what model-lifecycle warns about (`foundry-iac upgrade` proposes a move for the same window)."""
    horizon = today + dt.timedelta(days=warn_days)
    dates = (("is deprecated for new deployments", version.deprecation), ("retires", version.retirement))
    return [(label, day) for label, day in dates if day is not None and today <= day <= horizon]


def lifecycle_findings(
    dep: DeploymentView, entry: ModelEntry, today: dt.date, warn_days: int, deprecated_advisory: bool
) -> Iterable[Finding]:
    """The lifecycle findings of one deployment of a catalog model on `today`."""
    version_name = dep.version or entry.default_version
    version = entry.version(version_name)
    if version is None:
        return  # approved-models reports a version the catalog does not know
    what = f"{dep.label}: {dep.model} version {version_name}"
    status = version.status_on(today)
    if status == "Retired":
        when = f"on {version.retirement.isoformat()}" if version.retirement else f"(catalog as of {version.as_of})"
        yield Finding(
            f"{what}: Azure retired it {when}; new deployments are refused and existing ones answer errors; "
            f"{_replacement(version)}",
            dep.resource,
        )
        return
    if status == "Deprecated":
        since = (
            f"since {version.deprecation.isoformat()}" if version.deprecation else f"(catalog as of {version.as_of})"
        )
        retires = f", and it retires on {version.retirement.isoformat()}" if version.retirement else ""
        if deprecated_advisory:
            yield Finding(
                f"{what} is deprecated {since}{retires}: Azure refuses it to subscriptions that never deployed it, "
                f"so it may still deploy here only because this subscription has deployed it before; "
                f"{_replacement(version)}",
                dep.resource,
                advisory=True,
            )
        else:
            yield Finding(
                f"{what} is deprecated {since}{retires}: Azure refuses new deployments of it (a subscription that "
                f"has deployed it before still can: set deprecated: advisory in this policy's config if that is "
                f"this one); {_replacement(version)}",
                dep.resource,
            )
        return
    pin = "; versionUpgradeOption NoAutoUpgrade pins it, so Azure will not move it for you" if _pinned(dep) else ""
    for label, day in window_events(version, today, warn_days):
        yield Finding(
            f"{what} {label} on {day.isoformat()} (in {counted((day - today).days, 'day')}, within {warn_days}){pin}; "
            f"plan the change: {_replacement(version)}",
            dep.resource,
            advisory=True,
        )


def check_lifecycle(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """No deployment uses a retired or deprecated version; warn within `warnDays` of either date."""
    warn_days = int(config.get("warnDays", DEFAULT_WARN_DAYS))
    deprecated_advisory = config.get("deprecated") == "advisory"  # default: mandatory
    today = waivers.today()
    cat = catalog()
    for dep in deployments(resources):
        entry = cat.models.get(dep.model)
        if entry is not None:
            yield from lifecycle_findings(dep, entry, today, warn_days, deprecated_advisory)


LIFECYCLE = PolicySpec(
    id="model-lifecycle",
    description="No deployment uses a model version Azure has retired, or deprecated for new deployments; "
    "deprecation or retirement within warnDays is advisory.",
    remediation="Move the deployment to the replacement the message names (a new version or model), through a "
    "reviewed change; run `foundry-iac catalog sync` to refresh lifecycle dates from Azure.",
    severity=Severity.HIGH,
    properties={
        "warnDays": {
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_WARN_DAYS,
            "description": "Warn this many days before a deprecation or retirement date "
            f"(default {DEFAULT_WARN_DAYS}).",
        },
        "deprecated": {
            "type": "string",
            "enum": ["mandatory", "advisory"],
            "description": "advisory: this subscription has deployed the deprecated versions before, so Azure still "
            "accepts them here (default mandatory).",
        },
    },
)

model_lifecycle = stack_policy(LIFECYCLE, check_lifecycle)
