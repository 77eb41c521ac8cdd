"""The quota ledger across stacks, and cost in the JSON report (the cost and quota issue's acceptance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foundry_iac.engine.pool import build_report
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.stacks import resolve_stack
from tests.conftest import BASE_POLICY_CONFIG, ROOT

SUB = "aaaaaaaa-1111-2222-3333-444444444444"
STACK = """\
config:
  azure-native:subscriptionId: {sub}
  azure-native:location: eastus2
  foundry-iac:environment: nonproduction
  foundry-iac:tags: {{owner: team}}
  foundry-iac:accounts:
    - name: fdy-{name}
      network: {{publicAccess: true, ipRules: [203.0.113.0/24]}}
      deployments:
        - model: gpt-4o
          version: "2024-11-20"
          type: GlobalStandard
          capacity: {capacity}
          monthlyTokens: {{input: 1000000, output: 1000000}}
"""


def snapshot(limit: int) -> dict:
    return {
        "subscription": SUB,
        "syncedAt": "2026-11-20T08:00:00Z",
        "apiVersion": "2025-06-01",
        "endpoint": "https://management.azure.com",
        "regions": {
            "eastus2": {
                "usages": {"OpenAI.GlobalStandard.gpt-4o": {"limit": limit, "current": 0, "unit": "Count"}},
                "capacities": [],
            }
        },
    }


@pytest.fixture
def project(tmp_path: Path):
    """A small real project: the repository's program and pack, two stacks of its own, a quota snapshot."""
    for name in ("__main__.py", "Pulumi.yaml"):
        (tmp_path / name).symlink_to(ROOT / name)
    for folder in ("stacks", "policies/config", "quotas"):
        (tmp_path / folder).mkdir(parents=True)
    config = {
        **BASE_POLICY_CONFIG,
        "allowed-regions": {"allowedRegions": ["eastus2"]},
        "residency-deployment-type": {"boundary": "none"},
    }

    def make(capacities: dict[str, int], limit: int = 100) -> Path:
        for name, capacity in capacities.items():
            (tmp_path / "stacks" / f"Pulumi.{name}.yaml").write_text(
                STACK.format(sub=SUB, name=name, capacity=capacity)
            )
            (tmp_path / "policies" / "config" / f"{name}.json").write_text(json.dumps(config))
        (tmp_path / "quotas" / f"{SUB}.json").write_text(json.dumps(snapshot(limit)))
        return tmp_path

    return make


def quota_failures(report: dict) -> dict[str, list[str]]:
    return {
        e["stack"]: [v["message"] for v in e["violations"] if v["policy"] == "quota-capacity" and not v["waived"]]
        for e in report["stacks"]
    }


def check(root: Path, *names: str) -> dict:
    return as_data(build_report([resolve_stack(n, root) for n in names], root))


def test_two_stacks_past_the_limit_both_fail_together_and_alone(project):
    root = project({"team-a": 60, "team-b": 50}, limit=100)
    together = quota_failures(check(root, "team-a", "team-b"))
    alone = {**quota_failures(check(root, "team-a")), **quota_failures(check(root, "team-b"))}
    for failures in (together, alone):
        assert failures["team-a"] and failures["team-b"]
        assert "plus 50 for other stacks in this subscription (team-b: 50)" in failures["team-a"][0]
        assert f"over the limit of 100 (quotas/{SUB}.json, synced 2026-11-20T08:00:00Z)" in failures["team-a"][0]


@pytest.mark.parametrize("lowered", ["team-a", "team-b"])
def test_lowering_either_stack_below_the_headroom_passes_both(project, lowered):
    capacities = {"team-a": 60, "team-b": 50}
    capacities[lowered] = 100 - capacities["team-b" if lowered == "team-a" else "team-a"]
    root = project(capacities, limit=100)
    report = check(root, "team-a", "team-b")
    assert quota_failures(report) == {"team-a": [], "team-b": []} and report["passed"]
    assert quota_failures(check(root, "team-a")) == {"team-a": []}


def test_quota_rows_show_other_stacks_and_the_snapshot_as_source(project):
    root = project({"team-a": 60, "team-b": 30}, limit=100)
    (row,) = check(root, "team-a")["stacks"][0]["quota"]
    assert row == {
        "subscription": SUB,
        "region": "eastus2",
        "usage_name": "OpenAI.GlobalStandard.gpt-4o",
        "requested": 60,
        "limit": 100,
        "limit_source": f"quotas/{SUB}.json, synced 2026-11-20T08:00:00Z",
        "requested_by_other_stacks": {"team-b": 30},
    }


