"""`foundry-iac preflight STACK [...]`: live, read-only checks of what the gate cannot know.

The gate judges what the repository asks for; preflight asks the subscription, right before `pulumi up`,
whether Azure will accept it now: the provider is registered, each model version and type is offered in
the region with capacity left, the quota has room once the repository's own live deployments are
counted, no soft-deleted account blocks a name, each custom subdomain is free or already ours, every
content filter a deployment names exists or is created by the stack, and a standard agent setup's
resources and subnet are there and fit for it.

Findings use the gate's report model (ids `preflight-*`), so the same renderers and exit codes apply.
A read Azure refuses or fails becomes a mandatory finding (`preflight-access`, `preflight-unreadable`):
what could not be checked never passes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components import resource_types as types
from components.account.args import account_args
from components.content_safety.filter_settings import BUILTIN_FILTERS
from components.defender.args import ON_TIER, PLAN_NAME
from components.stack.loader import load_stack_file
from components.text import counted
from policies.agents import agent_connections
from policies.framework import Resource
from policies.pack import POLICIES
from policies.quota import requested_units, usage_name

from ..engine.policy_config import load_policy_config
from ..engine.report_model import Report, ResourceEntry, StackReport, Violation
from ..engine.stacks import StackRef, all_stacks
from .live_arm import LiveArm, LiveDeployment, LiveReadError, OfferedModel
from .preflight_network import CHECK as MANAGED_NETWORK_CHECK
from .preflight_network import DESCRIPTION as MANAGED_NETWORK_DESCRIPTION
from .preflight_network import REMEDIATION as MANAGED_NETWORK_REMEDIATION
from .preflight_network import check_managed_network

DEFAULT_WARN_DAYS = 90
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Check:
    """A preflight finding id, what it checks and how to fix a failure."""

    id: str
    description: str
    remediation: str
    severity: str = "high"


CHECKS = {
    c.id: c
    for c in (
        Check(
            "preflight-provider",
            "Microsoft.CognitiveServices is registered in the subscription.",
            "az provider register --namespace Microsoft.CognitiveServices --subscription <id>",
        ),
        Check(
            "preflight-model-offered",
            "Each deployment's model version and deployment type are offered in its region now (models.list).",
            "Pick a version and type Azure offers there today; `foundry-iac catalog sync` refreshes the catalog.",
        ),
        Check(
            "preflight-lifecycle",
            "No deployment uses a model version Azure lists as retired or deprecated now; warns within warnDays.",
            "Move the deployment to a current version before the date Azure gives.",
        ),
        Check(
            "preflight-capacity",
            "The region has the capacity each new or grown deployment needs (locationBasedModelCapacities).",
            "Lower the capacity, use another region or a Global/DataZone type, or wait for capacity.",
        ),
        Check(
            "preflight-quota",
            "Live quota usage, minus the repository's own live deployments, plus what the repository requests, "
            "stays within the limit.",
            "Request more quota for the usage name in that region, or lower the capacity.",
        ),
        Check(
            "preflight-soft-deleted",
            "No soft-deleted account of the same name blocks creating an account.",
            "Set `restore: true` on the account to recover it, or purge it (az cognitiveservices account purge).",
        ),
        Check(
            "preflight-subdomain",
            "Each account's custom subdomain is free, or already held by that account.",
            "Rename the account (the subdomain follows the name), or purge the soft-deleted account holding it.",
        ),
        Check(
            "preflight-content-filter",
            "Each content filter a deployment names is built in, created by the stack, or exists on the account.",
            "Create the filter on the account, or name Microsoft.DefaultV2.",
        ),
        Check(
            "preflight-agent-resource",
            "Each Cosmos DB, Storage account and AI Search service a standard agent setup names exists, in the "
            "region its connection states.",
            "Fix the id or the location in the project's `agents` block, or create the resource first.",
        ),
        Check(
            "preflight-agent-subnet",
            "The agent subnet exists, is delegated to Microsoft.App/environments (spelled exactly so: the Agent "
            "Service compares it with case), holds nothing else, and no service association link of a deleted "
            "account still holds it.",
            "Delegate the subnet to Microsoft.App/environments and keep it for the agents; after deleting an injected "
            "account, purge it and wait 15-60 minutes.",
        ),
        Check(MANAGED_NETWORK_CHECK, MANAGED_NETWORK_DESCRIPTION, MANAGED_NETWORK_REMEDIATION),
        Check(
            "preflight-defender",
            "The subscription's Defender for AI plan is on (Standard) in a production stack, or will be once the "
            "stack of the repository that registers it is deployed.",
            "Add `foundry-iac:defender: {ai: true}` to the stack and deploy it, or deploy the stack owning the plan.",
        ),
        Check(
            "preflight-access",
            "The identity may read everything preflight checks.",
            "Grant the role the message names to the identity that runs preflight (see docs/operations.md, Preflight).",
        ),
        Check(
            "preflight-unreadable",
            "Azure answered every read preflight makes.",
            "Run preflight again; if Azure keeps failing, check the Azure status page.",
        ),
    )
}


@dataclass(frozen=True)
class PlannedDeployment:
    """A deployment of the repository, as the stack registers it."""

    stack: str
    account: str
    resource_group: str
    region: str
    name: str
    model: str
    version: str | None
    sku: str
    capacity: int


def _units(count: float, more: str = "") -> str:
    """`count` units (one unit), for the capacity and quota findings."""
    return counted(count, f"{more}unit")


def repository_deployments(refs: Iterable[StackRef], subscription: str) -> list[PlannedDeployment]:
    """Every deployment the repository's stacks make in a subscription (quota is shared across stacks)."""
    out = []
    for ref in refs:
        loaded = load_stack_file(ref.path, ref.display, ref.name)
        if loaded.config.subscription_id.lower() != subscription.lower():
            continue
        for index in range(len(loaded.config.accounts)):
            args = account_args(loaded, index)
            for dep in args.deployments:
                out.append(
                    PlannedDeployment(
                        ref.name,
                        args.account_name,
                        args.resource_group_name,
                        args.location,
                        dep.deployment_name,
                        dep.model_name,
                        dep.model_version,
                        dep.sku_name,
                        dep.capacity,
                    )
                )
    return out


