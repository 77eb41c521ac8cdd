"""The CrossGuard entry point: `pulumi preview --policy-pack policies --policy-pack-config ...`.

Importing this module (as the tests do) only exposes the policy list; the pack serves the Pulumi
engine when run as a program.
"""

import os
import sys

# Pulumi runs this file from policies/; make the repository root importable so `policies` resolves
# to this package (and `components` to the catalog) even without an installed foundry-iac.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pulumi_policy import PolicyPack  # noqa: E402

from policies.pack import PACK_ENFORCEMENT_LEVEL, PACK_NAME, POLICIES  # noqa: E402

if __name__ == "__main__":
    PolicyPack(name=PACK_NAME, policies=POLICIES, enforcement_level=PACK_ENFORCEMENT_LEVEL)
