"""Finding stacks: every stack file Pulumi would read is judged, and one it would ignore is refused, never skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundry_iac.engine.stacks import all_stacks, resolve_stack
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
