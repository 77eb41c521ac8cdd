"""The foundry-iac Pulumi program: load this stack's config, build the estate, export endpoints."""

import pulumi

from components.config.runtime import load_from_pulumi
from components.estate import build_estate

estate = build_estate(load_from_pulumi())
pulumi.export("resourceGroup", estate.resource_group_name)
pulumi.export("accounts", estate.endpoints())
