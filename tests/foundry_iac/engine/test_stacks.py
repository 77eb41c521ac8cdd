"""Finding stacks: every stack file Pulumi would read is judged, and one it would ignore is refused, never skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundry_iac.engine.stacks import all_stacks, resolve_stack, resolve_stacks
from foundry_iac.errors import UsageError


def stacks_folder(tmp_path: Path, *names: str) -> Path:
    (tmp_path / "stacks").mkdir()
    for name in names:
        (tmp_path / "stacks" / name).write_text("config: {}\n")
    return tmp_path


def test_every_yaml_stack_file_is_found_sorted_by_name(tmp_path):
    root = stacks_folder(tmp_path, "Pulumi.b.yaml", "Pulumi.a.yaml", "notes.txt")
    assert [ref.name for ref in all_stacks(root)] == ["a", "b"]


def test_a_yml_stack_file_that_pulumi_ignores_is_refused_with_the_name_to_use(tmp_path):
    root = stacks_folder(tmp_path, "Pulumi.a.yaml", "Pulumi.team-b.yml")
    with pytest.raises(UsageError) as raised:
        all_stacks(root)
    (message,) = raised.value.messages
    assert message.endswith(
        "Pulumi.team-b.yml: Pulumi reads a stack's config from Pulumi.<stack>.yaml beside Pulumi.yaml and ignores a "
        ".yml file; rename it to Pulumi.team-b.yaml"
    )


def test_naming_a_yml_stack_file_is_refused_too(tmp_path):
    root = stacks_folder(tmp_path, "Pulumi.c.yml")
    with pytest.raises(UsageError, match=r"rename it to Pulumi\.c\.yaml"):
        resolve_stack(str(root / "stacks" / "Pulumi.c.yml"), root)


def test_a_stack_file_named_without_its_folder_is_pointed_at_stacks(tmp_path, monkeypatch):
    root = stacks_folder(tmp_path, "Pulumi.dev.yaml")
    monkeypatch.chdir(root)
    with pytest.raises(UsageError) as raised:
        resolve_stack("Pulumi.dev.yaml", root)
    assert raised.value.messages == [
        "Pulumi.dev.yaml: no such stack file; did you mean stacks/Pulumi.dev.yaml, or the stack name dev?"
    ]
    with pytest.raises(UsageError, match="no such stack file; give a stack name or the path of a Pulumi"):
        resolve_stack("Pulumi.other.yaml", root)


@pytest.mark.parametrize(
    "name", ["Pulumi.a b.yaml", "Pulumi.x.YAML", "pulumi.x.yaml", "Pulumi.\u00e9.yaml", "notes.yaml", "Pulumi.org"]
)
def test_an_entry_of_stacks_that_looks_like_a_stack_file_pulumi_never_reads_is_refused(tmp_path, monkeypatch, name):
    root = stacks_folder(tmp_path, "Pulumi.a.yaml")
    if name == "Pulumi.org":  # Pulumi.org/proj/x.yaml: Pulumi names a stack file by the stack's own name only
        (root / "stacks" / name / "proj").mkdir(parents=True)
        (root / "stacks" / name / "proj" / "x.yaml").write_text("config: {}\n")
    else:
        (root / "stacks" / name).write_text("config: {}\n")
    monkeypatch.chdir(root)
    with pytest.raises(UsageError) as raised:
        all_stacks(root)
    assert raised.value.messages == [
        f"stacks/{name}: not a stack file name Pulumi reads (Pulumi.<stack>.yaml, the stack name of letters, digits, "
        "'-', '_' and '.'), so nothing would judge it; rename it or move it out of stacks/"
    ]


def test_a_stack_file_that_is_not_a_regular_file_is_refused_by_name_and_by_listing(tmp_path, monkeypatch):
    root = stacks_folder(tmp_path, "Pulumi.a.yaml")
    (root / "stacks" / "Pulumi.zero.yaml").symlink_to("/dev/zero")
    monkeypatch.chdir(root)
    expected = ["stacks/Pulumi.zero.yaml: not a regular file; a stack file is a YAML file"]
    for call in (lambda: all_stacks(root), lambda: resolve_stack("zero", root)):
        with pytest.raises(UsageError) as raised:
            call()
        assert raised.value.messages == expected


def test_more_than_five_bad_entries_are_listed_five_then_how_many_more(tmp_path):
    root = stacks_folder(tmp_path, *(f"Pulumi.{i}.YAML" for i in range(8)))
    with pytest.raises(UsageError) as raised:
        all_stacks(root)
    assert len(raised.value.messages) == 6 and raised.value.messages[-1] == "and 3 more"


def test_a_stack_named_twice_is_refused_and_each_stack_once_is_taken(tmp_path, monkeypatch):
    root = stacks_folder(tmp_path, "Pulumi.a.yaml", "Pulumi.b.yaml")
    monkeypatch.chdir(root)
    assert [r.name for r in resolve_stacks(["b", "a"], root)] == ["b", "a"]
    assert [r.name for r in resolve_stacks([], root)] == ["a", "b"]
    with pytest.raises(UsageError) as raised:
        resolve_stacks(["a", "stacks/Pulumi.a.yaml"], root)
    assert raised.value.messages == [
        "stacks/Pulumi.a.yaml: the stack a is named twice (also as a); name each stack once"
    ]


@pytest.mark.parametrize(
    "project,expected",
    [
        ("name: x\nstackConfigDir: stacks\n", []),
        ("name: x\nstackConfigDir: stacks/\n", []),
        (
            "name: x\nstackConfigDir: deploy\n",
            [
                "Pulumi.yaml:2: stackConfigDir: Pulumi would read the stack files from 'deploy' and the gate judges "
                "stacks/; set `stackConfigDir: stacks`"
            ],
        ),
        (
            "name: x\n",
            [
                "Pulumi.yaml:1: stackConfigDir: Pulumi would read the stack files from the project folder and the gate "
                "judges stacks/; set `stackConfigDir: stacks`"
            ],
        ),
        (
            "name: x\nstackConfigDir: stacks\nconfig:\n  foundry-iac:budget:\n    default: 1\n",
            [
                "Pulumi.yaml:3: config: project-level config reaches the program at deploy time and the gate never "
                "reads it; write the values in the stack files"
            ],
        ),
    ],
    ids=["stacks", "stacks-slash", "other-folder", "none", "project-config"],
)
def test_a_project_file_that_would_deploy_other_config_than_the_gate_judged_is_refused(
    tmp_path, monkeypatch, project, expected
):
    from foundry_iac.engine.stacks import project_file_problems, project_root

    (tmp_path / "Pulumi.yaml").write_text(project)
    (tmp_path / "__main__.py").write_text("")
    assert project_file_problems(tmp_path) == expected
    monkeypatch.chdir(tmp_path)
    if expected:
        with pytest.raises(UsageError) as raised:
            project_root()
        assert raised.value.messages == expected
    else:
        assert project_root() == tmp_path
