"""Azure's own documented limits, applied to a stack file before anything is built.

Azure refuses a stack past these limits, so the gate refuses it too, at the line of the first entry
beyond the limit; and because they are checked on the parsed file, before the program runs, no stack
file can make the gate register (and judge) resources without end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..catalog import is_provisioned
from ..dns_zones import AGENT_DNS_ZONES, PRIVATE_DNS_ZONES
from ..roles import AGENT_ROLES

if TYPE_CHECKING:
    from ..account.model import AccountConfig
    from ..projects.model import ProjectConfig
    from ..stack.model import StackConfig

# Microsoft Learn, "Microsoft Foundry Models quotas and limits" (foundry-models/quotas-limits), read 2026-12-03:
# 32 deployments per Foundry resource, 250 projects per resource, 100 Foundry resources per region per subscription.
# The Azure OpenAI "quotas and limits" page (read 2026-12-03) states the same 32 standard deployments per resource.
MAX_DEPLOYMENTS_PER_ACCOUNT = 32
MAX_PROJECTS_PER_ACCOUNT = 250
MAX_ACCOUNTS_PER_REGION = 100
# Microsoft Learn, "Troubleshoot Azure RBAC limits" (role-based-access-control/troubleshoot-limits), read 2026-12-03:
# 4000 role assignments per subscription, counting subscription, resource group and resource scopes; fixed.
MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000

FOUNDRY_LIMITS = "Microsoft Foundry Models quotas and limits"
RBAC_LIMITS = "Azure RBAC limits"


def too_many(count: int, limit: int, what: str, where: str, source: str, fix: str) -> str:
    """The message for `count` entries where Azure allows `limit`."""
    return f"{count} {what} {where}, but Azure allows at most {limit} ({source}); {fix}"


# foundry-iac's own bound, not Azure's: the gate registers every resource of a stack under the SDK's mocks
# (~1 ms and ~90 KB each), so Azure's limits alone (4,000 members, 100 accounts x 32 deployments) allow stacks
# it cannot judge within its target (< 2 s and < 300 MiB per stack file). The number is measured by
# benchmarks/bench_limits.py on the budget's worst shapes (docs/cli.md, "Speed"), 2026-12-03 on 2 shared cores:
# 700 resources as 20 accounts of 32 deployments, 1.3-1.8 s and 146 MiB; 800 took 1.8-2.2 s.
MAX_RESOURCES_PER_STACK = 700
SPLIT_FIX = "split the stack into several stack files; each is gated and deployed on its own"

Path_ = tuple[str | int, ...]


def _dns_resources(config: StackConfig, private: list[bool]) -> Iterator[tuple[Path_, int]]:
    """The private DNS zones (the agent zones too when an account with agents brings none) and their links."""

    if config.private_dns is None:
        return
    own_agent_zones = any(
        with_agents and account.private_endpoint.dns_zone_ids is None  # type: ignore[union-attr]
        for with_agents, account in zip(private, config.accounts, strict=True)
    )
    zones = len(PRIVATE_DNS_ZONES) + (len(AGENT_DNS_ZONES) if own_agent_zones else 0)
    yield ("privateDns",), zones
    for v_index in range(len(config.private_dns.vnet_ids)):
        yield ("privateDns", "vnetIds", v_index), zones  # one link per zone


def _workspace_resources(config: StackConfig) -> Iterator[tuple[Path_, int]]:
    """One Log Analytics workspace per name, at the first account that names it."""
    workspaces: set[str] = set()
    for index, account in enumerate(config.accounts):
        name = account.diagnostics.workspace if account.diagnostics is not None else None
        if name and name not in workspaces:
            workspaces.add(name)
            yield ("accounts", index, "diagnostics"), 1


def _alert_count(config: StackConfig, account: AccountConfig) -> int:
    """The account's metric alerts: throttling, server errors, and PTU utilisation when it has provisioned ones."""
    alerts = config.alerts
    if alerts is None or not account.deployments:
        return 0
    provisioned = any(is_provisioned(d.type) for d in account.deployments)
    return int(alerts.throttling.enabled + alerts.server_errors.enabled) + int(
        alerts.ptu_utilization.enabled and provisioned
    )


