"""Read a policy config file (Pulumi's --policy-pack-config format) for the offline gate.

{"all": "<level>"?, "<policy-id>": "<level>" | {"enforcementLevel": "<level>", ...settings, "waivers": [...]}}

Checked as CrossGuard checks it (each policy's config schema) and stricter: unknown policy ids,
unknown settings, missing required settings and impossible waiver dates are errors with file, line
and fix, so a typo can never switch a policy off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jsonschema
from pulumi_policy import EnforcementLevel, Policy

from components.catalog import load_catalog
from components.clock import date_range_problem
from components.config.fields import suggest
from components.content_safety.filter_settings import BUILTIN_FILTERS
from components.errors import FoundryIacError, InputFileError
from components.inputs import loads_strict_json, read_input_text
from components.refs import lookalike, unresolved
from components.source import json_lines
from components.text import listing, short
from policies.pack import PACK_ENFORCEMENT_LEVEL

LEVELS = [level.value for level in EnforcementLevel]
SCHEMA_KEY = "$schema"  # editor help only; Pulumi's parser refuses it, so editors map the schema by file name


class PolicyConfigError(FoundryIacError):
    """A policy config that cannot be used; one line per problem."""


@dataclass(frozen=True)
class PolicySettings:
    """One policy's enforcement level and settings (including waivers), and where each setting is written."""

    enforcement: str
    config: dict[str, Any]
    where: dict[str, str] = field(default_factory=dict, compare=False)

    def location(self, setting: str) -> str:
        """'file:line' of a setting, or of the policy's entry when the setting is not written."""
        return self.where.get(setting) or self.where.get("", "")

    def with_setting(self, setting: str, value: Any) -> PolicySettings:
        """A copy with one computed setting added; the level and every written setting's place are kept."""
        return replace(self, config={**self.config, setting: value})


def policy_schema(policy: Policy, required: bool = True) -> dict[str, Any]:
    """One policy's entry as an object: its CrossGuard config schema plus enforcementLevel, nothing else.

    required=False: the same rules without required settings (a disabled policy needs none, but what it
    states, its waivers above all, is still checked).
    """
    schema = policy.config_schema
    properties = dict(schema.properties) if schema else {}
    properties["enforcementLevel"] = {"type": "string", "enum": LEVELS}
    return {
        "type": "object",
        "properties": properties,
        "required": (schema.required or []) if schema and required else [],
        "additionalProperties": False,
    }


# Settings whose keys or items name something else: (policy, setting) -> (what is named, where the names are).
# "keys": the object's keys; "items": the list's items; "scopes": quota scope -> usage name -> number.
# Every name must resolve exactly (components.refs); tests/foundry_iac/engine/test_references.py checks that every
# setting of the pack that holds names is listed here or in FREE_NAMES.
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("approved-models", "approvedModels"): ("approvable model", "keys"),
    ("deployment-cost-ceiling", "perModel"): ("model", "keys"),
    ("allowed-regions", "allowedRegions"): ("region", "items"),
    ("agent-byo-resources", "allowedRegions"): ("region", "items"),
    ("content-filter", "allowedFilters"): ("content filter", "items"),
    ("quota-capacity", "limits"): ("quota scope", "scopes"),
}
# Settings whose names are the user's own, naming nothing foundry-iac knows (tag names to require).
# egress-restricted's allow lists: a name that matches nothing only makes the policy stricter.
FREE_NAMES = {
    ("required-tags", "tags"),
    ("egress-restricted", "allowedFqdns"),
    ("egress-restricted", "allowedServiceTags"),
    ("egress-restricted", "allowedPrivateEndpoints"),
}
POOLED_SCOPES = ("dataZone:EU", "dataZone:US", "subscription")


