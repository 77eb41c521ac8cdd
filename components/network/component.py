"""Private networking: the stack's private DNS zones and each account's private endpoint.

The azure-native network modules are imported when a stack uses them (each costs ~0.4 s to import).
"""

from __future__ import annotations

import pulumi

from .. import provenance
from .. import resource_types as types
from .args import PrivateDnsArgs, PrivateEndpointArgs

ZONE_TYPE = types.PRIVATE_DNS_ZONE
LINK_TYPE = types.VNET_LINK
ENDPOINT_TYPE = types.PRIVATE_ENDPOINT
ZONE_GROUP_TYPE = types.DNS_ZONE_GROUP


def private_dns_zones(args: PrivateDnsArgs, depends_on: list[pulumi.Resource]) -> list[pulumi.Resource]:
    """Create the three zones (global) and link each to every listed VNet (no auto-registration)."""
    from pulumi_azure_native import privatedns

    created: list[pulumi.Resource] = []
    for zone in args.zones:
        logical = f"dns-{zone}"
        provenance.record(ZONE_TYPE, logical, args.source)
        resource = privatedns.PrivateZone(
            logical,
            private_zone_name=zone,
            resource_group_name=args.resource_group_name,
            location="global",
            tags=args.tags,
            opts=pulumi.ResourceOptions(depends_on=depends_on),
        )
        created.append(resource)
        for vnet_id in args.vnet_ids:
            vnet = vnet_id.rstrip("/").rsplit("/", 1)[-1]
            link = f"dns-{zone}-link-{vnet}"
            provenance.record(LINK_TYPE, link, args.source)
            created.append(
                privatedns.VirtualNetworkLink(
                    link,
                    private_zone_name=zone,
                    resource_group_name=args.resource_group_name,
                    location="global",
                    virtual_network_link_name=f"link-{vnet}"[:80],
                    virtual_network={"id": vnet_id},
                    registration_enabled=False,
                    tags=args.tags,
                    opts=pulumi.ResourceOptions(depends_on=[resource]),
                )
            )
    return created


def private_endpoint(
    name: str, args: PrivateEndpointArgs, parent: pulumi.Resource, depends_on: list[pulumi.Resource]
) -> pulumi.Resource:
    """The endpoint into the subnet and its zone group; returns the last write (the zone group)."""
    from pulumi_azure_native import network

    provenance.record(ENDPOINT_TYPE, f"{name}-private-endpoint", args.source)
    endpoint = network.PrivateEndpoint(
        f"{name}-private-endpoint",
        private_endpoint_name=args.endpoint_name,
        resource_group_name=args.resource_group_name,
        location=args.location,
        subnet={"id": args.subnet_id},
        private_link_service_connections=[
            {"name": args.endpoint_name, "private_link_service_id": args.target_id, "group_ids": [args.group_id]}
        ],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on),
    )
    provenance.record(ZONE_GROUP_TYPE, f"{name}-private-dns", args.source)
    return network.PrivateDnsZoneGroup(
        f"{name}-private-dns",
        private_endpoint_name=args.endpoint_name,
        resource_group_name=args.resource_group_name,
        private_dns_zone_group_name="default",
        private_dns_zone_configs=[
            {"name": zone.replace(".", "-"), "private_dns_zone_id": zone_id} for zone, zone_id in args.zone_ids
        ],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[endpoint]),
    )
