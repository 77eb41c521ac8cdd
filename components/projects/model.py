"""The config of a Foundry project: its members (built-in roles), connections and agents block."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, JsonValue, field_validator, model_validator

from ..agents.model import AgentsConfig, agent_connection_name
from ..config.fields import (
    CHILD_NAME_PATTERN,
    SEARCH_ID,
    STORAGE_ID,
    UUID_PATTERN,
    ConfigModel,
    custom_error,
    suggest,
    then,
    unique_names,
)
from ..roles import BUILTIN_ROLES, CURRENT_ROLES, NOT_OFFERED, PREVIOUS_NAMES
from ..text import short

DESCRIPTION_MAX = 1024


class Member(ConfigModel):
    """A principal given a built-in role on a project."""

    principal_id: str = Field(alias="principalId", pattern=UUID_PATTERN, description="Entra object id (a GUID).")
    role: str = Field(
        description="Built-in role name, e.g. 'Foundry User' (the previous names, e.g. 'Azure AI User', are accepted).",
        json_schema_extra={
            "anyOf": [
                {"enum": list[JsonValue](sorted(CURRENT_ROLES))},
                {
                    "enum": list[JsonValue](sorted(PREVIOUS_NAMES)),
                    "deprecated": True,
                    "description": "Previous name of a Foundry role (renamed in 2026, same role id): "
                    + "; ".join(f"{old} is now {new}" for old, new in sorted(PREVIOUS_NAMES.items())),
                },
            ]
        },
    )
    principal_type: Literal["User", "Group", "ServicePrincipal"] = Field(default="Group", alias="principalType")

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        if value in NOT_OFFERED:
            raise custom_error("unknown_role", f"role {short(value)} is not offered: {NOT_OFFERED[value]}")
        if value not in BUILTIN_ROLES:
            names = sorted(CURRENT_ROLES)
            raise custom_error(
                "unknown_role",
                f"unknown role {short(value)}"
                f"{then(suggest(value, sorted(BUILTIN_ROLES)), 'built-in roles: ' + ', '.join(names))}",
            )
        return value

    @property
    def role_id(self) -> str:
        """The role definition's GUID (the same under a role's current and previous name)."""
        return BUILTIN_ROLES[self.role]


class ConnectionConfig(ConfigModel):
    """A project connection to Azure AI Search or Storage, authenticated with Entra ID (no keys)."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="Connection name (2-64 letters, digits, '_', '.', '-').")
    kind: Literal["AzureAISearch", "AzureBlobStorage"]
    resource_id: str = Field(alias="resourceId", description="ARM id of the search service or storage account.")
    target: str = Field(
        pattern=r"^https://[-\w.]+(:\d+)?(/[-\w./]*)?$",
        description="Endpoint, e.g. https://srch-x.search.windows.net or https://st.blob.core.windows.net/",
    )

    @model_validator(mode="after")
    def _resource_matches_kind(self) -> ConnectionConfig:
        pattern = SEARCH_ID if self.kind == "AzureAISearch" else STORAGE_ID
        if not re.match(pattern, self.resource_id):
            what = (
                "a Microsoft.Search/searchServices id"
                if self.kind == "AzureAISearch"
                else "a Microsoft.Storage/storageAccounts id"
            )
            raise custom_error("bad_connection", f"resourceId must be {what} for kind {self.kind}", at=("resourceId",))
        return self


class ProjectConfig(ConfigModel):
    """A Foundry project under an account."""

    name: str = Field(pattern=CHILD_NAME_PATTERN, description="Project name (2-64 letters, digits, '_', '.', '-').")
    display_name: str | None = Field(default=None, alias="displayName", max_length=256)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    members: list[Member] = Field(default_factory=list)
    connections: list[ConnectionConfig] = Field(default_factory=list)
    agents: AgentsConfig | None = Field(default=None, description="Agent Service standard setup of this project.")

    @field_validator("members")
    @classmethod
    def _one_grant_per_role(cls, value: list[Member]) -> list[Member]:
        # A role's two names share one id, so both would be one role assignment (one deterministic name).
        seen: dict[tuple[str, str], int] = {}
        for index, member in enumerate(value):
            key = (member.principal_id.lower(), member.role_id)
            if key in seen:
                first = value[seen[key]].role
                same = "" if first == member.role else f" ({member.role!r} is the same role, renamed in 2026)"
                raise custom_error(
                    "duplicate_member",
                    f"principal {member.principal_id} already has {first!r} at index {seen[key]}{same}; list it once",
                    index=index,
                )
            seen[key] = index
        return value

    @model_validator(mode="after")
    def _agent_connection_names(self) -> ProjectConfig:
        if self.agents is None:
            return self
        mine = {c.name.lower(): index for index, c in enumerate(self.connections)}
        for key, resource in self.agents.resources().items():
            name = agent_connection_name(resource.id)
            if name.lower() in mine:
                raise custom_error(
                    "agent_connection_clash",
                    f"connection {name!r} is also the name of the agents' {key} connection (named after the "
                    "resource); rename the connection",
                    at=("connections", mine[name.lower()], "name"),
                )
        return self

    @field_validator("connections")
    @classmethod
    def _unique_connections(cls, value: list[ConnectionConfig]) -> list[ConnectionConfig]:
        return unique_names(value, "name", "connection")
