"""`foundry-iac catalog sync`: merge what Azure's Models API says into the model catalog.

For each region it reads `GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{region}/models`
through azure-mgmt-cognitiveservices (`models.list`, paged) with the same client and credential as
`quota sync`, then merges versions, lifecycle status and dates, replacements, offers per region, quota
usage names and PTU capacity rules into catalog.json. The result is validated before it is written,
atomically; a failing, partial or malformed answer writes nothing. A model Azure lists that the catalog
lacks is added without a price: it stays unpriced (never free) until `prices sync` or a person prices it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.credentials import TokenCredential
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import ModelDeprecationInfo, ModelListResult, ModelSku, ReplacementConfig

from components.catalog import DEPLOYMENT_TYPES, ROUTER_PREFIX, CatalogError, check_catalog_bytes, is_provisioned
from components.errors import ServiceError
from components.text import clip, short

from .client import (
    RETRY_BACKOFF,
    Limits,
    MalformedAnswerError,
    day,
    every_item,
    optional_name,
    optional_number,
    optional_text,
    plain_name,
    shaped,
)
from .prices_sync import json_bytes, write_json_atomically
from .quota_sync import ARM_ENDPOINT, QuotaSyncError, read_regions

# The Models API spells the docs' Deprecated (no new deployments) `Deprecating`, and Retired `Deprecated`.
API_STATUS = {
    "Preview": "Preview",
    "GenerallyAvailable": "GenerallyAvailable",
    "Stable": "GenerallyAvailable",
    "Legacy": "Legacy",
    "Deprecating": "Deprecated",
    "Deprecated": "Retired",
}
RETIREMENT_STATUS = ("Planned", "Tentative")  # ModelDeprecationInfo.deprecationStatus
MAX_LEAD_DAYS = 3650  # upgradeOnExpiryLeadTimeDays: the catalog keeps up to ten years
MODEL_DEFAULT = "the model's default"
MAX_LISTED = 40  # change lines printed; the rest are counted ("and N more changes")


class CatalogSyncError(ServiceError):
    """Azure could not be read, answered nonsense, or the merged catalog would be invalid; nothing written."""


@dataclass
class SyncResult:
    """The merged catalog data and what changed, one line each."""

    catalog: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _date(value: object, where: str) -> str | None:
    found = day(value, where)
    return found.isoformat() if found else None


def read_models(client: CognitiveServicesManagementClient, region: str, limits: Limits) -> list[dict[str, Any]]:
    """The models Azure offers in one region, as plain data (every page, each field checked)."""
    out = []
    what = f"models in {region}"
    for entry in every_item(client.models.list(region, raw_response_hook=shaped(ModelListResult, what)), what, limits):
        model = entry.model
        if model is None:
            raise MalformedAnswerError(f"models in {region}: an entry without a model")
        model_name = plain_name(model.name, f"a model's name in {region}")
        version = plain_name(model.version, f"the version of model {model_name} in {region}")
        where = f"{model_name} {version} in {region}"
        status = optional_text(model.lifecycle_status, f"the lifecycleStatus of {where}")
        if status is not None and status not in API_STATUS:
            raise MalformedAnswerError(f"{where} has an unknown lifecycleStatus {clip(status)!r}")
        replacement = model.replacement_config
        target, target_version = (
            optional_name(getattr(replacement, key, None), f"the replacement of {where}")
            for key in ("target_model_name", "target_model_version")
        )
        retirement = model.deprecation.inference if model.deprecation else None
        out.append(
            {
                "name": model_name,
                "format": plain_name(model.format, f"the format of {where}", spaces=True),
                "version": version,
                "status": status,
                "default": bool(model.is_default_version),
                "retirement": _date(retirement, f"the retirement of {where}"),
                "retirementStatus": _retirement_status(model.deprecation, where),
                "replacement": f"{target} {target_version or ''}".strip() if target else None,
                **_auto_upgrade(replacement, where),
                "skus": [_sku(sku, where) for sku in model.skus or []],
            }
        )
    return out


def _retirement_status(deprecation: ModelDeprecationInfo | None, where: str) -> str | None:
    """deprecation.deprecationStatus: Planned (a confirmed retirement date) or Tentative (an estimate)."""
    status = optional_text(getattr(deprecation, "deprecation_status", None), f"the deprecationStatus of {where}")
    if status is not None and status not in RETIREMENT_STATUS:
        raise MalformedAnswerError(f"{where} has an unknown deprecationStatus {clip(status)!r}")
    return status


def _auto_upgrade(replacement: ReplacementConfig | None, where: str) -> dict[str, Any]:
    """replacementConfig's upgrade dates as Azure returned them (None where it left them out)."""
    lead = optional_number(
        getattr(replacement, "upgrade_on_expiry_lead_time_days", None), f"the upgradeOnExpiryLeadTimeDays of {where}"
    )
    if lead is not None and (lead != int(lead) or lead > MAX_LEAD_DAYS):
        raise MalformedAnswerError(f"the upgradeOnExpiryLeadTimeDays of {where} is {lead!r}, not a number of days")
    return {
        "autoUpgradeStart": _date(
            getattr(replacement, "auto_upgrade_start_date", None), f"the autoUpgradeStartDate of {where}"
        ),
        "expiryLeadDays": None if lead is None else int(lead),
    }