def test_an_unreadable_sibling_stack_fails_closed(project):
    root = project({"team-a": 10, "team-b": 10})
    (root / "stacks" / "Pulumi.team-b.yaml").write_text("config:\n  foundry-iac:accounts: 5\n")
    from foundry_iac.errors import GateInputError

    with pytest.raises(GateInputError, match="cannot be counted in the quota ledger"):
        check(root, "team-a")


def test_gpt_5_1_capacity_50_ceiling_and_expected_cost_in_the_json_report():
    (entry,) = as_data(build_report([resolve_stack("dev", ROOT)], ROOT))["stacks"]
    (row,) = [d for d in entry["cost"]["deployments"] if d["model"] == "gpt-5.1"]
    assert (row["sku"], row["capacity"]) == ("GlobalStandard", 50)
    assert row["monthly_ceiling"] == pytest.approx(50 * 1000 * 43_800 * 10.00 / 1e6)  # input share 0: 21,900
    assert row["monthly_expected"] == pytest.approx(40 * 1.25 + 10 * 10.00)  # 40M in, 10M out declared


@pytest.mark.parametrize("share,ceiling", [(1.0, 5_475.0), (0.5, 13_687.5), (0.0, 21_900.0)])
def test_ceiling_follows_the_configured_input_share(gate, share, ceiling):
    from tests.conftest import TAGGED_STACK

    stack = (
        TAGGED_STACK.replace("capacity: 10", "capacity: 50")
        .replace("type: DataZoneStandard", "type: GlobalStandard")
        .replace("  foundry-iac:residency: EU\n", "")
    )
    entry = gate(
        stack, cost_budget={"maxBudgetUsd": 100000, "inputShare": share}, residency_deployment_type={"boundary": "none"}
    )
    (row,) = [d for d in entry["cost"]["deployments"] if d["model"] == "gpt-4o"]
    assert row["monthly_ceiling"] == pytest.approx(ceiling)


def test_budget_below_the_ceiling_fails_on_ceiling_and_passes_on_expected(gate):
    from tests.conftest import TAGGED_STACK

    stack = TAGGED_STACK.replace(
        "capacity: 10\n", "capacity: 10\n          monthlyTokens: {input: 1000000, output: 100000}\n"
    )
    ceiling = gate(stack, cost_budget={"maxBudgetUsd": 1000, "basis": "ceiling"})
    assert not ceiling["passed"] and ceiling["cost"]["monthly_ceiling"] > 1000
    assert "monthly ceiling cost" in [v for v in ceiling["violations"] if v["policy"] == "cost-budget"][0]["message"]
    expected = gate(stack, cost_budget={"maxBudgetUsd": 1000, "basis": "expected"})
    assert expected["passed"] and expected["cost"]["monthly_expected"] < 1000


def test_cost_is_totalled_per_account_and_per_stack(gate):
    from tests.conftest import TAGGED_STACK

    second = TAGGED_STACK.split("  foundry-iac:accounts:\n")[1].replace("fdy-test", "fdy-test-two")
    cost = gate(TAGGED_STACK + second)["cost"]
    assert [a["account"] for a in cost["accounts"]] == ["fdy-test", "fdy-test-two"]
    assert sum(a["monthly_ceiling"] for a in cost["accounts"]) == pytest.approx(cost["monthly_ceiling"])
    assert cost["accounts"][0]["monthly_ceiling"] == pytest.approx(cost["accounts"][1]["monthly_ceiling"])


PTU_STACK = """\
config:
  azure-native:subscriptionId: {sub}
  azure-native:location: eastus2
  foundry-iac:environment: nonproduction
  foundry-iac:tags: {{owner: team}}
  foundry-iac:accounts:
    - name: fdy-{name}
      network: {{publicAccess: false}}
      deployments:
        - model: {model}
          version: "{version}"
          type: GlobalProvisionedManaged
          capacity: {capacity}
"""


