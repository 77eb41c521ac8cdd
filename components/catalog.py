"""The model catalog: one JSON data file (catalog.json), validated on load.

It says, for every model foundry-iac can deploy, its format, versions, which deployment types Azure
offers for it (and where), its quota usage names, capacity rules and prices, each price with the
source and date it came from. Policies, the cost model and the quota ledger read only this file.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

from .clock import date_range_problem
from .errors import FoundryIacError, InputFileError
from .inputs import MAX_CATALOG_BYTES, decode_input, loads_strict_json, read_strict_json

CATALOG_PATH = Path(__file__).with_name("catalog.json")

DeploymentType = Literal[
    "Standard",
    "ProvisionedManaged",
    "DataZoneStandard",
    "DataZoneProvisionedManaged",
    "DataZoneBatch",
    "GlobalStandard",
    "GlobalProvisionedManaged",
    "GlobalBatch",
    "DeveloperTier",
]
DEPLOYMENT_TYPES: tuple[str, ...] = DeploymentType.__args__  # type: ignore[attr-defined]

Family = Literal["global", "dataZone", "regional", "developer"]
DataZone = Literal["EU", "US"]


def deployment_family(sku: str) -> Family:
    """The residency family of a deployment type: where Azure may process its prompts."""
    if sku.startswith("Global"):
        return "global"
    if sku.startswith("DataZone"):
        return "dataZone"
    if sku == "DeveloperTier":
        return "developer"
    return "regional"


def is_provisioned(sku: str) -> bool:
    """True for PTU-billed deployment types."""
    return sku.endswith("ProvisionedManaged")


ROUTER_PREFIX = "model-router"  # Azure's router models are named model-router (a version routes to other models)


def _judged_date(value: dt.date) -> dt.date:
    problem = date_range_problem(value)
    if problem:
        raise ValueError(f"{problem}; write the real date")
    return value


# A catalog date: inside the dates foundry-iac judges (a retirement in 9999 would read as never).
CatalogDate = Annotated[dt.date, AfterValidator(_judged_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


LifecycleStatus = Literal["Preview", "GenerallyAvailable", "Legacy", "Deprecating", "Deprecated", "Retired"]
QuotaScope = Literal["region", "dataZone", "subscription"]
Money = Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]


class TokenPrice(_Strict):
    """USD per 1M tokens for one deployment family, with where and when it was read."""

    input: Money
    output: Money | None = Field(default=None, description="null only for embedding models (no output tokens)")
    source: str = Field(min_length=3)
    as_of: CatalogDate = Field(alias="asOf")


class PtuPrice(_Strict):
    """USD per PTU-hour for one deployment family, with where and when it was read."""

    usd_per_ptu_hour: Money = Field(alias="usdPerPtuHour")
    source: str = Field(min_length=3)
    as_of: CatalogDate = Field(alias="asOf")


class AutoUpgrade(_Strict):
    """Azure's own upgrade of a version, as the Models API's `replacementConfig` states it (each field only when
    Azure returned it): when upgrades of OnceNewDefaultVersionAvailable deployments start, and how many days
    before the version's retirement OnceCurrentVersionExpired deployments are upgraded."""

    start: CatalogDate | None = Field(
        default=None, description="autoUpgradeStartDate: applies to OnceNewDefaultVersionAvailable deployments"
    )
    expiry_lead_days: Annotated[int, Field(ge=0, le=3650, strict=True)] | None = Field(
        default=None,
        alias="expiryLeadDays",
        description="upgradeOnExpiryLeadTimeDays: applies to OnceCurrentVersionExpired deployments",
    )
    source: str = Field(min_length=3)
    as_of: CatalogDate = Field(alias="asOf")


