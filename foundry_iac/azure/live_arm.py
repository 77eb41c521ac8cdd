"""Read-only views of one live subscription through azure-mgmt-cognitiveservices, for `preflight`.

Every read is cached (stacks in one region share answers), returns None where Azure answers 404, and
turns any other failure of Azure into a LiveReadError that names what could not be read and, for
401/403, the role the identity lacks. The clients are client.py's (one endpoint, one deadline, bounded
pages and retries); what they refuse, and an answer whose fields do not have the documented shape, ends
the command (exit 2) instead. A bug of ours is never relabelled as Azure's fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    DecodeError,
    DeserializationError,
    HttpResponseError,
    ResourceNotFoundError,
)
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
from azure.mgmt.cognitiveservices.models import (
    Account,
    DeploymentListResult,
    DomainAvailability,
    ModelCapacityListResult,
    ModelListResult,
    RaiPolicy,
    UsageListResult,
)
from azure.mgmt.core import ARMPipelineClient

from components import resource_types as types
from components.api_versions import sdk_api_version
from components.text import clip, one_line

from .client import (
    RETRY_BACKOFF,
    Limits,
    MalformedAnswerError,
    answer_body,
    arm_client,
    day,
    every_item,
    management_client,
    number,
    optional_text,
    shaped,
    text,
)
from .quota_sync import USAGES_READER, answer_problem

T = TypeVar("T")
READER = "Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)"
DOMAIN_ACTION = "Microsoft.CognitiveServices/checkDomainAvailability/action"
PROVIDER_API_VERSION = "2021-04-01"  # Microsoft.Resources providers: Get
# Microsoft.Security pricings: Get, at the API version pulumi-azure-native 3.x registers the Defender plan with.
PRICING_API_VERSION = "2024-01-01"
# Defender for Cloud's permissions page: Reader or Security Reader may view its plans (Microsoft.Security/*/read).
PRICING_READER = "Reader or Security Reader (Microsoft.Security/pricings/read) on the subscription"
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
    default: bool = False  # the version Azure deploys in this region when a deployment names none


@dataclass(frozen=True)
class LiveDeployment:
    """A deployment that exists in Azure."""

    model: str
    version: str | None
    sku: str
    capacity: int


@dataclass(frozen=True)
class LiveManagedNetwork:
    """An account's managed network as Azure has it: mode, firewall, the modes it can still change to, and its
    user-defined outbound rules (name -> their properties)."""

    isolation_mode: str | None
    firewall_sku: str | None
    changeable_modes: tuple[str, ...]
    rules: dict[str, dict[str, Any]]


class LiveArm:
    """The reads preflight makes in one subscription (each cached)."""

    def __init__(
        self,
        credential: TokenCredential,
        subscription: str,
        endpoint: str,
        verify: str | bool | None = None,
        retry_backoff: float = RETRY_BACKOFF,
        limits: Limits | None = None,
    ):
        self.subscription = subscription
        self.limits = limits or Limits()
        self._answers: dict[str, object] = {}
        self.client: CognitiveServicesManagementClient = management_client(
            credential, subscription, endpoint, self.limits, verify, retry_backoff
        )
        self.arm: ARMPipelineClient[HttpRequest, HttpResponse] = arm_client(
            credential, endpoint, self.limits, verify, retry_backoff
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
        except (DecodeError, DeserializationError) as exc:
            raise MalformedAnswerError(f"{what}: {clip(str(exc))}") from None
        except Exception as exc:
            if not answer_problem(exc):
                raise
            status = getattr(exc, "status_code", None)
            code = getattr(getattr(exc, "error", None), "code", None) or ""
            if isinstance(exc, ClientAuthenticationError) and status is None:  # no token: nothing reached Azure
                raise LiveReadError(
                    True,
                    f"no Azure credential could sign in to read {what} ({clip(one_line(str(exc)), 120)}): sign in "
                    f"(az login; azure/login with OIDC in CI) as an identity with {role}",
                ) from None
            if isinstance(exc, ClientAuthenticationError) or status in (401, 403):
                raise LiveReadError(
                    True,
                    f"Azure denied reading {what} (HTTP {status} {code}".rstrip() + f"): grant the identity {role}",
                ) from None
            if isinstance(exc, HttpResponseError) and status is not None:
                detail = one_line(str(exc.message or exc))
                answered = f"HTTP {status} {code}" if code else f"HTTP {status}"
                message = f"Azure answered {answered} reading {what} after retries: {detail}"
                raise LiveReadError(False, message) from None
            raise LiveReadError(False, f"cannot read {what}: {type(exc).__name__}: {one_line(str(exc))}") from None

    def provider_state(self) -> str | None:
        """registrationState of Microsoft.CognitiveServices in the subscription."""
        what = f"the registration of {NAMESPACE} in subscription {self.subscription}"

        def read() -> str | None:
            url = f"/subscriptions/{self.subscription}/providers/{NAMESPACE}?api-version={PROVIDER_API_VERSION}"
            body = self._get(url, what)
            return optional_text(body.get("registrationState") if body else None, f"registrationState in {what}")

        return self._read(what, READER, read)

    def _get(self, url: str, what: str) -> dict[str, Any] | None:
        """The checked JSON object at an ARM URL, None on 404 (other failures raise)."""
        response = self.arm.send_request(HttpRequest("GET", self.arm.format_url(url)))
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return answer_body(response, what) or {}

    def models(self, region: str) -> dict[tuple[str, str, str], OfferedModel]:
        """Model versions offered in a region now, by (format, name, version)."""
        what = f"the models offered in {region} (models.list)"

        def read() -> dict[tuple[str, str, str], OfferedModel]:
            out = {}
            for entry in every_item(
                self.client.models.list(region, raw_response_hook=shaped(ModelListResult, what)), what, self.limits
            ):
                model = entry.model
                if model is None:
                    raise MalformedAnswerError(f"{what}: an entry without a model")
                name = text(model.name, f"a model's name in {what}")
                version = optional_text(model.version, f"the version of {name} in {what}") or ""
                where = f"{name} {version} in {what}"
                skus = {}
                for sku in model.skus or []:
                    sku_name = text(sku.name, f"a deployment type of {where}")
                    skus[sku_name] = OfferedSku(
                        sku_name,
                        optional_text(sku.usage_name, f"the usageName of {sku_name} of {where}"),
                        day(sku.deprecation_date, f"the deprecationDate of {sku_name} of {where}"),
                    )
                offered = OfferedModel(
                    text(model.format, f"the format of {where}"),
                    name,
                    version,
                    optional_text(model.lifecycle_status, f"the lifecycleStatus of {where}"),
                    day(model.deprecation.inference if model.deprecation else None, f"the retirement of {where}"),
                    skus,
                    model.is_default_version is True,
                )
                out[(offered.format, offered.name, offered.version)] = offered
            return out

        return self._read(what, READER, read) or {}

    def available_capacity(self, region: str, fmt: str, model: str, version: str) -> dict[str, float]:
        """Capacity a new deployment could take in a region now, by deployment type."""
        what = f"the capacity available for {model} {version} in {region} (locationBasedModelCapacities)"

        def read() -> dict[str, float]:
            out: dict[str, float] = {}
            for item in every_item(
                self.client.location_based_model_capacities.list(
                    region, fmt, model, version, raw_response_hook=shaped(ModelCapacityListResult, what)
                ),
                what,
                self.limits,
            ):
                props = item.properties
                sku = text(props.sku_name if props else None, f"the skuName of an entry of {what}")
                left = number(props.available_capacity, f"the availableCapacity of {sku} in {what}")
                out[sku] = out.get(sku, 0) + left
            return out

        return self._read(what, READER, read) or {}

    def usages(self, region: str) -> dict[str, tuple[float, float]]:
        """(current value, limit) of each quota usage name in a region."""
        what = f"quota usages in {region}"

        def read() -> dict[str, tuple[float, float]]:
            out = {}
            for usage in every_item(
                self.client.usages.list(region, raw_response_hook=shaped(UsageListResult, what)), what, self.limits
            ):
                name = text(usage.name.value if usage.name else None, f"a usage's name in {what}")
                out[name] = (
                    number(usage.current_value, f"the currentValue of {name} in {what}"),
                    number(usage.limit, f"the limit of {name} in {what}"),
                )
            return out

        return self._read(what, USAGES_READER, read) or {}

    def account(self, resource_group: str, name: str) -> dict[str, Any] | None:
        """The live account (as a dict), or None when it does not exist."""
        what = f"account {name} in {resource_group}"
        hook = shaped(Account, what)
        return self._read(
            what, READER, lambda: dict(self.client.accounts.get(resource_group, name, raw_response_hook=hook).as_dict())
        )

    def deployments(self, resource_group: str, account: str) -> dict[str, LiveDeployment]:
        """The live deployments of an account by name ({} when the account does not exist); a deployment
        without a model or sku (Azure may list one mid-creation) holds nothing and is left out."""
        what = f"the deployments of account {account}"

        def read() -> dict[str, LiveDeployment]:
            out = {}
            for d in every_item(
                self.client.deployments.list(
                    resource_group, account, raw_response_hook=shaped(DeploymentListResult, what)
                ),
                what,
                self.limits,
            ):
                name = text(d.name, f"a deployment's name in {what}")
                model = d.properties.model if d.properties else None
                if model is None or d.sku is None:
                    continue
                where = f"deployment {name} in {what}"
                out[name] = LiveDeployment(
                    text(model.name, f"the model of {where}"),
                    optional_text(model.version, f"the model version of {where}"),
                    text(d.sku.name, f"the sku of {where}"),
                    int(number(d.sku.capacity or 0, f"the capacity of {where}")),
                )
            return out

        return self._read(what, READER, read, missing={}) or {}

    def deleted_account(self, region: str, resource_group: str, name: str) -> dict[str, Any] | None:
        """A soft-deleted account of that name, or None."""
        what = f"soft-deleted accounts named {name} in {region}"
        hook = shaped(Account, what)
        return self._read(
            what,
            READER,
            lambda: dict(
                self.client.deleted_accounts.get(region, resource_group, name, raw_response_hook=hook).as_dict()
            ),
        )

    def subdomain(self, name: str) -> tuple[bool, str]:
        """(available, Azure's reason) for a custom subdomain."""
        what = f"whether the custom subdomain {name} is available"

        def read() -> tuple[bool, str]:
            answer = self.client.check_domain_availability(
                name, f"{NAMESPACE}/accounts", kind="AIServices", raw_response_hook=shaped(DomainAvailability, what)
            )
            return bool(answer.is_subdomain_available), optional_text(answer.reason, f"the reason in {what}") or ""

        role = f"a role with {DOMAIN_ACTION} (Cognitive Services Contributor has it; Reader does not)"
        return self._read(what, role, read) or (True, "")

    def resource(self, resource_id: str) -> dict[str, Any] | None:
        """Any resource by ARM id (Reader suffices), or None when it does not exist; the fields preflight
        reads (location, a subnet's delegations and what it holds) have their documented shape."""
        version = RESOURCE_API_VERSIONS[resource_type(resource_id)]
        what = f"resource {resource_id}"

        def read() -> dict[str, Any] | None:
            body = self._get(f"{resource_id}?api-version={version}", what)
            if body is not None:
                _check_resource(body, what)
            return body

        return self._read(what, READER, read)

    def defender_tier(self, plan: str) -> str | None:
        """pricingTier of a Defender plan of the subscription (Free, Standard), None when Azure has no such plan."""
        what = f"the Defender plan {plan} of subscription {self.subscription}"

        def read() -> str | None:
            url = f"/subscriptions/{self.subscription}/providers/Microsoft.Security/pricings/{plan}"
            body = self._get(f"{url}?api-version={PRICING_API_VERSION}", what)
            if body is None:
                return None
            props = body.get("properties", {})
            if not isinstance(props, dict):
                raise MalformedAnswerError(f"{what}: `properties` is not an object")
            return optional_text(props.get("pricingTier"), f"the pricingTier of {what}")

        return self._read(what, PRICING_READER, read)

    def managed_network(self, resource_group: str, account: str) -> LiveManagedNetwork | None:
        """The account's managed network (accounts/managedNetworks/default) at the API version the SDK writes it
        with, or None when Azure has none."""
        version = sdk_api_version(types.MANAGED_NETWORK)
        what = f"the managed network of account {account}"
        url = (
            f"/subscriptions/{self.subscription}/resourceGroups/{resource_group}/providers/{NAMESPACE}/accounts/"
            f"{account}/managedNetworks/default?api-version={version}"
        )

        def read() -> LiveManagedNetwork | None:
            body = self._get(url, what)
            return None if body is None else managed_network_of(body, what)

        return self._read(what, READER, read)

    def rai_policy_exists(self, resource_group: str, account: str, name: str) -> bool:
        """True when the account has the content filter (RAI policy) of that name."""
        what = f"content filter {name} of account {account}"
        hook = shaped(RaiPolicy, what)
        found = self._read(
            what,
            READER,
            lambda: self.client.rai_policies.get(resource_group, account, name, raw_response_hook=hook) is not None,
            missing=False,
        )
        return bool(found)


SUBNET_LISTS = ("delegations", "ipConfigurations", "privateEndpoints", "serviceAssociationLinks")


def _check_resource(body: Mapping[str, Any], what: str) -> None:
    """MalformedAnswerError unless location is a string, properties an object, and a subnet's lists lists of objects."""
    optional_text(body.get("location"), f"the location of {what}")
    props = body.get("properties", {})
    if not isinstance(props, dict):
        raise MalformedAnswerError(f"{what}: `properties` is not an object")
    for key in SUBNET_LISTS:
        items = props.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise MalformedAnswerError(f"{what}: `properties.{key}` is not a list of objects")
    for delegation in props.get("delegations", []):
        inner = delegation.get("properties", {})
        if not isinstance(inner, dict):
            raise MalformedAnswerError(f"{what}: a delegation's `properties` is not an object")
        optional_text(inner.get("serviceName"), f"a delegation's serviceName in {what}")


def _object(value: object, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedAnswerError(f"{where} is not an object")
    return value


def managed_network_of(body: Mapping[str, Any], what: str) -> LiveManagedNetwork:
    """The documented fields of a managed network answer (`properties.managedNetwork`), or MalformedAnswerError."""
    network = _object(_object(body.get("properties"), f"`properties` of {what}").get("managedNetwork"), what)
    modes = network.get("changeableIsolationModes") or []
    if not isinstance(modes, list):
        raise MalformedAnswerError(f"`changeableIsolationModes` of {what} is not a list")
    rules: dict[str, dict[str, Any]] = {}
    for name, rule in _object(network.get("outboundRules"), f"`outboundRules` of {what}").items():
        props = _object(rule, f"outbound rule {name} of {what}")  # Dictionary of <OutboundRule>, no wrapper
        if props.get("category", "UserDefined") == "UserDefined":
            rules[str(name)] = props
    return LiveManagedNetwork(
        isolation_mode=optional_text(network.get("isolationMode"), f"isolationMode of {what}"),
        firewall_sku=optional_text(network.get("firewallSku"), f"firewallSku of {what}"),
        changeable_modes=tuple(text(m, f"a changeable isolation mode of {what}") for m in modes),
        rules=rules,
    )
