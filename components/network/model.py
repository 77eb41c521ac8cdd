"""The config of an account's network exposure: public access and IP rules, private endpoint, private DNS."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator

from ..config.fields import DNS_ZONE_ID, SUBNET_ID, VNET_ID, ConfigModel, custom_error
from ..dns_zones import AGENT_DNS_ZONES, PRIVATE_DNS_ZONES
from ..text import short

# Azure AI services take public IPv4 only in IP rules: "IP address ranges reserved for private networks (as
# defined in RFC 1918) aren't allowed" (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks,
# read 2026-11). Loopback, link-local, multicast, "this network" and reserved space can never be a client either.
NOT_PUBLIC_IPV4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "0.0.0.0/8",
    )
)
VnetId = Annotated[str, Field(pattern=VNET_ID)]


class PrivateEndpointConfig(ConfigModel):
    """A private endpoint (group `account`) into a subnet, with its DNS zone group."""

    subnet_id: str = Field(alias="subnetId", pattern=SUBNET_ID, description="ARM id of the subnet.")
    dns_zone_ids: dict[str, str] | None = Field(
        default=None,
        alias="dnsZoneIds",
        description="Existing (hub) private DNS zones by name; omit to use the stack's foundry-iac:privateDns zones.",
    )

    @field_validator("dns_zone_ids")
    @classmethod
    def _three_zones(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return value
        missing = [zone for zone in PRIVATE_DNS_ZONES if zone not in value]
        unknown = [zone for zone in value if zone not in PRIVATE_DNS_ZONES + AGENT_DNS_ZONES]
        if missing or unknown:
            raise custom_error(
                "dns_zones",
                f"dnsZoneIds must name the zones {', '.join(PRIVATE_DNS_ZONES)}"
                + (
                    f" (missing {', '.join(missing)})"
                    if missing
                    else f" and nothing else but the agent zones "
                    f"{', '.join(AGENT_DNS_ZONES)} (not {', '.join(map(short, unknown))})"
                ),
            )
        for zone, zone_id in value.items():
            if not re.match(DNS_ZONE_ID, zone_id) or not zone_id.lower().endswith("/" + zone):
                raise custom_error(
                    "dns_zone_id", f"{zone_id!r} is not the ARM id of the private DNS zone {zone}", at=(zone,)
                )
        return value


class NetworkConfig(ConfigModel):
    """Network exposure of an account."""

    public_access: StrictBool | None = Field(
        default=None,
        alias="publicAccess",
        description="publicNetworkAccess Enabled (true) or Disabled (false); defaults to false in production.",
    )
    default_action: Literal["Allow", "Deny"] | None = Field(
        default=None, alias="defaultAction", description="networkAcls.defaultAction; Deny when ipRules are given."
    )
    ip_rules: list[str] = Field(
        default_factory=list,
        alias="ipRules",
        max_length=400,
        description="Public IPv4 addresses or CIDR ranges (Azure takes no IPv6 and no private ranges).",
    )
    bypass: Literal["AzureServices", "None"] = "AzureServices"

    @field_validator("ip_rules")
    @classmethod
    def _ip_rules(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            problem = ip_rule_problem(value)
            if problem:
                raise custom_error("bad_ip_rule", problem, index=index)
        return values


def ip_rule_problem(value: str) -> str | None:
    """Why Azure would refuse `value` as an IP rule, or None (a rule wider than /8 is for the policy to judge)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{short(value)} is not an IPv4 address or CIDR range (e.g. 203.0.113.0/24)"
    if network.version != 4:
        return f"{short(value)} is IPv6; Azure's IP rules take public IPv4 addresses and ranges only"
    if network.prefixlen >= 8 and any(network.overlaps(blocked) for blocked in NOT_PUBLIC_IPV4):
        return (
            f"{short(value)} is a private or reserved range; Azure's IP rules take public addresses only "
            "(reach private networks through a privateEndpoint)"
        )
    return None


class PrivateDnsConfig(ConfigModel):
    """The three Foundry private DNS zones, created once in the stack's resource group and linked to VNets."""

    vnet_ids: list[VnetId] = Field(alias="vnetIds", min_length=1, description="VNets to link the zones to.")

    @field_validator("vnet_ids")
    @classmethod
    def _distinct_vnets(cls, value: list[str]) -> list[str]:
        # ARM ids compare case-insensitively; the link is named after the VNet, so names must differ too
        seen: dict[str, int] = {}
        for index, vnet_id in enumerate(value):
            for key in (vnet_id.lower().rstrip("/"), "name:" + vnet_id.rstrip("/").rsplit("/", 1)[-1].lower()):
                if key in seen:
                    what = "the same VNet" if not key.startswith("name:") else "a VNet of the same name"
                    raise custom_error(
                        "duplicate_vnet",
                        f"{what} as entry {seen[key]} (ARM ids ignore case); list it once",
                        index=index,
                    )
                seen[key] = index
        return value
