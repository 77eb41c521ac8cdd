"""Every kind of stack config mistake gives an error with file, line and fix, all at once."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from components.stack import ConfigError, load_stack_file
from tests.conftest import MINIMAL_STACK


def issues_of(write_stack, text: str) -> list[str]:
    path = write_stack(text)
    with pytest.raises(ConfigError) as err:
        load_stack_file(path, "Pulumi.test.yaml")
    return [str(i) for i in err.value.issues]


def replace(old: str, new: str) -> str:
    assert old in MINIMAL_STACK
    return MINIMAL_STACK.replace(old, new, 1)


def test_minimal_stack_is_valid(write_stack):
    loaded = load_stack_file(write_stack(MINIMAL_STACK))
    assert loaded.config.accounts[0].deployments[1].model == "gpt-5.1"
    assert loaded.location("accounts", 0, "deployments", 1).line == 18


def test_misspelt_key_negative_capacity_and_unknown_model_give_three_errors(write_stack):
    text = replace("          capacity: 10\n", "          capcity: 10\n")
    text = text.replace("capacity: 5", "capacity: -5").replace("model: gpt-5.1", "model: gpt-4z")
    assert issues_of(write_stack, text) == [
        "Pulumi.test.yaml:17: accounts[0].deployments[0].capcity: unknown key 'capcity'; did you mean 'capacity'?",
        "Pulumi.test.yaml:18: accounts[0].deployments[1].model: unknown model 'gpt-4z'; did you mean 'gpt-4o'? "
        "The models are listed in components/catalog.json",
        "Pulumi.test.yaml:21: accounts[0].deployments[1].capacity: must be a positive integer (got -5)",
    ]


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("capacity: 10", 'capacity: "10"', ":17: accounts[0].deployments[0].capacity: must be a whole number"),
        ("capacity: 10", "capacity: 2.5", ":17: accounts[0].deployments[0].capacity: must be a whole number"),
        (
            "type: DataZoneStandard\n          capacity: 5",
            "type: Standart\n          capacity: 5",
            ":20: accounts[0].deployments[1].type: must be one of Standard, ",
        ),
        (
            "type: DataZoneStandard\n          capacity: 5",
            "type: Standart\n          capacity: 5",
            "(got 'Standart'); did you mean 'Standard'?",
        ),
        (
            "role: Azure AI User",
            "role: Azure AI Usr",
            ":12: accounts[0].projects[0].members[0].role: unknown role 'Azure AI Usr'; did you mean 'Azure AI User'?",
        ),
        (
            "principalId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "principalId: alice",
            ":11: accounts[0].projects[0].members[0].principalId: 'alice' is not a valid value here; "
            "expected Entra object id (a GUID).",
        ),
        ("foundry-iac:residency: EU", "foundry-iac:residency: europe", ":5: residency: must be none, EU, US"),
        (
            "azure-native:location: swedencentral",
            "azure-native:location: swedencentrl",
            ":3: azure-native:location: unknown region 'swedencentrl'; did you mean 'swedencentral'?",
        ),
        (
            "foundry-iac:environment: production",
            "foundry-iac:environment: prod",
            ":4: environment: must be one of production, nonproduction (got 'prod')",
        ),
        (
            "foundry-iac:environment: production",
            "foundry-iac:enviroment: production",
            ":4: enviroment: unknown key 'enviroment'; did you mean 'environment'?",
        ),
        (
            "foundry-iac:residency: EU",
            "residency: EU",
            ":5: residency: config keys need a namespace; write 'foundry-iac:residency'",
        ),
        (
            "foundry-iac:residency: EU",
            "foundry-iax:residency: EU",
            ":5: foundry-iax:residency: unknown config namespace 'foundry-iax'; did you mean",
        ),
        ("    - name: fdy-test\n", "    - name: -bad-\n", ":7: accounts[0].name: '-bad-' is not a valid value"),
        (
            "        - name: team-a\n",
            "        - name: team-a\n          owner: bob\n",
            ":10: accounts[0].projects[0].owner: unknown key 'owner'; remove it (allowed here: name, displayName",
        ),
        (
            "      projects:\n",
            "      network:\n        ipRules: [300.1.2.3]\n      projects:\n",
            ":9: accounts[0].network.ipRules[0]: '300.1.2.3' is not an IPv4 address or CIDR range",
        ),
        (
            "      projects:\n",
            "      network:\n        publicAccess: maybe\n      projects:\n",
            ":9: accounts[0].network.publicAccess: must be true or false",
        ),
        (
            '          version: "2025-11-13"\n          type: DataZoneStandard\n',
            '          version: "2025-11-13"\n          type: DataZoneStandard\n          name: gpt-4o\n',
            "accounts[0].deployments[1]: deployment name 'gpt-4o' is used twice (also at index 0); rename one",
        ),
        (
            "  foundry-iac:accounts:\n",
            "  foundry-iac:monthlyBudgetUsd: -1\n  foundry-iac:accounts:\n",
            ":6: monthlyBudgetUsd: must be > 0 (got -1)",
        ),
        (
            "          capacity: 10\n",
            "",
            ":14: accounts[0].deployments[0].capacity: required key 'capacity' is missing; add it",
        ),
        (
            "  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555\n",
            "",
            "Pulumi.test.yaml:1: azure-native:subscriptionId: required key 'subscriptionId' is missing; add it",
        ),
        (
            "  foundry-iac:accounts:\n",
            "  foundry-iac:tags: [a, b]\n  foundry-iac:accounts:\n",
            ":6: tags: must be a mapping of keys",
        ),
        (
            "  foundry-iac:accounts:\n",
            "  foundry-iac:defender: null\n  foundry-iac:accounts:\n",
            ":6: defender: is empty: give its keys (see docs/stack-config.md), or remove the key",
        ),
        (
            "  foundry-iac:accounts:\n",
            "  foundry-iac:tags: {owner: 5}\n  foundry-iac:accounts:\n",
            ":6: tags.owner: must be text (got 5); quote it",
        ),
        (
            "  foundry-iac:accounts:\n",
            "  foundry-iac:residency: US\n  foundry-iac:accounts:\n",
            ":6: residency: duplicate key 'foundry-iac:residency' (first at line 5)",
        ),
    ],
)
def test_each_mistake_is_named_with_its_line_and_fix(write_stack, old, new, expected):
    issues = issues_of(write_stack, replace(old, new))
    assert any(expected in issue for issue in issues), issues


def test_all_errors_are_reported_at_once_in_line_order(write_stack):
    text = replace("foundry-iac:environment: production", "foundry-iac:environment: prod")
    text = text.replace("capacity: 5", "capacity: 0").replace("role: Azure AI User", "role: nobody")
    lines = [int(i.split(":")[1]) for i in issues_of(write_stack, text)]
    assert lines == [4, 12, 21]


def test_empty_file_says_what_to_add(write_stack):
    assert issues_of(write_stack, "") == ["Pulumi.test.yaml: the stack file is empty; add a 'config:' mapping"]


def test_file_without_config_section(write_stack):
    assert "no 'config:' section" in issues_of(write_stack, "foo: 1\n")[0]


def test_unquoted_integer_version_is_read_as_text(write_stack):
    loaded = load_stack_file(write_stack(replace('version: "2024-11-20"', "version: 2024-11-20")))
    assert loaded.config.accounts[0].deployments[0].version == "2024-11-20"
    text = MINIMAL_STACK.replace(
        'model: gpt-4o\n          version: "2024-11-20"', "model: grok-4-1-fast-reasoning\n          version: 1"
    )
    assert load_stack_file(write_stack(text)).config.accounts[0].deployments[0].version == "1"


@settings(max_examples=40, deadline=None)
@given(capacity=st.integers(min_value=-(10**6), max_value=10**6))
def test_capacity_is_accepted_exactly_when_positive(tmp_path_factory, capacity):
    path = tmp_path_factory.mktemp("s") / "Pulumi.p.yaml"
    path.write_text(MINIMAL_STACK.replace("capacity: 10", f"capacity: {capacity}"))
    if capacity > 0:
        assert load_stack_file(path).config.accounts[0].deployments[0].capacity == capacity
    else:
        with pytest.raises(ConfigError) as err:
            load_stack_file(path)
        assert [i.line for i in err.value.issues] == [17]


KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12)


@settings(max_examples=40, deadline=None)
@given(key=KEYS, pad=st.integers(min_value=0, max_value=5))
def test_any_unknown_deployment_key_is_reported_on_its_own_line(tmp_path_factory, key, pad):
    known = {"name", "model", "version", "type", "capacity", "monthlyTokens", "contentFilter", "versionUpgrade"}
    assume(key not in known and key != "null")
    text = "\n" * pad + MINIMAL_STACK.replace("          capacity: 5\n", f"          capacity: 5\n          {key}: 1\n")
    path = tmp_path_factory.mktemp("s") / "Pulumi.p.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_stack_file(path)
    assert [(i.line, i.path) for i in err.value.issues] == [(22 + pad, f"accounts[0].deployments[1].{key}")]


def test_a_null_key_is_refused_on_its_line(write_stack):
    text = MINIMAL_STACK.replace("          capacity: 5\n", "          capacity: 5\n          null: 1\n")
    assert issues_of(write_stack, text) == [
        "Pulumi.test.yaml:22: accounts[0].deployments[1]: a key must be plain text (got None)"
    ]


@pytest.mark.parametrize(
    "extra,expected",
    [
        (
            "Config:\n  foundry-iac:budget: 1\n",
            "Config: unknown top-level key 'Config' (differs in case; names must match exactly); did you mean "
            "'config'?",
        ),
        (
            "foo: bar\n",
            "foo: unknown top-level key 'foo'; known: config, encryptedkey, encryptionsalt, secretsprovider",
        ),
    ],
    ids=["other-case", "unknown"],
)
def test_a_top_level_key_pulumi_would_ignore_is_refused_at_its_line(write_stack, extra, expected):
    line = MINIMAL_STACK.count("\n") + 1
    assert issues_of(write_stack, MINIMAL_STACK + extra) == [
        f"Pulumi.test.yaml:{line}: {expected}; put every setting under 'config:' (Pulumi would ignore it: nothing "
        "would judge it)"
    ]


def test_a_pulumi_esc_environment_is_refused_with_the_reason(write_stack):
    line = MINIMAL_STACK.count("\n") + 1
    (issue,) = issues_of(write_stack, MINIMAL_STACK + "environment:\n  - platform/prod\n")
    assert issue.startswith(
        f"Pulumi.test.yaml:{line}: environment: a Pulumi ESC environment adds config values at deploy time that the "
        "gate never sees"
    )


def test_the_secrets_provider_keys_are_taken(write_stack):
    keys = "secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\n"
    assert load_stack_file(write_stack(MINIMAL_STACK + keys)).config.accounts


def test_a_key_named_twice_inside_a_json_string_value_is_refused_at_its_line(write_stack):
    accounts = '[{"name": "fdy-a", "capacity": 50, "capacity": 9999}]'
    text = MINIMAL_STACK.replace(
        "  foundry-iac:accounts:\n", f"  foundry-iac:extra: '{accounts}'\n  foundry-iac:accounts:\n"
    )
    issues = issues_of(write_stack, text)
    assert (
        "Pulumi.test.yaml:6: foundry-iac:extra: the JSON value names 'capacity' twice (the last would win unseen); "
        "write each key once"
    ) in issues
