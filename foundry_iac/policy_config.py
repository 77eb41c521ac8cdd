"""Read a policy config file (Pulumi's --policy-pack-config format) for the offline gate.

{"all": "<level>"?, "<policy-id>": "<level>" | {"enforcementLevel": "<level>", ...settings, "waivers": [...]}}

Checked as CrossGuard checks it (each policy's config schema) and stricter: unknown policy ids,
unknown settings, missing required settings and impossible waiver dates are errors with file, line
and fix, so a typo can never switch a policy off.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from pulumi_policy import EnforcementLevel, Policy

from components.config.model import suggest
from components.config.source import read_yaml

LEVELS = [level.value for level in EnforcementLevel]


class PolicyConfigError(Exception):
    """A policy config that cannot be used; one line per problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class PolicySettings:
    """One policy's enforcement level and settings (including waivers)."""

    enforcement: str
    config: dict[str, Any]


def _schema(policy: Policy) -> dict:
    schema = policy.config_schema
    properties = dict(schema.properties) if schema else {}
    properties["enforcementLevel"] = {"type": "string", "enum": LEVELS}
    return {
        "type": "object",
        "properties": properties,
        "required": (schema.required or []) if schema else [],
        "additionalProperties": False,
    }


def _fix(error: jsonschema.ValidationError, policy: Policy) -> str:
    """A fix-oriented sentence for one schema error."""
    if error.validator == "required":
        missing = error.message.split("'")[1]
        if missing == "expires":
            return 'every waiver needs an expiry: add "expires": "YYYY-MM-DD"'
        if missing in ("reason", "approver", "resource"):
            return f'every waiver needs a {missing}: add "{missing}": "..."'
        return f'{policy.name} needs "{missing}": add it'
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [w for w in error.message.split("'")[1::2] if w not in allowed]
        hint = suggest(extra[0], allowed) if extra else ""
        return f"unknown setting {', '.join(repr(e) for e in extra)}{hint or f'; allowed: {chr(44).join(allowed)}'}"
    if error.validator == "pattern" and error.path and error.path[-1] == "expires":
        return f"expires must be a date YYYY-MM-DD (got {error.instance!r})"
    if error.validator == "minLength" and error.path and error.path[-1] == "reason":
        return "a waiver's reason must say why (at least 10 characters)"
    return error.message


def _path_text(parts: list) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_policy_config(path: Path, display: str, policies: list[Policy]) -> dict[str, PolicySettings]:
    """Every policy's settings from the file; raise PolicyConfigError listing each problem on its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyConfigError(
            [
                f"{display}: cannot read the policy config ({exc.strerror or exc}); create it "
                "(copy policies/config/dev.json) or pass --policy-config FILE"
            ]
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyConfigError([f"{display}:{exc.lineno}: not valid JSON ({exc.msg}); fix the syntax"]) from None
    if not isinstance(data, dict):
        raise PolicyConfigError([f"{display}:1: a policy config is a JSON object of policy ids"])
    lines = read_yaml(text, display).lines  # JSON is YAML: reuse the line-keeping reader for positions

    def at(*parts: Any) -> str:
        for cut in range(len(parts), 0, -1):
            line = lines.get(tuple(parts[:cut]))
            if line:
                return f"{display}:{line}"
        return display

    by_id = {p.name: p for p in policies}
    problems: list[str] = []
    default = str(data.get("all", "")) or None
    if default is not None and default not in LEVELS:
        problems.append(f"{at('all')}: all: unknown enforcement level {default!r}; use one of {', '.join(LEVELS)}")
    for key in data:
        if key != "all" and key not in by_id:
            hint = suggest(key, list(by_id)) or f"; use one of the pack's policy ids ({', '.join(by_id)})"
            problems.append(f"{at(key)}: unknown policy {key!r}{hint}")
    settings: dict[str, PolicySettings] = {}
    for name, policy in by_id.items():
        raw = data.get(name, {})
        if isinstance(raw, str):
            raw = {"enforcementLevel": raw}
        if not isinstance(raw, dict):
            problems.append(f"{at(name)}: {name}: must be an enforcement level or an object of settings")
            continue
        level = str(
            raw.get("enforcementLevel")
            or default
            or (policy.enforcement_level.value if policy.enforcement_level else "advisory")
        )
        if level == "disabled":
            settings[name] = PolicySettings(level, dict(raw))
            continue
        for error in sorted(jsonschema.Draft7Validator(_schema(policy)).iter_errors(raw), key=lambda e: list(e.path)):
            where = [name, *error.path]
            problems.append(f"{at(*where)}: {_path_text(where)}: {_fix(error, policy)}")
        for index, waiver in enumerate(raw.get("waivers") or []):
            expires = waiver.get("expires") if isinstance(waiver, dict) else None
            if isinstance(expires, str) and len(expires) == 10:
                try:
                    dt.date.fromisoformat(expires)
                except ValueError:
                    problems.append(
                        f"{at(name, 'waivers', index, 'expires')}: {name}.waivers[{index}].expires: "
                        f"{expires!r} is not a real date; use YYYY-MM-DD"
                    )
        settings[name] = PolicySettings(level, dict(raw))
    if problems:
        raise PolicyConfigError(problems)
    return settings
