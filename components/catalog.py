"""The model catalog: one JSON data file (catalog.json), validated on load.

It says, for every model foundry-iac can deploy, its format, versions, which deployment types Azure
offers for it (and where), its quota usage names, capacity rules and prices, each price with the
source and date it came from. Policies, the cost model and the quota ledger read only this file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TokenPrice(_Strict):
    """USD per 1M tokens for one deployment family, with where and when it was read."""

    input: float = Field(ge=0)
    output: float | None = Field(default=None, ge=0, description="null for embedding models")
    source: str = Field(min_length=3)
    as_of: dt.date = Field(alias="asOf")


class PtuPrice(_Strict):
    """USD per PTU-hour for one deployment family, with where and when it was read."""

    usd_per_ptu_hour: float = Field(alias="usdPerPtuHour", gt=0)
    source: str = Field(min_length=3)
    as_of: dt.date = Field(alias="asOf")


class Provisioned(_Strict):
    """Capacity rules and hourly prices of a model's provisioned deployment types."""

    minimum: PositiveInt
    step: PositiveInt
    regional_minimum: PositiveInt | None = Field(default=None, alias="regionalMinimum")
    regional_step: PositiveInt | None = Field(default=None, alias="regionalStep")
    ptu_hour: dict[Family, PtuPrice] = Field(alias="ptuHour")

    def rules_for(self, sku: str) -> tuple[int, int]:
        """(minimum, step) in PTU for a provisioned deployment type."""
        if deployment_family(sku) == "regional" and self.regional_minimum:
            return self.regional_minimum, self.regional_step or self.step
        return self.minimum, self.step


class Offer(_Strict):
    """One deployment type Azure offers for a model; `regions` null means every catalog region."""

    sku: DeploymentType
    regions: list[str] | None = None


class Meters(_Strict):
    """Azure Retail Prices API meter names of a model's input and output tokens on one family."""

    input: str
    output: str | None = None


class ModelEntry(_Strict):
    """Everything the catalog knows about one model."""

    format: str
    versions: list[str] = Field(min_length=1)
    default_version: str = Field(alias="defaultVersion")
    quota_family: Literal["OpenAI", "AIServices"] = Field(alias="quotaFamily")
    tpm_per_unit: PositiveInt = Field(alias="tpmPerUnit")
    registration_required: bool = Field(alias="registrationRequired")
    offers: list[Offer] = Field(min_length=1)
    default_quota_tpm: PositiveInt | None = Field(alias="defaultQuotaTpm")
    prices: dict[Family, TokenPrice]
    provisioned: Provisioned | None = None
    meters: dict[Family, Meters] = Field(default_factory=dict)
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> ModelEntry:
        if self.default_version not in self.versions:
            raise ValueError(f"defaultVersion {self.default_version!r} is not in versions {self.versions}")
        skus = [o.sku for o in self.offers]
        if len(skus) != len(set(skus)):
            raise ValueError(f"an offer is listed twice: {skus}")
        for sku in skus:
            if is_provisioned(sku):
                if self.provisioned is None:
                    raise ValueError(f"offers {sku} but has no 'provisioned' rules and PTU prices")
                if deployment_family(sku) not in self.provisioned.ptu_hour:
                    raise ValueError(f"offers {sku} but has no {deployment_family(sku)} PTU-hour price")
            elif deployment_family(sku) not in self.prices and not sku.endswith("Batch"):
                raise ValueError(f"offers {sku} but has no {deployment_family(sku)} token price")
        return self

    def offer(self, sku: str) -> Offer | None:
        """The offer for a deployment type, or None when the model is not offered that way."""
        return next((o for o in self.offers if o.sku == sku), None)

    def usage_name(self, name: str, sku: str) -> str:
        """The quota usage name Azure counts this deployment against (e.g. OpenAI.GlobalStandard.gpt-4o)."""
        return f"{self.quota_family}.{sku}.{name}"


class Region(_Strict):
    """An Azure region and the data zone it belongs to (null: in no data zone)."""

    data_zone: DataZone | None = Field(alias="dataZone")


class Catalog(_Strict):
    """The whole catalog file."""

    comment: str = Field(default="", alias="$comment")
    currency: Literal["USD"]
    regions_source: str = Field(alias="regionsSource")
    meters_source: str = Field(default="", alias="metersSource")
    regions: dict[str, Region]
    models: dict[str, ModelEntry]

    @model_validator(mode="after")
    def _regions_known(self) -> Catalog:
        for name, model in self.models.items():
            for offer in model.offers:
                for region in offer.regions or []:
                    if region not in self.regions:
                        raise ValueError(f"models.{name}: offer {offer.sku} names unknown region {region!r}")
        return self

    def model(self, name: str) -> ModelEntry | None:
        """The entry of a model by its Azure model name, or None."""
        return self.models.get(name)

    def offered_in(self, name: str, sku: str, region: str) -> bool:
        """True when the catalog says `name` can be deployed as `sku` in `region`."""
        model = self.models.get(name)
        offer = model.offer(sku) if model else None
        if offer is None:
            return False
        return offer.regions is None or region in offer.regions

    def data_zone(self, region: str) -> str | None:
        """The data zone (EU, US) of a region, or None when it is in none or unknown."""
        entry = self.regions.get(region)
        return entry.data_zone if entry else None


class CatalogError(Exception):
    """The catalog file is missing or malformed; the message names the file and the entry."""


def parse_catalog(data: object, origin: str = str(CATALOG_PATH)) -> Catalog:
    """Validate catalog data (as loaded from JSON) into a Catalog, or raise CatalogError."""
    try:
        return Catalog.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogError(f"{origin}: {where}: {first['msg']} (fix the catalog entry)") from None


@functools.cache
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Load and validate the catalog file once per process."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the model catalog: {exc}") from None
    return parse_catalog(data, str(path))
