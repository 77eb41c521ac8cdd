"""Capacity within limits: quota-capacity and deployments-per-account."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from components.catalog import is_provisioned
from components.config.limits import MAX_DEPLOYMENTS_PER_ACCOUNT
from components.text import listing

from .common import DeploymentView, catalog, deployments
from .framework import Finding, PolicySpec, Resource, stack_policy

QUOTA_UNIT_TPM = 1000  # Azure counts TPM quota in units of 1,000 tokens per minute
MAX_DEPLOYMENTS = MAX_DEPLOYMENTS_PER_ACCOUNT  # Azure's limit; a stack file past it is refused on load


@dataclass(frozen=True)
class QuotaLine:
    """Requested quota units of this stack for one quota scope and usage name, against its effective limit.

    `region` is the scope Azure pools the quota in: a region name, `dataZone:EU|US` or `subscription`.
    """

    region: str
    usage_name: str
    requested: int
    limit: Limit
    deployments: tuple[DeploymentView, ...]


def requested_units(model: str, sku: str, capacity: int) -> int:
    """Quota units a deployment consumes (reasoning models count more TPM per capacity unit)."""
    entry = catalog().models.get(model)
    if entry is None or is_provisioned(sku):
        return capacity
    return capacity * entry.tpm_per_unit // QUOTA_UNIT_TPM


def usage_name(model: str, sku: str, version: str | None = None) -> str:
    """The quota usage name a deployment of `model` as `sku` counts against, as Azure spells it.

    Provisioned types count against one pool per deployment type (e.g. OpenAI.GlobalProvisionedManaged),
    shared by every model of that quota family; pay-per-token types count per model.
    """
    entry = catalog().models.get(model)
    if entry is None:
        return f"AIServices.{sku}" if is_provisioned(sku) else f"AIServices.{sku}.{model}"
    return entry.usage_name(model, sku, version)


def quota_key(model: str, sku: str, version: str | None, region: str) -> tuple[str, str]:
    """(scope, usage name) a deployment is counted under: the one key the gate, ledger and `quota show` use."""
    return catalog().quota_scope(model, sku, region, version), usage_name(model, sku, version)


def default_limit(model: str, sku: str, version: str | None = None) -> int | None:
    """The offer's documented default limit in quota units, when every subscription gets one (PTU pools,
    and OpenAI models whose default depends on the subscription's quota tier, have none)."""
    entry = catalog().models.get(model)
    offer = entry.offer(sku, version) if entry is not None else None
    if offer is None or offer.quota is None or offer.quota.default_tpm is None or is_provisioned(sku):
        return None
    return offer.quota.default_tpm // QUOTA_UNIT_TPM


def largest_documented(model: str, sku: str, version: str | None = None) -> tuple[int, str] | None:
    """The largest quota Azure documents for a deployment's pool, in quota units, and what it is: the
    offer's highest quota tier, else the largest of any model on that deployment type; None when neither."""
    entry = catalog().models.get(model)
    offer = entry.offer(sku, version) if entry is not None else None
    if offer is not None and offer.quota is not None and offer.quota.largest_tpm is not None:
        as_of = offer.quota.as_of.isoformat()
        return (
            offer.quota.largest_tpm // QUOTA_UNIT_TPM,
            f"the highest quota tier's for {model} on {sku}, catalog {as_of}",
        )
    limit = catalog().type_limits.get(sku)  # type: ignore[call-overload]
    if limit is not None and limit.largest_tpm is not None:
        return (
            limit.largest_tpm // QUOTA_UNIT_TPM,
            f"the most Azure documents for any model on {sku}, catalog {limit.as_of}",
        )
    return None


@dataclass(frozen=True)
class Limit:
    """The limit of one scope and usage name, where it came from, and what other stacks already take.

    `cap` (with `cap_source`): when no limit is known, the largest quota Azure documents for the pool.
    """

    value: int | None
    source: str
    others: dict[str, int]
    cap: int | None = None
    cap_source: str = ""


def effective_limit(
    region: str, usage: str, model: str, sku: str, config: Mapping[str, Any], version: str | None = None
) -> Limit:
    """The limit that binds: the lower of Azure's (the synced snapshot, through the ledger) and the policy
    config's `limits`; the catalog's documented default only when neither is known.

    The lower one wins because each is a limit: the snapshot is what Azure grants, `limits` what the
    stack's governance allows of it.
    """
    shared = ((config.get("ledger") or {}).get(region) or {}).get(usage)
    others = {str(k): int(v) for k, v in ((shared or {}).get("others") or {}).items()}
    known: list[tuple[int, str]] = []
    if shared and shared.get("limit") is not None:
        known.append((int(shared["limit"]), str(shared.get("source", "ledger"))))
    manual = ((config.get("limits") or {}).get(region) or {}).get(usage)
    if manual is not None:
        known.append((int(manual), "policy config limits"))
    if known:
        value, source = min(known, key=lambda item: item[0])
        return Limit(value, source, others)
    default = default_limit(model, sku, version)
    return Limit(default, "catalog default" if default is not None else "unknown", others)


