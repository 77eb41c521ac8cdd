"""The committed policy-config schema is the pack's, the examples follow it, and what the loader refuses
about it is refused at the line."""

from __future__ import annotations

import json

import jsonschema
import pytest

from foundry_iac.engine.policy_config import PolicyConfigError, load_policy_config
from foundry_iac.engine.policy_config_schema import SCHEMA_FILE, render
from policies.pack import POLICIES
from tests.conftest import ROOT


def test_the_committed_schema_is_generated_from_the_pack():
    assert (ROOT / SCHEMA_FILE).read_text() == render(POLICIES), (
        "run: python -m foundry_iac.engine.policy_config_schema"
    )


@pytest.mark.parametrize("stack", ["dev", "prod-eu", "prod-us"])
def test_the_example_policy_configs_follow_the_schema(stack):
    schema = json.loads((ROOT / SCHEMA_FILE).read_text())
    jsonschema.Draft7Validator(schema).validate(json.loads((ROOT / f"policies/config/{stack}.json").read_text()))


def test_editors_map_the_schemas_by_file_name():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text())
    assert settings["json.schemas"] == [
        {"fileMatch": ["/policies/config/*.json"], "url": "./schema/policy-config.schema.json"}
    ]


def config_with(tmp_path, extra: dict, quota: dict | None = None):
    data = json.loads((ROOT / "policies/config/dev.json").read_text())
    data.update(extra)
    if quota is not None:
        data["quota-capacity"] = quota
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def test_a_hand_written_ledger_is_refused_at_its_line(tmp_path):
    path = config_with(tmp_path, {}, {"ledger": {"eastus2": {}}})
    with pytest.raises(PolicyConfigError) as raised:
        load_policy_config(path, "dev.json", POLICIES)
    (line,) = raised.value.messages
    at = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"ledger"' in text)
    assert line.startswith(f"dev.json:{at}: ")
    assert "quota-capacity.ledger is computed by foundry-iac (from quotas/ and stacks/), not written by hand" in line


def test_a_schema_key_is_refused_because_pulumi_would_read_it_as_an_enforcement_level(tmp_path):
    path = config_with(tmp_path, {"$schema": "../../schema/policy-config.schema.json"})
    with pytest.raises(PolicyConfigError) as raised:
        load_policy_config(path, "dev.json", POLICIES)
    (line,) = raised.value.messages
    at = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"$schema"' in text)
    assert line.startswith(f"dev.json:{at}: $schema: Pulumi reads every top-level text value of a policy config as an ")
    assert "$schema: Pulumi reads every top-level text value of a policy config as an enforcement level" in line
    assert line.endswith(
        ".vscode/settings.json, which maps policies/config/*.json to schema/policy-config.schema.json)"
    )


@pytest.mark.parametrize(
    "policy,key,allowed",
    [
        ("agent-storage-isolation", "OtherStacks", "waivers,enforcementLevel"),
        ("quota-capacity", "Ledger", "limits,unknownLimit,waivers,enforcementLevel"),
    ],
)
def test_a_near_miss_of_a_computed_setting_is_never_pointed_at_it(tmp_path, policy, key, allowed):
    """Writing the computed setting is refused too, so the fix offered lists only what may be written."""
    from tests.conftest import BASE_POLICY_CONFIG

    path = tmp_path / "p.json"
    path.write_text(json.dumps({**BASE_POLICY_CONFIG, policy: {"enforcementLevel": "mandatory", key: {}}}))
    with pytest.raises(PolicyConfigError) as raised:
        load_policy_config(path, "p.json", POLICIES)
    assert raised.value.messages == [f"p.json:1: {policy}: unknown setting {key!r}; allowed: {allowed}"]


@pytest.mark.parametrize(
    "value,kind",
    [({"x": 1}, "an object"), ([1], "an array"), (True, "true"), (False, "false"), (3, "the number 3"), (None, "null")],
)
def test_an_all_that_is_not_a_level_is_named_in_json_terms_once(tmp_path, value, kind):
    from tests.conftest import BASE_POLICY_CONFIG

    path = tmp_path / "p.json"
    path.write_text(json.dumps({**BASE_POLICY_CONFIG, "all": value}))
    with pytest.raises(PolicyConfigError) as raised:
        load_policy_config(path, "p.json", POLICIES)
    assert raised.value.messages == [
        f"p.json:1: all: must be an enforcement level (got {kind}); use one of advisory, mandatory, remediate, disabled"
    ]
