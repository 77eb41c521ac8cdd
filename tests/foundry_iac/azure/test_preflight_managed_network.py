"""`preflight` reads an existing account's managed network (GET .../managedNetworks/default at the SDK's API
version) from the fake HTTPS ARM and reports where Azure differs from what the stack writes."""

from __future__ import annotations

import pytest

from foundry_iac.azure.live_arm import LiveArm
from tests.conftest import TAGGED_STACK, managed_network_block
from tests.foundry_iac.azure.conftest import StaticToken, endpoint
from tests.foundry_iac.azure.test_preflight import ACCOUNT, REGION, SUB, FakeArm, findings, run

CHECK = "preflight-managed-network"
DATA = f"/subscriptions/{SUB}/resourceGroups/rg-data/providers"
NETWORK = managed_network_block()
STACK = TAGGED_STACK.replace("      projects:\n", NETWORK + "      projects:\n", 1)
EXISTS = {"id": ACCOUNT, "name": "fdy-test", "location": REGION, "properties": {}}
FILES_RULE = {
    "type": "PrivateEndpoint",
    "category": "UserDefined",
    "destination": {
        "serviceResourceId": f"{DATA}/Microsoft.Storage/storageAccounts/stagents",
        "subresourceTarget": "blob",
    },
    "status": "Active",
}


def live_network(mode: str = "AllowOnlyApprovedOutbound", changeable: list[str] | None = None, **rules: dict) -> dict:
    found = {
        "agents-files": FILES_RULE,
        "orders-api": {"type": "FQDN", "category": "UserDefined", "destination": "orders.api.contoso.example"},
    }
    found["required-AAD"] = {
        "type": "ServiceTag",
        "category": "Required",
        "destination": {"serviceTag": "AzureActiveDirectory", "action": "Allow"},
    }
    found.update(rules)
    return {
        "id": f"{ACCOUNT}/managedNetworks/default",
        "name": "default",
        "properties": {
            "managedNetwork": {
                "isolationMode": mode,
                "firewallSku": "Standard",
                "managedNetworkKind": "V2",
                "changeableIsolationModes": changeable if changeable is not None else [mode],
                "outboundRules": found,
                "status": {"status": "Active"},
            }
        },
    }


@pytest.fixture
def stack(tmp_path):
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(STACK)
    return path


@pytest.fixture
def fake(arm) -> FakeArm:
    made = FakeArm(arm)
    made.account = EXISTS
    return made


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_an_account_whose_managed_network_matches_the_stack_passes(fake, tls, stack):
    fake.managed_network = live_network()  # the Required rule Azure adds is not the stack's to state
    entry = run(fake, tls, stack)
    assert findings(entry) == [] and entry["passed"]


def test_a_mode_azure_can_no_longer_change_to_fails_at_the_managed_network_line(fake, tls, stack):
    fake.managed_network = live_network("AllowOnlyApprovedOutbound", changeable=["AllowOnlyApprovedOutbound"])
    stack.write_text(
        STACK.replace("isolation: AllowOnlyApprovedOutbound", "isolation: AllowInternetOutbound")
        .replace("        firewallSku: Standard\n", "")
        .replace("          - name: orders-api\n            fqdn: orders.api.contoso.example\n", "")
    )
    entry = run(fake, tls, stack)
    found = findings(entry, CHECK)
    failing = [f for f in found if f["enforcement"] == "mandatory"]
    assert [f["message"] for f in failing] == [
        "fdy-test: the managed network is AllowOnlyApprovedOutbound and Azure can change it only to "
        "AllowOnlyApprovedOutbound, not AllowInternetOutbound: keep AllowOnlyApprovedOutbound, or deploy a new account"
    ]
    assert failing[0]["source"]["line"] == line_of(stack.read_text(), "      managedNetwork:")
    assert not entry["passed"]
    # the FQDN rule Azure still has and the stack dropped is shown, as drift
    assert any(
        "user-defined outbound rule orders-api (FQDN 'orders.api.contoso.example')" in f["message"]
        for f in found
        if f["enforcement"] == "advisory"
    )


