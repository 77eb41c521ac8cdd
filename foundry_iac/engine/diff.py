"""`foundry-iac diff --base REF`: what a change does to each stack, for the pull-request comment.

The stacks, policy configs and quota snapshots at REF are read from git (`git show`, the work tree is
never touched) into a temporary project that runs the work tree's program and pack; both sides are
then checked and compared: resources added, removed and changed (with the properties that changed
and whether Azure must replace them), cost and quota deltas, violations introduced and resolved.
Program and catalog changes themselves are reviewed as code: both sides use the work tree's.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from components import resource_types as types

from ..errors import GateInputError, UsageError
from .irreversible import injected_subnets, irreversible_changes
from .pool import build_report
from .report_model import DiffReport, StackDiff, StackReport, as_data
from .stacks import all_stacks

CONFIG_PATHS = ("stacks", "policies/config", "quotas")
PROGRAM_FILES = ("__main__.py", "Pulumi.yaml")
DEPLOYMENT = types.DEPLOYMENT
ACCOUNT = types.ACCOUNT
PROJECT = types.PROJECT
ROLE = types.ROLE_ASSIGNMENT
LOCK = types.LOCK
LOCKED = (
    "the account has a CanNotDelete lock, which its children inherit: Azure refuses to delete the old one "
    "(ScopeLocked). Deploy the new model under a new deployment name and retire the old one later, or lift "
    "the lock in a reviewed change first"
)
LOCK_REFUSES = (
    "{kind} {name} is {how} under the CanNotDelete lock {lock} on account {account}: Azure refuses to delete it "
    "(ScopeLocked) and `pulumi up` fails. Remove the lock in a separate reviewed change first, or keep the "
    "{keep}"
)
KEEP_DEPLOYMENT = "deployment (a new model goes under a new deployment name)"
ACCOUNT_HOST = types.ACCOUNT_CAPABILITY_HOST
PROJECT_HOST = types.PROJECT_CAPABILITY_HOST
TEARDOWN_ORDER = (
    "Azure needs the project capability hosts deleted first, then the account capability host, then the account "
    "(Pulumi deletes in that order, the reverse of the chain it created)"
)
HOST_DELETED = (
    "deleting an agents capability host stops the agents that use it (their threads, files and vectors stay in "
    "your Cosmos DB, Storage and Search). " + TEARDOWN_ORDER
)
# The agent subnet's service association link outlives the account (foundry-samples issue 314, 2026-11-23).
SUBNET_HELD = (
    "the account's agents are injected into subnet {subnet}: Azure keeps that subnet in use (service association "
    "link) after the account is deleted, until the account is purged (`az cognitiveservices account purge`) and "
    "the link is released 15-60 minutes later; reusing the subnet before then fails. " + TEARDOWN_ORDER
)

RETAINED = (
    "retained on delete: Pulumi only forgets it, and Azure keeps it as it is (the Defender for AI plan stays on and "
    "billed); change it in Azure (Defender for Cloud) if that is what you want"
)

DELETE_FIRST = (
    "The Azure name is pinned, so Pulumi deletes the old resource before it creates the new one "
    "(delete-before-replace): expect downtime for the minutes Azure takes to create it"
)
# Properties whose change makes Azure (and Pulumi) delete and re-create the resource.
REPLACE_ON = {
    DEPLOYMENT: {
        "properties.model.format",
        "properties.model.name",
        "accountName",
        "deploymentName",
        "resourceGroupName",
    },
    ACCOUNT: {"location", "kind", "properties.customSubDomainName", "accountName", "resourceGroupName"},
    PROJECT: {"location", "accountName", "projectName", "resourceGroupName"},
    ROLE: {"principalId", "roleDefinitionId", "scope", "roleAssignmentName", "principalType"},
    types.BUDGET: {"scope", "budgetName"},  # both are in the budget's resource id
}
DOWNTIME = {
    DEPLOYMENT: "the deployment is deleted and re-created (Azure cannot change a deployment's model: "
    "CannotChangeDeploymentModel); requests to it fail until the new one is ready",
    ACCOUNT: "the account and everything in it are re-created: every deployment and project goes down, and the "
    "old name stays soft-deleted (and its quota held) for up to 48 hours",
    PROJECT: "the project is re-created: its agents, connections and files are lost",
    types.PROJECT_CAPABILITY_HOST: "Azure does not update a capability host: it is deleted and re-created, and the "
    "project's agents stop until the new one is ready (their threads, files and vectors stay in your resources)",
    types.ACCOUNT_CAPABILITY_HOST: "Azure does not update a capability host: it is deleted and re-created, and the "
    "account's agents stop until the new one is ready",
}


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("git is not installed; diff reads the base from git") from None
    if done.returncode != 0:
        raise UsageError(f"git {' '.join(args[:2])}: {done.stderr.decode(errors='replace').strip() or 'failed'}")
    return done.stdout


def materialize(root: Path, ref: str, dest: Path) -> str:
    """Write REF's stacks, policy configs and snapshots into `dest` beside the work tree's program."""
    try:
        sha = _git(root, "rev-parse", "--verify", f"{ref}^{{commit}}").decode().strip()
    except UsageError:
        raise UsageError(
            f"--base {ref}: not a commit in this repository; fetch it (git fetch origin) or name another ref"
        ) from None
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", sha, "--", *CONFIG_PATHS)
    for name in filter(None, listing.decode().split("\0")):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(root, "show", f"{sha}:{name}"))
    for name in PROGRAM_FILES:
        (dest / name).symlink_to(root / name)
    return sha


def _lock_over(resource: Mapping[str, Any], locks: Mapping[str, str]) -> str | None:
    """The name of the lock (by lower-cased scope) on the account this resource is, or belongs to; None: unlocked."""
    props = resource["props"]
    if resource["type"] == LOCK or not props.get("accountName") or not props.get("resourceGroupName"):
        return None
    suffix = (
        f"/resourcegroups/{str(props['resourceGroupName']).lower()}/providers/"
        f"microsoft.cognitiveservices/accounts/{str(props['accountName']).lower()}"
    )
    return next((name for scope, name in locks.items() if scope.endswith(suffix)), None)


def _under_lock(resource: Mapping[str, Any], locked_scopes: set[str]) -> bool:
    """True when a CanNotDelete lock sits on the account this child resource belongs to."""
    return _lock_over(resource, dict.fromkeys(locked_scopes, "")) is not None


def _locks(*sides: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Each lock's name by its lower-cased scope, on either side: a lock the change adds or removes is
    created or deleted alongside the other steps, so the deletion may still meet it."""
    return {
        str(r["props"]["scope"]).lower(): str(r["name"]) for side in sides for r in side.values() if r["type"] == LOCK
    }


