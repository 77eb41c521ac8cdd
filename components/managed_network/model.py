"""The config of an account's managed network: its isolation mode, firewall SKU and outbound rules.

What each value may be comes from Azure's published types for `Microsoft.CognitiveServices/accounts/
managedNetworks` and `.../outboundRules` at 2026-01-15-preview (docs/reference/managed-network.md).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..catalog import load_catalog
from ..config.fields import ConfigModel, custom_error, suggest
from ..text import short

# Rule names: the pattern Azure's published types give outboundRules (2026-01-15-preview).
RULE_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$"
# Isolation modes that let agents reach any internet address (the published type's enum; Learn's isolation modes).
INTERNET_MODES = ("AllowInternetOutbound",)

# An ARM resource id a private endpoint can target: /subscriptions/<id>/resourceGroups/<rg>/providers/<ns>/<type>/<name>
TARGET_ID = re.compile(
    r"(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[-\w._()]+/providers/"
    r"(?P<namespace>[A-Za-z]+\.[A-Za-z.]+)/(?P<type>[A-Za-z]+)/[-\w._]+$"
)
# Private-link group ids (sub-resources) per target type, as Learn's "What is a private endpoint?" table lists them.
GROUP_IDS: dict[str, tuple[str, ...]] = {
    "microsoft.storage/storageaccounts": ("blob", "blob_secondary", "file", "queue", "table", "dfs", "web"),
    "microsoft.keyvault/vaults": ("vault",),
    "microsoft.search/searchservices": ("searchService",),
    "microsoft.documentdb/databaseaccounts": ("Sql", "MongoDB", "Cassandra", "Gremlin", "Table", "Analytical"),
    "microsoft.cognitiveservices/accounts": ("account",),
    "microsoft.containerregistry/registries": ("registry",),
    "microsoft.web/sites": ("sites",),
    "microsoft.sql/servers": ("sqlServer",),
    "microsoft.apimanagement/service": ("Gateway",),
    "microsoft.machinelearningservices/workspaces": ("amlworkspace",),
}
# Service tags an outbound rule may name (Learn, "Virtual network service tags"); a regional form `Tag.Region`
# is taken for any of them with a region of the catalog.
SERVICE_TAGS = (
    "ApiManagement",
    "AppService",
    "AzureActiveDirectory",
    "AzureCloud",
    "AzureContainerRegistry",
    "AzureCosmosDB",
    "AzureFrontDoor.Frontend",
    "AzureFrontDoor.FirstParty",
    "AzureKeyVault",
    "AzureMachineLearning",
    "AzureMonitor",
    "AzureResourceManager",
    "CognitiveServicesFrontend",
    "CognitiveServicesManagement",
    "DataFactory",
    "EventHub",
    "Internet",
    "MicrosoftContainerRegistry",
    "PowerBI",
    "ServiceBus",
    "Sql",
    "Storage",
)
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PORTS = re.compile(r"^(\*|\d{1,5}(-\d{1,5})?)$")


def fqdn_problem(value: str) -> str | None:
    """Why `value` is not an FQDN an outbound rule takes, or None.

    A host name (labels of letters, digits and inner hyphens, at most 253 characters, at least two labels), or
    `*.` followed by one: the wildcard stands for one whole leading label and nowhere else.
    """
    text = value.strip().lower()
    if "://" in text or "/" in text or ":" in text:
        return f"{short(value)} is a URL or has a port; an FQDN rule names a host only (e.g. api.github.com)"
    labels = text[2:].split(".") if text.startswith("*.") else text.split(".")
    if "*" in ".".join(labels):
        return f"{short(value)}: a wildcard is only a whole leading label, as in *.blob.core.windows.net"
    if len(text) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return (
            f"{short(value)} is not a host name: labels of letters, digits and inner hyphens separated by dots, "
            "at least two labels, at most 253 characters"
        )
    if labels[-1].isdigit():
        return f"{short(value)} is an IP address; name the host (an FQDN rule takes no addresses)"
    return None


def service_tag_problem(tag: str) -> str | None:
    """Why `tag` is not a service tag (or regional service tag) an outbound rule takes, or None."""
    base, _, region = tag.partition(".")
    known = {t.lower(): t for t in SERVICE_TAGS}
    if tag.lower() in known:
        return None
    if base.lower() in known and region and region.lower() in {r.lower() for r in load_catalog().regions}:
        return None
    return f"{short(tag)} is not a service tag foundry-iac knows{suggest(tag, list(SERVICE_TAGS))}; known: " + (
        ", ".join(SERVICE_TAGS) + " (or Tag.Region)"
    )


def ports_problem(ports: str) -> str | None:
    """Why `ports` is not a port list ('443', '80,443', '8000-8100', '*'), or None."""
    for part in ports.split(","):
        part = part.strip()
        if not _PORTS.match(part):
            return f"{short(ports)} is not a port list such as 443, 80,443 or 8000-8100"
        numbers = [int(n) for n in part.split("-")] if part != "*" else [1]
        if any(not 1 <= n <= 65535 for n in numbers) or numbers != sorted(numbers):
            return f"{short(ports)}: ports run 1-65535 and a range goes low-high"
    return None


class PrivateEndpointTarget(ConfigModel):
    """An Azure resource the managed network reaches through a private endpoint."""

    resource_id: str = Field(alias="resourceId", description="ARM id of the target resource.")
    group_id: str = Field(alias="groupId", description="Its private-link sub-resource (blob, vault, searchService…).")

    @model_validator(mode="after")
    def _target(self) -> PrivateEndpointTarget:
        found = TARGET_ID.match(self.resource_id)
        if found is None:
            raise custom_error(
                "bad_target",
                f"{short(self.resource_id)} is not an ARM resource id "
                "(/subscriptions/<id>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>)",
                at=("resourceId",),
            )
        kind = f"{found['namespace']}/{found['type']}".lower()
        groups = GROUP_IDS.get(kind)
        if groups is not None and self.group_id not in groups:
            raise custom_error(
                "bad_group",
                f"{short(self.group_id)} is not a private-link group of {found['namespace']}/{found['type']}"
                f"{suggest(self.group_id, list(groups))}; its groups: {', '.join(groups)}",
                at=("groupId",),
            )
        if groups is None and not re.match(r"^[A-Za-z][A-Za-z0-9_]{0,63}$", self.group_id):
            raise custom_error("bad_group", f"{short(self.group_id)} is not a group id", at=("groupId",))
        return self


class ServiceTagTarget(ConfigModel):
    """Azure service addresses by service tag."""

    tag: str = Field(description="Service tag, e.g. AzureMonitor or Storage.SwedenCentral.")
    protocol: Literal["TCP", "UDP", "ICMP", "*"] = "TCP"
    ports: str = Field(default="443", description="Destination ports: 443, 80,443, 8000-8100 or *.")
    action: Literal["Allow", "Deny"] = "Allow"

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str) -> str:
        problem = service_tag_problem(value)
        if problem:
            raise custom_error("bad_service_tag", problem)
        return value

    @field_validator("ports")
    @classmethod
    def _ports(cls, value: str) -> str:
        problem = ports_problem(value)
        if problem:
            raise custom_error("bad_ports", problem)
        return value


class OutboundRuleConfig(ConfigModel):
    """One outbound rule: exactly one of fqdn, privateEndpoint, serviceTag."""

    name: str = Field(pattern=RULE_NAME_PATTERN, description="Rule name (3-33 letters, digits, '_', '-').")
    fqdn: str | None = Field(default=None, description="A host, or *.domain for the hosts below the domain.")
    private_endpoint: PrivateEndpointTarget | None = Field(default=None, alias="privateEndpoint")
    service_tag: ServiceTagTarget | None = Field(default=None, alias="serviceTag")

    @field_validator("fqdn")
    @classmethod
    def _fqdn(cls, value: str | None) -> str | None:
        problem = fqdn_problem(value) if value is not None else None
        if problem:
            raise custom_error("bad_fqdn", problem)
        return value.strip().lower() if value is not None else None

    @model_validator(mode="after")
    def _one_kind(self) -> OutboundRuleConfig:
        given = [
            k
            for k, v in (
                ("fqdn", self.fqdn),
                ("privateEndpoint", self.private_endpoint),
                ("serviceTag", self.service_tag),
            )
            if v is not None
        ]
        if len(given) != 1:
            raise custom_error(
                "rule_kind",
                f"outbound rule {self.name!r} names {' and '.join(given) or 'no target'}; give exactly one of "
                "fqdn, privateEndpoint, serviceTag",
            )
        return self

    @property
    def kind(self) -> str:
        """The rule's type as Azure names it: FQDN, PrivateEndpoint or ServiceTag."""
        return "FQDN" if self.fqdn else "PrivateEndpoint" if self.private_endpoint else "ServiceTag"