class VersionEntry(_Strict):
    """The lifecycle of one model version: its stated status, the dates that change it, and what replaces it.

    Statuses follow the docs: Deprecated = no new deployments (an existing customer still can), Retired =
    no longer served. The Models API spells these `Deprecating` and `Deprecated`; catalog sync translates.
    """

    status: LifecycleStatus
    deprecation: CatalogDate | None = Field(default=None, description="first day new deployments are refused")
    retirement: CatalogDate | None = Field(default=None, description="first day the version is no longer served")
    replacement: str | None = None
    retirement_status: Literal["Planned", "Tentative"] | None = Field(
        default=None,
        alias="retirementStatus",
        description="the Models API's deprecation.deprecationStatus: a confirmed (Planned) or estimated date",
    )
    auto_upgrade: AutoUpgrade | None = Field(default=None, alias="autoUpgrade")
    source: str = Field(min_length=3)
    as_of: CatalogDate = Field(alias="asOf")
    unverified: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates_in_order(self) -> VersionEntry:
        if self.deprecation and self.retirement and self.deprecation > self.retirement:
            raise ValueError(f"deprecation {self.deprecation} is after retirement {self.retirement}")
        return self

    def status_on(self, today: dt.date) -> LifecycleStatus:
        """The status on `today`: dates decide where the catalog has them, the stated status where it has none.

        A stated Retired or Deprecated status whose date is still ahead of `today` (a verdict for an earlier
        day) is `Deprecating`: announced, not yet in force.
        """
        if self.retirement is not None and today >= self.retirement:
            return "Retired"
        if self.status == "Retired" and self.retirement is None and today >= self.as_of:
            return "Retired"
        if self.deprecation is not None and today >= self.deprecation:
            return "Deprecated"
        if self.status in ("Retired", "Deprecated") and self.deprecation is None and today >= self.as_of:
            return "Deprecated"
        if self.status in ("Retired", "Deprecated"):
            return "Deprecating"
        return self.status


class OfferQuota(_Strict):
    """The quota Azure documents for one offer, in TPM: the default every subscription gets (null when it
    depends on the subscription's quota tier, or is not published) and the largest of any quota tier."""

    default_tpm: PositiveInt | None = Field(alias="defaultTpm")
    largest_tpm: PositiveInt | None = Field(alias="largestTpm")
    source: str = Field(min_length=3)
    as_of: dt.date = Field(alias="asOf")


class TypeLimit(_Strict):
    """The largest value Azure documents for a deployment type, whatever the model: quota in TPM for
    pay-per-token types, capacity per deployment in PTU for provisioned ones."""

    largest_tpm: PositiveInt | None = Field(default=None, alias="largestTpm")
    ptu_per_deployment: PositiveInt | None = Field(default=None, alias="ptuPerDeployment")
    source: str = Field(min_length=3)
    as_of: dt.date = Field(alias="asOf")


class Offer(_Strict):
    """One deployment type Azure offers for a model: where, the quota it counts against, capacity rules."""

    sku: DeploymentType
    regions: list[str] | Literal["all"] = Field(description="'all' = every region of the catalog")
    usage_name: str = Field(alias="usageName", min_length=3, description="quota usage name as Azure spells it")
    quota_scope: QuotaScope = Field(
        default="region",
        alias="quotaScope",
        description="where Azure pools this quota: per region, data zone or subscription",
    )
    minimum: PositiveInt | None = None
    step: PositiveInt | None = None
    maximum: PositiveInt | None = None
    versions: list[str] | None = Field(default=None, description="versions this offer covers (null: all)")
    quota: OfferQuota | None = Field(default=None, description="documented quota (null: none documented)")
    source: str = Field(min_length=3)
    as_of: CatalogDate = Field(alias="asOf")
    unverified: list[str] = Field(default_factory=list)

    def covers(self, version: str | None) -> bool:
        """True when the offer applies to this version (or to every version)."""
        return self.versions is None or version is None or version in self.versions

    def in_region(self, region: str) -> bool:
        """True when the offer lists this region ('all' covers every catalog region)."""
        return self.regions == "all" or region in self.regions


