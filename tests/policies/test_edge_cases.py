"""Hand-built ResourceValidationArgs / StackValidationArgs for what real stacks rarely produce."""

from __future__ import annotations

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

from policies.models import model_version_pinned
from policies.quota import deployments_per_account, quota_capacity
from policies.residency import residency_deployment_type
from policies.security import managed_identity, public_network_access

OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"


def validate(policy, resource_type, props, config=None):
    found = []
    args = ResourceValidationArgs(resource_type, props, f"urn:x::{resource_type}::r", "r", OPTS, None, config or {})
    policy.validate(args, lambda message, urn=None: found.append(message))
    return found


def validate_stack(policy, resources, config=None):
    found = []
    items = [PolicyResource(t, p, f"urn:x::{t}::{n}", n, OPTS, None, None, [], {}) for t, n, p in resources]
    policy.validate(StackValidationArgs(items, config or {}), lambda message, urn=None: found.append(message))
    return found


def test_identity_with_both_kinds_counts_as_managed():
    assert validate(managed_identity, ACCOUNT, {"identity": {"type": "SystemAssigned,UserAssigned"}}) == []
    assert validate(managed_identity, ACCOUNT, {}) != []


def test_public_access_with_deny_acl_is_restricted_enough():
    props = {"properties": {"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny"}}}
    assert validate_stack(public_network_access, [(ACCOUNT, "a", props)]) == []


def test_account_without_properties_is_reported_not_crashed():
    assert validate_stack(public_network_access, [(ACCOUNT, "a", {})]) != []


def test_deployment_without_properties_reports_missing_version_and_upgrade_option():
    found = validate(model_version_pinned, DEPLOYMENT, {})
    assert len(found) == 2 and "no version" in found[0]


def test_resource_policies_ignore_other_types():
    assert validate(model_version_pinned, ACCOUNT, {}) == []


def test_deployment_of_an_account_outside_the_stack_is_reported():
    dep = {
        "accountName": "elsewhere",
        "sku": {"name": "Standard", "capacity": 1},
        "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}},
    }
    found = validate_stack(residency_deployment_type, [(DEPLOYMENT, "d", dep)], {"boundary": "EU"})
    assert found == ["elsewhere/d: its account is not in this stack, so its region is unknown"]


def test_provisioned_capacity_respects_minimum_and_step():
    account = (ACCOUNT, "a", {"accountName": "a", "location": "eastus2"})

    def dep(capacity):
        return (
            DEPLOYMENT,
            "d",
            {
                "accountName": "a",
                "deploymentName": "d",
                "sku": {"name": "GlobalProvisionedManaged", "capacity": capacity},
                "properties": {"model": {"format": "OpenAI", "name": "gpt-5.1", "version": "2025-11-13"}},
            },
        )

    limits = {"limits": {"eastus2": {"OpenAI.GlobalProvisionedManaged": 200_000}}}
    assert "below the minimum of 15 PTU" in validate_stack(quota_capacity, [account, dep(10)], limits)[0]
    assert "not a multiple of 5 PTU" in validate_stack(quota_capacity, [account, dep(17)], limits)[0]
    assert validate_stack(quota_capacity, [account, dep(20)], limits) == []
    # Azure takes at most 100,000 PTU per deployment, whatever the pool's limit
    assert validate_stack(quota_capacity, [account, dep(100_000)], limits) == []
    [above] = validate_stack(quota_capacity, [account, dep(100_005)], limits)
    assert "100005 PTU is above the 100,000 PTU Azure takes per deployment" in above


def test_thirty_three_deployments_break_the_account_limit():
    resources = [(ACCOUNT, "a", {"accountName": "a", "location": "eastus2"})] + [
        (
            DEPLOYMENT,
            f"d{i}",
            {
                "accountName": "a",
                "deploymentName": f"d{i}",
                "sku": {"name": "Standard", "capacity": 1},
                "properties": {"model": {"format": "OpenAI", "name": "gpt-4o"}},
            },
        )
        for i in range(33)
    ]
    found = validate_stack(deployments_per_account, resources)
    assert len(found) == 1 and "has 33 deployments, more than 32" in found[0]