class _Findings:
    """Collects one stack's findings; a failed read becomes preflight-access or preflight-unreadable."""

    def __init__(self) -> None:
        self.items: list[Violation] = []

    def add(self, check: str, message: str, resource: ResourceEntry | None, advisory: bool = False) -> None:
        self.items.append(
            Violation(
                policy=check,
                enforcement="advisory" if advisory else "mandatory",
                urn=resource.urn if resource else None,
                message=message,
                waived=False,
                source=resource.source if resource else None,
            )
        )

    def failed(self, exc: LiveReadError, resource: ResourceEntry | None) -> None:
        check = "preflight-access" if exc.denied else "preflight-unreadable"
        if not any(v.policy == check and v.message == exc.message for v in self.items):
            self.add(check, exc.message, resource)


def _props(resource: ResourceEntry) -> dict[str, Any]:
    return resource.props.get("properties") or {}


def _model(resource: ResourceEntry) -> dict[str, Any]:
    return _props(resource).get("model") or {}


def _check_provider(arm: LiveArm, found: _Findings) -> None:
    try:
        state = arm.provider_state()
    except LiveReadError as exc:
        found.failed(exc, None)
        return
    if state != "Registered":
        found.add(
            "preflight-provider",
            f"Microsoft.CognitiveServices is {state or 'not registered'} in subscription {arm.subscription}: "
            "register it (az provider register --namespace Microsoft.CognitiveServices) before pulumi up",
            None,
        )


def _check_account(arm: LiveArm, account: ResourceEntry, found: _Findings) -> dict[str, Any] | None:
    """Soft-deleted name and subdomain; returns the live account (None when it does not exist yet)."""
    p = account.props
    name, rg, region = str(p.get("accountName")), str(p.get("resourceGroupName")), str(p.get("location"))
    try:
        live = arm.account(rg, name)
    except LiveReadError as exc:
        found.failed(exc, account)
        return None
    if live is not None:
        return live  # it exists: no soft-deleted copy can block it, and its subdomain is its own
    try:
        deleted = arm.deleted_account(region, rg, name)
        if deleted is not None and not _props(account).get("restore"):
            when = (deleted.get("properties") or {}).get("deletion_date") or "earlier"
            found.add(
                "preflight-soft-deleted",
                f"{name}: a soft-deleted account of this name in {region} (deleted {when}) blocks creating it: "
                "set `restore: true` on the account to recover it, or purge it first (az cognitiveservices "
                f"account purge --name {name} --resource-group {rg} --location {region})",
                account,
            )
    except LiveReadError as exc:
        found.failed(exc, account)
    subdomain = str(_props(account).get("customSubDomainName") or "")
    if subdomain:
        try:
            available, reason = arm.subdomain(subdomain)
            if not available:
                found.add(
                    "preflight-subdomain",
                    f"{name}: the custom subdomain {subdomain} is taken ({reason or 'Azure gives no reason'}); "
                    "rename the account, or purge the soft-deleted account that holds it",
                    account,
                )
        except LiveReadError as exc:
            found.failed(exc, account)
    return None


