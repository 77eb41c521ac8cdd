"""A custom content filter of an account: its blocklists (with their items), then the RAI policy.

Each is a child write of the account, so each waits for the write before it, like every other child;
the deployments that name the filter come after it in the same chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
from pulumi_azure_native import cognitiveservices

from .. import provenance
from .. import resource_types as types
from ..wire import wire
from .args import ContentFilterArgs

if TYPE_CHECKING:
    from ..account.args import FoundryAccountArgs


def content_filter(
    account: str,
    account_args: FoundryAccountArgs,
    args: ContentFilterArgs,
    parent: pulumi.Resource,
    previous: pulumi.Resource,
) -> pulumi.Resource:
    """Register the filter's blocklists and items, then the filter; return the last write."""
    rg, account_name = account_args.resource_group_name, account_args.account_name
    for blocklist in args.blocklists:
        logical = f"{account}-blocklist-{blocklist.name}"
        provenance.record(types.RAI_BLOCKLIST, logical, blocklist.source)
        previous = cognitiveservices.RaiBlocklist(
            logical,
            account_name=account_name,
            resource_group_name=rg,
            rai_blocklist_name=blocklist.name,
            properties=wire({"description": f"foundry-iac: blocklist of content filter {args.name}"}),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
        )
        for item_name, pattern, is_regex in blocklist.items:
            item_logical = f"{logical}-{item_name}"
            provenance.record(types.RAI_BLOCKLIST_ITEM, item_logical, blocklist.source)
            previous = cognitiveservices.RaiBlocklistItem(
                item_logical,
                account_name=account_name,
                resource_group_name=rg,
                rai_blocklist_name=blocklist.name,
                rai_blocklist_item_name=item_name,
                properties=wire({"pattern": pattern, "isRegex": is_regex}),
                opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
            )
    logical = f"{account}-content-filter-{args.name}"
    provenance.record(types.RAI_POLICY, logical, args.source)
    return cognitiveservices.RaiPolicy(
        logical,
        account_name=account_name,
        resource_group_name=rg,
        rai_policy_name=args.name,
        properties=wire(args.properties),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[previous]),
    )
