"""The capacity finder: where a model can run, judged by the gate's own policy checks.

One row per (region, deployment type) the catalog offers the model in. Each row is a deployment the
program would build (the stack's own defaults: `components.deployments.args.args_of`), put beside the
stack's existing deployments and judged by the very check functions the policy pack runs (residency,
allowed regions, approval, lifecycle, pinning, filter, quota, deployments per account, cost ceiling and
budget), with the stack's policy config and the same cross-stack quota ledger the gate gives quota-capacity.
The finder never re-implements a rule, so it and `check` cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import ValidationError

from components import resource_types as types
from components.account.args import account_args
from components.catalog import Catalog, DeploymentType, ModelEntry, is_provisioned, load_catalog
from components.config.loaded import LoadedConfig, SourceLocation
from components.deployments.args import ModelDeploymentArgs, args_of
from components.deployments.component import deployment_inputs
from components.deployments.model import DeploymentConfig
from components.refs import unresolved
from components.resource_group import resource_group_name
from components.stack.loader import load_stack_file
from policies import content_safety as content_policy
from policies import cost as cost_policy
from policies import lifecycle as lifecycle_policy
from policies import models as models_policy
from policies import quota as quota_policy
from policies import residency as residency_policy
from policies.common import deployments
from policies.framework import Finding, Resource
from policies.pack import POLICIES

from ..errors import UsageError
from .ledger import ledger_for
from .policy_config import PolicySettings, load_policy_config
from .report_model import WhereCheck, WhereQuota, WhereReport, WhereRow
from .stacks import StackRef

DEPLOYMENT_TYPES = set(get_args(DeploymentType))
NEW_ACCOUNT = "(new account)"  # the account a row is judged in when the stack has none in its region


@dataclass(frozen=True)
class WhereQuery:
    """What `where` is asked: a model (and version), under a stack or a boundary, for a capacity and tokens."""

    model: str
    version: str | None = None
    stack: StackRef | None = None
    boundary: str | None = None  # with a stack: its policy config's
    capacity: int | None = None
    tokens: tuple[int, int] | None = None
    types: tuple[str, ...] = ()
    subscription: str | None = None


@dataclass(frozen=True)
class StackContext:
    """A stack as the finder judges rows in it: config, policy settings, its deployments as the policies see them."""

    loaded: LoadedConfig
    settings: dict[str, PolicySettings]
    resources: list[Resource]  # accounts, deployments and the budget, with the inputs the program registers
    accounts: dict[str, str]  # region -> the stack's first account there
    names: dict[str, set[str]]  # account -> its deployment names
    filters: dict[str, str | None]  # account -> the content filter its deployments use most (None: the default one)


@dataclass
class Context:
    """Everything every row is judged with, computed once."""

    catalog: Catalog
    model: str
    entry: ModelEntry
    version: str
    boundary: str
    stack: StackContext | None
    settings: dict[str, PolicySettings]
    subscription: str | None
    today: dt.date
    ledger: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def resolve_model(cat: Catalog, model: str, version: str | None) -> tuple[ModelEntry, str]:
    """The catalog entry and version asked for; an unknown one is a usage error naming the nearest."""
    problem = unresolved(model, list(cat.models), "model", "the models are listed in components/catalog.json")
    if problem:
        raise UsageError(problem)
    entry = cat.models[model]
    chosen = version or entry.default_version
    problem = unresolved(chosen, list(entry.versions), f"version of {model}", "pin a version the catalog lists")
    if problem:
        raise UsageError(f"--version: {problem}")
    return entry, chosen


def offered_types(entry: ModelEntry, version: str) -> list[str]:
    """The deployment types the catalog offers this version on."""
    return sorted({o.sku for o in entry.offers if o.covers(version)})


def check_types(entry: ModelEntry, version: str, model: str, asked: Sequence[str]) -> None:
    """Every --type is one the model is offered on; else a usage error naming the offered (or nearest) types."""
    valid = offered_types(entry, version)
    for sku in asked:
        if sku in valid:
            continue
        if sku in DEPLOYMENT_TYPES:
            raise UsageError(
                f"--type {sku}: the catalog does not offer {model} {version} as {sku} (offered types: "
                f"{', '.join(valid)}); pick one of those"
            )
        problem = unresolved(sku, valid, f"deployment type for {model} {version}", f"offered: {', '.join(valid)}")
        raise UsageError(f"--type: {problem}")


def check_boundary(cat: Catalog, boundary: str) -> None:
    """--residency is none, EU, US or a catalog region."""
    valid = ["none", "EU", "US", *cat.regions]
    problem = unresolved(boundary, valid, "residency boundary", residency_policy.BOUNDARIES)
    if problem:
        raise UsageError(f"--residency: {problem}")


def rows_of(cat: Catalog, entry: ModelEntry, version: str, asked: Sequence[str]) -> list[tuple[str, str]]:
    """(region, type) of every offer of the version, in catalog region order."""
    pairs: list[tuple[str, str]] = []
    for offer in entry.offers:
        if not offer.covers(version) or (asked and offer.sku not in asked):
            continue
        for region in cat.regions:
            if offer.in_region(region):
                pairs.append((region, offer.sku))
    return pairs


def judged_capacity(entry: ModelEntry, sku: str, version: str, asked: int | None) -> tuple[int, str]:
    """The capacity a row is judged at: the asked one; provisioned rounded up to the offer's minimum and step.

    Without --capacity: the least the offer takes (the PTU minimum, else 1 unit).
    """
    rules = entry.ptu_rules(sku, version) if is_provisioned(sku) else None
    if rules is None:
        units = "PTU" if is_provisioned(sku) else "units"
        return (asked, f"{asked} {units}") if asked else (1, "1 unit (no --capacity)")
    minimum, step = rules
    wanted = asked or minimum
    capacity = math.ceil(max(wanted, minimum) / step) * step
    if asked is None:
        return capacity, f"{capacity} PTU (the minimum; no --capacity)"
    if capacity == asked:
        return capacity, f"{capacity} PTU"
    return capacity, f"{capacity} PTU (asked {asked}, rounded up to minimum {minimum}, step {step})"


def free_name(taken: set[str], model: str, sku: str) -> str:
    """A deployment name not taken in the account: the model's, else the model's with the type."""
    for name in (model, f"{model}-{sku}"[:64], *(f"{model}-{sku}-{n}"[:64] for n in range(2, 100))):
        if name not in taken:
            return name
    raise UsageError(f"no free deployment name for {model} in the account; give one with --name")


def stack_resources(loaded: LoadedConfig) -> list[Resource]:
    """The stack's accounts, deployments and budget as the policies see them (inputs as the program registers)."""
    out: list[Resource] = []
    for index in range(len(loaded.config.accounts)):
        args = account_args(loaded, index)
        out.append(_account(args.account_name, args.location))
        out += [_deployment(dep, loaded.stack) for dep in args.deployments]
        out += [_filter(args.account_name, f.name, f.properties) for f in args.content_filters]
    if loaded.config.monthly_budget_usd is not None:
        out.append(
            Resource(
                types.BUDGET,
                f"budget-{loaded.stack}",
                f"urn:budget:{loaded.stack}",
                {"amount": loaded.config.monthly_budget_usd},
            )
        )
    return out


