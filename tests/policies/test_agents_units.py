"""agent-byo-resources, agent-network-injection, agent-storage-isolation and the agent resources of private
accounts, on hand-built resources: which setups pass, which fail, and the exact messages."""

from __future__ import annotations

import pytest

from policies.agents import (
    agent_connections,
    check_agent_endpoints,
    check_agent_public_access,
    check_byo_resources,
    check_network_injection,
    check_storage_isolation,
    unreached_agent_resources,
)
from policies.framework import Resource

DATA = "/subscriptions/s/resourceGroups/rg-data/providers"
COSMOS = f"{DATA}/Microsoft.DocumentDB/databaseAccounts/cosmos"
STORAGE = f"{DATA}/Microsoft.Storage/storageAccounts/st"
SEARCH = f"{DATA}/Microsoft.Search/searchServices/srch"
SUBNET = "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"


def account(name: str = "fdy", public: str = "Disabled", injections: list | None = None, location="swedencentral"):
    props: dict = {
        "accountName": name,
        "resourceGroupName": "rg",
        "location": location,
        "properties": {"publicNetworkAccess": public},
    }
    if injections is not None:
        props["properties"]["networkInjections"] = injections
    return Resource("azure-native:cognitiveservices:Account", f"{name}-account", f"urn:{name}", props)


def connection(name: str, category: str, resource_id: str, location="swedencentral", auth="AAD", project="p"):
    props = {
        "accountName": "fdy",
        "projectName": project,
        "connectionName": name,
        "properties": {
            "authType": auth,
            "category": category,
            "metadata": {"ApiType": "Azure", "ResourceId": resource_id, "location": location},
        },
    }
    return Resource(
        "azure-native:cognitiveservices:ProjectConnection", f"c-{project}-{name}", f"urn:c-{project}-{name}", props
    )


def host(threads=("cosmos",), storage=("st",), vectors=("srch",), project="p", account_name="fdy") -> Resource:
    props = {
        "accountName": account_name,
        "projectName": project,
        "capabilityHostName": "agents",
        "projectCapabilityHostProperties": {
            "threadStorageConnections": list(threads),
            "storageConnections": list(storage),
            "vectorStoreConnections": list(vectors),
        },
    }
    return Resource(
        "azure-native:cognitiveservices:ProjectCapabilityHost", f"host-{project}", f"urn:host-{project}", props
    )


def endpoint(target: str, group: str, manual: bool = False) -> Resource:
    key = "manualPrivateLinkServiceConnections" if manual else "privateLinkServiceConnections"
    props = {key: [{"name": "pe", "privateLinkServiceId": target, "groupIds": [group]}]}
    return Resource("azure-native:network:PrivateEndpoint", f"pe-{group}", f"urn:pe-{group}", props)


def setup(project: str = "p", **overrides) -> list[Resource]:
    """A complete standard setup of one project: its three connections and its host."""
    return [
        connection("cosmos", overrides.get("cosmos_category", "CosmosDb"), COSMOS, project=project),
        connection(
            "st", "AzureStorageAccount", STORAGE, overrides.get("storage_location", "swedencentral"), project=project
        ),
        connection("srch", "CognitiveSearch", SEARCH, auth=overrides.get("search_auth", "AAD"), project=project),
        host(project=project),
    ]


def messages(findings) -> list[str]:
    return [f.message for f in findings]


# --- agent-byo-resources ----------------------------------------------------------------------------------


def test_a_complete_setup_in_the_accounts_region_passes():
    assert messages(check_byo_resources([account(), *setup()], {})) == []


def test_each_empty_list_of_the_host_is_named():
    resources = [account(), host(threads=(), storage=(), vectors=())]
    assert messages(check_byo_resources(resources, {})) == [
        "fdy/p: the standard agent setup names no Cosmos DB (thread storage) (threadStorageConnections is empty); "
        "add it to the project's `agents` block",
        "fdy/p: the standard agent setup names no Storage account (files) (storageConnections is empty); "
        "add it to the project's `agents` block",
        "fdy/p: the standard agent setup names no AI Search (vector stores) (vectorStoreConnections is empty); "
        "add it to the project's `agents` block",
    ]
    found = list(check_byo_resources(resources, {}))
    assert all(f.resource is resources[1] for f in found)


