"""Built-in Azure roles for keyless access to Foundry, by name, with their role definition ids."""

# Foundry's built-in roles were renamed in 2026; ids and permissions are unchanged (Microsoft Learn,
# azure-ai-docs articles/foundry/includes/role-rename-note.md, ms.date 2026-05-11). Stack files may use
# either name while the rename rolls out; the examples, docs and schema use today's names.
ROLE_SOURCE = "Microsoft Learn, Foundry role rename note (azure-ai-docs role-rename-note.md, ms.date 2026-05-11)"
FOUNDRY_ROLES: dict[str, str] = {
    "Foundry User": "53ca6127-db72-4b80-b1b0-d745d6d5456d",
    "Foundry Project Manager": "eadc314b-1a2d-4efa-be10-5d325db5065e",
    "Foundry Account Owner": "e47c6f54-e4a2-4754-9501-8e0985b135e1",
}
# Previous name -> today's name.
PREVIOUS_NAMES: dict[str, str] = {
    "Azure AI User": "Foundry User",
    "Azure AI Project Manager": "Foundry Project Manager",
    "Azure AI Account Owner": "Foundry Account Owner",
}
_OTHER_ROLES: dict[str, str] = {
    "Azure AI Developer": "64702f94-c441-49e6-a78b-ef80e0188fee",
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Cognitive Services Usages Reader": "bba48692-92b0-4667-a9ad-c31c7b334ac2",
}
# Today's names, the roles that were not renamed, then the previous names: every name a member may use.
CURRENT_ROLES: dict[str, str] = {**FOUNDRY_ROLES, **_OTHER_ROLES}
BUILTIN_ROLES: dict[str, str] = {
    **CURRENT_ROLES,
    **{previous: FOUNDRY_ROLES[current] for previous, current in PREVIOUS_NAMES.items()},
}


# Named by the rename note but not offered: no first-party source we could read gives its role id, and a
# member's role must resolve to an id. Refused with this reason rather than as an unknown name.
NOT_OFFERED: dict[str, str] = {
    name: "its role definition id is not published in a source foundry-iac could confirm; grant "
    "'Foundry Account Owner' (full access to the account and its projects) or 'Foundry Project Manager'"
    for name in ("Foundry Owner", "Azure AI Owner")
}


def current_name(role_name: str) -> str:
    """Today's name of a built-in role given by either of its names."""
    return PREVIOUS_NAMES.get(role_name, role_name)


# Not offered to project members: foundry-iac grants it to the identity that reads a customer-managed key.
KEY_VAULT_CRYPTO_USER = "Key Vault Crypto Service Encryption User"
# Granted to a project's identity on its agents' own Cosmos DB, Storage and Search (microsoft-foundry/foundry-samples,
# infrastructure-setup-bicep 41 and 15): the first four before the capability host, Storage Blob Data Owner after it.
COSMOS_DB_OPERATOR = "Cosmos DB Operator"
STORAGE_BLOB_DATA_CONTRIBUTOR = "Storage Blob Data Contributor"
STORAGE_BLOB_DATA_OWNER = "Storage Blob Data Owner"
SEARCH_INDEX_DATA_CONTRIBUTOR = "Search Index Data Contributor"
SEARCH_SERVICE_CONTRIBUTOR = "Search Service Contributor"
# The built-in roles the project's identity gets on each agent resource, by the agents block's key.
AGENT_ROLES = {
    "cosmosDb": (COSMOS_DB_OPERATOR,),
    "storage": (STORAGE_BLOB_DATA_CONTRIBUTOR,),
    "search": (SEARCH_INDEX_DATA_CONTRIBUTOR, SEARCH_SERVICE_CONTRIBUTOR),
}
SERVICE_ROLES: dict[str, str] = {
    KEY_VAULT_CRYPTO_USER: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    COSMOS_DB_OPERATOR: "230815da-be43-4aae-9cb4-875f7bd000aa",
    STORAGE_BLOB_DATA_CONTRIBUTOR: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    STORAGE_BLOB_DATA_OWNER: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    SEARCH_INDEX_DATA_CONTRIBUTOR: "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
    SEARCH_SERVICE_CONTRIBUTOR: "7ca78c08-252a-4471-8644-bb5ff32d4ba0",
}
# Cosmos DB's own (data-plane) built-in role: Cosmos DB Built-in Data Contributor, a sqlRoleDefinition, granted on
# the database the Agent Service keeps threads in.
COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"
AGENT_DATABASE = "enterprise_memory"


def role_definition_id(subscription_id: str, role_name: str) -> str:
    """The ARM id of a built-in role definition, scoped to the subscription."""
    role_id = BUILTIN_ROLES.get(role_name) or SERVICE_ROLES[role_name]
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role_id}"
