"""The CrossGuard policy objects built from a spec and a pure check: what they carry from the spec, which
resources they give the check, where findings are reported, and how waivers and advisories reach the
observer. The policies are built inside the tests, so what the pack builds at import time is covered too."""

from __future__ import annotations

import datetime as dt

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from policies import waivers
from policies.framework import Finding, PolicySpec, Resource, resource_policy, set_observer, stack_policy
from policies.waivers import WAIVER_SCHEMA

OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
KIND = "azure-native:cognitiveservices:Deployment"
OTHER_KIND = "azure-native:cognitiveservices:Account"
SPEC = PolicySpec(
    id="demo",
    description="A demo policy.",
    remediation="Fix it.",
    severity=Severity.LOW,
    properties={"limit": {"type": "integer"}},
    required=["limit"],
    enforcement=EnforcementLevel.ADVISORY,
)
TODAY = dt.date(2026, 11, 30)


class Recorder:
    """An observer that keeps what it is told, as the offline gate's does."""

    def __init__(self) -> None:
        self.exempted: list[tuple[str, Finding, str]] = []
        self.advisories: list[tuple[str, Finding]] = []
        self.related_to: list[tuple[str, Finding]] = []

    def related(self, policy: str, finding: Finding) -> None:
        self.related_to.append((policy, finding))

    def waived(self, policy: str, finding: Finding, waiver) -> None:
        self.exempted.append((policy, finding, waiver.resource))

    def advisory(self, policy: str, finding: Finding) -> None:
        self.advisories.append((policy, finding))


@pytest.fixture
def observer():
    recorder = Recorder()
    set_observer(recorder)
    waivers.set_clock(lambda: TODAY)
    yield recorder
    set_observer(None)
    waivers.set_clock(None)


def waiver(resource: str, expires: str) -> dict:
    return {"resource": resource, "reason": "migration", "approver": "ana", "expires": expires}


def resource_args(name: str, kind: str = KIND, config: dict | None = None) -> ResourceValidationArgs:
    return ResourceValidationArgs(kind, {"n": name}, f"urn:{name}", name, OPTS, None, config or {"limit": 1})


def policy_resource(name: str, kind: str = KIND) -> PolicyResource:
    return PolicyResource(kind, {"n": name}, f"urn:{name}", name, OPTS, None, None, [], {})


def validate(policy, args) -> list[tuple[str, str | None]]:
    reports: list[tuple[str, str | None]] = []
    policy.validate(args, lambda message, urn=None: reports.append((message, urn)))
    return reports


@pytest.mark.parametrize(
    "build", [lambda: resource_policy(SPEC, lambda r, c: [], (KIND,)), lambda: stack_policy(SPEC, lambda rs, c: [])]
)
def test_a_policy_object_carries_the_specs_id_texts_levels_and_schema(build):
    policy = build()
    assert (policy.name, policy.description, policy.remediation_steps) == ("demo", "A demo policy.", "Fix it.")
    assert (policy.enforcement_level, policy.severity) == (EnforcementLevel.ADVISORY, Severity.LOW)
    assert policy.config_schema.properties == {"limit": {"type": "integer"}, "waivers": WAIVER_SCHEMA}
    assert policy.config_schema.required == ["limit"]


def test_a_spec_without_required_settings_requires_nothing_and_defaults_to_mandatory():
    spec = PolicySpec(id="plain", description="d", remediation="r", severity=Severity.HIGH)
    policy = stack_policy(spec, lambda rs, c: [])
    assert policy.config_schema.required is None
    assert policy.config_schema.properties == {"waivers": WAIVER_SCHEMA}
    assert policy.enforcement_level == EnforcementLevel.MANDATORY


def test_a_resource_policy_checks_only_its_types_and_gives_the_check_the_resource_and_config(observer):
    seen: list[tuple[Resource, dict]] = []

    def check(resource, config):
        seen.append((resource, dict(config)))
        return [Finding("too big")]

    policy = resource_policy(SPEC, check, (KIND,))
    assert validate(policy, resource_args("other", OTHER_KIND)) == []
    assert validate(policy, resource_args("dep", config={"limit": 3})) == [("too big", "urn:dep")]
    assert seen == [(Resource(KIND, "dep", "urn:dep", {"n": "dep"}), {"limit": 3})]


