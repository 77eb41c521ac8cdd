"""`foundry-iac upgrade`: move deployments off model versions that are retired, deprecated, Legacy or retiring
within the policy config's warnDays, and say what each move does before anything is written.

A deployment is due when the gate's model-lifecycle policy would speak about it (its status today, or a
deprecation or retirement within warnDays: policies/lifecycle.py `window_events`), or when the catalog marks it
Legacy. The target is the catalog's replacement, the model's default version, or a named version. A target not
offered in the deployment's region and type (catalog), or retired or deprecated itself, is not gated at all;
every other move is applied to a copy of the stack file (stack_edit, only the changed scalars differ) and gated
in a scratch copy of the project, so its cost, quota (with the transient peak when the deployment is renamed),
residency and approval are the gate's own verdicts. `write_upgrades` writes the stack files only when every
edited stack passes the gate: all of them or none.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from components.catalog import Catalog, ModelEntry, load_catalog
from components.deployments.model import DeploymentConfig
from components.source import read_yaml
from components.stack.loader import load_stack_file
from policies.lifecycle import window_events

from ..errors import GateInputError
from .diff import CONFIG_PATHS, DEPLOYMENT, PROGRAM_FILES, stack_diff
from .pool import build_report
from .report_model import (
    DueEvent,
    QuotaChange,
    StackDiff,
    StackReport,
    UpgradeProposal,
    UpgradeReport,
    UpgradeStack,
    UpgradeTarget,
    Violation,
    as_data,
)
from .stack_edit import StackEditError, read_source, set_scalar, write_all
from .stacks import StackRef

DUE_STATUSES = ("Retired", "Deprecated", "Legacy")
REFUSED_TARGET = ("Retired", "Deprecated")
MODES = ("replacement", "default")
ACCOUNTS_KEY = ("config", "foundry-iac:accounts")


@dataclass(frozen=True)
class Due:
    """A deployment due for a move: where it is in its stack file and why it is due."""

    ref: StackRef
    account: str
    position: tuple[int, int]  # (account index, deployment index) in foundry-iac:accounts
    deployment: DeploymentConfig
    version: str
    region: str
    status: str
    events: list[DueEvent]
    siblings: tuple[str, ...] = ()  # the Azure names of the account's other deployments

    def path(self, key: str) -> tuple[str | int, ...]:
        """The YAML path of one of the deployment's keys, from the document root."""
        return (*ACCOUNTS_KEY, self.position[0], "deployments", self.position[1], key)


@dataclass
class StackPlan:
    """One stack's proposals, the edited text with every proposed move, and its gate result."""

    ref: StackRef
    original: str
    proposals: list[UpgradeProposal] = field(default_factory=list)
    edited: str | None = None
    passed_after: bool | None = None
    problem: str | None = None


@dataclass(frozen=True)
class UpgradePlan:
    """The report and, per stack file, the text it would be written with."""

    report: UpgradeReport
    plans: list[StackPlan]


# -- which deployments are due, and their targets ------------------------------------------------------------------


def _events(entry: ModelEntry, version: str, today: dt.date) -> list[DueEvent]:
    found = entry.versions[version]
    events = []
    if found.deprecation is not None:
        events.append(_event("deprecation", found.deprecation, today))
    if found.retirement is not None:
        events.append(_event("retirement", found.retirement, today))
    return events


def _event(kind: Literal["deprecation", "retirement"], day: dt.date, today: dt.date) -> DueEvent:
    return DueEvent(event=kind, date=day.isoformat(), days_left=(day - today).days)


def due_deployments(ref: StackRef, catalog: Catalog, today: dt.date, warn_days: int) -> list[Due]:
    """The deployments of one stack whose model version is Retired, Deprecated, Legacy or within warnDays."""
    loaded = load_stack_file(ref.path, ref.display, ref.name)
    found = []
    for a, account in enumerate(loaded.config.accounts):
        region = account.location or loaded.config.location
        for d, dep in enumerate(account.deployments):
            entry = catalog.models.get(dep.model)
            version_name = dep.version or (entry.default_version if entry else None)
            version = entry.version(version_name) if entry else None
            if entry is None or version is None or version_name is None:
                continue  # approved-models reports a model or version the catalog does not know
            status = version.status_on(today)
            if status in DUE_STATUSES or window_events(version, today, warn_days):
                events = _events(entry, version_name, today)
                siblings = tuple(o.deployment_name for o in account.deployments if o is not dep)
                found.append(Due(ref, account.name, (a, d), dep, version_name, region, status, events, siblings))
    return found


