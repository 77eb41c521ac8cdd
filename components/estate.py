"""The estate of one stack: its resource group and Foundry accounts, built from the loaded config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import resources

from . import provenance
from . import resource_types as types
from .account.args import account_args
from .account.component import FoundryAccount
from .budget.args import budget_args
from .clock import default_today
from .config.loaded import LoadedConfig
from .defender.args import defender_args
from .monitoring.alert_args import alerts_args
from .monitoring.diagnostics_args import workspace_args
from .network.args import private_dns_args
from .resource_group import resource_group_args
from .stack.repository import repository_owner

RESOURCE_GROUP_TYPE = types.RESOURCE_GROUP


@dataclass
class Estate:
    """What the program built: the resource group and the accounts, by account name."""

    resource_group: resources.ResourceGroup
    resource_group_name: str
    accounts: dict[str, FoundryAccount]

    def endpoints(self) -> dict[str, dict[str, Any]]:
        """Per account its endpoint and project endpoints, as plain values for `pulumi.export`."""
        out: dict[str, dict[str, Any]] = {}
        for name, account in self.accounts.items():
            out[name] = {
                "endpoint": account.endpoint,
                "projects": {
                    p.project_name: f"{account.endpoint}api/projects/{p.project_name}" for p in account.args.projects
                },
                "deployments": [d.deployment_name for d in account.args.deployments],
            }
        return out


def build_estate(loaded: LoadedConfig) -> Estate:
    """Register the stack's resources: accounts deploy in parallel, children of each one in series."""
    rg_args = resource_group_args(loaded)
    provenance.record(RESOURCE_GROUP_TYPE, "resource-group", rg_args.source)
    rg = resources.ResourceGroup(
        "resource-group",
        resource_group_name=rg_args.name,
        location=rg_args.location,
        tags=rg_args.tags,
        opts=pulumi.ResourceOptions(protect=rg_args.protect),
    )
    budget = budget_args(loaded, default_today())
    if budget is not None:
        from .budget.component import budget as register_budget

        register_budget(budget, depends_on=[rg])
    defender = defender_args(loaded, repository_owner(loaded))
    if defender is not None:
        from .defender.component import defender_plan

        defender_plan(defender)
    dns_zones = []
    dns = private_dns_args(loaded)
    if dns is not None:
        from .network.component import private_dns_zones

        dns_zones = private_dns_zones(dns, depends_on=[rg])
    workspaces = []
    for ws_args in workspace_args(loaded):
        from .monitoring.diagnostics import workspace

        workspaces.append(workspace(ws_args, depends_on=[rg]))
    accounts = {}
    for index, acct in enumerate(loaded.config.accounts):
        args = account_args(loaded, index)
        component = FoundryAccount(acct.name, args, resource_group=rg, dns_zones=dns_zones, workspaces=workspaces)
        accounts[acct.name] = component
    alerts = alerts_args(loaded)
    if alerts is not None:
        from .monitoring.alerts import metric_alerts

        metric_alerts(alerts, {a.args.account_id: a.account for a in accounts.values()}, depends_on=[rg])
    return Estate(rg, rg_args.name, accounts)
