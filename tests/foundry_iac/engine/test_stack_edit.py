"""The comment-keeping stack file writer: only the edited bytes change, the result reads back as intended."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.source import read_yaml
from foundry_iac.engine.stack_edit import StackEditError, append_item, set_scalar, write_all
from foundry_iac.errors import GateInputError

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "stacks").glob("Pulumi.*.yaml"))

STACK = """\
# yaml-language-server: $schema=../schema/stack-config.schema.json
config:
  azure-native:location: swedencentral   # the region
  foundry-iac:accounts:
    - name: fdy-one
      deployments:
        # the chat model
        - model: gpt-5
          version: "2025-08-07"   # pinned
          type: DataZoneStandard
          capacity: 10

        - model: 'grok-3'
          version: '1'
          type: GlobalStandard
          capacity: 5
          monthlyTokens: {input: 1000, output: 200}
      # trailing comment of the account
  foundry-iac:tags: {owner: me, cost-center: cc-1}
"""


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(removed, added) line pairs of a line diff, for edits that change lines in place."""
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines()).get_opcodes():
        if tag != "equal":
            out.append(("\n".join(before.splitlines()[i1:i2]), "\n".join(after.splitlines()[j1:j2])))
    return out


def _value(text: str) -> object:
    doc = read_yaml(text, "t.yaml")
    assert not doc.issues, doc.issues
    return doc.value


DEPLOYMENTS = ("config", "foundry-iac:accounts", 0, "deployments")


def test_set_scalar_keeps_double_quotes_and_trailing_comment() -> None:
    after = set_scalar(STACK, (*DEPLOYMENTS, 0, "version"), "2025-12-11")
    assert _changed_lines(STACK, after) == [
        ('          version: "2025-08-07"   # pinned', '          version: "2025-12-11"   # pinned')
    ]


def test_set_scalar_keeps_single_quotes() -> None:
    after = set_scalar(STACK, (*DEPLOYMENTS, 1, "version"), "2")
    assert _changed_lines(STACK, after) == [("          version: '1'", "          version: '2'")]


def test_set_scalar_plain_string_that_would_read_as_a_number_is_quoted() -> None:
    after = set_scalar(STACK, (*DEPLOYMENTS, 0, "type"), "1.5")
    assert _changed_lines(STACK, after) == [("          type: DataZoneStandard", "          type: '1.5'")]
    data = _value(after)
    assert isinstance(data, dict)
    assert data["config"]["foundry-iac:accounts"][0]["deployments"][0]["type"] == "1.5"


def test_set_scalar_inside_a_flow_mapping() -> None:
    after = set_scalar(STACK, (*DEPLOYMENTS, 1, "monthlyTokens", "output"), 300)
    assert _changed_lines(STACK, after) == [
        (
            "          monthlyTokens: {input: 1000, output: 200}",
            "          monthlyTokens: {input: 1000, output: 300}",
        )
    ]


def test_set_scalar_with_the_current_value_returns_the_same_text() -> None:
    assert set_scalar(STACK, (*DEPLOYMENTS, 0, "version"), "2025-08-07") is STACK


def test_set_scalar_on_a_missing_path_names_the_file_and_line() -> None:
    with pytest.raises(StackEditError) as caught:
        set_scalar(STACK, (*DEPLOYMENTS, 5, "version"), "x", source="stacks/Pulumi.t.yaml")
    assert isinstance(caught.value, GateInputError)
    assert (caught.value.file, caught.value.line) == ("stacks/Pulumi.t.yaml", 6)
    assert caught.value.lines() == [
        "stacks/Pulumi.t.yaml:6: config.foundry-iac:accounts[0].deployments[5]: no such key or item in the file; "
        "nothing was changed"
    ]


def test_set_scalar_refuses_a_mapping() -> None:
    with pytest.raises(StackEditError, match=r"t.yaml:17: .*monthlyTokens is a mapping or list"):
        set_scalar(STACK, (*DEPLOYMENTS, 1, "monthlyTokens"), 3, source="t.yaml")


def test_set_scalar_refuses_a_block_scalar() -> None:
    text = "config:\n  note: |\n    two\n    lines\n"
    with pytest.raises(StackEditError, match=r"t.yaml:2: config.note is not a one-line scalar"):
        set_scalar(text, ("config", "note"), "x", source="t.yaml")


def test_set_scalar_on_invalid_yaml_names_the_line() -> None:
    with pytest.raises(StackEditError, match=r"^t.yaml:2: not valid YAML \(mapping values are not allowed"):
        set_scalar("a: 1\nb: c: d\ne: 2\n", ("a",), 2, source="t.yaml")


def test_append_item_uses_the_siblings_indentation_and_keeps_trailing_comments() -> None:
    item: dict[str, object] = {
        "model": "gpt-5.1",
        "version": "2025-11-13",
        "type": "DataZoneStandard",
        "capacity": 20,
        "monthlyTokens": {"input": 5000, "output": 1000},
    }
    after = append_item(STACK, DEPLOYMENTS, item)
    added = [line for line in difflib.ndiff(STACK.splitlines(), after.splitlines()) if line.startswith(("+", "-"))]
    assert added == [
        "+         - model: gpt-5.1",
        '+           version: "2025-11-13"',
        "+           type: DataZoneStandard",
        "+           capacity: 20",
        "+           monthlyTokens: {input: 5000, output: 1000}",
    ]
    assert after.index("monthlyTokens: {input: 5000") < after.index("# trailing comment of the account")
    data = _value(after)
    assert isinstance(data, dict)
    assert data["config"]["foundry-iac:accounts"][0]["deployments"][2] == item


