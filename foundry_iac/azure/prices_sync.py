"""`foundry-iac prices sync`: refresh catalog prices from the public Azure Retail Prices API.

Reads every `Foundry Models` consumption meter of one region (OData $filter, following NextPageLink on the
same endpoint, through client.py's bounded pipeline),
maps the catalog's meter names to input/output prices per 1M tokens, and rewrites catalog.json
atomically with the meter, region and date as each price's source. Any API failure leaves the
catalog untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.exceptions import AzureError
from azure.core.rest import HttpRequest

from components.catalog import CatalogError, parse_catalog
from components.errors import ServiceError

from .client import RETRY_BACKOFF, Limits, PageTrail, public_client

RETAIL_ENDPOINT = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"
_UNIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KM])\b", re.IGNORECASE)


class PriceSyncError(ServiceError):
    """The API could not be read or made no sense; the catalog was not touched."""


@dataclass(frozen=True)
class Change:
    """One catalog price compared with the API."""

    model: str
    family: str
    side: str
    old: float | None
    new: float
    meter: str

    def __str__(self) -> str:
        old = "none" if self.old is None else f"{self.old:.4f}"
        return f"{self.model} {self.family} {self.side}: {old} -> {self.new:.4f} USD per 1M tokens ({self.meter!r})"


@dataclass
class SyncResult:
    """What a sync found: changed and confirmed prices, catalog meters the API lacks, API meters we skip."""

    changes: list[Change] = field(default_factory=list)
    confirmed: int = 0
    missing: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    pages: int = 0


def fetch_items(
    region: str, endpoint: str = RETAIL_ENDPOINT, retry_backoff: float = RETRY_BACKOFF, limits: Limits | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Every Foundry Models consumption item of `region`, across pages; raises PriceSyncError (or, for what
    client.py refuses, its AzureAnswerError)."""
    flt = f"serviceName eq 'Foundry Models' and armRegionName eq '{region}' and priceType eq 'Consumption'"
    limits = limits or Limits()
    trail = PageTrail(f"the Azure Retail Prices API's {region} meters", limits)
    client = public_client(endpoint, limits, retry_backoff)
    request: HttpRequest | None = HttpRequest("GET", endpoint, params={"api-version": API_VERSION, "$filter": flt})
    items: list[dict[str, Any]] = []
    with client:
        while request is not None:
            try:
                response = client.send_request(request)
            except AzureError as exc:
                raise PriceSyncError(f"cannot reach the Azure Retail Prices API ({endpoint}): {exc}") from None
            if response.status_code != 200:
                raise PriceSyncError(
                    f"the Azure Retail Prices API answered HTTP {response.status_code} on page "
                    f"{trail.pages} (after retries); try again later"
                )
            try:
                body = response.json()
            except ValueError:
                raise PriceSyncError(f"page {trail.pages} of the Azure Retail Prices API is not JSON") from None
            if not isinstance(body, dict) or not isinstance(body.get("Items"), list):
                raise PriceSyncError(f"page {trail.pages} of the Azure Retail Prices API has no 'Items' list")
            items.extend(_checked(item, trail.pages) for item in body["Items"])
            next_link = body.get("NextPageLink")
            request = None
            if next_link:
                trail.follow(next_link)
                request = HttpRequest("GET", next_link)
    return items, trail.pages


def _checked(item: object, page: int) -> dict[str, Any]:
    if not (
        isinstance(item, dict)
        and isinstance(item.get("meterName"), str)
        and isinstance(item.get("retailPrice"), (int, float))
        and isinstance(item.get("unitOfMeasure"), str)
    ):
        raise PriceSyncError(f"page {page}: an item lacks meterName, retailPrice or unitOfMeasure: {item!r:.200}")
    if item.get("currencyCode", "USD") != "USD":
        raise PriceSyncError(f"page {page}: prices are in {item.get('currencyCode')}, the catalog is in USD")
    return item


def per_million(item: Mapping[str, Any]) -> float | None:
    """The item's price per 1M tokens, from its unit ('1K', '1M', '1K Tokens'); None for other units."""
    match = _UNIT.match(item["unitOfMeasure"])
    if not match:
        return None
    size = float(match.group(1)) * (1_000 if match.group(2).upper() == "K" else 1_000_000)
    return float(item["retailPrice"]) * 1_000_000 / size


