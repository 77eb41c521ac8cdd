"""Custom content filters: deployed as RaiPolicy, RaiBlocklist and RaiBlocklistItem before the deployments
that name them, read by Azure's own models, refused at their line when wrong, and judged by the
content-filter policies through real stacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.mgmt.cognitiveservices import models

from components.content_safety.filter_settings import BUILTIN_SETTINGS, settings_of, stricter_or_equal
from foundry_iac.cli.main import main
from foundry_iac.engine.arm_export import arm_template
from foundry_iac.engine.gate import check_stack
from tests.azure_contract import contract_errors
from tests.conftest import ROOT, example_ref, unwaived

PROD_EU = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
RAI = "azure-native:cognitiveservices:RaiPolicy"
BLOCKLIST = "azure-native:cognitiveservices:RaiBlocklist"
ITEM = "azure-native:cognitiveservices:RaiBlocklistItem"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"


def run_file(capsys, tmp_path: Path, text: str) -> tuple[int, dict | None, str]:
    path = tmp_path / "Pulumi.prod-eu.yaml"
    path.write_text(text)
    code = main(["plan", str(path), "--policy-config", str(ROOT / "policies/config/prod-eu.json"), "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out)["stacks"][0] if out else None), err


def test_the_filter_and_its_blocklist_come_before_the_deployments_that_use_it(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "prod-eu", "--format", "json"]) == 0
    resources = json.loads(capsys.readouterr().out)["stacks"][0]["resources"]
    order = [r["type"] for r in resources]
    (policy,) = [r for r in resources if r["type"] == RAI]
    (blocklist,) = [r for r in resources if r["type"] == BLOCKLIST]
    items = [r for r in resources if r["type"] == ITEM]
    assert order.index(BLOCKLIST) < order.index(ITEM) < order.index(RAI) < order.index(DEPLOYMENT)
    assert policy["props"]["raiPolicyName"] == "strict-eu" and policy["source"]["line"] == 93
    assert blocklist["urn"] in items[0]["dependencies"] and items[-1]["urn"] in policy["dependencies"]
    first_deployment = next(r for r in resources if r["type"] == DEPLOYMENT)
    assert policy["urn"] in first_deployment["dependencies"]
    assert {(i["props"]["properties"]["pattern"], i["props"]["properties"]["isRegex"]) for i in items} == {
        ("project-bluefin", False),
        ("FIN-[0-9]{4}-INTERNAL", True),
    }
    props = policy["props"]["properties"]
    assert props["customBlocklists"] == [
        {"blocklistName": "internal-codenames", "blocking": True, "source": "Prompt"},
        {"blocklistName": "internal-codenames", "blocking": True, "source": "Completion"},
    ]
    shields = {f["name"]: f["enabled"] for f in props["contentFilters"] if "severityThreshold" not in f}
    assert shields == {
        "Jailbreak": True,
        "Indirect Attack": True,
        "Protected Material Text": True,
        "Protected Material Code": True,
    }
    violence = {f["source"]: f["severityThreshold"] for f in props["contentFilters"] if f["name"] == "Violence"}
    assert violence == {"Prompt": "Low", "Completion": "Medium"}


def test_azures_cognitiveservices_models_read_the_exported_filter_blocklist_and_items():
    template = arm_template(check_stack(example_ref("prod-eu"), ROOT), "test")
    by_type: dict[str, list[dict]] = {}
    for resource in template["resources"]:
        by_type.setdefault(resource["type"], []).append(resource)
    strip = ("name", "type", "apiVersion", "dependsOn", "scope")
    (policy,) = by_type["Microsoft.CognitiveServices/accounts/raiPolicies"]
    assert policy["apiVersion"] == "2025-06-01" and policy["name"] == "fdy-prod-eu-core/strict-eu"
    read = models.RaiPolicy.deserialize({k: v for k, v in policy.items() if k not in strip})
    assert contract_errors(read) == []
    assert read.properties.mode in models.RaiPolicyMode.__members__.values()
    for entry in read.properties.content_filters:
        assert entry.source in models.RaiPolicyContentSource.__members__.values()
        assert entry.severity_threshold is None or entry.severity_threshold in models.ContentLevel.__members__.values()
    for item in by_type["Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems"]:
        read_item = models.RaiBlocklistItem.deserialize({k: v for k, v in item.items() if k not in strip})
        assert contract_errors(read_item) == [] and read_item.properties.pattern
    assert "Microsoft.CognitiveServices/accounts/raiBlocklists" in by_type


def test_a_filter_that_lowers_violence_to_high_fails_content_filter_severity_only(capsys, tmp_path):
    text = PROD_EU.replace("Violence: {prompt: Low, completion: Medium}", "Violence: {prompt: Low, completion: High}")
    code, entry, _ = run_file(capsys, tmp_path, text)
    assert code == 1 and entry is not None
    failing = {v["policy"] for v in entry["violations"] if not v["waived"] and v["enforcement"] == "mandatory"}
    assert failing == {"content-filter-severity"}
    (finding,) = unwaived(entry, "content-filter-severity")
    assert finding["message"] == (
        "content filter strict-eu (used by fdy-prod-eu-core/gpt-4o, fdy-prod-eu-core/gpt-5.1, "
        "fdy-prod-eu-core/text-embedding-3-large): it filters Violence on completions only from High severity, "
        "looser than Medium"
    )
    assert finding["source"]["line"] == 93  # the filter's line; the message names the deployments
    assert [r["line"] for r in finding["related"]] == [103, 109, 116]  # and the report their lines


def test_a_filter_with_jailbreak_off_fails_content_filter_shields(capsys, tmp_path):
    text = PROD_EU.replace("{jailbreak: true, indirectAttack: true}", "{jailbreak: false, indirectAttack: true}")
    code, entry, _ = run_file(capsys, tmp_path, text)
    assert code == 1 and entry is not None
    (finding,) = unwaived(entry, "content-filter-shields")
    assert finding["message"].endswith("): Jailbreak is not on and blocking")
    text = tmp_path / "report.txt"
    assert (
        main(
            [
                "check",
                str(tmp_path / "Pulumi.prod-eu.yaml"),
                "--policy-config",
                str(ROOT / "policies/config/prod-eu.json"),
                "--output",
                str(text),
            ]
        )
        == 1
    )
    assert (
        f"{tmp_path / 'Pulumi.prod-eu.yaml'}:93 (also 103, 109, 116)".replace(str(ROOT) + "/", "") in text.read_text()
    )


def test_a_mode_the_policy_config_does_not_allow_fails_content_filter_mode(capsys, tmp_path):
    text = PROD_EU.replace("        - name: strict-eu\n", "        - name: strict-eu\n          mode: Deferred\n")
    code, entry, _ = run_file(capsys, tmp_path, text)
    assert code == 1 and entry is not None
    (finding,) = unwaived(entry, "content-filter-mode")
    assert finding["message"].endswith("): its mode Deferred is not one of Default")


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            "          contentFilter: strict-eu\n          monthlyTokens: {input: 900000000",
            "          contentFilter: strict-ue\n          monthlyTokens: {input: 900000000",
            ":107: accounts[0].deployments[0].contentFilter: content filter 'strict-ue' is neither built in nor in "
            "this account's contentFilters; did you mean 'strict-eu'?",
        ),
        (
            '{pattern: "FIN-[0-9]{4}-INTERNAL", regex: true}',
            '{pattern: "FIN-[0-9{4}", regex: true}',
            ":101: accounts[0].contentFilters[0].blocklists[0].items[1].pattern: 'FIN-[0-9{4}' is not a regular "
            "expression (unterminated character set at position 4); fix it, or set regex: false",
        ),
        (
            "        - name: strict-eu\n",
            "        - name: Microsoft.DefaultV2\n",
            ":93: accounts[0].contentFilters[0].name: Microsoft.DefaultV2 is a built-in filter; name yours differently",
        ),
        (
            "Violence: {prompt: Low, completion: Medium}",
            "Violence: {prompt: Lowest, completion: Medium}",
            ":96: accounts[0].contentFilters[0].categories.Violence.prompt",
        ),
    ],
    ids=["unknown-filter", "bad-regex", "builtin-name", "bad-threshold"],
)
def test_content_filter_mistakes_are_config_errors_at_their_line(capsys, tmp_path, old, new, message):
    assert old in PROD_EU
    code, _, err = run_file(capsys, tmp_path, PROD_EU.replace(old, new))
    assert code == 2 and message in err, err


def test_builtin_defaultv2_blocks_the_four_categories_at_medium_with_jailbreak_and_protected_material():
    v2 = BUILTIN_SETTINGS["Microsoft.DefaultV2"]
    assert set(v2.thresholds.values()) == {"Medium"} and len(v2.thresholds) == 8
    assert v2.shields == {"Jailbreak", "Protected Material Text", "Protected Material Code"}
    assert BUILTIN_SETTINGS["Microsoft.Default"].shields == frozenset()  # not documented: judged as none


def test_settings_count_only_filters_that_are_on_and_blocking():
    props = {
        "mode": "Blocking",
        "contentFilters": [
            {"name": "Hate", "enabled": True, "blocking": True, "severityThreshold": "Low", "source": "Prompt"},
            {"name": "Sexual", "enabled": True, "blocking": False, "severityThreshold": "Low", "source": "Prompt"},
            {"name": "Violence", "enabled": False, "blocking": True, "severityThreshold": "Low", "source": "Prompt"},
            {"name": "Jailbreak", "enabled": True, "blocking": True, "source": "Prompt"},
            {"name": "Indirect Attack", "enabled": True, "blocking": False, "source": "Prompt"},
        ],
    }
    read = settings_of("f", props)
    assert read.mode == "Blocking" and read.thresholds == {("Hate", "Prompt"): "Low"}
    assert read.shields == {"Jailbreak"} and not read.builtin
    assert settings_of("f", {}).mode == "Default"


@pytest.mark.parametrize(
    "threshold,loosest,expected",
    [
        ("Low", "Medium", True),
        ("Medium", "Medium", True),
        ("High", "Medium", False),
        ("Low", "Low", True),
        ("Medium", "Low", False),
        ("High", "High", True),
        ("None", "High", False),
        ("Low", "Lowest", False),
    ],
)
def test_stricter_or_equal_orders_low_as_the_strictest(threshold, loosest, expected):
    assert stricter_or_equal(threshold, loosest) is expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("low", "prompt: must be one of Low, Medium, High (got 'low'); did you mean 'Low'? (the name differs in case)"),
        ("5", "prompt: must be one of Low, Medium, High (got 5)"),
        (
            "{threshold: low}",
            "prompt.threshold: must be one of Low, Medium, High (got 'low'); did you mean 'Low'? (the name differs "
            "in case)",
        ),
        ("{threshold: Low, blocking: maybe}", "prompt.blocking: must be true or false (got 'maybe')"),
        ("{thresold: Low}", "prompt.thresold: unknown key 'thresold'; did you mean 'threshold'?"),
    ],
    ids=["text", "number", "mapping", "mapping-blocking", "mapping-key"],
)
def test_a_threshold_or_setting_mistake_is_one_error_of_the_branch_its_kind_chose(capsys, tmp_path, value, expected):
    # the union `Low | {threshold, blocking}`: a text is judged as a threshold, a mapping as a setting, and the
    # error names the data's path, never pydantic's branch names (literal['Low',...], DirectionFilter)
    text = PROD_EU.replace(
        "Violence: {prompt: Low, completion: Medium}", f"Violence: {{prompt: {value}, completion: Medium}}"
    )
    code, _, err = run_file(capsys, tmp_path, text)
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert code == 2 and len(lines) == 1, err
    assert lines[0].endswith(f":96: accounts[0].contentFilters[0].categories.Violence.{expected}"), lines[0]