def test_provisioned_deployments_of_different_models_share_one_ptu_pool_across_stacks(tmp_path):
    for name in ("__main__.py", "Pulumi.yaml"):
        (tmp_path / name).symlink_to(ROOT / name)
    for folder in ("stacks", "policies/config"):
        (tmp_path / folder).mkdir(parents=True)
    config = {
        **BASE_POLICY_CONFIG,
        "allowed-regions": {"allowedRegions": ["eastus2"]},
        "residency-deployment-type": {"boundary": "none"},
        "approved-models": {"approvedModels": {"gpt-4o": [], "gpt-5.1": []}},
        "quota-capacity": {"limits": {"eastus2": {"OpenAI.GlobalProvisionedManaged": 50}}},
    }
    for name, model, version in (("team-a", "gpt-4o", "2024-11-20"), ("team-b", "gpt-5.1", "2025-11-13")):
        (tmp_path / "stacks" / f"Pulumi.{name}.yaml").write_text(
            PTU_STACK.format(sub=SUB, name=name, model=model, version=version, capacity=30)
        )
        (tmp_path / "policies" / "config" / f"{name}.json").write_text(json.dumps(config))
    report = check(tmp_path, "team-a")
    (row,) = report["stacks"][0]["quota"]
    assert row["usage_name"] == "OpenAI.GlobalProvisionedManaged" and row["requested_by_other_stacks"] == {"team-b": 30}
    (failure,) = quota_failures(report)["team-a"]
    assert "needs 30 units" in failure and "plus 30 for other stacks in this subscription (team-b: 30)" in failure
    assert "over the limit of 50 (policy config limits)" in failure


def set_limits(root: Path, stack: str, limit: int) -> None:
    path = root / "policies" / "config" / f"{stack}.json"
    config = json.loads(path.read_text())
    config["quota-capacity"] = {"limits": {"eastus2": {"OpenAI.GlobalStandard.gpt-4o": limit}}}
    path.write_text(json.dumps(config))


@pytest.mark.parametrize(
    "snapshot_limit,policy_limit,binding,source",
    [(100, 70, 70, "policy config limits"), (100, 500, 100, f"quotas/{SUB}.json, synced 2026-11-20T08:00:00Z")],
)
def test_the_lower_of_the_snapshot_and_the_policy_limit_binds(project, snapshot_limit, policy_limit, binding, source):
    root = project({"team-a": 80}, limit=snapshot_limit)
    set_limits(root, "team-a", policy_limit)
    entry = check(root, "team-a")["stacks"][0]
    (row,) = entry["quota"]
    assert (row["limit"], row["limit_source"]) == (binding, source)
    assert bool(quota_failures({"stacks": [entry]})["team-a"]) == (80 > binding)


@pytest.mark.parametrize("policy_limit", [None, 70, 500])
def test_quota_show_and_check_report_the_same_limit(project, monkeypatch, capsys, policy_limit):
    from foundry_iac.cli.main import main

    root = project({"team-a": 60, "team-b": 30}, limit=100)
    if policy_limit is not None:
        set_limits(root, "team-a", policy_limit)
    (checked,) = check(root, "team-a")["stacks"][0]["quota"]
    from foundry_iac.engine.stacks import all_stacks
    from foundry_iac.render.quota import quota_rows

    (shown,) = quota_rows(root, all_stacks(root))
    assert (shown["limit"], shown["source"]) == (checked["limit"], checked["limit_source"])
    assert shown["by_stack"] == {"team-a": 60, "team-b": 30}
    monkeypatch.chdir(root)
    assert main(["quota", "show"]) == 0
    assert f" {checked['limit']} " in capsys.readouterr().out


def test_text_and_markdown_quota_rows_show_other_stacks_units(project):
    from foundry_iac.render.markdown import render_markdown
    from foundry_iac.render.text import render_text

    root = project({"team-a": 60, "team-b": 30}, limit=100)
    report = build_report([resolve_stack("team-a", root)], root)
    assert "60 units + team-b: 30 of 100" in render_text(report)
    assert "| 60 | team-b: 30 | 100 |" in render_markdown(report)


def test_stacks_of_another_subscription_do_not_count(project):
    root = project({"team-a": 60, "team-b": 50}, limit=100)
    other = root / "stacks" / "Pulumi.team-b.yaml"
    other.write_text(other.read_text().replace(SUB, "bbbbbbbb-1111-2222-3333-444444444444"))
    report = check(root, "team-a")
    (row,) = report["stacks"][0]["quota"]
    assert row["requested_by_other_stacks"] == {} and quota_failures(report) == {"team-a": []}