def _offered_version(
    offered: Mapping[tuple[str, str, str], OfferedModel], m: Mapping[str, Any], label: str, region: str
) -> tuple[OfferedModel | None, str]:
    """The offered entry the deployment gets (its pinned version, else the region's default) and its version, or
    (None, why not: what is offered instead)."""
    fmt, model, version = str(m.get("format")), str(m.get("name")), str(m.get("version") or "")
    versions = sorted(v for (f, n, v) in offered if (f, n) == (fmt, model))
    if not version:
        version = next((v for v in versions if offered[(fmt, model, v)].default), "")
    entry = offered.get((fmt, model, version))
    if entry is not None:
        return entry, version
    also = f"; offered versions: {', '.join(versions)}" if versions else f"; {model} is not offered there at all"
    what = (
        f"version {version} is not offered"
        if m.get("version")
        else "has no version pinned and Azure marks no default version of it"
    )
    return None, f"{label}: {model} {what} in {region} today{also}"


def _lifecycle_findings(
    entry: OfferedModel, sku: str, label: str, today: dt.date, warn_days: int
) -> Iterator[tuple[str, bool]]:
    """(message, advisory) for what Azure lists of the version's lifecycle: retired or deprecated now, or within
    warnDays."""
    name = f"{entry.name} {entry.version}"
    dated = ((entry.inference_retirement, "retired"), (entry.skus[sku].deprecation, f"deprecated on {sku}"))
    dates = [(d, what) for d, what in dated if d]
    for when, what in dates:
        if when <= today:
            yield f"{label}: Azure lists {name} as {what} on {when}", False
        elif (when - today).days <= warn_days:
            yield f"{label}: Azure lists {name} as {what} on {when}, in {counted((when - today).days, 'day')}", True
    if entry.lifecycle and entry.lifecycle.lower() == "deprecated" and not any(d <= today for d, _ in dates):
        yield f"{label}: Azure lists {name} as Deprecated", False


def _check_model(
    arm: LiveArm, deployment: ResourceEntry, region: str, today: dt.date, warn_days: int, found: _Findings
) -> str | None:
    """Offered now, and its lifecycle; the version judged when the model version and type are offered, else None.

    A deployment that names no version gets the version Azure marks as the region's default (isDefaultVersion),
    so that version is the one judged.
    """
    sku = str((deployment.props.get("sku") or {}).get("name"))
    label = f"{deployment.props.get('accountName')}/{deployment.props.get('deploymentName')}"
    try:
        offered = arm.models(region)
    except LiveReadError as exc:
        found.failed(exc, deployment)
        return None
    entry, version = _offered_version(offered, _model(deployment), label, region)
    if entry is None:
        found.add("preflight-model-offered", version, deployment)
        return None
    if sku not in entry.skus:
        found.add(
            "preflight-model-offered",
            f"{label}: {entry.name} {version} is not offered as {sku} in {region} today; offered types: "
            f"{', '.join(sorted(entry.skus)) or 'none'}",
            deployment,
        )
        return None
    for message, advisory in _lifecycle_findings(entry, sku, label, today, warn_days):
        found.add("preflight-lifecycle", message, deployment, advisory=advisory)
    return version


def _check_capacity(
    arm: LiveArm,
    deployment: ResourceEntry,
    region: str,
    version: str,
    live: Mapping[str, LiveDeployment],
    found: _Findings,
) -> None:
    """Capacity Azure has left for the growth of a deployment of `version` (the one _check_model judged)."""
    m = _model(deployment)
    sku = deployment.props.get("sku") or {}
    name, capacity = str(deployment.props.get("deploymentName")), int(sku.get("capacity") or 0)
    current = live.get(name)
    held = current.capacity if current and current.sku == sku.get("name") and current.model == m.get("name") else 0
    increase = capacity - held
    if increase <= 0:
        return
    try:
        available = arm.available_capacity(region, str(m.get("format")), str(m.get("name")), version)
    except LiveReadError as exc:
        found.failed(exc, deployment)
        return
    left = available.get(str(sku.get("name")))
    if left is None or left < increase:
        label = f"{deployment.props.get('accountName')}/{name}"
        have = "no capacity" if left is None else f"{_units(left)} of capacity"
        found.add(
            "preflight-capacity",
            f"{label}: needs {_units(increase, 'more ')} of {sku.get('name')} {m.get('name')} in {region}; Azure has "
            f"{have} left there now",
            deployment,
        )


