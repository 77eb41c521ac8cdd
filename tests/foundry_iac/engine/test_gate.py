"""gate.py: how enforcement levels turn findings into the verdict."""

from __future__ import annotations

import pytest

from foundry_iac.engine.gate import reported_level
from tests.conftest import TAGGED_STACK, unwaived


def test_a_finding_under_remediate_blocks_as_mandatory_as_the_pulumi_engine_reports_it(gate):
    entry = gate(TAGGED_STACK, required_tags={"enforcementLevel": "remediate", "tags": ["owner", "cost-center"]})
    found = unwaived(entry, "required-tags")
    assert found and {v["enforcement"] for v in found} == {"mandatory"}
    assert entry["passed"] is False


def test_remediate_without_a_finding_passes_like_mandatory(gate):
    remediate = gate(TAGGED_STACK, required_tags={"enforcementLevel": "remediate", "tags": ["owner"]})
    mandatory = gate(TAGGED_STACK, required_tags={"enforcementLevel": "mandatory", "tags": ["owner"]})
    assert unwaived(remediate, "required-tags") == []
    assert remediate["passed"] == mandatory["passed"]


@pytest.mark.parametrize(
    ("level", "reported"), [("remediate", "mandatory"), ("mandatory", "mandatory"), ("advisory", "advisory")]
)
def test_reported_level(level, reported):
    assert reported_level(level) == reported


def test_a_violation_names_a_few_approved_models_and_how_many_more_never_the_whole_list(gate):
    from components.catalog import load_catalog

    approved = sorted(name for name in load_catalog().models if name not in {"gpt-4o", "gpt-5.1"})
    entry = gate(TAGGED_STACK, approved_models={"approvedModels": {name: [] for name in approved}})
    messages = [v["message"] for v in unwaived(entry, "approved-models")]
    assert len(messages) == 2  # gpt-4o and gpt-5.1
    for message in messages:
        assert ", ".join(approved[:5]) + f" and {len(approved) - 5} more" in message
        assert approved[5] not in message and len(message) < 400


# A two-resource run, as the program records it: a protected parent and a child depending on it (and on a
# resource the run never registered). The gate hands these to the pack's policies as CrossGuard would.
_FILE = "stacks/Pulumi.spy.yaml"


def _recorded(name: str, line: int, **options: object):
    from components.config.loaded import SourceLocation
    from foundry_iac.engine.runner import RecordedResource

    defaults: dict = {"parent": None, "dependencies": [], "protect": False}
    return RecordedResource(
        urn=f"urn:pulumi:spy::foundry-iac::test:index:Thing::{name}",
        type="test:index:Thing",
        name=name,
        props={"name": name},
        custom=True,
        source=SourceLocation(_FILE, line),
        **{**defaults, **options},  # type: ignore[arg-type]
    )


HUB = _recorded("Hub", 3, protect=True)  # (a capital: it sorts before "XXXX", as before "")
SPOKE = _recorded("spoke", 7, parent=HUB.urn, dependencies=[HUB.urn, "urn:pulumi:spy::foundry-iac::x:y:Z::gone"])


def _run():
    from pathlib import Path

    from foundry_iac.engine.runner import ProgramRun
    from foundry_iac.engine.stacks import StackRef

    return ProgramRun(StackRef("spy", Path(_FILE), _FILE), [HUB, SPOKE], {})


def _evaluate(monkeypatch, policies: list, config: dict | None = None):
    from foundry_iac.engine import gate
    from foundry_iac.engine.policy_config import PolicySettings

    monkeypatch.setattr(gate, "POLICIES", policies)
    settings = {p.name: PolicySettings("mandatory", dict(config or {})) for p in policies}
    return gate.evaluate_policies(_run(), settings)


def _crossguard_options(recorded) -> dict:
    """The options pulumi-policy's analyzer builds from the engine's request for this resource (no custom
    timeouts, ignoreChanges, aliases or secret outputs set, delete-before-replace not defined)."""
    from pulumi.runtime import proto
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    options = proto.AnalyzerResourceOptions(protect=recorded.protect, parent=recorded.parent or "")
    request = proto.AnalyzeRequest(type=recorded.type, urn=recorded.urn, name=recorded.name, options=options)
    return _options_data(_PolicyAnalyzerServicer._get_resource_options(None, request))  # type: ignore[arg-type]


