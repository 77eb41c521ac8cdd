"""defender-for-ai: the subscription's Defender for AI plan is on, registered by this stack or by the stack of the
repository that owns it; one owner per subscription; `plan` shows the plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components import resource_types as types
from foundry_iac.engine.gate import check_stack, gate_stack
from foundry_iac.engine.pack_config import pack_config
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.runner import run_program
from foundry_iac.engine.stacks import resolve_stack
from foundry_iac.errors import GateInputError
from foundry_iac.render.plan import render_plan
from policies.defender import check_defender_for_ai
from policies.framework import Resource
from tests.conftest import ROOT

PROD_EU = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text(encoding="utf-8")
PROD_EU_SUB = "9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34"
OTHER_SUB = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
DEFENDER_LINE = "  foundry-iac:defender: {ai: true}"
POLICY = (ROOT / "policies" / "config" / "prod-eu.json", "policies/config/prod-eu.json")


def plan(tier: str = "Standard", name: str = "AI") -> Resource:
    props = {"pricingName": name, "pricingTier": tier, "scopeId": f"subscriptions/{PROD_EU_SUB}"}
    return Resource(types.SECURITY_PRICING, "defender-ai", "urn:defender-ai", props)


def without_defender(text: str) -> str:
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith(DEFENDER_LINE)]
    assert len(lines) == len(text.splitlines()) - 1
    return "".join(lines)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def gated(path: Path) -> dict:
    return as_data(check_stack(resolve_stack(str(path), ROOT), ROOT, POLICY))


def defender_findings(entry: dict) -> list[dict]:
    return [v for v in entry["violations"] if v["policy"] == "defender-for-ai"]


def test_the_plan_registered_at_standard_passes_and_nothing_registered_fails():
    assert list(check_defender_for_ai([plan()], {})) == []
    (finding,) = check_defender_for_ai([], {})
    assert finding.resource is None
    assert "add `foundry-iac:defender: {ai: true}` to this stack" in finding.message


def test_a_plan_another_stack_of_the_repository_owns_passes():
    owner = {"stack": "prod-eu", "file": "stacks/Pulumi.prod-eu.yaml", "line": 9}
    assert list(check_defender_for_ai([], {"ownedBy": owner})) == []


@pytest.mark.parametrize("tier", ["Free", "standard", None])
def test_a_plan_registered_at_another_tier_fails_at_the_plan(tier):
    resource = plan(tier)
    (finding,) = check_defender_for_ai([resource], {})
    assert finding.resource is resource and f"pricing tier {tier!r}, which leaves it off" in finding.message


def test_another_defender_plan_is_not_the_ai_plan():
    (finding,) = check_defender_for_ai([plan(name="VirtualMachines")], {})
    assert finding.resource is None


def test_plan_prod_eu_shows_the_defender_plan_at_its_stack_line_retained_on_delete():
    entry = check_stack(resolve_stack("prod-eu", ROOT), ROOT)
    line = next(i for i, text in enumerate(PROD_EU.splitlines(), 1) if text.startswith(DEFENDER_LINE))
    text = render_plan(entry)
    assert f"Defender plan AI  Standard on subscriptions/{PROD_EU_SUB}, retained on delete  (line {line})" in text
    assert entry.defender is not None and entry.defender.registered_here and entry.defender.owner == "prod-eu"
    assert defender_findings(as_data(entry)) == []
    (pricing,) = [
        r for r in run_program(resolve_stack("prod-eu", ROOT), ROOT).resources if r.type == types.SECURITY_PRICING
    ]
    assert pricing.retain_on_delete and not pricing.protect


def test_both_production_examples_turn_the_plan_on_in_their_own_subscription():
    for name in ("prod-eu", "prod-us"):
        entry = check_stack(resolve_stack(name, ROOT), ROOT)
        assert entry.defender is not None and entry.defender.owner == name
        assert [r.type for r in entry.resources].count(types.SECURITY_PRICING) == 1


def test_a_production_copy_without_defender_in_its_own_subscription_fails_at_the_environment_line(tmp_path):
    text = without_defender(PROD_EU).replace(PROD_EU_SUB, OTHER_SUB)
    entry = gated(write(tmp_path, "prod-copy", text))
    (finding,) = defender_findings(entry)
    assert finding["enforcement"] == "mandatory" and not finding["waived"]
    assert finding["source"]["line"] == text.splitlines().index("  foundry-iac:environment: production") + 1
    assert not entry["passed"]
    assert entry.get("defender") is None


def test_a_production_copy_declaring_defender_false_fails_at_the_defender_line(tmp_path):
    text = PROD_EU.replace(PROD_EU_SUB, OTHER_SUB).replace("defender: {ai: true}", "defender: {ai: false}")
    (finding,) = defender_findings(gated(write(tmp_path, "prod-copy", text)))
    assert finding["source"]["line"] == next(i for i, s in enumerate(text.splitlines(), 1) if "defender:" in s)


def test_a_stack_stating_ai_false_where_another_stack_turns_the_plan_on_is_refused_at_its_line(tmp_path):
    text = PROD_EU.replace("defender: {ai: true}", "defender: {ai: false}")
    path = write(tmp_path, "zz-prod-eu-copy", text)
    with pytest.raises(GateInputError) as err:
        gated(path)
    (message,) = err.value.messages
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "defender:" in s)
    assert message.startswith(f"{path}:{line}: defender.ai is false, but stack prod-eu (stacks/Pulumi.prod-eu.yaml:")
    assert "remove `foundry-iac:defender` from this stack (the plan stays on)" in message
    # alone in its subscription, `ai: false` says only that this stack does not turn the plan on
    alone = write(tmp_path, "zz-other", text.replace(PROD_EU_SUB, OTHER_SUB))
    assert defender_findings(gated(alone))[0]["enforcement"] == "mandatory"


def test_a_stack_sharing_the_subscription_with_the_owner_registers_nothing_and_names_the_owner(tmp_path):
    for text in (PROD_EU, without_defender(PROD_EU)):  # declaring it or not: prod-eu sorts first and owns it
        entry = gated(write(tmp_path, "zz-prod-eu-copy", text))
        assert types.SECURITY_PRICING not in [r["type"] for r in entry["resources"]]
        assert defender_findings(entry) == []
        row = entry["defender"]
        assert (row["owner"], row["owner_source"]["file"], row["registered_here"]) == (
            "prod-eu",
            "stacks/Pulumi.prod-eu.yaml",
            False,
        )
        assert row["declared_here"] == (text == PROD_EU)


def test_of_two_declaring_stacks_in_one_subscription_the_first_by_name_registers_the_plan(tmp_path):
    entry = gated(write(tmp_path, "a-prod-eu-copy", PROD_EU))
    assert [r["type"] for r in entry["resources"]].count(types.SECURITY_PRICING) == 1
    assert entry["defender"]["owner"] == "a-prod-eu-copy" and entry["defender"]["registered_here"]


def test_the_pack_config_hands_crossguard_the_owner_the_gate_judged_with(tmp_path):
    result = gate_stack(resolve_stack(str(write(tmp_path, "zz-copy", without_defender(PROD_EU))), ROOT), ROOT, POLICY)
    written = json.loads(POLICY[0].read_text(encoding="utf-8"))
    out = pack_config(written, result.settings)
    assert out["defender-for-ai"]["ownedBy"]["stack"] == "prod-eu"
    assert out["defender-for-ai"]["enforcementLevel"] == "mandatory"
