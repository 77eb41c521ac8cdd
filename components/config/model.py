"""The typed stack config: what a platform engineer writes under `foundry-iac:` in a stack file.

Structure only, plus checks against the model catalog and the built-in roles; whether a deployment is
*allowed* (residency, cost, quota) is the policy pack's job, so that it can be waived.
"""

from __future__ import annotations

import difflib
import ipaddress
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ..catalog import DeploymentType, load_catalog
from ..roles import BUILTIN_ROLES

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ACCOUNT_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9-]{1,63}$"
CHILD_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$"
RG_NAME_PATTERN = r"^[-\w._()]{1,89}[-\w_()]$"

PositiveInt = Annotated[int, Field(strict=True, gt=0)]
Count = Annotated[int, Field(strict=True, ge=0)]


def then(hint: str, tail: str) -> str:
    """Join a suggestion and a further remark: '; did you mean X? Tail' or '; tail'."""
    return f"{hint} {tail[0].upper()}{tail[1:]}" if hint else f"; {tail}"


def suggest(word: str, choices: list[str]) -> str:
    """A ' did you mean ...?' hint for a misspelt word, or ''."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.lower() == word.lower()]
    return f"; did you mean {close[0]!r}?" if close else ""


def _catalog_enum(kind: str) -> dict:
    """JSON Schema enum of catalog model or region names, so editors can complete them."""
    catalog = load_catalog()
    return {"enum": sorted(catalog.models if kind == "models" else catalog.regions)}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, validate_default=False)


def custom_error(kind: str, message: str, **ctx: object) -> PydanticCustomError:
    """A validation error whose message is already formatted (braces escaped for pydantic)."""
    return PydanticCustomError(kind, message.replace("{", "{{").replace("}", "}}"), ctx or None)


def _unique(items: list, attr: str, what: str) -> list:
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


class MonthlyTokens(_Model):
    """Tokens a deployment is expected to process per month; feeds the expected cost."""

    input: Count = 0
    output: Count = 0


class DeploymentConfig(_Model):
    """One model deployment under an account."""

    name: str | None = Field(
        default=None,
        pattern=CHILD_NAME_PATTERN,
        description="Deployment name (2-64 letters, digits, '_', '.', '-'); defaults to the model name.",
    )
    model: str = Field(
        description="Model name from the catalog, e.g. gpt-4o, grok-3, DeepSeek-R1.",
        json_schema_extra=_catalog_enum("models"),
    )
    version: str | None = Field(
        default=None, description="Model version; pin it (the model-version-pinned policy requires it)."
    )
    type: DeploymentType = Field(description="Deployment type (sku.name): where prompts are processed.")
    capacity: PositiveInt = Field(
        description="Capacity units: 1 = 1,000 TPM for pay-per-token types, PTU for provisioned ones."
    )
    monthly_tokens: MonthlyTokens = Field(default_factory=MonthlyTokens, alias="monthlyTokens")
    content_filter: str | None = Field(
        default="Microsoft.DefaultV2", alias="contentFilter", description="RAI policy name (raiPolicyName)."
    )
    version_upgrade: Literal["NoAutoUpgrade", "OnceCurrentVersionExpired", "OnceNewDefaultVersionAvailable"] = Field(
        default="NoAutoUpgrade", alias="versionUpgrade"
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
            raise custom_error(
                "unknown_model",
                f"unknown model {value!r}{then(suggest(value, names), 'catalog models: ' + ', '.join(names))}",
            )
        return value

    @property
    def deployment_name(self) -> str:
        """The Azure deployment name."""
        return self.name or self.model


class Member(_Model):
    """A principal given a built-in role on a project."""

    principal_id: str = Field(alias="principalId", pattern=UUID_PATTERN, description="Entra object id (a GUID).")
    role: str = Field(
        description="Built-in role name, e.g. 'Azure AI User'.", json_schema_extra={"enum": sorted(BUILTIN_ROLES)}
    )
    principal_type: Literal["User", "Group", "ServicePrincipal"] = Field(default="Group", alias="principalType")

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value not in BUILTIN_ROLES:
            names = sorted(BUILTIN_ROLES)
            raise custom_error(
                "unknown_role",
                f"unknown role {value!r}{then(suggest(value, names), 'built-in roles: ' + ', '.join(names))}",
            )
        return value


class ProjectConfig(_Model):
    """A Foundry project under an account."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="Project name (2-64 letters, digits, '_', '.', '-').")
    display_name: str | None = Field(default=None, alias="displayName")
    description: str | None = None
    members: list[Member] = Field(default_factory=list)


