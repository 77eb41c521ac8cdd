"""The foundry-iac Pulumi program: load this stack's config, build the estate, export endpoints."""

import os
import sys

import pulumi

# The components live beside this file, in the repository (they are not an installed package).
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

from components.config.runtime import load_from_pulumi  # noqa: E402
from components.estate import build_estate  # noqa: E402

estate = build_estate(load_from_pulumi())
pulumi.export("resourceGroup", estate.resource_group_name)
pulumi.export("accounts", estate.endpoints())
