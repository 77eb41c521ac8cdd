"""The one place for foundry-iac's version: `--version`, the SARIF report's tool version."""

from __future__ import annotations


def version() -> str:
    """The installed foundry-iac version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("foundry-iac")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
        return "0+source"


def version_text() -> str:
    """What `foundry-iac --version` prints: this command's version and the Pulumi SDKs it runs on."""
    from .engine.sdk_versions import sdk_summary

    return f"foundry-iac {version()} ({sdk_summary()})"
