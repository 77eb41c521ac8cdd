"""Load a stack's config: from the stack file (offline) or from the Pulumi runtime (real runs).

Either way values arrive as the Pulumi CLI hands them to a program: a flat map of `namespace:key` to
strings, structured values JSON-encoded. The stack file itself is read for line numbers only.
"""

from __future__ import annotations

import functools
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..config.fields import ConfigModel, suggest
from ..config.loaded import LoadedConfig, StackFileConfig
from ..config_errors import ConfigError, ConfigIssue, Path_, format_path
from ..errors import InputFileError
from ..inputs import DuplicateKeyError, read_input_text, unique_keys
from ..refs import unresolved
from ..source import SourceDoc, read_yaml
from ..text import clip, short
from .model import StackConfig

PROJECT = "foundry-iac"
STACK_FILE_ENV = "FOUNDRY_IAC_STACK_FILE"
STACK_DISPLAY_ENV = "FOUNDRY_IAC_STACK_DISPLAY"  # how the runner wants the file named in messages
# Config keys that live in the azure-native provider's namespace, so the provider and the program
# read one value: {model field alias: key in the azure-native namespace}.
PROVIDER_KEYS = {"subscriptionId": "subscriptionId", "location": "location"}
KNOWN_NAMESPACES = (PROJECT, "azure-native", "pulumi")
_STACK_FILE_RE = re.compile(r"^Pulumi\.(?P<stack>[A-Za-z0-9_.-]+)\.ya?ml$")


def stack_name_of(path: Path) -> str | None:
    """The stack name of a file named Pulumi.<stack>.yaml, or None."""
    match = _STACK_FILE_RE.match(path.name)
    return match.group("stack") if match else None


# Parsed stack files by (display name, text): a gate run parses each file once, though the runner, the
# program, the gate and the ledger all read it (forked workers inherit what the parent parsed). Keyed by
# the text itself, not the modification time, so an edit is never served stale.
_PARSED: dict[tuple[str, str], SourceDoc] = {}
_PARSED_MAX = 512


def read_stack_file(path: Path, display: str | None = None) -> SourceDoc:
    """Read a stack file into a SourceDoc; an unreadable file is an issue, not an exception.

    Each text is parsed once per process; every caller gets its own issue list.
    """
    name = display or str(path)
    try:
        text = read_input_text(path, name, "stack file")
    except InputFileError as exc:
        unreadable = SourceDoc(file=name, value=None)
        unreadable.issues.append(ConfigIssue(name, exc.line, "", exc.message))
        return unreadable
    doc = _PARSED.get((name, text))
    if doc is None:
        doc = read_yaml(text, name)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[(name, text)] = doc
    return replace(doc, issues=list(doc.issues))


def forget_parsed_stack_files() -> None:
    """Drop every parsed stack file (tests that count parses start from nothing)."""
    _PARSED.clear()


# The keys of a Pulumi stack file the gate reads or that hold no config (the secrets provider's settings).
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt")
_ENVIRONMENT = (
    "a Pulumi ESC environment adds config values at deploy time that the gate never sees, so a PASS would not "
    "judge what Pulumi deploys; write the config under 'config:' (CI signs in to Azure by OIDC, docs/ci.md)"
)


def _top_level_issues(doc: SourceDoc, top: dict[object, object]) -> None:
    """A top-level key Pulumi ignores (`Config:`, a typo) or that brings config from elsewhere is refused (once:
    the config map and the model values both read the section)."""
    for key in top:
        if key in STACK_FILE_KEYS:
            continue
        line = doc.line_of((str(key),))
        if key == "environment":
            issue = ConfigIssue(doc.file, line, "environment", _ENVIRONMENT)
        else:
            problem = unresolved(key, STACK_FILE_KEYS, "top-level key", "put every setting under 'config:'")
            why = f"{problem} (Pulumi would ignore it: nothing would judge it)"
            issue = ConfigIssue(doc.file, line, clip(str(key), 80), why)
        if issue not in doc.issues:
            doc.issues.append(issue)


