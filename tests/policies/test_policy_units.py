"""The pure checks behind cost-budget, public-network-access, account-reachable and quota limits, on
hand-built resources: the boundaries a mutation would move."""

from __future__ import annotations

import pytest

from components.resource_types import BUDGET
from components.tags import INPUT_TOKENS_TAG, OUTPUT_TOKENS_TAG
from policies.cost import check_budget, effective_budget, stack_budget
from policies.enterprise import check_reachable
from policies.framework import Resource
from policies.quota import effective_limit
from policies.security import check_public_access, internet_wide_rules

ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
RG = "azure-native:resources:ResourceGroup"
ENDPOINT = "azure-native:network:PrivateEndpoint"
ACCOUNT_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct"


def resource(kind: str, name: str, props: dict) -> Resource:
    return Resource(kind, name, f"urn:x::{kind}::{name}", props)


def account(properties: dict) -> Resource:
    return resource(
        ACCOUNT,
        "acct",
        {"accountName": "acct", "resourceGroupName": "rg", "location": "eastus2", "properties": properties},
    )


def group(budget: str | None) -> Resource:
    """The stack's deployed budget with that amount (as text, to try what cannot be read), or its bare
    resource group when it states none."""
    if budget is None:
        return resource(RG, "rg", {"tags": {}})
    return resource(BUDGET, "budget", {"budgetName": "budget-x", "amount": budget, "category": "Cost"})


def gpt4o(input_tokens: int, output_tokens: int) -> Resource:
    # gpt-4o GlobalStandard: 2.50 USD per 1M input, 10.00 per 1M output (catalog)
    return resource(
        DEPLOYMENT,
        "dep",
        {
            "accountName": "acct",
            "sku": {"name": "GlobalStandard", "capacity": 10},
            "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}},
            "tags": {INPUT_TOKENS_TAG: str(input_tokens), OUTPUT_TOKENS_TAG: str(output_tokens)},
        },
    )


# --- cost-budget -------------------------------------------------------------------------------------


def expected_cost_of(resources: list[Resource]) -> float:
    from policies.cost import price_stack

    return sum(p.cost.expected for p in price_stack(resources, 0.0) if p.cost)


@pytest.mark.parametrize("delta,fails", [(0.0, False), (-0.01, True), (0.01, False)])
def test_the_budget_is_met_at_exactly_the_cost_and_missed_a_cent_below(delta, fails):
    stack = [account({}), gpt4o(100_000_000, 10_000_000)]
    cost = expected_cost_of(stack)
    assert cost == pytest.approx(350.0)  # 100 x 2.50 + 10 x 10.00
    findings = list(check_budget([group(f"{cost + delta:.2f}"), *stack], {"maxBudgetUsd": 10_000}))
    assert bool(findings) == fails
    if fails:
        assert "exceeds the stack's budget (foundry-iac:monthlyBudgetUsd) 349.99 USD by 0.01 USD" in findings[0].message


@pytest.mark.parametrize(
    "tag,cap,expected",
    [
        ("500.00", 1000.0, (500.0, "stack", 500.0, 1000.0)),
        ("1000.00", 1000.0, (1000.0, "stack", 1000.0, 1000.0)),
        ("1500.00", 1000.0, (1000.0, "policy", 1500.0, 1000.0)),
        (None, 1000.0, (1000.0, "policy", None, 1000.0)),
        ("500.00", None, (500.0, "stack", 500.0, None)),
        ("nan", 1000.0, (1000.0, "policy", None, 1000.0)),
        ("-5", 1000.0, (1000.0, "policy", None, 1000.0)),
        ("lots", 1000.0, (1000.0, "policy", None, 1000.0)),
    ],
)
def test_the_effective_budget_is_the_stacks_within_the_cap(tag, cap, expected):
    config = {} if cap is None else {"maxBudgetUsd": cap}
    budget = effective_budget([group(tag)], config)
    assert (budget.amount, budget.source, budget.stack_amount, budget.cap) == expected


def test_a_stack_budget_above_the_cap_is_itself_a_finding():
    findings = [f.message for f in check_budget([group("1500.00"), account({})], {"maxBudgetUsd": 1000})]
    assert findings == [
        "the stack's monthlyBudgetUsd 1,500.00 USD is above the policy config's maxBudgetUsd 1,000.00 USD; lower "
        "foundry-iac:monthlyBudgetUsd, or raise maxBudgetUsd through a reviewed change"
    ]


def test_the_budget_is_read_from_the_deployed_budget_only():
    other = resource(RG, "rg", {"amount": "1.00", "tags": {}})
    assert stack_budget([other]) is None and stack_budget([other, group("7.50")]) == 7.5


