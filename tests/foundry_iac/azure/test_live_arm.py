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


SUB = "00000000-0000-0000-0000-000000000001"
RG = "rg-foundry-prod-eu"
ACCOUNTS = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.CognitiveServices/accounts"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"
DENIED = {"error": {"code": "AuthorizationFailed", "message": "no access"}}
NOT_FOUND = {"error": {"code": "ResourceNotFound", "message": "not found"}}
READER_ROLE = "Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)"


def live_arm(arm, tls):
    from foundry_iac.azure.live_arm import LiveArm
    from tests.foundry_iac.azure.conftest import StaticToken, endpoint

    return LiveArm(StaticToken(), SUB, endpoint(arm), verify=str(tls[1]), retry_backoff=0.01)


def failure(read, kind):
    with pytest.raises(kind) as failed:
        read()
    return str(failed.value)


def not_json(what: str) -> str:
    return f"malformed answer from Azure: {what}: the answer is text/plain, not JSON, nothing written"


def test_a_subdomain_check_asks_for_an_ai_services_account_of_that_name_and_keeps_azures_reason(arm, tls):
    import json

    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveReadError

    check = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/checkDomainAvailability"
    taken = {"isSubdomainAvailable": False, "subdomainName": "fdy-test", "reason": "AlreadyTaken"}
    arm.expect_request(
        check,
        method="POST",
        json={"subdomainName": "fdy-test", "type": "Microsoft.CognitiveServices/accounts", "kind": "AIServices"},
    ).respond_with_json(taken)
    arm.expect_request(
        check,
        method="POST",
        json={"subdomainName": "fdy-plain", "type": "Microsoft.CognitiveServices/accounts", "kind": "AIServices"},
    ).respond_with_data("busy", content_type="text/plain")
    arm.expect_request(check, method="POST").respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert live.subdomain("fdy-test") == (False, "AlreadyTaken")
    assert failure(lambda: live.subdomain("fdy-plain"), MalformedAnswerError) == not_json(
        "whether the custom subdomain fdy-plain is available"
    )
    assert failure(lambda: live.subdomain("fdy-other"), LiveReadError) == (
        "Azure denied reading whether the custom subdomain fdy-other is available (HTTP 403 AuthorizationFailed): "
        "grant the identity a role with Microsoft.CognitiveServices/checkDomainAvailability/action (Cognitive "
        "Services Contributor has it; Reader does not)"
    )
    live.close()
    assert json.loads(arm.log[0][0].data)["kind"] == "AIServices"