def _options_data(opts) -> dict:
    """A PolicyResourceOptions as plain data: lists as lists, the timeouts as their three numbers."""
    data = {
        key: list(value) if not isinstance(value, bool | str | type(None)) else value
        for key, value in vars(opts).items()
        if key != "custom_timeouts"
    }
    return {**data, "custom_timeouts": vars(opts.custom_timeouts)}


def test_every_policy_gets_the_resource_options_and_links_crossguard_would_hand_it(monkeypatch):
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

    options: dict[str, dict] = {}
    seen: dict[str, tuple] = {}
    stack: list = []

    async def validate_resource(args, report):  # an async policy is settled like CrossGuard settles it
        options[args.urn] = _options_data(args.opts)
        seen[args.urn] = (args.resource_type, args.name, dict(args.props))

    def validate_stack(args, report):
        stack.extend(args.resources)

    level = EnforcementLevel.MANDATORY
    policies = [
        ResourceValidationPolicy("spy-resource", "records its arguments", validate_resource, level),
        StackValidationPolicy("spy-stack", "records its arguments", validate_stack, level),
    ]
    assert _evaluate(monkeypatch, policies) == []
    expected = {r.urn: _crossguard_options(r) for r in (HUB, SPOKE)}
    assert options == expected
    assert seen == {r.urn: (r.type, r.name, r.props) for r in (HUB, SPOKE)}
    assert options[HUB.urn]["protect"] is True and options[SPOKE.urn]["parent"] == HUB.urn  # (not vacuous)
    hub, spoke = stack
    assert [hub.urn, spoke.urn] == [HUB.urn, SPOKE.urn]
    assert {r.urn: _options_data(r.opts) for r in stack} == expected
    assert hub.parent is None and spoke.parent is hub  # the parent resource itself, as CrossGuard links it
    assert hub.dependencies == [] and spoke.dependencies == [hub]  # an unregistered dependency is dropped
    assert [(r.provider, r.property_dependencies) for r in stack] == [(None, {}), (None, {})]


def test_findings_keep_their_lines_the_lines_they_relate_to_and_the_waiver_that_exempted_them(monkeypatch):
    from pulumi_policy import Severity

    from foundry_iac.engine.report_model import Source, WaiverRef
    from policies.framework import Finding, PolicySpec, Resource, stack_policy

    hub, spoke = (Resource(r.type, r.name, r.urn, r.props) for r in (HUB, SPOKE))

    def check(resources, config):
        yield Finding("the hub is used by the spoke", hub, related=(spoke,))
        yield Finding("the stack as a whole relates to the spoke", None, related=(spoke,))
        yield Finding("the spoke is off, by a waiver", spoke)

    spec = PolicySpec("spy-related", "relates findings", "nothing to do", Severity.LOW)
    waiver = {"resource": "spoke", "reason": "a good long reason", "approver": "lead", "expires": "2999-01-01"}
    found = _evaluate(monkeypatch, [stack_policy(spec, check)], {"waivers": [waiver]})
    at_hub, at_spoke, at_file = Source(file=_FILE, line=3), Source(file=_FILE, line=7), Source(file=_FILE, line=None)
    summary = [(v.urn, v.message, v.source, v.related, v.waived, v.waiver, v.enforcement) for v in found]
    assert summary == [
        (None, "the stack as a whole relates to the spoke", at_file, [at_spoke], False, None, "mandatory"),
        (HUB.urn, "the hub is used by the spoke", at_hub, [at_spoke], False, None, "mandatory"),
        (SPOKE.urn, "the spoke is off, by a waiver", at_spoke, [], True, WaiverRef(**waiver), "mandatory"),
    ]


