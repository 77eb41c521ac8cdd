"""scripts/preview and scripts/up with a fake `pulumi` on PATH that records its arguments."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_STACK, ROOT


@pytest.fixture
def fake_pulumi(tmp_path: Path) -> tuple[dict, Path]:
    """A PATH whose `pulumi` writes its arguments to a file and exits 0."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.txt"
    script = bin_dir / "pulumi"
    script.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$*" >> "{calls}"\n')
    script.chmod(0o755)
    # the live preflight `up` runs before Pulumi is tested against a fake ARM in
    # tests/foundry_iac/azure/test_preflight.py
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FOUNDRY_IAC_PREFLIGHT": "off"}
    return env, calls


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_up_runs_the_gate_then_pulumi_up_with_the_policy_pack(fake_pulumi):
    env, calls = fake_pulumi
    done = run("up", "prod-eu", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert "PASS  prod-eu" in done.stdout  # the gate ran first
    assert calls.read_text().splitlines() == [
        "up --stack prod-eu --policy-pack policies --policy-pack-config .foundry-iac/policy-pack-config/prod-eu.json "
        "--yes"
    ]


def test_pulumi_gets_the_policy_config_as_written_plus_what_the_gate_computed_and_judged_with(fake_pulumi):
    import json

    from foundry_iac.engine.gate import gate_stack
    from foundry_iac.engine.stacks import resolve_stack

    env, _ = fake_pulumi
    assert run("preview", "prod-eu", env=env).returncode == 0
    given = json.loads((ROOT / ".foundry-iac/policy-pack-config/prod-eu.json").read_text())
    written = json.loads((ROOT / "policies/config/prod-eu.json").read_text())
    settings = gate_stack(resolve_stack("prod-eu", ROOT), ROOT).settings
    ledger = settings["quota-capacity"].config["ledger"]
    assert ledger  # one entry per quota key the stack's deployments use
    others = settings["agent-storage-isolation"].config["otherStacks"]
    assert others == {}  # no other example keeps agent data in prod-eu's accounts: still handed over, empty

    def entry(policy: str) -> dict:
        value = written.get(policy) or {}
        return {"enforcementLevel": value} if isinstance(value, str) else value

    assert given == {
        **written,
        "quota-capacity": {**entry("quota-capacity"), "ledger": ledger},
        "agent-storage-isolation": {**entry("agent-storage-isolation"), "otherStacks": others},
    }


def test_preview_uses_the_same_flags(fake_pulumi):
    env, calls = fake_pulumi
    assert run("preview", "prod-us", env=env).returncode == 0
    assert calls.read_text().splitlines() == [
        "preview --stack prod-us --policy-pack policies "
        "--policy-pack-config .foundry-iac/policy-pack-config/prod-us.json"
    ]


def test_up_refuses_to_call_pulumi_when_the_gate_fails(fake_pulumi, tmp_path):
    """A project whose stack keeps API keys on: the gate fails, so pulumi is never called."""
    import sys

    env, calls = fake_pulumi
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    (project / "policies" / "config").mkdir(parents=True)
    for name in ("__main__.py", "Pulumi.yaml"):
        (project / name).symlink_to(ROOT / name)
    (project / "stacks" / "Pulumi.keys.yaml").write_text(
        MINIMAL_STACK.replace("    - name: fdy-test\n", "    - name: fdy-test\n      localAuth: true\n")
    )
    (project / "policies" / "config" / "keys.json").write_text((ROOT / "policies/config/prod-eu.json").read_text())
    done = subprocess.run(
        [sys.executable, "-m", "foundry_iac.cli.main", "up", "keys", "--yes"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "MANDATORY local-auth-disabled" in done.stdout
    assert "the gate failed for keys: not running pulumi up" in done.stderr
    assert not calls.exists()


def test_missing_pulumi_cli_is_a_clear_error():
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    done = run("up", "prod-eu", env=env)
    assert done.returncode == 2 and "the Pulumi CLI is not on PATH" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_path_instead_of_a_stack_name_is_refused(fake_pulumi):
    env, calls = fake_pulumi
    done = run("up", "stacks/Pulumi.prod-eu.yaml", env=env)
    assert done.returncode == 2 and "takes a stack name" in done.stderr and not calls.exists()
