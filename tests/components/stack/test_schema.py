"""The committed JSON Schema is what the model generates, and the example stacks satisfy it."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from components.stack.schema import SCHEMA_PATH, render
from tests.conftest import ROOT


def test_committed_schema_is_in_sync_with_the_model():
    assert SCHEMA_PATH.read_text() == render(), "regenerate: python -m components.stack.schema"


@pytest.mark.parametrize("stack", ["dev", "prod-eu", "prod-us"])
def test_example_stacks_validate_against_the_schema_and_point_at_it(stack):
    path = ROOT / "stacks" / f"Pulumi.{stack}.yaml"
    assert path.read_text().startswith("# yaml-language-server: $schema=../schema/stack-config.schema.json")
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(yaml.safe_load(path.read_text()))


def test_schema_offers_catalog_models_for_completion():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert "grok-4-1-fast-reasoning" in schema["$defs"]["DeploymentConfig"]["properties"]["model"]["enum"]


def test_schema_rejects_a_misspelt_key():
    schema = json.loads(SCHEMA_PATH.read_text())
    doc = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    doc["config"]["foundry-iac:accounts"][0]["deployments"][0]["capcity"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(doc)
