"""JSON Schema of a policy config file, generated from the pack's own policy objects (run to regenerate).

python -m foundry_iac.engine.policy_config_schema   # writes schema/policy-config.schema.json

Each policy's settings come from its CrossGuard config schema (the one `pulumi preview` checks), plus
`enforcementLevel`; the gate's loader checks the same rules and more (see policy_config.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pulumi_policy import Policy

from .policy_config import LEVELS, policy_schema

SCHEMA_FILE = Path("schema") / "policy-config.schema.json"


def policy_config_schema(policies: list[Policy]) -> dict[str, Any]:
    """The schema of policies/config/<stack>.json for this pack."""
    level = {"type": "string", "enum": LEVELS}
    properties: dict[str, Any] = {
        "all": {**level, "description": "the enforcement level of every policy not given one"},
    }
    for policy in policies:
        properties[policy.name] = {
            "description": policy.description,
            "oneOf": [{**level, "description": "enforcement level only"}, policy_schema(policy)],
        }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://foundry-iac.dev/schema/policy-config.schema.json",
        "title": "foundry-iac policy config (policies/config/<stack>.json, Pulumi's --policy-pack-config format)",
        "description": "Generated from the policy pack by `python -m foundry_iac.engine.policy_config_schema`; do not "
        "edit.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def render(policies: list[Policy]) -> str:
    """The schema file's text."""
    return json.dumps(policy_config_schema(policies), indent=2, sort_keys=False) + "\n"


def main() -> int:
    """Write the schema file."""
    from policies.pack import POLICIES

    from .stacks import project_root

    path = project_root() / SCHEMA_FILE  # the repository's file, never an installed copy
    path.write_text(render(POLICIES))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
