"""What the stack config's feature models share: the base model, the error they raise, name and ARM id
patterns, checks of tags and regions, and the 'did you mean' hint."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from ..catalog import load_catalog
from ..refs import nearest, why_not
from ..tags import MAX_TAG_NAME, MAX_TAG_VALUE, MAX_TAGS, TAG_NAME_FORBIDDEN
from ..text import short

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ACCOUNT_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9-]{1,63}$"
CHILD_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$"
RG_NAME_PATTERN = r"^[-\w._()]{1,89}[-\w_()]$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ACTION_GROUP_ID_PATTERN = (
    r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]+/providers/microsoft\.insights/actionGroups/[^/]+$"
)
_ARM = r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]+/providers/"
SUBNET_ID = _ARM + r"Microsoft\.Network/virtualNetworks/[-\w._]+/subnets/[-\w._]+$"
VNET_ID = _ARM + r"Microsoft\.Network/virtualNetworks/[-\w._]+$"
DNS_ZONE_ID = _ARM + r"Microsoft\.Network/privateDnsZones/[-\w.]+$"
VAULT_ID = _ARM + r"Microsoft\.KeyVault/vaults/[-\w]+$"
IDENTITY_ID = _ARM + r"Microsoft\.ManagedIdentity/userAssignedIdentities/[-\w._]+$"
WORKSPACE_ID = _ARM + r"Microsoft\.OperationalInsights/workspaces/[-\w]+$"
SEARCH_ID = _ARM + r"Microsoft\.Search/searchServices/[-\w]+$"
STORAGE_ID = _ARM + r"Microsoft\.Storage/storageAccounts/[a-z0-9]+$"
_Named = TypeVar("_Named")  # a config model with a name attribute

COSMOS_ID = _ARM + r"Microsoft\.DocumentDB/databaseAccounts/[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$"


def then(hint: str, tail: str) -> str:
    """Join a suggestion and a further remark: '; did you mean X? Tail' or '; tail'."""
    return f"{hint} {tail[0].upper()}{tail[1:]}" if hint else f"; {tail}"


# What people write for the two data zones; difflib alone would offer 'westeurope' for 'Europe'.
_ZONE_NAMES = {"eu": "EU", "europe": "EU", "european union": "EU", "us": "US", "usa": "US", "united states": "US"}


def suggest(word: str, choices: list[str]) -> str:
    """A ' did you mean ...?' hint for a misspelt word, or ''."""
    if len(word) > 100:  # no name is this long; comparing a huge value would only cost time
        return ""
    zone = _ZONE_NAMES.get(word.strip().lower())
    if zone in choices:
        return f"; did you mean {zone!r}?"
    close = nearest(word, choices, 1)
    reason = why_not(word, choices)  # a near miss by case, whitespace or look-alikes: say so, it is easy to miss
    return f"; did you mean {close[0]!r}?{f' (the name {reason})' if reason else ''}" if close else ""


def catalog_enum(kind: str) -> dict[str, Any]:
    """JSON Schema enum of catalog model or region names, so editors can complete them."""
    # dict[str, Any]: pydantic's json_schema_extra takes dict[str, JsonValue], which dict[str, list[str]] does not
    # meet (dict is invariant), and the stack model reads ["enum"] back as a list of names
    catalog = load_catalog()
    return {"enum": sorted(catalog.models if kind == "models" else catalog.regions)}


class ConfigModel(BaseModel):
    """Base of every stack-config model: unknown keys refused, values frozen, aliases or field names accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, validate_default=False)


def custom_error(kind: str, message: str, **ctx: object) -> PydanticCustomError:
    # ctx "index" points the error at a list item, ctx "at" at a deeper path (both below the location).
    """A validation error whose message is already formatted.

    pydantic-core fills `{name}` only for names in the context and has no `{{` escape, so braces in a
    message (a regex, a YAML flow map) stay as written; only the context's own names are guarded.
    """
    for name in ctx:
        message = message.replace("{" + name + "}", "{ " + name + " }")
    return PydanticCustomError(kind, message, ctx or None)


def unique_names(items: list[_Named], attr: str, what: str) -> list[_Named]:
    """Reject two items with the same name; the error points at the second one."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = str(getattr(item, attr)).lower()
        if key in seen:
            raise custom_error(
                "duplicate_name",
                f"{what} name {getattr(item, attr)!r} is used twice (also at index {seen[key]}); rename one",
                index=index,
            )
        seen[key] = index
    return items


def checked_tags(tags: dict[str, str]) -> dict[str, str]:
    """Azure's limits on one tag (the count is checked where tags merge)."""
    for name, value in tags.items():
        if not name.strip() or len(name) > MAX_TAG_NAME or set(name) & TAG_NAME_FORBIDDEN:
            raise custom_error(
                "bad_tag_name",
                f"tag name {short(name)} is not one Azure takes: 1-{MAX_TAG_NAME} characters, none of < > % & \\ ? /",
                at=(name,),
            )
        if len(value) > MAX_TAG_VALUE:
            raise custom_error(
                "bad_tag_value",
                f"the value of tag {short(name)} has {len(value)} characters; Azure takes at most {MAX_TAG_VALUE}",
                at=(name,),
            )
    if len(tags) > MAX_TAGS:
        raise custom_error("too_many_tags", f"{len(tags)} tags; Azure takes at most {MAX_TAGS} per resource")
    return tags


def known_region(value: str) -> str:
    """`value` when it is a catalog region; else an error naming the nearest one."""
    regions = sorted(load_catalog().regions)
    if value not in regions:
        raise custom_error(
            "unknown_region",
            f"unknown region {short(value)}"
            + (suggest(value, regions) or "; use an Azure region name such as swedencentral"),
        )
    return value
