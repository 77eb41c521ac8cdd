"""The report, typed: what `check` and `plan` (Report), `diff` (DiffReport), `upgrade` (UpgradeReport),
`lifecycle` (LifecycleReport) and `where` (WhereReport) produce and every renderer reads.

The gate, the cost and quota sections and the diff build these models; the text, markdown, SARIF, plan
and diff renderers read them; `--format json` is their dump. Their JSON Schema is committed as
schema/report.schema.json (`python -m foundry_iac.engine.report_model` regenerates it; a test keeps it in sync)
and docs/reports.md documents the report from it. Optional keys are left out of the JSON when unset.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_FILE = Path("schema") / "report.schema.json"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Part):
    """Where in a stack file a resource or finding comes from (line None: the file as a whole)."""

    file: str
    line: int | None


class WaiverRef(_Part):
    """The waiver that exempted a finding."""

    resource: str
    reason: str
    approver: str
    expires: str = Field(description="last day the waiver applies, YYYY-MM-DD")


class ResourceEntry(_Part):
    """One resource the program registered, with its inputs as registered (secrets shown as [secret])."""

    urn: str
    type: str
    name: str
    props: dict[str, Any]
    parent: str | None
    dependencies: list[str]
    protect: bool
    source: Source | None
    replace_on_changes: list[str] = Field(default_factory=list, description="omitted when empty")
    delete_before_replace: bool = Field(default=False, description="omitted when false")
    retain_on_delete: bool = Field(
        default=False, description="Azure keeps it when Pulumi deletes it (Pulumi forgets it); omitted when false"
    )


class Violation(_Part):
    """One policy finding: mandatory or advisory, waived or not."""

    policy: str
    enforcement: Literal["mandatory", "advisory"]
    urn: str | None = Field(description="the resource, or None for the whole stack")
    message: str
    waived: bool
    source: Source | None
    waiver: WaiverRef | None = Field(default=None, description="omitted when not waived")
    related: list[Source] = Field(
        default_factory=list,
        description="other lines the finding concerns (the deployments using a content filter); omitted when none",
    )


class DeploymentCost(_Part):
    """The monthly price of one priced deployment."""

    urn: str
    model: str
    sku: str
    capacity: int
    monthly_expected: float
    monthly_ceiling: float
    spillover_to: str | None = Field(
        default=None, description="the deployment (urn) its overflow goes to; omitted when none"
    )


class AccountCost(_Part):
    """One account's monthly totals (None when one of its deployments has no price)."""

    account: str
    monthly_expected: float | None
    monthly_ceiling: float | None


class CostSection(_Part):
    """A stack's cost: per deployment, per account and in total, against the effective budget."""

    currency: Literal["USD"]
    basis: Literal["expected", "ceiling"]
    input_share: float
    monthly_expected: float | None = Field(description="None when a deployment is unpriced: never a partial sum")
    monthly_ceiling: float | None
    budget: float | None
    budget_source: str = Field(description="stack (monthlyBudgetUsd) or policy (maxBudgetUsd)")
    accounts: list[AccountCost]
    deployments: list[DeploymentCost]
    unpriced: list[str]
    not_included: list[str] = Field(
        default_factory=list,
        description="billed resources the catalog does not price, left out of the totals (a managed network's "
        "Azure Firewall); omitted when none",
    )


class QuotaRow(_Part):
    """Units a stack requests in one subscription, quota scope and usage name, against the binding limit."""

    subscription: str
    region: str = Field(description="the quota scope: a region, dataZone:EU|US, or subscription")
    usage_name: str
    requested: int
    limit: int | None
    limit_source: str
    requested_by_other_stacks: dict[str, int]


class DefenderPlanRow(_Part):
    """The subscription's Defender for AI plan: which stack of the repository registers it (one per subscription)."""

    subscription: str
    plan: str = Field(description="Microsoft.Security/pricings name of the plan (AI)")
    pricing_tier: str = Field(description="the tier the owner registers (Standard: on)")
    owner: str = Field(description="the stack that registers it: of the declaring stacks, the name that sorts first")
    owner_source: Source
    registered_here: bool
    declared_here: bool


