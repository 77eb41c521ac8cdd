"""Capacity within limits: quota-capacity and deployments-per-account."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from components.catalog import is_provisioned

from .common import DeploymentView, catalog, deployments
from .framework import Finding, PolicySpec, Resource, stack_policy

QUOTA_UNIT_TPM = 1000  # Azure counts TPM quota in units of 1,000 tokens per minute
MAX_DEPLOYMENTS = 32


@dataclass(frozen=True)
class QuotaLine:
    """Requested quota units for one region and usage name, against its limit (None: unknown)."""

    region: str
    usage_name: str
    requested: int
    limit: int | None
    deployments: tuple[DeploymentView, ...]


def requested_units(dep: DeploymentView) -> int:
    """Quota units a deployment consumes (reasoning models count more TPM per capacity unit)."""
    entry = catalog().models.get(dep.model)
    if entry is None or is_provisioned(dep.sku):
        return dep.capacity
    return dep.capacity * entry.tpm_per_unit // QUOTA_UNIT_TPM


def usage_name(dep: DeploymentView) -> str:
    """The quota usage name the deployment counts against."""
    entry = catalog().models.get(dep.model)
    family = entry.quota_family if entry else "AIServices"
    return f"{family}.{dep.sku}.{dep.model}"


def default_limit(dep: DeploymentView) -> int | None:
    """The catalog's documented default limit in quota units, when it has one."""
    entry = catalog().models.get(dep.model)
    if entry is None or entry.default_quota_tpm is None or is_provisioned(dep.sku):
        return None
    return entry.default_quota_tpm // QUOTA_UNIT_TPM


def quota_ledger(views: list[DeploymentView], limits: Mapping[str, Mapping[str, int]]) -> list[QuotaLine]:
    """Requested units summed per region and usage name, with the configured or default limit."""
    grouped: dict[tuple[str, str], list[DeploymentView]] = defaultdict(list)
    for dep in views:
        grouped[(dep.region or "unknown", usage_name(dep))].append(dep)
    lines = []
    for (region, usage), deps in sorted(grouped.items()):
        limit = (limits.get(region) or {}).get(usage)
        if limit is None:
            limit = default_limit(deps[0])
        lines.append(QuotaLine(region, usage, sum(requested_units(d) for d in deps), limit, tuple(deps)))
    return lines


def check_capacity_rules(dep: DeploymentView) -> Iterable[str]:
    """Provisioned capacity respects the model's minimum and step."""
    entry = catalog().models.get(dep.model)
    if entry is None or not is_provisioned(dep.sku) or entry.provisioned is None:
        return
    minimum, step = entry.provisioned.rules_for(dep.sku)
    if dep.capacity < minimum:
        yield f"{dep.capacity} PTU is below the minimum of {minimum} PTU for {dep.model} on {dep.sku}"
    elif dep.capacity % step:
        yield f"{dep.capacity} PTU is not a multiple of {step} PTU for {dep.model} on {dep.sku}"


def check_quota(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Per region and usage name, requested capacity fits the limit; PTU capacity respects min and step."""
    views = deployments(resources)
    for dep in views:
        for problem in check_capacity_rules(dep):
            yield Finding(f"{dep.label}: {problem}; change the capacity", dep.resource)
    for line in quota_ledger(views, config.get("limits") or {}):
        if line.limit is not None and line.requested > line.limit:
            names = ", ".join(d.label for d in line.deployments)
            for dep in line.deployments:
                yield Finding(
                    f"{dep.label}: {line.usage_name} in {line.region} needs {line.requested} units "
                    f"({names}) but the limit is {line.limit}; lower capacities or request more quota",
                    dep.resource,
                )


def check_per_account(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """At most 32 (or the configured maximum) deployments per Foundry resource."""
    maximum = int(config.get("max", MAX_DEPLOYMENTS))
    per_account: dict[str, list[DeploymentView]] = defaultdict(list)
    for dep in deployments(resources):
        per_account[dep.account].append(dep)
    for account, deps in sorted(per_account.items()):
        if len(deps) > maximum:
            for dep in deps[maximum:]:
                yield Finding(
                    f"{dep.label}: {account} has {len(deps)} deployments, more than {maximum}; move "
                    "some to another account",
                    dep.resource,
                )


QUOTA = PolicySpec(
    id="quota-capacity",
    description="Per subscription, region and usage name, requested capacity fits the quota; provisioned capacity "
    "respects the model's minimum and step.",
    remediation="Lower capacities, spread deployments over regions, or request more quota (and record the new "
    "limit in `limits`).",
    severity=Severity.HIGH,
    properties={
        "limits": {
            "type": "object",
            "description": "region -> usage name -> limit in units of 1,000 TPM",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        }
    },
)
PER_ACCOUNT = PolicySpec(
    id="deployments-per-account",
    description="At most 32 model deployments per Foundry resource (Azure's limit).",
    remediation="Move deployments to another account.",
    severity=Severity.MEDIUM,
    properties={"max": {"type": "integer", "minimum": 1, "maximum": MAX_DEPLOYMENTS}},
)

quota_capacity = stack_policy(QUOTA, check_quota)
deployments_per_account = stack_policy(PER_ACCOUNT, check_per_account)
