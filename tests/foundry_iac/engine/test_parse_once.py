"""A gate run parses each stack file once: the runner, the program, the gate and the ledger share it."""

from __future__ import annotations

from collections import Counter

import components.source as source
import components.stack.loader as loader
from foundry_iac.engine.pool import build_report
from foundry_iac.engine.stacks import all_stacks
from tests.conftest import ROOT


def test_checking_every_example_parses_each_stack_file_once(monkeypatch):
    parsed: Counter[str] = Counter()
    real = source.read_yaml

    def counting(text: str, file: str):
        if file.endswith(".yaml"):
            parsed[file] += 1
        return real(text, file)

    monkeypatch.setattr(loader, "read_yaml", counting)
    loader.forget_parsed_stack_files()
    report = build_report(all_stacks(ROOT), ROOT, workers=1)
    assert [entry.stack for entry in report.stacks] == ["dev", "prod-eu", "prod-us"]
    assert parsed == {ref.display: 1 for ref in all_stacks(ROOT)}


def test_an_edited_stack_file_is_parsed_again(tmp_path):
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("config: {}\n")
    first = loader.read_stack_file(path, "x.yaml")
    path.write_text("config: {a: 1}\n")
    assert loader.read_stack_file(path, "x.yaml").value == {"config": {"a": 1}}
    assert first.value == {"config": {}}


def test_each_reader_gets_its_own_issue_list(tmp_path):
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("- not a mapping\n")
    one, two = loader.read_stack_file(path, "x.yaml"), loader.read_stack_file(path, "x.yaml")
    one.issues.append("added by one caller")  # type: ignore[arg-type]
    assert "added by one caller" not in two.issues