def _check_quota(
    arm: LiveArm,
    stack: str,
    planned: list[PlannedDeployment],
    deployments: dict[str, ResourceEntry],
    found: _Findings,
) -> None:
    """Per region and usage name the stack uses: live current - repository's live + repository's requested."""
    requested: dict[tuple[str, str], int] = defaultdict(int)
    mine: dict[tuple[str, str], PlannedDeployment] = {}
    for d in planned:
        key = (d.region, usage_name(d.model, d.sku, d.version))
        requested[key] += requested_units(d.model, d.sku, d.capacity)
        if d.stack == stack:
            mine.setdefault(key, d)
    for (region, usage), first in sorted(mine.items()):
        resource = deployments.get(f"{first.account}/{first.name}")
        try:
            usages = arm.usages(region)
            held = 0
            for account in sorted({(d.resource_group, d.account) for d in planned if d.region == region}):
                wanted = {d.name for d in planned if (d.resource_group, d.account) == account}
                for dep_name, live in arm.deployments(*account).items():
                    if dep_name in wanted and usage_name(live.model, live.sku, live.version) == usage:
                        held += requested_units(live.model, live.sku, live.capacity)
        except LiveReadError as exc:
            found.failed(exc, resource)
            continue
        if usage not in usages:
            found.add(
                "preflight-quota",
                f"{region} {usage}: Azure lists no quota of this name for the subscription; request quota for it",
                resource,
            )
            continue
        current, limit = usages[usage]
        after = current - held + requested[(region, usage)]
        if after > limit:
            found.add(
                "preflight-quota",
                f"{region} {usage}: the repository's stacks request {_units(requested[(region, usage)])}; Azure "
                f"reports {current:.15g} of {limit:.15g} in use ({held} by the repository's live deployments), so "
                f"after rollout {after:.15g} > {limit:.15g}: request {_units(after - limit, 'more ')} or lower "
                "capacity",
                resource,
            )


def _check_filter(
    arm: LiveArm, deployment: ResourceEntry, created: set[tuple[str, str]], live_account: bool, found: _Findings
) -> None:
    name = _props(deployment).get("raiPolicyName")
    account, rg = str(deployment.props.get("accountName")), str(deployment.props.get("resourceGroupName"))
    if not name or name in BUILTIN_FILTERS or (account, str(name)) in created:
        return
    label = f"{account}/{deployment.props.get('deploymentName')}"
    try:
        exists = live_account and arm.rai_policy_exists(rg, account, str(name))
    except LiveReadError as exc:
        found.failed(exc, deployment)
        return
    if not exists:
        found.add(
            "preflight-content-filter",
            f"{label}: content filter {name} does not exist on account {account} and the stack does not create "
            "it: create it, or name Microsoft.DefaultV2",
            deployment,
        )


AGENT_DELEGATION = "Microsoft.App/environments"


def _region(value: object) -> str:
    """Azure writes a location as a name (swedencentral) or a display name (Sweden Central)."""
    return str(value or "").replace(" ", "").lower()


def _check_agent_resources(arm: LiveArm, entry: StackReport, found: _Findings) -> None:
    """The agents' Cosmos DB, Storage and Search exist where their connections say."""
    entries = {r.urn: r for r in entry.resources}
    checked: set[str] = set()
    for item in agent_connections([Resource(r.type, r.name, r.urn, r.props) for r in entry.resources]):
        resource_id, location = item.resource_id, item.location
        if item.connection is None or not resource_id or resource_id.lower() in checked:
            continue
        checked.add(resource_id.lower())
        connection = entries[item.connection.urn]
        try:
            live = arm.resource(resource_id)
        except LiveReadError as exc:
            found.failed(exc, connection)
            continue
        if live is None:
            found.add(
                "preflight-agent-resource",
                f"{resource_id} does not exist (or the identity cannot see it): create it, or fix the id",
                connection,
            )
        elif _region(live.get("location")) != _region(location):
            found.add(
                "preflight-agent-resource",
                f"{resource_id.rsplit('/', 1)[-1]} is in {live.get('location')!r}, not {location!r} as the agents "
                "block says: correct its location (agent-byo-resources judges the stated one)",
                connection,
            )


