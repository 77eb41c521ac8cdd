"""Committed quota snapshots: quotas/<subscription>.json, written by `foundry-iac quota sync`."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from components.catalog import load_catalog
from components.errors import FoundryIacError, InputFileError
from components.inputs import loads_strict_json, read_input_text
from components.refs import MAX_NAME, PLAIN_NAME, lookalike, unresolved
from components.source import json_lines
from components.text import clip, short


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


_SEPARATORS = re.compile(r"[-._\s]")


def _unseparated(name: str) -> str:
    return _SEPARATORS.sub("", name).casefold()


def separator_typo(usage: str, usage_names: list[str], fix: str) -> str | None:
    """Why `usage` is refused as a typo of a catalog usage name, or None.

    Azure reports many usage names the catalog does not know (other models, other versions: `gpt-5.3` next to
    `gpt-5.2`, `o3-mini` next to `o3`), so a name unlike the catalog's by a letter or digit passes. A name that
    differs from one only by its separators (`gpt4o` for `gpt-4o`, `gpt-4.1` for `gpt4.1`) names the same model
    and would leave the catalog's pool without its limit: refused with the nearest name. A name the snapshot's
    models API answer itself lists (its capacities' usageName) is Azure's own spelling and always passes.
    """
    if usage in usage_names or len(usage) > MAX_NAME:
        return None
    same = [name for name in usage_names if _unseparated(name) == _unseparated(usage)]
    if not same:
        return None
    return (
        f"unknown usage name {short(usage)} (differs only in separators from the catalog's; names must match "
        f"exactly); did you mean {' or '.join(repr(n) for n in same[:3])}?; {fix}"
    )


def malformed_usage_name(usage: str, usage_names: list[str], fix: str) -> str | None:
    """Why `usage` cannot be a usage name Azure reports, or None.

    Azure's usage names are identifiers, `<provider>.<deployment type>.<model>` (`AIServices.GlobalStandard.grok-4.7`):
    a control, whitespace or non-ASCII character is never part of one. Their provider and deployment-type parts
    are a short known list, so a part that only looks like a known one (`AlServices` with a lower-case L) is a
    typo that would leave the catalog's pool without its limit; the model part is open (Azure lists models the
    catalog does not know).
    """
    if not PLAIN_NAME.fullmatch(usage):
        bad = next(c for c in usage if not PLAIN_NAME.fullmatch(c))
        return (
            f"unknown usage name {short(usage)}: it holds {short(bad)} (U+{ord(bad):04X}), and Azure's usage names "
            f"are printable ASCII without spaces; {fix}"
        )
    if len(usage) > MAX_NAME:
        why = f"longer than {MAX_NAME} characters, as no usage name Azure reports"
        return f"unknown usage name {short(usage)}: {why}; {fix}"
    parts = usage.split(".", 2)
    for index, what in enumerate(("provider", "deployment type")[: len(parts)]):
        known = sorted({name.split(".", 2)[index] for name in usage_names if name.count(".") >= index})
        problem = lookalike(parts[index], known, f"{what} part")
        if problem:
            return f"unknown usage name {short(usage)}: {problem}; {fix}"
    return None


def snapshot_path(root: Path, subscription: str) -> Path:
    """Where the snapshot of a subscription is committed."""
    return root / "quotas" / f"{subscription.lower()}.json"


_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def quota_file_problems(root: Path) -> list[str]:
    """One line per file in quotas/ that the gate would not find: only quotas/<subscription in lower case>.json
    is read, so any other *.json there (an upper-case id: ignored on Linux, found on macOS) is refused."""
    folder = root / "quotas"
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.iterdir()):
        stem, dot, suffix = path.name.rpartition(".")
        if not dot or suffix.lower() != "json" or not path.is_file():
            continue
        if _GUID.fullmatch(stem) and suffix == "json":
            continue
        display = f"quotas/{clip(path.name, 80)}"
        if _GUID.fullmatch(stem.lower()):
            why = "the gate would ignore it on a case-sensitive file system (Linux) and read it on macOS"
            fix = f"rename it to {stem.lower()}.json"
        else:
            why = "the gate would never read it"
            fix = "name it by the subscription id it holds, in lower case, or move it out of quotas/"
        problems.append(
            f"{display}: a quota snapshot is read only as quotas/<subscription id in lower case>.json, so {why}; {fix}"
        )
    return problems


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
        error = exc.errors()[0]
        loc = tuple(str(part) for part in error["loc"])
        lines = json_lines(text, display)
        line = next((lines[loc[:cut]] for cut in range(len(loc), 0, -1) if loc[:cut] in lines), None)
        where = f"{display}:{line}" if line else display
        field = ".".join(clip(part, 60) for part in loc) or "the file"
        raise SnapshotError(
            f"{where}: not a quota snapshot ({field}: {error['msg']}); re-create it with `foundry-iac quota sync`"
        ) from None
    problems = snapshot_reference_problems(snapshot, text, display)
    if problems:
        raise SnapshotError(problems)
    return snapshot


def snapshot_reference_problems(snapshot: QuotaSnapshot, text: str, display: str) -> list[str]:
    """One line per region key that is no catalog region, and per usage name that only looks like the catalog's."""
    lines = json_lines(text, display)

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
        reported = {c.usage_name for c in snap.capacities if c.usage_name}  # the models API names these itself
        for usage in snap.usages:
            problem = lookalike(usage, usage_names, "usage name", fix, cutoff=1.0)  # Azure lists many more
            if not problem and usage not in usage_names:
                problem = malformed_usage_name(usage, usage_names, fix)
            if not problem and usage not in reported:
                problem = separator_typo(usage, usage_names, fix)
            if problem:
                problems.append(f"{at('regions', region, 'usages', usage)}: regions.{region}.usages: {problem}")
    return problems
