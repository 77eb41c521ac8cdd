"""The offline gate: evaluate the policy pack's own objects on what the program registered.

Each ResourceValidationPolicy runs on every recorded resource with its inputs, each
StackValidationPolicy on the whole list, with the same config CrossGuard would get from
--policy-pack-config. Enforcement levels and waivers then decide the verdict.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from components.config.loaded import LoadedConfig
from components.config_errors import ConfigError
from components.refs import unresolved
from components.stack.loader import load_stack_file
from components.text import listing, short
from policies import framework
from policies.framework import Finding, Resource
from policies.pack import POLICIES
from policies.waivers import Waiver

from ..errors import GateInputError
from .agent_sharing import with_other_stacks
from .cost_report import cost_section
from .defender_owner import DEFENDER, defender_row, with_plan_owner
from .policy_config import PolicyConfigError, PolicySettings, load_policy_config
from .quota_report import quota_section, with_ledger
from .report_model import Source, StackReport, Violation, WaiverRef
from .runner import ProgramRun, RecordedResource, redact, run_program
from .sdk import sync_await
from .stacks import StackRef


@dataclass
class _WaivedRecorder:
    """Observer that keeps the findings valid waivers exempted."""

    found: list[tuple[str, Finding, Waiver]] = field(default_factory=list)

    advisories: list[tuple[str, Finding]] = field(default_factory=list)

    related_urns: dict[tuple[str, str | None, str], list[str]] = field(default_factory=dict)

    def related(self, policy: str, finding: Finding) -> None:
        urn = finding.resource.urn if finding.resource else None
        self.related_urns[(policy, urn, finding.message)] = [r.urn for r in finding.related]

    def waived(self, policy: str, finding: Finding, waiver: Waiver) -> None:
        self.found.append((policy, finding, waiver))

    def advisory(self, policy: str, finding: Finding) -> None:
        self.advisories.append((policy, finding))


def _options(resource: RecordedResource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent,
    )


def _policy_resources(run: ProgramRun) -> list[PolicyResource]:
    by_urn: dict[str, PolicyResource] = {}
    for r in run.resources:
        by_urn[r.urn] = PolicyResource(r.type, r.props, r.urn, r.name, _options(r), None, None, [], {})
    for r in run.resources:
        res = by_urn[r.urn]
        res.parent = by_urn.get(r.parent) if r.parent else None
        res.dependencies = [by_urn[d] for d in r.dependencies if d in by_urn]
    return [by_urn[r.urn] for r in run.resources]


def _settle(result: object) -> None:
    if inspect.isawaitable(result):
        sync_await(result)


def reported_level(enforcement: str) -> str:
    """The level a finding is reported at: `remediate` as `mandatory`, as the Pulumi engine does.

    The engine runs a remediation first and reports a violation that is still found as mandatory
    (pulumi/pulumi pkg/resource/deploy/step_generator.go); this pack's policies only validate, so every
    finding under `remediate` blocks, exactly as `pulumi preview` with the same config would.
    """
    return "mandatory" if enforcement == "remediate" else enforcement


def evaluate_policies(run: ProgramRun, settings: dict[str, PolicySettings]) -> list[Violation]:
    """Run every enabled policy of the pack on the run's resources; waived findings are kept, marked."""
    sources = {r.urn: r.source for r in run.resources}
    names = {r.urn: r.name for r in run.resources}

    def source(urn: str | None) -> Source:
        loc = sources.get(urn) if urn else None
        if loc is None:
            return Source(file=run.stack.display, line=None)
        return Source(file=loc.file, line=loc.line)

    def violation(
        policy: str, enforcement: str, urn: str | None, message: str, waiver: Waiver | None = None
    ) -> Violation:
        return Violation(
            policy=policy,
            enforcement=enforcement,  # type: ignore[arg-type]  # mandatory or advisory: disabled never runs
            urn=urn,
            message=message,
            waived=waiver is not None,
            source=source(urn),
            waiver=WaiverRef(**waiver.as_report()) if waiver else None,
            related=[source(r) for r in recorder.related_urns.get((policy, urn, message), [])],
        )

    recorder = _WaivedRecorder()
    framework.set_observer(recorder)
    violations: list[Violation] = []
    try:
        stack_resources = _policy_resources(run)
        for policy in POLICIES:
            setting = settings[policy.name]
            if setting.enforcement == "disabled":
                continue
            config = setting.config
            found: list[tuple[str, str | None]] = []

            def report(message: str, urn: str | None = None, _found: list[tuple[str, str | None]] = found) -> None:
                _found.append((message, urn))

            if isinstance(policy, ResourceValidationPolicy):
                for r in run.resources:
                    args = ResourceValidationArgs(r.type, r.props, r.urn, r.name, _options(r), None, config)
                    _settle(policy.validate(args, report))
            elif isinstance(policy, StackValidationPolicy):
                _settle(policy.validate(StackValidationArgs(stack_resources, config), report))
            level = reported_level(setting.enforcement)
            for message, urn in found:
                violations.append(violation(policy.name, level, urn, message))
            for policy_id, finding, waiver in [w for w in recorder.found if w[0] == policy.name]:
                urn = finding.resource.urn if finding.resource else None
                enforcement = "advisory" if finding.advisory else level
                violations.append(violation(policy_id, enforcement, urn, finding.message, waiver))
            for _, finding in [a for a in recorder.advisories if a[0] == policy.name]:
                urn = finding.resource.urn if finding.resource else None
                violations.append(violation(policy.name, "advisory", urn, finding.message))
            recorder.found.clear()
            recorder.advisories.clear()
    finally:
        framework.set_observer(None)
    order = {p.name: i for i, p in enumerate(POLICIES)}
    violations.sort(
        key=lambda v: (v.waived, v.enforcement != "mandatory", order[v.policy], names.get(v.urn or "", ""), v.message)
    )
    return violations


