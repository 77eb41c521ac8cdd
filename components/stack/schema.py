"""JSON Schema of a stack file, generated from the config model (run as a module to regenerate).

python -m components.stack.schema   # writes schema/stack-config.schema.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .loader import PROJECT, PROVIDER_KEYS
from .model import StackConfig

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "stack-config.schema.json"


def stack_file_schema() -> dict[str, Any]:
    """The schema of a whole Pulumi.<stack>.yaml: `config:` with namespaced keys from the model."""
    model = StackConfig.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    properties = {}
    for alias, schema in model["properties"].items():
        key = f"azure-native:{PROVIDER_KEYS[alias]}" if alias in PROVIDER_KEYS else f"{PROJECT}:{alias}"
        properties[key] = schema
    required = [
        f"azure-native:{PROVIDER_KEYS[a]}" if a in PROVIDER_KEYS else f"{PROJECT}:{a}"
        for a in model.get("required", [])
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://foundry-iac.dev/schema/stack-config.schema.json",
        "title": "foundry-iac stack file (stacks/Pulumi.<stack>.yaml)",
        "description": "Generated from the config model by `python -m components.stack.schema`; do not edit.",
        "type": "object",
        "required": ["config"],
        "properties": {
            "config": {
                "type": "object",
                "properties": properties,
                "required": required,
                "patternProperties": {"^(azure-native|pulumi):": {}},
                "additionalProperties": False,
            },
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
            "encryptionsalt": {"type": "string"},
        },
        "additionalProperties": False,
        "$defs": model.get("$defs", {}),
    }


def render() -> str:
    """The schema file's exact text."""
    return json.dumps(stack_file_schema(), indent=2, sort_keys=True) + "\n"


def main() -> int:
    """Write the schema file."""
    SCHEMA_PATH.parent.mkdir(exist_ok=True)
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