def test_a_content_filter_read_names_the_filter_and_checks_the_answer(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveReadError

    filters = f"{ACCOUNTS}/fdy-test/raiPolicies"
    arm.expect_request(f"{filters}/strict").respond_with_json({"name": "strict", "properties": {"mode": "Blocking"}})
    arm.expect_request(f"{filters}/gone").respond_with_json({"error": {"code": "NotFound"}}, status=404)
    arm.expect_request(f"{filters}/plain").respond_with_data("filter", content_type="text/plain")
    arm.expect_request(f"{filters}/hidden").respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert live.rai_policy_exists(RG, "fdy-test", "strict") is True
    assert live.rai_policy_exists(RG, "fdy-test", "gone") is False
    assert failure(lambda: live.rai_policy_exists(RG, "fdy-test", "plain"), MalformedAnswerError) == not_json(
        "content filter plain of account fdy-test"
    )
    assert failure(lambda: live.rai_policy_exists(RG, "fdy-test", "hidden"), LiveReadError) == (
        f"Azure denied reading content filter hidden of account fdy-test (HTTP 403 AuthorizationFailed): grant the "
        f"identity {READER_ROLE}"
    )
    live.close()


def test_a_soft_deleted_account_read_names_the_account_and_checks_the_answer(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveReadError

    region = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/swedencentral"
    deleted = f"{region}/resourceGroups/{RG}/deletedAccounts"
    arm.expect_request(f"{deleted}/fdy-old").respond_with_json({"name": "fdy-old", "location": "swedencentral"})
    arm.expect_request(f"{deleted}/fdy-plain").respond_with_data("gone", content_type="text/plain")
    arm.expect_request(f"{deleted}/fdy-hidden").respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert live.deleted_account("swedencentral", RG, "fdy-old")["name"] == "fdy-old"
    assert failure(lambda: live.deleted_account("swedencentral", RG, "fdy-plain"), MalformedAnswerError) == not_json(
        "soft-deleted accounts named fdy-plain in swedencentral"
    )
    assert failure(lambda: live.deleted_account("swedencentral", RG, "fdy-hidden"), LiveReadError) == (
        "Azure denied reading soft-deleted accounts named fdy-hidden in swedencentral (HTTP 403 "
        f"AuthorizationFailed): grant the identity {READER_ROLE}"
    )
    live.close()


def test_a_resource_is_read_at_its_types_api_version_and_named_in_every_failure(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveReadError

    subnet = {"location": "swedencentral", "properties": {"delegations": []}}
    arm.expect_request(SUBNET, query_string={"api-version": "2024-05-01"}).respond_with_json(subnet)
    arm.expect_request(f"{SUBNET}-plain").respond_with_data("subnet", content_type="text/plain")
    arm.expect_request(f"{SUBNET}-odd").respond_with_json({"properties": []})
    arm.expect_request(f"{SUBNET}-hidden").respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert live.resource(SUBNET) == subnet
    plain = failure(lambda: live.resource(f"{SUBNET}-plain"), MalformedAnswerError)
    assert f"{SUBNET}-plain: the answer is text/plain, not JSON" in plain  # the pipeline checks every answer
    assert failure(lambda: live.resource(f"{SUBNET}-odd"), MalformedAnswerError) == (
        f"malformed answer from Azure: resource {SUBNET}-odd: `properties` is not an object, nothing written"
    )
    assert failure(lambda: live.resource(f"{SUBNET}-hidden"), LiveReadError) == (
        f"Azure denied reading resource {SUBNET}-hidden (HTTP 403 AuthorizationFailed): grant the identity "
        f"{READER_ROLE}"
    )
    live.close()


def test_a_managed_network_read_returns_the_network_and_names_it_in_every_failure(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveManagedNetwork, LiveReadError

    def network(account: str) -> str:
        return f"{ACCOUNTS}/{account}/managedNetworks/default"

    arm.expect_request(network("fdy-test")).respond_with_json(
        {"properties": {"managedNetwork": {"isolationMode": "Disabled"}}}
    )
    arm.expect_request(network("fdy-none")).respond_with_json({"error": {"code": "NotFound"}}, status=404)
    arm.expect_request(network("fdy-plain")).respond_with_data("net", content_type="text/plain")
    arm.expect_request(network("fdy-odd")).respond_with_json({"properties": {"managedNetwork": {"isolationMode": 1}}})
    arm.expect_request(network("fdy-hidden")).respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert live.managed_network(RG, "fdy-test") == LiveManagedNetwork("Disabled", None, (), {})
    assert live.managed_network(RG, "fdy-none") is None
    plain = failure(lambda: live.managed_network(RG, "fdy-plain"), MalformedAnswerError)
    assert "fdy-plain/managedNetworks/default: the answer is text/plain, not JSON" in plain
    assert failure(lambda: live.managed_network(RG, "fdy-odd"), MalformedAnswerError) == (
        "malformed answer from Azure: isolationMode of the managed network of account fdy-odd is 1, not a name, "
        "nothing written"
    )
    assert failure(lambda: live.managed_network(RG, "fdy-hidden"), LiveReadError) == (
        "Azure denied reading the managed network of account fdy-hidden (HTTP 403 AuthorizationFailed): grant the "
        f"identity {READER_ROLE}"
    )
    live.close()


def test_a_subdomain_azure_cannot_find_or_gives_no_reason_for_is_available_with_no_reason(arm, tls):
    check = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/checkDomainAvailability"
    arm.expect_request(
        check,
        method="POST",
        json={"subdomainName": "fdy-free", "type": "Microsoft.CognitiveServices/accounts", "kind": "AIServices"},
    ).respond_with_json({"isSubdomainAvailable": True})
    arm.expect_request(check, method="POST").respond_with_json({"error": {"code": "NotFound"}}, status=404)
    live = live_arm(arm, tls)
    assert live.subdomain("fdy-free") == (True, "")
    assert live.subdomain("fdy-unknown") == (True, "")
    live.close()


def test_the_deployments_of_an_account_are_read_over_every_page_and_named_in_a_failure(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveDeployment, LiveReadError
    from tests.foundry_iac.azure.conftest import endpoint

    def deployment(name: str, model: str) -> dict:
        return {
            "name": name,
            "sku": {"name": "GlobalStandard", "capacity": 10},
            "properties": {"model": {"format": "OpenAI", "name": model, "version": "1"}},
        }

    listed = f"{ACCOUNTS}/fdy-test/deployments"
    page2 = f"{endpoint(arm)}{listed}?api-version=2025-06-01&page=2"
    arm.expect_request(listed, query_string="api-version=2025-06-01").respond_with_json(
        {"value": [deployment("chat", "gpt-4o")], "nextLink": page2}
    )
    arm.expect_request(listed, query_string="api-version=2025-06-01&page=2").respond_with_json(
        {"value": [deployment("embed", "text-embedding-3-large")]}
    )
    arm.expect_request(f"{ACCOUNTS}/fdy-hidden/deployments").respond_with_json(DENIED, status=403)
    arm.expect_request(f"{ACCOUNTS}/fdy-plain/deployments").respond_with_data("none", content_type="text/plain")
    live = live_arm(arm, tls)
    assert live.deployments(RG, "fdy-test") == {
        "chat": LiveDeployment("gpt-4o", "1", "GlobalStandard", 10),
        "embed": LiveDeployment("text-embedding-3-large", "1", "GlobalStandard", 10),
    }
    assert failure(lambda: live.deployments(RG, "fdy-hidden"), LiveReadError) == (
        "Azure denied reading the deployments of account fdy-hidden (HTTP 403 AuthorizationFailed): grant the "
        f"identity {READER_ROLE}"
    )
    assert failure(lambda: live.deployments(RG, "fdy-plain"), MalformedAnswerError) == not_json(
        "the deployments of account fdy-plain"
    )
    live.close()


def test_an_empty_subdomain_reason_is_named_as_malformed(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError

    check = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/checkDomainAvailability"
    arm.expect_request(check, method="POST").respond_with_json({"isSubdomainAvailable": False, "reason": ""})
    live = live_arm(arm, tls)
    assert failure(lambda: live.subdomain("fdy-x"), MalformedAnswerError) == (
        "malformed answer from Azure: the reason in whether the custom subdomain fdy-x is available is '', not a "
        "name, nothing written"
    )
    live.close()


def test_deployments_past_the_page_limit_are_refused_by_name(arm, tls):
    from foundry_iac.azure.client import AzureAnswerError, Limits
    from foundry_iac.azure.live_arm import LiveArm
    from tests.foundry_iac.azure.conftest import StaticToken, endpoint

    listed = f"{ACCOUNTS}/fdy-test/deployments"
    more = {"value": [], "nextLink": f"{endpoint(arm)}{listed}?api-version=2025-06-01&page=2"}
    arm.expect_request(listed).respond_with_json(more)
    live = LiveArm(
        StaticToken(), SUB, endpoint(arm), verify=str(tls[1]), retry_backoff=0.01, limits=Limits(max_pages=1)
    )
    assert failure(lambda: live.deployments(RG, "fdy-test"), AzureAnswerError) == (
        "the deployments of account fdy-test runs past 1 pages: refused (a runaway nextLink), nothing written"
    )
    live.close()


def test_a_deployment_mid_creation_is_left_out_and_one_without_a_name_is_malformed(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveDeployment

    model = {"format": "OpenAI", "name": "gpt-4o", "version": "1"}
    ready = {"name": "chat", "sku": {"name": "Standard", "capacity": 5}, "properties": {"model": model}}
    unsized = {"name": "idle", "sku": {"name": "Standard"}, "properties": {"model": {**model, "version": None}}}
    listed = [{"name": "bare"}, {"name": "no-sku", "properties": {"model": model}}, ready, unsized]
    arm.expect_request(f"{ACCOUNTS}/fdy-test/deployments").respond_with_json({"value": listed})
    arm.expect_request(f"{ACCOUNTS}/fdy-odd/deployments").respond_with_json({"value": [{"sku": {"name": "S"}}]})
    nameless = {"name": "chat", "sku": {"name": "S"}, "properties": {"model": {"format": "OpenAI"}}}
    arm.expect_request(f"{ACCOUNTS}/fdy-model/deployments").respond_with_json({"value": [nameless]})
    odd = {
        "fdy-version": {"model": {**model, "version": ""}, "sku": {"name": "S"}},
        "fdy-sku": {"model": model, "sku": {"capacity": 1}},
        "fdy-capacity": {"model": model, "sku": {"name": "S", "capacity": -1}},
    }
    for account, parts in odd.items():
        bad = {"name": "chat", "sku": parts["sku"], "properties": {"model": parts["model"]}}
        arm.expect_request(f"{ACCOUNTS}/{account}/deployments").respond_with_json({"value": [bad]})
    live = live_arm(arm, tls)
    assert live.deployments(RG, "fdy-test") == {
        "chat": LiveDeployment("gpt-4o", "1", "Standard", 5),
        "idle": LiveDeployment("gpt-4o", None, "Standard", 0),
    }
    where = "of deployment chat in the deployments of account"
    for account, field in [
        ("fdy-version", f"the model version {where} fdy-version is ''"),
        ("fdy-sku", f"the sku {where} fdy-sku is None"),
    ]:
        assert failure(lambda a=account: live.deployments(RG, a), MalformedAnswerError) == (
            f"malformed answer from Azure: {field}, not a name, nothing written"
        )
    assert failure(lambda: live.deployments(RG, "fdy-capacity"), MalformedAnswerError) == (
        f"malformed answer from Azure: the capacity {where} fdy-capacity is -1, not a number >= 0, nothing written"
    )
    assert failure(lambda: live.deployments(RG, "fdy-odd"), MalformedAnswerError) == (
        "malformed answer from Azure: a deployment's name in the deployments of account fdy-odd is None, not a name, "
        "nothing written"
    )
    assert failure(lambda: live.deployments(RG, "fdy-model"), MalformedAnswerError) == (
        "malformed answer from Azure: the model of deployment chat in the deployments of account fdy-model is None, "
        "not a name, nothing written"
    )
    live.close()


def test_quota_usages_are_read_over_every_page_and_a_bad_list_is_refused_by_name(arm, tls):
    from foundry_iac.azure.client import AzureAnswerError, Limits, MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveArm
    from tests.foundry_iac.azure.conftest import StaticToken, endpoint

    def usage(name: str, used: float) -> dict:
        return {"name": {"value": name}, "currentValue": used, "limit": 300.0, "unit": "Count"}

    regions = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations"
    listed = f"{regions}/swedencentral/usages"
    page2 = f"{endpoint(arm)}{listed}?api-version=2025-06-01&page=2"
    arm.expect_request(listed, query_string="api-version=2025-06-01").respond_with_json(
        {"value": [usage("OpenAI.Standard.gpt-4o", 10.0)], "nextLink": page2}
    )
    arm.expect_request(listed, query_string="api-version=2025-06-01&page=2").respond_with_json(
        {"value": [usage("OpenAI.Standard.gpt-5.1", 0.0)]}
    )
    arm.expect_request(f"{regions}/westeurope/usages").respond_with_data("none", content_type="text/plain")
    arm.expect_request(f"{regions}/norwayeast/usages").respond_with_json(
        {"value": [{"currentValue": 1.0, "limit": 2.0}]}
    )
    arm.expect_request(f"{regions}/uksouth/usages").respond_with_json({"value": [usage("OpenAI.S.x", -1.0)]})
    live = live_arm(arm, tls)
    assert live.usages("swedencentral") == {
        "OpenAI.Standard.gpt-4o": (10.0, 300.0),
        "OpenAI.Standard.gpt-5.1": (0.0, 300.0),
    }
    assert failure(lambda: live.usages("westeurope"), MalformedAnswerError) == not_json("quota usages in westeurope")
    assert failure(lambda: live.usages("norwayeast"), MalformedAnswerError) == (
        "malformed answer from Azure: a usage's name in quota usages in norwayeast is None, not a name, nothing written"
    )
    assert failure(lambda: live.usages("uksouth"), MalformedAnswerError) == (
        "malformed answer from Azure: the currentValue of OpenAI.S.x in quota usages in uksouth is -1.0, not a number "
        ">= 0, nothing written"
    )
    live.close()
    short = LiveArm(
        StaticToken(), SUB, endpoint(arm), verify=str(tls[1]), retry_backoff=0.01, limits=Limits(max_pages=1)
    )
    assert failure(lambda: short.usages("swedencentral"), AzureAnswerError) == (
        "quota usages in swedencentral runs past 1 pages: refused (a runaway nextLink), nothing written"
    )
    short.close()


REGIONS = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations"
MODELS_WHAT = "the models offered in swedencentral (models.list)"
SKU_NO_USAGE = {"name": "S", "usageName": ""}


def test_the_models_of_a_region_are_read_over_every_page_with_their_skus_and_lifecycle(arm, tls):
    import datetime as dt

    from foundry_iac.azure.live_arm import OfferedModel, OfferedSku
    from tests.foundry_iac.azure.conftest import endpoint

    sku = {
        "name": "GlobalStandard",
        "usageName": "OpenAI.GlobalStandard.gpt-4o",
        "deprecationDate": "2026-10-01T00:00:00Z",
    }
    chat = {
        "format": "OpenAI",
        "name": "gpt-4o",
        "version": "2024-11-20",
        "lifecycleStatus": "GenerallyAvailable",
        "deprecation": {"inference": "2026-12-01T00:00:00Z"},
        "skus": [sku, {"name": "Standard"}],
    }
    unversioned = {"format": "Cohere", "name": "embed", "skus": []}
    listed = f"{REGIONS}/swedencentral/models"
    page2 = f"{endpoint(arm)}{listed}?api-version=2025-06-01&page=2"
    arm.expect_request(listed, query_string="api-version=2025-06-01").respond_with_json(
        {"value": [{"model": chat}], "nextLink": page2}
    )
    arm.expect_request(listed, query_string="api-version=2025-06-01&page=2").respond_with_json(
        {"value": [{"model": unversioned}]}
    )
    live = live_arm(arm, tls)
    assert live.models("swedencentral") == {
        ("OpenAI", "gpt-4o", "2024-11-20"): OfferedModel(
            "OpenAI",
            "gpt-4o",
            "2024-11-20",
            "GenerallyAvailable",
            dt.date(2026, 12, 1),
            {
                "GlobalStandard": OfferedSku("GlobalStandard", "OpenAI.GlobalStandard.gpt-4o", dt.date(2026, 10, 1)),
                "Standard": OfferedSku("Standard", None, None),
            },
        ),
        ("Cohere", "embed", ""): OfferedModel("Cohere", "embed", "", None, None, {}),  # no version: ""
    }
    live.close()


@pytest.mark.parametrize(
    "answer,message",
    [
        ({"values": []}, f"{MODELS_WHAT}: a list answer without `value`"),
        ({"value": [{"model": {"name": "m", "skus": "GlobalStandard"}}]}, None),  # the SDK model's shape, by hook
        ({"value": [{"kind": "OpenAI"}]}, f"{MODELS_WHAT}: an entry without a model"),
        (
            {"value": [{"model": {"format": "OpenAI", "name": ""}}]},
            f"a model's name in {MODELS_WHAT} is '', not a name",
        ),
        (
            {"value": [{"model": {"format": "OpenAI", "name": "m", "version": ""}}]},
            f"the version of m in {MODELS_WHAT} is '', not a name",
        ),
        (
            {"value": [{"model": {"format": "OpenAI", "name": "m", "version": "1", "skus": [{"name": ""}]}}]},
            f"a deployment type of m 1 in {MODELS_WHAT} is '', not a name",
        ),
        (
            {"value": [{"model": {"format": "OpenAI", "name": "m", "version": "1", "skus": [SKU_NO_USAGE]}}]},
            f"the usageName of S of m 1 in {MODELS_WHAT} is '', not a name",
        ),
        (
            {"value": [{"model": {"format": "", "name": "m", "version": "1"}}]},
            f"the format of m 1 in {MODELS_WHAT} is '', not a name",
        ),
        (
            {"value": [{"model": {"format": "OpenAI", "name": "m", "version": "1", "lifecycleStatus": ""}}]},
            f"the lifecycleStatus of m 1 in {MODELS_WHAT} is '', not a name",
        ),
    ],
    ids=[
        "no-value",
        "sku-list-shape",
        "no-model",
        "empty-name",
        "empty-version",
        "empty-sku-name",
        "empty-usage-name",
        "empty-format",
        "empty-lifecycle",
    ],
)
def test_a_models_answer_without_the_documented_shape_names_the_field(arm, tls, answer, message):
    from foundry_iac.azure.client import MalformedAnswerError

    arm.expect_request(f"{REGIONS}/swedencentral/models").respond_with_json(answer)
    live = live_arm(arm, tls)
    refused = failure(lambda: live.models("swedencentral"), MalformedAnswerError)
    live.close()
    if message is None:
        assert refused.startswith(f"malformed answer from Azure: {MODELS_WHAT}: $.value[0].model.skus is ")
    else:
        assert refused == f"malformed answer from Azure: {message}, nothing written"


def test_the_models_and_capacities_past_the_page_limit_are_refused_by_name(arm, tls):
    from foundry_iac.azure.client import AzureAnswerError, Limits
    from foundry_iac.azure.live_arm import LiveArm
    from tests.foundry_iac.azure.conftest import StaticToken, endpoint

    for listed in (f"{REGIONS}/swedencentral/models", f"{REGIONS}/swedencentral/modelCapacities"):
        more = {"value": [], "nextLink": f"{endpoint(arm)}{listed}?api-version=2025-06-01&page=2"}
        arm.expect_request(listed).respond_with_json(more)
    live = LiveArm(
        StaticToken(), SUB, endpoint(arm), verify=str(tls[1]), retry_backoff=0.01, limits=Limits(max_pages=1)
    )
    assert failure(lambda: live.models("swedencentral"), AzureAnswerError) == (
        f"{MODELS_WHAT} runs past 1 pages: refused (a runaway nextLink), nothing written"
    )
    assert failure(lambda: live.available_capacity("swedencentral", "OpenAI", "gpt-4o", "1"), AzureAnswerError) == (
        "the capacity available for gpt-4o 1 in swedencentral (locationBasedModelCapacities) runs past 1 pages: "
        "refused (a runaway nextLink), nothing written"
    )
    live.close()


CAPACITY_WHAT = "the capacity available for gpt-4o 1 in swedencentral (locationBasedModelCapacities)"


def _capacity(sku: str, left: float) -> dict:
    return {"properties": {"skuName": sku, "availableCapacity": left}}


def test_the_capacity_of_each_deployment_type_is_summed_over_every_entry_and_page(arm, tls):
    from tests.foundry_iac.azure.conftest import endpoint

    listed = f"{REGIONS}/swedencentral/modelCapacities"
    query = "api-version=2025-06-01&modelFormat=OpenAI&modelName=gpt-4o&modelVersion=1"
    arm.expect_request(listed, query_string=query).respond_with_json(
        {
            "value": [_capacity("GlobalStandard", 100), _capacity("DataZoneStandard", 20)],
            "nextLink": f"{endpoint(arm)}{listed}?{query}&page=2",
        }
    )
    arm.expect_request(listed, query_string=f"{query}&page=2").respond_with_json(
        {"value": [_capacity("GlobalStandard", 50)]}
    )
    live = live_arm(arm, tls)
    assert live.available_capacity("swedencentral", "OpenAI", "gpt-4o", "1") == {
        "GlobalStandard": 150,
        "DataZoneStandard": 20,
    }
    live.close()


@pytest.mark.parametrize(
    "answer,message",
    [
        ({"values": []}, f"{CAPACITY_WHAT}: a list answer without `value`"),
        (
            {"value": [{"properties": {"skuName": "S", "availableCapacity": "lots"}}]},
            f"{CAPACITY_WHAT}: $.value[0].properties.availableCapacity is 'lots', not float",
        ),
        ({"value": [{"location": "swedencentral"}]}, f"the skuName of an entry of {CAPACITY_WHAT} is None, not a name"),
        ({"value": [_capacity("S", -1)]}, f"the availableCapacity of S in {CAPACITY_WHAT} is -1.0, not a number >= 0"),
    ],
    ids=["no-value", "capacity-shape", "no-properties", "negative-capacity"],
)
def test_a_capacity_answer_without_the_documented_shape_names_the_field(arm, tls, answer, message):
    from foundry_iac.azure.client import MalformedAnswerError

    arm.expect_request(f"{REGIONS}/swedencentral/modelCapacities").respond_with_json(answer)
    live = live_arm(arm, tls)
    assert failure(lambda: live.available_capacity("swedencentral", "OpenAI", "gpt-4o", "1"), MalformedAnswerError) == (
        f"malformed answer from Azure: {message}, nothing written"
    )
    live.close()


def test_a_capacity_read_azure_denies_names_the_reader_role(arm, tls):
    from foundry_iac.azure.live_arm import LiveReadError

    arm.expect_request(f"{REGIONS}/swedencentral/modelCapacities").respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert failure(lambda: live.available_capacity("swedencentral", "OpenAI", "gpt-4o", "1"), LiveReadError) == (
        f"Azure denied reading {CAPACITY_WHAT} (HTTP 403 AuthorizationFailed): grant the identity {READER_ROLE}"
    )
    live.close()


PRICING = f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings"
PLAN_WHAT = f"the Defender plan AI of subscription {SUB}"


def test_a_defender_plan_is_read_at_the_pricing_api_version_and_an_answer_without_properties_has_no_tier(arm, tls):
    arm.expect_request(f"{PRICING}/AI", query_string={"api-version": "2024-01-01"}).respond_with_json(
        {"name": "AI", "properties": {"pricingTier": "Standard"}}
    )
    arm.expect_request(f"{PRICING}/Bare").respond_with_json({"name": "Bare"})
    arm.expect_request(f"{PRICING}/None").respond_with_json({"error": {"code": "NotFound"}}, status=404)
    live = live_arm(arm, tls)
    assert live.defender_tier("AI") == "Standard"
    assert live.defender_tier("Bare") is None
    assert live.defender_tier("None") is None
    live.close()


@pytest.mark.parametrize(
    "answer,message",
    [
        ({"properties": "Standard"}, f"{PLAN_WHAT}: `properties` is not an object"),
        ({"properties": {"pricingTier": 5}}, f"the pricingTier of {PLAN_WHAT} is 5, not a name"),
    ],
    ids=["properties-not-object", "tier-not-text"],
)
def test_a_defender_plan_without_the_documented_shape_names_the_field(arm, tls, answer, message):
    from foundry_iac.azure.client import MalformedAnswerError

    arm.expect_request(f"{PRICING}/AI").respond_with_json(answer)
    live = live_arm(arm, tls)
    assert failure(lambda: live.defender_tier("AI"), MalformedAnswerError) == (
        f"malformed answer from Azure: {message}, nothing written"
    )
    live.close()


def test_a_models_read_azure_denies_names_the_reader_role(arm, tls):
    from foundry_iac.azure.live_arm import LiveReadError

    arm.expect_request(f"{REGIONS}/swedencentral/models").respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert failure(lambda: live.models("swedencentral"), LiveReadError) == (
        f"Azure denied reading {MODELS_WHAT} (HTTP 403 AuthorizationFailed): grant the identity {READER_ROLE}"
    )
    live.close()


PROVIDER = f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices"
PROVIDER_WHAT = f"the registration of Microsoft.CognitiveServices in subscription {SUB}"


@pytest.mark.parametrize(
    "answer, status, state",
    [({"registrationState": "Registered"}, 200, "Registered"), ({}, 200, None), (NOT_FOUND, 404, None)],
    ids=["registered", "no-state", "not-found"],
)
def test_the_provider_registration_is_read_and_a_missing_one_is_none(arm, tls, answer, status, state):
    arm.expect_request(PROVIDER).respond_with_json(answer, status=status)
    live = live_arm(arm, tls)
    assert live.provider_state() == state
    live.close()


def test_a_provider_read_names_the_registration_in_every_failure(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveArm, LiveReadError
    from tests.foundry_iac.azure.conftest import StaticToken, endpoint

    arm.expect_ordered_request(PROVIDER).respond_with_json({"registrationState": 5})
    arm.expect_ordered_request(PROVIDER).respond_with_json(DENIED, status=403)
    live = live_arm(arm, tls)
    assert failure(live.provider_state, MalformedAnswerError) == (
        f"malformed answer from Azure: registrationState in {PROVIDER_WHAT} is 5, not a name, nothing written"
    )
    live.close()
    other = LiveArm(StaticToken(), SUB, endpoint(arm), verify=str(tls[1]), retry_backoff=0.01)
    assert failure(other.provider_state, LiveReadError) == (
        f"Azure denied reading {PROVIDER_WHAT} (HTTP 403 AuthorizationFailed): grant the identity {READER_ROLE}"
    )
    other.close()


def test_an_account_read_names_the_account_checks_the_answer_and_names_the_reader_role(arm, tls):
    from foundry_iac.azure.client import MalformedAnswerError
    from foundry_iac.azure.live_arm import LiveReadError

    arm.expect_request(f"{ACCOUNTS}/fdy-test").respond_with_json({"name": "fdy-test", "kind": "AIServices"})
    arm.expect_request(f"{ACCOUNTS}/fdy-odd").respond_with_json({"name": "fdy-odd", "properties": []})
    arm.expect_request(f"{ACCOUNTS}/fdy-hidden").respond_with_json(DENIED, status=403)
    arm.expect_request(f"{ACCOUNTS}/fdy-gone").respond_with_json(NOT_FOUND, status=404)
    live = live_arm(arm, tls)
    assert live.account(RG, "fdy-test") == {"name": "fdy-test", "kind": "AIServices"}
    assert live.account(RG, "fdy-gone") is None
    assert failure(lambda: live.account(RG, "fdy-odd"), MalformedAnswerError) == (
        f"malformed answer from Azure: account fdy-odd in {RG}: $.properties is [], not AccountProperties, "
        "nothing written"
    )
    assert failure(lambda: live.account(RG, "fdy-hidden"), LiveReadError) == (
        f"Azure denied reading account fdy-hidden in {RG} (HTTP 403 AuthorizationFailed): grant the identity "
        f"{READER_ROLE}"
    )
    live.close()


def test_an_answer_the_sdk_cannot_deserialize_is_a_malformed_answer_naming_the_read(arm, tls):
    """The SDK model refuses a deprecationDate that is no date-time before foundry-iac's own checks run."""
    from foundry_iac.azure.client import MalformedAnswerError

    sku = {"name": "S", "deprecationDate": "soon"}
    answer = {"value": [{"model": {"format": "OpenAI", "name": "m", "version": "1", "skus": [sku]}}]}
    arm.expect_request(f"{REGIONS}/swedencentral/models").respond_with_json(answer)
    live = live_arm(arm, tls)
    refused = failure(lambda: live.models("swedencentral"), MalformedAnswerError)
    live.close()
    assert refused.startswith(f"malformed answer from Azure: {MODELS_WHAT}: Unable to deserialize response data.")
    assert "'deprecationDate': 'soon'" in refused and refused.endswith(", nothing written")


def test_an_arm_endpoint_that_cannot_be_reached_is_a_read_error_not_a_denial(tls):
    """A connection refused carries no HTTP status and no OData error: it is named as what it is."""
    import socket

    from foundry_iac.azure.live_arm import LiveArm, LiveReadError
    from tests.foundry_iac.azure.conftest import StaticToken

    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    live = LiveArm(StaticToken(), SUB, f"https://127.0.0.1:{port}", verify=str(tls[1]), retry_backoff=0.01)
    with pytest.raises(LiveReadError) as failed:
        live.provider_state()
    live.close()
    assert not failed.value.denied
    assert failed.value.message.startswith(f"cannot read {PROVIDER_WHAT}: ServiceRequestError: ")


@pytest.mark.parametrize(
    "status, body, shown",
    [
        (403, {}, "HTTP 403"),
        (401, {"error": {"code": "InvalidAuthenticationToken"}}, "HTTP 401 InvalidAuthenticationToken"),
    ],
    ids=["403-without-code", "401"],
)
def test_a_denied_read_shows_the_status_and_only_the_error_code_azure_gave(arm, tls, status, body, shown):
    from foundry_iac.azure.live_arm import LiveReadError

    arm.expect_request(PROVIDER).respond_with_json(body, status=status)
    live = live_arm(arm, tls)
    with pytest.raises(LiveReadError) as failed:
        live.provider_state()
    live.close()
    assert failed.value.denied
    assert failed.value.message == f"Azure denied reading {PROVIDER_WHAT} ({shown}): grant the identity {READER_ROLE}"


def test_a_credential_error_is_quoted_up_to_120_characters(arm, tls):
    from azure.core.exceptions import ClientAuthenticationError

    from foundry_iac.azure.live_arm import LiveArm, LiveReadError

    said = "x" * 150

    class NoSignIn:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            raise ClientAuthenticationError(said)

    live = LiveArm(NoSignIn(), SUB, f"https://127.0.0.1:{arm.port}", verify=str(tls[1]), retry_backoff=0.01)
    with pytest.raises(LiveReadError) as failed:
        live.provider_state()
    live.close()
    assert f"({'x' * 120}...): sign in (az login; azure/login with OIDC in CI) as an identity with " in (
        failed.value.message
    )


def test_a_server_error_without_a_code_is_named_with_its_status_alone(arm, tls):
    from foundry_iac.azure.live_arm import LiveReadError

    arm.expect_request(PROVIDER).respond_with_data("upstream timed out", status=500, content_type="text/plain")
    live = live_arm(arm, tls)
    with pytest.raises(LiveReadError) as failed:
        live.provider_state()
    live.close()
    assert not failed.value.denied
    assert failed.value.message.startswith(f"Azure answered HTTP 500 reading {PROVIDER_WHAT} after retries: ")


@pytest.mark.parametrize(
    "raised,said",
    [
        ("the stream was closed", "the stream was closed"),
        ("closed\n\x1b[2Kerror: forged", "closed \\x1b[2Kerror: forged"),  # spans lines, holds escapes: one line
    ],
    ids=["no-answer", "escapes"],
)
def test_an_http_error_raised_before_any_answer_is_a_read_error_never_http_none(arm, tls, raised, said):
    """azure-core may raise an HttpResponseError that carries no response (so no status): it is named by its
    kind, never as an answer with status None, on one escaped line."""
    from azure.core.exceptions import HttpResponseError

    from foundry_iac.azure.live_arm import LiveReadError

    def read() -> None:
        raise HttpResponseError(message=raised)

    live = live_arm(arm, tls)
    with pytest.raises(LiveReadError) as failed:
        live._read("the test read", "Reader", read)
    live.close()
    assert failed.value.message == f"cannot read the test read: HttpResponseError: {said}"
    assert not failed.value.denied