class Meters(_Strict):
    """Azure Retail Prices API meter names of a model's input and output tokens on one family."""

    input: str
    output: str | None = None


class Routes(_Strict):
    """The models a router version may send a prompt to, as its documentation names them."""

    models: list[str] = Field(min_length=1)
    source: str
    as_of: str = Field(alias="asOf")


class RegionDefault(_Strict):
    """The version the Models API marks `isDefaultVersion` in one region, where it is not the model's default."""

    version: str
    source: str = Field(min_length=3)
    as_of: CatalogDate = Field(alias="asOf")


class ModelEntry(_Strict):
    """Everything the catalog knows about one model."""

    format: str
    quota_family: Literal["OpenAI", "AIServices"] = Field(alias="quotaFamily")
    tpm_per_unit: PositiveInt = Field(alias="tpmPerUnit")
    registration_required: bool = Field(alias="registrationRequired")
    default_version: str = Field(alias="defaultVersion")
    region_defaults: dict[str, RegionDefault] = Field(
        default_factory=dict,
        alias="regionDefaults",
        description="regions whose default version differs from defaultVersion (the Models API lists per region)",
    )
    versions: dict[str, VersionEntry] = Field(min_length=1)
    offers: list[Offer] = Field(min_length=1)
    prices: dict[Family, TokenPrice] = Field(description="empty: unpriced (never counted as free)")
    ptu_hour: dict[Family, PtuPrice] = Field(default_factory=dict, alias="ptuHour")
    meters: dict[Family, Meters] = Field(default_factory=dict)
    routes_to: dict[str, Routes] = Field(
        default_factory=dict, alias="routesTo", description="a router's underlying models, per router version"
    )
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> ModelEntry:
        if self.default_version not in self.versions:
            raise ValueError(f"defaultVersion {self.default_version!r} is not in versions {list(self.versions)}")
        for region, default in self.region_defaults.items():
            if default.version not in self.versions:
                raise ValueError(f"regionDefaults.{region}: version {default.version!r} is not in versions")
        seen: set[tuple[str, str]] = set()
        for offer in self.offers:
            for version in offer.versions or list(self.versions):
                if version not in self.versions:
                    raise ValueError(f"offer {offer.sku} names unknown version {version!r}")
                if (offer.sku, version) in seen:
                    raise ValueError(f"offer {offer.sku} is listed twice for version {version}")
                seen.add((offer.sku, version))
            if not is_provisioned(offer.sku) and (offer.minimum or offer.step):
                raise ValueError(f"offer {offer.sku}: minimum and step are PTU rules, for provisioned types only")
            if is_provisioned(offer.sku) and (offer.minimum is None) != (offer.step is None):
                raise ValueError(f"offer {offer.sku}: give both minimum and step (or neither, marked unverified)")
            if is_provisioned(offer.sku) and offer.minimum is None and "minimum" not in offer.unverified:
                raise ValueError(f"offer {offer.sku} has no PTU minimum; mark it unverified or add it")
        return self

    def is_router(self, name: str) -> bool:
        """True for a model router: the catalog lists routed models for one of its versions, or it is named one."""
        return bool(self.routes_to) or name.lower().startswith(ROUTER_PREFIX)

    def offer(self, sku: str, version: str | None = None) -> Offer | None:
        """The offer for a deployment type (and version), or None when the model is not offered that way."""
        return next((o for o in self.offers if o.sku == sku and o.covers(version)), None)

    def version(self, version: str | None) -> VersionEntry | None:
        """The lifecycle entry of a version (the default version when None), or None when unknown."""
        return self.versions.get(self.default_version if version is None else version)

    def default_version_in(self, region: str) -> str:
        """The version Azure deploys by default in `region` (the model's default where no region differs)."""
        found = self.region_defaults.get(region)
        return found.version if found else self.default_version

    def usage_name(self, name: str, sku: str, version: str | None = None) -> str:
        """The quota usage name Azure counts this deployment against (from the offer; a guess for no offer)."""
        offer = self.offer(sku, version)
        if offer is not None:
            return offer.usage_name
        return f"{self.quota_family}.{sku}" if is_provisioned(sku) else f"{self.quota_family}.{sku}.{name}"

    def ptu_rules(self, sku: str, version: str | None = None) -> tuple[int, int] | None:
        """(minimum, step) in PTU for a provisioned offer, or None when unknown."""
        offer = self.offer(sku, version)
        if offer is None or offer.minimum is None or offer.step is None:
            return None
        return offer.minimum, offer.step


