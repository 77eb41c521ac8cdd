"""model-lifecycle: retired and deprecated versions fail, dates within warnDays warn; today is the injected clock."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.catalog import load_catalog
from policies import waivers
from policies.lifecycle import check_lifecycle
from tests.conftest import ROOT, TAGGED_STACK, unwaived

GROK_3 = '        - model: grok-3\n          version: "1"\n          type: GlobalStandard\n          capacity: 10\n'


def dev_copy_with_grok_3(tmp_path):
    text = (ROOT / "stacks/Pulumi.dev.yaml").read_text(encoding="utf-8") + GROK_3
    path = tmp_path / "Pulumi.dev-copy.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines().index("        - model: grok-3") + 1


def gate_cli(path, today: str, *extra: str) -> tuple[int, dict]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "foundry_iac.cli.main",
            "check",
            str(path),
            "--policy-config",
            str(ROOT / "policies/config/dev.json"),
            "--format",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"FOUNDRY_IAC_TODAY": today, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def test_dev_copy_with_grok_3_fails_lifecycle_at_the_deployment_line(tmp_path):
    path, line = dev_copy_with_grok_3(tmp_path)
    code, report = gate_cli(path, "2026-11-30")
    (entry,) = report["stacks"]
    (violation,) = unwaived(entry, "model-lifecycle")
    assert code == 1 and violation["enforcement"] == "mandatory"
    assert "Azure retired it on 2026-05-01" in violation["message"] and "move to grok-4" in violation["message"]
    assert violation["source"]["line"] == line


def test_the_same_copy_in_january_2026_has_no_lifecycle_violation(tmp_path):
    path, _ = dev_copy_with_grok_3(tmp_path)
    _, report = gate_cli(path, "2026-01-15")
    assert unwaived(report["stacks"][0], "model-lifecycle") == []  # retirement is 106 days away, beyond 90


def test_within_warn_days_the_retirement_is_advisory(gate, monkeypatch):
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", "2026-03-01")
    stack = TAGGED_STACK.replace("residency: EU", "residency: none") + GROK_3
    entry = gate(
        stack,
        approved_models="disabled",
        residency_deployment_type={"boundary": "none"},
        model_lifecycle={"warnDays": 90},
    )
    (violation,) = unwaived(entry, "model-lifecycle")
    assert violation["enforcement"] == "advisory"
    assert "retires on 2026-05-01 (in 61 days, within 90)" in violation["message"]
    assert "NoAutoUpgrade pins it" in violation["message"]


def test_deprecated_can_be_downgraded_to_advisory_per_stack(gate):
    stack = TAGGED_STACK.replace('version: "2024-11-20"', 'version: "2024-08-06"')
    approved = {"approvedModels": {"gpt-4o": [], "gpt-5.1": []}}
    strict = unwaived(gate(stack, approved_models=approved), "model-lifecycle")
    assert [v["enforcement"] for v in strict] == ["mandatory"]
    assert "Azure refuses new deployments of it" in strict[0]["message"]
    relaxed = gate(stack, approved_models=approved, model_lifecycle={"deprecated": "advisory"})
    (violation,) = unwaived(relaxed, "model-lifecycle")
    assert relaxed["passed"] and violation["enforcement"] == "advisory"
    assert "this subscription has deployed it before" in violation["message"]


def test_a_waiver_exempts_a_retired_version(gate):
    stack = TAGGED_STACK.replace("residency: EU", "residency: none") + GROK_3
    waiver = {
        "resource": "fdy-test-deployment-grok-3",
        "reason": "decommission in progress, ticket OPS-12",
        "approver": "cto@contoso.example",
        "expires": "2026-12-31",
    }
    entry = gate(
        stack,
        approved_models="disabled",
        residency_deployment_type={"boundary": "none"},
        model_lifecycle={"waivers": [waiver]},
    )
    assert unwaived(entry, "model-lifecycle") == []
    assert [v["waived"] for v in entry["violations"] if v["policy"] == "model-lifecycle"] == [True]


def test_no_example_stack_deploys_a_version_deprecated_or_retired_today():
    from components.stack.loader import load_stack_file
    from foundry_iac.engine.stacks import all_stacks

    today = dt.date.fromisoformat("2026-11-30")
    cat = load_catalog()
    for ref in all_stacks(ROOT):
        config = load_stack_file(ref.path, ref.display, ref.name).config
        for account in config.accounts:
            for dep in account.deployments:
                status = cat.models[dep.model].version(dep.version).status_on(today)
                assert status not in ("Deprecated", "Retired"), (ref.name, dep.model, dep.version, status)


DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))


@given(day=DAYS, later=st.integers(min_value=0, max_value=2000))
def test_status_never_moves_backwards_in_time(day, later):
    order = ["Preview", "GenerallyAvailable", "Legacy", "Deprecating", "Deprecated", "Retired"]
    for model in load_catalog().models.values():
        for version in model.versions.values():
            before = order.index(version.status_on(day))
            after = order.index(version.status_on(day + dt.timedelta(days=later)))
            assert after >= before or version.status_on(day) in ("Preview", "GenerallyAvailable", "Legacy")


@given(day=DAYS)
def test_a_version_is_retired_exactly_from_its_retirement_date(day):
    for model in load_catalog().models.values():
        for version in model.versions.values():
            if version.retirement is not None:
                assert (version.status_on(day) == "Retired") == (day >= version.retirement)


def test_check_lifecycle_reads_the_injected_clock():
    from policies.framework import Resource

    account = Resource(
        "azure-native:cognitiveservices:Account", "a", "urn:a", {"accountName": "a", "location": "eastus2"}
    )
    dep = Resource(
        "azure-native:cognitiveservices:Deployment",
        "d",
        "urn:d",
        {
            "accountName": "a",
            "deploymentName": "d",
            "sku": {"name": "GlobalStandard", "capacity": 1},
            "properties": {"model": {"format": "OpenAI", "name": "o3", "version": "2025-04-16"}},
        },
    )
    try:
        waivers.set_clock(lambda: dt.date(2026, 11, 18))
        (found,) = check_lifecycle([account, dep], {})
        assert "deprecated" in found.message and not found.advisory
        waivers.set_clock(lambda: dt.date(2026, 11, 19))
        (found,) = check_lifecycle([account, dep], {})
        assert "Azure retired it on 2026-11-19; new deployments are refused" in found.message
        assert "move to gpt-5.6-sol" in found.message
    finally:
        waivers.set_clock(None)


@pytest.mark.parametrize("setting", [{"warnDays": -1}, {"deprecated": "maybe"}, {"warnDays": "90"}])
def test_bad_lifecycle_settings_are_input_errors(gate, setting):
    from foundry_iac.errors import GateInputError

    with pytest.raises(GateInputError):
        gate(TAGGED_STACK, model_lifecycle=setting)
