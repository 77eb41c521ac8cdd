"""Preflight of an existing account's managed network: where Azure's state differs from what the stack writes.

Isolation cannot be disabled once enabled and Azure lists the modes it can still change to
(`changeableIsolationModes`), so a mode the stack asks for that Azure no longer offers fails; a custom agent
subnet cannot become a managed network without redeploying the account (docs/reference/managed-network.md).
Every other difference is drift `pulumi up` will write, or that the stack does not state: advisory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from components import resource_types as types

from ..engine.report_model import ResourceEntry
from .live_arm import LiveArm, LiveManagedNetwork, LiveReadError

CHECK = "preflight-managed-network"
DESCRIPTION = (
    "An existing account's managed network can become what the stack writes (isolation mode among those Azure "
    "can still change to, no custom agent subnet to replace), and drift in mode, firewall SKU and user-defined "
    "outbound rules is shown."
)
REMEDIATION = (
    "Keep the isolation mode Azure can change to (it cannot be disabled once enabled); move an account from its own "
    "agent subnet to a managed network by deploying a new account; state outbound rules created outside the stack."
)


class Sink(Protocol):
    """Where findings go (preflight's collector)."""

    def add(self, check: str, message: str, resource: ResourceEntry | None, advisory: bool = False) -> None: ...

    def failed(self, exc: LiveReadError, resource: ResourceEntry | None) -> None: ...


@dataclass(frozen=True)
class Drift:
    """One difference: its message, the stack resource it concerns, and whether it only informs."""

    message: str
    resource: ResourceEntry
    advisory: bool = True


def _network(setting: ResourceEntry) -> Mapping[str, Any]:
    return (setting.props.get("properties") or {}).get("managedNetwork") or {}


def _custom_subnet(live_account: Mapping[str, Any]) -> str | None:
    """The agent subnet of the live account (LiveArm.account: the SDK model's dict, snake_case keys), or None."""
    injections = (live_account.get("properties") or {}).get("network_injections") or []
    return next(
        (str(i["subnet_arm_id"]) for i in injections if isinstance(i, dict) and i.get("subnet_arm_id")),
        None,
    )


def _mode_drift(name: str, setting: ResourceEntry, live: LiveManagedNetwork) -> list[Drift]:
    wanted, now = _network(setting).get("isolationMode"), live.isolation_mode
    out: list[Drift] = []
    if wanted != now:
        if live.changeable_modes and wanted not in live.changeable_modes:
            out.append(
                Drift(
                    f"{name}: the managed network is {now} and Azure can change it only to "
                    f"{', '.join(live.changeable_modes)}, not {wanted}: keep {now}, or deploy a new account",
                    setting,
                    advisory=False,
                )
            )
        else:
            out.append(
                Drift(f"{name}: the managed network is {now} in Azure; pulumi up changes it to {wanted}", setting)
            )
    sku = _network(setting).get("firewallSku")
    if sku is not None and sku != live.firewall_sku:
        out.append(
            Drift(
                f"{name}: the managed network's firewall is {live.firewall_sku or 'none'} in Azure; pulumi "
                f"up sets {sku}",
                setting,
            )
        )
    return out


def _rule_drift(name: str, account: ResourceEntry, rules: list[ResourceEntry], live: LiveManagedNetwork) -> list[Drift]:
    stated = {str(r.props.get("ruleName")): r for r in rules}
    out: list[Drift] = []
    for rule_name, rule in stated.items():
        props = rule.props.get("properties") or {}
        found = live.rules.get(rule_name)
        if found is None:
            out.append(Drift(f"{name}/{rule_name}: not in Azure yet; pulumi up creates it", rule))
        elif (found.get("type"), found.get("destination")) != (props.get("type"), props.get("destination")):
            out.append(
                Drift(
                    f"{name}/{rule_name}: Azure has {found.get('type')} {found.get('destination')!r}; pulumi up "
                    f"writes {props.get('type')} {props.get('destination')!r}",
                    rule,
                )
            )
    for rule_name in sorted(set(live.rules) - set(stated)):
        out.append(
            Drift(
                f"{name}: Azure has the user-defined outbound rule {rule_name} "
                f"({live.rules[rule_name].get('type')} {live.rules[rule_name].get('destination')!r}) that the stack "
                "does not state: it was made outside the stack; state it, or delete it deliberately",
                account,
            )
        )
    return out


def managed_network_drift(
    account: ResourceEntry,
    setting: ResourceEntry | None,
    rules: list[ResourceEntry],
    live_account: Mapping[str, Any],
    live: LiveManagedNetwork | None,
) -> list[Drift]:
    """Where the existing account's managed network differs from what the stack writes."""
    name = str(account.props.get("accountName"))
    enabled = live is not None and live.isolation_mode not in (None, "Disabled")
    if setting is None:
        if not enabled:
            return []
        return [
            Drift(
                f"{name}: Azure has a managed network ({live.isolation_mode}) that the stack does not state; isolation "  # type: ignore[union-attr]
                "cannot be disabled once enabled: state it under `managedNetwork`",
                account,
            )
        ]
    subnet = _custom_subnet(live_account)
    if subnet is not None:
        return [
            Drift(
                f"{name}: the account's agents use its own subnet {subnet.rsplit('/', 1)[-1]}; Azure has no upgrade "
                "path from a custom VNet to a managed network (the account must be redeployed): deploy a new account "
                "with `managedNetwork`, or keep `agentNetwork`",
                setting,
                advisory=False,
            )
        ]
    if not enabled:
        return [Drift(f"{name}: the account has no managed network yet; pulumi up creates it", setting)]
    assert live is not None  # enabled
    return _mode_drift(name, setting, live) + _rule_drift(name, account, rules, live)


def check_managed_network(
    arm: LiveArm, account: ResourceEntry, resources: list[ResourceEntry], live_account: Mapping[str, Any], found: Sink
) -> None:
    """Read the existing account's managed network and report each difference (403: the role to grant)."""
    name = account.props.get("accountName")
    mine = [r for r in resources if r.props.get("accountName") == name]
    setting = next((r for r in mine if r.type == types.MANAGED_NETWORK), None)
    rules = [r for r in mine if r.type == types.OUTBOUND_RULE]
    try:
        live = arm.managed_network(str(account.props.get("resourceGroupName")), str(name))
    except LiveReadError as exc:
        found.failed(exc, setting or account)
        return
    for drift in managed_network_drift(account, setting, rules, live_account, live):
        found.add(CHECK, drift.message, drift.resource, advisory=drift.advisory)
