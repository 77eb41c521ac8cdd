"""`foundry-iac quota sync`: read quota usages and model capacity rules from Azure Resource Manager.

Uses azure-identity's DefaultAzureCredential (or any TokenCredential) through the Azure management
client library; the snapshot is written atomically and only when every region was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError, DecodeError, HttpResponseError
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient

from components.errors import ServiceError

from .prices_sync import write_json_atomically
from .quota_snapshot import QuotaSnapshot

ARM_ENDPOINT = "https://management.azure.com"
API_VERSION = "2025-06-01"
T = TypeVar("T")
USAGES_READER = "Cognitive Services Usages Reader (bba48692-92b0-4667-a9ad-c31c7b334ac2)"


class QuotaSyncError(ServiceError):
    """Azure could not be read or answered nonsense; nothing was written."""


def make_client(
    credential: TokenCredential, subscription: str, endpoint: str, verify: str | bool | None, retry_backoff: float
) -> CognitiveServicesManagementClient:
    kwargs: dict = {"retry_total": 4, "retry_backoff_factor": retry_backoff}
    if verify is not None:
        kwargs["connection_verify"] = verify
    return CognitiveServicesManagementClient(
        credential,
        subscription,
        base_url=endpoint,
        credential_scopes=[f"{endpoint.rstrip('/')}/.default"],
        api_version=API_VERSION,
        **kwargs,
    )


class MalformedAnswerError(ValueError):
    """An answer from Azure that lacks what the REST documentation promises (raised by our readers)."""


def answer_problem(exc: BaseException) -> bool:
    """True for a failure of Azure's answer or the network; False for a bug of ours (never relabelled)."""
    return isinstance(exc, (AzureError, MalformedAnswerError)) or type(exc).__name__ == "DeserializationError"


def explain(exc: Exception, subscription: str, region: str, what: str = "quota") -> QuotaSyncError:
    """A one-line explanation of a failed read (auth, malformed answer, HTTP error, network)."""
    status = getattr(exc, "status_code", None)
    if isinstance(exc, ClientAuthenticationError) or status in (401, 403):
        verb = "denied" if status == 403 else "not authenticated"
        return QuotaSyncError(
            f"Azure {verb} reading {what} of subscription {subscription} in {region} (HTTP {status}): sign in "
            f"(az login, or OIDC in CI) and grant the identity the {USAGES_READER} role at subscription scope"
        )
    if isinstance(exc, (DecodeError, MalformedAnswerError)) or type(exc).__name__ == "DeserializationError":
        return QuotaSyncError(
            f"malformed answer from Azure for {region} ({type(exc).__name__}: {exc}); nothing written"
        )
    if isinstance(exc, HttpResponseError):
        code = getattr(getattr(exc, "error", None), "code", None) or ""
        return QuotaSyncError(
            f"Azure answered HTTP {status} {code} for {region} after retries: {exc.message or exc}".rstrip()
        )
    return QuotaSyncError(f"cannot reach Azure Resource Manager for {region}: {exc}")


def read_region(client: CognitiveServicesManagementClient, region: str) -> dict:
    """Usages and model capacity rules of one region, as snapshot data."""
    usages: dict[str, dict] = {}
    for usage in client.usages.list(region):
        name = usage.name.value if usage.name else None
        if not name or usage.limit is None or usage.current_value is None:
            raise MalformedAnswerError(f"a usage without name, limit or currentValue: {usage.as_dict()}")
        usages[name] = {"limit": usage.limit, "current": usage.current_value, "unit": usage.unit}
    capacities = []
    for entry in client.models.list(region):
        model = entry.model
        if model is None or not model.name:
            raise MalformedAnswerError(f"a model without a name: {entry.as_dict()}")
        for sku in model.skus or []:
            cap = sku.capacity
            capacities.append(
                {
                    "model": model.name,
                    "version": model.version,
                    "sku": sku.name,
                    "usageName": sku.usage_name,
                    "minimum": cap.minimum if cap else None,
                    "maximum": cap.maximum if cap else None,
                    "step": cap.step if cap else None,
                    "default": cap.default if cap else None,
                }
            )
    capacities.sort(key=lambda c: (c["model"], c["version"] or "", c["sku"] or ""))
    return {"usages": dict(sorted(usages.items())), "capacities": capacities}


def read_regions(
    subscription: str,
    regions: list[str],
    credential: TokenCredential,
    read: Callable[[CognitiveServicesManagementClient, str], T],
    describe: Callable[[T], str],
    what: str = "quota",
    endpoint: str = ARM_ENDPOINT,
    verify: str | bool | None = None,
    progress: Callable[[str], None] | None = None,
    retry_backoff: float = 0.8,
) -> dict[str, T]:
    """Read every region with one client, saying progress per region; QuotaSyncError on the first failure."""
    answers: dict[str, T] = {}
    with make_client(credential, subscription, endpoint, verify, retry_backoff) as client:
        for index, region in enumerate(regions, 1):
            try:
                answers[region] = read(client, region)
            except Exception as exc:
                if not answer_problem(exc):
                    raise  # our own bug: the CLI reports it as an internal error, never as Azure's fault
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
    retry_backoff: float = 0.8,
    now: dt.datetime | None = None,
) -> dict:
    """Read every region; return snapshot data (validated), or raise QuotaSyncError."""
    data: dict = {
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
    )
    QuotaSnapshot.model_validate(data)
    return data


def write_snapshot(path: Path, data: dict) -> None:
    """Write the snapshot atomically (a failed sync never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(path, data)