def _delegation_problem(name: str, props: dict[str, Any]) -> str | None:
    """Why the subnet is not delegated to the Agent Service exactly (None: it is)."""
    named = ((d.get("properties") or {}).get("serviceName") for d in props.get("delegations") or [])
    services = [str(service) for service in named if service]  # a delegation without a service delegates nothing
    if AGENT_DELEGATION in services:
        return None
    # The Agent Service compares the delegation with case: a differently cased one passes ARM and fails
    # the capability host late (Azure/bicep-ptn-aiml-landing-zone PR 111).
    cased = [x for x in services if x.lower() == AGENT_DELEGATION.lower()]
    fix = (
        f"it is spelled {cased[0]!r}; the Agent Service compares it exactly, so the capability host would "
        f"fail: delegate the subnet to {AGENT_DELEGATION} spelled exactly so"
        if cased
        else "delegate it"
    )
    return (
        f"the agent subnet {name} is not delegated to {AGENT_DELEGATION} (delegations: "
        f"{', '.join(services) or 'none'}): {fix}"
    )


def _subnet_problems(name: str, props: dict[str, Any], account_exists: bool) -> list[str]:
    """What is wrong with an existing agent subnet: its delegation, other tenants, a deleted account's hold."""
    problems = [p for p in [_delegation_problem(name, props)] if p]
    others = len(props.get("ipConfigurations") or []) + len(props.get("privateEndpoints") or [])
    if others:
        problems.append(
            f"the agent subnet {name} holds {others} other network interface(s) or private endpoint(s); agents "
            "need a dedicated subnet: move them, or name another subnet"
        )
    if not account_exists and props.get("serviceAssociationLinks"):
        problems.append(
            f"the agent subnet {name} is still held by a service association link while this account does not "
            "exist yet (a deleted account's agents?): purge that account and wait 15-60 minutes"
        )
    return problems


def _check_agent_subnet(
    arm: LiveArm, account: ResourceEntry, live_account: Mapping[str, Any] | None, found: _Findings
) -> None:
    """The injected subnet is delegated to Microsoft.App/environments (exactly), dedicated, and not held by a deleted
    account."""
    injections = _props(account).get("networkInjections") or []
    for subnet_id in (str(i.get("subnetArmId")) for i in injections if i.get("subnetArmId")):
        try:
            subnet = arm.resource(subnet_id)
        except LiveReadError as exc:
            found.failed(exc, account)
            continue
        if subnet is None:
            found.add("preflight-agent-subnet", f"the agent subnet {subnet_id} does not exist: create it", account)
            continue
        name = subnet_id.rsplit("/", 1)[-1]
        for problem in _subnet_problems(name, subnet.get("properties") or {}, live_account is not None):
            found.add("preflight-agent-subnet", problem, account)


def _check_defender(arm: LiveArm, entry: StackReport, production: bool, found: _Findings) -> None:
    """The subscription's AI plan as Azure has it now, against what the repository declares."""
    row = entry.defender
    if row is None and not production:
        return
    plan = next((r for r in entry.resources if r.type == types.SECURITY_PRICING), None)
    try:
        tier = arm.defender_tier(PLAN_NAME)
    except LiveReadError as exc:
        found.failed(exc, plan)
        return
    if tier == ON_TIER:
        return
    now = f"the Defender for AI plan of subscription {arm.subscription} is {tier or 'not set'} now"
    if row is None:
        found.add(
            "preflight-defender",
            f"{now} and no stack of the repository turns it on, in a production stack: add "
            "`foundry-iac:defender: {ai: true}` to this stack",
            None,
        )
    elif row.registered_here:
        found.add("preflight-defender", f"{now}; this stack turns it on ({ON_TIER}) at pulumi up", plan, advisory=True)
    else:
        found.add(
            "preflight-defender",
            f"{now}; stack {row.owner} registers it ({ON_TIER}): deploy that stack, or until then this subscription's "
            "models raise no Defender alerts",
            None,
            advisory=not production,
        )


