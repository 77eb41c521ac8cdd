"""The tested SDK range: one statement in pyproject.toml, the lock file and the run-time check alike."""

from __future__ import annotations

import re
import tomllib

import pytest

from foundry_iac.engine.sdk_versions import TESTED, installed_versions, release, requirement, version_problems
from tests.conftest import ROOT

GOOD = {"pulumi": "3.272.0", "pulumi-azure-native": "3.29.0", "pulumi-policy": "1.21.0"}


def test_pyproject_states_exactly_the_ranges_checked_at_run_time():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for name in TESTED:
        stated = [d for d in dependencies if re.match(rf"{re.escape(name)}\s*[<>=]", d)]
        assert stated, name
        bounds = sorted(stated[0][len(name) :].split(","))
        assert bounds == sorted(requirement(name)[len(name) :].split(",")), stated


def test_the_lock_file_pins_every_sdk_inside_its_range_with_hashes():
    text = (ROOT / "requirements.lock").read_text()
    entries = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.M)
    pinned = {name.lower(): version for name, version, _ in entries}
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(entries) == len(requirement_lines)  # every requirement carries its hashes
    for name in TESTED:
        assert version_problems({**GOOD, name: pinned[name]}) == [], name


def test_the_installed_sdks_are_the_locked_ones():
    text = (ROOT / "requirements.lock").read_text()
    for name, found in installed_versions().items():
        assert f"\n{name}=={found} " in text, (name, found)


@pytest.mark.parametrize(
    ("name", "version", "inside"),
    [
        ("pulumi", "3.259.0", False),
        ("pulumi", "3.259.99", False),
        ("pulumi", "3.260.0", True),
        ("pulumi", "3.260", True),
        ("pulumi", "3.272.5", True),
        ("pulumi", "3.273.0", False),
        ("pulumi", "4.0.0", False),
        ("pulumi", "3.200.0", False),
        ("pulumi-azure-native", "3.28.9", False),
        ("pulumi-azure-native", "3.29.0", True),
        ("pulumi-azure-native", "3.99.0", True),
        ("pulumi-azure-native", "4.0.0", False),
        ("pulumi-policy", "1.20.0", False),
        ("pulumi-policy", "1.21.0", True),
        ("pulumi-policy", "2.0.0", False),
        ("pulumi", "not-a-version", False),
        ("pulumi", "3.260.0rc1", False),  # before 3.260.0 (PEP 440), and pip's ranges leave pre-releases out
        ("pulumi", "3.265.0.dev4", False),
        ("pulumi-policy", "1.22.0b1", False),
        ("pulumi", "3.265.0.post1", True),
        ("pulumi", "3.261.0.1rc1", False),  # a fourth release number, then the pre-release
        ("pulumi", "3.260.0.post1.dev1", False),  # a development release of a post-release
        ("pulumi", "3.265.0+build.abc", True),
        ("pulumi", "3.265.0+local", True),
    ],
)
def test_a_version_is_accepted_only_inside_its_tested_range(name, version, inside):
    problems = version_problems({**GOOD, name: version})
    assert (problems == []) is inside
    if not inside:
        assert problems == [
            f"{name} {version} is installed but foundry-iac is tested with {requirement(name)}; install from the "
            f"lock file (scripts/setup), or pip install '{requirement(name)}'"
        ]


def test_a_missing_sdk_is_named_with_its_range():
    assert version_problems({**GOOD, "pulumi-policy": None}) == [
        "pulumi-policy is not installed; foundry-iac needs pulumi-policy>=1.21,<2 (run scripts/setup)"
    ]


def test_every_problem_is_its_own_line():
    assert len(version_problems({"pulumi": "3.231.0", "pulumi-azure-native": None, "pulumi-policy": "9"})) == 3


def test_release_reads_major_minor_micro():
    assert release("3.272.0") == (3, 272, 0)
    assert release("3.260") == (3, 260, 0)
    assert release("4") == (4, 0, 0)
    assert release("1.21.0rc1") == (1, 21, 0)
    with pytest.raises(ValueError):
        release("v3")


def test_release_ignores_surrounding_whitespace_and_names_what_is_not_a_version():
    assert release(" 3.260.1\n") == (3, 260, 1)
    with pytest.raises(ValueError, match=r"^not a version: 'v3'$"):
        release("v3")


def test_installed_versions_reads_each_distribution_and_none_when_missing(monkeypatch):
    from importlib.metadata import PackageNotFoundError

    import foundry_iac.engine.sdk_versions as sdk_versions

    def fake_version(name: str) -> str:
        if name == "pulumi-policy":
            raise PackageNotFoundError(name)
        return {"pulumi": "3.272.0", "pulumi-azure-native": "3.29.0"}[name]

    monkeypatch.setattr(sdk_versions, "version", fake_version)
    assert installed_versions() == {"pulumi": "3.272.0", "pulumi-azure-native": "3.29.0", "pulumi-policy": None}
    assert sdk_versions.sdk_summary() == ("pulumi 3.272.0, pulumi-azure-native 3.29.0, pulumi-policy not installed")
