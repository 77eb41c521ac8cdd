"""`foundry-iac diff --base REF` on temporary git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from foundry_iac.cli.main import main
from foundry_iac.engine.pool import build_report
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.stacks import resolve_stack
from tests.conftest import ROOT

GPT_51 = 'model: gpt-5.1\n          version: "2025-11-13"\n          type: DataZoneStandard\n          capacity: 40'
GPT_54 = 'model: gpt-5.4\n          version: "2026-03-05"\n          type: DataZoneStandard\n          capacity: 20'


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch):
    """A repository holding the prod-eu stack and its policy config, one commit deep."""
    root = tmp_path / "repo"
    (root / "stacks").mkdir(parents=True)
    (root / "policies" / "config").mkdir(parents=True)
    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copy(ROOT / "stacks/Pulumi.prod-eu.yaml", root / "stacks/Pulumi.prod-eu.yaml")
    shutil.copy(ROOT / "policies/config/prod-eu.json", root / "policies/config/prod-eu.json")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    return root


def unlock(root: Path) -> None:
    """prod-eu with its account's lock opted out, in the base commit itself (a lock on either side counts)."""
    edit(root, "    - name: fdy-prod-eu-core\n", "    - name: fdy-prod-eu-core\n      lock: false\n")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--amend", "-am", "base")


def commit(root: Path, message: str) -> None:
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", message)


def edit(root: Path, old: str, new: str) -> None:
    path = root / "stacks/Pulumi.prod-eu.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def diff_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["diff", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def check_entry(root: Path) -> dict:
    return as_data(build_report([resolve_stack("prod-eu", root)], root))["stacks"][0]


def test_model_change_is_a_replacement_and_capacity_change_is_in_place(repo, capsys):
    unlock(repo)
    before = check_entry(repo)
    edit(repo, GPT_51, GPT_54)
    edit(repo, "type: DataZoneStandard\n          capacity: 50", "type: DataZoneStandard\n          capacity: 60")
    commit(repo, "swap a model, raise a capacity")
    after = check_entry(repo)
    code, report = diff_json(capsys, "--base", "HEAD~1")
    assert code == 0
    (stack,) = report["stacks"]
    changed = {r["name"]: r for r in stack["resources"]["changed"]}
    swapped = changed["fdy-prod-eu-core-deployment-gpt-5.1"]
    assert swapped["replace"] and "CannotChangeDeploymentModel" in swapped["warning"]
    assert "delete-before-replace" in swapped["warning"] and "downtime" in swapped["warning"]
    assert {"path": "properties.model.name", "before": "gpt-5.1", "after": "gpt-5.4"} in swapped["changes"]
    raised = changed["fdy-prod-eu-core-deployment-gpt-4o"]
    assert not raised["replace"] and raised["warning"] is None
    assert raised["changes"] == [{"path": "sku.capacity", "before": 50, "after": 60}]
    for key in ("monthly_expected", "monthly_ceiling"):
        assert stack["cost"][key]["delta"] == pytest.approx(after["cost"][key] - before["cost"][key], abs=0.01)
    assert {
        "region": "swedencentral",
        "usage_name": "OpenAI.DataZoneStandard.gpt-4o",
        "before": 50,
        "after": 60,
        "delta": 10,
        "subscription": "9c4e2a7b-1f3d-4e5a-8b6c-2d7f0e9a1b34",
    } in stack["quota"]