def _sku(sku: ModelSku, where: str) -> dict[str, Any]:
    sku_name = plain_name(sku.name, f"a deployment type of {where}")
    where = f"{sku_name} of {where}"
    return {
        "name": sku_name,
        "usageName": optional_name(sku.usage_name, f"the usageName of {where}"),
        "deprecation": _date(sku.deprecation_date, f"the deprecationDate of {where}"),
        **{
            key: optional_number(getattr(sku.capacity, key) if sku.capacity else None, f"capacity.{key} of {where}")
            for key in ("minimum", "maximum", "step")
        },
    }


def fetch_models(
    subscription: str,
    regions: list[str],
    credential: TokenCredential,
    endpoint: str = ARM_ENDPOINT,
    verify: str | bool | None = None,
    progress: Callable[[str], None] | None = None,
    retry_backoff: float = RETRY_BACKOFF,
    limits: Limits | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Every region's models; CatalogSyncError when any region cannot be read whole."""
    try:
        return read_regions(
            subscription,
            regions,
            credential,
            read_models,
            lambda models: f"{len(models)} model versions",
            what="models",
            endpoint=endpoint,
            verify=verify,
            progress=progress,
            retry_backoff=retry_backoff,
            limits=limits,
        )
    except QuotaSyncError as exc:
        raise CatalogSyncError(str(exc)) from None


def _source(region: str, today: dt.date) -> str:
    return f"Azure Models API (models.list, {region}), synced {today.isoformat()}"


def _confirm(entry: dict[str, Any], *fields: str) -> None:
    entry["unverified"] = [u for u in entry.get("unverified", []) if u.split(":")[0].split(" ")[0] not in fields]


def _add_regions(cat: dict[str, Any], answers: dict[str, list[dict[str, Any]]], changes: list[str]) -> None:
    """Regions Azure answered for that the catalog does not list yet, with no data zone (a person sets it)."""
    for region in sorted(answers):
        if region not in cat["regions"]:
            cat["regions"][region] = {"dataZone": None}
            changes.append(f"new region {region} (data zone unknown: set dataZone in the catalog if it has one)")


def _model_entry(cat: dict[str, Any], item: dict[str, Any], source: str, changes: list[str]) -> dict[str, Any]:
    """The catalog's entry for the answered model, added (unpriced) when the catalog does not know it."""
    name = item["name"]
    entry: dict[str, Any] | None = cat["models"].get(name)
    if entry is not None:
        return entry
    entry = cat["models"][name] = {
        "format": item["format"],
        "quotaFamily": "OpenAI" if item["format"] == "OpenAI" else "AIServices",
        "tpmPerUnit": 1000,
        "registrationRequired": False,
        "defaultVersion": item["version"],
        "versions": {},
        "offers": [],
        "prices": {},
        "ptuHour": {},
        "source": source,
    }
    changes.append(f"new model {name} ({item['format']}): unpriced until `prices sync` or a person prices it")
    return entry


def _lifecycle(item: dict[str, Any]) -> dict[str, Any]:
    """The answer's lifecycle facts: status, the earliest deprecation of its types, retirement, replacement."""
    deprecations = sorted(s["deprecation"] for s in item["skus"] if s["deprecation"])
    return {
        "status": API_STATUS.get(item["status"] or "", "GenerallyAvailable"),
        "deprecation": deprecations[0] if deprecations else None,
        "retirement": item["retirement"],
        "retirementStatus": item.get("retirementStatus"),
        "replacement": item["replacement"],
    }


def _auto_upgrade_entry(item: Mapping[str, Any], source: str, asof: str) -> dict[str, Any] | None:
    """The catalog's autoUpgrade for an answer: only the fields Azure returned, or None when it returned none."""
    found = {
        key: item.get(field)
        for key, field in (("start", "autoUpgradeStart"), ("expiryLeadDays", "expiryLeadDays"))
        if item.get(field) is not None
    }
    return {**found, "source": source, "asOf": asof} if found else None


def _merge_auto_upgrade(known: dict[str, Any], item: Mapping[str, Any], source: str, asof: str) -> list[str]:
    """Record (or refresh) what Azure says about its own upgrade of the version; the change lines."""
    fresh = _auto_upgrade_entry(item, source, asof)
    if fresh is None:
        return []
    before = {k: v for k, v in (known.get("autoUpgrade") or {}).items() if k not in ("source", "asOf")}
    after = {k: v for k, v in fresh.items() if k not in ("source", "asOf")}
    known["autoUpgrade"] = fresh
    if before == after:
        return []
    said = ", ".join(f"{k} {v}" for k, v in sorted(after.items()))
    return [f"auto-upgrade {item['name']} {item['version']}: {said}"]


def _merge_version(entry: dict[str, Any], item: dict[str, Any], source: str, asof: str, changes: list[str]) -> None:
    """Add the answered version, or update a known one's lifecycle facts (each change said) and confirm them."""
    name, version = item["name"], item["version"]
    facts = _lifecycle(item)
    status = facts["status"]
    known = entry["versions"].get(version)
    if known is None:
        known = entry["versions"][version] = {
            **{k: v for k, v in facts.items() if v is not None or k != "retirementStatus"},
            "source": source,
            "asOf": asof,
            "unverified": [],
        }
        changes.append(f"new version {name} {version} ({status}){_unrouted(entry, name, version)}")
        changes += _merge_auto_upgrade(known, item, source, asof)
        return
    if known["status"] != status:
        changes.append(f"lifecycle {name} {version}: {known['status']} -> {status}")
    changes += _merge_auto_upgrade(known, item, source, asof)
    for key in ("deprecation", "retirement", "retirementStatus", "replacement"):
        if facts[key] is not None and known.get(key) != facts[key]:
            changes.append(f"{key} {name} {version}: {known.get(key)} -> {facts[key]}")
            known[key] = facts[key]
    known["status"] = status
    known["source"], known["asOf"] = source, asof
    _confirm(known, "whether", "retirement", "deprecation")


def _drop_lost_offers(
    cat: dict[str, Any], region: str, seen: dict[str, set[tuple[str, str]]], changes: list[str]
) -> None:
    """Offers the catalog lists in this region by name that Azure no longer lists there."""
    for name, entry in sorted(cat["models"].items()):
        for offer in entry["offers"]:
            if offer["regions"] == "all" or region not in offer["regions"]:
                continue
            versions = offer.get("versions") or list(entry["versions"])
            if not any((offer["sku"], v) in seen.get(name, set()) for v in versions):
                offer["regions"] = [r for r in offer["regions"] if r != region]
                changes.append(f"offer lost {name} {offer['sku']} in {region}")


def _merge_region(result: SyncResult, region: str, models: list[dict[str, Any]], today: dt.date) -> None:
    """Merge one region's answers: models, versions, default versions, offers; then the offers lost there."""
    cat, changes = result.catalog, result.changes
    source, asof = _source(region, today), today.isoformat()
    seen: dict[str, set[tuple[str, str]]] = {}
    for item in sorted(models, key=lambda m: (m["name"], m["version"])):
        name, version = item["name"], item["version"]
        entry = _model_entry(cat, item, source, changes)
        _merge_version(entry, item, source, asof, changes)
        for sku in item["skus"]:
            if sku["name"] not in DEPLOYMENT_TYPES:
                result.skipped.append(f"{name} {version}: deployment type {sku['name']!r} is not modelled")
                continue
            seen.setdefault(name, set()).add((sku["name"], version))
            _merge_offer(entry, name, version, region, sku, source, asof, changes)
    _drop_lost_offers(cat, region, seen, changes)


def merge_models(raw: dict[str, Any], answers: dict[str, list[dict[str, Any]]], today: dt.date) -> SyncResult:
    """Merge the Models API's answers into catalog data (a copy); say what changed."""
    result = SyncResult(copy.deepcopy(raw))
    _refuse_ambiguous_names(result.catalog, answers)
    _add_regions(result.catalog, answers, result.changes)
    for region, models in sorted(answers.items()):
        _merge_region(result, region, models, today)
    _merge_defaults(result, answers, today)
    return result


def _refuse_ambiguous_names(cat: Mapping[str, Any], answers: Mapping[str, list[dict[str, Any]]]) -> None:
    """MalformedAnswerError for an answered model name differing only in case from a catalog model or another
    answered one ("GPT-4O" beside "gpt-4o"): a second entry would split one model's facts, quota and policies."""
    known = set(cat["models"])  # a name the catalog already holds exactly is that model, whatever else it holds
    seen = {name.lower(): name for name in known}
    for region, models in sorted(answers.items()):
        for item in models:
            if item["name"] in known:
                continue
            known.add(item["name"])
            other = seen.setdefault(item["name"].lower(), item["name"])
            if other != item["name"]:
                raise MalformedAnswerError(
                    f"models in {region}: {short(item['name'])} differs only in case from {short(other)} (ambiguous)"
                )


def _answered_defaults(answers: Mapping[str, list[dict[str, Any]]]) -> dict[str, dict[str, str | None]]:
    """Per model, per answered region listing it: the version Azure marks default there (None: none marked)."""
    found: dict[str, dict[str, str | None]] = {}
    for region, models in answers.items():
        for item in models:
            per_region = found.setdefault(item["name"], {})
            per_region.setdefault(region, None)
            if item["default"]:
                per_region[region] = item["version"]
    return found


def _model_default(current: str, marked: list[str]) -> str:
    """The model's defaultVersion: the version most answered regions mark default (the current one on a tie)."""
    counts = {v: marked.count(v) for v in marked}
    most = max(counts.values())
    return current if counts.get(current) == most else max(v for v, n in counts.items() if n == most)


def _merge_defaults(result: SyncResult, answers: Mapping[str, list[dict[str, Any]]], today: dt.date) -> None:
    """Default versions: the model's follows most answered regions; a region that marks another default is kept
    in regionDefaults (source and date), and one that agrees again, or marks none, leaves it."""
    for name, per_region in sorted(_answered_defaults(answers).items()):
        entry = result.catalog["models"][name]
        marked = [v for v in per_region.values() if v is not None]
        if marked:
            default = _model_default(entry["defaultVersion"], marked)
            if default != entry["defaultVersion"]:
                result.changes.append(f"default version {name}: {entry['defaultVersion']} -> {default}")
                entry["defaultVersion"] = default
        _merge_region_defaults(result, name, entry, per_region, today)


def _merge_region_defaults(
    result: SyncResult, name: str, entry: dict[str, Any], per_region: Mapping[str, str | None], today: dt.date
) -> None:
    """Keep in regionDefaults the answered regions whose default differs from the model's; say each change."""
    regional: dict[str, Any] = entry.get("regionDefaults", {})
    for region, marked in sorted(per_region.items()):
        before = regional.get(region, {}).get("version")
        after = marked if marked is not None and marked != entry["defaultVersion"] else None
        if after is None:
            regional.pop(region, None)
        else:
            regional[region] = {"version": after, "source": _source(region, today), "asOf": today.isoformat()}
        if before != after:
            result.changes.append(
                f"default version {name} in {region}: {before or MODEL_DEFAULT} -> {after or MODEL_DEFAULT}"
            )
    if regional:
        entry["regionDefaults"] = dict(sorted(regional.items()))
    else:
        entry.pop("regionDefaults", None)


def _unrouted(entry: Mapping[str, Any], name: str, version: str) -> str:
    """What a change line adds for a router version without routed models: the policies judge it unknown."""
    if not (entry.get("routesTo") or name.lower().startswith(ROUTER_PREFIX)) or version in entry.get("routesTo", {}):
        return ""
    return (
        ": a router version without its routed models, so residency and approval fail closed on it until "
        "routesTo lists them (from the router's documentation)"
    )


def _matching_offer(entry: dict[str, Any], sku_name: str, version: str) -> dict[str, Any] | None:
    """The catalog's offer of this deployment type that covers the version (all versions when it lists none)."""
    return next(
        (o for o in entry["offers"] if o["sku"] == sku_name and (not o.get("versions") or version in o["versions"])),
        None,
    )


def _new_offer(
    entry: dict[str, Any], name: str, version: str, region: str, sku: Mapping[str, Any], source: str, asof: str
) -> dict[str, Any]:
    """An offer first seen in an answer; what the answer leaves out is marked unverified. When the type's other
    offers list their versions (none covers this one), it covers this version alone: one offer per type and version."""
    usage = sku["usageName"]
    offer = {
        "sku": sku["name"],
        "regions": [region],
        "usageName": usage or (f"{entry['quotaFamily']}.{sku['name']}.{name}"),
        "quotaScope": "region",
        **({"versions": [version]} if any(o["sku"] == sku["name"] for o in entry["offers"]) else {}),
        "source": source,
        "asOf": asof,
        "unverified": [] if usage else ["usageName"],
    }
    if is_provisioned(sku["name"]):
        if sku["minimum"] and sku["step"]:
            offer["minimum"], offer["step"] = sku["minimum"], sku["step"]
        else:
            offer["unverified"] += ["minimum", "step"]
    if sku["maximum"]:  # as a known offer's maximum is kept up to date (_merge_offer)
        offer["maximum"] = sku["maximum"]
    return offer


def _merge_ptu_rules(offer: dict[str, Any], name: str, sku: Mapping[str, Any], changes: list[str]) -> None:
    """A provisioned offer's minimum and step, when the answer states them."""
    if not (is_provisioned(sku["name"]) and sku["minimum"] and sku["step"]):
        return
    if (offer.get("minimum"), offer.get("step")) != (sku["minimum"], sku["step"]):
        changes.append(
            f"PTU rules {name} {sku['name']}: minimum/step {offer.get('minimum')}/{offer.get('step')} -> "
            f"{sku['minimum']}/{sku['step']}"
        )
        offer["minimum"], offer["step"] = sku["minimum"], sku["step"]
    _confirm(offer, "minimum", "step")


def _merge_offer(
    entry: dict[str, Any],
    name: str,
    version: str,
    region: str,
    sku: Mapping[str, Any],
    source: str,
    asof: str,
    changes: list[str],
) -> None:
    offer = _matching_offer(entry, sku["name"], version)
    if offer is None:
        entry["offers"].append(_new_offer(entry, name, version, region, sku, source, asof))
        changes.append(f"offer gained {name} {sku['name']} in {region}")
        return
    usage = sku["usageName"]
    if offer["regions"] != "all" and region not in offer["regions"]:
        offer["regions"] = sorted([*offer["regions"], region])
        changes.append(f"offer gained {name} {sku['name']} in {region}")
    if usage and offer["usageName"] != usage:
        changes.append(f"usage name corrected {name} {sku['name']}: {offer['usageName']} -> {usage}")
        offer["usageName"] = usage
    if usage:
        _confirm(offer, "usageName")
    _merge_ptu_rules(offer, name, sku, changes)
    if sku["maximum"] and offer.get("maximum") != sku["maximum"]:
        offer["maximum"] = sku["maximum"]
    offer["source"], offer["asOf"] = source, asof


def sync_catalog(
    catalog_path: Path,
    subscription: str,
    regions: list[str],
    credential: TokenCredential,
    endpoint: str = ARM_ENDPOINT,
    verify: str | bool | None = None,
    progress: Callable[[str], None] | None = None,
    retry_backoff: float = RETRY_BACKOFF,
    today: dt.date | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> SyncResult:
    """Read every region, merge, validate, and (unless dry_run) write the catalog atomically."""
    try:
        raw = json.loads(catalog_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogSyncError(f"cannot read {catalog_path}: {exc}") from None
    answers = fetch_models(subscription, regions, credential, endpoint, verify, progress, retry_backoff, limits)
    result = merge_models(raw, answers, today or dt.date.today())
    merged = json_bytes(result.catalog)
    try:
        check_catalog_bytes(merged, str(catalog_path))  # as every later command will load it: size, JSON, schema
    except CatalogError as exc:
        raise CatalogSyncError(f"the merged catalog would be invalid: {exc}") from None
    if not dry_run:
        write_json_atomically(catalog_path, merged)
    return result


def _bounded(lines: list[str], what: str) -> list[str]:
    """Up to MAX_LISTED `lines`, indented, then "and N more <what>": an answer of thousands of models never prints
    thousands of lines."""
    shown = [f"  {line}" for line in lines[:MAX_LISTED]]
    if len(lines) > MAX_LISTED:
        shown.append(f"  and {len(lines) - MAX_LISTED} more {what}")
    return shown


def render_result(result: SyncResult, target: str, dry_run: bool) -> str:
    """What catalog sync prints: one line per change (at most MAX_LISTED), then what was skipped (as many)."""
    verb = "would change" if dry_run else "changed"
    lines = [f"catalog sync {verb} {target}: {len(result.changes)} change(s)"]
    lines += _bounded(result.changes, "changes")
    if result.skipped:
        lines.append(f"{len(result.skipped)} answer(s) skipped:")
        lines += _bounded(result.skipped, "skipped")
    return "\n".join(lines) + "\n"


__all__ = ["CatalogSyncError", "QuotaSyncError", "SyncResult", "merge_models", "sync_catalog"]
