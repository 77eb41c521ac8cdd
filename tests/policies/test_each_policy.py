"""Every policy of the pack passes a compliant stack and fails a non-compliant one, run for real:
stack config -> Pulumi program under mocks -> the pack's policy objects."""

from __future__ import annotations

import pytest

from tests.conftest import (
    AGENT_STACK,
    ENTERPRISE_STACK,
    SHARED_AGENT_STACK,
    TAGGED_NO_ENDPOINT,
    TAGGED_STACK,
    unwaived,
)

GROK_GLOBAL = (
    TAGGED_STACK
    + """\
        - model: grok-4-1-fast-reasoning
          version: "1"
          type: GlobalStandard
          capacity: 10
"""
)


def test_the_base_stack_passes_every_policy(gate):
    entry = gate(TAGGED_STACK)
    assert entry["passed"] and entry["violations"] == []


CASES = [
    # policy, stack text, policy-config overrides, expected message part
    (
        "allowed-regions",
        TAGGED_STACK.replace("location: swedencentral", "location: francecentral"),
        {},
        "location 'francecentral' is not an allowed region",
    ),
    (
        "residency-deployment-type",
        GROK_GLOBAL,
        {"approved_models": None},
        "grok-4-1-fast-reasoning on GlobalStandard breaks the EU residency boundary",
    ),
    (
        "approved-models",
        TAGGED_STACK.replace(
            'model: gpt-5.1\n          version: "2025-11-13"',
            'model: gpt-5.4\n          version: "2026-03-05"',
        ),
        {},
        "gpt-5.4 is not on this stack's approved list",
    ),
    (
        "model-lifecycle",
        TAGGED_STACK.replace('version: "2024-11-20"', 'version: "2024-08-06"'),
        {"approved_models": {"approvedModels": {"gpt-4o": [], "gpt-5.1": []}}},
        "gpt-4o version 2024-08-06 is deprecated",
    ),
    (
        "model-version-pinned",
        TAGGED_STACK.replace('          version: "2024-11-20"\n', ""),
        {"approved_models": {"approvedModels": {"gpt-4o": [], "gpt-5.1": []}}},
        "has no version; pin one",
    ),
    (
        "content-filter",
        TAGGED_STACK.replace("          capacity: 10\n", "          capacity: 10\n          contentFilter: null\n"),
        {},
        "no content filter",
    ),
    ("cost-budget", TAGGED_STACK, {"cost_budget": {"maxBudgetUsd": 100, "basis": "ceiling"}}, "monthly ceiling cost"),
    (
        "deployment-cost-ceiling",
        TAGGED_STACK,
        {"deployment_cost_ceiling": {"maxMonthlyUsd": 1000}},
        "exceeds the cap 1,000.00 USD",
    ),
    (
        "quota-capacity",
        TAGGED_STACK,
        {"quota_capacity": {"limits": {"swedencentral": {"OpenAI.DataZoneStandard.gpt-4o": 5}}}},
        "needs 10 units",
    ),
    (
        "deployments-per-account",
        TAGGED_STACK,
        {"deployments_per_account": {"max": 1}},
        "has 2 deployments, more than 1",
    ),
    (
        "local-auth-disabled",
        TAGGED_STACK.replace("    - name: fdy-test\n", "    - name: fdy-test\n      localAuth: true\n"),
        {},
        "API keys are enabled",
    ),
    (
        "public-network-access",
        TAGGED_STACK.replace(
            "    - name: fdy-test\n",
            "    - name: fdy-test\n      network: {publicAccess: true, defaultAction: Allow}\n",
        ),
        {},
        "reachable from any network",
    ),
    (
        "public-network-access",
        TAGGED_NO_ENDPOINT.replace(
            "    - name: fdy-test\n",
            "    - name: fdy-test\n      network: {publicAccess: true, ipRules: [203.0.113.0/24, 0.0.0.0/0]}\n",
        ),
        {},
        "the IP rule(s) 0.0.0.0/0 open the account to the internet although the default action is Deny",
    ),
    (
        "account-reachable",
        TAGGED_NO_ENDPOINT,
        {},
        "fdy-test-account: nothing can reach this account once deployed: public network access is off and no "
        "private endpoint reaches it",
    ),
    (
        "managed-identity",
        TAGGED_STACK.replace("    - name: fdy-test\n", "    - name: fdy-test\n      identity: None\n"),
        {},
        "no managed identity",
    ),
    (
        "required-tags",
        TAGGED_STACK,
        {"required_tags": {"tags": ["owner", "cost-center"]}},
        "missing required tag(s) cost-center",
    ),
    (
        "private-endpoint-required",
        TAGGED_NO_ENDPOINT.replace(
            "    - name: fdy-test\n",
            "    - name: fdy-test\n      network: {publicAccess: true, ipRules: [203.0.113.0/24]}\n",
        ),
        {"private_endpoint_required": "mandatory"},
        "no private endpoint (group 'account') reaches this account",
    ),
    ("diagnostics-enabled", TAGGED_STACK, {"diagnostics_enabled": "mandatory"}, "no diagnostic setting sends its logs"),
    ("cmk-required", TAGGED_STACK, {"cmk_required": "mandatory"}, "encrypted with a Microsoft-managed key"),
    (
        "content-filter-severity",
        TAGGED_STACK,
        {"content_filter_severity": {"maxThreshold": {"Hate": "Low"}}},
        "built-in content filter Microsoft.DefaultV2 (used by fdy-test/gpt-4o): it filters Hate on prompts only from "
        "Medium severity, looser than Low",
    ),
    (
        "content-filter-shields",
        TAGGED_STACK,
        {"content_filter_shields": {"requiredPromptShields": ["Jailbreak", "Indirect Attack"]}},
        "built-in content filter Microsoft.DefaultV2 (used by fdy-test/gpt-4o): Indirect Attack is not on and blocking",
    ),
    (
        "content-filter-mode",
        TAGGED_STACK,
        {"content_filter_mode": {"allowedModes": ["Asynchronous_filter"]}},
        "built-in content filter Microsoft.DefaultV2 (used by fdy-test/gpt-4o): its mode Default is not one of "
        "Asynchronous_filter",
    ),
    (
        "alerts-configured",
        TAGGED_STACK,
        {"alerts_configured": "mandatory"},
        "fdy-test-account: no throttling (requests answered 429) alert",
    ),
    (
        "agent-byo-resources",
        "\n".join(line for line in AGENT_STACK.splitlines() if "cosmosDb:" not in line) + "\n",
        {},
        "fdy-test/team-a: the standard agent setup names no Cosmos DB (thread storage) (threadStorageConnections is "
        "empty)",
    ),
    (
        "agent-network-injection",
        AGENT_STACK,
        {"agent_network_injection": "mandatory"},
        "fdy-test: its agents run with public egress (no networkInjections with scenario agent)",
    ),
    (
        "agent-storage-isolation",
        SHARED_AGENT_STACK,
        {},
        "projects fdy-test/team-a, fdy-test/team-b keep their agents' files in one storage account stagents",
    ),
    (
        "defender-for-ai",
        TAGGED_STACK,
        {"defender_for_ai": "mandatory"},
        "the subscription's Defender for AI services plan is not on",
    ),
    (
        "egress-restricted",
        AGENT_STACK,
        {"egress_restricted": "mandatory"},
        "fdy-test: its agents reach any internet address (no managed network, no agent subnet)",
    ),
    (
        "preview-api",
        TAGGED_STACK.replace(
            "      projects:\n", "      managedNetwork: {isolation: AllowInternetOutbound}\n      projects:\n", 1
        ),
        {"preview_api": "mandatory"},
        "fdy-test-managed-network: deployed through the preview API 2026-01-15-preview (ManagedNetworkSetting)",
    ),
]