def _config_section(doc: SourceDoc) -> dict[object, object]:
    if doc.value is None and not doc.issues:
        doc.issues.append(ConfigIssue(doc.file, None, "", "the stack file is empty; add a 'config:' mapping"))
    if doc.value is None:
        return {}
    if not isinstance(doc.value, dict):
        doc.issues.append(ConfigIssue(doc.file, 1, "", "a stack file is a mapping with a 'config:' key"))
        return {}
    _top_level_issues(doc, doc.value)
    section = doc.value.get("config")
    if section is None:
        doc.issues.append(
            ConfigIssue(doc.file, 1, "", "no 'config:' section; put the foundry-iac: keys under 'config:'")
        )
        return {}
    if not isinstance(section, dict):
        doc.issues.append(
            ConfigIssue(doc.file, doc.line_of(("config",)), "config", "must be a mapping of namespace:key entries")
        )
        return {}
    return section


def _is_secure(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


# Keys whose value places a stack: the gate and the cross-stack quota ledger must read them, so they are
# never secret (a `secure:` value is only a placeholder offline).
PLACEMENT_KEYS = ("subscriptionId", "location", "resourceGroup")
SECRET_PLACEMENT = (
    "places the stack, so it must not be secret: the gate and the cross-stack quota ledger must read it (offline "
    "a secure value is a placeholder); write it in plain text"
)


def secret_placements(value: object, path: Path_) -> list[Path_]:
    """Paths under `path` where a placement key (subscription, location, resource group) holds a secure value."""
    found: list[Path_] = []
    if isinstance(value, dict) and not _is_secure(value):
        for key, item in value.items():
            key = str(key)
            if key.rsplit(":", 1)[-1] in PLACEMENT_KEYS and _is_secure(item):
                found.append((*path, key))
            else:
                found += secret_placements(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += secret_placements(item, (*path, index))
    return found


def _replace_secure(value: object, found: list[str]) -> object:
    """Swap every `{secure: <ciphertext>}` for a stable placeholder; the plaintext is never known offline."""
    if isinstance(value, dict) and _is_secure(value):
        placeholder = str(uuid.uuid5(uuid.NAMESPACE_URL, f"foundry-iac-secret:{value['secure']}"))
        found.append(placeholder)
        return placeholder
    if isinstance(value, dict):
        return {k: _replace_secure(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_secure(v, found) for v in value]
    return value


def _cli_string(value: object) -> str:
    """Encode one config value as the Pulumi CLI does: scalars as text, structures as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


def stack_file_config(path: Path, display: str | None = None) -> StackFileConfig:
    """Read a stack file into the config map the Pulumi CLI would pass the program."""
    doc = read_stack_file(path, display)
    section = _config_section(doc)
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    placeholders: list[str] = []
    for key, value in section.items():
        found: list[str] = []
        config[str(key)] = _cli_string(_replace_secure(value, found))
        if found:
            secret_keys.append(str(key))
            placeholders.extend(found)
    return StackFileConfig(doc, config, secret_keys, placeholders)


def _decode(raw: str) -> object:
    """Decode a CLI config string: JSON where it parses (numbers, booleans, objects), else the text."""
    try:
        return json.loads(raw, object_pairs_hook=unique_keys)
    except ValueError:
        return raw


def collect_values(
    get: Callable[[str, str], str | None], doc: SourceDoc
) -> tuple[dict[str, object], dict[Path_, int], list[ConfigIssue]]:
    """Gather model values through `get(namespace, key)`; map file lines onto model paths.

    Keys are the model's fields plus every key the stack file names, so a misspelt key is reported.
    """
    section = _config_section(doc)
    issues: list[ConfigIssue] = []
    lines: dict[Path_, int] = {}
    wanted: dict[str, tuple[str, str]] = {}
    for name, info in StackConfig.model_fields.items():
        alias = info.alias or name
        wanted[alias] = ("azure-native", PROVIDER_KEYS[alias]) if alias in PROVIDER_KEYS else (PROJECT, alias)
    by_full_key = {f"{ns}:{key}": alias for alias, (ns, key) in wanted.items()}
    config_line = doc.line_of(("config",))
    if config_line is not None:
        lines[()] = config_line  # a missing top-level key is reported at `config:`
    for path in secret_placements(section, ("config",)):
        issues.append(
            ConfigIssue(
                doc.file,
                doc.line_of(path),
                format_path((str(path[1]).removeprefix(f"{PROJECT}:"), *path[2:])),
                SECRET_PLACEMENT,
            )
        )
    for full_key in section:
        full_key = str(full_key)
        line = doc.line_of(("config", full_key))
        namespace, sep, key = full_key.partition(":")
        if not sep:
            issues.append(
                ConfigIssue(doc.file, line, full_key, f"config keys need a namespace; write '{PROJECT}:{full_key}'")
            )
            continue
        if namespace not in KNOWN_NAMESPACES:
            hint = f"; did you mean '{PROJECT}:{key}'?" if suggest(namespace, [PROJECT]) else ""
            issues.append(ConfigIssue(doc.file, line, full_key, f"unknown config namespace {namespace!r}{hint}"))
            continue
        alias = by_full_key.get(full_key)  # type: ignore[assignment]  # None: not a model key
        if alias is None and namespace == PROJECT:
            alias = key  # unknown foundry-iac key: let the model report it with a suggestion
            wanted[alias] = (PROJECT, key)
        if alias is not None:
            prefix = ("config", full_key)
            for path, path_line in doc.lines.items():
                if path[:2] == prefix:
                    lines[(alias, *path[2:])] = path_line
    values: dict[str, object] = {}
    for alias, (namespace, key) in wanted.items():
        raw = get(namespace, key)
        if raw is not None:
            try:
                values[alias] = _decode(raw)
            except RecursionError:  # a JSON string nested thousands deep: input, never an internal error
                full_key = f"{namespace}:{key}"
                issues.append(
                    ConfigIssue(
                        doc.file, doc.line_of(("config", full_key)), full_key, "nested too deeply; flatten the value"
                    )
                )
            except DuplicateKeyError as exc:
                full_key = f"{namespace}:{key}"
                why = f"the JSON value names {short(exc.key)} twice (the last would win unseen); write each key once"
                issues.append(ConfigIssue(doc.file, doc.line_of(("config", full_key)), full_key, why))
    return values, lines, issues


_DISPLAY = {alias: f"azure-native:{key}" for alias, key in PROVIDER_KEYS.items()}


def _display(path: Path_) -> str:
    if path and path[0] in _DISPLAY:
        return format_path((_DISPLAY[str(path[0])], *path[1:]))
    return format_path(path)


def _extra_path(ctx: Mapping[str, Any]) -> Path_:
    """The path below the error's location that a validator names (a list index, then any keys)."""
    extra: Path_ = ()
    if "index" in ctx:
        extra = (int(ctx["index"]),)
    if "at" in ctx:
        extra = extra + tuple(ctx["at"])
    return extra


_OPERATORS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}


def _bound_message(kind: str, ctx: Mapping[str, Any], got: str) -> str:
    bound = next(iter(ctx.values()))
    shown = f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"
    return f"must be {_OPERATORS[kind]} {shown} (got {got})"


def _literal_message(error: ErrorDetails, got: str) -> str:
    choices = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
    return f"must be one of {', '.join(choices)} (got {got}){suggest(str(error.get('input'))[:100], choices)}"


def _max_length(error: ErrorDetails) -> object:
    return (error.get("ctx") or {}).get("max_length")


def _type_name(error: ErrorDetails) -> str:
    return type(error.get("input")).__name__


def _not_a_number(error: ErrorDetails, got: str) -> str:
    return f"must be a number (got {got})"


def _not_a_bool(error: ErrorDetails, got: str) -> str:
    return f"must be true or false (got {got})"


def _not_a_mapping(error: ErrorDetails, got: str) -> str:
    if error.get("input") in (None, ""):  # `key:`, `key: null` or `~` (Pulumi config holds it as "")
        return "is empty: give its keys (see docs/stack-config.md), or remove the key"
    return f"must be a mapping of keys (got {_type_name(error)})"


# pydantic error type -> the message for it, from the error and its input shortened (`got`)
_MESSAGES: dict[str, Callable[[ErrorDetails, str], str]] = {
    "extra_forbidden": lambda e, got: f"unknown key {e['loc'][-1]!r}{{hint}}",
    "missing": lambda e, got: f"required key {e['loc'][-1]!r} is missing; add it",
    "finite_number": lambda e, got: f"must be a finite number (got {got})",
    "string_too_long": lambda e, got: f"is longer than the {_max_length(e)} characters Azure takes",
    "too_long": lambda e, got: f"has more than the {_max_length(e)} entries allowed",
    "int_type": lambda e, got: f"must be a whole number, without quotes (got {got})",
    "float_type": _not_a_number,
    "float_parsing": _not_a_number,
    "bool_type": _not_a_bool,
    "bool_parsing": _not_a_bool,
    "string_type": lambda e, got: f"must be text (got {got}); quote it",
    "literal_error": _literal_message,
    "string_pattern_mismatch": lambda e, got: f"{got} is not a valid value here; expected {{description}}",
    "list_type": lambda e, got: f"must be a list (got {_type_name(e)})",
    "dict_type": _not_a_mapping,
    "model_type": _not_a_mapping,
    "model_attributes_type": _not_a_mapping,
    "too_short": lambda e, got: f"must have at least {(e.get('ctx') or {}).get('min_length')} entries",
    "value_error": lambda e, got: str(e["msg"]).removeprefix("Value error, "),
}


def _message(error: ErrorDetails, annotation: object = None) -> tuple[str, Path_]:
    """A fix-oriented message for one pydantic error, and any extra path below its location."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    got = short(value)
    extra = _extra_path(ctx)
    if kind == "greater_than" and annotation is int and ctx.get("gt") == 0:
        return f"must be a positive integer (got {got})", extra
    if kind in _OPERATORS:
        return _bound_message(kind, ctx, got), extra
    if kind in ("list_type", "too_short") and isinstance(value, list) and not value:
        return "must list at least one entry", extra
    build = _MESSAGES.get(kind)
    return (build(error, got) if build else str(error["msg"])), extra


def _field_info(loc: Path_) -> tuple[str, list[str], object]:
    """The description and type of the field at `loc`, and the keys allowed beside it (for hints)."""
    model: type | None = StackConfig
    info = None
    allowed: list[str] = []
    keyed = False  # the value at this point is a mapping of free keys (categories: {Violence: ...})
    for part in loc:
        if isinstance(part, int) or model is None or keyed:
            keyed = False
            continue
        fields = getattr(model, "model_fields", {})
        allowed = [f.alias or n for n, f in fields.items()]
        info = next((f for n, f in fields.items() if (f.alias or n) == part), None)
        if info is None:
            break
        model = _inner_model(info.annotation)
        keyed = get_origin(info.annotation) is dict
    description = (info.description or "a different value") if info else ""
    return description, allowed, info.annotation if info else None


def _inner_model(annotation: object) -> type | None:
    from typing import get_args

    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_values(values: dict[str, object], lines: dict[Path_, int], file: str) -> list[ConfigIssue] | StackConfig:
    """Validate gathered values; return the model, or every issue with its line."""
    try:
        return StackConfig.model_validate(values)
    except ValidationError as exc:
        issues = []
        errors = _fold_union_branches(values, _fold_misspellings(exc.errors(include_url=False)))
        for error in errors:
            loc: Path_ = tuple(error["loc"])
            description, allowed, annotation = _field_info(loc)
            template, extra = _message(error, annotation)
            path = loc + extra
            hint = ""
            if loc and error["type"] == "extra_forbidden":
                hint = suggest(str(loc[-1]), allowed) or f"; remove it (allowed here: {', '.join(allowed)})"
            message = template.replace("{hint}", hint).replace("{description}", description)
            line = _line(lines, path)
            issues.append(ConfigIssue(file, line, _display(path), message))
        return issues


def _model_path(issue: ConfigIssue) -> ConfigIssue:
    """Show a reader issue's path as the model's (accounts[0]...), not the file's (config.foundry-iac:...)."""
    path = issue.path.removeprefix("config.")
    path = path.removeprefix(f"{PROJECT}:")
    return ConfigIssue(issue.file, issue.line, path, issue.message)


# A value of the wrong kind for one branch of a union (`prompt: Low | {threshold, blocking}`): said only when no
# other branch of the same value has an error of its own
_WRONG_KIND = frozenset({"model_type", "dict_type", "model_attributes_type", "list_type", "string_type", "bool_type"})


_BRANCH_TYPES = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


@functools.cache
def _model_names() -> frozenset[str]:
    """The class names of every config model: pydantic tags a union's model branch with it."""
    found: set[str] = set()
    pending: list[type] = [ConfigModel]
    while pending:
        model = pending.pop()
        found.add(model.__name__)
        pending.extend(model.__subclasses__())
    return frozenset(found)


def _wrong_kind(error: ErrorDetails) -> bool:
    """An error that says only that the value is not of this union branch's kind (a text for a mapping)."""
    scalar = isinstance(error.get("input"), str | int | float | bool)
    return error["type"] in _WRONG_KIND or (error["type"] in ("literal_error", "enum") and not scalar)


def _is_branch_tag(part: object) -> bool:
    return isinstance(part, str) and ("[" in part or part in _BRANCH_TYPES or part in _model_names())


def _data_path(values: object, loc: Path_) -> Path_:
    """`loc` without pydantic's union branch tags (`literal['Low','Medium','High']`, `DirectionFilter`): only the
    keys and indexes the data has."""
    path: list[str | int] = []
    current = values
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif _is_branch_tag(part):
            continue  # a branch tag: pydantic names a union's member by its type
        path.append(part)
    return tuple(path)


def _fold_union_branches(values: object, errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """One error per value of a union: `prompt: low` is "must be one of Low, Medium, High", not also "must be a
    mapping" from the other branch; each error's path is the data's, without the branch's type name."""
    placed = [(e, _data_path(values, tuple(e["loc"]))) for e in errors]

    def mismatch(error: ErrorDetails) -> bool:  # this branch is not the value's kind at all
        return bool(error["loc"]) and _is_branch_tag(error["loc"][-1]) and _wrong_kind(error)

    specific = {path[:cut] for e, path in placed if not mismatch(e) for cut in range(len(path) + 1)}
    return [{**e, "loc": path} for e, path in placed if not (mismatch(e) and path in specific)]


def _fold_misspellings(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop a 'missing' error when an unknown key beside it is its misspelling: one mistake, one error."""
    missing = {tuple(e["loc"]): e for e in errors if e["type"] == "missing"}
    dropped: set[Path_] = set()
    for error in errors:
        if error["type"] != "extra_forbidden":
            continue
        parent, key = tuple(error["loc"][:-1]), str(error["loc"][-1])
        siblings = [str(loc[-1]) for loc in missing if loc[:-1] == parent]
        match = suggest(key, siblings)
        if match:
            dropped.add(parent + (match.split("'")[1],))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in dropped)]


def _line(lines: dict[Path_, int], path: Path_) -> int | None:
    for cut in range(len(path), -1, -1):
        if tuple(path[:cut]) in lines:
            return lines[tuple(path[:cut])]
    return None


def parse_config(get: Callable[[str, str], str | None], doc: SourceDoc, stack: str) -> LoadedConfig:
    """Validate a stack's config read through `get`; raise ConfigError with every issue at once."""
    values, lines, issues = collect_values(get, doc)
    issues = [_model_path(issue) for issue in doc.issues] + issues
    if not values and doc.issues:
        raise ConfigError(issues)  # nothing readable: model errors would only be noise
    result = validate_values(values, lines, doc.file)
    if isinstance(result, list):
        secret = {(i.line, i.path) for i in issues if i.message == SECRET_PLACEMENT}
        issues += [i for i in result if (i.line, i.path) not in secret]  # its placeholder's error is noise
    if issues:
        raise ConfigError(issues)
    assert isinstance(result, StackConfig)
    return LoadedConfig(stack=stack, config=result, doc=doc, lines=lines)


def load_stack_file(path: Path, display: str | None = None, stack: str | None = None) -> LoadedConfig:
    """Validate a stack file directly (no Pulumi runtime): used by tools and tests."""
    file_config = stack_file_config(path, display)
    config = file_config.config
    return parse_config(
        lambda ns, key: config.get(f"{ns}:{key}"), file_config.doc, stack or stack_name_of(path) or path.stem
    )


def locate_stack_file(stack: str) -> Path:
    """The stack file of `stack`: the runner's override, else stacks/Pulumi.<stack>.yaml of the project."""
    override = os.environ.get(STACK_FILE_ENV)
    if override:
        return Path(override)
    return Path.cwd() / "stacks" / f"Pulumi.{stack}.yaml"