def test_violations_come_mandatory_first_then_advisory_then_waived_each_under_its_own_policy(monkeypatch):
    """The report's order: unwaived mandatory, unwaived advisory, waived; within each by the pack's order of
    policies, then the resource's name (a stack-wide finding first), then the message."""
    from pulumi_policy import Severity

    from policies.framework import Finding, PolicySpec, Resource, stack_policy

    hub, spoke = (Resource(r.type, r.name, r.urn, r.props) for r in (HUB, SPOKE))

    def first(resources, config):
        yield Finding("the hub is late", hub, advisory=True)
        yield Finding("the stack is late", None, advisory=True)
        yield Finding("the hub is misnamed", hub)
        yield Finding("a spoke is misnamed", spoke)  # its message sorts first, its resource's name second

    def second(resources, config):
        yield Finding("the spoke is off for now", spoke, advisory=True)
        yield Finding("the stack is off", None)

    policies = [
        stack_policy(PolicySpec("spy-first", "first", "none", Severity.LOW), first),
        stack_policy(PolicySpec("spy-second", "second", "none", Severity.LOW), second),
    ]
    waiver = {"resource": "spoke", "reason": "a good long reason", "approver": "lead", "expires": "2999-01-01"}
    found = _evaluate(monkeypatch, policies, {"waivers": [waiver]})
    # (the waiver is spy-first's too, so its spoke finding is waived there: keep spy-first's findings on the hub)
    summary = [(v.policy, v.enforcement, v.waived, v.urn, v.message) for v in found]
    assert summary == [
        ("spy-first", "mandatory", False, HUB.urn, "the hub is misnamed"),
        ("spy-second", "mandatory", False, None, "the stack is off"),
        ("spy-first", "advisory", False, None, "the stack is late"),
        ("spy-first", "advisory", False, HUB.urn, "the hub is late"),
        ("spy-first", "mandatory", True, SPOKE.urn, "a spoke is misnamed"),
        ("spy-second", "advisory", True, SPOKE.urn, "the spoke is off for now"),
    ]


def _contradiction(tmp_path, stack_edit: tuple[str, str], policy: str, settings: dict, check: str):
    """What gate.<check> says of MINIMAL_STACK (edited) and BASE_POLICY_CONFIG with `policy` set to `settings`
    (written one setting a line), and the policy file's text."""
    import json

    from components.stack.loader import load_stack_file
    from foundry_iac.engine import gate
    from foundry_iac.engine.policy_config import load_policy_config
    from policies.pack import POLICIES
    from tests.conftest import BASE_POLICY_CONFIG, MINIMAL_STACK

    stack = tmp_path / "Pulumi.gated.yaml"
    stack.write_text(MINIMAL_STACK.replace(*stack_edit))
    path = tmp_path / "policy.json"
    text = json.dumps({**BASE_POLICY_CONFIG, policy: settings}, indent=2)
    path.write_text(text)
    loaded = load_policy_config(path, "policy.json", POLICIES)
    return getattr(gate, check)(load_stack_file(stack, "Pulumi.gated.yaml"), loaded[policy]), text


def _line(text: str, *needles: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if all(n in line for n in needles))


@pytest.mark.parametrize("stated", ["EU", "none"])
def test_a_stated_residency_under_a_disabled_residency_policy_is_refused_at_both_lines_unless_it_is_none(
    tmp_path, stated
):
    """The policy config governs: a disabled residency policy contradicts any boundary the stack states but none."""
    residency = {"boundary": "EU", "enforcementLevel": "disabled"}  # the level on its own line, below the entry's
    edit = ("foundry-iac:residency: EU", f"foundry-iac:residency: {stated}")
    problem, text = _contradiction(tmp_path, edit, "residency-deployment-type", residency, "residency_contradiction")
    if stated == "none":
        assert problem is None
        return
    assert problem == (
        f"Pulumi.gated.yaml:5: residency: the stack states 'EU' but residency-deployment-type is disabled in "
        f"policy.json:{_line(text, 'enforcementLevel')}; enable it with boundary 'EU', or remove residency"
    )


def test_a_stated_residency_other_than_the_policy_boundary_is_refused_at_both_lines(tmp_path):
    residency = {"enforcementLevel": "mandatory", "boundary": "EU"}  # the boundary on its own line
    edit = ("foundry-iac:residency: EU", "foundry-iac:residency: US")
    problem, text = _contradiction(tmp_path, edit, "residency-deployment-type", residency, "residency_contradiction")
    assert problem == (
        f"Pulumi.gated.yaml:5: residency: the stack states 'US' but policy.json:{_line(text, 'boundary')} sets "
        "residency-deployment-type.boundary 'EU'; make them the same (the policy config governs: change it through "
        "a reviewed change, or remove residency from the stack file)"
    )


