"""The foundry-iac Pulumi program: load this stack's config, build the estate, export endpoints."""

import os
import sys

import pulumi

# The components live beside this file, in the repository (they are not an installed package).
_HERE = os.path.dirname(os.path.realpath(__file__))
if _HERE not in sys.path:  # the offline runner executes this program once per stack in one process
    sys.path.insert(0, _HERE)

from components.estate import build_estate  # noqa: E402
from components.stack.runtime import load_from_pulumi  # noqa: E402

estate = build_estate(load_from_pulumi())
pulumi.export("resourceGroup", estate.resource_group_name)
pulumi.export("accounts", estate.endpoints())