def test_a_changeable_mode_a_changed_rule_a_missing_one_and_a_foreign_one_are_advisory_drift(fake, tls, stack):
    foreign = {"type": "FQDN", "category": "UserDefined", "destination": "pypi.org"}
    network = live_network("AllowInternetOutbound", changeable=["AllowOnlyApprovedOutbound"], pypi=foreign)
    rules = network["properties"]["managedNetwork"]["outboundRules"]
    rules["orders-api"] = {"type": "FQDN", "category": "UserDefined", "destination": "old.contoso.example"}
    del rules["agents-files"]
    fake.managed_network = network
    entry = run(fake, tls, stack)
    found = findings(entry, CHECK)
    assert entry["passed"] and {f["enforcement"] for f in found} == {"advisory"}
    text = stack.read_text()
    assert [(f["message"], f["source"]["line"]) for f in found] == [
        (
            "fdy-test: the managed network is AllowInternetOutbound in Azure; pulumi up changes it to "
            "AllowOnlyApprovedOutbound",
            line_of(text, "      managedNetwork:"),
        ),
        (
            "fdy-test/agents-files: not in Azure yet; pulumi up creates it",
            line_of(text, "          - name: agents-files"),
        ),
        (
            "fdy-test/orders-api: Azure has FQDN 'old.contoso.example'; pulumi up writes FQDN "
            "'orders.api.contoso.example'",
            line_of(text, "          - name: orders-api"),
        ),
        (
            "fdy-test: Azure has the user-defined outbound rule pypi (FQDN 'pypi.org') that the stack does not state: "
            "it was made outside the stack; state it, or delete it deliberately",
            line_of(text, "    - name: fdy-test"),
        ),
    ]


def test_an_account_on_its_own_agent_subnet_cannot_become_a_managed_network(fake, tls, stack):
    subnet = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"
    fake.account = {**EXISTS, "properties": {"networkInjections": [{"scenario": "agent", "subnetArmId": subnet}]}}
    (found,) = findings(run(fake, tls, stack), CHECK)
    assert found["enforcement"] == "mandatory"
    assert found["message"].startswith(
        "fdy-test: the account's agents use its own subnet agents; Azure has no upgrade path from a custom VNet to a "
        "managed network (the account must be redeployed)"
    )


def test_a_live_network_the_stack_does_not_state_is_shown_and_none_is_quiet(fake, tls, tmp_path):
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(TAGGED_STACK)
    assert findings(run(fake, tls, path)) == []  # 404: no managed network, none stated
    fake.server.clear()
    fake.managed_network = live_network("AllowInternetOutbound")
    (found,) = findings(run(fake, tls, path), CHECK)
    assert found["enforcement"] == "advisory" and found["message"].startswith(
        "fdy-test: Azure has a managed network (AllowInternetOutbound) that the stack does not state"
    )


def test_a_new_account_is_not_asked_for_its_managed_network(fake, tls, stack):
    fake.account = None
    entry = run(fake, tls, stack)
    assert findings(entry, CHECK) == [] and findings(entry, "preflight-unreadable") == []
    assert not [r for r in fake.server.log if "managedNetworks" in r[0].path]


def test_a_denied_read_names_the_role_at_the_managed_network_line(fake, tls, stack):
    fake.server.expect_request(f"{ACCOUNT}/managedNetworks/default").respond_with_json(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=403
    )
    entry = run(fake, tls, stack)
    (denied,) = findings(entry, "preflight-access")
    assert denied["message"] == (
        "Azure denied reading the managed network of account fdy-test (HTTP 403 AuthorizationFailed): grant the "
        "identity Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7)"
    )
    assert denied["source"]["line"] == line_of(stack.read_text(), "      managedNetwork:") and not entry["passed"]


@pytest.mark.parametrize(
    "body,what",
    [
        ({"properties": {"managedNetwork": {"isolationMode": 3}}}, "isolationMode of the managed network"),
        ({"properties": {"managedNetwork": {"changeableIsolationModes": "Disabled"}}}, "is not a list"),
        ({"properties": {"managedNetwork": {"outboundRules": ["a"]}}}, "`outboundRules` of the managed network"),
        ({"properties": []}, "`properties` of the managed network"),
    ],
)
def test_an_answer_without_the_documented_shape_ends_the_read(arm, tls, body, what):
    from foundry_iac.azure.client import MalformedAnswerError

    arm.expect_request(f"{ACCOUNT}/managedNetworks/default").respond_with_json(body)
    live = LiveArm(StaticToken(), SUB, endpoint(arm), verify=str(tls[1]), retry_backoff=0.01)
    with pytest.raises(MalformedAnswerError, match=what):
        live.managed_network("rg-foundry-prod-eu", "fdy-test")
    live.close()