def test_a_connection_the_stack_does_not_have_is_named():
    resources = [account(), *setup()[1:]]
    (found,) = list(check_byo_resources(resources, {}))
    assert (
        found.message == "fdy/p: Cosmos DB (thread storage) connection 'cosmos' does not exist in this project; "
        "name one the stack creates"
    )
    assert found.resource is resources[-1]


def test_every_missing_connection_is_named():
    resources = [account(), host()]
    assert [f.message.split(";")[0] for f in check_byo_resources(resources, {})] == [
        "fdy/p: Cosmos DB (thread storage) connection 'cosmos' does not exist in this project",
        "fdy/p: Storage account (files) connection 'st' does not exist in this project",
        "fdy/p: AI Search (vector stores) connection 'srch' does not exist in this project",
    ]


def test_a_connection_of_another_project_does_not_count():
    resources = [account(), connection("cosmos", "CosmosDb", COSMOS, project="q"), *setup()[1:]]
    assert [f.message.split(";")[0] for f in check_byo_resources(resources, {})] == [
        "fdy/p: Cosmos DB (thread storage) connection 'cosmos' does not exist in this project"
    ]


def test_the_category_must_match_the_slot_without_case():
    assert messages(check_byo_resources([account(), *setup(cosmos_category="COSMOSDB")], {})) == []
    resources = [account(), *setup(cosmos_category="AzureBlob")]
    (found,) = list(check_byo_resources(resources, {}))
    assert (
        found.message
        == "fdy/p: Cosmos DB (thread storage) connection 'cosmos' is of category 'AzureBlob', not CosmosDb"
    )
    assert found.resource is resources[-1] and found.related == (resources[1],)


def test_keys_instead_of_entra_id_fail():
    resources = [account(), *setup(search_auth="ApiKey")]
    (found,) = list(check_byo_resources(resources, {}))
    assert found.message == (
        "fdy/p: AI Search (vector stores) connection 'srch' authenticates with 'ApiKey'; agent connections use "
        "Entra ID (AAD): no keys stored in the project"
    )
    assert found.resource is resources[-1] and found.related == (resources[3],)


def test_without_allowed_regions_the_resources_sit_in_the_accounts_region():
    resources = [account(), *setup(storage_location="westeurope")]
    (found,) = list(check_byo_resources(resources, {}))
    assert found.message == (
        "fdy/p: Storage account (files) connection 'st' reaches a resource in 'westeurope', outside the account's "
        "region (swedencentral); keep the agents' data in swedencentral"
    )
    assert found.resource is resources[2] and found.related == (resources[4],)


def test_allowed_regions_replace_the_accounts_region():
    resources = [account(), *setup(storage_location="westeurope")]
    assert messages(check_byo_resources(resources, {"allowedRegions": ["westeurope", "swedencentral"]})) == []
    found = messages(check_byo_resources(resources, {"allowedRegions": ["westeurope"]}))
    assert [m.split(" connection ")[1].split(" ")[0] for m in found] == ["'cosmos'", "'srch'"]
    assert found[0] == (
        "fdy/p: Cosmos DB (thread storage) connection 'cosmos' reaches a resource in 'swedencentral', outside the "
        "policy's allowedRegions (westeurope); keep the agents' data in westeurope"
    )


def test_every_allowed_region_is_named():
    resources = [account(), *setup(storage_location="westeurope")]
    found = messages(check_byo_resources(resources, {"allowedRegions": ["swedencentral", "norwayeast"]}))
    assert found == [
        "fdy/p: Storage account (files) connection 'st' reaches a resource in 'westeurope', outside the policy's "
        "allowedRegions (swedencentral, norwayeast); keep the agents' data in swedencentral, norwayeast"
    ]


