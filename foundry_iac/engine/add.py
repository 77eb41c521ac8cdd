"""`foundry-iac add`: put a model deployment in a stack's account, gated before anything is written.

The deployment is a `where` row (one region and type, or the best passing one), written as a stack file
entry with its version pinned. The edited text is gated in a temporary copy of the repository's stacks,
policy configs and quota snapshots beside the real program (as `diff` gates its base); the user's file is
written only with --write, only when that gate passes, and only through the shared writer (stack_edit).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from components.errors import FoundryIacError
from components.refs import unresolved

from ..errors import UsageError
from .diff import CONFIG_PATHS, PROGRAM_FILES, stack_diff
from .report_model import StackDiff, StackReport, WhereRow, as_data
from .stacks import StackRef
from .where import Context, WhereQuery, build_context, check_types, find, free_name, row, rows_of


@dataclass(frozen=True)
class AddRequest:
    """What `add` is asked: a model for a stack, in one region and type or the best passing row."""

    stack: StackRef
    model: str
    version: str | None
    region: str | None
    sku: str | None
    capacity: int
    name: str | None = None
    tokens: tuple[int, int] | None = None


class NoAccountError(UsageError):
    """The stack has no account in the chosen region: the account block to add is part of the message."""

    def __init__(self, message: str, block: str):
        super().__init__(message)
        self.block = block


class NoPassingRowError(FoundryIacError):
    """--best found no row that passes in a region where the stack has an account."""


@dataclass(frozen=True)
class AddPlan:
    """The chosen row, the stack file entry to append and where (index of the account)."""

    row: WhereRow
    account_index: int
    item: dict[str, object]


def _query(request: AddRequest) -> WhereQuery:
    return WhereQuery(
        model=request.model,
        version=request.version,
        stack=request.stack,
        capacity=request.capacity,
        tokens=request.tokens,
        types=(request.sku,) if request.sku else (),
    )


def _chosen(ctx: Context, request: AddRequest, root: Path, today: dt.date) -> WhereRow:
    """The row asked for (--region, --type), or the cheapest passing one in a region the stack has an account in."""
    query = _query(request)
    if request.region is None:
        report = find(query, root, today)
        best = next((r for r in report.rows if r.passed and r.account is not None), None)
        if best is None:
            passing = [r for r in report.rows if r.passed]
            why = (
                f"{len(passing)} row(s) pass, but in regions where {request.stack.name} has no account "
                f"({', '.join(sorted({r.region for r in passing}))}); add one with --region R --type T"
                if passing
                else f"no (region, type) passes for {request.model} in {request.stack.name}; run "
                f"`foundry-iac where {request.model} --stack {request.stack.name}` to see why"
            )
            raise NoPassingRowError(f"--best: {why}")
        return best
    problem = unresolved(
        request.region, list(ctx.catalog.regions), "region", "the regions are in components/catalog.json"
    )
    if problem:
        raise UsageError(f"--region: {problem}")
    assert request.sku is not None
    check_types(ctx.entry, ctx.version, request.model, [request.sku])
    if (request.region, request.sku) not in rows_of(ctx.catalog, ctx.entry, ctx.version, [request.sku]):
        offered = [r for r, _ in rows_of(ctx.catalog, ctx.entry, ctx.version, [request.sku])]
        raise UsageError(
            f"--region {request.region}: the catalog does not offer {request.model} {ctx.version} as {request.sku} "
            f"there ({unresolved(request.region, offered, 'region for this type') or ''})"
        )
    return row(ctx, request.region, request.sku, query)


def entry(ctx: Context, request: AddRequest, chosen: WhereRow) -> dict[str, object]:
    """The stack file entry: name only when it is not the model's, version pinned, capacity as judged."""
    assert ctx.stack is not None
    taken = ctx.stack.names.get(chosen.account or "", set())
    name = request.name or free_name(taken, request.model, chosen.deployment_type)
    if name in taken:
        raise UsageError(f"--name {name}: {chosen.account} already has a deployment named {name}; pick another")
    item: dict[str, object] = {} if name == request.model else {"name": name}
    item.update(model=request.model, version=ctx.version, type=chosen.deployment_type, capacity=chosen.capacity)
    if request.tokens:
        item["monthlyTokens"] = {"input": request.tokens[0], "output": request.tokens[1]}
    content_filter = ctx.stack.filters.get(chosen.account or "")
    if content_filter:  # as `where` judged it: the filter the account's deployments use
        item["contentFilter"] = content_filter
    return item


