"""Typed inputs of private endpoints and the stack's private DNS zones, from the stack config."""

from __future__ import annotations

from dataclasses import dataclass

from ..config.loaded import LoadedConfig, SourceLocation
from ..dns_zones import AGENT_DNS_ZONES, PRIVATE_DNS_ZONES
from ..resource_group import resource_group_name, stack_tags


@dataclass(frozen=True)
class PrivateEndpointArgs:
    """A private endpoint into a subnet (to an account, group `account`, or an agent resource), and its zone group."""

    endpoint_name: str
    resource_group_name: str
    location: str
    subnet_id: str
    target_id: str
    zone_ids: tuple[tuple[str, str], ...]
    source: SourceLocation
    group_id: str = "account"


@dataclass(frozen=True)
class PrivateDnsArgs:
    """The three Foundry private DNS zones of the stack and the VNets they are linked to."""

    resource_group_name: str
    zones: tuple[str, ...]
    vnet_ids: tuple[str, ...]
    tags: dict[str, str]
    source: SourceLocation

    def zone_id(self, subscription_id: str, zone: str) -> str:
        """The ARM id of one of the zones (a plain value, known at preview)."""
        return (
            f"/subscriptions/{subscription_id}/resourceGroups/{self.resource_group_name}"
            f"/providers/Microsoft.Network/privateDnsZones/{zone}"
        )


def private_dns_args(loaded: LoadedConfig) -> PrivateDnsArgs | None:
    """The stack's private DNS zones, when it creates them."""
    dns = loaded.config.private_dns
    if dns is None:
        return None
    return PrivateDnsArgs(
        resource_group_name(loaded),
        PRIVATE_DNS_ZONES + (AGENT_DNS_ZONES if _agent_zones_from_stack(loaded) else ()),
        tuple(dns.vnet_ids),
        stack_tags(loaded),
        loaded.location("privateDns"),
    )


def private_with_agents(loaded: LoadedConfig, index: int) -> bool:
    """True when account `index` is private, has a private endpoint, and projects with agents: their resources
    get private endpoints too."""
    acct = loaded.config.accounts[index]
    return acct.private_endpoint is not None and acct.has_agents and not acct.public(loaded.config.production)


def _agent_zones_from_stack(loaded: LoadedConfig) -> bool:
    """True when an account's agent resources take their private DNS zones from foundry-iac:privateDns."""
    return any(
        private_with_agents(loaded, index) and acct.private_endpoint.dns_zone_ids is None  # type: ignore[union-attr]
        for index, acct in enumerate(loaded.config.accounts)
    )


def private_endpoint_args(loaded: LoadedConfig, index: int, scope_base: str) -> PrivateEndpointArgs | None:
    """The private endpoint of account `index` (None without one) and its three Foundry DNS zones."""
    cfg = loaded.config
    acct = cfg.accounts[index]
    pe = acct.private_endpoint
    if pe is None:
        return None
    dns = private_dns_args(loaded)
    if pe.dns_zone_ids is not None:
        zones = {zone: pe.dns_zone_ids[zone] for zone in PRIVATE_DNS_ZONES}  # the agent zones serve other endpoints
    else:
        assert dns is not None, "validated: an endpoint without dnsZoneIds needs foundry-iac:privateDns"
        zones = {zone: dns.zone_id(cfg.subscription_id, zone) for zone in PRIVATE_DNS_ZONES}
    return PrivateEndpointArgs(
        endpoint_name=f"pe-{acct.name}",
        resource_group_name=resource_group_name(loaded),
        location=acct.location or cfg.location,
        subnet_id=pe.subnet_id,
        target_id=scope_base,
        zone_ids=tuple(sorted(zones.items())),
        source=loaded.location("accounts", index, "privateEndpoint"),
    )
