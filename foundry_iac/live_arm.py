"""Read-only views of one live subscription through azure-mgmt-cognitiveservices, for `preflight`.

Every read is cached (stacks in one region share answers), returns None where Azure answers 404, and
turns any other failure of Azure into a LiveReadError that names what could not be read and, for
401/403, the role the identity lacks. A bug of ours is never relabelled as Azure's fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import RetryPolicy
from azure.core.rest import HttpRequest
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

from .quota_sync import USAGES_READER, answer_problem, make_client

T = TypeVar("T")
READER = "Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)"
DOMAIN_ACTION = "Microsoft.CognitiveServices/checkDomainAvailability/action"
PROVIDER_API_VERSION = "2021-04-01"  # Microsoft.Resources providers: Get
NAMESPACE = "Microsoft.CognitiveServices"
# API versions of the resources a standard agent setup references (those Microsoft's foundry-samples templates
# 15/41 read them with, Jan 2026), by lower-case resource type.
RESOURCE_API_VERSIONS = {
    "microsoft.documentdb/databaseaccounts": "2024-11-15",
    "microsoft.storage/storageaccounts": "2023-05-01",
    "microsoft.search/searchservices": "2023-11-01",
    "microsoft.network/virtualnetworks/subnets": "2024-05-01",
}


def resource_type(resource_id: str) -> str:
    """The lower-case resource type of an ARM id (provider namespace and the type segments)."""
    parts = resource_id.strip("/").split("/")
    # the first "providers" after the subscription and resource group (a group may be named "providers")
    start = 4 if len(parts) > 4 and parts[2].lower() == "resourcegroups" else 0
    at = next(i for i in range(start, len(parts)) if parts[i].lower() == "providers")
    rest = parts[at + 1 :]
    return "/".join([rest[0], *rest[1::2]]).lower()


class LiveReadError(Exception):
    """Azure could not be read for one check: `denied` (401/403) or any other failure."""

    def __init__(self, denied: bool, message: str):
        super().__init__(message)
        self.denied = denied
        self.message = message


@dataclass(frozen=True)
class OfferedSku:
    """A deployment type of a model version as Azure offers it in a region now."""

    name: str
    usage_name: str | None
    deprecation: dt.date | None


@dataclass(frozen=True)
class OfferedModel:
    """A model version Azure offers in a region now, with its lifecycle."""

    format: str
    name: str
    version: str
    lifecycle: str | None
    inference_retirement: dt.date | None
    skus: dict[str, OfferedSku]


@dataclass(frozen=True)
class LiveDeployment:
    """A deployment that exists in Azure."""

    model: str
    version: str | None
    sku: str
    capacity: int


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()


class LiveArm:
    """The reads preflight makes in one subscription (each cached)."""

    def __init__(
        self,
        credential: TokenCredential,
        subscription: str,
        endpoint: str,
        verify: str | bool | None = None,
        retry_backoff: float = 0.8,
    ):
        self.subscription = subscription
        self._answers: dict[str, object] = {}
        self.client: CognitiveServicesManagementClient = make_client(
            credential, subscription, endpoint, verify, retry_backoff
        )
        kwargs: dict = {} if verify is None else {"connection_verify": verify}
        self.arm: ARMPipelineClient = ARMPipelineClient(
            base_url=endpoint,
            policies=[
                ARMChallengeAuthenticationPolicy(credential, f"{endpoint.rstrip('/')}/.default"),
                RetryPolicy(retry_total=4, retry_backoff_factor=retry_backoff, retry_backoff_max=30),
            ],
            **kwargs,
        )

    def close(self) -> None:
        """Close both HTTP pipelines."""
        self.client.close()
        self.arm.close()

    def _read(self, what: str, role: str, read: Callable[[], T], missing: T | None = None) -> T | None:
        """Each answer once: `what` names the read, so the same read is not sent twice."""
        if what not in self._answers:
            try:
                self._answers[what] = self._fetch(what, role, read, missing)
            except LiveReadError as exc:
                self._answers[what] = exc  # a failed read fails every check that needs it, once
        answer = self._answers[what]
        if isinstance(answer, LiveReadError):
            raise answer
        return answer  # type: ignore[return-value]

    def _fetch(self, what: str, role: str, read: Callable[[], T], missing: T | None) -> T | None:
        try:
            return read()
        except ResourceNotFoundError:
            return missing
        except Exception as exc:
            if not answer_problem(exc):
                raise
            status = getattr(exc, "status_code", None)
            code = getattr(getattr(exc, "error", None), "code", None) or ""
            if isinstance(exc, ClientAuthenticationError) or status in (401, 403):
                raise LiveReadError(
                    True,
                    f"Azure denied reading {what} (HTTP {status} {code}".rstrip() + f"): grant the identity {role}",
                ) from None
            if isinstance(exc, HttpResponseError) and status is not None:
                detail = exc.message or str(exc)
                raise LiveReadError(
                    False, f"Azure answered HTTP {status} {code} reading {what} after retries: {detail}"
                ) from None
            raise LiveReadError(False, f"cannot read {what}: {type(exc).__name__}: {exc}") from None

    def provider_state(self) -> str | None:
        """registrationState of Microsoft.CognitiveServices in the subscription."""

        def read() -> str | None:
            url = f"/subscriptions/{self.subscription}/providers/{NAMESPACE}?api-version={PROVIDER_API_VERSION}"
            response = self.arm.send_request(HttpRequest("GET", self.arm.format_url(url)))
            response.raise_for_status()
            state = response.json().get("registrationState")
            return str(state) if state is not None else None

        return self._read(f"the registration of {NAMESPACE} in subscription {self.subscription}", READER, read)

    def models(self, region: str) -> dict[tuple[str, str, str], OfferedModel]:
        """Model versions offered in a region now, by (format, name, version)."""

        def read() -> dict[tuple[str, str, str], OfferedModel]:
            out = {}
            for entry in self.client.models.list(region):
                model = entry.model
                if model is None or not model.name or not model.format:
                    continue
                skus = {
                    s.name: OfferedSku(s.name, s.usage_name, _date(s.deprecation_date))
                    for s in model.skus or []
                    if s.name
                }
                offered = OfferedModel(
                    model.format,
                    model.name,
                    model.version or "",
                    model.lifecycle_status,
                    _date(model.deprecation.inference) if model.deprecation else None,
                    skus,
                )
                out[(offered.format, offered.name, offered.version)] = offered
            return out

        return self._read(f"the models offered in {region} (models.list)", READER, read) or {}

    def available_capacity(self, region: str, fmt: str, model: str, version: str) -> dict[str, float]:
        """Capacity a new deployment could take in a region now, by deployment type."""

        def read() -> dict[str, float]:
            out: dict[str, float] = {}
            for item in self.client.location_based_model_capacities.list(region, fmt, model, version):
                props = item.properties
                if props is not None and props.sku_name and props.available_capacity is not None:
                    out[props.sku_name] = out.get(props.sku_name, 0) + props.available_capacity
            return out

        what = f"the capacity available for {model} {version} in {region} (locationBasedModelCapacities)"
        return self._read(what, READER, read) or {}

    def usages(self, region: str) -> dict[str, tuple[float, float]]:
        """(current value, limit) of each quota usage name in a region."""

        def read() -> dict[str, tuple[float, float]]:
            out = {}
            for usage in self.client.usages.list(region):
                if usage.name and usage.name.value and usage.limit is not None and usage.current_value is not None:
                    out[usage.name.value] = (usage.current_value, usage.limit)
            return out

        return self._read(f"quota usages in {region}", USAGES_READER, read) or {}

    def account(self, resource_group: str, name: str) -> dict | None:
        """The live account (as a dict), or None when it does not exist."""
        return self._read(
            f"account {name} in {resource_group}",
            READER,
            lambda: dict(self.client.accounts.get(resource_group, name).as_dict()),
        )

    def deployments(self, resource_group: str, account: str) -> dict[str, LiveDeployment]:
        """The live deployments of an account by name ({} when the account does not exist)."""

        def read() -> dict[str, LiveDeployment]:
            out = {}
            for d in self.client.deployments.list(resource_group, account):
                model = d.properties.model if d.properties else None
                if not d.name or model is None or d.sku is None:
                    continue
                out[d.name] = LiveDeployment(str(model.name), model.version, str(d.sku.name), int(d.sku.capacity or 0))
            return out

        return self._read(f"the deployments of account {account}", READER, read, missing={}) or {}

    def deleted_account(self, region: str, resource_group: str, name: str) -> dict | None:
        """A soft-deleted account of that name, or None."""
        return self._read(
            f"soft-deleted accounts named {name} in {region}",
            READER,
            lambda: dict(self.client.deleted_accounts.get(region, resource_group, name).as_dict()),
        )

    def subdomain(self, name: str) -> tuple[bool, str]:
        """(available, Azure's reason) for a custom subdomain."""

        def read() -> tuple[bool, str]:
            answer = self.client.check_domain_availability(name, f"{NAMESPACE}/accounts", kind="AIServices")
            return bool(answer.is_subdomain_available), str(answer.reason or "")

        role = f"a role with {DOMAIN_ACTION} (Cognitive Services Contributor has it; Reader does not)"
        return self._read(f"whether the custom subdomain {name} is available", role, read) or (True, "")

    def resource(self, resource_id: str) -> dict | None:
        """Any resource by ARM id (Reader suffices), or None when it does not exist."""
        version = RESOURCE_API_VERSIONS[resource_type(resource_id)]

        def read() -> dict | None:
            url = f"{resource_id}?api-version={version}"
            response = self.arm.send_request(HttpRequest("GET", self.arm.format_url(url)))
            if response.status_code == 404:
                return None
            response.raise_for_status()
            return dict(response.json())

        return self._read(f"resource {resource_id}", READER, read)

    def rai_policy_exists(self, resource_group: str, account: str, name: str) -> bool:
        """True when the account has the content filter (RAI policy) of that name."""
        found = self._read(
            f"content filter {name} of account {account}",
            READER,
            lambda: self.client.rai_policies.get(resource_group, account, name) is not None,
            missing=False,
        )
        return bool(found)
