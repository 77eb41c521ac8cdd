"""Shared fixtures: the project root, small real stack files, and offline program runs."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from foundry_iac.runner import ProgramRun, run_program
from foundry_iac.stacks import StackRef, resolve_stack

ROOT = Path(__file__).resolve().parents[1]

MINIMAL_STACK = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: swedencentral
  foundry-iac:environment: production
  foundry-iac:residency: EU
  foundry-iac:accounts:
    - name: fdy-test
      projects:
        - name: team-a
          members:
            - principalId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
              role: Azure AI User
      deployments:
        - model: gpt-4o
          version: "2024-11-20"
          type: DataZoneStandard
          capacity: 10
        - model: gpt-4.1-mini
          version: "2025-04-14"
          type: Standard
          capacity: 5
"""


@pytest.fixture
def root() -> Path:
    """The foundry-iac project directory."""
    return ROOT


@pytest.fixture
def write_stack(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a stack file Pulumi.<name>.yaml into a temporary folder and return its path."""

    def write(text: str, name: str = "test") -> Path:
        path = tmp_path / f"Pulumi.{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_stack() -> Callable[[str | Path], ProgramRun]:
    """Run the real Pulumi program offline for a stack name or stack file."""

    def run(stack: str | Path) -> ProgramRun:
        ref = resolve_stack(str(stack), ROOT)
        return run_program(ref, ROOT)

    return run


def example_ref(name: str) -> StackRef:
    """The StackRef of an example stack in stacks/."""
    return resolve_stack(name, ROOT)
