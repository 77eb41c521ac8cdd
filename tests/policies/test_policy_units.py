"""The pure checks behind cost-budget, public-network-access, account-reachable and quota limits, on
hand-built resources: the boundaries a mutation would move."""

from __future__ import annotations

import pytest

from components.tags import BUDGET_TAG, INPUT_TOKENS_TAG, OUTPUT_TOKENS_TAG
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
    return resource(RG, "rg", {"tags": {BUDGET_TAG: budget} if budget is not None else {}})


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


def test_the_budget_tag_is_read_from_the_resource_group_only():
    other = resource(ACCOUNT, "a", {"tags": {BUDGET_TAG: "1.00"}})
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