def _account_own(config: StackConfig, account: AccountConfig, private_agents: bool) -> int:
    """The resources registered at the account's own entry (not its projects, filters or deployments)."""
    own = 2  # the FoundryAccount component and the account
    if account.encryption is not None and account.encryption.grant_key_access:
        own += 1
    if account.private_endpoint is not None:
        own += 2  # the endpoint and its zone group
    if account.diagnostics is not None:
        own += 1
    if account.lock if account.lock is not None else config.production:
        own += 1
    own += _alert_count(config, account)
    if account.has_agents:  # the account capability host (implicit when injected into a subnet or managed network)
        own += account.agent_network is None and account.managed_network is None
    if private_agents:
        targets = {r.id.lower() for p in account.projects if p.agents for r in p.agents.resources().values()}
        own += 2 * len(targets)  # an endpoint and a zone group per agent resource
    return own


def _project_resources(at: Path_, project: ProjectConfig) -> Iterator[tuple[Path_, int]]:
    """A project, its members, its connections and its agent setup."""

    yield at, 1
    for m_index in range(len(project.members)):
        yield (*at, "members", m_index), 1
    for c_index in range(len(project.connections)):
        yield (*at, "connections", c_index), 1
    if project.agents is not None:
        found = project.agents.resources()
        setup = len(found) + sum(len(AGENT_ROLES[key]) for key in found)  # connections, roles
        setup += project.agents.role_wait_seconds > 0  # the wait after the roles
        setup += 1 + ("storage" in found) + ("cosmosDb" in found)  # the host and the data-plane grants
        yield (*at, "agents"), setup


def _account_resources(
    config: StackConfig, index: int, account: AccountConfig, private_agents: bool
) -> Iterator[tuple[Path_, int]]:
    """An account entry, then its projects, content filters (with blocklists and items) and deployments."""
    at: Path_ = ("accounts", index)
    yield at, _account_own(config, account, private_agents)
    if account.managed_network is not None:  # the setting, then one resource per outbound rule
        yield (*at, "managedNetwork"), 1
        for r_index in range(len(account.managed_network.outbound)):
            yield (*at, "managedNetwork", "outbound", r_index), 1
    for p_index, project in enumerate(account.projects):
        yield from _project_resources((*at, "projects", p_index), project)
    for f_index, content_filter in enumerate(account.content_filters):
        yield (*at, "contentFilters", f_index), 1 + sum(1 + len(b.items) for b in content_filter.blocklists)
    for d_index in range(len(account.deployments)):
        yield (*at, "deployments", d_index), 1


def planned_resources(config: StackConfig) -> Iterator[tuple[Path_, int]]:
    """Each entry of the stack file and how many resources the program registers for it, in file order.

    Pure: read from the validated config before the program runs; the sum is what the program registers
    (components included, the root stack not), which tests/components/config/test_stack_budget.py checks
    against the real program under the mocks.
    """
    yield ("location",), 1  # the resource group
    if config.monthly_budget_usd is not None:
        yield ("monthlyBudgetUsd",), 1
    if config.defender is not None and config.defender.ai:
        yield ("defender", "ai"), 1  # at most: a stack that does not own the plan registers nothing
    private = [_private_with_agents(config, account) for account in config.accounts]
    yield from _dns_resources(config, private)
    yield from _workspace_resources(config)
    if config.alerts is not None and config.alerts.emails:
        yield ("alerts", "emails"), 1  # the action group
    for index, account in enumerate(config.accounts):
        yield from _account_resources(config, index, account, private[index])


def _private_with_agents(config: StackConfig, account: AccountConfig) -> bool:
    """A private account with a private endpoint and agents: its agent resources get private endpoints too."""
    return account.private_endpoint is not None and account.has_agents and not account.public(config.production)


def planned_resource_count(config: StackConfig) -> int:
    """How many resources the program registers for `config` (see planned_resources)."""
    return sum(count for _, count in planned_resources(config))


def first_beyond_budget(config: StackConfig, budget: int = MAX_RESOURCES_PER_STACK) -> tuple[int, Path_] | None:
    """(the stack's count, the entry that takes it past `budget`), or None within the budget."""
    total, beyond = 0, None
    for path, count in planned_resources(config):
        total += count
        if beyond is None and total > budget:
            beyond = path
    return None if beyond is None else (total, beyond)


def over_budget(count: int, budget: int = MAX_RESOURCES_PER_STACK) -> str:
    """The message for a stack whose program would register `count` resources."""
    return (
        f"this stack would register {count:,} resources, but foundry-iac judges at most {budget:,} per stack file "
        f"(foundry-iac's own bound, not Azure's: it keeps every check under 2 s); {SPLIT_FIX}"
    )
