"""Reading stack YAML: lines kept, duplicate keys rejected, timestamps left as text."""

from __future__ import annotations

import pytest

from components.source import read_yaml


def test_every_key_and_item_keeps_its_line():
    doc = read_yaml("config:\n  a: 1\n  b:\n    - x: 2\n    - y: 3\n", "f.yaml")
    assert doc.lines[("config", "a")] == 2
    assert doc.lines[("config", "b", 1)] == 5
    assert doc.lines[("config", "b", 1, "y")] == 5


def test_duplicate_key_is_reported_at_its_second_line():
    doc = read_yaml("config:\n  a: 1\n  b: 2\n  a: 3\n", "f.yaml")
    assert [str(i) for i in doc.issues] == ["f.yaml:4: config.a: duplicate key 'a' (first at line 2); keep one of them"]
    assert doc.value == {"config": {"a": 1, "b": 2}}


def test_duplicate_key_deep_inside_a_list_is_reported():
    doc = read_yaml("l:\n  - capacity: 1\n    capacity: 2\n", "f.yaml")
    assert doc.issues[0].line == 3 and doc.issues[0].path == "l[0].capacity"


def test_dates_stay_text_so_model_versions_survive():
    doc = read_yaml("version: 2024-11-20\n", "f.yaml")
    assert doc.value == {"version": "2024-11-20"}


def test_syntax_error_names_the_line_and_the_fix():
    doc = read_yaml("a:\n  - [1,\n b: 2\n", "f.yaml")
    assert doc.issues and doc.issues[0].line and "YAML syntax error" in doc.issues[0].message


def test_merge_keys_are_refused_rather_than_guessed():
    doc = read_yaml("base: &b {x: 1}\nc:\n  <<: *b\n", "f.yaml")
    assert "merge keys" in doc.issues[0].message


def test_only_true_and_false_are_booleans_as_in_yaml_1_2():
    doc = read_yaml("a: yes\nb: on\nc: true\nno: 1\n", "f.yaml")
    assert doc.value == {"a": "yes", "b": "on", "c": True, "no": 1}


def test_keys_are_always_text():
    doc = read_yaml("true: 1\n5: 2\n", "f.yaml")
    assert doc.value == {"true": 1, "5": 2} and doc.lines[("true",)] == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!Ref MyBucket", "!Ref"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!timestamp 2024-01-01", "!!timestamp"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
        ("!!set {a, b}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
    ],
)
def test_a_tag_outside_the_core_schema_is_one_line_error_at_its_line(value, shown):
    doc = read_yaml(f"config:\n  a: 1\n  b: {value}\n", "f.yaml")
    assert [str(i) for i in doc.issues] == [
        f"f.yaml:3: config.b: YAML tag '{shown}' is not supported (only plain text, numbers, true/false, null, lists "
        "and mappings); remove the tag, or quote the value to keep it as text"
    ]


def test_a_tagged_key_is_refused_too():
    doc = read_yaml("config:\n  !Sub a: 1\n", "f.yaml")
    assert [i.line for i in doc.issues] == [2] and "'!Sub'" in doc.issues[0].message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("!!str 5", "5"), ("!!int 5", 5), ("!!float 1.5", 1.5), ("!!bool true", True), ("!!null ''", None)],
)
def test_core_schema_tags_are_accepted(value, expected):
    doc = read_yaml(f"a: {value}\nm: !!map {{x: 1}}\ns: !!seq [1]\n", "f.yaml")
    assert doc.issues == []
    assert doc.value == {"a": expected, "m": {"x": 1}, "s": [1]}


def test_json_lines_keeps_positions_past_escaped_surrogate_pairs_and_escaped_backslashes():
    import json

    from components.source import json_lines

    text = json.dumps({"a": "\U0001f600", "b": {"c": "\\ud83d"}, "d": 1}, indent=2)
    assert "\\ud83d\\ude00" in text  # how json.dumps writes a character beyond U+FFFF
    assert json_lines(text, "x.json") == {(): 1, ("a",): 2, ("b",): 3, ("b", "c"): 4, ("d",): 6}


@pytest.mark.parametrize(
    "value",
    ["1:10", "1_0:0", "1_000", "012", "-012", "0613", "0x1A", "0b11", "+5", "0o62", "09", "1e3", "1.5e3"],
)
def test_a_number_yaml_1_1_and_yaml_1_2_read_differently_is_an_error_at_its_line(value):
    # this reader follows YAML 1.1 (`1:10` is 70, `012` is 10, `0o62` and `1e3` are text); the Pulumi CLI YAML 1.2
    doc = read_yaml(f"config:\n  capacity: {value}\n", "f.yaml")
    assert [(i.line, i.message) for i in doc.issues] == [
        (
            2,
            f"{value!r} is read differently by YAML 1.1 and by YAML 1.2, which the Pulumi CLI follows (base 60, a "
            "leading zero, 0b/0o/0x, underscores, a plus sign or an exponent): write it in plain decimal digits, or "
            "quote it if it is text",
        )
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("10", 10),
        ("0", 0),
        ("-3", -3),
        ("0.5", 0.5),
        ("-0.5", -0.5),
        ("2.50", 2.5),
        ('"1:10"', "1:10"),
        ("'012'", "012"),
    ],
)
def test_plain_decimal_numbers_and_quoted_text_read_as_written(text, expected):
    doc = read_yaml(f"a: {text}\n", "f.yaml")
    assert doc.issues == [] and doc.value == {"a": expected}


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_a_character_yaml_does_not_allow_is_named_at_its_line(character):
    doc = read_yaml(f"config:\n  a: 1\n  b: x{character}y\n", "f.yaml")
    assert [(i.line, i.message) for i in doc.issues] == [
        (3, f"the character U+{ord(character):04X} is not allowed in YAML (a control character); remove it")
    ]