def test_a_resource_policy_keeps_a_finding_about_another_resource_where_the_check_put_it(observer):
    elsewhere = Resource(OTHER_KIND, "acct", "urn:acct", {})
    policy = resource_policy(SPEC, lambda r, c: [Finding("about the account", elsewhere)], (KIND,))
    assert validate(policy, resource_args("dep")) == [("about the account", "urn:acct")]


def test_an_advisory_finding_reaches_the_observer_with_the_validated_resource_not_crossguard(observer):
    policy = resource_policy(SPEC, lambda r, c: [Finding("retires soon", None, True)], (KIND,))
    assert validate(policy, resource_args("dep")) == []
    ((policy_id, finding),) = observer.advisories
    assert policy_id == "demo"
    assert finding == Finding("retires soon", Resource(KIND, "dep", "urn:dep", {"n": "dep"}), True)


def test_a_valid_waiver_exempts_its_resource_and_is_told_to_the_observer(observer):
    config = {"limit": 1, "waivers": [waiver("dep", "2026-11-30")]}
    policy = resource_policy(SPEC, lambda r, c: [Finding("too big")], (KIND,))
    assert validate(policy, resource_args("dep", config=config)) == []
    assert validate(policy, resource_args("dep2", config=config)) == [("too big", "urn:dep2")]
    assert [(p, f.message, w) for p, f, w in observer.exempted] == [("demo", "too big", "dep")]


def expired_message(resource: str, on: str) -> str:
    return (
        f"waiver for {resource} expired on {on} (approved by ana: migration); it no longer waives anything: "
        "renew it with a new expiry and approval, or remove it"
    )


def test_a_resource_policy_reports_only_the_expired_waivers_of_the_resource_it_validates(observer):
    config = {
        "limit": 1,
        "waivers": [waiver("elsewhere", "2026-01-01"), waiver("urn:dep", "2026-11-29"), waiver("dep", "2027-01-01")],
    }
    policy = resource_policy(SPEC, lambda r, c: [], (KIND,))
    assert validate(policy, resource_args("dep", config=config)) == [
        (expired_message("urn:dep", "2026-11-29"), "urn:dep")
    ]


def test_a_stack_policy_reports_every_expired_waiver_at_its_resource_or_at_the_stack(observer):
    config = {
        "limit": 1,
        "waivers": [
            waiver("dep", "2027-01-01"),
            waiver("acct", "2026-11-29"),
            waiver("urn:dep", "2026-01-01"),
            waiver("gone", "2025-05-05"),
        ],
    }
    seen: list[list[Resource]] = []

    def check(resources, given):
        assert given == config
        seen.append(resources)
        return [Finding("stack-wide"), Finding("on dep", resources[0])]

    policy = stack_policy(SPEC, check)
    args = StackValidationArgs([policy_resource("dep"), policy_resource("acct", OTHER_KIND)], config)
    assert validate(policy, args) == [
        ("stack-wide", None),
        (expired_message("acct", "2026-11-29"), "urn:acct"),
        (expired_message("urn:dep", "2026-01-01"), "urn:dep"),
        (expired_message("gone", "2025-05-05"), None),
    ]
    assert seen == [
        [Resource(KIND, "dep", "urn:dep", {"n": "dep"}), Resource(OTHER_KIND, "acct", "urn:acct", {"n": "acct"})]
    ]
    assert [(f.message, w) for _, f, w in observer.exempted] == [("on dep", "dep")]


def test_a_finding_with_related_resources_is_reported_and_told_to_the_observer(observer):
    deployments = (Resource(KIND, "d1", "urn:d1", {}), Resource(KIND, "d2", "urn:d2", {}))
    policy = resource_policy(SPEC, lambda r, c: [Finding("loose filter", None, False, deployments)], (OTHER_KIND,))
    assert validate(policy, resource_args("filter", OTHER_KIND)) == [("loose filter", "urn:filter")]
    ((policy_id, finding),) = observer.related_to
    assert policy_id == "demo" and finding.related == deployments
    assert finding.resource == Resource(OTHER_KIND, "filter", "urn:filter", {"n": "filter"})


def test_a_finding_without_related_resources_is_not_told_as_related(observer):
    policy = stack_policy(SPEC, lambda rs, c: [Finding("plain")])
    assert validate(policy, StackValidationArgs([policy_resource("x")], {"limit": 1})) == [("plain", None)]
    assert observer.related_to == []
