"""`foundry-iac upgrade` on copies of the examples: what is due, what is proposed, what --write writes."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.catalog import load_catalog
from foundry_iac.cli.main import main
from foundry_iac.engine.report_model import SCHEMA_FILE
from foundry_iac.engine.stack_edit import append_item
from foundry_iac.engine.upgrade import _replacement, pick_target
from tests.conftest import ROOT

TODAY = "2026-12-03"
DEPLOYMENTS = ("config", "foundry-iac:accounts", 0, "deployments")


def make_project(dest: Path) -> Path:
    """A copy of the project's stacks, policy configs and snapshots beside its program (as the CLI finds one)."""
    for name in ("stacks", "policies/config", "quotas"):
        shutil.copytree(ROOT / name, dest / name)
    for name in ("__main__.py", "Pulumi.yaml"):
        (dest / name).symlink_to(ROOT / name)
    return dest


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", TODAY)
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def edit(root: Path, stack: str, old: str, new: str) -> Path:
    path = root / "stacks" / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def upgrade(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["upgrade", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def upgrade_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, _ = upgrade(capsys, *argv, "--format", "json")
    return code, json.loads(out)


def proposals(report: dict, stack: str) -> list[dict]:
    return next(s for s in report["stacks"] if s["stack"] == stack)["proposals"]


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith(("- ", "+ "))]


GPT_5 = (
    '        - model: gpt-5.1\n          version: "2025-11-13"',
    '        - model: gpt-5\n          version: "2025-08-07"',
)
GPT_4O_0806 = ('          version: "2024-11-20"', '          version: "2024-08-06"')


def test_gpt5_inside_warn_days_is_due_and_without_a_catalog_target_nothing_is_proposed(project, capsys):
    edit(project, "dev", *GPT_5)
    code, report = upgrade_json(capsys, "dev")
    assert code == 0  # nothing can be proposed: nothing to do
    [due] = proposals(report, "dev")
    assert (due["model"], due["version"], due["status"], due["line"]) == (
        "gpt-5",
        "2025-08-07",
        "GenerallyAvailable",
        50,
    )
    assert due["events"] == [{"event": "retirement", "date": "2027-02-09", "days_left": 68}]  # within dev's 90
    assert due["proposed"] is False and due["target"] is None
    assert due["reason"] == (
        "gpt-5 2025-08-07: the catalog names no replacement for it, and 2025-08-07 is gpt-5's default version; "
        "name another version with --to VERSION, or run `foundry-iac catalog sync` for newer facts"
    )


def test_outside_warn_days_nothing_is_due(project, capsys):
    edit(project, "dev", *GPT_5)
    config = project / "policies/config/dev.json"
    config.write_text(config.read_text().replace('"warnDays": 90', '"warnDays": 60'))
    code, report = upgrade_json(capsys, "dev")
    assert code == 0 and proposals(report, "dev") == []


def test_a_deprecated_version_moves_to_the_default_and_write_changes_only_its_version_line(project, capsys):
    path = edit(project, "prod-eu", *GPT_4O_0806)
    before = path.read_bytes()
    code, report = upgrade_json(capsys, "prod-eu", "--to", "default")
    assert code == 1  # proposed, not written
    assert path.read_bytes() == before
    [move] = proposals(report, "prod-eu")
    assert move["proposed"] is True and move["status"] == "Deprecated" and move["line"] == 104
    assert move["target"] == {
        "model": "gpt-4o",
        "version": "2024-11-20",
        "status": "Legacy",
        "retirement": "2027-04-14",
        "deployment": "gpt-4o",
    }
    assert (move["offered"], move["approved"], move["residency_ok"], move["gate_passed"]) == (True, True, True, True)
    assert move["cost"]["monthly_expected"] == {"before": 6198.5, "after": 6198.5, "delta": 0.0}
    assert "quota" not in move  # the same pool, the same units

    code, out, err = upgrade(capsys, "prod-eu", "--to", "default", "--write")
    assert (code, err) == (0, "")
    assert "wrote stacks/Pulumi.prod-eu.yaml" in out
    assert changed_lines(before.decode(), path.read_text()) == [
        '-           version: "2024-08-06"',
        '+           version: "2024-11-20"',
    ]
    assert main(["check", "prod-eu"]) == 0  # the gate's verdict on the written stack
    capsys.readouterr()


def test_a_replacement_not_offered_in_the_region_and_type_is_not_proposed(project, capsys):
    path = edit(
        project,
        "dev",
        '        - model: grok-4-1-fast-reasoning\n          version: "1"\n          type: GlobalStandard',
        '        - model: grok-3\n          version: "1"\n          type: DataZoneStandard',
    )
    before = path.read_bytes()
    code, out, _ = upgrade(capsys, "dev", "--write")
    assert code == 0 and path.read_bytes() == before
    assert (
        "    no move:   grok-4 1 is not offered as DataZoneStandard in eastus2 (catalog); nothing is proposed for "
        "grok-3 1: move the deployment to a type or region that offers it by hand\n"
    ) in out


def add_retired_ptu_deployment(root: Path, capacity: int = 15) -> None:
    """prod-us with a retired o4-mini on PTU of the data-zone pool gpt-5.1-ptu uses (15 PTU), without a name."""
    path = root / "stacks/Pulumi.prod-us.yaml"
    item: dict[str, object] = {
        "model": "o4-mini",
        "version": "2025-04-16",
        "type": "DataZoneProvisionedManaged",
        "capacity": capacity,
    }
    path.write_text(append_item(path.read_text(), DEPLOYMENTS, item))


def unlock_prod_us(root: Path) -> None:
    """prod-us with its account's CanNotDelete lock opted out (`lock: false`)."""
    edit(root, "prod-us", "    - name: fdy-prod-us-core\n", "    - name: fdy-prod-us-core\n      lock: false\n")


def approve_terra(root: Path) -> None:
    """prod-us's policy config approving gpt-5.6-terra, o4-mini's replacement (a user's own setting)."""
    config = root / "policies/config/prod-us.json"
    old = '"gpt-5.4": ["2026-03-05"]'
    config.write_text(config.read_text().replace(old, old + ', "gpt-5.6-terra": ["2026-07-09"]'))


def test_a_target_the_policy_config_does_not_approve_is_not_proposed(project, capsys):
    add_retired_ptu_deployment(project)
    code, report = upgrade_json(capsys, "prod-us")
    [move] = proposals(report, "prod-us")
    assert code == 0 and move["proposed"] is False and move["approved"] is False
    assert move["reason"].startswith(
        "fails the gate: approved-models: fdy-prod-us-core/gpt-5.6-terra: gpt-5.6-terra is not on this stack's "
        "approved list"
    )


def test_a_renamed_provisioned_deployment_shows_the_transient_peak_of_its_pool(project, capsys):
    unlock_prod_us(project)
    add_retired_ptu_deployment(project)
    approve_terra(project)
    code, report = upgrade_json(capsys, "prod-us")
    [move] = proposals(report, "prod-us")
    assert code == 1 and move["proposed"] is True
    assert move["target"]["deployment"] == "gpt-5.6-terra"  # no name in the file: the deployment is renamed
    assert move["quota"] == [
        {
            "subscription": "4d8a1c6e-9b2f-4e7d-a3c5-1f6b8e0d2c97",
            "region": "eastus2",
            "usage_name": "OpenAI.DataZoneProvisionedManaged",
            "before": 30,
            "after": 30,
            "delta": 0,
            "transient_peak": 45,
        }
    ]


def test_a_rename_whose_transient_peak_exceeds_the_pool_limit_is_not_proposed(project, capsys):
    unlock_prod_us(project)
    add_retired_ptu_deployment(project, capacity=25)  # 15 + 25 = 40 of 50 before and after; 65 during the move
    approve_terra(project)
    code, report = upgrade_json(capsys, "prod-us")
    [move] = proposals(report, "prod-us")
    assert code == 0 and move["proposed"] is False and move["gate_passed"] is True
    assert move["reason"] == (
        "while Pulumi creates the new deployment before deleting the old one, eastus2 "
        "OpenAI.DataZoneProvisionedManaged holds 65 units (this stack's peak 65, other stacks 0), above its limit 50 "
        "(policy config limits): Azure would refuse the new deployment; lower the capacity first, or move it in "
        "two reviewed changes"
    )


def test_a_rename_under_the_lock_is_not_proposed_naming_the_lock(project, capsys):
    add_retired_ptu_deployment(project)  # no name: the move creates gpt-5.6-terra and deletes the old one
    approve_terra(project)
    code, report = upgrade_json(capsys, "prod-us")
    [move] = proposals(report, "prod-us")
    assert code == 0 and move["proposed"] is False and move["gate_passed"] is True
    assert move["reason"].startswith(
        "Deployment fdy-prod-us-core-deployment-o4-mini is removed under the CanNotDelete lock fdy-prod-us-core-lock "
        "on account fdy-prod-us-core: Azure refuses to delete it (ScopeLocked)"
    )
    assert "warning" not in move  # a new name: created before the old one is deleted, no downtime


def named_chat_on_0806(root: Path) -> None:
    """prod-eu's gpt-4o deployment named `chat`, on 2024-08-06 (approved): due, and its move replaces it."""
    edit(
        root,
        "prod-eu",
        '        - model: gpt-4o\n          version: "2024-11-20"',
        '        - name: chat\n          model: gpt-4o\n          version: "2024-08-06"',
    )
    config = root / "policies/config/prod-eu.json"
    config.write_text(config.read_text().replace('"gpt-4o": ["2024-11-20"]', '"gpt-4o": ["2024-11-20", "2024-08-06"]'))


def test_a_replacement_under_the_lock_is_not_proposed_and_without_it_says_its_downtime(project, capsys):
    named_chat_on_0806(project)
    path = project / "stacks/Pulumi.prod-eu.yaml"
    before = path.read_bytes()
    code, out, _ = upgrade(capsys, "prod-eu", "--write")
    assert code == 0 and path.read_bytes() == before and "wrote" not in out
    assert (
        "    no move:   Deployment fdy-prod-eu-core-deployment-chat is replaced (the old one is deleted) under the "
        "CanNotDelete lock fdy-prod-eu-core-lock" in out
    )
    edit(project, "prod-eu", "    - name: fdy-prod-eu-core\n", "    - name: fdy-prod-eu-core\n      lock: false\n")
    code, report = upgrade_json(capsys, "prod-eu")
    [move] = [p for p in proposals(report, "prod-eu") if p["deployment"] == "chat"]
    assert move["proposed"] is True and "CannotChangeDeploymentModel" in move["warning"]
    assert "delete-before-replace" in move["warning"] and "downtime" in move["warning"]
    _, text, _ = upgrade(capsys, "prod-eu")
    assert "    downtime:  the deployment is deleted and re-created" in text
    _, markdown, _ = upgrade(capsys, "prod-eu", "--format", "markdown")
    assert "> [!WARNING]\n> `fdy-prod-eu-core/chat` is replaced: the deployment is deleted" in markdown


def test_an_in_place_version_move_under_the_lock_is_proposed_without_downtime(project, capsys):
    edit(project, "prod-eu", *GPT_4O_0806)
    code, report = upgrade_json(capsys, "prod-eu", "--to", "default")
    [move] = [p for p in proposals(report, "prod-eu") if p["model"] == "gpt-4o"]
    assert move["proposed"] is True and "warning" not in move and "reason" not in move


def test_write_writes_nothing_when_the_moved_stack_still_fails_the_gate(project, capsys):
    path = edit(project, "prod-eu", *GPT_4O_0806)
    edit(project, "prod-eu", "    data-classification: confidential\n", "")
    before = path.read_bytes()
    code, out, err = upgrade(capsys, "prod-eu", "--to", "default", "--write")
    assert code == 1 and path.read_bytes() == before
    assert err.startswith("error: stacks/Pulumi.prod-eu.yaml fails the gate with the moves: required-tags:")
    assert err.rstrip().endswith("no stack file was written")


@pytest.mark.parametrize("to", ["replacement", "default"])
def test_a_no_op_write_leaves_every_example_byte_identical(project, capsys, to):
    before = {p.name: p.read_bytes() for p in (project / "stacks").iterdir()}
    code, out, _ = upgrade(capsys, "--to", to, "--write")
    assert code == 0
    assert {p.name: p.read_bytes() for p in (project / "stacks").iterdir()} == before
    assert sorted(before) == ["Pulumi.dev.yaml", "Pulumi.prod-eu.yaml", "Pulumi.prod-us.yaml"]
    assert "wrote" not in out


def test_json_follows_the_committed_schema_and_markdown_has_the_table_and_events(project, capsys):
    edit(project, "prod-eu", *GPT_4O_0806)
    _, report = upgrade_json(capsys, "--to", "default")
    schema = json.loads((ROOT / SCHEMA_FILE).read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    _, markdown, _ = upgrade(capsys, "--to", "default", "--format", "markdown")
    assert (
        "| `fdy-prod-eu-core/gpt-4o` (stacks/Pulumi.prod-eu.yaml:104) | gpt-4o 2024-08-06 DataZoneStandard" in markdown
    )
    assert (
        "- `fdy-prod-eu-core/gpt-4o` gpt-4o 2024-08-06: Deprecated, retirement on 2027-04-14 (in 132 days)" in markdown
    )
    assert "Gate on the stack with these moves: **PASS**" in markdown


def test_an_unknown_stack_is_one_line_and_exit_2(project, capsys):
    code, out, err = upgrade(capsys, "nope")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "unknown stack 'nope'" in err


def test_replacement_texts_name_a_catalog_model_or_nothing():
    catalog = load_catalog()
    assert _replacement("gpt-5.1", catalog) == ("gpt-5.1", "2025-11-13")
    assert _replacement("model-router 2025-11-18", catalog) == ("model-router", "2025-11-18")
    assert _replacement("model-router 1999-01-01", catalog) is None
    assert _replacement("a current DeepSeek model (DeepSeek-V3.2)", catalog) is None


# -- generated stacks: whatever --write writes passes check, or nothing is written ---------------------------------

DUE_CHOICES = [
    ("gpt-4o", "2024-08-06"),
    ("gpt-4o", "2024-05-13"),
    ("o4-mini", "2025-04-16"),
    ("gpt-5", "2025-08-07"),
    ("grok-3", "1"),
    ("DeepSeek-V3.1", "1"),
    ("model-router", "2025-08-07"),
]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    choice=st.sampled_from(DUE_CHOICES),
    sku=st.sampled_from(["GlobalStandard", "DataZoneStandard", "Standard"]),
    capacity=st.integers(min_value=1, max_value=60),
    to=st.sampled_from(["replacement", "default"]),
)
def test_generated_stacks_written_by_upgrade_pass_check_or_nothing_is_written(
    tmp_path_factory, monkeypatch, capsys, choice, sku, capacity, to
):
    monkeypatch.setenv("FOUNDRY_IAC_TODAY", TODAY)
    root = make_project(tmp_path_factory.mktemp("generated"))
    monkeypatch.chdir(root)
    model, version = choice
    path = edit(
        root,
        "dev",
        '- model: gpt-5.1\n          version: "2025-11-13"\n          type: GlobalStandard\n          capacity: 50',
        f'- model: {model}\n          version: "{version}"\n          type: {sku}\n          capacity: {capacity}',
    )
    before = path.read_bytes()
    code = main(["upgrade", "dev", "--to", to, "--write"])
    _, err = capsys.readouterr()
    assert code in (0, 1, 2) and "internal error" not in err
    if path.read_bytes() != before:
        assert code == 0
        assert len(changed_lines(before.decode(), path.read_text())) in (2, 4)  # version, and model when it moves
        assert main(["check", "dev"]) == 0
        capsys.readouterr()


def test_pick_target_names_an_unknown_version(project):
    from foundry_iac.engine.stacks import resolve_stack
    from foundry_iac.engine.upgrade import due_deployments

    edit(project, "prod-eu", *GPT_4O_0806)
    catalog = load_catalog()
    import datetime as dt

    [due] = due_deployments(resolve_stack("prod-eu", project), catalog, dt.date(2026, 12, 3), 120)
    assert pick_target(due, catalog, "2099-01-01") == (
        "--to 2099-01-01: the catalog has no version 2099-01-01 of gpt-4o (it has 2024-11-20, 2024-08-06, 2024-05-13)"
    )
    assert pick_target(due, catalog, "2024-05-13") == ("gpt-4o", "2024-05-13")
    assert pick_target(due, catalog, "replacement") == ("gpt-5.1", "2025-11-13")


def test_a_crlf_stack_file_keeps_its_line_ends_and_only_the_version_line_changes(project, capsys):
    path = edit(project, "prod-eu", *GPT_4O_0806)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    code, out, err = upgrade(capsys, "prod-eu", "--to", "default", "--write")
    assert (code, err) == (0, ""), out
    after = path.read_bytes()
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    assert after == before.replace(b'version: "2024-08-06"', b'version: "2024-11-20"', 1)


@pytest.mark.parametrize("to", ["2099-01-01", "", "2024-11-2"])
def test_a_to_version_no_catalog_model_has_is_one_line_and_exit_2(project, capsys, to):
    code, out, err = upgrade(capsys, "--to", to)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith(f"error: --to {to!r}: no model of the catalog has that version")
    if to == "2024-11-2":
        assert "nearest: 2024-11-20" in err


def test_a_move_whose_new_name_another_deployment_has_is_not_proposed_and_says_to_name_it(project, capsys):
    """prod-eu's unnamed gpt-4o would move to gpt-5.1, the name of the account's gpt-5.1 deployment."""
    code, report = upgrade_json(capsys, "prod-eu")
    [move] = proposals(report, "prod-eu")
    assert code == 0 and move["proposed"] is False and move["target"]["model"] == "gpt-5.1"
    assert move["reason"].startswith(
        "without a `name:` the moved deployment would be named gpt-5.1, which another deployment of fdy-prod-eu-core "
        "already is: move it by hand, giving it a `name:`"
    )
    assert "gate_passed" not in move  # refused before gating: the gate would only say the name is used twice