class StackReport(_Part):
    """One stack's verdict and everything it was judged on."""

    stack: str
    file: str
    policy_config: str
    passed: bool
    resources: list[ResourceEntry]
    violations: list[Violation]
    cost: CostSection
    quota: list[QuotaRow]
    defender: DefenderPlanRow | None = None


class Report(_Part):
    """`check` and `plan --format json`: every stack checked, and whether all passed."""

    passed: bool
    stacks: list[StackReport]


class ResourceBrief(_Part):
    """A resource a diff names."""

    urn: str
    type: str
    name: str
    source: Source | None


class PropertyChange(_Part):
    """One changed input, by dotted path."""

    path: str
    before: Any
    after: Any


class RemovedResource(ResourceBrief):
    """A resource the change deletes; warning: what deleting it takes (order, cool-downs)."""

    warning: str | None = Field(default=None, description="omitted unless deleting it needs care")


class ChangedResource(ResourceBrief):
    """A resource on both sides whose inputs changed; replace: Azure deletes and re-creates it."""

    changes: list[PropertyChange]
    replace: bool
    warning: str | None


class ResourceChanges(_Part):
    """Resources added, removed and changed by the change."""

    added: list[ResourceBrief]
    removed: list[RemovedResource]
    changed: list[ChangedResource]


class CostChange(_Part):
    """A monthly total before and after (0 for a side without the stack; None when unpriced)."""

    before: float | None
    after: float | None
    delta: float | None


class CostChanges(_Part):
    """Expected and ceiling totals before and after."""

    monthly_expected: CostChange
    monthly_ceiling: CostChange


class QuotaChange(_Part):
    """Units in one quota scope before and after, and the peak held while the change runs."""

    subscription: str
    region: str
    usage_name: str
    before: int
    after: int
    delta: int
    transient_peak: int | None = Field(default=None, description="omitted unless above both sides")


class ViolationChanges(_Part):
    """Unwaived violations the change introduces and resolves."""

    introduced: list[Violation]
    resolved: list[Violation]


class LockedDeletion(_Part):
    """A resource the change deletes (removes, or replaces by deleting it) under a CanNotDelete lock: Azure
    refuses the deletion (ScopeLocked), so `pulumi up` would fail; the stack's diff fails."""

    urn: str
    type: str
    name: str
    lock: str = Field(description="the lock's resource name")
    message: str = Field(description="what Azure refuses and the fix")


class IrreversibleChange(_Part):
    """A change Azure cannot make, such as disabling an account's managed network isolation: Azure keeps what it
    has, so the stack would no longer say what runs; the stack's diff fails."""

    urn: str
    type: str
    name: str
    message: str = Field(description="what Azure keeps and the fix")


class StackDiff(_Part):
    """What a change does to one stack."""

    stack: str
    status: Literal["added", "removed", "changed", "unchanged"]
    passed: bool | None = Field(
        description="the verdict after the change, false also when a deletion hits a lock (`locked`) or a change "
        "cannot be made (`irreversible`); "
        "None: the stack is removed"
    )
    resources: ResourceChanges
    cost: CostChanges
    quota: list[QuotaChange]
    violations: ViolationChanges
    locked: list[LockedDeletion] = Field(
        default_factory=list,
        description="deletions Azure refuses under a CanNotDelete lock; any fails the stack; omitted when none",
    )
    irreversible: list[IrreversibleChange] = Field(
        default_factory=list,
        description="changes Azure cannot make (managed network isolation disabled); any fails the stack; "
        "omitted when none",
    )


class DiffReport(_Part):
    """`diff --format json`: every stack compared between a base commit and the work tree."""

    base: str
    base_commit: str
    passed: bool
    stacks: list[StackDiff]


LifecycleKind = Literal["legacy", "deprecation", "retirement", "auto-upgrade"]