def known_names(kind: str, filters: list[str] | None = None) -> list[str]:
    """The valid names of one kind of reference, from the catalog (and the stack's own content filters)."""
    catalog = load_catalog()
    if kind == "model":
        return sorted(catalog.models)
    if kind == "approvable model":
        # a router's routed models the catalog lacks are approved as its documentation names them; one the catalog
        # has (`Deepseek-v3.1` for `DeepSeek-V3.1`) only by the catalog's name, which the policies compare
        lower = {name.lower() for name in catalog.models}
        routed = {m for entry in catalog.models.values() for r in entry.routes_to.values() for m in r.models}
        return sorted({*catalog.models, *(m for m in routed if m.lower() not in lower)})
    if kind == "region":
        return sorted(catalog.regions)
    if kind == "quota scope":
        return [*sorted(catalog.regions), *POOLED_SCOPES]
    if kind == "usage name":
        return sorted({o.usage_name for entry in catalog.models.values() for o in entry.offers})
    if kind == "content filter":
        return [*BUILTIN_FILTERS, *(filters or [])]
    raise ValueError(kind)


DETAILED_PROBLEMS = 20  # as many as a command prints; past them, a name is only checked, not matched to the nearest


def reference_problems(
    policy: str, config: Mapping[str, Any], at: Any, filters: list[str] | None, regions: list[str] | None = None
) -> list[str]:
    """One line per name in a policy's settings that does not resolve (see REFERENCES), or names a quota pool
    no deployment is counted in. `regions`: the stack's deployment regions, offered first in that fix."""
    problems: list[str] = []

    def check(name: object, valid: list[str], what: str, fix: str, *path: Any) -> None:
        if len(problems) >= DETAILED_PROBLEMS and what != "content filter":
            if name not in valid:  # never printed (the command shows the first ones): counted, not explained
                problems.append(f"{at(policy, *path)}: {_path_text([policy, *path])}: unknown {what} {short(name)}")
            return
        # the stack's filters are an open set: an allowed filter it does not define (yet) is no near miss
        problem = (lookalike if what == "content filter" else unresolved)(name, valid, what, fix)
        if problem:
            problems.append(f"{at(policy, *path)}: {_path_text([policy, *path])}: {problem}")

    models = load_catalog().models
    for (owner, setting), (kind, shape) in REFERENCES.items():
        value = config.get(setting)
        if owner != policy or value is None or (kind == "content filter" and filters is None):
            continue  # (the stack's own filters unknown: its file did not load, and says so itself)
        valid, fix = known_names(kind, filters), _REFERENCE_FIX[kind]
        if shape == "items":
            for index, name in enumerate(value):
                check(name, valid, kind, fix, setting, index)
        elif shape == "keys":
            for name, versions in value.items():
                check(name, valid, kind, fix, setting, name)
                if setting == "approvedModels" and name in models:
                    for index, version in enumerate(versions):
                        known = list(models[name].versions)
                        check(version, known, f"version of {name}", _REFERENCE_FIX["version"], setting, name, index)
        else:
            usage_names = known_names("usage name")
            for scope, usages in value.items():
                check(scope, valid, kind, fix, setting, scope)
                for usage in usages:
                    check(usage, usage_names, "usage name", _REFERENCE_FIX["usage name"], setting, scope, usage)
                    resolved = scope in valid and usage in usage_names
                    pooled = pool_problem(scope, usage, [*(regions or []), *value]) if resolved else None
                    if pooled:
                        path = [policy, setting, scope, usage]
                        problems.append(f"{at(*path)}: {_path_text(path)}: {pooled}")
    return problems


_SCOPE_WORDS = {"region": "per region", "dataZone": "per data zone", "subscription": "per subscription"}


def _pool_kind(scope: str) -> str:
    return "subscription" if scope == "subscription" else "dataZone" if scope.startswith("dataZone:") else "region"


def _regional_keys(offers: list[Any], preferred: Sequence[str]) -> list[str]:
    """The regions a regionally pooled offer is deployed in: the preferred ones first, then the rest sorted."""
    regional = [o for o in offers if o.quota_scope == "region"]
    if any(o.regions == "all" for o in regional):
        regions = sorted(set(load_catalog().regions))
    else:
        regions = sorted({r for o in regional for r in o.regions})
    first = [r for r in dict.fromkeys(preferred) if r in regions]  # the stack's regions, then the config's
    return [*first, *(r for r in regions if r not in first)]