def test_the_ceiling_basis_compares_the_ceiling():
    stack = [group("1000.00"), account({}), gpt4o(0, 0)]
    assert list(check_budget(stack, {"maxBudgetUsd": 10_000, "basis": "expected"})) == []
    (finding,) = check_budget(stack, {"maxBudgetUsd": 10_000, "basis": "ceiling"})
    assert finding.message.startswith("monthly ceiling cost 4,380.00 USD exceeds")  # 10 x 1000 x 43,800 x 10 / 1M


# --- public-network-access and account-reachable ------------------------------------------------------


@pytest.mark.parametrize(
    "rules,wide",
    [
        ([], []),
        (["203.0.113.0/24"], []),
        (["8.0.0.0/8"], []),  # /8 is the widest rule that is not the internet
        (["8.0.0.0/7"], ["8.0.0.0/7"]),
        (["0.0.0.0/0", "203.0.113.7"], ["0.0.0.0/0"]),
        (["0.0.0.0/1", "128.0.0.0/1"], ["0.0.0.0/1", "128.0.0.0/1"]),
        ([f"{n}.0.0.0/8" for n in range(1, 128)], []),  # 127 /8s: under half of IPv4
        ([f"{n}.0.0.0/8" for n in range(1, 129)], [f"{n}.0.0.0/8" for n in range(1, 129)]),  # half of IPv4
        (["::/0"], ["::/0"]),
        (["garbage"], []),
    ],
)
def test_rules_that_open_the_internet(rules, wide):
    assert internet_wide_rules(rules) == wide