@pytest.mark.parametrize("policy,stack,overrides,message", CASES, ids=[c[0] for c in CASES])
def test_each_policy_fails_its_violation(gate, policy, stack, overrides, message):
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if policy == "residency-deployment-type":
        overrides["approved_models"] = {"approvedModels": {"gpt-4o": [], "gpt-5.1": [], "grok-4-1-fast-reasoning": []}}
    entry = gate(stack, **overrides)
    found = unwaived(entry, policy)
    assert found and any(message in v["message"] for v in found), entry["violations"]
    assert not entry["passed"]
    assert {v["policy"] for v in entry["violations"] if not v["waived"]} == {policy}


def test_the_enterprise_stack_passes_the_enterprise_policies(gate):
    entry = gate(
        ENTERPRISE_STACK,
        private_endpoint_required="mandatory",
        diagnostics_enabled="mandatory",
        cmk_required="mandatory",
    )
    assert entry["passed"] and entry["violations"] == [], entry["violations"]


def test_every_policy_of_the_pack_is_covered():
    from policies.pack import POLICY_IDS

    assert sorted(set(c[0] for c in CASES)) == sorted(POLICY_IDS)


def test_advisory_violations_do_not_fail_the_stack(gate):
    entry = gate(TAGGED_STACK, required_tags={"enforcementLevel": "advisory", "tags": ["cost-center"]})
    assert entry["passed"] and unwaived(entry, "required-tags")[0]["enforcement"] == "advisory"


def test_disabled_policy_is_not_evaluated(gate):
    entry = gate(TAGGED_STACK, required_tags={"enforcementLevel": "disabled"})
    assert entry["passed"] and not unwaived(entry, "required-tags")


def test_violation_points_at_the_line_that_produced_the_resource(gate):
    entry = gate(
        TAGGED_STACK.replace('          version: "2024-11-20"\n', ""),
        approved_models={"approvedModels": {"gpt-4o": [], "gpt-5.1": []}},
    )
    (violation,) = unwaived(entry, "model-version-pinned")
    assert violation["source"] == {
        "file": entry["file"],
        "line": 16,
    }  # the "- model: gpt-4o" line (after the endpoint line)


def test_stack_level_violation_has_no_urn(gate):
    entry = gate(TAGGED_STACK, cost_budget={"maxBudgetUsd": 100, "basis": "ceiling"})
    (violation,) = unwaived(entry, "cost-budget")
    assert violation["urn"] is None and violation["source"]["line"] is None