class Region(_Strict):
    """An Azure region and the data zone it belongs to (null: in no data zone)."""

    data_zone: DataZone | None = Field(alias="dataZone")


class Catalog(_Strict):
    """The whole catalog file."""

    comment: str = Field(default="", alias="$comment")
    currency: Literal["USD"]
    regions_source: str = Field(alias="regionsSource")
    meters_source: str = Field(default="", alias="metersSource")
    type_limits: dict[DeploymentType, TypeLimit] = Field(default_factory=dict, alias="typeLimits")
    regions: dict[str, Region]
    models: dict[str, ModelEntry]

    @model_validator(mode="after")
    def _regions_known(self) -> Catalog:
        for name, model in self.models.items():
            for offer in model.offers:
                for region in [] if offer.regions == "all" else offer.regions:
                    if region not in self.regions:
                        raise ValueError(f"models.{name}: offer {offer.sku} names unknown region {region!r}")
            for region in model.region_defaults:
                if region not in self.regions:
                    raise ValueError(f"models.{name}: regionDefaults names unknown region {region!r}")
        return self

    def offered_in(self, name: str, sku: str, region: str, version: str | None = None) -> bool:
        """True when the catalog says `name` (version) can be deployed as `sku` in `region`."""
        model = self.models.get(name)
        offer = model.offer(sku, version) if model else None
        return offer is not None and offer.in_region(region)

    def data_zone(self, region: str) -> str | None:
        """The data zone (EU, US) of a region, or None when it is in none or unknown."""
        entry = self.regions.get(region)
        return entry.data_zone if entry else None

    def quota_scope(self, name: str, sku: str, region: str, version: str | None = None) -> str:
        """The scope one deployment's quota is counted in: its region, `dataZone:EU|US`, or `subscription`."""
        model = self.models.get(name)
        offer = model.offer(sku, version) if model else None
        scope = offer.quota_scope if offer else None  # no offer: counted in its region, like most
        if scope == "subscription":
            return "subscription"
        if scope == "dataZone":
            return f"dataZone:{self.data_zone(region) or region}"
        return region


class CatalogError(FoundryIacError):
    """The catalog file is missing or malformed; the message names the file and the entry."""


def parse_catalog(data: object, origin: str = str(CATALOG_PATH)) -> Catalog:
    """Validate catalog data (as loaded from JSON) into a Catalog, or raise CatalogError."""
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogError(f"{origin}: {where}: {first['msg']} (fix the catalog entry)") from None


def check_catalog_bytes(data: bytes, origin: str = str(CATALOG_PATH)) -> Catalog:
    """Validate catalog file bytes as `load_catalog` reads them (size, UTF-8, strict JSON, the schema), or raise
    CatalogError: a sync checks what it is about to write, so it never writes a catalog no command can load."""
    try:
        data_read = loads_strict_json(decode_input(data, origin, "model catalog", MAX_CATALOG_BYTES), origin)
    except InputFileError as exc:
        raise CatalogError(exc.lines()) from None
    return parse_catalog(data_read, origin)


@functools.cache
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Load and validate the catalog file once per process."""
    try:
        data = read_strict_json(path, str(path), "model catalog", MAX_CATALOG_BYTES)
    except InputFileError as exc:
        raise CatalogError(exc.lines()) from None
    return parse_catalog(data, str(path))
