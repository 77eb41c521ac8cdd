"""Content filters as the deployments will use them: severity thresholds, prompt shields and completion
filters, and the filter mode (mirroring Azure Policy's preview built-ins 930f48f9, f3a9c2e0, af253d37
and c1ad46c6).

A deployment's filter is either registered by the same program (its settings are plain values at
preview) or built in, judged by its documented settings (components/content_safety/filter_settings.py). A finding
about a custom filter lands on the filter, naming every deployment that uses it; a finding about a
built-in filter lands on each deployment that names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components import resource_types as types
from components.content_safety.filter_settings import (
    BUILTIN_SETTINGS,
    COMPLETION_FILTERS,
    HARM_CATEGORIES,
    MODES,
    PROMPT_SHIELDS,
    SOURCES,
    THRESHOLDS,
    FilterSettings,
    settings_of,
    stricter_or_equal,
)
from components.text import listing

from .common import DEPLOYMENT
from .framework import Finding, PolicySpec, Resource, stack_policy

RAI_POLICY = types.RAI_POLICY


def _label(deployment: Resource) -> str:
    return f"{deployment.props.get('accountName')}/{deployment.props.get('deploymentName')}"


def filters_in_use(
    resources: list[Resource],
) -> Iterable[tuple[FilterSettings | None, Resource | None, list[Resource], str]]:
    """(settings, the filter's resource, deployments using it, filter name) per filter in use.

    Settings are None for a filter neither registered here nor built in: nothing can be judged.
    """
    registered = {
        (str(r.props.get("accountName")), str(r.props.get("raiPolicyName"))): r
        for r in resources
        if r.type == RAI_POLICY
    }
    users: dict[tuple[str, str], list[Resource]] = {}
    for r in resources:
        if r.type == DEPLOYMENT:
            name = (r.props.get("properties") or {}).get("raiPolicyName")
            if name:
                users.setdefault((str(r.props.get("accountName")), str(name)), []).append(r)
    for (account, name), deployments in users.items():
        resource = registered.get((account, name))
        if resource is not None:
            yield settings_of(name, resource.props.get("properties") or {}), resource, deployments, name
        elif name in BUILTIN_SETTINGS:
            for deployment in deployments:
                yield BUILTIN_SETTINGS[name], None, [deployment], name
        else:
            yield None, None, deployments, name


def _findings(resources: list[Resource], problems_of: Any) -> Iterable[Finding]:
    for settings, resource, deployments, name in filters_in_use(resources):
        users = listing(_label(d) for d in deployments)
        if settings is None:
            yield Finding(
                f"{users}: content filter {name} is neither built in nor created by this stack, so its settings "
                "cannot be checked; define it under the account's contentFilters",
                deployments[0],
            )
            continue
        problems = list(problems_of(settings))
        if not problems:
            continue
        what = f"built-in content filter {settings.name}" if settings.builtin else f"content filter {settings.name}"
        target = resource if resource is not None else deployments[0]
        related = tuple(deployments) if resource is not None else ()
        yield Finding(f"{what} (used by {users}): " + "; ".join(problems), target, related=related)


def _max_thresholds(config: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(category, source) -> the loosest threshold allowed; every category at Medium unless configured."""
    out: dict[tuple[str, str], str] = {(c, s): "Medium" for c in HARM_CATEGORIES for s in SOURCES}
    for category, value in (config.get("maxThreshold") or {}).items():
        for source in SOURCES:
            out[(category, source)] = value if isinstance(value, str) else value.get(source.lower(), "Medium")
    return out


def check_severity(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Each harm category blocks, both ways, at the configured threshold or a stricter one."""
    limits = _max_thresholds(config)

    def problems(settings: FilterSettings) -> Iterable[str]:
        for (category, source), loosest in limits.items():
            threshold = settings.thresholds.get((category, source))
            if threshold is None:
                yield f"it does not block {category} on {source.lower()}s (required: {loosest} or stricter)"
            elif not stricter_or_equal(threshold, loosest):
                yield (
                    f"it filters {category} on {source.lower()}s only from {threshold} severity, looser than {loosest}"
                )

    return _findings(resources, problems)


def check_shields(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """The required prompt shields and completion filters are on and blocking."""
    required = [*config.get("requiredPromptShields", ["Jailbreak"]), *config.get("requiredCompletionFilters", [])]

    def problems(settings: FilterSettings) -> Iterable[str]:
        missing = [name for name in required if name not in settings.shields]
        if missing:
            yield f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not on and blocking"

    return _findings(resources, problems)


def check_mode(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """The filter's mode is one of `allowedModes`."""
    allowed = list(config.get("allowedModes", ["Default", "Asynchronous_filter"]))

    def problems(settings: FilterSettings) -> Iterable[str]:
        if settings.mode not in allowed:
            yield f"its mode {settings.mode} is not one of {', '.join(allowed)}"

    return _findings(resources, problems)


_THRESHOLD = {"type": "string", "enum": list(THRESHOLDS)}
SEVERITY = PolicySpec(
    id="content-filter-severity",
    description="The content filter each deployment uses blocks Hate, Sexual, Violence and Selfharm on prompts and "
    "completions at `maxThreshold` (default Medium) or stricter (mirrors Azure Policy 930f48f9).",
    remediation="Lower the category's threshold in the account's contentFilters (Low is the strictest), or use "
    "Microsoft.DefaultV2.",
    severity=Severity.HIGH,
    properties={
        "maxThreshold": {
            "type": "object",
            "propertyNames": {"enum": list(HARM_CATEGORIES)},
            "additionalProperties": {
                "oneOf": [
                    _THRESHOLD,
                    {
                        "type": "object",
                        "properties": {"prompt": _THRESHOLD, "completion": _THRESHOLD},
                        "additionalProperties": False,
                    },
                ]
            },
        }
    },
)
SHIELDS = PolicySpec(
    id="content-filter-shields",
    description="The content filter each deployment uses has the required prompt shields (default Jailbreak) and "
    "completion filters on and blocking (mirrors Azure Policy f3a9c2e0 and af253d37).",
    remediation="Turn the shield on in the filter's promptShields or protectedMaterial.",
    severity=Severity.HIGH,
    properties={
        "requiredPromptShields": {"type": "array", "items": {"enum": list(PROMPT_SHIELDS)}},
        "requiredCompletionFilters": {"type": "array", "items": {"enum": list(COMPLETION_FILTERS)}},
    },
)
MODE = PolicySpec(
    id="content-filter-mode",
    description="The content filter each deployment uses runs in an allowed mode (default Default or "
    "Asynchronous_filter; mirrors Azure Policy c1ad46c6).",
    remediation="Set the filter's mode to an allowed one.",
    severity=Severity.MEDIUM,
    properties={"allowedModes": {"type": "array", "items": {"enum": list(MODES)}}},
)

content_filter_severity = stack_policy(SEVERITY, check_severity)
content_filter_shields = stack_policy(SHIELDS, check_shields)
content_filter_mode = stack_policy(MODE, check_mode)
