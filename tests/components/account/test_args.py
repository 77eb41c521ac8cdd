"""Component inputs built from config: deterministic names, network defaults, plain values."""

from __future__ import annotations

from components.account.args import account_args
from components.naming import custom_subdomain, role_assignment_name, stable_suffix
from components.stack import load_stack_file
from tests.conftest import MINIMAL_STACK


def test_subdomain_is_stable_and_differs_per_stack_and_subscription():
    a = custom_subdomain("fdy-core", "prod", "11111111-2222-3333-4444-555555555555")
    assert a == custom_subdomain("fdy-core", "prod", "11111111-2222-3333-4444-555555555555")
    assert a != custom_subdomain("fdy-core", "dev", "11111111-2222-3333-4444-555555555555")
    assert a != custom_subdomain("fdy-core", "prod", "99999999-2222-3333-4444-555555555555")
    assert a.startswith("fdy-core-") and len(stable_suffix("prod", "x")) == 6


def test_subdomain_fits_64_characters_and_is_lower_case():
    name = custom_subdomain("A" * 64, "s", "sub")
    assert len(name) <= 64 and name == name.lower()


def test_role_assignment_names_are_deterministic_guids():
    first = role_assignment_name("/scope", "/role", "principal")
    assert first == role_assignment_name("/SCOPE", "/role", "PRINCIPAL")
    assert len(first) == 36 and first != role_assignment_name("/scope", "/role", "other")


def test_production_accounts_are_private_keyless_and_protected(write_stack):
    args = account_args(load_stack_file(write_stack(MINIMAL_STACK)), 0)
    assert args.public_network_access == "Disabled"
    assert args.network_acls == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert args.disable_local_auth and args.protect and args.identity_type == "SystemAssigned"


def test_nonproduction_public_account_with_ip_rules_denies_by_default(write_stack):
    text = MINIMAL_STACK.replace("environment: production", "environment: nonproduction").replace(
        "      projects:\n",
        "      network:\n        publicAccess: true\n        ipRules: [203.0.113.7]\n      projects:\n",
    )
    args = account_args(load_stack_file(write_stack(text)), 0)
    assert args.public_network_access == "Enabled" and not args.protect
    assert args.network_acls["defaultAction"] == "Deny"
    assert args.network_acls["ipRules"] == [{"value": "203.0.113.7"}]


def test_deployment_args_take_format_from_the_catalog_and_keep_their_line(write_stack):
    args = account_args(load_stack_file(write_stack(MINIMAL_STACK)), 0)
    first = args.deployments[0]
    assert (first.model_format, first.sku_name, first.capacity, first.source.line) == (
        "OpenAI",
        "DataZoneStandard",
        10,
        14,
    )
    assert first.rai_policy_name == "Microsoft.DefaultV2" and first.version_upgrade_option == "NoAutoUpgrade"


def test_member_role_is_scoped_to_the_project(write_stack):
    member = account_args(load_stack_file(write_stack(MINIMAL_STACK)), 0).projects[0].members[0]
    assert member.scope.endswith("/providers/Microsoft.CognitiveServices/accounts/fdy-test/projects/team-a")
    assert member.role_definition_id.endswith("/roleDefinitions/53ca6127-db72-4b80-b1b0-d745d6d5456d")
