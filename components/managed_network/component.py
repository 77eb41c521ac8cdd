"""The account's managed network setting (`default`) and its outbound rules, in the account's write chain.

Azure serializes writes under an account, so the setting waits for the write before it and each rule for
the one before. What Azure cannot undo or update is told to Pulumi (docs/reference/managed-network.md):
- managed network isolation cannot be disabled once enabled, and deleting the account deletes the managed
  network: the setting is retained on delete (Pulumi forgets it; Azure keeps it until the account goes);
- a rule's name is its identity and changing its type (FQDN, PrivateEndpoint, ServiceTag) in place is not
  documented: a type change replaces the rule, deleting the old one first (the name cannot exist twice).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import cognitiveservices

from .. import provenance
from .. import resource_types as types
from ..wire import wire
from .args import SETTING_NAME, ManagedNetworkArgs

SETTING_TYPE = types.MANAGED_NETWORK
RULE_TYPE = types.OUTBOUND_RULE
RULE_REPLACED_ON = ["properties.type"]


def managed_network(
    account: str, args: ManagedNetworkArgs, parent: pulumi.Resource, previous: pulumi.Resource
) -> pulumi.Resource:
    """Register the setting, then each rule after the write before it; return the last write."""
    logical = f"{account}-managed-network"
    provenance.record(SETTING_TYPE, logical, args.source)
    previous = cognitiveservices.ManagedNetworkSetting(
        logical,
        account_name=args.account_name,
        resource_group_name=args.resource_group_name,
        managed_network_name=SETTING_NAME,
        properties=wire(args.properties),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous], retain_on_delete=True),
    )
    for rule in args.rules:
        rule_logical = f"{account}-outbound-{rule.name}"
        provenance.record(RULE_TYPE, rule_logical, rule.source)
        previous = cognitiveservices.OutboundRule(
            rule_logical,
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            managed_network_name=SETTING_NAME,
            rule_name=rule.name,
            properties=wire(rule.properties),
            opts=pulumi.ResourceOptions(
                parent=parent,
                depends_on=[previous],
                replace_on_changes=RULE_REPLACED_ON,
                delete_before_replace=True,
            ),
        )
    return previous
