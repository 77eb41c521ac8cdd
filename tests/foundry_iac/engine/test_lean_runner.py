"""The lean offline run (no provider aliases, no stack traces, no GC during the run) changes no report byte."""

from __future__ import annotations

import pulumi
import pytest

from foundry_iac.engine.gate import gate_stack
from foundry_iac.engine.report_model import Report, as_json
from foundry_iac.engine.sdk import _provider_alias
from foundry_iac.render.markdown import render_markdown
from foundry_iac.render.plan import render_plan
from foundry_iac.render.sarif import render_sarif
from foundry_iac.render.text import render_text
from tests.conftest import ROOT, example_ref


@pytest.mark.parametrize("stack", ["prod-us", "prod-eu"])
def test_every_report_is_byte_identical_with_and_without_the_lean_run(stack):
    reports = []
    for lean in (True, False):
        entry = gate_stack(example_ref(stack), ROOT, lean=lean).entry
        report = Report(passed=entry.passed, stacks=[entry])
        reports.append(
            (as_json(report), render_text(report), render_markdown(report), render_sarif(report), render_plan(entry))
        )
    assert reports[0] == reports[1]


def test_only_the_providers_versioned_type_aliases_are_dropped():
    assert _provider_alias(pulumi.Alias(type_="azure-native:cognitiveservices/v20230501:Account"))
    assert not _provider_alias(pulumi.Alias(name="old-name"))
    assert not _provider_alias(pulumi.Alias(type_="azure-native:cognitiveservices/v20230501:Account", name="x"))
    assert not _provider_alias(pulumi.Alias(type_="foundry-iac:foundry:OldAccount"))
    assert not _provider_alias("urn:pulumi:prod::foundry-iac::azure-native:cognitiveservices:Account::a")


def test_the_transformation_keeps_the_programs_aliases_and_drops_only_the_providers():
    from foundry_iac.engine.sdk import drop_provider_aliases

    provider = pulumi.Alias(type_="azure-native:cognitiveservices/v20230501:Account")
    own = pulumi.Alias(name="old-name")

    def args(*aliases: object) -> pulumi.ResourceTransformationArgs:
        opts = pulumi.ResourceOptions(aliases=list(aliases))
        return pulumi.ResourceTransformationArgs(None, "azure-native:cognitiveservices:Account", "a", {"k": 1}, opts)

    result = drop_provider_aliases(args(provider, own, provider))
    assert result is not None and result.props == {"k": 1} and result.opts.aliases == [own]
    assert drop_provider_aliases(args(own)) is None  # nothing to drop: the resource is left as it is
    assert drop_provider_aliases(args()) is None
    untouched = args(provider, own)
    drop_provider_aliases(untouched)
    assert untouched.opts.aliases == [provider, own]  # a copy of the options is changed, not the program's


@pytest.mark.parametrize("stack", ["dev", "prod-us", "prod-eu"])
def test_the_lean_run_declares_every_dependency_without_walking_the_dependency_graph(stack, monkeypatch):
    # every depends_on and input of the program points to a resource created before it, so the SDK's cycle
    # check (a walk of the graph per dependency: quadratic along a write chain) is never needed
    import pulumi.runtime.resource_cycle_breaker as cycle_breaker

    walks = []
    reachable = cycle_breaker._reachable
    monkeypatch.setattr(cycle_breaker, "_reachable", lambda **args: walks.append(args) or reachable(**args))
    gate_stack(example_ref(stack), ROOT, lean=True)
    assert walks == []
    gate_stack(example_ref(stack), ROOT, lean=False)
    assert walks  # the SDK's own run walks it