class LifecycleEvent(_Part):
    """One event of a deployment's model version: the day, what changes, and what Azure does on its own under the
    deployment's versionUpgradeOption."""

    date: dt.date
    days_left: int = Field(description="days from today to the event (negative: it has passed)")
    dated: bool = Field(
        description="true: the catalog (or Azure) gives this day; false: no day is published, the date is the "
        "catalog's asOf (a status seen that day) or today (an upgrade Azure has due without a published date)"
    )
    kind: LifecycleKind
    stack: str
    account: str
    deployment: str
    model: str
    version: str
    region: str
    type: str = Field(description="deployment type (sku.name)")
    upgrade_option: str = Field(description="the deployment's versionUpgradeOption")
    summary: str = Field(description="what happens that day")
    azure_action: str = Field(description="what Azure does on its own that day, under the upgrade option")
    replacement: str | None = Field(default=None, description="the catalog's replacement (omitted: none)")
    fact_source: str = Field(description="where the date comes from: the catalog entry's source and asOf")
    source: Source = Field(description="the deployment in its stack file")
    uid: str = Field(description="stable id (the iCalendar UID): the same event keeps it when its date moves")


class LifecycleReport(_Part):
    """`lifecycle --format json`: every deployment's model events, sorted by date."""

    today: dt.date
    until: dt.date | None = Field(default=None, description="the --until date (omitted: no limit)")
    stacks: list[str]
    regions: list[str] = Field(description="every region the stacks' accounts are in (catalog sync reads these)")
    events: list[LifecycleEvent]


class DueEvent(_Part):
    """A dated lifecycle event of a model version, as the catalog states it."""

    event: Literal["deprecation", "retirement"] = Field(
        description="deprecation: first day new deployments are refused; retirement: first day it is not served"
    )
    date: str = Field(description="YYYY-MM-DD")
    days_left: int = Field(description="days from today (negative: already past)")


class UpgradeTarget(_Part):
    """What a deployment would move to: model, version, its lifecycle today, and the deployment name after."""

    model: str
    version: str
    status: str = Field(description="the target version's lifecycle status today (catalog)")
    retirement: str | None = Field(description="the target version's retirement date, None when none is published")
    deployment: str = Field(description="the deployment's name after the move (a new name is a new deployment)")


class UpgradeProposal(_Part):
    """One deployment due for a move (Retired, Deprecated, Legacy or within warnDays) and what the move does.

    `proposed` is false when no target fits (not offered there, not approved, failing the gate, none in the
    catalog); `reason` says why in one line. The before/after sections are the stack's, gated with this move alone.
    """

    file: str
    line: int | None = Field(description="the line of the deployment's version in the stack file")
    account: str
    deployment: str
    model: str
    version: str
    sku: str
    region: str
    status: str = Field(description="the version's lifecycle status today (catalog)")
    events: list[DueEvent] = Field(description="the lifecycle events that make the move due")
    target: UpgradeTarget | None
    proposed: bool
    reason: str | None = Field(default=None, description="why nothing is proposed; omitted when proposed")
    offered: bool | None = Field(default=None, description="the catalog offers the target in this region and type")
    approved: bool | None = Field(default=None, description="the stack's policy config approves the target")
    residency_ok: bool | None = Field(default=None, description="the target keeps the stack's residency boundary")
    cost: CostChanges | None = Field(default=None, description="the stack's monthly cost before and after")
    quota: list[QuotaChange] = Field(default_factory=list, description="quota pools that move, with the transient peak")
    gate_passed: bool | None = Field(default=None, description="the stack's gate verdict with this move")
    introduced: list[Violation] = Field(default_factory=list, description="violations this move would introduce")
    warning: str | None = Field(
        default=None,
        description="what the move costs beyond the gate: the downtime when it replaces the deployment "
        "(delete-before-replace); omitted when it updates in place or creates a new name",
    )


class UpgradeStack(_Part):
    """One stack's due deployments, and the verdict of the stack with every proposed move together."""

    stack: str
    file: str
    proposals: list[UpgradeProposal]
    passed_after: bool | None = Field(description="the gate's verdict with all proposed moves (None: none proposed)")
    problem: str | None = Field(default=None, description="why the moves together cannot be written")


class UpgradeReport(_Part):
    """`foundry-iac upgrade`: the moves proposed for every stack, and whether they were written."""

    today: str
    to: str = Field(description="replacement, default, or a version")
    written: list[str] = Field(description="the stack files written (--write), empty when none")
    stacks: list[UpgradeStack]