def _pool_keys(kinds: Collection[str], offers: list[Any], preferred: Sequence[str]) -> list[str]:
    """Where a limit for these offers applies, one phrase per kind of pool they are counted in."""
    where: list[str] = []
    if "region" in kinds:
        where.append(f"a region key where it is deployed ({listing(_regional_keys(offers, preferred), 4)})")
    if "dataZone" in kinds:
        where.append("dataZone:EU or dataZone:US")
    if "subscription" in kinds:
        where.append("subscription")
    return where


def pool_problem(scope: str, usage: str, preferred: Sequence[str] = ()) -> str | None:
    """Why a `limits` entry for `usage` under `scope` would never apply (no deployment of that usage name is
    counted in a pool of that kind, per the catalog's quotaScope), or None when it applies."""
    kind = _pool_kind(scope)
    offers = [o for entry in load_catalog().models.values() for o in entry.offers if o.usage_name == usage]
    kinds = {o.quota_scope for o in offers}
    if not offers or kind in kinds:
        return None
    where = _pool_keys(kinds, offers, preferred)
    pools = " and ".join(_SCOPE_WORDS[k] for k in sorted(kinds))
    return (
        f"no deployment of {short(usage)} is pooled {_SCOPE_WORDS[kind]} (the catalog's quotaScope: Azure pools it "
        f"{pools}), so this limit would never apply; move it under {' or '.join(where)}"
    )


_REFERENCE_FIX = {
    "approvable model": "write the catalog's name (components/catalog.json), or a router's routed model as its "
    "documentation names it",
    "model": "write the catalog's name (components/catalog.json)",
    "region": "write the Azure region name as the catalog has it (components/catalog.json)",
    "quota scope": "a region name, dataZone:EU, dataZone:US or subscription",
    "usage name": "write the usage name as Azure spells it (the catalog's usageName; `foundry-iac quota show` "
    "lists them)",
    "content filter": "write the filter's name exactly as the stack's contentFilters or Azure's built-in ones",
    "version": "approve a version the catalog lists, or run `foundry-iac catalog sync`",
}


def _missing_fix(missing: str, policy: Policy) -> str:
    """The fix for a required setting (a waiver's field, or the policy's own) that is not written."""
    if missing == "expires":
        return 'every waiver needs an expiry: add "expires": "YYYY-MM-DD"'
    if missing in ("reason", "approver", "resource"):
        article = "an" if missing[0] in "aeiou" else "a"
        return f'every waiver needs {article} {missing}: add "{missing}": "..."'
    return f'{policy.name} needs "{missing}": add it'


def _unknown_settings_fix(error: jsonschema.ValidationError) -> str:
    """The fix for keys an object schema does not allow: a few of them, then a near name or what is allowed."""
    properties = error.schema.get("properties", {})
    patterns = list(error.schema.get("patternProperties", {}))
    # the keys themselves, not jsonschema's message: a key may hold a quote of its own
    extra = sorted(
        key for key in error.instance if key not in properties and not any(re.search(p, key) for p in patterns)
    )
    # a computed (read-only) setting is never a fix to offer: writing it is refused too
    allowed = [key for key, spec in properties.items() if not (spec or {}).get("readOnly")]
    hint = suggest(extra[0], allowed) if extra else ""
    otherwise = f"; allowed: {','.join(allowed)}" if allowed else "; this policy takes no settings"
    return f"unknown setting {', '.join(short(e) for e in extra[:4])}{hint or otherwise}"


def _fix(error: jsonschema.ValidationError, policy: Policy) -> str:
    """A fix-oriented sentence for one schema error."""
    if error.validator == "required":
        return _missing_fix(error.message.split("'")[1], policy)
    if error.validator == "additionalProperties":
        return _unknown_settings_fix(error)
    if error.validator == "pattern" and error.path and error.path[-1] == "expires":
        return f"expires must be a date YYYY-MM-DD (got {short(error.instance)})"
    if error.validator == "minLength" and error.path and error.path[-1] == "reason":
        return "a waiver's reason must say why (at least 10 characters)"
    return _describe(error)


