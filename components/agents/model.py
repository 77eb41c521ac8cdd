"""The config of the Agent Service standard setup: the customer's own Cosmos DB, Storage and Search, and
the subnet the agent runtime is injected into."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from ..config.fields import (
    COSMOS_ID,
    SEARCH_ID,
    STORAGE_ID,
    SUBNET_ID,
    ConfigModel,
    catalog_enum,
    custom_error,
    known_region,
)
from ..text import short

_AGENT_IDS = {"cosmosDb": COSMOS_ID, "storage": STORAGE_ID, "search": SEARCH_ID}
_AGENT_KINDS = {
    "cosmosDb": "a Microsoft.DocumentDB/databaseAccounts id",
    "storage": "a Microsoft.Storage/storageAccounts id",
    "search": "a Microsoft.Search/searchServices id",
}


class AgentResource(ConfigModel):
    """An existing resource agents keep their data in (referenced, never created or priced), and its region."""

    id: str = Field(description="ARM id of the existing resource.")
    location: str = Field(
        description="The region the resource is in (the connection's metadata; judged by agent-byo-resources).",
        json_schema_extra=catalog_enum("regions"),
    )

    _known_location = field_validator("location")(lambda cls, value: known_region(value))


class AgentsConfig(ConfigModel):
    """Foundry Agent Service standard setup: the project's agents keep threads, files and vector stores in the
    customer's own Cosmos DB, Storage account and AI Search service, reached with the project's identity."""

    cosmos_db: AgentResource | None = Field(
        default=None, alias="cosmosDb", description="Azure Cosmos DB for NoSQL account: thread storage."
    )
    storage: AgentResource | None = Field(default=None, description="Storage account: files the agents upload.")
    search: AgentResource | None = Field(default=None, description="Azure AI Search service: vector stores.")
    role_wait_seconds: int = Field(
        default=60,
        alias="roleWaitSeconds",
        strict=True,
        ge=0,
        le=900,
        description="Seconds `pulumi up` waits after the project identity's role assignments before it creates the "
        "capability host (Azure RBAC propagates in minutes).",
    )

    @model_validator(mode="after")
    def _ids_match_kinds(self) -> AgentsConfig:
        named = self.resources()
        if not named:
            raise custom_error(
                "agents_empty", "an agents block names its cosmosDb, storage and search resources (by ARM id)"
            )
        seen: dict[str, str] = {}
        for key, resource in named.items():
            if not re.match(_AGENT_IDS[key], resource.id):
                raise custom_error(
                    "bad_agent_resource", f"id must be {_AGENT_KINDS[key]}, not {short(resource.id)}", at=(key, "id")
                )
            name = agent_connection_name(resource.id).lower()
            if name in seen:
                raise custom_error(
                    "agent_name_clash",
                    f"{key} has the same name as {seen[name]}; each connection is named after its resource, so "
                    "the three need different names",
                    at=(key, "id"),
                )
            seen[name] = key
        return self

    def resources(self) -> dict[str, AgentResource]:
        """The resources named, by key (cosmosDb, storage, search), in that order."""
        found = {"cosmosDb": self.cosmos_db, "storage": self.storage, "search": self.search}
        return {key: value for key, value in found.items() if value is not None}


class AgentNetworkConfig(ConfigModel):
    """Agent network injection: the account's agent runtime runs in a dedicated subnet of the customer's VNet."""

    subnet_id: str = Field(
        alias="subnetId",
        pattern=SUBNET_ID,
        description="ARM id of an existing subnet delegated to Microsoft.App/environments and used by nothing else.",
    )
    public_access_justification: str | None = Field(
        default=None,
        alias="publicAccessJustification",
        min_length=10,
        max_length=500,
        description="Why the account keeps public network access although its agents are injected into a VNet.",
    )


def agent_connection_name(resource_id: str) -> str:
    """The project connection to an agent resource is named after the resource, as Microsoft's templates do."""
    return resource_id.rstrip("/").rsplit("/", 1)[-1]
