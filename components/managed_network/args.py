"""Typed inputs of an account's managed network and its outbound rules, from the stack config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config.loaded import LoadedConfig, SourceLocation
from .model import OutboundRuleConfig

# The only name Azure gives the managed network of an account (accounts/managedNetworks/default).
SETTING_NAME = "default"
# The managed network kind Microsoft's template 18 writes; Azure's types: V1 can become V2, never back.
NETWORK_KIND = "V2"


@dataclass(frozen=True)
class OutboundRuleArgs:
    """One user-defined outbound rule: its name and its ARM `properties`."""

    name: str
    properties: dict[str, Any]
    source: SourceLocation


@dataclass(frozen=True)
class ManagedNetworkArgs:
    """The account's managed network setting and its rules, as plain values."""

    resource_group_name: str
    account_name: str
    isolation_mode: str
    firewall_sku: str | None
    rules: tuple[OutboundRuleArgs, ...]
    source: SourceLocation

    @property
    def properties(self) -> dict[str, Any]:
        """The setting's ARM `properties` (the rules are separate resources, so each has its own line)."""
        network: dict[str, Any] = {"isolationMode": self.isolation_mode, "managedNetworkKind": NETWORK_KIND}
        if self.firewall_sku is not None:
            network["firewallSku"] = self.firewall_sku
        return {"managedNetwork": network}


def rule_properties(rule: OutboundRuleConfig) -> dict[str, Any]:
    """A rule's ARM `properties`: its type, category UserDefined and its destination."""
    props: dict[str, Any] = {"type": rule.kind, "category": "UserDefined"}
    if rule.fqdn is not None:
        props["destination"] = rule.fqdn
    elif rule.private_endpoint is not None:
        pe = rule.private_endpoint
        props["destination"] = {"serviceResourceId": pe.resource_id, "subresourceTarget": pe.group_id}
    elif rule.service_tag is not None:
        tag = rule.service_tag
        props["destination"] = {
            "serviceTag": tag.tag,
            "protocol": tag.protocol,
            "portRanges": tag.ports,
            "action": tag.action,
        }
    return props


def managed_network_args(loaded: LoadedConfig, index: int, resource_group: str) -> ManagedNetworkArgs | None:
    """The managed network of account `index` (None without one)."""
    acct = loaded.config.accounts[index]
    network = acct.managed_network
    if network is None:
        return None
    at = ("accounts", index, "managedNetwork")
    return ManagedNetworkArgs(
        resource_group_name=resource_group,
        account_name=acct.name,
        isolation_mode=network.isolation,
        firewall_sku=network.firewall_sku,
        rules=tuple(
            OutboundRuleArgs(rule.name, rule_properties(rule), loaded.location(*at, "outbound", r_index))
            for r_index, rule in enumerate(network.outbound)
        ),
        source=loaded.location(*at),
    )