_JSON_TYPES = {
    "number": "a number",
    "integer": "a whole number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def _describe(error: jsonschema.ValidationError) -> str:
    """A short sentence for a schema error; never the whole offending value."""
    got = short(error.instance)
    kind, bound = error.validator, error.validator_value
    if kind == "type":
        wanted = bound if isinstance(bound, list) else [bound]
        return f"must be {' or '.join(_JSON_TYPES.get(str(w), str(w)) for w in wanted)} (got {got})"
    if kind == "enum":
        choices = [str(c) for c in bound]
        listed = ", ".join(choices) if len(choices) <= 12 else ", ".join(choices[:12]) + ", ..."
        return f"must be one of {listed} (got {got}){suggest(str(error.instance), choices)}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        return f"must be {op} {bound} (got {got})"
    if kind == "minItems":
        return f"must list at least {bound} entr{'y' if bound == 1 else 'ies'}"
    if kind in ("maxItems", "maxLength"):
        return f"is longer than the {bound} allowed"
    if kind == "minLength":
        return f"must have at least {bound} character{'' if bound == 1 else 's'}"
    if kind == "pattern":
        described = error.schema.get("description") if isinstance(error.schema, dict) else None
        return f"{got} is not {described}" if described else f"{got} does not match the pattern {bound}"
    return short(error.message)


PATH_PART = 60  # a key longer than this is quoted by a short prefix in an error's path


def _path_text(parts: Sequence[object]) -> str:
    out = ""
    for part in parts:
        text = short(part) if isinstance(part, str) and len(part) > PATH_PART else str(part)  # a key may be huge
        out += f"[{part}]" if isinstance(part, int) else (f".{text}" if out else text)
    return out


def _read_config(path: Path, display: str) -> tuple[dict[str, Any], str]:
    """The policy config's JSON object and its text; PolicyConfigError when it is missing or not an object."""
    if not path.exists():
        raise PolicyConfigError(
            f"{display}: cannot read the policy config (no such file); create it (copy policies/config/dev.json) "
            "or pass --policy-config FILE"
        )
    try:
        text = read_input_text(path, display, "policy config")
        data = loads_strict_json(text, display)
    except InputFileError as exc:
        raise PolicyConfigError(exc.lines()) from None
    if not isinstance(data, dict):
        raise PolicyConfigError([f"{display}:1: a policy config is a JSON object of policy ids"])
    return data, text


def _locator(text: str, display: str) -> Callable[..., str]:
    """`at(*path)`: "file:line" of the deepest written part of a key path (the file alone when none is)."""
    lines = json_lines(text, display)

    def at(*parts: Any) -> str:
        for cut in range(len(parts), 0, -1):
            line = lines.get(tuple(parts[:cut]))
            if line:
                return f"{display}:{line}"
        return display

    return at


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words (never Python's repr of it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else type(value).__name__


def _top_level_problems(
    data: dict[str, Any], default: str | None, policy_ids: list[str], at: Callable[..., str]
) -> list[str]:
    """Problems with the file's top-level keys: the `all` level, a `$schema` key, unknown policy ids."""
    problems: list[str] = []
    if "all" in data and not isinstance(data["all"], str):
        kind = _json_kind(data["all"])
        problems.append(f"{at('all')}: all: must be an enforcement level (got {kind}); use one of {', '.join(LEVELS)}")
    elif default is not None and default not in LEVELS:
        problems.append(f"{at('all')}: all: unknown enforcement level {short(default)}; use one of {', '.join(LEVELS)}")
    if SCHEMA_KEY in data:
        problems.append(
            f"{at(SCHEMA_KEY)}: {SCHEMA_KEY}: Pulumi reads every top-level text value of a policy config as an "
            "enforcement level and would refuse this file; remove it (editors get the schema from "
            ".vscode/settings.json, which maps policies/config/*.json to schema/policy-config.schema.json)"
        )
    for key in data:
        if key not in ("all", SCHEMA_KEY) and key not in policy_ids:
            hint = suggest(key, policy_ids) or "; use a policy id from the table in docs/policies.md"
            problems.append(f"{at(key)}: unknown policy {short(key)}{hint}")
    return problems


def _level(raw: dict[str, Any], default: str | None, policy: Policy) -> str:
    """The policy's enforcement level: its own, else the file's `all`, else the policy's default (the pack's
    level when the policy states none, as CrossGuard reads it)."""
    return str(raw.get("enforcementLevel") or default or (policy.enforcement_level or PACK_ENFORCEMENT_LEVEL).value)


# What each computed setting is computed from, for the message that refuses it when written by hand.
COMPUTED_FROM = {
    "ledger": "from quotas/ and stacks/",
    "otherStacks": "from the other stacks in stacks/",
    "ownedBy": "from the other stacks in stacks/",
}


def _read_only_problems(name: str, raw: dict[str, Any], policy: Policy, at: Callable[..., str]) -> list[str]:
    properties = policy.config_schema.properties if policy.config_schema else {}
    return [
        f"{at(name, key)}: {name}.{key} is computed by foundry-iac ({COMPUTED_FROM.get(key, 'from the repository')}), "
        "not written by hand; remove it"
        for key in raw
        if (properties.get(key) or {}).get("readOnly")
    ]


def _waiver_date_problems(name: str, raw: dict[str, Any], at: Callable[..., str]) -> list[str]:
    """Waiver expiry dates that are well-formed but not real, or out of the accepted range."""
    problems: list[str] = []
    for index, waiver in enumerate(raw.get("waivers") or []):
        expires = waiver.get("expires") if isinstance(waiver, dict) else None
        if not (isinstance(expires, str) and len(expires) == 10):
            continue
        try:
            out_of_range = date_range_problem(dt.date.fromisoformat(expires))
        except ValueError:
            out_of_range = f"{expires!r} is not a real date"
        if out_of_range:
            problems.append(
                f"{at(name, 'waivers', index, 'expires')}: {name}.waivers[{index}].expires: "
                f"{out_of_range}; use YYYY-MM-DD"
            )
    return problems


def _settings_problems(
    name: str,
    policy: Policy,
    raw: dict[str, Any],
    level: str,
    at: Callable[..., str],
    filters: list[str] | None,
    regions: list[str] | None,
) -> list[str]:
    """One policy's problems: read-only settings, schema errors (else unresolved names), waiver dates."""
    problems = _read_only_problems(name, raw, policy, at)
    # a disabled policy needs no settings, but what it states is checked like any other's
    validator = jsonschema.Draft7Validator(policy_schema(policy, required=level != "disabled"))
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.path))
    for error in errors:
        parts = [name, *error.path]
        problems.append(f"{at(*parts)}: {_path_text(parts)}: {_fix(error, policy)}")
    if not errors:
        problems += reference_problems(name, raw, at, filters, regions)
    return problems + _waiver_date_problems(name, raw, at)