def test_a_host_of_an_account_outside_the_stack_has_no_allowed_region():
    resources = [account(name="other"), *setup()]
    found = messages(check_byo_resources(resources, {}))
    assert len(found) == 3
    assert found[0] == (
        "fdy/p: Cosmos DB (thread storage) connection 'cosmos' reaches a resource in 'swedencentral', outside the "
        "account's region (none); keep the agents' data in an allowed region"
    )


def test_a_connection_without_a_region_is_outside_every_allowed_region():
    resources = [account(), *setup(storage_location="")]
    (found,) = messages(check_byo_resources(resources, {}))
    assert "connection 'st' reaches a resource in 'an unknown region', outside the account's region" in found


def test_agent_connections_join_each_listed_name_with_its_connection():
    resources = [*setup(), host(threads=("cosmos", "missing"), project="p")]
    items = agent_connections(resources)
    assert [(i.slot, i.name, i.connection is not None) for i in items[:3]] == [
        ("threadStorageConnections", "cosmos", True),
        ("storageConnections", "st", True),
        ("vectorStoreConnections", "srch", True),
    ]
    assert (items[3].name, items[4].name, items[4].connection) == ("cosmos", "missing", None)
    assert (items[0].resource_id, items[0].location, items[0].group) == (COSMOS, "swedencentral", "Sql")
    assert (items[4].resource_id, items[4].location, items[4].properties) == ("", "", {})


# --- agent-network-injection ------------------------------------------------------------------------------

INJECTED = [{"scenario": "agent", "subnetArmId": SUBNET, "useMicrosoftManagedNetwork": False}]


def test_an_account_with_agents_and_its_own_subnet_passes():
    assert messages(check_network_injection([account(injections=INJECTED), host()], {})) == []


def test_an_account_without_agents_needs_no_injection():
    assert messages(check_network_injection([account()], {})) == []


@pytest.mark.parametrize(
    "injections",
    [
        None,
        [],
        [{"scenario": "none", "subnetArmId": SUBNET, "useMicrosoftManagedNetwork": False}],
        [{"scenario": "agent", "subnetArmId": "", "useMicrosoftManagedNetwork": False}],
        [{"scenario": "agent", "subnetArmId": SUBNET, "useMicrosoftManagedNetwork": True}],
    ],
    ids=["absent", "empty", "scenario-none", "no-subnet", "microsoft-managed"],
)
def test_agents_without_their_own_subnet_fail(injections):
    resources = [account(injections=injections), host()]
    (found,) = list(check_network_injection(resources, {}))
    assert found.message == (
        "fdy: its agents run with public egress (no networkInjections with scenario agent); add "
        "`agentNetwork: {subnetId: ...}` with a dedicated subnet delegated to Microsoft.App/environments, or a "
        "`managedNetwork` with isolation AllowOnlyApprovedOutbound"
    )
    assert found.resource is resources[0]


def test_an_account_host_alone_means_agents_and_names_match_without_case():
    account_host = Resource(
        "azure-native:cognitiveservices:AccountCapabilityHost", "h", "urn:h", {"accountName": "FDY"}
    )
    assert len(list(check_network_injection([account(), account_host], {}))) == 1
    assert messages(check_network_injection([account(injections=INJECTED), account_host], {})) == []
    injected_without_flag = [{"scenario": "agent", "subnetArmId": SUBNET}]
    assert messages(check_network_injection([account(injections=injected_without_flag), host()], {})) == []


# --- private accounts' agent resources --------------------------------------------------------------------


def test_a_private_accounts_agent_resources_need_a_private_endpoint_of_their_group():
    resources = [
        account(),
        *setup(),
        endpoint(COSMOS, "Sql"),
        endpoint(STORAGE, "file"),
        endpoint(SEARCH.upper(), "searchService", manual=True),
    ]
    (item,) = unreached_agent_resources(resources)
    assert (item.name, item.group) == ("st", "blob")
    (found,) = list(check_agent_endpoints(resources, {}))
    assert found.message == (
        "fdy/p: no private endpoint (group 'blob') reaches the agents' Storage account (files) st; give the "
        "account a `privateEndpoint` (its agent resources get one each in its subnet)"
    )
    assert found.resource is resources[2]
    (public,) = list(check_agent_public_access(resources, {}))
    assert public.message == (
        "fdy/p: the account is private but its agents reach the Storage account (files) st over its public "
        "endpoint (no private endpoint, group 'blob'); give the account a `privateEndpoint` so its agent "
        "resources get one too"
    )
    assert public.resource is resources[2]


