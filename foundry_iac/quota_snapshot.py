"""Committed quota snapshots: quotas/<subscription>.json, written by `foundry-iac quota sync`."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from components.catalog import load_catalog
from components.config.source import read_yaml
from components.errors import FoundryIacError, InputFileError
from components.inputs import loads_strict_json, read_input_text
from components.refs import lookalike, unresolved


class SnapshotError(FoundryIacError):
    """A snapshot file that cannot be used; the message names the file and the fix."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class UsageEntry(_Model):
    """One quota usage of a region: its limit and current use, in Azure's units (1 = 1,000 TPM)."""

    limit: float = Field(ge=0)
    current: float = Field(ge=0)
    unit: str | None = None


class SkuCapacity(_Model):
    """Capacity rules the models API states for a model on a deployment type."""

    model: str
    version: str | None = None
    sku: str
    usage_name: str | None = Field(default=None, alias="usageName")
    minimum: int | None = None
    maximum: int | None = None
    step: int | None = None
    default: int | None = None


class RegionSnapshot(_Model):
    """Usages and model capacity rules of one region."""

    usages: dict[str, UsageEntry]
    capacities: list[SkuCapacity] = Field(default_factory=list)


class QuotaSnapshot(_Model):
    """Quota of one subscription in the regions that were synced."""

    subscription: str
    synced_at: str = Field(alias="syncedAt")
    api_version: str = Field(alias="apiVersion")
    endpoint: str
    regions: dict[str, RegionSnapshot]

    def limit(self, scope: str, usage_name: str) -> UsageEntry | None:
        """The usage entry of a quota scope, or None when it was not synced.

        A region scope reads that region. A pooled scope (`dataZone:EU`, `subscription`) is one pool that
        Azure reports in every region it covers, so the first synced region that reports it is read.
        """
        snap = self.regions.get(scope)
        if snap is not None:
            return snap.usages.get(usage_name)
        if scope == "subscription":
            covered = sorted(self.regions)
        elif scope.startswith("dataZone:"):
            from components.catalog import load_catalog

            zone = scope.split(":", 1)[1]
            covered = sorted(r for r in self.regions if load_catalog().data_zone(r) == zone)
        else:
            return None
        return next((self.regions[r].usages[usage_name] for r in covered if usage_name in self.regions[r].usages), None)


def snapshot_path(root: Path, subscription: str) -> Path:
    """Where the snapshot of a subscription is committed."""
    return root / "quotas" / f"{subscription.lower()}.json"


def load_snapshot(path: Path, display: str) -> QuotaSnapshot | None:
    """The snapshot at `path`, None when there is none; SnapshotError when it is unreadable.

    Its keys name things: each region key is a catalog region, and a usage name that differs from one the
    catalog counts deployments against only by case, whitespace or look-alikes is refused (the gate would
    find no limit under the catalog's spelling and judge nothing).
    """
    if not path.exists():
        return None
    try:
        text = read_input_text(path, display, "quota snapshot")
        data = loads_strict_json(text, display)
    except InputFileError as exc:
        raise SnapshotError(exc.lines()) from None
    try:
        snapshot = QuotaSnapshot.model_validate(data)
    except ValidationError as exc:
        first = str(exc).splitlines()[0]
        raise SnapshotError(
            f"{display}: not a quota snapshot ({first}); re-create it with `foundry-iac quota sync`"
        ) from None
    problems = snapshot_reference_problems(snapshot, text, display)
    if problems:
        raise SnapshotError(problems)
    return snapshot


def snapshot_reference_problems(snapshot: QuotaSnapshot, text: str, display: str) -> list[str]:
    """One line per region key that is no catalog region, and per usage name that only looks like the catalog's."""
    lines = read_yaml(text, display).lines  # JSON is YAML: the line-keeping reader gives positions

    def at(*parts: str) -> str:
        line = lines.get(parts) or lines.get(parts[:2]) or lines.get(parts[:1])
        return f"{display}:{line}" if line else display

    catalog = load_catalog()
    regions = sorted(catalog.regions)
    usage_names = sorted({o.usage_name for m in catalog.models.values() for o in m.offers})
    fix = "re-create the snapshot with `foundry-iac quota sync`, or correct the key"
    problems = []
    for region, snap in snapshot.regions.items():
        problem = unresolved(region, regions, "region", fix)
        if problem:
            problems.append(f"{at('regions', region)}: regions.{region}: {problem}")
        for usage in snap.usages:
            problem = lookalike(usage, usage_names, "usage name", fix, cutoff=1.0)  # Azure lists many more
            if problem:
                problems.append(f"{at('regions', region, 'usages', usage)}: regions.{region}.usages: {problem}")
    return problems