def test_markdown_is_one_comment_with_the_downtime_warning(repo, capsys):
    unlock(repo)
    edit(repo, GPT_51, GPT_54)
    commit(repo, "swap")
    assert main(["diff", "--base", "HEAD~1", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!-- foundry-iac-diff -->\n## ✅ foundry-iac: 1 stack(s) against `HEAD~1`")
    assert "> [!WARNING]\n> 1 resource(s) will be **replaced**" in out and "**replace**" in out


def test_introduced_violation_fails_and_is_listed(repo, capsys):
    edit(
        repo,
        "      network:\n        publicAccess: false\n",
        "      localAuth: true\n      network:\n        publicAccess: false\n",
    )
    commit(repo, "keys on")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (stack,) = report["stacks"]
    assert code == 1 and not report["passed"]
    assert [v["policy"] for v in stack["violations"]["introduced"]] == ["local-auth-disabled"]


def test_resolved_violation_is_listed_when_reverting(repo, capsys):
    edit(
        repo,
        "      network:\n        publicAccess: false\n",
        "      localAuth: true\n      network:\n        publicAccess: false\n",
    )
    commit(repo, "keys on")
    edit(repo, "      localAuth: true\n", "")
    commit(repo, "keys off again")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    assert code == 0 and [v["policy"] for v in report["stacks"][0]["violations"]["resolved"]] == ["local-auth-disabled"]


def test_added_and_removed_stacks(repo, capsys):
    shutil.copy(ROOT / "stacks/Pulumi.prod-us.yaml", repo / "stacks/Pulumi.prod-us.yaml")
    shutil.copy(ROOT / "policies/config/prod-us.json", repo / "policies/config/prod-us.json")
    (repo / "stacks/Pulumi.prod-eu.yaml").unlink()
    git(repo, "add", "-A")
    commit(repo, "replace prod-eu by prod-us")
    _, report = diff_json(capsys, "--base", "HEAD~1")
    status = {s["stack"]: s for s in report["stacks"]}
    assert status["prod-us"]["status"] == "added" and status["prod-us"]["cost"]["monthly_expected"]["before"] == 0
    assert status["prod-eu"]["status"] == "removed" and status["prod-eu"]["passed"] is None
    assert status["prod-eu"]["cost"]["monthly_expected"]["after"] == 0
    assert len(status["prod-eu"]["resources"]["removed"]) > 5


def test_the_work_tree_is_untouched_and_uncommitted_edits_count(repo, capsys):
    edit(repo, "capacity: 120", "capacity: 130")  # not committed
    _, report = diff_json(capsys, "--base", "HEAD")
    assert report["stacks"][0]["status"] == "changed"
    assert "capacity: 130" in (repo / "stacks/Pulumi.prod-eu.yaml").read_text()
    assert (
        subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True).stdout.strip()
        == "M stacks/Pulumi.prod-eu.yaml"
    )


def test_unknown_ref_exits_2(repo, capsys):
    assert main(["diff", "--base", "no-such-ref"]) == 2
    err = capsys.readouterr().err
    assert "--base no-such-ref: not a commit in this repository" in err and err.count("\n") == 1


def test_replacing_a_deployment_of_a_locked_account_warns_that_azure_will_refuse(repo, capsys):
    """prod-eu is production: its account carries a CanNotDelete lock that children inherit."""
    edit(repo, GPT_51, GPT_54)
    commit(repo, "swap under the lock")
    _, report = diff_json(capsys, "--base", "HEAD~1")
    (swapped,) = [r for r in report["stacks"][0]["resources"]["changed"] if r["replace"]]
    assert "CannotChangeDeploymentModel" in swapped["warning"] and "ScopeLocked" in swapped["warning"]
    assert "Deploy the new model under a new deployment name" in swapped["warning"]


def test_renaming_a_deployment_reports_the_quota_both_hold_during_the_change(repo, capsys):
    unlock(repo)
    edit(repo, "        - name: gpt-5.1\n", "        - name: gpt-5.1-chat\n")
    commit(repo, "rename")
    _, report = diff_json(capsys, "--base", "HEAD~1")
    (stack,) = report["stacks"]
    row = next(q for q in stack["quota"] if q["usage_name"] == "OpenAI.DataZoneStandard.gpt-5.1")
    assert (row["before"], row["after"], row["transient_peak"]) == (40, 40, 80)
    assert main(["diff", "--base", "HEAD~1"]) == 0
    assert "40 -> 40 (+0), 80 while the change runs" in capsys.readouterr().out


def test_the_program_registers_deployments_to_be_replaced_delete_first(run_stack):
    from tests.conftest import example_ref

    run = run_stack(example_ref("prod-eu").path)
    for dep in run.by_type("azure-native:cognitiveservices:Deployment"):
        assert dep.replace_on_changes == ["properties.model.format", "properties.model.name"]
        assert dep.delete_before_replace


def test_the_diff_json_follows_the_committed_report_schema(repo, capsys):
    import jsonschema

    from foundry_iac.engine.report_model import SCHEMA_FILE

    edit(repo, GPT_51, GPT_54)
    commit(repo, "swap a model")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    assert code == 1 and report["stacks"][0]["locked"]  # the lock's finding is in the schema too
    schema = json.loads((ROOT / SCHEMA_FILE).read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["stacks"][0]["status"] == "changed"


AGENTS_START = "          agents:"
AGENTS_END = "      contentFilters:"


def test_removing_a_projects_agents_warns_of_the_delete_order(repo, capsys):
    path = repo / "stacks/Pulumi.prod-eu.yaml"
    text = path.read_text()
    path.write_text(text[: text.index(AGENTS_START)] + text[text.index(AGENTS_END) :])
    commit(repo, "drop the agents")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (stack,) = report["stacks"]
    removed = {r["type"]: r for r in stack["resources"]["removed"]}
    host = removed["azure-native:cognitiveservices:ProjectCapabilityHost"]
    assert host["warning"].startswith("deleting an agents capability host stops the agents that use it")
    assert (
        "project capability hosts deleted first, then the account capability host, then the account" in host["warning"]
    )
    # a deletion that needs no care carries no warning key at all
    assert "warning" not in removed["azure-native:cognitiveservices:ProjectConnection"]
    main(["diff", "--base", "HEAD~1", "--format", "markdown"])
    markdown = capsys.readouterr().out
    assert "> 1 deletion(s) need care (an order or a cool-down for agents, or a resource Azure keeps)." in markdown
    assert "| ➖ | `fdy-prod-eu-core-agents-support-agents-host` | deleted. ⚠️ deleting an agents capability" in markdown
    main(["diff", "--base", "HEAD~1", "--format", "text"])
    assert "      WARNING delete: deleting an agents capability host" in capsys.readouterr().out


GPT_4O = 'model: gpt-4o\n          version: "2024-11-20"'
GPT_4O_CHAT = 'name: chat\n          model: gpt-4o\n          version: "2024-08-06"'
LOCK_NAME = "fdy-prod-eu-core-lock"


def approve_gpt_4o_0806(root: Path) -> None:
    config = root / "policies/config/prod-eu.json"
    old = '"gpt-4o": ["2024-11-20"]'
    config.write_text(config.read_text().replace(old, '"gpt-4o": ["2024-11-20", "2024-08-06"]'))


def test_upgrading_a_named_deployment_under_the_lock_is_not_written_and_its_replacement_fails_diff(
    repo, capsys, monkeypatch
):
    """The red team's repro: the move would replace `chat` (delete first) under the account's CanNotDelete lock."""
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", "2026-12-03")
    approve_gpt_4o_0806(repo)
    edit(repo, GPT_4O, GPT_4O_CHAT)
    commit(repo, "chat on gpt-4o 2024-08-06")
    stack = repo / "stacks/Pulumi.prod-eu.yaml"
    before = stack.read_bytes()
    assert main(["upgrade", "prod-eu", "--write"]) == 0
    out = capsys.readouterr().out
    assert stack.read_bytes() == before and "wrote" not in out
    assert (
        f"no move:   Deployment fdy-prod-eu-core-deployment-chat is replaced (the old one is deleted) under the "
        f"CanNotDelete lock {LOCK_NAME}" in out
    )
    # the same move written by hand: diff fails, names the resource, the lock and the fix
    edit(repo, GPT_4O_CHAT, 'name: chat\n          model: gpt-5.1\n          version: "2025-11-13"')
    commit(repo, "move chat to gpt-5.1")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (entry,) = report["stacks"]
    assert code == 1 and report["passed"] is False and entry["passed"] is False
    (locked,) = entry["locked"]
    assert (locked["name"], locked["lock"]) == ("fdy-prod-eu-core-deployment-chat", LOCK_NAME)
    assert (
        "ScopeLocked" in locked["message"]
        and "Remove the lock in a separate reviewed change first" in locked["message"]
    )
    assert main(["diff", "--base", "HEAD~1"]) == 1
    text = capsys.readouterr().out
    assert (
        "FAIL" in text.splitlines()[0] and f"  LOCKED {LOCK_NAME}: Deployment fdy-prod-eu-core-deployment-chat" in text
    )


def test_a_new_name_or_a_removal_under_the_lock_fails_diff_and_in_place_passes(repo, capsys):
    edit(repo, GPT_51, GPT_54)  # the named gpt-5.1 deployment keeps its name: a replacement
    edit(repo, GPT_4O, 'model: gpt-5.4\n          version: "2026-03-05"')  # unnamed: a new name, the old deleted
    commit(repo, "new model, new name")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (entry,) = report["stacks"]
    assert code == 1 and entry["passed"] is False
    assert "fdy-prod-eu-core-deployment-gpt-4o" in {r["name"] for r in entry["resources"]["removed"]}
    locked = {d["name"]: d["message"] for d in entry["locked"]}
    assert "is removed under the CanNotDelete lock" in locked["fdy-prod-eu-core-deployment-gpt-4o"]
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    edit(repo, "capacity: 120", "capacity: 130")  # in place: nothing is deleted
    commit(repo, "raise")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    assert code == 0 and "locked" not in report["stacks"][0]


def test_removing_a_deployment_fails_diff_under_the_lock_and_passes_without_it(repo, capsys):
    gpt_51 = "        - name: gpt-5.1\n          " + GPT_51
    text = (repo / "stacks/Pulumi.prod-eu.yaml").read_text()
    end = text.index("\n        - ", text.index(gpt_51) + 1)
    removed = text[text.index(gpt_51) : end + 1]
    edit(repo, removed, "")
    commit(repo, "drop gpt-5.1")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (entry,) = report["stacks"]
    assert code == 1 and [d["name"] for d in entry["locked"]] == ["fdy-prod-eu-core-deployment-gpt-5.1"]
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    unlock(repo)
    edit(repo, removed, "")
    commit(repo, "drop gpt-5.1")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    assert code == 0 and report["passed"] is True and "locked" not in report["stacks"][0]


def test_removing_the_accounts_managed_network_fails_diff_because_azure_keeps_the_isolation(repo, capsys):
    path = repo / "stacks/Pulumi.prod-eu.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("      managedNetwork:\n")])
    commit(repo, "drop the managed network")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (entry,) = report["stacks"]
    assert code == 1 and entry["passed"] is False
    (change,) = entry["irreversible"]
    assert change["name"] == "fdy-prod-eu-core-managed-network"
    assert "cannot be disabled once enabled" in change["message"] and "AllowOnlyApprovedOutbound" in change["message"]
    assert main(["diff", "--base", "HEAD~1"]) == 1
    assert "  IRREVERSIBLE fdy-prod-eu-core-managed-network: the managed network isolation" in capsys.readouterr().out
    assert main(["diff", "--base", "HEAD~1", "--format", "markdown"]) == 1
    comment = capsys.readouterr().out
    assert "\n> - `fdy-prod-eu-core-managed-network`: the managed network isolation" in comment
    # the setting is retained on delete (no DELETE, so the lock does not refuse it); its rules are deleted
    assert {d["name"] for d in entry["locked"]} == {
        f"fdy-prod-eu-core-outbound-{rule}"
        for rule in ("agents-threads", "agents-files", "agents-vectors", "order-status-api")
    }


def test_a_broken_stack_in_the_base_is_named_as_in_the_repository(repo, capsys):
    (repo / "stacks/Pulumi.zz.yaml").write_text("config:\n  azure-native:subscriptionId: [oops\n")  # not YAML
    git(repo, "add", "-A")
    commit(repo, "a broken stack")
    (repo / "stacks/Pulumi.zz.yaml").unlink()
    assert main(["diff", "--base", "HEAD", "prod-eu"]) == 2  # prod-eu reads zz at the base (the quota ledger)
    err = capsys.readouterr().err
    assert "at HEAD: stacks/Pulumi.zz.yaml:" in err and "tmp" not in err and "foundry-iac-base" not in err


def test_moving_the_agents_from_their_own_subnet_to_a_managed_network_fails_diff(repo, capsys):
    from tests.conftest import PROD_EU_INJECTED, PROD_EU_TEXT

    stack = repo / "stacks/Pulumi.prod-eu.yaml"
    stack.write_text(PROD_EU_INJECTED)
    commit(repo, "agents in our own subnet")
    stack.write_text(PROD_EU_TEXT)
    commit(repo, "agents through a managed network")
    code, report = diff_json(capsys, "--base", "HEAD~1")
    (entry,) = report["stacks"]
    assert code == 1 and entry["passed"] is False
    messages = {c["name"]: c["message"] for c in entry["irreversible"]}
    assert (
        "Azure has no upgrade path from a custom virtual network to a managed one"
        in messages["fdy-prod-eu-core-account"]
    )
