"""The typed stack config: what a platform engineer writes under `foundry-iac:` in a stack file.

Structure only, plus checks against the model catalog and the built-in roles; whether a deployment is
*allowed* (residency, cost, quota) is the policy pack's job, so that it can be waived. The root model
composes the feature models (components/<feature>/model.py) and checks what spans them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..account.model import AccountConfig
from ..budget.model import BudgetAlerts
from ..catalog import load_catalog
from ..config.fields import (
    RG_NAME_PATTERN,
    UUID_PATTERN,
    ConfigModel,
    catalog_enum,
    checked_tags,
    custom_error,
    known_region,
    suggest,
    unique_names,
)
from ..config.limits import (
    FOUNDRY_LIMITS,
    MAX_ACCOUNTS_PER_REGION,
    MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
    RBAC_LIMITS,
    first_beyond_budget,
    over_budget,
    too_many,
)
from ..defender.model import DefenderConfig
from ..dns_zones import AGENT_DNS_ZONES
from ..monitoring.model import AlertsConfig
from ..network.model import PrivateDnsConfig
from ..tags import MAX_TAGS, SYSTEM_TAG_COUNT
from ..text import short


class StackConfig(ConfigModel):
    """The whole `foundry-iac:` config of one stack (plus `azure-native:subscriptionId` and `:location`)."""

    subscription_id: str = Field(
        alias="subscriptionId", pattern=UUID_PATTERN, description="Azure subscription id (azure-native:subscriptionId)."
    )
    location: str = Field(
        description="Default Azure region (azure-native:location).", json_schema_extra=catalog_enum("regions")
    )
    environment: Literal["production", "nonproduction"] = Field(
        description="production: accounts are protected, private by default."
    )
    residency: str = Field(
        default="none",
        description="Where inference may be processed: none, EU, US, or one region name.",
        json_schema_extra={"enum": ["none", "EU", "US", *catalog_enum("regions")["enum"]]},
    )
    resource_group: str | None = Field(default=None, alias="resourceGroup", pattern=RG_NAME_PATTERN)
    tags: dict[str, str] = Field(default_factory=dict)
    monthly_budget_usd: float | None = Field(
        default=None,
        alias="monthlyBudgetUsd",
        gt=0,
        le=1e9,
        allow_inf_nan=False,
        description="The stack's monthly budget in USD, checked by cost-budget; the policy config's maxBudgetUsd "
        "caps it.",
    )

    budget_alerts: BudgetAlerts | None = Field(
        default=None,
        alias="budgetAlerts",
        description="Who the budget notifies and when; required in production when monthlyBudgetUsd is set.",
    )

    alerts: AlertsConfig | None = Field(
        default=None,
        description="Metric alerts (throttling, PTU utilization, server errors) on each account with deployments.",
    )

    defender: DefenderConfig | None = Field(
        default=None,
        description="Microsoft Defender for Cloud plans of the stack's subscription: `{ai: true}` turns on the "
        "Defender for AI services plan (checked by defender-for-ai).",
    )

    _stack_tags = field_validator("tags")(lambda cls, value: checked_tags(value))
    private_dns: PrivateDnsConfig | None = Field(default=None, alias="privateDns")
    accounts: list[AccountConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _within_azure_limits(self) -> StackConfig:
        per_region: dict[str, int] = {}
        assignments = 0
        for index, account in enumerate(self.accounts):
            region = account.location or self.location
            per_region[region] = per_region.get(region, 0) + 1
            if per_region[region] > MAX_ACCOUNTS_PER_REGION:
                count = sum(1 for a in self.accounts if (a.location or self.location) == region)
                raise custom_error(
                    "too_many_accounts",
                    too_many(
                        count,
                        MAX_ACCOUNTS_PER_REGION,
                        "accounts",
                        f"in {region}",
                        FOUNDRY_LIMITS,
                        "use fewer accounts (each holds up to 32 deployments) or another region",
                    ),
                    at=("accounts", index),
                )
            for p_index, project in enumerate(account.projects):
                if assignments + len(project.members) > MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION:
                    total = sum(len(p.members) for a in self.accounts for p in a.projects)
                    first = MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION - assignments
                    raise custom_error(
                        "too_many_role_assignments",
                        too_many(
                            total,
                            MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
                            "members (one role assignment each)",
                            "in this stack",
                            f"{RBAC_LIMITS}: role assignments per subscription",
                            "assign roles to Entra groups instead of to each person",
                        ),
                        at=("accounts", index, "projects", p_index, "members", first),
                    )
                assignments += len(project.members)
        return self

    @model_validator(mode="after")
    def _endpoints_have_zones(self) -> StackConfig:
        for index, account in enumerate(self.accounts):
            endpoint = account.private_endpoint
            if endpoint is not None and endpoint.dns_zone_ids is None and self.private_dns is None:
                raise custom_error(
                    "no_dns_zones",
                    "the private endpoint has no DNS zones: add dnsZoneIds (existing hub zones) or "
                    "foundry-iac:privateDns (create them)",
                    at=("accounts", index, "privateEndpoint"),
                )
        return self

    @model_validator(mode="after")
    def _agent_rules(self) -> StackConfig:
        for index, account in enumerate(self.accounts):
            at = ("accounts", index)
            injected = account.agent_network
            if injected is not None and account.public(self.production) and not injected.public_access_justification:
                raise custom_error(
                    "agent_subnet_public",
                    "the agents are injected into a subnet but the account keeps public network access: set "
                    "`network: {publicAccess: false}`, or give agentNetwork.publicAccessJustification",
                    at=(*at, "agentNetwork"),
                )
            endpoint = account.private_endpoint
            private = endpoint is not None and not account.public(self.production)
            zones = endpoint.dns_zone_ids if endpoint is not None else None
            if private and account.has_agents and zones is not None:
                missing = [zone for zone in AGENT_DNS_ZONES if zone not in zones]
                if missing:
                    raise custom_error(
                        "agent_dns_zones",
                        f"the agents' Cosmos DB, Storage and Search get private endpoints too: add "
                        f"{', '.join(missing)} to dnsZoneIds",
                        at=(*at, "privateEndpoint", "dnsZoneIds"),
                    )
            for p_index, project in enumerate(account.projects):
                cosmos = project.agents.cosmos_db if project.agents else None
                if cosmos is not None and f"/subscriptions/{self.subscription_id.lower()}/" not in cosmos.id.lower():
                    raise custom_error(
                        "agent_cosmos_subscription",
                        "the Cosmos DB account must be in the stack's subscription (azure-native:subscriptionId): "
                        "its data-plane role assignment is written through the stack's provider; move the "
                        "project to a stack of that subscription",
                        at=(*at, "projects", p_index, "agents", "cosmosDb", "id"),
                    )
        return self

    @model_validator(mode="after")
    def _budget_reaches_someone(self) -> StackConfig:
        if self.budget_alerts is not None and self.monthly_budget_usd is None:
            raise custom_error(
                "alerts_without_budget",
                "budgetAlerts without foundry-iac:monthlyBudgetUsd: set the budget, or remove budgetAlerts",
                at=("budgetAlerts",),
            )
        if self.production and self.monthly_budget_usd is not None:
            if self.budget_alerts is None or not self.budget_alerts.has_contacts:
                raise custom_error(
                    "budget_without_contacts",
                    "a production budget must notify someone: add foundry-iac:budgetAlerts with contactEmails "
                    "or actionGroupId",
                    at=("budgetAlerts",) if self.budget_alerts is not None else ("monthlyBudgetUsd",),
                )
        return self

    @model_validator(mode="after")
    def _tag_count(self) -> StackConfig:
        for index, account in enumerate(self.accounts):
            count = len({*self.tags, *account.tags}) + SYSTEM_TAG_COUNT
            if count > MAX_TAGS:
                raise custom_error(
                    "too_many_tags",
                    f"the account would carry {count} tags (the stack's, its own and foundry-iac's "
                    f"{SYSTEM_TAG_COUNT}); Azure takes at most {MAX_TAGS}: drop some",
                    at=("accounts", index, "tags"),
                )
        return self

    @model_validator(mode="after")
    def _within_foundry_iac_budget(self) -> StackConfig:
        # Last of the checks: it counts what the program registers, so the config must be whole first.
        beyond = first_beyond_budget(self)
        if beyond is not None:
            count, at = beyond
            raise custom_error("too_many_resources", over_budget(count), at=at)
        return self

    @field_validator("location")
    @classmethod
    def _known_location(cls, value: str) -> str:
        return known_region(value)

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
            f"must be none, EU, US or a region name (got {short(value)})"
            + suggest(value, ["none", "EU", "US", *regions]),
        )

    @field_validator("accounts")
    @classmethod
    def _unique_accounts(cls, value: list[AccountConfig]) -> list[AccountConfig]:
        return unique_names(value, "name", "account")

    @property
    def production(self) -> bool:
        """True for production stacks."""
        return self.environment == "production"