# Where a stack-wide finding (no resource) of a policy points: the first of these stack-file keys the file sets.
STACK_LINES: dict[str, tuple[tuple[str, ...], ...]] = {DEFENDER: (("defender",), ("environment",))}


def placed(violation: Violation, loaded: LoadedConfig) -> Violation:
    """A stack-wide finding of a policy in STACK_LINES placed on the line it concerns (others as they are)."""
    keys = STACK_LINES.get(violation.policy)
    if violation.urn is not None or not keys:
        return violation
    for key in keys:
        if key[0] in loaded.config.model_fields_set:
            where = loaded.location(*key)
            return violation.model_copy(update={"source": Source(file=where.file, line=where.line)})
    return violation


def policy_view(run: ProgramRun) -> list[Resource]:
    """The recorded resources as the pure policy checks see them."""
    return [Resource(r.type, r.name, r.urn, r.props) for r in run.resources]


def residency_contradiction(loaded: LoadedConfig, policy: PolicySettings) -> str | None:
    """Why the stack file's residency and the policy config's boundary disagree, or None.

    The policy config governs (it is what `pulumi preview --policy-pack-config` reads); the stack file may
    state the boundary for its readers, but only the same one, so no written value is silently ignored.
    """
    if "residency" not in loaded.config.model_fields_set:
        return None
    stated = loaded.config.residency
    where = loaded.location("residency")
    stack_at = f"{where.file}:{where.line}" if where.line else where.file
    if policy.enforcement == "disabled":
        if stated == "none":
            return None
        return (
            f"{stack_at}: residency: the stack states {stated!r} but residency-deployment-type is disabled in "
            f"{policy.location('enforcementLevel')}; enable it with boundary {stated!r}, or remove residency"
        )
    boundary = policy.config.get("boundary")
    if boundary == stated:
        return None
    return (
        f"{stack_at}: residency: the stack states {stated!r} but {policy.location('boundary')} sets "
        f"residency-deployment-type.boundary {boundary!r}; make them the same (the policy config governs: "
        "change it through a reviewed change, or remove residency from the stack file)"
    )


def _unresolved_waiver_resource(resource: str, names: list[str], urns: list[str]) -> str | None:
    """Why a waiver's resource is none of this stack's, compared with the URNs when it is written as one."""
    fix = "a waiver names a resource of this stack by logical name or URN"
    if not resource.startswith("urn:"):
        return unresolved(resource, names, "resource", fix)
    stack = resource.removeprefix("urn:pulumi:").partition("::")[0]
    own = {urn.removeprefix("urn:pulumi:").partition("::")[0] for urn in urns}
    if urns and stack not in own:
        return (
            f"the URN names the stack {short(stack)}, and this policy config judges {listing(sorted(own))}; a "
            f"waiver names a resource of this stack ({short(resource)})"
        )
    return unresolved(resource, urns, "resource URN", fix)