class NetworkConfig(_Model):
    """Network exposure of an account."""

    public_access: bool | None = Field(
        default=None,
        alias="publicAccess",
        description="publicNetworkAccess Enabled (true) or Disabled (false); defaults to false in production.",
    )
    default_action: Literal["Allow", "Deny"] | None = Field(
        default=None, alias="defaultAction", description="networkAcls.defaultAction; Deny when ipRules are given."
    )
    ip_rules: list[str] = Field(default_factory=list, alias="ipRules", description="IPv4 addresses or CIDR ranges.")
    bypass: Literal["AzureServices", "None"] = "AzureServices"

    @field_validator("ip_rules")
    @classmethod
    def _ip_rules(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise custom_error(
                    "bad_ip_rule", f"{value!r} is not an IPv4 address or CIDR range (e.g. 203.0.113.0/24)", index=index
                ) from None
        return values


class AccountConfig(_Model):
    """A Foundry resource (Cognitive Services account of kind AIServices) and what lives in it."""

    name: str = Field(pattern=ACCOUNT_NAME_PATTERN, description="Account name (2-64 letters, digits, '-').")
    location: str | None = Field(
        default=None,
        description="Azure region; defaults to the stack's location.",
        json_schema_extra=_catalog_enum("regions"),
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    local_auth: bool = Field(default=False, alias="localAuth", description="Allow API keys (disableLocalAuth false).")
    identity: Literal["SystemAssigned", "None"] = Field(default="SystemAssigned")
    restore: bool = Field(default=False, description="Set once to recover a soft-deleted account of the same name.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags added to the stack's tags.")
    projects: list[ProjectConfig] = Field(default_factory=list)
    deployments: list[DeploymentConfig] = Field(default_factory=list)

    @field_validator("projects")
    @classmethod
    def _unique_projects(cls, value: list[ProjectConfig]) -> list[ProjectConfig]:
        return _unique(value, "name", "project")

    @field_validator("deployments")
    @classmethod
    def _unique_deployments(cls, value: list[DeploymentConfig]) -> list[DeploymentConfig]:
        return _unique(value, "deployment_name", "deployment")

    @field_validator("location")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return None if value is None else _region(value)


def _region(value: str) -> str:
    regions = sorted(load_catalog().regions)
    if value not in regions:
        raise custom_error(
            "unknown_region",
            f"unknown region {value!r}{suggest(value, regions) or '; use an Azure region name such as swedencentral'}",
        )
    return value


class StackConfig(_Model):
    """The whole `foundry-iac:` config of one stack (plus `azure-native:subscriptionId` and `:location`)."""

    subscription_id: str = Field(
        alias="subscriptionId", pattern=UUID_PATTERN, description="Azure subscription id (azure-native:subscriptionId)."
    )
    location: str = Field(
        description="Default Azure region (azure-native:location).", json_schema_extra=_catalog_enum("regions")
    )
    environment: Literal["production", "nonproduction"] = Field(
        description="production: accounts are protected, private by default."
    )
    residency: str = Field(
        default="none",
        description="Where inference may be processed: none, EU, US, or one region name.",
        json_schema_extra={"enum": ["none", "EU", "US", *_catalog_enum("regions")["enum"]]},
    )
    resource_group: str | None = Field(default=None, alias="resourceGroup", pattern=RG_NAME_PATTERN)
    tags: dict[str, str] = Field(default_factory=dict)
    monthly_budget_usd: float | None = Field(default=None, alias="monthlyBudgetUsd", gt=0)
    accounts: list[AccountConfig] = Field(min_length=1)

    @field_validator("location")
    @classmethod
    def _known_location(cls, value: str) -> str:
        return _region(value)

    @field_validator("residency")
    @classmethod
    def _boundary(cls, value: str) -> str:
        if value in ("none", "EU", "US"):
            return value
        regions = sorted(load_catalog().regions)
        if value in regions:
            return value
        raise custom_error(
            "bad_residency",
            f"must be none, EU, US or a region name (got {value!r}){suggest(value, ['none', 'EU', 'US', *regions])}",
        )

    @field_validator("accounts")
    @classmethod
    def _unique_accounts(cls, value: list[AccountConfig]) -> list[AccountConfig]:
        return _unique(value, "name", "account")

    @property
    def production(self) -> bool:
        """True for production stacks."""
        return self.environment == "production"