def _account(name: str, location: str) -> Resource:
    return Resource(types.ACCOUNT, name, f"urn:account:{name}", {"accountName": name, "location": location})


def _filter(account: str, name: str, properties: dict[str, Any]) -> Resource:
    props = {"accountName": account, "raiPolicyName": name, "properties": properties}
    return Resource(types.RAI_POLICY, f"{account}-content-filter-{name}", f"urn:filter:{account}:{name}", props)


def _deployment(args: ModelDeploymentArgs, stack: str) -> Resource:
    name = f"{args.account_name}-deployment-{args.deployment_name}"
    return Resource(types.DEPLOYMENT, name, f"urn:{stack}:deployment:{name}", deployment_inputs(args))


def load_stack_context(ref: StackRef, root: Path) -> StackContext:
    """The stack file and its policy config, read as the gate reads them (errors on their lines, exit 2)."""
    from .gate import default_policy_config

    loaded = load_stack_file(ref.path, ref.display, ref.name)
    path, display = default_policy_config(root, ref)
    filters = [f.name for account in loaded.config.accounts for f in account.content_filters]
    regions = [account.location or loaded.config.location for account in loaded.config.accounts]
    settings = load_policy_config(path, display, POLICIES, filters, regions)
    resources = stack_resources(loaded)
    accounts: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    usual: dict[str, str | None] = {}
    for account in loaded.config.accounts:
        accounts.setdefault(account.location or loaded.config.location, account.name)
        names[account.name] = {d.deployment_name for d in account.deployments}
        used = Counter(d.content_filter for d in account.deployments if d.content_filter)
        common = used.most_common(1)[0][0] if used else None
        usual[account.name] = None if common == DeploymentConfig.model_fields["content_filter"].default else common
    return StackContext(loaded, settings, resources, accounts, names, usual)


