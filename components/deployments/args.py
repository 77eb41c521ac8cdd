"""Typed inputs of a model deployment, from the stack config."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import load_catalog
from ..config.loaded import LoadedConfig, SourceLocation
from ..resource_group import resource_group_name
from .model import DeploymentConfig


@dataclass(frozen=True)
class ModelDeploymentArgs:
    """A model deployment (accounts/deployments): sku and model, all plain values."""

    deployment_name: str
    account_name: str
    resource_group_name: str
    sku_name: str
    capacity: int
    model_format: str
    model_name: str
    model_version: str | None
    rai_policy_name: str | None
    version_upgrade_option: str
    monthly_input_tokens: int
    monthly_output_tokens: int
    source: SourceLocation
    spillover_to: str | None = None


def deployment_args(loaded: LoadedConfig, index: int, d_index: int) -> ModelDeploymentArgs:
    """Deployment `d_index` of account `index`, as plain values (the model format from the catalog)."""
    acct = loaded.config.accounts[index]
    return args_of(
        acct.deployments[d_index],
        acct.name,
        resource_group_name(loaded),
        loaded.location("accounts", index, "deployments", d_index),
    )


def args_of(
    dep: DeploymentConfig, account_name: str, resource_group: str, source: SourceLocation
) -> ModelDeploymentArgs:
    """A deployment config under the named account, as plain values; what the program deploys from it
    (also how `foundry-iac where` judges a deployment before any stack file holds it)."""
    return ModelDeploymentArgs(
        deployment_name=dep.deployment_name,
        account_name=account_name,
        resource_group_name=resource_group,
        sku_name=dep.type,
        capacity=dep.capacity,
        model_format=load_catalog().models[dep.model].format,
        model_name=dep.model,
        model_version=dep.version,
        rai_policy_name=dep.content_filter,
        version_upgrade_option=dep.version_upgrade,
        monthly_input_tokens=dep.monthly_tokens.input,
        monthly_output_tokens=dep.monthly_tokens.output,
        source=source,
        spillover_to=dep.spillover_to,
    )