def load_policy_config(
    path: Path,
    display: str,
    policies: list[Policy],
    filters: list[str] | None = None,
    regions: list[str] | None = None,
) -> dict[str, PolicySettings]:
    """Every policy's settings from the file; raise PolicyConfigError listing each problem on its line.

    `filters`: the stack's own content filter names, which allowedFilters may name (None: not known here,
    so allowedFilters is checked by the caller that knows them).
    """
    data, text = _read_config(path, display)
    at = _locator(text, display)
    by_id = {p.name: p for p in policies}
    default = data["all"] if isinstance(data.get("all"), str) and data["all"] else None
    problems = _top_level_problems(data, default, list(by_id), at)
    settings: dict[str, PolicySettings] = {}
    for name, policy in by_id.items():
        raw = data.get(name, {})
        if isinstance(raw, str):
            raw = {"enforcementLevel": raw}
        if not isinstance(raw, dict):
            problems.append(f"{at(name)}: {name}: must be an enforcement level or an object of settings")
            continue
        level = _level(raw, default, policy)
        problems += _settings_problems(name, policy, raw, level, at, filters, regions)
        where = {"": at(name), **{str(key): at(name, key) for key in raw}}
        settings[name] = PolicySettings(level, dict(raw), where)
    if problems:
        raise PolicyConfigError(problems)
    return settings
