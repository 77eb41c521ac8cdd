"""The JSON reports follow the committed report schema, and the schema is the report model's."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from foundry_iac.cli.main import main
from foundry_iac.engine.report_model import SCHEMA_FILE, render_schema
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((ROOT / SCHEMA_FILE).read_text()))


def test_the_committed_schema_is_generated_from_the_report_model():
    assert (ROOT / SCHEMA_FILE).read_text() == render_schema(), "run: python -m foundry_iac.engine.report_model"


def json_of(capsys, monkeypatch, *argv: str) -> dict:
    monkeypatch.chdir(ROOT)
    main(list(argv))
    return json.loads(capsys.readouterr().out)


def test_check_json_over_the_examples_follows_the_schema(capsys, monkeypatch, validator):
    report = json_of(capsys, monkeypatch, "check", "--format", "json")
    validator.validate(report)
    assert [entry["stack"] for entry in report["stacks"]] == ["dev", "prod-eu", "prod-us"]


def test_plan_json_follows_the_schema_and_the_schema_is_not_vacuous(capsys, monkeypatch, validator):
    report = json_of(capsys, monkeypatch, "plan", "prod-eu", "--format", "json")
    validator.validate(report)
    broken = copy.deepcopy(report)
    broken["stacks"][0]["violations"].append({"policy": "x", "enforcement": "blocking"})
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(report)
    broken["stacks"][0]["cost"]["surprise"] = 1
    assert not validator.is_valid(broken)


def test_the_docs_document_every_report_model_and_field():

    from foundry_iac.engine import report_model

    readme = (ROOT / "docs" / "reports.md").read_text()
    section = readme.split("## The JSON report", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(): line.split("|")[2] for line in section.splitlines() if line.startswith("| ")}
    models = {
        name: cls
        for name, cls in vars(report_model).items()
        if isinstance(cls, type) and issubclass(cls, report_model._Part) and not name.startswith("_")
    }
    assert set(models) <= set(rows), set(models) - set(rows)
    for name, cls in models.items():
        own = (
            set(cls.model_fields) - set(report_model.ResourceBrief.model_fields)
            if name in ("ChangedResource", "RemovedResource")
            else set(cls.model_fields)
        )
        missing = [field for field in own if f"`{field}`" not in rows[name]]
        assert not missing, (name, missing)
