"""ModelDeployment: one model deployment under a Foundry account.

It registers exactly one `azure-native:cognitiveservices:Deployment` (it is that resource, typed by
ModelDeploymentArgs) rather than wrapping it in a ComponentResource: estates hold hundreds of
deployments, and a wrapper per deployment would double the registrations and alias work of every
preview for no gain in structure.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import cognitiveservices

from .. import provenance
from .. import resource_types as types
from ..tags import INPUT_TOKENS_TAG, OUTPUT_TOKENS_TAG
from ..wire import Wire
from .args import ModelDeploymentArgs

DEPLOYMENT_TYPE = types.DEPLOYMENT
# Azure refuses to change a deployment's model in place (CannotChangeDeploymentModel): replace instead.
MODEL_IDENTITY_PATHS = ["properties.model.format", "properties.model.name"]


def deployment_properties(args: ModelDeploymentArgs) -> Wire:
    """The deployment's `properties` as Azure expects them (camelCase), omitting what is unset."""
    model: dict[str, str] = {"format": args.model_format, "name": args.model_name}
    if args.model_version:
        model["version"] = args.model_version
    props: dict[str, object] = {"model": model, "versionUpgradeOption": args.version_upgrade_option}
    if args.rai_policy_name:
        props["raiPolicyName"] = args.rai_policy_name
    if args.spillover_to:
        props["spilloverDeploymentName"] = args.spillover_to
    return props


def deployment_sku(args: ModelDeploymentArgs) -> Wire:
    """The deployment's sku: always sent (without it Azure falls back to the account's S0, no deployment type)."""
    return {"name": args.sku_name, "capacity": args.capacity}


def deployment_tags(args: ModelDeploymentArgs) -> dict[str, str]:
    """The tags that carry the declared monthly tokens to the cost policies."""
    return {INPUT_TOKENS_TAG: str(args.monthly_input_tokens), OUTPUT_TOKENS_TAG: str(args.monthly_output_tokens)}


def deployment_inputs(args: ModelDeploymentArgs) -> Wire:
    """The inputs the resource registers, as the policies read them (camelCase keys)."""
    return {
        "accountName": args.account_name,
        "resourceGroupName": args.resource_group_name,
        "deploymentName": args.deployment_name,
        "sku": deployment_sku(args),
        "properties": deployment_properties(args),
        "tags": deployment_tags(args),
    }


class ModelDeployment(cognitiveservices.Deployment):
    """A Grok, DeepSeek or OpenAI model deployment with an explicit sku and capacity."""

    def __init__(self, name: str, args: ModelDeploymentArgs, opts: pulumi.ResourceOptions | None = None):
        provenance.record(DEPLOYMENT_TYPE, name, args.source)
        # The Azure name is explicit, so the new deployment can only be created once the old one is gone:
        # delete before replace (Pulumi's default, create first, would collide on the name).
        replace = pulumi.ResourceOptions(replace_on_changes=MODEL_IDENTITY_PATHS, delete_before_replace=True)
        super().__init__(
            name,
            opts=pulumi.ResourceOptions.merge(opts, replace),
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            deployment_name=args.deployment_name,
            sku=deployment_sku(args),
            properties=deployment_properties(args),
            tags=deployment_tags(args),
        )
        self.args = args