def account_block(stack: str, region: str, item: dict[str, object]) -> str:
    """The YAML of an account in `region` holding the deployment, to add under foundry-iac:accounts."""
    lines = [f"    - name: fdy-{stack}-{region}"[:70], f"      location: {region}", "      deployments:"]
    first = True
    for key, value in item.items():
        prefix = "        - " if first else "          "
        first = False
        if isinstance(value, dict):
            inner = ", ".join(f"{k}: {v}" for k, v in value.items())
            lines.append(f"{prefix}{key}: {{{inner}}}")
        else:
            shown = f'"{value}"' if key == "version" else value
            lines.append(f"{prefix}{key}: {shown}")
    return "\n".join(lines) + "\n"


def plan_add(request: AddRequest, root: Path, today: dt.date) -> AddPlan:
    """Choose the row and build the entry; a region without an account of the stack is a NoAccountError."""
    ctx = build_context(_query(request), root, today)
    chosen = _chosen(ctx, request, root, today)
    assert ctx.stack is not None
    if chosen.account is None:
        item = entry(ctx, request, chosen)
        raise NoAccountError(
            f"{request.stack.display}: {request.stack.name} has no account in {chosen.region}; add this account "
            "under foundry-iac:accounts (printed on standard output) and run add again",
            account_block(request.stack.name, chosen.region, item),
        )
    index = next(i for i, a in enumerate(ctx.stack.loaded.config.accounts) if a.name == chosen.account)
    return AddPlan(chosen, index, entry(ctx, request, chosen))


def edited_text(stack: StackRef, plan: AddPlan) -> str:
    """The stack file's text with the entry appended to the account's deployments (the shared writer)."""
    from .stack_edit import append_item, read_source

    text = read_source(stack.path, stack.display)
    path = ("config", "foundry-iac:accounts", plan.account_index, "deployments")
    return append_item(text, path, plan.item, source=stack.display)


def copy_config(root: Path, dest: Path) -> None:
    """The work tree's stacks, policy configs and quota snapshots copied into `dest`, beside the real program
    (linked): a repository the gate can judge without touching the user's files."""
    for name in CONFIG_PATHS:
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name, symlinks=False)
    for name in PROGRAM_FILES:
        (dest / name).symlink_to(root / name)


def gate_text(root: Path, stack: StackRef, text: str | None) -> StackReport:
    """Gate the stack with its file's text replaced by `text` (None: as it is), in a temporary copy of the
    repository's stacks, policy configs and quota snapshots beside the real program: never the user's files."""
    from .pool import build_report

    if text is None:
        return build_report([stack], root).stacks[0]
    with tempfile.TemporaryDirectory(prefix="foundry-iac-add-") as tmp:
        copy = Path(tmp)
        copy_config(root, copy)
        target = copy / "stacks" / stack.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return build_report([replace(stack, path=target)], copy).stacks[0]


@dataclass(frozen=True)
class AddResult:
    """The plan, the edited text, the gate's entry before and after, and what the change does."""

    plan: AddPlan
    text: str
    before: StackReport
    after: StackReport
    change: StackDiff


def add(request: AddRequest, root: Path, today: dt.date) -> AddResult:
    """Plan the deployment, edit the text in memory and gate both sides; writes nothing."""
    plan = plan_add(request, root, today)
    text = edited_text(request.stack, plan)
    before = gate_text(root, request.stack, None)
    after = gate_text(root, request.stack, text)
    change = stack_diff(request.stack.name, as_data(before), as_data(after))
    return AddResult(plan, text, before, after, change)
