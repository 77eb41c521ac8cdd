"""`foundry-iac quota sync`: read quota usages and model capacity rules from Azure Resource Manager.

Uses azure-identity's DefaultAzureCredential (or any TokenCredential) through the Azure management
client library; the snapshot is written atomically and only when every region was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    DecodeError,
    DeserializationError,
    HttpResponseError,
)
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import ModelListResult, UsageListResult

from components.errors import ServiceError
from components.text import clip, one_line

from ..engine.quota_snapshot import QuotaSnapshot
from .client import (
    COGNITIVE_API_VERSION,
    RETRY_BACKOFF,
    Limits,
    MalformedAnswerError,
    every_item,
    management_client,
    number,
    optional_name,
    optional_number,
    plain_name,
    shaped,
)
from .prices_sync import write_json_atomically

ARM_ENDPOINT = "https://management.azure.com"
API_VERSION = COGNITIVE_API_VERSION
T = TypeVar("T")
USAGES_READER = "Cognitive Services Usages Reader (bba48692-92b0-4667-a9ad-c31c7b334ac2)"


class QuotaSyncError(ServiceError):
    """Azure could not be read or answered nonsense; nothing was written."""


def make_client(
    credential: TokenCredential,
    subscription: str,
    endpoint: str,
    verify: str | bool | None,
    retry_backoff: float,
    limits: Limits | None = None,
) -> CognitiveServicesManagementClient:
    """The management client of client.py (one endpoint, deadline, capped retries, checked answers)."""
    return management_client(credential, subscription, endpoint, limits or Limits(), verify, retry_backoff)


def answer_problem(exc: BaseException) -> bool:
    """True for a failure of Azure's answer or the network; False for a bug of ours (never relabelled)."""
    return isinstance(exc, (AzureError, DeserializationError))


def explain(exc: Exception, subscription: str, region: str, what: str = "quota") -> ServiceError:
    """A one-line explanation of a failed read (auth, malformed answer, HTTP error, network)."""
    status = getattr(exc, "status_code", None)
    if isinstance(exc, ClientAuthenticationError) or status in (401, 403):
        verb = "denied" if status == 403 else "not authenticated"
        return QuotaSyncError(
            f"Azure {verb} reading {what} of subscription {subscription} in {region} (HTTP {status}): sign in "
            f"(az login, or OIDC in CI) and grant the identity the {USAGES_READER} role at subscription scope"
        )
    if isinstance(exc, (DecodeError, DeserializationError)):
        return MalformedAnswerError(f"{what} in {region}: {clip(str(exc))}")
    if isinstance(exc, HttpResponseError) and status is None:  # no status: the body broke off (bad chunked encoding)
        return MalformedAnswerError(f"{what} in {region}: the answer could not be read ({one_line(str(exc), 120)})")
    if isinstance(exc, HttpResponseError):
        code = getattr(getattr(exc, "error", None), "code", None)
        answered = f"HTTP {status} {code}" if code else f"HTTP {status}"
        said = one_line(str(exc.message or exc))  # azure-core's message; nothing when the answer said nothing
        return QuotaSyncError(f"Azure answered {answered} for {region} after retries{': ' + said if said else ''}")
    return QuotaSyncError(f"cannot reach Azure Resource Manager for {region}: {one_line(str(exc))}")


def read_region(client: CognitiveServicesManagementClient, region: str, limits: Limits) -> dict[str, Any]:
    """Usages and model capacity rules of one region, as snapshot data (each field checked)."""
    usages: dict[str, dict[str, Any]] = {}
    twice: list[str] = []  # refused once the list is read whole (a nextLink loop repeats names: that error first)
    what = f"quota usages in {region}"
    for usage in every_item(client.usages.list(region, raw_response_hook=shaped(UsageListResult, what)), what, limits):
        name = plain_name(usage.name.value if usage.name else None, f"a usage's name in {region}")
        if name in usages:
            twice.append(name)
        usages[name] = {
            "limit": number(usage.limit, f"the limit of {name} in {region}"),
            "current": number(usage.current_value, f"the currentValue of {name} in {region}"),
            "unit": optional_name(usage.unit, f"the unit of {name} in {region}", spaces=True),
        }
    if twice:
        raise MalformedAnswerError(f"{what}: usage {twice[0]} is listed twice")
    capacities = []
    what = f"models in {region}"
    for entry in every_item(client.models.list(region, raw_response_hook=shaped(ModelListResult, what)), what, limits):
        model = entry.model
        name = plain_name(model.name if model else None, f"a model's name in {region}")
        version = optional_name(model.version, f"the version of {name} in {region}")
        for sku in model.skus or []:
            where = f"{name} {version} in {region}"
            cap = sku.capacity
            capacities.append(
                {
                    "model": name,
                    "version": version,
                    "sku": plain_name(sku.name, f"a deployment type of {where}"),
                    "usageName": optional_name(sku.usage_name, f"the usageName of {where}"),
                    **{
                        key: optional_number(getattr(cap, key) if cap else None, f"capacity.{key} of {where}")
                        for key in ("minimum", "maximum", "step", "default")
                    },
                }
            )
    capacities.sort(key=lambda c: (c["model"], c["version"] or "", c["sku"]))
    return {"usages": dict(sorted(usages.items())), "capacities": capacities}


def read_regions(
    subscription: str,
    regions: list[str],
    credential: TokenCredential,
    read: Callable[[CognitiveServicesManagementClient, str, Limits], T],
    describe: Callable[[T], str],
    what: str = "quota",
    endpoint: str = ARM_ENDPOINT,
    verify: str | bool | None = None,
    progress: Callable[[str], None] | None = None,
    retry_backoff: float = RETRY_BACKOFF,
    limits: Limits | None = None,
) -> dict[str, T]:
    """Read every region with one client, saying progress per region; a ServiceError on the first failure."""
    limits = limits or Limits()
    answers: dict[str, T] = {}
    with make_client(credential, subscription, endpoint, verify, retry_backoff, limits) as client:
        for index, region in enumerate(regions, 1):
            try:
                answers[region] = read(client, region, limits)
            except Exception as exc:
                if not answer_problem(exc):
                    raise  # a refusal of client.py, or our own bug (an internal error, never Azure's fault)
                raise explain(exc, subscription, region, what) from None
            if progress:
                progress(f"[{index}/{len(regions)}] {region}: {describe(answers[region])}")
    return answers


def sync_quota(
    subscription: str,
    regions: list[str],
    credential: TokenCredential,
    endpoint: str = ARM_ENDPOINT,
    verify: str | bool | None = None,
    progress: Callable[[str], None] | None = None,
    retry_backoff: float = RETRY_BACKOFF,
    now: dt.datetime | None = None,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Read every region; return snapshot data (validated), or raise QuotaSyncError."""
    data: dict[str, Any] = {
        "subscription": subscription.lower(),
        "syncedAt": (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "apiVersion": API_VERSION,
        "endpoint": endpoint,
        "regions": {},
    }
    data["regions"] = read_regions(
        subscription,
        regions,
        credential,
        read_region,
        lambda snap: f"{len(snap['usages'])} usages, {len(snap['capacities'])} model capacity rules",
        endpoint=endpoint,
        verify=verify,
        progress=progress,
        retry_backoff=retry_backoff,
        limits=limits,
    )
    QuotaSnapshot.model_validate(data)
    return data


def write_snapshot(path: Path, data: Mapping[str, object]) -> None:
    """Write the snapshot atomically (a failed sync never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(path, data)
