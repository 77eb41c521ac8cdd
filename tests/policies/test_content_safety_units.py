"""The content-filter policies on hand-built resources: which filter a deployment uses, exact messages, and
where each finding lands."""

from __future__ import annotations

from policies.content_safety import check_mode, check_severity, check_shields
from policies.framework import Resource

FULL = [
    {"name": c, "enabled": True, "blocking": True, "severityThreshold": "Medium", "source": s}
    for c in ("Hate", "Sexual", "Violence", "Selfharm")
    for s in ("Prompt", "Completion")
]


def rai(name: str, filters: list[dict], mode: str = "Default", account: str = "a") -> Resource:
    props = {"accountName": account, "raiPolicyName": name, "properties": {"mode": mode, "contentFilters": filters}}
    return Resource("azure-native:cognitiveservices:RaiPolicy", f"{account}-cf-{name}", f"urn:cf-{name}", props)


def deployment(name: str, filter_name: str, account: str = "a") -> Resource:
    props = {"accountName": account, "deploymentName": name, "properties": {"raiPolicyName": filter_name}}
    return Resource("azure-native:cognitiveservices:Deployment", f"{account}-{name}", f"urn:{name}", props)


def test_only_a_custom_filters_finding_names_related_deployments():
    custom = list(check_shields([rai("f", FULL), deployment("d1", "f")], {}))
    builtin = list(check_shields([deployment("d2", "Microsoft.Default")], {}))
    assert [r.name for r in custom[0].related] == ["a-d1"] and builtin[0].related == ()


def found(check, resources: list[Resource], config: dict | None = None) -> list[tuple[str, str]]:
    return [(f.resource.name if f.resource else "", f.message) for f in check(resources, config or {})]


def shields(*names: str) -> list[dict]:
    return [{"name": n, "enabled": True, "blocking": True, "source": "Prompt"} for n in names]


def test_a_filter_neither_built_in_nor_registered_is_reported_on_its_first_deployment():
    resources = [deployment("d1", "ghost"), deployment("d2", "ghost"), deployment("d3", "Microsoft.DefaultV2")]
    message = (
        "a/d1, a/d2: content filter ghost is neither built in nor created by this stack, so its settings cannot be "
        "checked; define it under the account's contentFilters"
    )
    assert found(check_severity, resources) == [("a-d1", message)]


def test_every_filter_is_judged_even_after_an_unknown_or_a_passing_one():
    weak = rai("weak", [f for f in FULL if f["name"] != "Hate"])
    resources = [deployment("d0", "ghost"), rai("ok", FULL), deployment("d1", "ok"), weak, deployment("d2", "weak")]
    names = [name for name, _ in found(check_severity, resources)]
    assert names == ["a-d0", "a-cf-weak"]


def test_a_custom_filters_findings_land_on_the_filter_and_are_joined():
    loose = [dict(f, severityThreshold="High") if f["name"] == "Violence" else f for f in FULL]
    loose = [f for f in loose if not (f["name"] == "Hate" and f["source"] == "Prompt")]
    resources = [rai("loose", loose), deployment("d1", "loose"), deployment("d2", "loose")]
    assert found(check_severity, resources) == [
        (
            "a-cf-loose",
            "content filter loose (used by a/d1, a/d2): it does not block Hate on prompts (required: Medium or "
            "stricter); it filters Violence on prompts only from High severity, looser than Medium; it filters "
            "Violence on completions only from High severity, looser than Medium",
        )
    ]


def test_a_built_in_filters_findings_land_on_each_deployment():
    resources = [deployment("d1", "Microsoft.Default"), deployment("d2", "Microsoft.Default")]
    assert found(check_shields, resources) == [
        ("a-d1", "built-in content filter Microsoft.Default (used by a/d1): Jailbreak is not on and blocking"),
        ("a-d2", "built-in content filter Microsoft.Default (used by a/d2): Jailbreak is not on and blocking"),
    ]


def test_max_threshold_per_direction_defaults_the_other_direction_to_medium():
    config = {"maxThreshold": {"Violence": {"prompt": "Low"}}}
    resources = [rai("f", FULL), deployment("d", "f")]
    assert found(check_severity, resources, config) == [
        (
            "a-cf-f",
            "content filter f (used by a/d): it filters Violence on prompts only from Medium severity, looser than Low",
        )
    ]
    assert found(check_severity, resources, {"maxThreshold": {"Violence": "Medium"}}) == []


def test_required_completion_filters_are_named_when_missing():
    resources = [rai("f", FULL + shields("Jailbreak")), deployment("d", "f")]
    config = {"requiredCompletionFilters": ["Protected Material Text", "Protected Material Code"]}
    assert found(check_shields, resources, config) == [
        (
            "a-cf-f",
            "content filter f (used by a/d): Protected Material Text, Protected Material Code are not on and blocking",
        )
    ]
    assert found(check_shields, resources) == []


def test_modes_default_and_asynchronous_filter_are_allowed_by_default():
    for mode in ("Default", "Asynchronous_filter"):
        assert found(check_mode, [rai("f", FULL, mode), deployment("d", "f")]) == []
    assert found(check_mode, [rai("f", FULL, "Deferred"), deployment("d", "f")]) == [
        ("a-cf-f", "content filter f (used by a/d): its mode Deferred is not one of Default, Asynchronous_filter")
    ]


def test_a_deployment_without_a_filter_is_left_to_content_filter():
    resources = [Resource("azure-native:cognitiveservices:Deployment", "x", "urn:x", {"accountName": "a"})]
    assert found(check_severity, resources) == found(check_shields, resources) == []