def quota_ledger(views: list[DeploymentView], config: Mapping[str, Any]) -> list[QuotaLine]:
    """Requested units summed per quota scope and usage name, with their effective limit."""
    grouped: dict[tuple[str, str], list[DeploymentView]] = defaultdict(list)
    for dep in views:
        grouped[quota_key(dep.model, dep.sku, dep.version, dep.region or "unknown")].append(dep)
    lines = []
    for (region, usage), deps in sorted(grouped.items()):
        defaults = {default_limit(d.model, d.sku, d.version) for d in deps}
        first = deps[0]
        model, version = (first.model, first.version) if len(defaults) == 1 else ("", None)
        limit = effective_limit(region, usage, model, first.sku, config, version)
        if limit.value is None:
            found = [largest_documented(d.model, d.sku, d.version) for d in deps]
            caps = [cap for cap in found if cap is not None]
            if len(caps) == len(found):  # a pool shared by models: the lowest cap binds
                cap, cap_source = min(caps, key=lambda c: c[0])
                limit = Limit(None, limit.source, limit.others, cap, cap_source)
        requested = sum(requested_units(d.model, d.sku, d.capacity) for d in deps)
        lines.append(QuotaLine(region, usage, requested, limit, tuple(deps)))
    return lines


def check_capacity_rules(dep: DeploymentView) -> Iterable[str]:
    """Provisioned capacity respects the model's minimum and step, and Azure's maximum per deployment."""
    if not is_provisioned(dep.sku):
        return
    limit = catalog().type_limits.get(dep.sku)  # type: ignore[call-overload]
    most = limit.ptu_per_deployment if limit is not None else None
    if most is not None and dep.capacity > most:
        yield f"{dep.capacity} PTU is above the {most:,} PTU Azure takes per deployment (catalog {limit.as_of})"
    entry = catalog().models.get(dep.model)
    rules = entry.ptu_rules(dep.sku, dep.version) if entry is not None else None
    if rules is None:
        return
    minimum, step = rules
    if dep.capacity < minimum:
        yield f"{dep.capacity} PTU is below the minimum of {minimum} PTU for {dep.model} on {dep.sku}"
    elif dep.capacity % step:
        yield f"{dep.capacity} PTU is not a multiple of {step} PTU for {dep.model} on {dep.sku}"


def over_limit(line: QuotaLine, limit: int, bound: str, advice: str) -> Iterable[Finding]:
    """One finding per deployment of a pool whose units (other stacks' too) exceed `limit`, described by `bound`."""
    others = sum(line.limit.others.values())
    if line.requested + others <= limit:
        return
    shared = ""
    if others:
        parts = listing(f"{stack}: {units}" for stack, units in sorted(line.limit.others.items()))
        shared = f" plus {others} for other stacks in this subscription ({parts})"
    names = listing(d.label for d in line.deployments)
    for dep in line.deployments:
        yield Finding(
            f"{dep.label}: {line.usage_name} in {line.region} needs {line.requested} units ({names}){shared}, "
            f"over {bound}; {advice}",
            dep.resource,
        )


def unknown_limit_findings(line: QuotaLine, advisory: bool) -> Iterable[Finding]:
    """A pool whose limit nobody states: said, never passed as unlimited; above the documented maximum, refused."""
    total = line.requested + sum(line.limit.others.values())
    for dep in line.deployments:
        yield Finding(
            f"{dep.label}: {line.usage_name} in {line.region}: limit unknown (no quota snapshot, no `limits` entry, "
            f"no documented default), so whether Azure grants {total} units is not judged; run `foundry-iac quota "
            "sync` or record the limit in quota-capacity `limits`",
            dep.resource,
            advisory=advisory,
        )
    if line.limit.cap is not None:
        bound = f"the largest quota Azure documents, {line.limit.cap} ({line.limit.cap_source})"
        yield from over_limit(line, line.limit.cap, bound, "lower capacities")


def check_quota(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Finding]:
    """Per region and usage name, requested capacity fits the limit; PTU capacity respects min and step.

    A pool without a known limit is a finding (advisory when `unknownLimit` says so), never a pass.
    """
    views = deployments(resources)
    for dep in views:
        for problem in check_capacity_rules(dep):
            yield Finding(f"{dep.label}: {problem}; change the capacity", dep.resource)
    advisory = config.get("unknownLimit", "mandatory") == "advisory"
    for line in quota_ledger(views, config):
        if line.limit.value is None:
            yield from unknown_limit_findings(line, advisory)
        else:
            bound = f"the limit of {line.limit.value} ({line.limit.source})"
            yield from over_limit(line, line.limit.value, bound, "lower capacities or request more quota")


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


# Written by foundry-iac, never by hand: the gate adds it to the config it evaluates, and `foundry-iac
# preview|up` to the config it gives `pulumi --policy-pack-config`, so both judge the same figures.
LEDGER_SCHEMA = {
    "type": "object",
    "readOnly": True,
    "description": "computed by foundry-iac from quotas/ and stacks/: quota scope -> usage name -> the synced "
    "snapshot's limit (and its source) and the units the other stacks of the subscription request",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {
                "limit": {"type": "integer", "minimum": 0},
                "source": {"type": "string"},
                "others": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            },
            "required": ["others"],
            "additionalProperties": False,
        },
    },
}
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
            "description": "quota scope (a region, dataZone:EU|US, or subscription) -> usage name -> limit in "
            "quota units (1,000 TPM; PTU for provisioned pools)",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        },
        "ledger": LEDGER_SCHEMA,
        "unknownLimit": {
            "type": "string",
            "enum": ["mandatory", "advisory"],
            "description": "A pool without a known limit (no snapshot, no `limits`, no documented default) is a "
            "finding: mandatory (the default; production) or advisory (nonproduction).",
        },
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