@pytest.mark.parametrize("environment", ["production", "nonproduction"])
def test_an_advisory_unknown_limit_is_refused_for_a_production_stack_at_both_lines(tmp_path, environment):
    quota = {"enforcementLevel": "mandatory", "unknownLimit": "advisory"}
    edit = ("foundry-iac:environment: production", f"foundry-iac:environment: {environment}")
    problem, text = _contradiction(tmp_path, edit, "quota-capacity", quota, "unknown_limit_contradiction")
    if environment != "production":
        assert problem is None
        return
    assert problem == (
        f"policy.json:{_line(text, 'unknownLimit')}: quota-capacity.unknownLimit: the stack is production "
        "(Pulumi.gated.yaml:4), where a pool without a known limit must block; remove unknownLimit (or set it to "
        "mandatory) and record the limit in `limits` or run `foundry-iac quota sync`"
    )


def test_every_waiver_naming_no_resource_of_the_run_is_refused_whether_or_not_one_before_it_resolves():
    from foundry_iac.engine.gate import waiver_problems
    from foundry_iac.engine.policy_config import PolicySettings

    waivers = [
        {"resource": SPOKE.urn, "reason": "a good long reason", "approver": "lead", "expires": "2999-01-01"},
        {"resource": "Hub", "reason": "a good long reason", "approver": "lead", "expires": "2999-01-01"},
        {"resource": "spokes", "reason": "a good long reason", "approver": "lead", "expires": "2999-01-01"},
    ]
    where = {"": "policy.json:3", "waivers": "policy.json:4"}
    problems = waiver_problems({"spy": PolicySettings("mandatory", {"waivers": waivers}, where)}, _run())
    (problem,) = problems  # by URN and by logical name resolve; the third is refused even after them
    assert problem.startswith("policy.json:4: spy.waivers[2].resource: unknown resource 'spokes'")
    assert problem.endswith("; a waiver names a resource of this stack by logical name or URN")


def test_the_gates_cost_section_names_the_managed_network_setting_whose_firewall_it_leaves_out(gate):
    """The report's cost section is computed from what the policies saw, logical names included."""
    from components.resource_types import MANAGED_NETWORK
    from tests.conftest import managed_network_block

    stack = TAGGED_STACK.replace("      projects:\n", managed_network_block() + "      projects:\n", 1)
    entry = gate(stack)
    (line,) = entry["cost"]["not_included"]
    (setting,) = [r["name"] for r in entry["resources"] if r["type"] == MANAGED_NETWORK]
    assert line.startswith(f"{setting}: the Azure Firewall Standard of account fdy-test's managed network is billed")


def test_a_contradiction_in_a_named_stack_is_placed_in_the_stack_file_as_the_repository_names_it(tmp_path):
    """`foundry-iac check prod-eu`: lines name stacks/Pulumi.prod-eu.yaml, never the absolute path read."""
    import json

    from foundry_iac.engine.gate import check_stack
    from foundry_iac.engine.stacks import resolve_stack
    from foundry_iac.errors import GateInputError
    from tests.conftest import ROOT

    policy = json.loads((ROOT / "policies/config/prod-eu.json").read_text())
    policy["residency-deployment-type"] = {"boundary": "US"}
    path = tmp_path / "prod-eu.json"
    path.write_text(json.dumps(policy, indent=2))
    stack = resolve_stack("prod-eu", ROOT)
    with pytest.raises(GateInputError) as err:
        check_stack(stack, ROOT, (path, "prod-eu.json"))
    (line,) = err.value.lines()
    assert line.startswith(f"{stack.display}:9: residency: the stack states 'EU' but prod-eu.json:"), line
    assert stack.display == "stacks/Pulumi.prod-eu.yaml"


def _refused(tmp_path, stack_arg: str, edit) -> list[str]:
    """The input errors check_stack gives for a stack and prod-eu's policy config edited by `edit`."""
    import json

    from foundry_iac.engine.gate import check_stack
    from foundry_iac.engine.stacks import resolve_stack
    from foundry_iac.errors import GateInputError
    from tests.conftest import ROOT

    policy = json.loads((ROOT / "policies/config/prod-eu.json").read_text())
    edit(policy)
    path = tmp_path / "prod-eu.json"
    path.write_text(json.dumps(policy, indent=2))
    with pytest.raises(GateInputError) as err:
        check_stack(resolve_stack(stack_arg, ROOT), ROOT, (path, "prod-eu.json"))
    return err.value.lines()