def default_settings(boundary: str) -> dict[str, PolicySettings]:
    """Without a stack: residency under the given boundary, lifecycle and quota at their defaults; no approval list,
    allowed regions or budget to judge by."""
    return {
        "residency-deployment-type": PolicySettings("mandatory", {"boundary": boundary}),
        "model-lifecycle": PolicySettings("mandatory", {}),
        # no stack, no policy config: a pool whose limit nobody states is shown as unknown, not a failure
        "quota-capacity": PolicySettings("mandatory", {"unknownLimit": "advisory"}),
    }


def build_context(query: WhereQuery, root: Path, today: dt.date) -> Context:
    """Resolve the query's names and read the stack, policy config and ledger once."""
    cat = load_catalog()
    entry, version = resolve_model(cat, query.model, query.version)
    check_types(entry, version, query.model, query.types)
    if query.boundary is not None:
        check_boundary(cat, query.boundary)
    stack = load_stack_context(query.stack, root) if query.stack else None
    if stack is not None:
        settings = stack.settings
        residency = settings["residency-deployment-type"]
        boundary = "none" if residency.enforcement == "disabled" else str(residency.config.get("boundary", "none"))
        subscription: str | None = stack.loaded.config.subscription_id
    else:
        boundary = query.boundary or "none"
        settings = default_settings(boundary)
        subscription = query.subscription
    return Context(cat, query.model, entry, version, boundary, stack, settings, subscription, today)


# The policies a row is judged by, in the pack's order: (id, check). A stack check gets the stack's resources and
# the row's deployment; a resource check the row's deployment (or, for allowed-regions, its account).
StackCheck = Callable[[list[Resource], Mapping[str, Any]], Iterable[Finding]]
ResourceCheck = Callable[[Resource, Mapping[str, Any]], Iterable[Finding]]
STACK_CHECKS: dict[str, StackCheck] = {
    "residency-deployment-type": residency_policy.check_residency,
    "approved-models": models_policy.check_approved,
    "model-lifecycle": lifecycle_policy.check_lifecycle,
    "content-filter-severity": content_policy.check_severity,
    "content-filter-shields": content_policy.check_shields,
    "content-filter-mode": content_policy.check_mode,
    "quota-capacity": quota_policy.check_quota,
    "deployments-per-account": quota_policy.check_per_account,
    "cost-budget": cost_policy.check_budget,
}
RESOURCE_CHECKS: dict[str, ResourceCheck] = {
    "allowed-regions": residency_policy.check_region,
    "model-version-pinned": models_policy.check_pinned,
    "content-filter": models_policy.check_filter,
    "deployment-cost-ceiling": cost_policy.check_ceiling,
}
ORDER = [p.name for p in POLICIES]


@dataclass(frozen=True)
class Candidate:
    """One row's deployment: its account, its resource, and the stack's resources with it."""

    region: str
    sku: str
    capacity: int
    capacity_note: str
    account: str | None
    args: ModelDeploymentArgs
    resource: Resource
    account_resource: Resource
    resources: list[Resource]
    config_problem: str | None = None


