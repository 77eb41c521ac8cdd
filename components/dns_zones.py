"""The private DNS zones a private Foundry account and its agent resources need, where network, agents and
the resource budget (config/limits.py) all read them.
"""

from __future__ import annotations

# The zones of the account's own private endpoint (group `account`).
PRIVATE_DNS_ZONES = (
    "privatelink.cognitiveservices.azure.com",
    "privatelink.openai.azure.com",
    "privatelink.services.ai.azure.com",
)

# The private endpoint group and DNS zone of each bring-your-own agent resource (Microsoft Learn, "Use your
# own resources" for the Agent Service standard setup; microsoft-foundry/foundry-samples 41 and 15), by the
# agents block's key.
AGENT_PRIVATE_LINKS = {
    "cosmosDb": ("Sql", "privatelink.documents.azure.com"),
    "storage": ("blob", "privatelink.blob.core.windows.net"),
    "search": ("searchService", "privatelink.search.windows.net"),
}
AGENT_DNS_ZONES = tuple(zone for _, zone in AGENT_PRIVATE_LINKS.values())
