"""Policy config errors: file, line and fix, one line each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from foundry_iac.engine.policy_config import PolicyConfigError, load_policy_config
from policies.pack import POLICIES
from tests.conftest import BASE_POLICY_CONFIG, ROOT


def errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(path, "policies/config/p.json", POLICIES)
    return err.value.messages


def pretty(config: dict) -> str:
    return json.dumps(config, indent=2)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("stack", ["dev", "prod-eu", "prod-us"])
def test_example_policy_configs_load(stack):
    settings = load_policy_config(ROOT / "policies" / "config" / f"{stack}.json", stack, POLICIES)
    assert set(settings) == {p.name for p in POLICIES}


def test_unknown_policy_id_names_file_line_and_fix(tmp_path):
    config = {**BASE_POLICY_CONFIG, "residency-deployment-typo": {"boundary": "EU"}}
    (message,) = errors(tmp_path, pretty(config))
    line = line_of(pretty(config), "residency-deployment-typo")
    assert message == (
        f"policies/config/p.json:{line}: unknown policy 'residency-deployment-typo'; "
        "did you mean 'residency-deployment-type'?"
    )


def test_waiver_without_expiry_is_an_error(tmp_path):
    config = {
        **BASE_POLICY_CONFIG,
        "residency-deployment-type": {
            "boundary": "EU",
            "waivers": [{"resource": "x", "reason": "because of a good reason", "approver": "a"}],
        },
    }
    (message,) = errors(tmp_path, pretty(config))
    line = line_of(pretty(config), '"waivers"') + 1  # the waiver object itself
    assert message == (
        f"policies/config/p.json:{line}: residency-deployment-type.waivers[0]: every waiver needs an "
        'expiry: add "expires": "YYYY-MM-DD"'
    )


@pytest.mark.parametrize(
    "waiver,expected",
    [
        ({"resource": "x", "approver": "a", "expires": "2027-01-01"}, "every waiver needs a reason"),
        ({"resource": "x", "reason": "short", "approver": "a", "expires": "2027-01-01"}, "must say why"),
        (
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "next year"},
            "expires must be a date YYYY-MM-DD (got 'next year')",
        ),
        (
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "2027-02-30"},
            "'2027-02-30' is not a real date",
        ),
        (  # a waiver that never expires in practice is not a dated exception
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "9999-12-31"},
            "expires: 9999-12-31 is outside the dates foundry-iac judges (2000-01-01 to 2999-12-31); use YYYY-MM-DD",
        ),
        (
            {"resource": "x", "reason": "a good long reason", "approver": "a", "expires": "0001-01-01"},
            "0001-01-01 is outside the dates foundry-iac judges",
        ),
    ],
)
def test_bad_waivers_are_errors(tmp_path, waiver, expected):
    config = {**BASE_POLICY_CONFIG, "cost-budget": {"maxBudgetUsd": 5, "waivers": [waiver]}}
    assert any(expected in m for m in errors(tmp_path, pretty(config)))


def test_misspelt_setting_is_an_error_not_silently_ignored(tmp_path):
    config = {**BASE_POLICY_CONFIG, "cost-budget": {"maxBudgetUSD": 5}}
    found = errors(tmp_path, pretty(config))
    assert any("unknown setting 'maxBudgetUSD'; did you mean 'maxBudgetUsd'?" in m for m in found)
    assert any('cost-budget needs "maxBudgetUsd": add it' in m for m in found)


def test_bad_enforcement_level(tmp_path):
    found = errors(tmp_path, pretty({**BASE_POLICY_CONFIG, "content-filter": "strict"}))
    assert any(
        "content-filter.enforcementLevel" in m
        and "must be one of advisory, mandatory, remediate, disabled (got 'strict')" in m
        for m in found
    )


def test_invalid_json_names_the_line(tmp_path):
    # Python 3.13's parser names the trailing comma itself (line 2); older ones the brace after it (line 3)
    line = 2 if sys.version_info >= (3, 13) else 3
    message = errors(tmp_path, '{\n  "all": "mandatory",\n}\n')[0]
    assert message.startswith(f"policies/config/p.json:{line}: not valid JSON"), message


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(PolicyConfigError) as err:
        load_policy_config(tmp_path / "nope.json", "policies/config/nope.json", POLICIES)
    assert "create it (copy policies/config/dev.json) or pass --policy-config FILE" in err.value.messages[0]


def settings_of(tmp_path: Path, config: dict):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(config))
    return load_policy_config(path, "p.json", POLICIES)


def test_all_sets_the_level_of_every_policy_the_config_does_not_level_itself(tmp_path):
    config = {
        **BASE_POLICY_CONFIG,
        "all": "advisory",
        "content-filter": "mandatory",
        "cost-budget": {"enforcementLevel": "disabled", "maxBudgetUsd": 1},
    }
    settings = settings_of(tmp_path, config)
    assert settings["content-filter"].enforcement == "mandatory"
    assert settings["cost-budget"].enforcement == "disabled"
    assert settings["managed-identity"].enforcement == "advisory"  # {} takes `all`
    assert settings["account-reachable"].enforcement == "advisory"  # not named at all: takes `all`


def test_without_all_each_policy_keeps_the_packs_level(tmp_path):
    config = {k: v for k, v in BASE_POLICY_CONFIG.items() if k not in ("all", "cmk-required", "account-reachable")}
    settings = settings_of(tmp_path, config)
    assert settings["cmk-required"].enforcement == "disabled"  # the pack's default for cmk-required
    assert settings["account-reachable"].enforcement == "mandatory"
    assert settings["managed-identity"].enforcement == "mandatory"


def test_settings_know_their_lines(tmp_path):
    config = {k: v for k, v in BASE_POLICY_CONFIG.items() if k != "cost-budget"}
    text = json.dumps(config, indent=2)[:-2] + ',\n  "cost-budget": {\n    "maxBudgetUsd": 5\n  }\n}\n'
    path = tmp_path / "p.json"
    path.write_text(text)
    settings = load_policy_config(path, "p.json", POLICIES)
    first = line_of(text, '"cost-budget"')
    assert settings["cost-budget"].location("maxBudgetUsd") == f"p.json:{first + 1}"
    assert settings["cost-budget"].location("basis") == f"p.json:{first}"  # not written: the policy's entry
