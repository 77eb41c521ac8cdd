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


# The keys of a template resource that are the deployment's, not the REST body's.
TEMPLATE_KEYS = ("type", "apiVersion", "name", "dependsOn", "scope")


def request_body(resource: dict) -> dict:
    """A template resource as the REST body ARM sends for it: without the template's own keys."""
    return {k: v for k, v in resource.items() if k not in TEMPLATE_KEYS}


def _leaves(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {p: v for k, item in value.items() for p, v in _leaves(item, f"{path}.{k}" if path else k).items()}
    if isinstance(value, list):
        return {p: v for i, item in enumerate(value) for p, v in _leaves(item, f"{path}[{i}]").items()}
    return {path: value}


def _msrest_differences(model: type, body: dict) -> list[str]:
    """msrest-style models: deserialize, serialize back, and every key that did not come back."""
    sent = _leaves(body)
    back = _leaves(model.deserialize(body).serialize(keep_readonly=True))
    return [f"{path}: not in {model.__name__}" for path in sent if path not in back] + [
        f"{path}: {sent[path]!r} came back as {back[path]!r}"
        for path in sent
        if path in back and sent[path] != back[path] and str(sent[path]) != str(back[path])
    ]


def _typespec_differences(instance: Any, raw: dict, path: str) -> list[str]:
    """TypeSpec-style models keep unknown keys in their mapping, so the walk compares each key with the fields."""
    fields = {rf._rest_name: attr for attr, rf in type(instance)._attr_to_rest_field.items()}
    out: list[str] = []
    for key, value in raw.items():
        where = f"{path}.{key}" if path else key
        if key not in fields:
            out.append(f"{where}: not in {type(instance).__name__}")
            continue
        if type(instance)._attr_to_rest_field[fields[key]]._visibility == ["read"]:
            out.append(f"{where}: read-only in {type(instance).__name__}")
        read = getattr(instance, fields[key])
        listed = isinstance(value, list) and isinstance(read, list)
        pairs = zip(read, value, strict=False) if listed else [(read, value)]
        for i, (item, sub) in enumerate(pairs):
            if hasattr(type(item), "_attr_to_rest_field") and isinstance(sub, dict):
                out += _typespec_differences(item, sub, f"{where}[{i}]" if isinstance(value, list) else where)
    return out


def contract_differences(model: type, resource: dict) -> list[str]:
    """Every key of a template resource's body that `model` (Azure's REST contract) does not read back."""
    body = request_body(resource)
    if hasattr(model, "deserialize"):
        return _msrest_differences(model, body)
    return _typespec_differences(model._deserialize(body, []), body, "")