def _replacement(text: str, catalog: Catalog) -> tuple[str, str] | None:
    """A catalog replacement written as `model` or `model version`, when it names a catalog model (and version)."""
    parts = text.split()
    entry = catalog.models.get(parts[0]) if len(parts) in (1, 2) else None
    if entry is None:
        return None
    version = parts[1] if len(parts) == 2 else entry.default_version
    return (parts[0], version) if version in entry.versions else None


def pick_target(due: Due, catalog: Catalog, to: str) -> tuple[str, str] | str:
    """The (model, version) to move to, or one line why there is none."""
    model = due.deployment.model
    entry = catalog.models[model]
    what = f"{model} {due.version}"
    if to not in MODES:
        if to not in entry.versions:
            return f"--to {to}: the catalog has no version {to} of {model} (it has {', '.join(entry.versions)})"
        return (model, to) if to != due.version else f"{what} is already version {to}"
    replacement = entry.versions[due.version].replacement if to == "replacement" else None
    if replacement:
        target = _replacement(replacement, catalog)
        if target is None:
            return (
                f"the catalog's replacement for {what} is {replacement!r}, not a catalog model and version; "
                "choose one and edit the stack file, or name a version with --to VERSION"
            )
        return target
    if entry.default_version != due.version:
        return (model, entry.default_version)
    none = "the catalog names no replacement for it, and " if to == "replacement" else ""
    return (
        f"{what}: {none}{due.version} is {model}'s default version; name another version with --to VERSION, "
        "or run `foundry-iac catalog sync` for newer facts"
    )


def precheck(due: Due, target: tuple[str, str], catalog: Catalog, today: dt.date) -> str | None:
    """Why the target cannot be proposed before gating it (not offered there, retired or deprecated), or None."""
    model, version = target
    sku = due.deployment.type
    if not catalog.offered_in(model, sku, due.region, version):
        return (
            f"{model} {version} is not offered as {sku} in {due.region} (catalog); nothing is proposed for "
            f"{due.deployment.model} {due.version}: move the deployment to a type or region that offers it by hand"
        )
    status = catalog.models[model].versions[version].status_on(today)
    if status in REFUSED_TARGET:
        return f"{model} {version} is {status} itself; Azure refuses new deployments of it"
    if due.deployment.name is None and model != due.deployment.model and model.lower() in map(str.lower, due.siblings):
        return (
            f"without a `name:` the moved deployment would be named {model}, which another deployment of "
            f"{due.account} already is: move it by hand, giving it a `name:` (a new model is a new deployment "
            f"either way), or raise the capacity of the existing {model} deployment and remove this one"
        )
    return None


def _target_entry(due: Due, target: tuple[str, str], catalog: Catalog, today: dt.date) -> UpgradeTarget:
    model, version = target
    entry = catalog.models[model].versions[version]
    renamed = due.deployment.name is None and model != due.deployment.model
    return UpgradeTarget(
        model=model,
        version=version,
        status=entry.status_on(today),
        retirement=entry.retirement.isoformat() if entry.retirement else None,
        deployment=model if renamed else due.deployment.deployment_name,
    )


# -- editing and gating --------------------------------------------------------------------------------------------


def apply_move(text: str, due: Due, target: tuple[str, str]) -> str:
    """The stack text with the deployment's model and version set to the target (only those scalars change)."""
    model, version = target
    if model != due.deployment.model:
        text = set_scalar(text, due.path("model"), model, source=due.ref.display)
    return set_scalar(text, due.path("version"), version, source=due.ref.display)


@contextmanager
def scratch_project(root: Path) -> Iterator[Path]:
    """A temporary copy of the project's stacks, policy configs and quota snapshots beside its program."""
    with tempfile.TemporaryDirectory(prefix="foundry-iac-upgrade-") as tmp:
        dest = Path(tmp)
        for name in CONFIG_PATHS:
            if (root / name).is_dir():
                shutil.copytree(root / name, dest / name, symlinks=False)
        (dest / "stacks").mkdir(exist_ok=True)
        for name in PROGRAM_FILES:
            (dest / name).symlink_to(root / name)
        yield dest


