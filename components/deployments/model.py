"""The config of a model deployment: model, version, type, capacity, expected tokens, filter, spillover."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..catalog import DeploymentType, load_catalog
from ..config.fields import CHILD_NAME_PATTERN, ConfigModel, catalog_enum, custom_error, suggest, then
from ..refs import unresolved
from ..text import short

PositiveInt = Annotated[int, Field(strict=True, gt=0)]
INT32_MAX = 2**31 - 1  # ARM's sku.capacity is an int32
Count = Annotated[int, Field(strict=True, ge=0)]


class MonthlyTokens(ConfigModel):
    """Tokens a deployment is expected to process per month; feeds the expected cost."""

    input: Count = 0
    output: Count = 0


class DeploymentConfig(ConfigModel):
    """One model deployment under an account."""

    name: str | None = Field(
        default=None,
        pattern=CHILD_NAME_PATTERN,
        description="Deployment name (2-64 letters, digits, '_', '.', '-'); defaults to the model name.",
    )
    model: str = Field(
        description="Model name from the catalog, e.g. gpt-5.1, grok-4-1-fast-reasoning, DeepSeek-V3.2.",
        json_schema_extra=catalog_enum("models"),
    )
    version: str | None = Field(
        default=None, description="Model version; pin it (the model-version-pinned policy requires it)."
    )
    type: DeploymentType = Field(description="Deployment type (sku.name): where prompts are processed.")
    capacity: PositiveInt = Field(
        le=INT32_MAX,
        description="Capacity units: 1 = 1,000 TPM for pay-per-token types, PTU for provisioned ones.",
    )
    monthly_tokens: MonthlyTokens = Field(default_factory=MonthlyTokens, alias="monthlyTokens")
    content_filter: str | None = Field(
        default="Microsoft.DefaultV2", alias="contentFilter", description="RAI policy name (raiPolicyName)."
    )
    version_upgrade: Literal["NoAutoUpgrade", "OnceCurrentVersionExpired", "OnceNewDefaultVersionAvailable"] = Field(
        default="NoAutoUpgrade", alias="versionUpgrade"
    )
    spillover_to: str | None = Field(
        default=None,
        alias="spilloverTo",
        description="Provisioned deployments only: the pay-per-token deployment (same model and version, same "
        "account) that takes the traffic when this one is full (spilloverDeploymentName).",
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # YAML reads `version: 1` as a number; a model version is text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        names = sorted(load_catalog().models)
        if value not in names:
            where = "the models are listed in components/catalog.json"
            raise custom_error("unknown_model", f"unknown model {short(value)}{then(suggest(value, names), where)}")
        return value

    @model_validator(mode="after")
    def _known_version(self) -> DeploymentConfig:
        versions = load_catalog().models[self.model].versions
        if self.version is not None and self.version not in versions:
            fix = "pin a version the catalog lists, or run `foundry-iac catalog sync` to learn new ones"
            problem = unresolved(self.version, list(versions), f"version of {self.model}", fix)
            raise custom_error("unknown_version", str(problem), at=("version",))
        return self

    @model_validator(mode="after")
    def _within_offer_maximum(self) -> DeploymentConfig:
        offer = load_catalog().models[self.model].offer(self.type, self.version)
        if offer is not None and offer.maximum is not None and self.capacity > offer.maximum:
            raise custom_error(
                "capacity_maximum",
                f"capacity {self.capacity} is above the {offer.maximum} units {self.model} takes on {self.type} "
                f"(catalog, {offer.source}); lower it or split it over deployments",
                at=("capacity",),
            )
        return self

    @property
    def deployment_name(self) -> str:
        """The Azure deployment name."""
        return self.name or self.model