def candidate(ctx: Context, region: str, sku: str, query: WhereQuery) -> Candidate:
    """The deployment a row stands for, built as the program builds it from a stack file entry."""
    capacity, note = judged_capacity(ctx.entry, sku, ctx.version, query.capacity)
    account = ctx.stack.accounts.get(region) if ctx.stack else None
    account_name = account or NEW_ACCOUNT
    taken = ctx.stack.names.get(account_name, set()) if ctx.stack else set()
    tokens = query.tokens or (0, 0)
    raw = {
        "name": free_name(taken, query.model, sku),
        "model": query.model,
        "version": ctx.version,
        "type": sku,
        "capacity": capacity,
        "monthlyTokens": {"input": tokens[0], "output": tokens[1]},
    }
    chosen = ctx.stack.filters.get(account_name) if ctx.stack else None
    if chosen:  # the filter the account's deployments use, not the built-in default
        raw["contentFilter"] = chosen
    problem = None
    try:
        config = DeploymentConfig.model_validate(raw)
    except ValidationError as exc:  # above the offer's maximum: the stack file would be refused on load
        problem = f"the stack file would refuse it: {exc.errors()[0]['msg']}"
        config = DeploymentConfig.model_validate({**raw, "capacity": 1})
        config = config.model_copy(update={"capacity": capacity})
    rg = resource_group_name(ctx.stack.loaded) if ctx.stack else "rg"
    args = args_of(config, account_name, rg, SourceLocation("(where)", None))
    stack = ctx.stack.resources if ctx.stack else []
    account_resource = next(
        (r for r in stack if r.type == types.ACCOUNT and r.props.get("accountName") == account_name),
        _account(account_name, region),
    )
    resource = _deployment(args, ctx.stack.loaded.stack if ctx.stack else "where")
    extra = [] if account else [account_resource]
    return Candidate(
        region, sku, capacity, note, account, args, resource, account_resource, [*stack, *extra, resource], problem
    )


def _findings(cand: Candidate, policy: str, config: Mapping[str, Any]) -> list[Finding]:
    if policy in STACK_CHECKS:
        return [f for f in STACK_CHECKS[policy](cand.resources, config) if concerns(f, cand)]
    target = cand.account_resource if policy == "allowed-regions" else cand.resource
    return list(RESOURCE_CHECKS[policy](target, config))


def concerns(finding: Finding, cand: Candidate) -> bool:
    """Whether a stack check's finding is the row's: about its deployment (or a filter it uses), or about the stack
    as a whole (its budget); findings about the stack's other deployments and filters alone are the stack's own,
    which the gate judges with their waivers."""
    mine = cand.resource.urn
    if finding.resource is None or finding.resource.urn == mine or any(r.urn == mine for r in finding.related):
        return True
    others = {r.urn for r in cand.resources if r.type in (types.DEPLOYMENT, types.RAI_POLICY) and r.urn != mine}
    return finding.resource.urn not in others


def judge(ctx: Context, cand: Candidate) -> list[WhereCheck]:
    """Every finding the pack's checks make about the row's deployment, at its policy's enforcement level."""
    checks: list[WhereCheck] = []
    if cand.config_problem:
        checks.append(WhereCheck(policy="stack-config", enforcement="mandatory", message=cand.config_problem))
    for policy in ORDER:
        setting = ctx.settings.get(policy)
        if setting is None or setting.enforcement == "disabled" or policy not in {**STACK_CHECKS, **RESOURCE_CHECKS}:
            continue
        config = setting.config
        if policy == "quota-capacity":
            config = {**config, "ledger": ctx.ledger}
        level: Literal["mandatory", "advisory"] = "advisory" if setting.enforcement == "advisory" else "mandatory"
        for finding in _findings(cand, policy, config):
            enforcement: Literal["mandatory", "advisory"] = "advisory" if finding.advisory else level
            checks.append(WhereCheck(policy=policy, enforcement=enforcement, message=finding.message))
    return checks


def quota_of(ctx: Context, cand: Candidate, checks: list[WhereCheck]) -> WhereQuota:
    """The row's pool, as quota-capacity's ledger sees it: limit, what every stack uses, headroom, fits."""
    config = {**ctx.settings["quota-capacity"].config, "ledger": ctx.ledger}
    line = next(
        ln
        for ln in quota_policy.quota_ledger(deployments(cand.resources), config)
        if any(d.resource.urn == cand.resource.urn for d in ln.deployments)
    )
    units = quota_policy.requested_units(cand.args.model_name, cand.sku, cand.capacity)
    used = dict(line.limit.others)
    own = line.requested - units
    if own and ctx.stack is not None:
        used[ctx.stack.loaded.stack] = own
    limit = line.limit.value
    headroom = None if limit is None else limit - sum(used.values())
    blocking = [c for c in checks if c.policy == "quota-capacity" and c.enforcement == "mandatory"]
    fits = "no" if blocking else "yes"
    if limit is None and (not blocking or all("limit unknown" in c.message for c in blocking)):
        fits = "unknown"
    return WhereQuota(
        scope=line.region,
        usage_name=line.usage_name,
        limit=limit,
        limit_source=line.limit.source,
        used=dict(sorted(used.items())),
        headroom=headroom,
        requested=units,
        fits=fits,  # type: ignore[arg-type]
    )