def preflight_entry(
    entry: StackReport,
    arm: LiveArm,
    planned: list[PlannedDeployment],
    today: dt.date,
    warn_days: int = DEFAULT_WARN_DAYS,
    progress: Progress | None = None,
    production: bool = False,
) -> StackReport:
    """The stack's report entry with preflight findings in place of the gate's violations."""
    found = _Findings()
    _check_provider(arm, found)
    _check_defender(arm, entry, production, found)
    accounts = [r for r in entry.resources if r.type == types.ACCOUNT]
    deployments = {
        f"{r.props.get('accountName')}/{r.props.get('deploymentName')}": r
        for r in entry.resources
        if r.type == types.DEPLOYMENT
    }
    created = {
        (str(r.props.get("accountName")), str(r.props.get("raiPolicyName")))
        for r in entry.resources
        if r.type == types.RAI_POLICY
    }
    for region, group in _by_region(accounts):
        for account in group:
            live_account = _check_account(arm, account, found)
            _check_agent_subnet(arm, account, live_account, found)
            name = str(account.props.get("accountName"))
            live = _existing_account(arm, account, entry, live_account, found)
            mine = [d for key, d in deployments.items() if key.split("/", 1)[0] == name]
            for deployment in mine:
                version = _check_model(arm, deployment, region, today, warn_days, found)
                if version is not None:
                    _check_capacity(arm, deployment, region, version, live, found)
                _check_filter(arm, deployment, created, live_account is not None, found)
        if progress:
            count = sum(1 for k in deployments if k.split("/", 1)[0] in {a.props.get("accountName") for a in group})
            progress(f"[{entry.stack}] {region}: {len(group)} account(s), {count} deployment(s) checked")
    _check_quota(arm, entry.stack, planned, deployments, found)
    _check_agent_resources(arm, entry, found)
    violations = found.items
    return entry.model_copy(
        update={
            "violations": violations,
            "passed": not any(v.enforcement == "mandatory" for v in violations),
        }
    )


def _existing_account(
    arm: LiveArm, account: ResourceEntry, entry: StackReport, live_account: Mapping[str, Any] | None, found: _Findings
) -> dict[str, LiveDeployment]:
    """What an existing account already has: its managed network checked, its deployments read ({} when new)."""
    if live_account is None:
        return {}
    check_managed_network(arm, account, entry.resources, live_account, found)
    try:
        return arm.deployments(str(account.props.get("resourceGroupName")), str(account.props.get("accountName")))
    except LiveReadError as exc:
        found.failed(exc, account)
        return {}


def _by_region(accounts: list[ResourceEntry]) -> Iterator[tuple[str, list[ResourceEntry]]]:
    regions: dict[str, list[ResourceEntry]] = {}
    for account in accounts:
        regions.setdefault(str(account.props.get("location")), []).append(account)
    yield from sorted(regions.items())


def warn_days_of(root: Path, ref: StackRef) -> int:
    """The stack's model-lifecycle warnDays from its policy config (the gate's own setting)."""
    from ..engine.gate import default_policy_config

    path, display = default_policy_config(root, ref)
    settings = load_policy_config(path, display, POLICIES)
    return int(settings["model-lifecycle"].config.get("warnDays", DEFAULT_WARN_DAYS))


def preflight(
    refs: list[StackRef],
    root: Path,
    connect: Callable[[str], LiveArm],
    today: dt.date,
    progress: Progress | None = None,
    gated: Report | None = None,
) -> Report:
    """Gate each stack offline (its resources; or take `gated`), then check them against the live subscription."""
    from ..engine.pool import build_report

    gated = gated or build_report(refs, root)
    arms: dict[str, LiveArm] = {}
    everything = all_stacks(root)
    entries = []
    try:
        for ref, entry in zip(refs, gated.stacks, strict=True):
            config = load_stack_file(ref.path, ref.display, ref.name).config
            subscription = config.subscription_id.lower()
            if subscription not in arms:
                arms[subscription] = connect(subscription)
            siblings = [ref, *(other for other in everything if other.name != ref.name)]
            planned = repository_deployments(siblings, subscription)
            entries.append(
                preflight_entry(
                    entry, arms[subscription], planned, today, warn_days_of(root, ref), progress, config.production
                )
            )
    finally:
        for arm in arms.values():
            arm.close()
    return Report(passed=all(e.passed for e in entries), stacks=entries)