@pytest.mark.parametrize(
    "properties,message",
    [
        ({"publicNetworkAccess": "Disabled"}, None),
        ({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny"}}, None),
        ({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}}, "reachable from any network"),
        ({"publicNetworkAccess": "Enabled"}, "reachable from any network"),
        (
            {
                "publicNetworkAccess": "Enabled",
                "networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "0.0.0.0/0"}]},
            },
            "the IP rule(s) 0.0.0.0/0 open the account to the internet",
        ),
        (
            {
                "publicNetworkAccess": "Disabled",
                "networkAcls": {"defaultAction": "Allow", "ipRules": [{"value": "0.0.0.0/0"}]},
            },
            None,
        ),
    ],
)
def test_public_network_access(properties, message):
    found = [f.message for f in check_public_access(account(properties), {})]
    assert (found == []) if message is None else (len(found) == 1 and message in found[0])


def endpoint(target: str, key: str = "privateLinkServiceConnections") -> Resource:
    return resource(ENDPOINT, "pe", {key: [{"privateLinkServiceId": target, "groupIds": ["account"]}]})


@pytest.mark.parametrize(
    "properties,endpoints,why",
    [
        ({"publicNetworkAccess": "Disabled"}, [], "public network access is off"),
        ({"publicNetworkAccess": "Disabled"}, [endpoint(ACCOUNT_ID)], None),
        ({"publicNetworkAccess": "Disabled"}, [endpoint(ACCOUNT_ID.upper())], None),  # ARM ids ignore case
        ({"publicNetworkAccess": "Disabled"}, [endpoint(ACCOUNT_ID, "manualPrivateLinkServiceConnections")], None),
        ({"publicNetworkAccess": "Disabled"}, [endpoint(ACCOUNT_ID + "x")], "public network access is off"),
        ({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny"}}, [], "denies every address"),
        (
            {
                "publicNetworkAccess": "Enabled",
                "networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "1.2.3.4"}]},
            },
            [],
            None,
        ),
        (
            {
                "publicNetworkAccess": "Enabled",
                "networkAcls": {"defaultAction": "Deny", "virtualNetworkRules": [{"id": "v"}]},
            },
            [],
            None,
        ),
        ({"publicNetworkAccess": "Enabled"}, [], None),
    ],
)
def test_account_reachable(properties, endpoints, why):
    found = [f.message for f in check_reachable([account(properties), *endpoints], {})]
    if why is None:
        assert found == []
    else:
        assert len(found) == 1 and why in found[0] and found[0].startswith("acct: nothing can reach this account")


# --- quota limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ledger,limits,expected",
    [
        (None, None, (None, "unknown")),
        ({"limit": 100, "source": "snap"}, None, (100, "snap")),
        (None, 70, (70, "policy config limits")),
        ({"limit": 100, "source": "snap"}, 70, (70, "policy config limits")),
        ({"limit": 100, "source": "snap"}, 500, (100, "snap")),
        ({"limit": 0, "source": "snap"}, 500, (0, "snap")),
        ({"others": {"b": 5}}, None, (None, "unknown")),
    ],
)
def test_the_lower_known_limit_binds(ledger, limits, expected):
    config = {}
    if ledger is not None:
        config["ledger"] = {"eastus2": {"U": ledger}}
    if limits is not None:
        config["limits"] = {"eastus2": {"U": limits}}
    limit = effective_limit("eastus2", "U", "no-such-model", "GlobalStandard", config)
    assert (limit.value, limit.source) == expected
    assert limit.others == ({"b": 5} if ledger and "others" in ledger else {})


def test_without_known_limits_the_catalog_default_applies():
    limit = effective_limit("eastus2", "U", "grok-4-1-fast-reasoning", "GlobalStandard", {})
    assert (limit.value, limit.source) == (400, "catalog default")  # 400,000 TPM documented default
    assert effective_limit("eastus2", "U", "grok-4-1-fast-reasoning", "GlobalProvisionedManaged", {}).value is None


def test_a_rule_azure_would_refuse_does_not_hide_the_rules_after_it():
    assert internet_wide_rules(["garbage", "0.0.0.0/0"]) == ["0.0.0.0/0"]
    assert internet_wide_rules(["203.0.113.7/24"]) == []  # host bits set: Azure takes it as the /24


# --- enterprise posture: diagnostics, customer-managed keys, private endpoints -------------------------

SETTING = "azure-native:monitor:DiagnosticSetting"


def diagnostic(uri: str, logs: list[dict], workspace: str | None = "ws") -> Resource:
    props: dict = {"resourceUri": uri, "logs": logs}
    if workspace:
        props["workspaceId"] = workspace
    return resource(SETTING, "diag", props)


@pytest.mark.parametrize(
    "settings,config,expected",
    [
        ([], {}, "no diagnostic setting sends its logs anywhere"),
        ([diagnostic(ACCOUNT_ID, [{"enabled": True}])], {}, None),
        ([diagnostic(ACCOUNT_ID.upper(), [{"enabled": True}])], {}, None),
        ([diagnostic(ACCOUNT_ID, [{"enabled": False}])], {}, "no diagnostic setting sends its logs anywhere"),
        ([diagnostic(ACCOUNT_ID, [])], {}, "no diagnostic setting sends its logs anywhere"),
        ([diagnostic(ACCOUNT_ID + "x", [{"enabled": True}])], {}, "no diagnostic setting sends its logs anywhere"),
        ([diagnostic(ACCOUNT_ID, [{"enabled": True}], None)], {}, "its logs do not go to a Log Analytics workspace"),
        (
            [diagnostic(ACCOUNT_ID, [{"enabled": True}], None)],
            {"requireWorkspace": True},
            "its logs do not go to a Log Analytics workspace",
        ),
        ([diagnostic(ACCOUNT_ID, [{"enabled": True}], None)], {"requireWorkspace": False}, None),
        (
            [diagnostic(ACCOUNT_ID, [{"enabled": True}], None), diagnostic(ACCOUNT_ID, [{"enabled": True}])],
            {},
            None,
        ),
    ],
)
def test_diagnostics_enabled(settings, config, expected):
    from policies.enterprise import check_diagnostics

    found = list(check_diagnostics([account({}), *settings], config))
    if expected is None:
        assert found == []
    else:
        (finding,) = found
        assert finding.message.startswith("acct: " + expected) and finding.resource.name == "acct"


@pytest.mark.parametrize(
    "encryption,fails",
    [
        ({}, True),
        ({"keySource": "Microsoft.CognitiveServices"}, True),
        ({"keySource": "Microsoft.KeyVault"}, True),
        ({"keySource": "Microsoft.KeyVault", "keyVaultProperties": {}}, True),
        ({"keySource": "Microsoft.CognitiveServices", "keyVaultProperties": {"keyName": "k"}}, True),
        ({"keySource": "Microsoft.KeyVault", "keyVaultProperties": {"keyName": "k"}}, False),
    ],
)
def test_cmk_required(encryption, fails):
    from policies.enterprise import check_cmk

    found = list(check_cmk(account({"encryption": encryption}), {}))
    assert len(found) == (1 if fails else 0)
    if fails:
        assert found[0].message.startswith("acct: encrypted with a Microsoft-managed key") and found[0].resource


@pytest.mark.parametrize(
    "endpoints,fails",
    [
        ([], True),
        ([endpoint(ACCOUNT_ID)], False),
        ([endpoint(ACCOUNT_ID, "manualPrivateLinkServiceConnections")], False),
        ([resource(ENDPOINT, "pe", {"privateLinkServiceConnections": [{"privateLinkServiceId": ACCOUNT_ID}]})], True),
        (
            [
                resource(
                    ENDPOINT,
                    "pe",
                    {"privateLinkServiceConnections": [{"privateLinkServiceId": ACCOUNT_ID, "groupIds": ["other"]}]},
                )
            ],
            True,
        ),
        ([endpoint("/subscriptions/s/resourceGroups/rg2/providers/Microsoft.CognitiveServices/accounts/acct")], True),
    ],
)
def test_private_endpoint_required(endpoints, fails):
    from policies.enterprise import check_private_endpoint

    found = list(check_private_endpoint([account({}), *endpoints], {}))
    assert len(found) == (1 if fails else 0)
    if fails:
        assert found[0].message.startswith("acct: no private endpoint (group 'account') reaches this account")


def test_an_account_without_its_group_name_is_not_matched_by_an_endpoint_elsewhere():
    from policies.enterprise import check_private_endpoint

    bare = resource(ACCOUNT, "acct", {"accountName": "acct", "properties": {}})
    stray = endpoint("/subscriptions/s/resourceGroups/none/providers/Microsoft.CognitiveServices/accounts/acct")
    assert len(list(check_private_endpoint([bare, stray], {}))) == 1


def test_a_waiver_reports_every_field():
    import datetime as dt

    from policies.waivers import Waiver

    waiver = Waiver("r", "because of reasons", "me@example.com", dt.date(2027, 1, 31))
    assert waiver.as_report() == {
        "resource": "r",
        "reason": "because of reasons",
        "approver": "me@example.com",
        "expires": "2027-01-31",
    }


# --- exact messages: what a reviewer reads is part of the behaviour -------------------------------------


def test_security_messages_say_what_is_wrong_and_how_to_fix_it():
    from policies.security import check_identity, check_local_auth, check_tags

    keyed = account({"disableLocalAuth": False})
    assert [f.resource for f in check_local_auth(keyed, {})] == [keyed]
    assert [f.message for f in check_local_auth(keyed, {})] == [
        "acct: API keys are enabled (disableLocalAuth is not true); remove `localAuth: true` and use Entra ID roles"
    ]
    assert list(check_local_auth(account({"disableLocalAuth": True}), {})) == []
    assert [f.message for f in check_public_access(account({"publicNetworkAccess": "Enabled"}), {})] == [
        "acct: reachable from any network (publicNetworkAccess 'Enabled', default action None); set "
        "`network: {publicAccess: false}` (reached through a `privateEndpoint`) or list `ipRules`"
    ]
    open_acl = {
        "publicNetworkAccess": "Enabled",
        "networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "0.0.0.0/0"}]},
    }
    assert [f.message for f in check_public_access(account(open_acl), {})] == [
        "acct: the IP rule(s) 0.0.0.0/0 open the account to the internet although the default action is Deny; "
        "list only your own public ranges (/8 or narrower), or set `network: {publicAccess: false}` and reach it "
        "through a `privateEndpoint`"
    ]
    nameless = resource(ACCOUNT, "acct", {"identity": {"type": "None"}})
    assert [f.resource for f in check_identity(nameless, {})] == [nameless]
    open_account = account(open_acl)
    assert [f.resource for f in check_public_access(open_account, {})] == [open_account]
    plain = account({"publicNetworkAccess": "Enabled"})
    assert [f.resource for f in check_public_access(plain, {})] == [plain]
    assert [f.message for f in check_identity(nameless, {})] == [
        "acct: no managed identity (identity 'None'); set `identity: SystemAssigned`"
    ]
    for kind in ("SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned", "SystemAssigned, UserAssigned"):
        assert list(check_identity(resource(ACCOUNT, "acct", {"identity": {"type": kind}}), {})) == [], kind
    tagged = resource(ACCOUNT, "acct", {"tags": {"owner": "a", "cost-center": " "}})
    assert [f.resource for f in check_tags(tagged, {"tags": ["team"]})] == [tagged]
    assert [f.message for f in check_tags(tagged, {"tags": ["owner", "cost-center", "team"]})] == [
        "acct: missing required tag(s) cost-center, team; add them under `foundry-iac:tags` or the account's `tags`"
    ]


def test_a_resource_policy_finding_is_about_the_validated_resource():
    from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

    from policies.security import local_auth_disabled

    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    urn = f"urn:x::{ACCOUNT}::acct"
    args = ResourceValidationArgs(ACCOUNT, {"properties": {}}, urn, "acct", options, None, {})
    found = []
    local_auth_disabled.validate(args, lambda message, urn=None: found.append(urn))
    assert found == [urn]


# --- pricing and caps ------------------------------------------------------------------------------


def deployment(model: str, sku: str, capacity: int, version: str | None = None, tokens=(0, 0), name="dep") -> Resource:
    return resource(
        DEPLOYMENT,
        name,
        {
            "accountName": "acct",
            "sku": {"name": sku, "capacity": capacity},
            "properties": {"model": {"format": "OpenAI", "name": model, "version": version}},
            "tags": {INPUT_TOKENS_TAG: str(tokens[0]), OUTPUT_TOKENS_TAG: str(tokens[1])},
        },
    )


def test_a_deployment_that_cannot_be_priced_says_why():
    from policies.common import deployment_view
    from policies.cost import price

    unknown = price(deployment_view(deployment("gpt-9", "GlobalStandard", 1), {}), 0.0)
    assert (unknown.cost, unknown.error) == (
        None,
        "gpt-9 is not in the catalog",
    ) and unknown.deployment.model == "gpt-9"
    unpriced = price(deployment_view(deployment("gpt-5.2", "DataZoneStandard", 1), {}), 0.0)
    assert unpriced.cost is None and unpriced.deployment.model == "gpt-5.2"
    assert "gpt-5.2" in unpriced.error and "DataZoneStandard" in unpriced.error
    priced = price(deployment_view(gpt4o(1_000_000, 0), {}), 0.0)
    assert priced.error is None and priced.cost.expected == pytest.approx(2.5)


def test_an_unpriced_deployment_is_a_budget_finding_on_it():
    unpriced = deployment("gpt-5.2", "DataZoneStandard", 1)
    (finding,) = check_budget([group("10.00"), account({}), unpriced], {"maxBudgetUsd": 10})
    assert finding.resource is unpriced and finding.message.startswith("acct/dep: cannot be priced: ")


def test_the_default_basis_is_expected_and_the_largest_deployment_is_named_on_that_basis():
    small_expected_big_ceiling = deployment("gpt-4o", "GlobalStandard", 100, "2024-11-20", (0, 0), "big")
    big_expected = deployment("gpt-4o", "GlobalStandard", 1, "2024-11-20", (400_000_000, 0), "busy")
    stack = [group("10.00"), account({}), small_expected_big_ceiling, big_expected]
    (finding,) = check_budget(stack, {"maxBudgetUsd": 10_000})
    assert (
        finding.message.startswith("monthly expected cost 1,000.00 USD exceeds")
        and "largest is acct/busy" in finding.message
    )
    (finding,) = check_budget(stack, {"maxBudgetUsd": 10_000, "basis": "ceiling"})
    assert "largest is acct/big" in finding.message


def test_a_stack_budget_equal_to_the_cap_is_allowed():
    assert list(check_budget([group("1000.00"), account({})], {"maxBudgetUsd": 1000})) == []
    assert stack_budget([group("0")]) is None and stack_budget([group("0.01")]) == 0.01


@pytest.mark.parametrize(
    "config,capacity,fails",
    [
        ({"maxMonthlyUsd": 4380}, 10, False),  # the ceiling equals the cap: allowed
        ({"maxMonthlyUsd": 4379.99}, 10, True),
        ({"maxMonthlyUsd": 1, "perModel": {"gpt-4o": 4380}}, 10, False),  # the model's own cap wins
        ({"maxMonthlyUsd": 1_000_000, "perModel": {"gpt-4o": 100}}, 10, True),
        ({"perModel": {"gpt-5.1": 1}}, 10, False),  # no cap for this model
        ({"maxMonthlyUsd": 1100, "inputShare": 1.0}, 10, False),  # all input: 10 x 1000 x 43,800 x 2.50 / 1M
        ({"maxMonthlyUsd": 1100}, 10, True),  # default share 0: every token at the output price
    ],
)
def test_deployment_cost_ceiling(config, capacity, fails):
    from policies.cost import check_ceiling

    dep = deployment("gpt-4o", "GlobalStandard", capacity, "2024-11-20")
    found = list(check_ceiling(dep, config))
    assert len(found) == (1 if fails else 0)
    if fails:
        assert found[0].resource is dep and found[0].message.startswith("dep: monthly ceiling ")
        assert "(GlobalStandard x10 of gpt-4o) exceeds the cap" in found[0].message


def test_an_unpriced_deployment_fails_its_ceiling_too():
    from policies.cost import check_ceiling

    dep = deployment("gpt-5.2", "DataZoneStandard", 1)
    (finding,) = check_ceiling(dep, {"maxMonthlyUsd": 10})
    assert finding.resource is dep and finding.message.startswith("dep: cannot be priced: ")


# --- quota units and keys --------------------------------------------------------------------------


def test_quota_units_and_usage_names():
    from policies.quota import quota_key, requested_units, usage_name

    assert requested_units("gpt-9", "GlobalStandard", 7) == 7  # not in the catalog: one unit each
    assert requested_units("gpt-4o", "GlobalProvisionedManaged", 15) == 15  # PTU count as they are
    assert requested_units("gpt-4o", "GlobalStandard", 7) == 7
    assert usage_name("gpt-9", "GlobalStandard") == "AIServices.GlobalStandard.gpt-9"
    assert usage_name("gpt-9", "GlobalProvisionedManaged") == "AIServices.GlobalProvisionedManaged"
    assert usage_name("gpt-4o", "GlobalStandard", "2024-11-20") == "OpenAI.GlobalStandard.gpt-4o"
    assert usage_name("gpt-4o", "GlobalProvisionedManaged") == "OpenAI.GlobalProvisionedManaged"
    assert quota_key("gpt-4o", "GlobalStandard", "2024-11-20", "eastus2") == ("eastus2", "OpenAI.GlobalStandard.gpt-4o")


def test_the_version_decides_the_usage_name_scope_units_and_ptu_rules(versioned_catalog):
    from policies.common import deployment_view
    from policies.quota import check_capacity_rules, quota_key, requested_units, usage_name

    assert usage_name("gpt-4o", "GlobalStandard", "2024-05-13") == "OpenAI.GlobalStandard.gpt-4o-0513"
    assert usage_name("gpt-4o", "GlobalStandard", "2024-11-20") == "OpenAI.GlobalStandard.gpt-4o"
    assert quota_key("gpt-4o", "GlobalStandard", "2024-05-13", "swedencentral") == (
        "dataZone:EU",
        "OpenAI.GlobalStandard.gpt-4o-0513",
    )
    assert requested_units("gpt-4o", "GlobalStandard", 10) == 20
    old_ptu = deployment_view(deployment("gpt-4o", "GlobalProvisionedManaged", 50, "2024-05-13"), {})
    new_ptu = deployment_view(deployment("gpt-4o", "GlobalProvisionedManaged", 50, "2024-11-20"), {})
    assert list(check_capacity_rules(old_ptu)) == [
        "50 PTU is below the minimum of 100 PTU for gpt-4o on GlobalProvisionedManaged"
    ]
    assert list(check_capacity_rules(new_ptu)) == []


def test_the_ledger_keeps_versions_apart(versioned_catalog):
    from policies.common import deployments
    from policies.quota import quota_ledger

    stack = [
        account({}),
        deployment("gpt-4o", "GlobalStandard", 10, "2024-05-13", name="old"),
        deployment("gpt-4o", "GlobalStandard", 10, "2024-11-20", name="new"),
    ]
    lines = quota_ledger(deployments(stack), {})
    assert {(line.region, line.usage_name, line.requested) for line in lines} == {
        ("dataZone:US", "OpenAI.GlobalStandard.gpt-4o-0513", 20),
        ("eastus2", "OpenAI.GlobalStandard.gpt-4o", 20),
    }


def test_capacity_rules_and_the_per_account_maximum_at_their_bounds():
    from policies.common import deployment_view
    from policies.quota import check_capacity_rules, check_per_account

    def ptu(capacity: int):
        return deployment_view(deployment("gpt-4o", "GlobalProvisionedManaged", capacity, "2024-11-20"), {})

    from policies.quota import default_limit

    minimum, step = catalog_rules = (
        __import__("components.catalog", fromlist=["x"])
        .load_catalog()
        .models["gpt-4o"]
        .ptu_rules("GlobalProvisionedManaged")
    )
    assert catalog_rules and list(check_capacity_rules(ptu(minimum))) == []
    assert list(check_capacity_rules(ptu(minimum + step))) == []
    assert list(check_capacity_rules(ptu(minimum + 1))) == [
        f"{minimum + 1} PTU is not a multiple of {step} PTU for gpt-4o on GlobalProvisionedManaged"
    ]
    assert isinstance(default_limit("grok-4-1-fast-reasoning", "GlobalStandard"), int)
    three = [account({})] + [deployment("gpt-4o", "GlobalStandard", 1, "2024-11-20", name=f"d{i}") for i in range(3)]
    assert list(check_per_account(three, {"max": 3})) == []
    (finding,) = check_per_account(three, {"max": 2})
    assert finding.resource is three[-1]
    assert finding.message == "acct/d2: acct has 3 deployments, more than 2; move some to another account"


def test_the_quota_message_names_the_deployments_the_other_stacks_and_the_source():
    from policies.quota import check_quota

    stack = [
        account({}),
        deployment("grok-4-1-fast-reasoning", "GlobalStandard", 10, "1", name="fits"),
        deployment("gpt-4o", "GlobalStandard", 30, "2024-11-20", name="a"),
        deployment("gpt-4o", "GlobalStandard", 30, "2024-11-20", name="b"),
    ]
    ledger = {"eastus2": {"OpenAI.GlobalStandard.gpt-4o": {"limit": 70, "source": "snap", "others": {"x": 5, "y": 6}}}}
    found = list(check_quota(stack, {"ledger": ledger}))
    assert [f.resource.name for f in found] == ["a", "b"]
    assert found[0].message == (
        "acct/a: OpenAI.GlobalStandard.gpt-4o in eastus2 needs 60 units (acct/a, acct/b) plus 11 for other stacks "
        "in this subscription (x: 5, y: 6), over the limit of 70 (snap); lower capacities or request more quota"
    )
    alone = list(check_quota(stack, {"ledger": {"eastus2": {"OpenAI.GlobalStandard.gpt-4o": {"limit": 59}}}}))
    assert alone[0].message.startswith(
        "acct/a: OpenAI.GlobalStandard.gpt-4o in eastus2 needs 60 units (acct/a, acct/b), over"
    )
    assert "(ledger)" in alone[0].message  # a ledger entry without a source still says where it came from
    bad_ptu = [account({}), deployment("gpt-4o", "GlobalProvisionedManaged", 1, "2024-11-20", name="p")]
    finding, unknown = check_quota(bad_ptu, {})
    assert finding.resource is bad_ptu[1] and finding.message.endswith("; change the capacity")
    assert "OpenAI.GlobalProvisionedManaged in eastus2: limit unknown" in unknown.message  # the pool's limit


def test_equal_limits_name_the_snapshot_and_an_unknown_region_is_its_own_key():
    from policies.common import deployments
    from policies.quota import quota_ledger

    config = {"ledger": {"eastus2": {"U": {"limit": 100, "source": "snap"}}}, "limits": {"eastus2": {"U": 100}}}
    assert effective_limit("eastus2", "U", "", "GlobalStandard", config).source == "snap"
    orphan = deployment("gpt-4o", "GlobalStandard", 5, "2024-11-20")  # its account is not in the stack
    (line,) = quota_ledger(deployments([orphan]), {})
    assert line.region == "unknown"


# --- messages and loops the first mutation run showed unguarded ----------------------------------------


def test_enterprise_messages_say_how_to_fix():
    from policies.enterprise import check_cmk, check_diagnostics, check_private_endpoint

    (pe,) = check_private_endpoint([account({})], {})
    assert pe.message == (
        "acct: no private endpoint (group 'account') reaches this account; add `privateEndpoint: {subnetId: ...}` to it"
    )
    (diag,) = check_diagnostics([account({})], {})
    assert diag.message == (
        "acct: no diagnostic setting sends its logs anywhere; add `diagnostics: {workspaceId: ...}` (or "
        "`workspace: <name>` to create one)"
    )
    (cmk,) = check_cmk(account({}), {})
    assert cmk.message == (
        "acct: encrypted with a Microsoft-managed key; add `encryption:` with a Key Vault key and a user-assigned "
        "identity"
    )
    closed = account({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny"}})
    (unreachable,) = check_reachable([closed], {})
    assert unreachable.resource is closed and unreachable.message == (
        "acct: nothing can reach this account once deployed: the network ACL denies every address and VNet and no "
        "private endpoint reaches it; add `privateEndpoint: {subnetId: ...}`, or allow your networks with `ipRules`"
    )


def test_every_account_is_judged_not_only_until_the_first_fine_one():
    other = resource(
        ACCOUNT,
        "b",
        {"accountName": "b", "resourceGroupName": "rg", "properties": {"publicNetworkAccess": "Disabled"}},
    )
    fine_public = account({"publicNetworkAccess": "Enabled"})
    assert [f.resource.name for f in check_reachable([fine_public, other], {})] == ["b"]
    fine_private = account({"publicNetworkAccess": "Disabled"})
    assert [f.resource.name for f in check_reachable([fine_private, endpoint(ACCOUNT_ID), other], {})] == ["b"]


def test_public_access_messages_quote_the_settings_and_at_most_four_rules():
    allow = account({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}})
    (finding,) = check_public_access(allow, {})
    assert "(publicNetworkAccess 'Enabled', default action 'Allow')" in finding.message
    rules = [{"value": f"{n}.0.0.0/7"} for n in (2, 4, 6, 8, 10)]
    wide = account({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny", "ipRules": rules}})
    (finding,) = check_public_access(wide, {})
    assert "the IP rule(s) 2.0.0.0/7, 4.0.0.0/7, 6.0.0.0/7, 8.0.0.0/7 open the account" in finding.message


def test_waivers_keep_their_approver_and_a_bad_one_does_not_hide_the_next():
    from policies.waivers import parse_waivers

    good = {"resource": "r", "reason": "a reason long enough", "approver": "me", "expires": "2027-01-31"}
    waivers = parse_waivers({"waivers": [{**good, "expires": "2027-02-30"}, good]})
    assert [(w.resource, w.approver, w.expires.isoformat()) for w in waivers] == [("r", "me", "2027-01-31")]


def test_cost_model_edges():
    from components.catalog import load_catalog
    from components.cost import MissingPriceError, blended_price, deployment_cost

    with pytest.raises(ValueError, match=r"input share must be between 0 and 1 \(got 1.5\)"):
        blended_price(1.0, 2.0, 1.5)
    gpt4o = load_catalog().models["gpt-4o"]
    cost = deployment_cost("gpt-4o", gpt4o, "GlobalStandard", 10)
    assert cost.expected == 0 and cost.ceiling == pytest.approx(4380.0)  # no tokens declared; all output
    with pytest.raises(MissingPriceError):
        deployment_cost("gpt-4o", gpt4o, "DeveloperTier", 10)
    skus = {
        "global": "GlobalProvisionedManaged",
        "dataZone": "DataZoneProvisionedManaged",
        "regional": "ProvisionedManaged",
    }
    name, model, family, rate = next(
        (n, m, f, r.usd_per_ptu_hour)
        for n, m in load_catalog().models.items()
        for f, r in (m.ptu_hour or {}).items()
        if r.usd_per_ptu_hour not in (1, 1.0) and f in skus
    )
    sku = skus[family]
    assert deployment_cost(name, model, sku, 50).ceiling == pytest.approx(50 * rate * 730)


def test_the_ledger_counts_a_stack_by_version_and_tpm(versioned_catalog, tmp_path):
    from components.stack import load_stack_file
    from foundry_iac.engine.ledger import stack_requests

    text = (
        "config:\n  azure-native:subscriptionId: aaaaaaaa-1111-2222-3333-444444444444\n"
        "  azure-native:location: swedencentral\n  foundry-iac:environment: nonproduction\n"
        "  foundry-iac:accounts:\n    - name: fdy-a\n      network: {publicAccess: true, ipRules: [203.0.113.0/24]}\n"
        '      deployments:\n        - model: gpt-4o\n          version: "2024-05-13"\n'
        "          type: GlobalStandard\n          capacity: 10\n"
    )
    path = tmp_path / "Pulumi.a.yaml"
    path.write_text(text)
    requests = stack_requests(load_stack_file(path, "x"))
    assert requests.units == {("dataZone:EU", "OpenAI.GlobalStandard.gpt-4o-0513"): 20}


def test_a_pay_per_token_line_falls_back_to_the_catalog_default():
    from policies.common import deployments
    from policies.quota import quota_ledger

    stack = [account({}), deployment("grok-4-1-fast-reasoning", "GlobalStandard", 10, "1")]
    (line,) = quota_ledger(deployments(stack), {})
    assert (line.limit.value, line.limit.source, line.requested) == (400, "catalog default", 10)


def test_guessed_usage_names_and_rules_for_what_the_catalog_does_not_offer():
    from policies.common import deployment_view
    from policies.quota import check_capacity_rules, check_quota, usage_name

    assert usage_name("gpt-4o", "DeveloperTier") == "OpenAI.DeveloperTier.gpt-4o"  # no offer: a guess by name
    unknown_ptu = deployment_view(deployment("gpt-9", "GlobalProvisionedManaged", 7), {})
    assert list(check_capacity_rules(unknown_ptu)) == []  # an unknown model has no PTU rules (approved-models says why)
    stack = [
        account({}),
        deployment("gpt-9", "GlobalStandard", 10, name="unknown"),  # no limit known: said, and not the end
        deployment("gpt-4o", "GlobalStandard", 10, "2024-11-20", name="over"),
    ]
    ledger = {"eastus2": {"OpenAI.GlobalStandard.gpt-4o": {"limit": 5, "source": "snap"}}}
    found = list(check_quota(stack, {"ledger": ledger}))
    assert [(f.resource.name, f.advisory) for f in found] == [("unknown", False), ("over", False)]
    assert "AIServices.GlobalStandard.gpt-9 in eastus2: limit unknown" in found[0].message
    found = list(check_quota(stack, {"ledger": ledger, "unknownLimit": "advisory"}))
    assert [(f.resource.name, f.advisory) for f in found] == [("unknown", True), ("over", False)]


def test_a_deployment_without_a_version_counts_on_the_general_offer(versioned_catalog):
    from policies.quota import quota_key

    assert quota_key("gpt-4o", "GlobalStandard", None, "swedencentral") == (
        "swedencentral",
        "OpenAI.GlobalStandard.gpt-4o",
    )


def test_budget_findings_point_at_the_deployed_budget_unless_the_cap_decides():
    expensive = gpt4o(1_000_000_000, 0)  # 2,500 USD expected
    over_cap = [group("1500.00"), account({}), expensive]
    above, exceeds = check_budget(over_cap, {"maxBudgetUsd": 1000})
    assert above.resource is over_cap[0] and above.message.startswith("the stack's monthlyBudgetUsd 1,500.00 USD")
    assert exceeds.resource is None and "exceeds the policy config's maxBudgetUsd 1,000.00 USD" in exceeds.message
    within_cap = [group("2000.00"), account({}), expensive]
    (finding,) = check_budget(within_cap, {"maxBudgetUsd": 10_000})
    assert finding.resource is within_cap[0] and "exceeds the stack's budget" in finding.message
