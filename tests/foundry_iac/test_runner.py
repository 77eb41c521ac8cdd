"""The offline runner: runs __main__.py itself, deterministic, fail-safe on bad config, secrets hidden."""

from __future__ import annotations

import pytest

from components.config import ConfigError
from foundry_iac.report_model import as_data
from foundry_iac.runner import SECRET_TEXT, redact
from foundry_iac.stacks import resolve_stack
from tests.conftest import MINIMAL_STACK, ROOT


def test_two_runs_give_identical_resource_lists(run_stack):
    first = [r.as_report() for r in run_stack("prod-eu").resources]
    second = [r.as_report() for r in run_stack("prod-eu").resources]
    assert first == second


def test_bad_config_registers_no_resource(write_stack, monkeypatch):
    import foundry_iac.runner as runner

    recorded = []
    real = runner._RecordingMonitor.RegisterResource

    def spy(self, request):
        recorded.append(request.type)
        return real(self, request)

    monkeypatch.setattr(runner._RecordingMonitor, "RegisterResource", spy)
    path = write_stack(MINIMAL_STACK.replace("capacity: 10", "capacity: -5"))
    with pytest.raises(ConfigError) as err:
        runner.run_program(resolve_stack(str(path), ROOT), ROOT)
    assert [i.line for i in err.value.issues] == [17]
    assert [t for t in recorded if t != "pulumi:pulumi:Stack"] == []


def test_program_exports_endpoints(run_stack):
    outputs = run_stack("prod-us").outputs
    account = outputs["accounts"]["fdy-prod-us-core"]
    assert account["endpoint"].startswith("https://fdy-prod-us-core-") and account["endpoint"].endswith(
        ".services.ai.azure.com/"
    )
    assert account["projects"]["code-review"].endswith("/api/projects/code-review")
    assert outputs["resourceGroup"] == "rg-foundry-prod-us"


def test_secure_values_never_reach_the_report(write_stack, run_stack):
    text = MINIMAL_STACK.replace(
        "  foundry-iac:environment: production\n",
        "  foundry-iac:environment: production\n  foundry-iac:tags:\n    owner:\n      secure: v1:AAAABBBBCCCC\n",
    )
    run = run_stack(write_stack(text))
    report = repr(redact([as_data(r.as_report()) for r in run.resources], run.secrets))
    assert run.secrets and all(s not in report for s in run.secrets)
    assert "v1:AAAABBBBCCCC" not in report and SECRET_TEXT in report


def test_stack_file_path_outside_stacks_is_accepted(write_stack, run_stack):
    run = run_stack(write_stack(MINIMAL_STACK, name="copy"))
    assert run.stack.name == "copy" and run.resources[0].source.file.endswith("Pulumi.copy.yaml")