def locked_deletions(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]], replaced: Collection[str]
) -> list[dict[str, Any]]:
    """Resources the change deletes (removed, or replaced: `replaced` URNs) under a CanNotDelete lock (those
    retained on delete are forgotten, not deleted)."""
    locks = _locks(old, new)
    out = []
    for urn, resource in old.items():
        how = "removed" if urn not in new else "replaced (the old one is deleted)" if urn in replaced else None
        # Pulumi only forgets a resource retained on delete: no DELETE reaches Azure, so no lock refuses it
        lock = _lock_over(resource, locks) if how and not resource.get("retain_on_delete") else None
        if lock is None:
            continue
        kind = str(resource["type"]).rsplit(":", 1)[-1]
        account = resource["props"]["accountName"]
        keep = KEEP_DEPLOYMENT if resource["type"] == DEPLOYMENT else kind
        text = LOCK_REFUSES.format(kind=kind, name=resource["name"], how=how, lock=lock, account=account, keep=keep)
        out.append({"urn": urn, "type": resource["type"], "name": resource["name"], "lock": lock, "message": text})
    return out


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out or ({prefix: {}} if prefix else {})  # an empty map is a value; no props at all is nothing
    return {prefix: value}


def resource_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Changed properties of one resource: path, before, after."""
    old, new = _flatten(before["props"]), _flatten(after["props"])
    return [
        {"path": path, "before": old.get(path), "after": new.get(path)}
        for path in sorted(set(old) | set(new))
        if old.get(path) != new.get(path)
    ]


def _brief(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "urn": resource["urn"],
        "type": resource["type"],
        "name": resource["name"],
        "source": resource.get("source"),
    }


def transient_quota(
    q_old: Mapping[tuple[str, str, str], int], added: list[dict[str, Any]], after: Mapping[str, Any] | None
) -> dict[tuple[str, str, str], int]:
    """Units held while a change runs: Pulumi creates added deployments before it deletes removed ones.

    A deployment renamed (or moved to a new name with a new model) exists twice during `pulumi up`, so
    the scope holds the old units plus the new ones until the old deployment is deleted.
    """
    from policies.quota import quota_key, requested_units

    if after is None:
        return {}
    regions = {
        str(r["props"].get("accountName")): str(r["props"].get("location"))
        for r in after["resources"]
        if r["type"] == ACCOUNT
    }
    subscription = next((q["subscription"] for q in after["quota"]), "")
    extra: dict[tuple[str, str, str], int] = {}
    for r in added:
        if r["type"] != DEPLOYMENT:
            continue
        props = r["props"]
        model = (props.get("properties") or {}).get("model") or {}
        sku = props.get("sku") or {}
        region = regions.get(str(props.get("accountName")), "unknown")
        scope, usage = quota_key(str(model.get("name")), str(sku.get("name")), model.get("version"), region)
        key = (subscription, scope, usage)
        extra[key] = extra.get(key, 0) + requested_units(
            str(model.get("name")), str(sku.get("name")), int(sku.get("capacity", 0))
        )
    return {key: q_old.get(key, 0) + units for key, units in extra.items()}


def deletion_warning(resource: Mapping[str, Any]) -> str | None:
    """What deleting this resource takes, when it is an agents capability host or an account with an agent subnet;
    or that it is not deleted at all, when it is retained on delete."""
    if resource.get("retain_on_delete"):
        return RETAINED
    if resource["type"] in (ACCOUNT_HOST, PROJECT_HOST):
        return HOST_DELETED
    if resource["type"] == ACCOUNT and injected_subnets(resource):
        return SUBNET_HELD.format(subnet=", ".join(injected_subnets(resource)))
    return None


def _removed(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {**_brief(resource), "warning": deletion_warning(resource)}  # None is left out of the report


def _violation_key(v: Mapping[str, Any]) -> tuple[str, str | None, str]:
    return v["policy"], v["urn"], v["message"]


def _resources(entry: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """A side's resources by URN, without the program's own component resources."""
    return {r["urn"]: r for r in (entry or {}).get("resources", []) if not r["type"].startswith("foundry-iac:")}


def _replace_notes(old: dict[str, Any], new: dict[str, Any], locked: set[str]) -> list[str]:
    """What replacing this resource costs: downtime, deletion first, a lock in the way, what its deletion takes."""
    kind = new["type"]
    notes = [DOWNTIME[kind]] if kind in DOWNTIME else []
    if new.get("delete_before_replace"):
        notes.append(DELETE_FIRST)
    if kind in (DEPLOYMENT, PROJECT) and _under_lock(new, locked):
        notes.append(LOCKED)
    if deletion_warning(old):
        notes.append(str(deletion_warning(old)))
    return notes


def _changed(old: dict[str, Any], new: dict[str, Any], locked: set[str]) -> dict[str, Any] | None:
    """The changed-resource entry for a resource on both sides (None: nothing changed)."""
    changes = resource_changes(old, new)
    if not changes:
        return None
    replace_paths = REPLACE_ON.get(new["type"], set()) | set(new.get("replace_on_changes", []))
    replace = any(c["path"] in replace_paths for c in changes)
    notes = _replace_notes(old, new, locked) if replace else []
    return {**_brief(new), "changes": changes, "replace": replace, "warning": ". ".join(notes) or None}


def _side_total(entry: dict[str, Any] | None, key: str) -> float | None:
    # a stack absent on one side costs nothing there; an unpriced one has no total (None), never 0
    if entry is None:
        return 0.0
    value = entry["cost"][key]
    return None if value is None else float(value)


def _cost_change(before: dict[str, Any] | None, after: dict[str, Any] | None, key: str) -> dict[str, Any]:
    old, new = _side_total(before, key), _side_total(after, key)
    return {
        "before": None if old is None else round(old, 2),
        "after": None if new is None else round(new, 2),
        "delta": None if old is None or new is None else round(new - old, 2),
    }


def _quota_by_key(entry: dict[str, Any] | None) -> dict[tuple[str, str, str], int]:
    return {(q["subscription"], q["region"], q["usage_name"]): q["requested"] for q in (entry or {}).get("quota", [])}


def _quota_rows(
    q_old: dict[tuple[str, str, str], int],
    q_new: dict[tuple[str, str, str], int],
    peak: dict[tuple[str, str, str], int],
) -> list[dict[str, Any]]:
    """One row per quota scope whose request moves, or whose transient peak exceeds both sides."""
    rows = []
    for k in sorted(set(q_old) | set(q_new) | set(peak)):
        b, a = q_old.get(k, 0), q_new.get(k, 0)
        top = peak.get(k, b)
        if b == a and top <= max(a, b):
            continue
        row = {"subscription": k[0], "region": k[1], "usage_name": k[2], "before": b, "after": a, "delta": a - b}
        if top > max(a, b):
            row["transient_peak"] = top
        rows.append(row)
    return rows


def _active_violations(entry: dict[str, Any] | None) -> dict[tuple[str, str | None, str], dict[str, Any]]:
    return {_violation_key(v): v for v in (entry or {}).get("violations", []) if not v["waived"]}


def _violation_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Unwaived violations the change introduces and those it resolves."""
    v_old, v_new = _active_violations(before), _active_violations(after)
    return {
        "introduced": [v for k, v in v_new.items() if k not in v_old],
        "resolved": [v for k, v in v_old.items() if k not in v_new],
    }


