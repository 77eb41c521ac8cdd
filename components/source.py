"""Read a Pulumi stack file as YAML, keeping the line of every key and item.

PyYAML silently keeps the last of two equal keys; this reader rejects them. Timestamps stay strings
(`version: 2024-11-20` is a model version, not a date), as they reach the program through the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .config_errors import ConfigIssue, Path_, format_path
from .text import short

try:  # the C parser is ~10x faster on large stacks; fall back when libyaml is absent
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc,assignment]


class _Loader(_BaseLoader):
    """SafeLoader reading scalars as the Pulumi CLI (YAML 1.2) does: no timestamps, only true/false are booleans."""


_BOOL_TAG = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _BOOL_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class SourceDoc:
    """A parsed YAML document: its value, the line (1-based) of every path, and any issues."""

    file: str
    value: object
    lines: dict[Path_, int] = field(default_factory=dict)
    issues: list[ConfigIssue] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


# YAML 1.2's core schema: the only tags a value may carry, implicit or written (`!!str 5`). Anything else
# (`!Ref`, `!!binary`, `!!timestamp`, `!!set`, `!!python/...`) has no meaning to Pulumi's config.
CORE_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq"))
MAX_DEPTH = 32  # a stack file nests about 8 levels deep; deeper is a mistake or an attack


# `\uD800` to `\uDFFF` after an even number of backslashes (an escaped backslash is no escape of its own)
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def json_lines(text: str, file: str) -> dict[Path_, int]:
    """The line of each key path of JSON text (JSON is YAML: the line-keeping reader gives positions). YAML refuses
    the escaped surrogate pairs JSON writes for a character beyond U+FFFF (json.dumps writes an emoji so), so each
    half stands in as one letter: the values change, the positions do not."""
    return read_yaml(_SURROGATE_ESCAPE.sub(r"\1x", text), file).lines


def read_yaml(text: str, file: str) -> SourceDoc:
    """Parse YAML text into a SourceDoc; syntax errors, duplicate keys, aliases and deep nesting become issues."""
    doc = SourceDoc(file=file, value=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        doc.issues.append(ConfigIssue(file, line, "", f"YAML syntax error: {problem}; fix the indentation or quoting"))
        return doc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: at its line, named
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        why = f"the character U+{code:04X} is not allowed in YAML (a control character); remove it"
        doc.issues.append(ConfigIssue(file, line, "", why))
        return doc
    except yaml.YAMLError as exc:
        doc.issues.append(ConfigIssue(file, None, "", f"YAML error: {short(str(exc))}"))
        return doc
    finally:
        loader.dispose()
    if node is not None:
        doc.value = _Builder(doc, loader).build(node, ())
    return doc


class _Builder:
    """Turn composed nodes into plain values, visiting each node once (an alias is refused, never expanded)."""

    def __init__(self, doc: SourceDoc, loader: _Loader):
        self.doc = doc
        self.loader = loader
        self.seen: set[int] = set()
        self.alias_reported = False

    def _issue(self, node: yaml.Node, path: Path_, message: str, line: int | None = None) -> None:
        shown = format_path(path)
        if len(shown) > 80:
            shown = shown[:80] + "..."
        self.doc.issues.append(ConfigIssue(self.doc.file, line or node.start_mark.line + 1, shown, message))

    def build(self, node: yaml.Node, path: Path_) -> object:
        doc = self.doc
        if id(node) in self.seen:
            if not self.alias_reported:  # one line says it; a bomb would otherwise print thousands
                # the node is the anchored one; its alias was written inside the parent
                parent_line = self.doc.lines.get(path[:-1])
                self._issue(node, path, "YAML aliases (*name) are not supported; write the value out", parent_line)
                self.alias_reported = True
            return None
        self.seen.add(id(node))
        doc.lines.setdefault(path, node.start_mark.line + 1)
        if len(path) > MAX_DEPTH:
            self._issue(node, path, f"nested more than {MAX_DEPTH} levels deep; a stack file is never this deep")
            return None
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self._issue(node, path, _tag_message(node.tag))
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._issue(node, path, _tag_message(node.tag))
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag not in CORE_TAGS:  # said once here; the text stands in, so no second error follows from it
            self._issue(node, path, _tag_message(node.tag))
            return node.value
        if _ambiguous_number(node):
            self._issue(node, path, _AMBIGUOUS_NUMBER_MESSAGE.format(value=short(node.value)))
            return node.value
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[object, object]:
        out: dict[object, object] = {}
        first_line: dict[object, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._issue(key_node, path, "YAML merge keys (<<) are not supported; write the keys out")
                continue
            if key_node.tag not in CORE_TAGS:
                self._issue(key_node, path, _tag_message(key_node.tag))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._issue(key_node, path, "a key must be plain text, not a list or a mapping")
                continue
            raw_key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(raw_key, (str, int, float, bool)):
                self._issue(key_node, path, f"a key must be plain text (got {short(raw_key)})")
                continue
            # Keys reach the program as JSON object keys: always text.
            key = ("true" if raw_key else "false") if isinstance(raw_key, bool) else str(raw_key)
            if key in first_line:
                self._issue(
                    key_node,
                    path + (key,),
                    f"duplicate key {short(key)} (first at line {first_line[key]}); keep one of them",
                )
                continue
            first_line[key] = line
            self.doc.lines[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,))
        return out


# Plain numbers YAML 1.1 (this parser) and YAML 1.2 (the Pulumi CLI) read differently: base 60 (`1:10` is 70 or
# text), octal (`012` is 10 or 12; `0o12` is 10 or text), binary and hex prefixes, digit-group underscores, a plus.
_AMBIGUOUS_NUMBER = re.compile(r"[-+]?0(?:[0-9_]|[bBoOxX]).*|.*[:_].*|\+.*")
# Plain text here that YAML 1.2 reads as a number: `0o12`, `09`, `1e3`.
_NUMBER_IN_YAML_1_2 = re.compile(r"[-+]?0o[0-7]+|[-+]?0[0-9]+|[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+")
_AMBIGUOUS_NUMBER_MESSAGE = (
    "{value} is read differently by YAML 1.1 and by YAML 1.2, which the Pulumi CLI follows (base 60, a leading "
    "zero, 0b/0o/0x, underscores, a plus sign or an exponent): write it in plain decimal digits, or quote it if "
    "it is text"
)


def _ambiguous_number(node: yaml.Node) -> bool:
    """A plain scalar whose reading depends on the YAML version: a number here, or text here and a number there."""
    if not isinstance(node, yaml.ScalarNode) or node.style:  # plain: None (Python parser) or "" (libyaml)
        return False
    number = node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    text = node.tag == "tag:yaml.org,2002:str" and _NUMBER_IN_YAML_1_2.fullmatch(node.value) is not None
    return text or (number and _AMBIGUOUS_NUMBER.fullmatch(node.value) is not None)


def _tag_message(tag: str) -> str:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"YAML tag {short(shown)} is not supported (only plain text, numbers, true/false, null, lists and mappings); "
        "remove the tag, or quote the value to keep it as text"
    )