def test_a_public_account_and_a_missing_connection_are_not_judged_here():
    assert unreached_agent_resources([account(public="Enabled"), *setup()]) == []
    assert unreached_agent_resources([account(), host()]) == []  # agent-byo-resources names the missing ones


def test_a_resource_shared_by_two_projects_is_named_once():
    resources = [account(), *setup("p"), *setup("q")]
    assert [(i.host.props["projectName"], i.name) for i in unreached_agent_resources(resources)] == [
        ("p", "cosmos"),
        ("p", "st"),
        ("p", "srch"),
    ]


def test_a_connection_without_a_resource_id_is_not_judged():
    blank = connection("cosmos", "CosmosDb", "")
    assert [i.name for i in unreached_agent_resources([account(), blank, *setup()[1:]])] == ["st", "srch"]


# --- agent-storage-isolation ------------------------------------------------------------------------------

BLOB_OWNER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
ANY_AGENT_CONTAINER = (
    "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringLikeIgnoreCase '*-azureml-agent')"
)
OWN_CONTAINERS = (
    "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringStartsWithIgnoreCase "
    "'0f8e3c2a-1b4d-4e6f-8a9b-c0d1e2f3a4b5' AND "
    "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringLikeIgnoreCase '*-azureml-agent')"
)


def blob_owner(project: str, condition: str, scope: str = STORAGE) -> Resource:
    props = {"scope": scope, "roleDefinitionId": BLOB_OWNER, "condition": condition, "conditionVersion": "2.0"}
    return Resource("azure-native:authorization:RoleAssignment", f"grant-{project}", f"urn:grant-{project}", props)


def cosmos_data(project: str, scope: str = f"{COSMOS}/dbs/enterprise_memory") -> Resource:
    props = {"accountName": "cosmos", "scope": scope, "roleDefinitionId": f"{COSMOS}/sqlRoleDefinitions/0002"}
    return Resource(
        "azure-native:cosmosdb:SqlResourceSqlRoleAssignment", f"data-{project}", f"urn:data-{project}", props
    )


def isolated(project: str) -> list[Resource]:
    """A project's grants as Microsoft's templates and AVM write them: limited to its own containers and
    collections (named after its workspace id)."""
    guid = "0f8e3c2a-1b4d-4e6f-8a9b-c0d1e2f3a4b5" if project == "p" else "5b4a3f2e-1d0c-4b9a-8f6e-4d1b2a3c8e0f"
    return [
        blob_owner(project, OWN_CONTAINERS.replace("0f8e3c2a-1b4d-4e6f-8a9b-c0d1e2f3a4b5", guid)),
        cosmos_data(project, f"{COSMOS}/dbs/enterprise_memory/colls/{guid}-thread-message-store"),
    ]


def shared(project: str) -> list[Resource]:
    """A project's grants as foundry-iac writes them: every agent container, the whole database."""
    return [blob_owner(project, ANY_AGENT_CONTAINER), cosmos_data(project)]


def test_two_projects_on_one_storage_and_cosmos_account_whose_grants_reach_every_projects_data_fail():
    resources = [account(), *setup("p"), *setup("q"), *shared("p"), *shared("q")]
    files, threads = check_storage_isolation(resources, {})
    assert files.message == (
        "projects fdy/p, fdy/q keep their agents' files in one storage account st, and each project's Storage Blob "
        "Data Owner grant there reaches every `*-azureml-agent` container, the other projects' too (the project's "
        "workspace id that Microsoft's templates scope it to is not known before deploying); give each project its "
        "own storage account"
    )
    assert files.resource is resources[6] and files.related == (resources[2],)
    assert threads.message == (
        "projects fdy/p, fdy/q keep their agents' threads in one Cosmos DB account cosmos, and each project's Cosmos "
        "DB data role there covers the whole `enterprise_memory` database, the other projects' too (the project's "
        "workspace id that Microsoft's templates scope it to is not known before deploying); give each project its "
        "own Cosmos DB account"
    )
    assert threads.resource is resources[5] and threads.related == (resources[1],)