class ManagedNetworkConfig(ConfigModel):
    """The account's managed network (accounts/managedNetworks/default) and its user-defined outbound rules."""

    isolation: Literal["AllowInternetOutbound", "AllowOnlyApprovedOutbound", "Disabled"] = Field(
        description="AllowOnlyApprovedOutbound: agents reach only what the outbound rules allow."
    )
    firewall_sku: Literal["Basic", "Standard"] | None = Field(
        default=None, alias="firewallSku", description="Azure Firewall SKU that enforces FQDN rules."
    )
    outbound: list[OutboundRuleConfig] = Field(default_factory=list, description="User-defined outbound rules.")

    @field_validator("outbound")
    @classmethod
    def _unique(cls, value: list[OutboundRuleConfig]) -> list[OutboundRuleConfig]:
        seen: dict[str, int] = {}
        for index, rule in enumerate(value):
            key = rule.name.lower()
            if key in seen:
                raise custom_error(
                    "duplicate_rule",
                    f"outbound rule name {rule.name!r} is used twice (also at index {seen[key]}); rename one",
                    at=(index, "name"),
                )
            seen[key] = index
        return value

    @model_validator(mode="after")
    def _rules_fit_mode(self) -> ManagedNetworkConfig:
        if self.isolation == "Disabled" and (self.outbound or self.firewall_sku):
            raise custom_error(
                "disabled_network",
                "isolation Disabled has no managed network to hold outbound rules or a firewall; remove them or "
                "choose AllowOnlyApprovedOutbound",
            )
        if self.isolation == "AllowOnlyApprovedOutbound":
            return self
        for index, rule in enumerate(self.outbound):
            if rule.kind == "FQDN":
                raise custom_error(
                    "fqdn_needs_approved",
                    f"FQDN rule {rule.name!r} has no effect under {self.isolation} (every host is reachable); "
                    "set isolation AllowOnlyApprovedOutbound or remove the rule",
                    at=("outbound", index, "fqdn"),
                )
        if self.firewall_sku is not None:
            raise custom_error(
                "firewall_needs_approved",
                "firewallSku applies under AllowOnlyApprovedOutbound only (the firewall enforces FQDN rules); "
                "remove it",
                at=("firewallSku",),
            )
        return self

    @property
    def allows_internet(self) -> bool:
        """True when the isolation mode lets agents reach any internet address."""
        return self.isolation in INTERNET_MODES