def residency_of(ctx: Context, cand: Candidate) -> tuple[str, str]:
    """The row's residency verdict under the boundary and its reason (the policy's own function)."""
    if (
        "residency-deployment-type" not in ctx.settings
        or ctx.settings["residency-deployment-type"].enforcement == "disabled"
    ):
        return "not checked", "residency-deployment-type is disabled for this stack"
    inside, why = residency_policy.inference_inside(
        ctx.catalog, cand.args.model_name, cand.sku, cand.region, ctx.boundary
    )
    if inside:
        return "inside", f"{cand.sku} keeps prompts inside {ctx.boundary}" if ctx.boundary != "none" else "no boundary"
    return "outside", why


def costs_of(ctx: Context, cand: Candidate, query: WhereQuery) -> tuple[float | None, float | None]:
    """Expected (for --tokens) and ceiling monthly USD, priced by the cost policies' own function (the gate's basis)."""
    share = float(ctx.settings.get("cost-budget", PolicySettings("", {})).config.get("inputShare", 0.0))
    dep = deployments([cand.account_resource, cand.resource])[0]
    priced = cost_policy.price(dep, share)
    if priced.cost is None:
        return None, None
    return (priced.cost.expected if query.tokens else None), priced.cost.ceiling


def row(ctx: Context, region: str, sku: str, query: WhereQuery) -> WhereRow:
    """One judged row."""
    cand = candidate(ctx, region, sku, query)
    checks = judge(ctx, cand)
    blocking = next((c for c in checks if c.enforcement == "mandatory"), None)
    residency, why = residency_of(ctx, cand)
    expected, ceiling = costs_of(ctx, cand, query)
    version = ctx.entry.version(ctx.version)
    approved = None
    if ctx.stack is not None and ctx.settings["approved-models"].enforcement != "disabled":
        approved = not any(c.policy == "approved-models" for c in checks)
    return WhereRow(
        region=region,
        deployment_type=sku,
        data_zone=ctx.catalog.data_zone(region),
        account=cand.account,
        capacity=cand.capacity,
        capacity_note=cand.capacity_note,
        residency=residency,  # type: ignore[arg-type]
        residency_reason=why,
        lifecycle=version.status_on(ctx.today) if version else "unknown",
        approved=approved,
        quota=quota_of(ctx, cand, checks),
        monthly_expected=expected,
        monthly_ceiling=ceiling,
        passed=blocking is None,
        failed_policy=blocking.policy if blocking else None,
        reason=blocking.message if blocking else "",
        checks=checks,
    )


def cost_key(r: WhereRow) -> tuple[bool, float, str, str]:
    """Passing rows first, cheapest first (expected cost when tokens were given, else the ceiling); unpriced last."""
    cost = r.monthly_expected if r.monthly_expected is not None else r.monthly_ceiling
    return (not r.passed, cost if (r.passed and cost is not None) else math.inf, r.region, r.deployment_type)


def ledger_keys(ctx: Context, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every quota key the rows and the stack's own deployments are counted under."""
    keys = {quota_policy.quota_key(ctx.model, sku, ctx.version, region) for region, sku in pairs}
    if ctx.stack is not None:
        views = deployments(ctx.stack.resources)
        keys |= {quota_policy.quota_key(d.model, d.sku, d.version, d.region or "unknown") for d in views}
    return keys


def find(query: WhereQuery, root: Path, today: dt.date) -> WhereReport:
    """Every row, judged and sorted."""
    ctx = build_context(query, root, today)
    pairs = rows_of(ctx.catalog, ctx.entry, ctx.version, query.types)
    if ctx.subscription is not None:
        own = ctx.stack.loaded.stack if ctx.stack else ""
        ctx.ledger = ledger_for(root, own, ctx.subscription, ledger_keys(ctx, pairs))
    rows = sorted((row(ctx, region, sku, query) for region, sku in pairs), key=cost_key)
    return WhereReport(
        model=query.model,
        version=ctx.version,
        stack=query.stack.name if query.stack else None,
        boundary=ctx.boundary,
        subscription=ctx.subscription,
        today=today.isoformat(),
        capacity=query.capacity,
        input_tokens=query.tokens[0] if query.tokens else None,
        output_tokens=query.tokens[1] if query.tokens else None,
        rows=rows,
    )