def _pick(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Of several items for one meter, the base tier with the latest effective date."""
    base = [i for i in items if not i.get("tierMinimumUnits")] or items
    return max(base, key=lambda i: str(i.get("effectiveStartDate", "")))


def apply_prices(raw_catalog: dict[str, Any], items: list[dict[str, Any]], region: str, today: dt.date) -> SyncResult:
    """Update `raw_catalog` (the JSON data) in place from API items; say what changed."""
    by_meter: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_meter.setdefault(item["meterName"].strip().lower(), []).append(item)
    result = SyncResult()
    used: set[str] = set()
    for name, model in sorted(raw_catalog["models"].items()):
        for family, meters in sorted((model.get("meters") or {}).items()):
            for side in ("input", "output"):
                meter = meters.get(side)
                if not meter:
                    continue
                found = by_meter.get(meter.strip().lower())
                if not found:
                    result.missing.append(f"{name} {family} {side} ({meter!r})")
                    continue
                used.add(meter.strip().lower())
                item = _pick(found)
                price = per_million(item)
                if price is None:
                    result.missing.append(f"{name} {family} {side} ({meter!r}: unit {item['unitOfMeasure']!r})")
                    continue
                entry = model["prices"].setdefault(family, {"input": price, "source": "", "asOf": today.isoformat()})
                old = entry.get(side)
                price = round(price, 6)
                if old is None or abs(float(old) - price) > 1e-9:
                    result.changes.append(Change(name, family, side, old, price, meter))
                else:
                    result.confirmed += 1
                entry[side] = price
                effective = str(item.get("effectiveStartDate", ""))[:10]
                entry["source"] = (
                    f"Azure Retail Prices API, meters {meters['input']!r}/{meters.get('output')!r} in "
                    f"{region}" + (f", effective {effective}" if effective else "")
                )
                entry["asOf"] = today.isoformat()
    result.unmapped = sorted({i["meterName"] for i in items if i["meterName"].strip().lower() not in used})
    return result


def json_bytes(data: Mapping[str, object]) -> bytes:
    """The bytes `write_json_atomically` writes for `data` (indented JSON, ASCII, a final newline)."""
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def write_json_atomically(path: Path, data: Mapping[str, object] | bytes) -> None:
    """Write JSON (data, or the `json_bytes` of it) to a temporary file beside `path`, then rename it over `path`
    (all or nothing)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else json_bytes(data))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync_prices(
    catalog_path: Path,
    region: str,
    endpoint: str = RETAIL_ENDPOINT,
    today: dt.date | None = None,
    dry_run: bool = False,
    retry_backoff: float = RETRY_BACKOFF,
    limits: Limits | None = None,
) -> SyncResult:
    """Fetch, map and (unless dry_run) write the updated catalog; the catalog changes only on success."""
    raw = json.loads(catalog_path.read_text(encoding="utf-8"))
    items, pages = fetch_items(region, endpoint, retry_backoff, limits)
    result = apply_prices(raw, items, region, today or dt.date.today())
    result.pages = pages
    try:
        parse_catalog(raw, str(catalog_path))  # never write a catalog that would not load
    except CatalogError as exc:
        raise PriceSyncError(f"the updated catalog would be invalid ({exc}); nothing written") from None
    if not dry_run:
        write_json_atomically(catalog_path, raw)
    return result


def render_result(result: SyncResult, region: str, catalog: str, dry_run: bool) -> str:
    """What prices sync prints."""
    lines = [str(change) for change in result.changes]
    verb = "would update" if dry_run else "updated"
    lines.append(
        f"{verb} {len(result.changes)} price(s) in {catalog}, confirmed {result.confirmed}, from "
        f"{result.pages} page(s) of {region} meters"
    )
    if result.missing:
        lines.append(f"{len(result.missing)} catalog meter(s) not offered in {region}: " + "; ".join(result.missing))
    if result.unmapped:
        sample = ", ".join(repr(m) for m in result.unmapped[:5])
        lines.append(f"{len(result.unmapped)} API meter(s) map to no catalog model (e.g. {sample})")
    return "\n".join(lines) + "\n"