def test_one_project_per_account_passes():
    def moved(resource: Resource) -> Resource:
        key = resource.props.get("connectionName")
        if key == "st":
            return connection("st", "AzureStorageAccount", f"{DATA}/Microsoft.Storage/storageAccounts/st2", project="q")
        if key == "cosmos":
            return connection("cosmos", "CosmosDb", f"{DATA}/Microsoft.DocumentDB/databaseAccounts/c2", project="q")
        return resource

    others = [moved(r) for r in setup("q")]
    assert messages(check_storage_isolation([account(), *setup("p"), *others, *shared("p"), *shared("q")], {})) == []
    assert messages(check_storage_isolation([account(), *setup("p"), *shared("p")], {})) == []


def test_sharing_is_fine_once_every_grant_is_limited_to_its_projects_own_data():
    resources = [account(), *setup("p"), *setup("q"), *isolated("p"), *isolated("q")]
    assert messages(check_storage_isolation(resources, {})) == []
    resources[-2] = blob_owner("q", ANY_AGENT_CONTAINER)
    assert [f.message.split(" in one ")[1].split(",")[0] for f in check_storage_isolation(resources, {})] == [
        "storage account st"
    ]
    resources[-2:] = shared("q")
    assert len(list(check_storage_isolation(resources, {}))) == 2


def test_sharing_without_any_data_grant_is_not_taken_for_isolation():
    assert len(list(check_storage_isolation([account(), *setup("p"), *setup("q")], {}))) == 2


def test_a_project_of_another_stack_on_the_same_storage_account_fails_a_stack_with_one_project():
    resources = [account(), *setup("p"), *shared("p")]
    others = {STORAGE.upper(): ["fdy2/q (stack b)"]}
    assert messages(check_storage_isolation(resources, {"otherStacks": others})) == []  # ids are compared in lower case
    found = list(check_storage_isolation(resources, {"otherStacks": {STORAGE.lower(): ["fdy2/q (stack b)"]}}))
    assert [f.message.split(" keep ")[0] for f in found] == ["projects fdy/p, fdy2/q (stack b)"]
    assert "files in one storage account st" in found[0].message
    assert messages(check_storage_isolation(resources, {"otherStacks": {COSMOS.lower(): ["fdy2/q (stack b)"]}})) != []
    isolated_grants = [account(), *setup("p"), *isolated("p")]
    assert messages(check_storage_isolation(isolated_grants, {"otherStacks": {STORAGE.lower(): ["x (stack b)"]}})) == []


def managed_network_setting(isolation: str, account_name: str = "fdy") -> Resource:
    props = {
        "accountName": account_name,
        "resourceGroupName": "rg",
        "managedNetworkName": "default",
        "properties": {"managedNetwork": {"isolationMode": isolation, "managedNetworkKind": "V2"}},
    }
    return Resource("azure-native:cognitiveservices:ManagedNetworkSetting", f"{account_name}-mn", "urn:mn", props)


MANAGED = [{"scenario": "agent", "useMicrosoftManagedNetwork": True}]


def test_agents_in_a_managed_network_that_allows_only_approved_outbound_pass():
    resources = [account(injections=MANAGED), host(), managed_network_setting("AllowOnlyApprovedOutbound")]
    assert list(check_network_injection(resources, {})) == []


@pytest.mark.parametrize(
    "setting",
    [managed_network_setting("AllowInternetOutbound"), managed_network_setting("AllowOnlyApprovedOutbound", "other")],
    ids=["internet-outbound", "another-accounts-network"],
)
def test_agents_in_a_managed_network_open_to_the_internet_or_without_their_own_setting_fail(setting):
    resources = [account(injections=MANAGED), host(), setting]
    (found,) = list(check_network_injection(resources, {}))
    assert found.resource is resources[0] and "public egress" in found.message
