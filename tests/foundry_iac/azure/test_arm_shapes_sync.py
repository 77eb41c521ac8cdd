"""arm_shapes_sync: the ARM contract's nesting, read from Azure's published types (bicep-types-az's types.json)."""

from __future__ import annotations

import json

from foundry_iac.azure.arm_shapes_sync import extract, main
from foundry_iac.engine.arm_export import nest

READ_ONLY, REQUIRED_ID = 2, 9
# A resource whose `properties` hold sub-resources with their own `properties` wrapper, in bicep-types' format.
TYPES = [
    {"$type": "StringType"},
    {
        "$type": "ObjectType",
        "name": "Microsoft.Test/things",
        "properties": {
            "id": {"type": {"$ref": "#/0"}, "flags": READ_ONLY},
            "name": {"type": {"$ref": "#/0"}, "flags": REQUIRED_ID},
            "location": {"type": {"$ref": "#/0"}, "flags": 0},
            "properties": {"type": {"$ref": "#/2"}, "flags": 0},
        },
    },
    {
        "$type": "ObjectType",
        "name": "ThingProperties",
        "properties": {
            "items": {"type": {"$ref": "#/3"}, "flags": 0},
            "plain": {"type": {"$ref": "#/6"}, "flags": 0},
            "status": {"type": {"$ref": "#/0"}, "flags": READ_ONLY},
            "rule": {"type": {"$ref": "#/8"}, "flags": 0},
        },
    },
    {"$type": "ArrayType", "itemType": {"$ref": "#/4"}},
    {
        "$type": "ObjectType",
        "name": "Item",
        "properties": {
            "name": {"type": {"$ref": "#/0"}, "flags": 0},
            "properties": {"type": {"$ref": "#/5"}, "flags": 0},
        },
    },
    {"$type": "ObjectType", "name": "ItemProperties", "properties": {"target": {"type": {"$ref": "#/0"}, "flags": 0}}},
    {"$type": "ObjectType", "name": "Plain", "properties": {"value": {"type": {"$ref": "#/0"}, "flags": 0}}},
    {"$type": "ResourceType", "name": "Microsoft.Test/things@2020-01-01", "body": {"$ref": "#/1"}},
    {
        "$type": "DiscriminatedObjectType",
        "name": "Rule",
        "discriminator": "odata.type",
        "baseProperties": {"odata.type": {"type": {"$ref": "#/0"}, "flags": 1}},
        "elements": {"Wrapped": {"$ref": "#/9"}},
    },
    {
        "$type": "ObjectType",
        "name": "WrappedRule",
        "properties": {"properties": {"type": {"$ref": "#/5"}, "flags": 0}},
    },
]


def test_the_shape_nests_each_flattened_field_at_any_depth(tmp_path):
    path = tmp_path / "types.json"
    path.write_text(json.dumps(TYPES))
    shape = extract(path, {"microsoft.test/things@2020-01-01"})["Microsoft.Test/things@2020-01-01"]
    nodes, body = shape["nodes"], shape["body"]
    assert set(nodes[body]["props"]) == {"name", "location", "properties"}  # read-only `id` is never sent
    properties = nodes[body]["props"]["properties"]
    assert "status" not in nodes[properties]["props"] and nodes[properties]["props"]["plain"] is None
    sdk = {
        "items": [{"name": "a", "target": "t"}],
        "plain": {"value": 1},
        "rule": {"odata.type": "Wrapped", "target": "r"},
    }
    assert nest(sdk, properties, nodes) == {
        "items": [{"name": "a", "properties": {"target": "t"}}],
        "plain": {"value": 1},
        "rule": {"odata.type": "Wrapped", "properties": {"target": "r"}},
    }


def test_a_sync_that_misses_a_registered_type_writes_nothing_and_says_which(tmp_path, capsys):
    path = tmp_path / "types.json"
    path.write_text(json.dumps(TYPES))
    out = tmp_path / "arm_shapes.json"
    assert main(["--source", "test", "--out", str(out), str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Microsoft.Network/privateEndpoints@" in err
    assert not out.exists()


def test_a_file_that_is_no_types_json_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "types.json"
    path.write_text("{not json")
    assert main(["--source", "test", "--out", str(tmp_path / "out.json"), str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(path) in err and "Traceback" not in err