def test_append_item_to_a_flow_list_is_refused() -> None:
    text = "config:\n  list: [a, b]\n"
    with pytest.raises(StackEditError, match=r"t.yaml:2: config.list is a flow list"):
        append_item(text, ("config", "list"), {"a": 1}, source="t.yaml")


def test_append_item_keeps_crlf_line_ends() -> None:
    text = "items:\r\n  - name: a\r\n    size: 1\r\n"
    after = append_item(text, ("items",), {"name": "b", "size": 2})
    assert after == text + "  - name: b\r\n    size: 2\r\n"


def test_write_all_replaces_every_file_and_keeps_the_mode(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("a: 1\n")
    b.write_text("b: 1\n")
    os.chmod(a, 0o640)
    write_all({a: "a: 2\n", b: "b: 2\n"})
    assert (a.read_text(), b.read_text()) == ("a: 2\n", "b: 2\n")
    assert a.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


def test_write_all_refuses_a_symlink_and_writes_nothing(tmp_path: Path) -> None:
    a, target = tmp_path / "a.yaml", tmp_path / "target.yaml"
    a.write_text("a: 1\n")
    target.write_text("t: 1\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    with pytest.raises(StackEditError, match="link.yaml: is a symbolic link"):
        write_all({a: "a: 2\n", link: "t: 2\n"})
    assert (a.read_text(), target.read_text()) == ("a: 1\n", "t: 1\n")


def test_write_all_writes_nothing_when_one_file_cannot_be_staged(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text("a: 1\n")
    missing = tmp_path / "no-such-folder" / "b.yaml"
    with pytest.raises(StackEditError, match=r"b.yaml: cannot write: .*nothing was written"):
        write_all({a: "a: 2\n", missing: "b: 2\n"})
    assert a.read_text() == "a: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_write_all_puts_back_what_it_replaced_when_a_later_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("a: 1\n")
    b.write_text("b: 1\n")
    real_replace = os.replace
    calls: list[str] = []

    def failing_second(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_second)
    with pytest.raises(StackEditError, match="b.yaml: cannot write: No space left on device; nothing was written"):
        write_all({a: "a: 2\n", b: "b: 2\n"})
    assert (a.read_text(), b.read_text()) == ("a: 1\n", "b: 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_setting_every_scalar_of_an_example_to_itself_leaves_the_bytes(example: Path) -> None:
    text = example.read_text()
    for path in _scalar_paths(_value(text), ()):
        assert set_scalar(text, path, _at(_value(text), path)) == text  # type: ignore[arg-type]


def _scalar_paths(data: object, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _scalar_paths(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _scalar_paths(v, (*path, i))]
    return [path] if data is not None else []


def _at(data: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


_scalars = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["1", "2025-08-07", "true", "null", "~", "yes", "0x10", "1e3", "a: b", "#x", "- x", "'q'"]),
)
_styles = st.sampled_from(["plain", '"', "'"])
_comments = st.sampled_from(["", "   # a comment", "  # 'quoted' \"x\" : #"])


def _write_scalar(value: str, style: str) -> str:
    if style == '"':
        return '"' + value + '"'
    if style == "'":
        return "'" + value + "'"
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    old=st.sampled_from(["gpt-5", "2025-08-07", "1", "x y"]),
    style=_styles,
    comment=_comments,
    above=_comments,
    value=_scalars,
)
def test_set_scalar_changes_only_its_line_and_reads_back_as_intended(
    old: str, style: str, comment: str, above: str, value: object
) -> None:
    text = (
        f"# head{above}\nconfig:\n  first: 1{comment}\n{above.strip() and '  ' + above.strip()}\n"
        f"  items:\n    - name: a\n      value: {_write_scalar(old, style)}{comment}\n"
        f"      flow: {{k: {_write_scalar(old, style)}, z: 2}}{comment}\n\n  last: end{comment}\n"
    )
    before = _value(text)
    for path in (("config", "items", 0, "value"), ("config", "items", 0, "flow", "k")):
        try:
            after = set_scalar(text, path, value)  # type: ignore[arg-type]
        except StackEditError as exc:
            # only a value no one-line scalar can carry back may be refused
            assert "cannot be written there" in str(exc)
            continue
        changed = _changed_lines(text, after)
        assert len(changed) <= 1
        if changed:
            assert changed[0][0] == text.splitlines()[6 if path[-1] == "value" else 7]
            assert changed[0][0].endswith(comment) and changed[0][1].endswith(comment)
        data = _value(after)
        expected = before
        assert isinstance(expected, dict) and isinstance(data, dict)
        item = expected["config"]["items"][0]
        target = item if path[-1] == "value" else item["flow"]
        old_value = target[path[-1]]
        target[path[-1]] = value
        assert data == expected and type(_at(data, path)) is type(value)
        target[path[-1]] = old_value


@settings(max_examples=60, deadline=None)
@given(
    item=st.dictionaries(
        st.text(alphabet="abcxyz-:# '\"", min_size=1, max_size=6),
        st.one_of(
            _scalars,
            st.dictionaries(st.sampled_from(["input", "output"]), st.integers(0, 10**9), min_size=1),
        ),
        min_size=1,
        max_size=4,
    ),
    comment=_comments,
)
def test_append_item_only_adds_lines_and_reads_back_as_intended(item: dict[str, object], comment: str) -> None:
    text = f"config:\n  items:{comment}\n    - name: a{comment}\n      size: 1\n{comment.strip()}\n  other: x\n"
    after = append_item(text, ("config", "items"), item)
    diff = [line for line in difflib.ndiff(text.splitlines(), after.splitlines()) if line.startswith(("+ ", "- "))]
    assert all(line.startswith("+ ") for line in diff)
    data = _value(after)
    assert isinstance(data, dict)
    assert data["config"]["items"] == [{"name": "a", "size": 1}, item]
