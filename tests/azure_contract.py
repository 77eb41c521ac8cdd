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


def published_differences(resource: dict, shape: dict) -> list[str]:
    """What Azure's published types do not read back of a template resource, as 'path: why'.

    `shape` is one type of tests/foundry_iac/engine/published/*.json: writable properties per object, string enums,
    discriminated elements. A key the types do not have, a value outside a closed enum or a named value Azure does
    not list, and a value of the wrong kind are each one line; nothing else."""
    nodes = shape["nodes"]
    out: list[str] = []

    def walk(value: object, spec: dict, path: str) -> None:
        if "ref" in spec:
            obj(value, spec["ref"], path)
        elif "array" in spec:
            if not isinstance(value, list):
                out.append(f"{path}: not a list")
                return
            for i, item in enumerate(value):
                walk(item, spec["array"], f"{path}[{i}]")
        elif "map" in spec:
            if not isinstance(value, dict):
                out.append(f"{path}: not an object")
                return
            for key, item in value.items():
                walk(item, spec["map"], f"{path}.{key}")
        elif "enum" in spec:
            if value not in spec["enum"]:
                out.append(f"{path}: {value!r} is not one of {', '.join(spec['enum'])}")
        elif spec["scalar"] == "string" and not isinstance(value, str):
            out.append(f"{path}: not a string")

    def obj(value: object, index: int, path: str) -> None:
        if not isinstance(value, dict):
            out.append(f"{path}: not an object")
            return
        node = nodes[index]
        props = dict(node["props"])
        if "discriminator" in node:
            element = node["elements"].get(value.get(node["discriminator"]))
            if element is None:
                out.append(f"{path}.{node['discriminator']}: {value.get(node['discriminator'])!r} is no element")
                return
            props.update(nodes[element]["props"])
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key not in props:
                out.append(f"{where}: not in the published type")
            else:
                walk(item, props[key], where)

    obj({k: v for k, v in resource.items() if k not in ("type", "apiVersion", "dependsOn", "scope")}, shape["body"], "")
    return out
