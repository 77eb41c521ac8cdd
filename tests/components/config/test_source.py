"""Reading stack YAML: lines kept, duplicate keys rejected, timestamps left as text."""

from __future__ import annotations

from components.config.source import read_yaml


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