def gate_text(root: Path, ref: StackRef, text: str) -> StackReport | list[str]:
    """The gate's entry for `ref` with its file replaced by `text` (in a scratch copy), or its error lines."""
    with scratch_project(root) as scratch:
        path = scratch / "stacks" / f"Pulumi.{ref.name}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return build_report([replace(ref, path=path)], scratch).stacks[0]
        except GateInputError as exc:
            return exc.lines()


def _blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.enforcement == "mandatory" and not v.waived]


def _judged(base: UpgradeProposal, before: StackReport, after: StackReport | list[str]) -> UpgradeProposal:
    """The proposal with the gate's before/after on the edited stack; not proposed when the move fails the gate."""
    if isinstance(after, list):
        return base.model_copy(update={"proposed": False, "reason": f"the moved stack is refused: {after[0]}"})
    change = stack_diff(before.stack, as_data(before), as_data(after))
    introduced = change.violations.introduced
    blocking = _blocking(introduced)
    update = {
        "cost": change.cost,
        "quota": change.quota,
        "gate_passed": after.passed,
        "introduced": introduced,
        "approved": not any(v.policy == "approved-models" for v in blocking),
        "residency_ok": not any(v.policy.startswith(("residency", "allowed-regions")) for v in blocking),
        "warning": _downtime(change),
    }
    if blocking:
        update |= {"proposed": False, "reason": f"fails the gate: {blocking[0].policy}: {blocking[0].message}"}
    elif change.locked:
        update |= {"proposed": False, "reason": change.locked[0].message}
    elif change.irreversible:
        update |= {"proposed": False, "reason": change.irreversible[0].message}
    elif _peak_problem(change.quota, after):
        update |= {"proposed": False, "reason": _peak_problem(change.quota, after)}
    return base.model_copy(update=update)


def _downtime(change: StackDiff) -> str | None:
    """The downtime of a move that replaces its deployment (Azure cannot change a deployment's model)."""
    return next((r.warning for r in change.resources.changed if r.replace and r.type == DEPLOYMENT), None)


def _peak_problem(rows: list[QuotaChange], after: StackReport) -> str | None:
    """Why the transient peak of a renamed deployment does not fit its pool (the gate judges the end state only)."""
    pools = {(q.subscription, q.region, q.usage_name): q for q in after.quota}
    for row in rows:
        pool = pools.get((row.subscription, row.region, row.usage_name))
        if row.transient_peak is None or pool is None or pool.limit is None:
            continue
        held = row.transient_peak + sum(pool.requested_by_other_stacks.values())
        if held > pool.limit:
            return (
                f"while Pulumi creates the new deployment before deleting the old one, {row.region} "
                f"{row.usage_name} holds {held} units (this stack's peak {row.transient_peak}, other stacks "
                f"{held - row.transient_peak}), above its limit {pool.limit} ({pool.limit_source}): Azure would "
                "refuse the new deployment; lower the capacity first, or move it in two reviewed changes"
            )
    return None


def _proposal(due: Due, catalog: Catalog, to: str, today: dt.date) -> tuple[UpgradeProposal, tuple[str, str] | None]:
    """The proposal before gating, and the target to gate (None: refused already, with the reason)."""
    doc = read_yaml(read_source(due.ref.path, due.ref.display), due.ref.display)
    base = UpgradeProposal(
        file=due.ref.display,
        line=doc.line_of(due.path("version")),
        account=due.account,
        deployment=due.deployment.deployment_name,
        model=due.deployment.model,
        version=due.version,
        sku=due.deployment.type,
        region=due.region,
        status=due.status,
        events=due.events,
        target=None,
        proposed=False,
    )
    target = pick_target(due, catalog, to)
    if isinstance(target, str):
        return base.model_copy(update={"reason": target}), None
    offered = catalog.offered_in(target[0], due.deployment.type, due.region, target[1])
    base = base.model_copy(update={"target": _target_entry(due, target, catalog, today), "offered": offered})
    problem = precheck(due, target, catalog, today)
    if problem is not None:
        return base.model_copy(update={"reason": problem}), None
    return base.model_copy(update={"proposed": True}), target


