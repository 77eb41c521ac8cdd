"""Turn pure policy checks into CrossGuard policy objects that apply waivers.

A check is a pure function returning Findings. The policy object's `validate` runs the check, applies
the policy's waivers and reports what is left through CrossGuard's `report_violation`. Waived findings
are not reported to CrossGuard (they are exempt) but are told to the observer, which the offline gate
sets to show them in its report; under `pulumi preview` the observer does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from . import waivers as waiver_mod
from .waivers import WAIVER_SCHEMA, Waiver, parse_waivers


@dataclass(frozen=True)
class Resource:
    """What a check sees of a resource: type, logical name, URN and registered inputs."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """One violation a check found; `resource` None means the whole stack.

    `advisory` marks a warning inside a mandatory policy (e.g. a retirement within the warning window).
    CrossGuard has one enforcement level per policy, so such findings are not reported to it (they would
    block `pulumi up`); they reach the observer, which the offline gate reports as advisory.
    """

    message: str
    resource: Resource | None = None
    advisory: bool = False
    related: tuple[Resource, ...] = ()  # other resources it concerns (the offline gate shows their lines)


ResourceCheck = Callable[[Resource, Mapping[str, Any]], Iterable[Finding]]
StackCheck = Callable[[list[Resource], Mapping[str, Any]], Iterable[Finding]]


class Observer(Protocol):
    """Told about findings a valid waiver exempted, and about advisory findings."""

    def waived(self, policy: str, finding: Finding, waiver: Waiver) -> None: ...

    def advisory(self, policy: str, finding: Finding) -> None: ...

    def related(self, policy: str, finding: Finding) -> None: ...


class _Silent:
    def waived(self, policy: str, finding: Finding, waiver: Waiver) -> None:
        return None

    def advisory(self, policy: str, finding: Finding) -> None:
        return None

    def related(self, policy: str, finding: Finding) -> None:
        return None


_observer: Observer = _Silent()


def set_observer(observer: Observer | None) -> None:
    """Install the observer of waived findings (None: ignore them, as under pulumi preview)."""
    global _observer
    _observer = observer or _Silent()


class PolicyMetadata(TypedDict):
    """The keyword arguments every CrossGuard policy object takes from a PolicySpec."""

    name: str
    description: str
    enforcement_level: EnforcementLevel
    config_schema: PolicyConfigSchema
    severity: Severity
    remediation_steps: str


@dataclass(frozen=True)
class PolicySpec:
    """The description of a policy that both CrossGuard and the reports show."""

    id: str
    description: str
    remediation: str
    severity: Severity
    properties: dict[str, Any] = field(default_factory=dict)  # JSON Schema of the policy's settings
    required: list[str] = field(default_factory=list)
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY

    def metadata(self) -> PolicyMetadata:
        """The keyword arguments every CrossGuard policy object takes from the spec."""
        return {
            "name": self.id,
            "description": self.description,
            "enforcement_level": self.enforcement,
            "config_schema": self.schema(),
            "severity": self.severity,
            "remediation_steps": self.remediation,
        }

    def schema(self) -> PolicyConfigSchema:
        """The config schema: the policy's own settings plus waivers."""
        return PolicyConfigSchema(
            properties={**self.properties, "waivers": WAIVER_SCHEMA}, required=self.required or None
        )


def _report(
    spec: PolicySpec,
    findings: Iterable[Finding],
    config: Mapping[str, Any],
    report: ReportViolation,
    scope: list[Resource],
    per_resource: bool = False,
) -> None:
    """Report findings minus the validly waived ones; report expired waivers that apply here."""
    waivers = parse_waivers(config)
    on = waiver_mod.today()
    for finding in findings:
        if finding.related:
            _observer.related(spec.id, finding)
        name = finding.resource.name if finding.resource else None
        urn = finding.resource.urn if finding.resource else None
        valid = next((w for w in waivers if w.matches(name, urn) and not w.expired(on)), None)
        if valid is not None:
            _observer.waived(spec.id, finding, valid)
        elif finding.advisory:
            _observer.advisory(spec.id, finding)
        else:
            report(finding.message, urn)
    for waiver in waivers:
        if not waiver.expired(on):
            continue
        target = next((r for r in scope if waiver.matches(r.name, r.urn)), None)
        if per_resource and target is None:
            continue  # a resource policy only speaks of the resource it validates
        report(
            f"waiver for {waiver.resource} expired on {waiver.expires.isoformat()} (approved by "
            f"{waiver.approver}: {waiver.reason}); it no longer waives anything: renew it with a new "
            f"expiry and approval, or remove it",
            target.urn if target else None,
        )


def resource_policy(spec: PolicySpec, check: ResourceCheck, types: tuple[str, ...]) -> ResourceValidationPolicy:
    """A CrossGuard ResourceValidationPolicy running `check` on resources of `types`."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in types:
            return
        resource = Resource(args.resource_type, args.name, args.urn, args.props)
        # a resource policy's finding is about the resource it validates, whether or not the check says so
        findings = (
            f if f.resource is not None else Finding(f.message, resource, f.advisory, f.related)
            for f in check(resource, args.get_config())
        )
        _report(spec, findings, args.get_config(), report, [resource], per_resource=True)

    return ResourceValidationPolicy(validate=validate, **spec.metadata())


def stack_policy(spec: PolicySpec, check: StackCheck) -> StackValidationPolicy:
    """A CrossGuard StackValidationPolicy running `check` on every resource of the stack."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [Resource(r.resource_type, r.name, r.urn, r.props) for r in args.resources]
        _report(spec, check(resources, args.get_config()), args.get_config(), report, resources)

    return StackValidationPolicy(validate=validate, **spec.metadata())
