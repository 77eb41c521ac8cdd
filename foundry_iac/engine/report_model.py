"""The report, typed: what `check` and `plan` (Report) and `diff` (DiffReport) produce and every renderer reads.

The gate, the cost and quota sections and the diff build these models; the text, markdown, SARIF, plan
and diff renderers read them; `--format json` is their dump. Their JSON Schema is committed as
schema/report.schema.json (`python -m foundry_iac.engine.report_model` regenerates it; a test keeps it in sync)
and docs/reports.md documents the report from it. Optional keys are left out of the JSON when unset.
"""

from __future__ import annotations

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


class StackDiff(_Part):
    """What a change does to one stack."""

    stack: str
    status: Literal["added", "removed", "changed", "unchanged"]
    passed: bool | None = Field(description="the verdict after the change (None: the stack is removed)")
    resources: ResourceChanges
    cost: CostChanges
    quota: list[QuotaChange]
    violations: ViolationChanges


class DiffReport(_Part):
    """`diff --format json`: every stack compared between a base commit and the work tree."""

    base: str
    base_commit: str
    passed: bool
    stacks: list[StackDiff]


def as_data(model: BaseModel) -> dict[str, Any]:
    """A report (or part) as JSON data: optional keys left out when unset."""
    return model.model_dump(mode="json", exclude_defaults=True)


def as_json(model: BaseModel) -> str:
    """The JSON output of a report: sorted keys, optional keys left out when unset, never NaN."""
    return json.dumps(as_data(model), indent=2, sort_keys=True, allow_nan=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of both report kinds."""
    check = Report.model_json_schema(ref_template="#/$defs/{model}")
    diff = DiffReport.model_json_schema(ref_template="#/$defs/{model}")
    defs = {**check.pop("$defs", {}), **diff.pop("$defs", {}), "Report": check, "DiffReport": diff}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://foundry-iac.dev/schema/report.schema.json",
        "title": "foundry-iac report (check, plan and diff with --format json)",
        "description": "Generated from foundry_iac/engine/report_model.py by "
        "`python -m foundry_iac.engine.report_model`; do not edit.",
        "oneOf": [{"$ref": "#/$defs/Report"}, {"$ref": "#/$defs/DiffReport"}],
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
