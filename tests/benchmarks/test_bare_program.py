"""The benchmark floor program: every mode runs, and the lean one registers exactly what the plain one does
(it is measured, not imported, so without this a broken mode would only show as a benchmark that fails)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def floor(*flags: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bare_program.py"), "30", *flags, "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, ""), flags
    return done.stdout.splitlines()


@pytest.mark.parametrize("flags", [(), ("--components",)])
def test_the_lean_floor_registers_the_same_resources_as_the_plain_one(flags):
    plain = floor(*flags)
    # 30 deployments: 2 accounts, each with a project and its member's role, and the resource group
    custom = [line for line in plain if not line.startswith("foundry-iac:")]
    assert len(custom) == 1 + 2 * 3 + 30
    assert len(plain) - len(custom) == (2 if flags else 0)  # the FoundryAccount components
    assert floor(*flags, "--lean") == plain
