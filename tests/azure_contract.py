"""Check a request body against an azure-mgmt model's own rules: required, read-only, length and pattern.

Older azure-mgmt packages (msrest-style models, e.g. azure-mgmt-monitor 7) keep these rules in each
model's `_validation` map but no longer check them when serializing, so tests check them here.
"""

from __future__ import annotations

import re
from typing import Any


def contract_errors(model: Any, path: str = "") -> list[str]:
    """Every rule of `model` (and of the models inside it) that its values break, as 'path: rule'."""
    errors: list[str] = []
    rules: dict = getattr(type(model), "_validation", {}) or {}
    for attr in getattr(type(model), "_attribute_map", {}):
        value = getattr(model, attr, None)
        where = f"{path}.{attr}" if path else attr
        rule = rules.get(attr, {})
        if rule.get("required") and value is None:
            errors.append(f"{where}: required")
        if rule.get("readonly") and value is not None:
            errors.append(f"{where}: read-only, must not be sent")
        if isinstance(value, str):
            if "max_length" in rule and len(value) > rule["max_length"]:
                errors.append(f"{where}: longer than {rule['max_length']}")
            if "pattern" in rule and not re.search(rule["pattern"], value):
                errors.append(f"{where}: does not match {rule['pattern']}")
        for item in value if isinstance(value, list) else [value]:
            if hasattr(type(item), "_attribute_map"):
                errors += contract_errors(item, where)
    return errors
