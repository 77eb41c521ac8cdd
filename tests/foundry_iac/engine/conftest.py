"""Fixtures of the engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundry_iac.engine.add import copy_config
from tests.conftest import ROOT


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository's stacks, policy configs and snapshots beside the real program."""
    copy_config(ROOT, tmp_path)
    return tmp_path
