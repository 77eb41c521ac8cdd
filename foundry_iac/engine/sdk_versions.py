"""The Pulumi SDK versions the gate was tested with, and the check that the installed ones are among them.

foundry_iac/engine/sdk.py uses SDK internals (underscore names, generated protobuf modules) that move between
minor releases: pulumi 3.231 to 3.259 install under a loose `pulumi>=3.200` and then fail at import
(`pulumi.runtime.mocks._resolve_callbacks` first appears in 3.260). So the range is checked when the
command starts, before anything imports the SDK, and again by sdk.py before it imports the internals; a
mismatch is one line per SDK and exit 2, naming the range. This module imports nothing from the SDK.
pyproject.toml states the same ranges (tests/foundry_iac/engine/test_sdk_versions.py keeps them equal).
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

# distribution: (lowest tested, first untested); pulumi's upper bound is tight because sdk.py uses its internals
TESTED: dict[str, tuple[str, str]] = {
    "pulumi": ("3.260", "3.273"),
    "pulumi-azure-native": ("3.29", "4"),
    "pulumi-policy": ("1.21", "2"),
}
_RELEASE = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")
# PEP 440 pre-releases and development releases (3.260.0rc1, 3.261.0.dev2): they come before their release, and
# pip's ranges leave them out, so none is a tested version
_PRE_RELEASE = re.compile(r"(?:a|b|c|rc|alpha|beta|pre|preview|dev)\d*", re.IGNORECASE)


def release(text: str) -> tuple[int, int, int]:
    """The (major, minor, micro) of a version string; missing parts are 0 ('3.260' is 3.260.0)."""
    match = _RELEASE.match(text.strip())
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    major, minor, micro = (int(part) if part else 0 for part in match.groups())
    return major, minor, micro


def is_pre_release(text: str) -> bool:
    """Whether a version string names a pre-release or development release (`3.260.0rc1`, `1.22.0.dev3`)."""
    match = _RELEASE.match(text.strip())
    rest = text.strip()[match.end() :].partition("+")[0] if match else ""  # a local label (+abc) is no pre-release
    return match is not None and _PRE_RELEASE.search(rest) is not None


def requirement(name: str) -> str:
    """The range of `name` as pip writes it, e.g. 'pulumi>=3.260,<3.273'."""
    low, high = TESTED[name]
    return f"{name}>={low},<{high}"


def installed_versions() -> dict[str, str | None]:
    """The installed version of each SDK distribution, None when it is not installed."""
    found: dict[str, str | None] = {}
    for name in TESTED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def version_problems(installed: dict[str, str | None]) -> list[str]:
    """One line per SDK distribution that is missing or outside its tested range."""
    problems = []
    for name, (low, high) in TESTED.items():
        found = installed.get(name)
        if found is None:
            problems.append(f"{name} is not installed; foundry-iac needs {requirement(name)} (run scripts/setup)")
            continue
        try:
            inside = release(low) <= release(found) < release(high) and not is_pre_release(found)
        except ValueError:
            inside = False
        if not inside:
            problems.append(
                f"{name} {found} is installed but foundry-iac is tested with {requirement(name)}; install from the "
                f"lock file (scripts/setup), or pip install '{requirement(name)}'"
            )
    return problems


def sdk_summary() -> str:
    """'pulumi 3.272.0, pulumi-azure-native 3.29.0, pulumi-policy 1.21.0' (what is installed)."""
    return ", ".join(f"{name} {found or 'not installed'}" for name, found in installed_versions().items())