def test_deployments_of_one_stack_on_the_same_quota_add_up(tmp_path):
    from components.stack import load_stack_file
    from foundry_iac.engine.ledger import stack_requests

    grok = 'model: grok-4-1-fast-reasoning\n          version: "1"'
    first = STACK.format(sub=SUB, name="team-a", capacity=60).replace(
        'model: gpt-4o\n          version: "2024-11-20"', grok
    )
    second = f"        - name: grok-b\n          {grok}\n          type: GlobalStandard\n          capacity: 25\n"
    path = tmp_path / "Pulumi.team-a.yaml"
    path.write_text(first + second)
    requests = stack_requests(load_stack_file(path, "x"))
    key = ("eastus2", "AIServices.GlobalStandard.grok-4-1-fast-reasoning")
    assert requests.units == {key: 85}
    assert requests.defaults == {key: 400}  # the catalog's documented 400,000 TPM
    assert requests.subscription == SUB and requests.stack == "team-a"


def test_a_sibling_of_another_subscription_does_not_stop_the_count(project):
    root = project({"team-a": 60, "team-b": 30}, limit=100)
    stray = root / "stacks" / "Pulumi.team-0.yaml"  # sorts before team-b
    stray.write_text(STACK.format(sub="bbbbbbbb-1111-2222-3333-444444444444", name="team-0", capacity=5))
    (root / "policies" / "config" / "team-0.json").write_text(
        (root / "policies" / "config" / "team-a.json").read_text()
    )
    (row,) = check(root, "team-a")["stacks"][0]["quota"]
    assert row["requested_by_other_stacks"] == {"team-b": 30}


def test_an_unreadable_sibling_names_its_first_problem(project):
    root = project({"team-a": 10, "team-b": 10})
    (root / "stacks" / "Pulumi.team-b.yaml").write_text(
        f"config:\n  azure-native:subscriptionId: {SUB}\n  foundry-iac:bogus: 1\n  foundry-iac:zzz: 2\n"
    )
    from foundry_iac.errors import GateInputError

    with pytest.raises(GateInputError) as err:
        check(root, "team-a")
    assert "stacks/Pulumi.team-b.yaml:1: cannot be counted in the quota ledger (" in str(err.value)
    assert "(5 config error(s), first: required key 'accounts' is missing; add it)" in str(err.value)


def test_checked_together_an_unreadable_stack_is_said_once_by_its_own_errors(project):
    root = project({"team-a": 10, "team-b": 10})
    (root / "stacks" / "Pulumi.team-b.yaml").write_text(
        f"config:\n  azure-native:subscriptionId: {SUB}\n  foundry-iac:bogus: 1\n"
    )
    from foundry_iac.errors import GateInputError

    with pytest.raises(GateInputError) as err:
        check(root, "team-a", "team-b")
    assert err.value.messages and all("stacks/Pulumi.team-b.yaml:" in m for m in err.value.messages)
    assert not any("cannot be counted in the quota ledger" in m for m in err.value.messages)
    assert any("bogus" in m for m in err.value.messages)


def test_a_broken_snapshot_is_named(project):
    root = project({"team-a": 10})
    (root / "quotas" / f"{SUB}.json").write_text("{not json")
    from foundry_iac.errors import GateInputError

    with pytest.raises(GateInputError, match=rf"quotas/{SUB}.json:1: not valid JSON"):
        check(root, "team-a")


def test_a_snapshot_without_the_usage_gives_no_limit_only_the_other_stacks(project):
    from foundry_iac.engine.ledger import ledger_for

    root = project({"team-a": 60, "team-b": 30}, limit=100)
    ledger = ledger_for(root, "team-a", SUB, {("eastus2", "OpenAI.GlobalStandard.gpt-4.1"), ("westus", "x")})
    assert ledger == {"eastus2": {"OpenAI.GlobalStandard.gpt-4.1": {"others": {}}}, "westus": {"x": {"others": {}}}}
    known = ledger_for(root, "team-a", SUB, {("eastus2", "OpenAI.GlobalStandard.gpt-4o")})
    assert known["eastus2"]["OpenAI.GlobalStandard.gpt-4o"] == {
        "others": {"team-b": 30},
        "limit": 100,
        "source": f"quotas/{SUB}.json, synced 2026-11-20T08:00:00Z",
    }