def _plan_stack(
    root: Path, ref: StackRef, before: StackReport, catalog: Catalog, to: str, today: dt.date, warn_days: int
) -> StackPlan:
    """Every due deployment of one stack: each move gated alone, then the proposed ones together."""
    original = read_source(ref.path, ref.display)
    plan = StackPlan(ref, original)
    moves: list[tuple[Due, tuple[str, str]]] = []
    alone: StackReport | list[str] = []  # the gate's run on the last proposed move alone
    for due in due_deployments(ref, catalog, today, warn_days):
        proposal, target = _proposal(due, catalog, to, today)
        if target is not None:
            try:
                after = gate_text(root, ref, apply_move(original, due, target))
                proposal = _judged(proposal, before, after)
            except StackEditError as exc:
                proposal = proposal.model_copy(update={"proposed": False, "reason": exc.lines()[0]})
            if proposal.proposed:
                moves.append((due, target))
                alone = after
        plan.proposals.append(proposal)
    if len(moves) == 1:
        plan.edited = apply_move(original, *moves[0])
        _verdict(plan, alone)  # the one move's own gate run is the stack's with every move
    elif moves:
        text = original
        for due, target in moves:
            text = apply_move(text, due, target)
        plan.edited = text
        _verdict(plan, gate_text(root, ref, text))
    return plan


def _verdict(plan: StackPlan, after: StackReport | list[str]) -> None:
    """The gate's verdict on the stack with every proposed move, and why it cannot be written when it fails."""
    if isinstance(after, list):
        plan.passed_after, plan.problem = False, f"{plan.ref.display}: the moves together are refused: {after[0]}"
        return
    plan.passed_after = after.passed
    if not after.passed:
        failing = _blocking(after.violations)
        detail = f": {failing[0].policy}: {failing[0].message}" if failing else ""
        plan.problem = f"{plan.ref.display} fails the gate with the moves{detail}"


def plan_upgrades(
    root: Path, refs: list[StackRef], to: str, today: dt.date, warn_days: Callable[[StackRef], int]
) -> UpgradePlan:
    """The upgrade report for `refs`: every due deployment, its target and the gate's verdict on the move."""
    catalog = load_catalog()
    before = {entry.stack: entry for entry in build_report(refs, root).stacks}
    plans = [_plan_stack(root, ref, before[ref.name], catalog, to, today, warn_days(ref)) for ref in refs]
    return UpgradePlan(_report(plans, today, to, []), plans)


def _report(plans: list[StackPlan], today: dt.date, to: str, written: list[str]) -> UpgradeReport:
    stacks = [
        UpgradeStack(
            stack=p.ref.name, file=p.ref.display, proposals=p.proposals, passed_after=p.passed_after, problem=p.problem
        )
        for p in plans
    ]
    return UpgradeReport(today=today.isoformat(), to=to, written=written, stacks=stacks)


def has_proposals(report: UpgradeReport) -> bool:
    """True when any stack has a move to propose."""
    return any(p.proposed for s in report.stacks for p in s.proposals)


def _edited(plan: UpgradePlan) -> list[StackPlan]:
    return [p for p in plan.plans if p.edited is not None and p.edited != p.original]


def blocked(plan: UpgradePlan) -> list[str]:
    """Why the moves cannot be written (a stack fails the gate with them), one line per stack; empty: writable."""
    return [p.problem or f"{p.ref.display} fails the gate with the moves" for p in _edited(plan) if not p.passed_after]


def write_upgrades(plan: UpgradePlan) -> UpgradeReport:
    """Write every edited stack file, or none: only when each edited stack passed the gate (`blocked` is empty)
    and no file changed since it was read. Returns the report naming the files written."""
    edited = _edited(plan)
    if blocked(plan):
        raise GateInputError([f"{line}; no stack file was written" for line in blocked(plan)])
    for p in edited:
        if read_source(p.ref.path, p.ref.display) != p.original:
            raise GateInputError(f"{p.ref.display}: changed while upgrade ran; run it again (nothing was written)")
    write_all({p.ref.path: str(p.edited) for p in edited})
    today = dt.date.fromisoformat(plan.report.today)
    return _report(plan.plans, today, plan.report.to, [p.ref.display for p in edited])