class WhereCheck(_Part):
    """One policy's word on a `where` row: what it found, and whether that blocks the row."""

    policy: str
    enforcement: Literal["mandatory", "advisory"]
    message: str


class WhereQuota(_Part):
    """The quota pool a `where` row draws from, what the repository's stacks already use of it, and the room left."""

    scope: str = Field(description="the quota scope: a region, dataZone:EU|US, or subscription")
    usage_name: str
    limit: int | None = Field(description="None: no snapshot, policy `limits` or catalog default states one")
    limit_source: str
    used: dict[str, int] = Field(description="units every stack of the repository already requests in the pool")
    headroom: int | None = Field(description="limit minus used (None when the limit is unknown)")
    requested: int = Field(description="quota units the row's capacity takes")
    fits: Literal["yes", "no", "unknown"]


class WhereLive(_Part):
    """Azure's own view of a `where` row (`--live`): offered now, capacity left, usage against the limit."""

    status: Literal["fits", "no", "unknown"] = Field(description="unknown when a read failed: never fits")
    offered: bool | None
    available_capacity: int | None
    usage_current: int | None
    usage_limit: int | None
    reason: str


class WhereRow(_Part):
    """One (region, deployment type) the catalog offers the model in, judged by the gate's own policy checks."""

    region: str
    deployment_type: str
    data_zone: str | None
    account: str | None = Field(description="the stack's account in the region (None: the stack has none there)")
    capacity: int = Field(description="the capacity judged: the asked one, provisioned rounded up to minimum/step")
    capacity_note: str
    residency: Literal["inside", "outside", "not checked"]
    residency_reason: str
    lifecycle: str = Field(description="the version's status on the report's date")
    approved: bool | None = Field(description="None without --stack (no approved list to judge by)")
    quota: WhereQuota
    monthly_expected: float | None = Field(description="for --tokens; None without tokens or without a price")
    monthly_ceiling: float | None = Field(description="for the capacity; None without a price")
    passed: bool
    failed_policy: str | None = Field(description="the first policy that fails the row")
    reason: str = Field(description="why it fails (the policy's own message), empty when it passes")
    checks: list[WhereCheck] = Field(description="every finding, mandatory and advisory")
    live: WhereLive | None = Field(default=None, description="omitted without --live")


class WhereReport(_Part):
    """`where --format json`: where a model can run, row by row; passing rows first, cheapest first."""

    model: str
    version: str
    stack: str | None
    boundary: str
    subscription: str | None
    today: str
    capacity: int | None
    input_tokens: int | None
    output_tokens: int | None
    rows: list[WhereRow]


REPORT_KINDS: tuple[type[_Part], ...] = (Report, DiffReport, UpgradeReport, LifecycleReport, WhereReport)
"""Every report a command prints with --format json, in the schema's oneOf order."""


def as_data(model: BaseModel) -> dict[str, Any]:
    """A report (or part) as JSON data: optional keys left out when unset."""
    return model.model_dump(mode="json", exclude_defaults=True)


def as_json(model: BaseModel) -> str:
    """The JSON output of a report: sorted keys, optional keys left out when unset, never NaN."""
    return json.dumps(as_data(model), indent=2, sort_keys=True, allow_nan=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of every report kind."""
    defs: dict[str, Any] = {}
    for kind in REPORT_KINDS:
        schema = kind.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[kind.__name__] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://foundry-iac.dev/schema/report.schema.json",
        "title": "foundry-iac report (check, plan, diff, upgrade, lifecycle and where with --format json)",
        "description": "Generated from foundry_iac/engine/report_model.py by "
        "`python -m foundry_iac.engine.report_model`; do not edit.",
        "oneOf": [{"$ref": f"#/$defs/{kind.__name__}"} for kind in REPORT_KINDS],
        "$defs": dict(sorted(defs.items())),
    }


def render_schema() -> str:
    """The schema file's text."""
    return json.dumps(report_schema(), indent=2) + "\n"


def main() -> int:
    """Write schema/report.schema.json in the project (never in an installed copy)."""
    from .stacks import project_root

    path = project_root() / SCHEMA_FILE
    path.write_text(render_schema())
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
