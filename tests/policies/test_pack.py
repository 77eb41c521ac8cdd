"""The CrossGuard pack: its entry point, its 13 policies and their metadata."""

from __future__ import annotations

import runpy

import yaml
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from tests.conftest import ROOT

DESIGN_IDS = {
    "allowed-regions",
    "residency-deployment-type",
    "approved-models",
    "model-version-pinned",
    "model-lifecycle",
    "content-filter",
    "cost-budget",
    "deployment-cost-ceiling",
    "quota-capacity",
    "deployments-per-account",
    "local-auth-disabled",
    "public-network-access",
    "account-reachable",
    "managed-identity",
    "required-tags",
    "private-endpoint-required",
    "diagnostics-enabled",
    "cmk-required",
    "alerts-configured",
    "content-filter-severity",
    "content-filter-shields",
    "content-filter-mode",
    "agent-byo-resources",
    "agent-network-injection",
    "agent-storage-isolation",
    "defender-for-ai",
    "egress-restricted",
    "preview-api",
}


def test_pack_main_loads_its_policy_list_without_serving():
    namespace = runpy.run_path(str(ROOT / "policies" / "__main__.py"), run_name="not_main")
    policies = namespace["POLICIES"]
    assert {p.name for p in policies} == DESIGN_IDS
    assert all(isinstance(p, (ResourceValidationPolicy, StackValidationPolicy)) for p in policies)


def test_every_policy_has_description_severity_remediation_and_schema():
    from policies.pack import POLICIES

    for policy in POLICIES:
        assert policy.description and policy.severity and policy.remediation_steps, policy.name
        assert "waivers" in policy.config_schema.properties, policy.name
        expected = {"cmk-required": EnforcementLevel.DISABLED, "preview-api": EnforcementLevel.ADVISORY}.get(
            policy.name, EnforcementLevel.MANDATORY
        )
        assert policy.enforcement_level == expected  # cmk-required is off unless a config turns it on; preview-api
        # only tells a reviewer


def test_pulumi_policy_yaml_is_a_python_pack_using_the_project_venv():
    spec = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert spec["runtime"]["name"] == "python" and spec["runtime"]["options"]["virtualenv"] == "../.venv"


def test_policy_configs_exist_for_every_example_stack():
    stacks = {p.name.split(".")[1] for p in (ROOT / "stacks").glob("Pulumi.*.yaml")}
    configs = {p.stem for p in (ROOT / "policies" / "config").glob("*.json")}
    assert stacks <= configs