def waiver_problems(settings: dict[str, PolicySettings], run: ProgramRun) -> list[str]:
    """One line per waiver (of a policy at any level) whose resource is none the program registered."""
    names = sorted({r.name for r in run.resources})
    urns = {r.urn for r in run.resources}
    problems = []
    for policy, setting in settings.items():
        for index, raw in enumerate(setting.config.get("waivers") or []):
            resource = raw.get("resource") if isinstance(raw, dict) else None
            if not isinstance(resource, str) or resource in urns:
                continue
            problem = _unresolved_waiver_resource(resource, names, sorted(urns))
            if problem:
                problems.append(f"{setting.location('waivers')}: {policy}.waivers[{index}].resource: {problem}")
    return problems


def unknown_limit_contradiction(loaded: LoadedConfig, policy: PolicySettings) -> str | None:
    """Why a production stack's policy config may not make an unknown quota limit advisory, or None."""
    if not loaded.config.production or policy.config.get("unknownLimit") != "advisory":
        return None
    where = loaded.location("environment")
    return (
        f"{policy.location('unknownLimit')}: quota-capacity.unknownLimit: the stack is production "
        f"({where.file}:{where.line}), where a pool without a known limit must block; remove unknownLimit (or set "
        "it to mandatory) and record the limit in `limits` or run `foundry-iac quota sync`"
    )


def default_policy_config(root: Path, stack: StackRef) -> tuple[Path, str]:
    """policies/config/<stack>.json of the project."""
    path = root / "policies" / "config" / f"{stack.name}.json"
    return path, f"policies/config/{stack.name}.json"


@dataclass(frozen=True)
class GateResult:
    """One stack's report entry, and the policy settings it was judged with (the ledger included)."""

    entry: StackReport
    settings: dict[str, PolicySettings]


def check_stack(stack: StackRef, root: Path, policy_config: tuple[Path, str] | None = None) -> StackReport:
    """Plan one stack offline and gate it: the stack's entry of the JSON report."""
    return gate_stack(stack, root, policy_config).entry


def gate_stack(
    stack: StackRef, root: Path, policy_config: tuple[Path, str] | None = None, lean: bool = True
) -> GateResult:
    """Plan one stack offline and gate it: its report entry and the settings the policies saw.

    lean=False runs the program exactly as the SDK would under mocks (see runner.run_program).
    """
    config_path, config_display = policy_config or default_policy_config(root, stack)
    problems: list[str] = []
    filters: list[str] | None = None  # the stack's own content filters, which allowedFilters may name
    regions: list[str] | None = None  # the stack's deployment regions, named in a misplaced quota limit's fix
    try:
        run = run_program(stack, root, lean)
        loaded = load_stack_file(stack.path, stack.display, stack.name)
        filters = [f.name for account in loaded.config.accounts for f in account.content_filters]
        regions = [account.location or loaded.config.location for account in loaded.config.accounts]
    except ConfigError as exc:
        problems += [str(issue) for issue in exc.issues]
    try:
        settings = load_policy_config(config_path, config_display, POLICIES, filters, regions)
    except PolicyConfigError as exc:
        problems += exc.messages
    if problems:
        raise GateInputError(problems)
    problems = waiver_problems(settings, run)
    if problems:
        raise GateInputError(problems)
    contradictions = [
        residency_contradiction(loaded, settings["residency-deployment-type"]),
        unknown_limit_contradiction(loaded, settings["quota-capacity"]),
    ]
    if any(contradictions):
        raise GateInputError([c for c in contradictions if c])
    subscription = loaded.config.subscription_id
    resources = policy_view(run)
    with_ledger(settings, resources, stack.name, root, subscription)
    with_other_stacks(settings, root, stack.name)
    owner = with_plan_owner(settings, root, loaded)
    violations = [placed(v, loaded) for v in evaluate_policies(run, settings)]
    entry = StackReport(
        stack=stack.name,
        file=stack.display,
        policy_config=config_display,
        passed=not any(v.enforcement == "mandatory" and not v.waived for v in violations),
        resources=[r.as_report() for r in run.resources],
        violations=violations,
        cost=cost_section(resources, settings),
        quota=quota_section(resources, settings, subscription),
        defender=defender_row(loaded, owner),
    )
    if run.secrets:  # secret placeholders never leave the gate: every string of the entry is redacted
        entry = StackReport.model_validate(redact(entry.model_dump(), run.secrets))
    return GateResult(entry, settings)