def _resource_section(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Resources added, removed and changed between the two sides (by URN)."""
    locked = set(_locks(old, new))
    changed = (_changed(old[u], new[u], locked) for u in new if u in old)
    return {
        "added": [_brief(new[u]) for u in new if u not in old],
        "removed": [_removed(old[u]) for u in old if u not in new],
        "changed": [c for c in changed if c is not None],
    }


def _status(before: dict[str, Any] | None, after: dict[str, Any] | None, differs: bool) -> str:
    if before is None:
        return "added"
    if after is None:
        return "removed"
    return "changed" if differs else "unchanged"


def stack_diff(name: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> StackDiff:
    """Compare one stack's report entries, as JSON data (None: the stack does not exist on that side)."""
    old, new = _resources(before), _resources(after)
    resources = _resource_section(old, new)
    q_old = _quota_by_key(before)
    peak = transient_quota(q_old, [new[u] for u in new if u not in old], after)
    quota_rows = _quota_rows(q_old, _quota_by_key(after), peak)
    violations = _violation_changes(before, after)
    differs = any((resources["changed"], set(old) ^ set(new), quota_rows, *violations.values()))
    # a removed stack is torn down whole, lock first (it depends on the account); `protect` governs that
    replaced = {c["urn"]: [ch["path"] for ch in c["changes"]] for c in resources["changed"] if c["replace"]}
    locked = locked_deletions(old, new, replaced) if after is not None else []
    irreversible = irreversible_changes(old, new, replaced) if after is not None else []
    return StackDiff.model_validate(
        {
            "stack": name,
            "status": _status(before, after, differs),
            "passed": None if after is None else after["passed"] and not locked and not irreversible,
            "locked": locked,
            "irreversible": irreversible,
            "resources": resources,
            "cost": {key: _cost_change(before, after, key) for key in ("monthly_expected", "monthly_ceiling")},
            "quota": quota_rows,
            "violations": violations,
        }
    )


def _report(root: Path, names: set[str], side: str) -> dict[str, StackReport]:
    # named as in the repository (stacks/...), never by the temporary folder the base is read into
    refs = [
        replace(ref, display=ref.path.relative_to(root).as_posix()) for ref in all_stacks(root) if ref.name in names
    ]
    if not refs:
        return {}
    try:
        report = build_report(refs, root)
    except GateInputError as exc:
        raise GateInputError([f"{side}: {_in_repository(m, root)}" for m in exc.messages]) from None
    return {entry.stack: entry for entry in report.stacks}


def _in_repository(message: str, root: Path) -> str:
    """A message about a side's files, naming them as in the repository (stacks/...), not by the folder the
    side was read into."""
    for prefix in {os.path.relpath(root) + os.sep, str(root) + os.sep}:
        message = message.replace(prefix, "")
    return message


@dataclass(frozen=True)
class Comparison:
    """The diff report, and each stack's report before and after the change (None: absent on that side)."""

    report: DiffReport
    sides: dict[str, tuple[StackReport | None, StackReport | None]]


def compare(root: Path, base: str, stacks: list[str]) -> Comparison:
    """The diff between REF and the work tree for the named stacks (default: all on either side), with both sides."""
    with tempfile.TemporaryDirectory(prefix="foundry-iac-base-") as tmp:
        base_root = Path(tmp)
        sha = materialize(root, base, base_root)
        base_names = {ref.name for ref in all_stacks(base_root)}
        head_names = {ref.name for ref in all_stacks(root)}
        names = set(stacks) if stacks else base_names | head_names
        unknown = sorted(names - base_names - head_names)
        if unknown:
            raise UsageError(f"unknown stack(s) {', '.join(unknown)}: not in stacks/ at {base} nor in the work tree")
        before = _report(base_root, names, f"at {base}")
    after = _report(root, names, "in the work tree")
    sides = {name: (before.get(name), after.get(name)) for name in sorted(names)}
    entries = [
        stack_diff(name, *(None if side is None else as_data(side) for side in pair)) for name, pair in sides.items()
    ]
    report = DiffReport(base=base, base_commit=sha, passed=all(e.passed is not False for e in entries), stacks=entries)
    return Comparison(report, sides)


def diff(root: Path, base: str, stacks: list[str]) -> DiffReport:
    """The diff report between REF and the work tree for the named stacks (default: all on either side)."""
    return compare(root, base, stacks).report