def test_a_snapshot_named_by_the_upper_case_subscription_is_refused_not_ignored(project):
    from foundry_iac.errors import GateInputError

    root = project({"team-a": 60}, limit=10)
    (root / "quotas" / f"{SUB}.json").rename(root / "quotas" / f"{SUB.upper()}.json")
    with pytest.raises(GateInputError) as caught:
        check(root, "team-a")
    (line,) = caught.value.lines()
    assert line.startswith(f"quotas/{SUB.upper()}.json: a quota snapshot is read only as quotas/<subscription id")
    assert line.endswith(f"; rename it to {SUB}.json")
    (root / "quotas" / f"{SUB.upper()}.json").rename(root / "quotas" / f"{SUB}.json")
    assert "over the limit of 10" in quota_failures(check(root, "team-a"))["team-a"][0]  # renamed: it binds


@pytest.mark.parametrize("name", ["notes.json", "prod-eu.json", f"{SUB}.JSON", f"{SUB[:-1]}.json"])
def test_any_other_json_file_in_quotas_is_refused(project, name):
    from foundry_iac.errors import GateInputError

    root = project({"team-a": 60}, limit=100)
    (root / "quotas" / name).write_text(json.dumps(snapshot(10)))
    with pytest.raises(GateInputError) as caught:
        check(root, "team-a")
    (line,) = caught.value.lines()
    assert line.startswith(f"quotas/{name}: a quota snapshot is read only as quotas/<subscription id in lower case>")


def test_other_files_in_quotas_are_left_alone(project):
    root = project({"team-a": 60}, limit=100)
    (root / "quotas" / "README.md").write_text("how snapshots are made\n")
    (root / "quotas" / f"{'b' * 8}-1111-2222-3333-444444444444.json").write_text(json.dumps(snapshot(10)))
    assert quota_failures(check(root, "team-a")) == {"team-a": []}


def test_a_pools_catalog_default_is_the_offer_of_the_deployed_version_not_the_first_offer(monkeypatch):
    """Two GlobalStandard offers of gpt-5.1, one per version, with different default quotas: the ledger takes
    the default of the version the stack deploys (2025-11-13), not of the offer listed first."""
    import copy

    import policies.quota
    from components.catalog import CATALOG_PATH, parse_catalog
    from components.stack.loader import load_stack_file
    from foundry_iac.engine.ledger import stack_requests
    from policies.quota import quota_key

    data = json.loads(CATALOG_PATH.read_text())
    model = data["models"]["gpt-5.1"]
    model["versions"]["2026-01-01"] = copy.deepcopy(model["versions"]["2025-11-13"])
    standard = next(o for o in model["offers"] if o["sku"] == "GlobalStandard")
    other = {**copy.deepcopy(standard), "versions": ["2026-01-01"]}
    other["quota"] = {**standard["quota"], "defaultTpm": 900_000}
    standard["versions"] = ["2025-11-13"]
    standard["quota"] = {**standard["quota"], "defaultTpm": 300_000}
    model["offers"].insert(0, other)
    fake = parse_catalog(data, "two offers")
    monkeypatch.setattr(policies.quota, "catalog", lambda: fake)
    requests = stack_requests(load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml", "dev"))
    key = quota_key("gpt-5.1", "GlobalStandard", "2025-11-13", "eastus2")
    assert requests.defaults[key] == 300


def test_a_pool_two_models_share_has_a_catalog_default_only_when_both_state_the_same(monkeypatch):
    """dev's grok and DeepSeek deployments made to count against one usage name: with different documented
    defaults the pool has none (the ledger does not pick one), with the same default it has that one."""
    import policies.quota
    from components.catalog import CATALOG_PATH, parse_catalog
    from components.stack.loader import load_stack_file
    from foundry_iac.engine.ledger import stack_requests
    from policies.quota import quota_key

    def requests_with(deepseek_default: int) -> int | None:
        data = json.loads(CATALOG_PATH.read_text())
        for name, default in (("grok-4-1-fast-reasoning", 400_000), ("DeepSeek-V3.2", deepseek_default)):
            offer = next(o for o in data["models"][name]["offers"] if o["sku"] == "GlobalStandard")
            offer["usageName"] = "AIServices.GlobalStandard.shared"
            offer["quota"] = {**offer["quota"], "defaultTpm": default}
        fake = parse_catalog(data, "shared pool")
        monkeypatch.setattr(policies.quota, "catalog", lambda: fake)
        requests = stack_requests(load_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml", "dev"))
        key = quota_key("DeepSeek-V3.2", "GlobalStandard", "1", "eastus2")
        assert key == quota_key("grok-4-1-fast-reasoning", "GlobalStandard", "1", "eastus2")
        return requests.defaults[key]

    assert requests_with(900_000) is None
    assert requests_with(400_000) == 400
