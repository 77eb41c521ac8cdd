"""Reading ARM ids for preflight's generic resource reads: the type decides the API version."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foundry_iac.azure.live_arm import RESOURCE_API_VERSIONS, resource_type

SEGMENT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,20}", fullmatch=True)


@given(
    sub=SEGMENT,
    group=SEGMENT,
    namespace=st.from_regex(r"Microsoft\.[A-Za-z]{1,12}", fullmatch=True),
    pairs=st.lists(st.tuples(SEGMENT, SEGMENT), min_size=1, max_size=3),
)
def test_the_type_is_the_namespace_and_every_other_segment_lower_case(sub, group, namespace, pairs):
    path = "/".join(f"{kind}/{name}" for kind, name in pairs)
    resource_id = f"/subscriptions/{sub}/resourceGroups/{group}/providers/{namespace}/{path}"
    expected = "/".join([namespace, *(kind for kind, _ in pairs)]).lower()
    assert resource_type(resource_id) == expected
    assert resource_type(resource_id.upper()) == expected
    assert resource_type(resource_id + "/") == expected


@pytest.mark.parametrize(
    "resource_id,version",
    [
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.DocumentDB/databaseAccounts/c", "2024-11-15"),
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st", "2023-05-01"),
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.Search/searchServices/s", "2023-11-01"),
        ("/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a", "2024-05-01"),
    ],
)
def test_each_agent_resource_type_has_the_api_version_microsofts_templates_use(resource_id, version):
    assert RESOURCE_API_VERSIONS[resource_type(resource_id)] == version


def test_a_credential_that_cannot_sign_in_is_named_as_such_never_as_an_http_none_denial(arm, tls):
    from azure.core.exceptions import ClientAuthenticationError

    from foundry_iac.azure.live_arm import LiveArm, LiveReadError

    class NoSignIn:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token.\nAttempted: az login")

    live = LiveArm(
        NoSignIn(),
        "00000000-0000-0000-0000-000000000001",
        f"https://127.0.0.1:{arm.port}",
        verify=str(tls[1]),
        retry_backoff=0.01,
    )
    with pytest.raises(LiveReadError) as failed:
        live.provider_state()
    live.close()
    message = failed.value.message
    assert failed.value.denied and "HTTP None" not in message and "\n" not in message
    assert message.startswith("no Azure credential could sign in to read ")
    assert "(DefaultAzureCredential failed to retrieve a token. Attempted: az login): sign in (az login" in message
    assert len(arm.log) == 0  # nothing was sent to the ARM endpoint


def test_a_resource_group_named_providers_and_ids_above_a_group_keep_their_type():
    group = "/subscriptions/s/resourceGroups/providers/providers/Microsoft.Storage/storageAccounts/st"
    assert resource_type(group) == "microsoft.storage/storageaccounts"
    assert resource_type(group.replace("resourceGroups", "RESOURCEGROUPS")) == "microsoft.storage/storageaccounts"
    assert resource_type("/subscriptions/s/providers/Microsoft.Security/pricings/AI") == "microsoft.security/pricings"
    assert (
        resource_type("/providers/Microsoft.Management/managementGroups/mg") == "microsoft.management/managementgroups"
    )


def test_a_read_error_is_its_message():
    from foundry_iac.azure.live_arm import LiveReadError

    failed = LiveReadError(False, "Azure answered HTTP 500 reading x")
    assert str(failed) == failed.message == "Azure answered HTTP 500 reading x" and not failed.denied


WHAT = "resource /subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a"


def test_a_subnet_with_the_documented_shape_is_accepted():
    from foundry_iac.azure.live_arm import _check_resource

    subnet = {
        "location": "swedencentral",
        "properties": {
            "delegations": [
                {"name": "d", "properties": {"serviceName": "Microsoft.App/environments"}},
                {"name": "bare"},  # a delegation without properties holds no service name
            ],
            "ipConfigurations": [{"id": "x"}],
            "privateEndpoints": [],
        },
    }
    _check_resource(subnet, WHAT)
    _check_resource({}, WHAT)  # neither location nor properties: nothing to check


@pytest.mark.parametrize(
    "body,message",
    [
        ({"location": 3}, f"the location of {WHAT} is 3, not a name"),
        ({"properties": []}, f"{WHAT}: `properties` is not an object"),
        ({"properties": {"delegations": "d"}}, f"{WHAT}: `properties.delegations` is not a list of objects"),
        ({"properties": {"ipConfigurations": [1]}}, f"{WHAT}: `properties.ipConfigurations` is not a list of objects"),
        ({"properties": {"privateEndpoints": {}}}, f"{WHAT}: `properties.privateEndpoints` is not a list of objects"),
        (
            {"properties": {"serviceAssociationLinks": ["l"]}},
            f"{WHAT}: `properties.serviceAssociationLinks` is not a list of objects",
        ),
        (
            {"properties": {"delegations": [{"properties": []}]}},
            f"{WHAT}: a delegation's `properties` is not an object",
        ),
        (
            {"properties": {"delegations": [{"properties": {"serviceName": 7}}]}},
            f"a delegation's serviceName in {WHAT} is 7, not a name",
        ),
    ],
)
def test_a_resource_without_the_documented_shape_names_the_field(body, message):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import _check_resource

    with pytest.raises(MalformedAnswerError) as failed:
        _check_resource(body, WHAT)
    assert str(failed.value) == f"malformed answer from Azure: {message}, nothing written"


NETWORK_WHAT = "the managed network of account fdy-test"


def test_a_managed_network_answer_keeps_mode_firewall_modes_and_only_user_defined_rules():
    from foundry_iac.azure.live_arm import LiveManagedNetwork, managed_network_of

    fqdn = {"type": "FQDN", "category": "UserDefined", "destination": "orders.example"}
    tagless = {"type": "FQDN", "destination": "other.example"}  # no category: the user's own rule
    body = {
        "properties": {
            "managedNetwork": {
                "isolationMode": "AllowOnlyApprovedOutbound",
                "firewallSku": "Standard",
                "changeableIsolationModes": ["AllowOnlyApprovedOutbound", "Disabled"],
                "outboundRules": {
                    "orders": fqdn,
                    "other": tagless,
                    "required-AAD": {"type": "ServiceTag", "category": "Required"},
                    "recommended": {"type": "ServiceTag", "category": "Recommended"},
                },
            }
        }
    }
    assert managed_network_of(body, NETWORK_WHAT) == LiveManagedNetwork(
        isolation_mode="AllowOnlyApprovedOutbound",
        firewall_sku="Standard",
        changeable_modes=("AllowOnlyApprovedOutbound", "Disabled"),
        rules={"orders": fqdn, "other": tagless},
    )
    empty = LiveManagedNetwork(None, None, (), {})
    assert managed_network_of({}, NETWORK_WHAT) == empty
    assert managed_network_of({"properties": {"managedNetwork": {"changeableIsolationModes": None}}}, "x") == empty


@pytest.mark.parametrize(
    "network,message",
    [
        ([], f"{NETWORK_WHAT} is not an object"),
        ({"changeableIsolationModes": "Disabled"}, f"`changeableIsolationModes` of {NETWORK_WHAT} is not a list"),
        (
            {"changeableIsolationModes": ["Disabled", 1]},
            f"a changeable isolation mode of {NETWORK_WHAT} is 1, not a name",
        ),
        ({"outboundRules": ["a"]}, f"`outboundRules` of {NETWORK_WHAT} is not an object"),
        ({"outboundRules": {"r": "x"}}, f"outbound rule r of {NETWORK_WHAT} is not an object"),
        ({"isolationMode": 3}, f"isolationMode of {NETWORK_WHAT} is 3, not a name"),
        ({"firewallSku": ["Standard"]}, f"firewallSku of {NETWORK_WHAT} is ['Standard'], not a name"),
    ],
)
def test_a_managed_network_without_the_documented_shape_names_the_field(network, message):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import managed_network_of

    with pytest.raises(MalformedAnswerError) as failed:
        managed_network_of({"properties": {"managedNetwork": network}}, NETWORK_WHAT)
    assert str(failed.value) == f"malformed answer from Azure: {message}, nothing written"
    with pytest.raises(MalformedAnswerError) as failed:
        managed_network_of({"properties": "p"}, NETWORK_WHAT)
    assert (
        str(failed.value)
        == f"malformed answer from Azure: `properties` of {NETWORK_WHAT} is not an object, nothing written"
    )