def test_a_misplaced_limit_names_the_stacks_own_region_first(tmp_path):
    def misplace(policy):
        policy["quota-capacity"]["limits"] = {"dataZone:EU": {"OpenAI.DataZoneStandard.gpt-4o": 1}}

    (line,) = _refused(tmp_path, "prod-eu", misplace)
    assert "move it under a region key where it is deployed (swedencentral, " in line, line


def test_a_stack_that_does_not_load_leaves_allowed_filters_unjudged(tmp_path):
    """Its own content filters are unknown, so only its own error is shown, not a guess about the filters."""
    from tests.conftest import ROOT

    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text((ROOT / "stacks/Pulumi.prod-eu.yaml").read_text().replace("residency: EU", "residency: mars"))

    def near_miss(policy):
        policy["content-filter"] = {"allowedFilters": ["microsoft.defaultv2"]}

    (line,) = _refused(tmp_path, str(broken), near_miss)
    assert "residency" in line and "allowedFilters" not in line, line


def test_the_gates_entry_for_a_stack_with_a_secure_value_is_whole_and_redacted(gate):
    import json

    from foundry_iac.engine.runner import SECRET_TEXT

    stack = TAGGED_STACK.replace(
        "  foundry-iac:tags: {owner: team-a}\n", "  foundry-iac:tags:\n    owner:\n      secure: v1:AAAABBBBCCCC\n"
    )
    entry = gate(stack)
    report = json.dumps(entry)
    assert entry["stack"] == "gated" and entry["resources"]
    assert "v1:AAAABBBBCCCC" not in report and SECRET_TEXT in report


def test_the_settings_the_gate_hands_on_keep_each_written_settings_place():
    """The ledger and the other stacks' agent storage are added to the policies' settings without losing where the
    file writes the rest, so a later message (preview, up) can still point at the config's line."""
    from foundry_iac.engine.gate import gate_stack
    from foundry_iac.engine.stacks import resolve_stack
    from tests.conftest import ROOT

    settings = gate_stack(resolve_stack("prod-eu", ROOT), ROOT).settings
    text = (ROOT / "policies/config/prod-eu.json").read_text().splitlines()
    limits = next(i for i, line in enumerate(text, 1) if '"limits"' in line)
    assert "ledger" in settings["quota-capacity"].config
    assert settings["quota-capacity"].location("limits") == f"policies/config/prod-eu.json:{limits}"
    isolation = settings["agent-storage-isolation"]
    assert "otherStacks" in isolation.config
    assert isolation.location("").startswith("policies/config/prod-eu.json:")


@pytest.mark.parametrize("kind", ["case", "other-stack"])
def test_a_waiver_urn_near_miss_is_compared_with_the_runs_urns(kind):
    from components.text import short
    from foundry_iac.engine.gate import waiver_problems
    from foundry_iac.engine.policy_config import PolicySettings

    if kind == "case":
        urn = SPOKE.urn.replace("::spoke", "::SPOKE")
        expected = (
            f"unknown resource URN {short(urn)} (differs in case; names must match exactly); did you mean {SPOKE.urn!r}"
        )
    else:
        urn = SPOKE.urn.replace("urn:pulumi:spy::", "urn:pulumi:prod::")
        expected = (
            "the URN names the stack 'prod', and this policy config judges spy; a waiver names a resource of this "
            f"stack ({short(urn)})"
        )
    waiver = {"resource": urn, "reason": "a good long reason", "approver": "lead", "expires": "2999-01-01"}
    where = {"": "policy.json:3", "waivers": "policy.json:4"}
    (problem,) = waiver_problems({"spy": PolicySettings("mandatory", {"waivers": [waiver]}, where)}, _run())
    assert problem.startswith(f"policy.json:4: spy.waivers[0].resource: {expected}"), problem
    if kind == "case":
        assert problem.endswith("; a waiver names a resource of this stack by logical name or URN"), problem
