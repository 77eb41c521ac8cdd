"""Waivers: valid ones waive and are reported as waived; expired ones waive nothing and are reported."""

from __future__ import annotations

import datetime as dt

import pytest

from policies import waivers
from tests.conftest import TAGGED_STACK, unwaived

GROK = (
    TAGGED_STACK + '        - model: grok-4-1-fast-reasoning\n          version: "1"\n          type: GlobalStandard\n'
    "          capacity: 10\n"
)
WAIVER = {
    "resource": "fdy-test-deployment-grok-4-1-fast-reasoning",
    "reason": "evaluation of grok-4-1-fast-reasoning on public data only",
    "approver": "dpo@example.com",
    "expires": "2027-01-31",
}


@pytest.fixture
def clock():
    def set_today(day: str) -> None:
        waivers.set_clock(lambda: dt.date.fromisoformat(day))

    yield set_today
    waivers.set_clock(None)


def residency(*waiver_list):
    return {"boundary": "EU", "waivers": list(waiver_list)}


def test_valid_waiver_turns_the_violation_into_a_waived_one(gate, clock):
    clock("2027-01-31")  # the expiry day itself still waives
    entry = gate(GROK, residency_deployment_type=residency(WAIVER))
    assert entry["passed"]
    (waived,) = [v for v in entry["violations"] if v["waived"]]
    assert waived["policy"] == "residency-deployment-type" and waived["waiver"]["reason"] == WAIVER["reason"]
    assert waived["waiver"]["expires"] == "2027-01-31" and waived["source"]["line"] == 24


def test_expired_waiver_no_longer_waives_and_is_itself_reported(gate, clock):
    clock("2027-02-01")
    entry = gate(GROK, residency_deployment_type=residency(WAIVER))
    assert not entry["passed"]
    messages = [v["message"] for v in unwaived(entry, "residency-deployment-type")]
    assert len(messages) == 2
    assert any("breaks the EU residency boundary" in m for m in messages)
    assert any("waiver for fdy-test-deployment-grok-4-1-fast-reasoning expired on 2027-01-31" in m for m in messages)


def test_waiver_for_another_resource_does_not_apply(gate, clock):
    clock("2026-12-01")
    entry = gate(GROK, residency_deployment_type=residency({**WAIVER, "resource": "fdy-test-deployment-gpt-4o"}))
    assert not entry["passed"]


def test_waiver_matches_by_urn_too(gate, clock):
    clock("2026-12-01")
    urn = (
        "urn:pulumi:gated::foundry-iac::foundry-iac:foundry:FoundryAccount$azure-native:cognitiveservices:"
        "Deployment::fdy-test-deployment-grok-4-1-fast-reasoning"
    )
    assert gate(GROK, residency_deployment_type=residency({**WAIVER, "resource": urn}))["passed"]


def test_clock_comes_from_the_environment_for_other_processes(monkeypatch):
    monkeypatch.setenv(waivers.TODAY_ENV, "2030-05-06")
    assert waivers.today() == dt.date(2030, 5, 6)


def test_a_waiver_exempts_only_its_own_policy(gate, clock):
    """The residency waiver on the Grok deployment leaves that deployment's approved-models finding alone."""
    clock("2026-12-01")
    entry = gate(
        GROK,
        residency_deployment_type=residency(WAIVER),
        approved_models={"approvedModels": {"gpt-4o": [], "gpt-5.1": []}},
    )
    assert not entry["passed"]
    (left,) = unwaived(entry, "approved-models")
    assert "grok-4-1-fast-reasoning" in left["message"]
    assert [v["policy"] for v in entry["violations"] if v["waived"]] == ["residency-deployment-type"]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("approver", " ", "is not a name (who approved the waiver) with at least one letter or digit"),
        ("approver", "-", "is not a name (who approved the waiver) with at least one letter or digit"),
        ("approver", "\u200b", "is not a name (who approved the waiver) with at least one letter or digit"),
        ("reason", " " * 10, "is not a reason of at least 10 letters or digits"),
        ("reason", "-- n/a -- !", "is not a reason of at least 10 letters or digits"),
    ],
    ids=["blank approver", "dash approver", "invisible approver", "blank reason", "punctuation reason"],
)
def test_a_waiver_with_a_blank_approver_or_reason_is_refused_never_waives(gate, clock, field, value, says):
    from foundry_iac.errors import GateInputError

    clock("2027-01-01")
    with pytest.raises(GateInputError) as err:
        gate(GROK, residency_deployment_type=residency({**WAIVER, field: value}))
    (line,) = err.value.lines()
    assert f"residency-deployment-type.waivers[0].{field}: " in line and line.endswith(says)


@pytest.mark.parametrize("approver", ["ana", "José Núñez", "李明", "Ørsted-team", "ops-42"])
def test_an_approver_in_any_script_with_a_letter_or_digit_waives(gate, clock, approver):
    clock("2027-01-01")
    assert gate(GROK, residency_deployment_type=residency({**WAIVER, "approver": approver}))["passed"]
