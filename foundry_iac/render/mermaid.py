"""Mermaid pictures of the estate for the markdown reports (GitHub draws ```mermaid blocks in comments).

One diagram per stack: each account with its projects, deployments (model, type, capacity), content
filters, blocklists, private endpoints and agent resources (capability hosts, project connections).
Deployments hang off their account, as in Azure, where every project of the account can use them. A
diff's diagram is the estate after the change plus what it removes, with added, changed, replaced and
removed resources styled apart and a legend.

Mermaid refuses diagrams over 50,000 characters or 500 edges (its default maxTextSize and maxEdges),
so a diagram draws at most MAX_NODES resources, at most MAX_CHILDREN under one parent, the changed
ones first, and sums the rest up in one "+N more" node per parent; the report's tables list them all.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from components import resource_types as types

from ..engine.report_model import StackDiff, StackReport
from .common import TYPE_LABELS

MAX_NODES = 60
MAX_CHILDREN = 15
MAX_TEXT = 40_000  # a margin below Mermaid's maxTextSize (50,000)
MAX_LINE = 60  # characters of one label line, before escaping
WRAP_PX = 480  # label width before Mermaid wraps: a MAX_LINE line fits

Status = Literal["unchanged", "added", "changed", "replaced", "removed"]

# Drawn kinds in the order they are listed under a parent, with their Mermaid node shapes.
SHAPES = {
    types.ACCOUNT: ('["', '"]'),
    types.PROJECT: ('("', '")'),
    types.DEPLOYMENT: ('(["', '"])'),
    types.RAI_POLICY: ('{{"', '"}}'),
    types.RAI_BLOCKLIST: ('[/"', '"/]'),
    types.PRIVATE_ENDPOINT: ('[\\"', '"\\]'),
    types.ACCOUNT_CAPABILITY_HOST: ('[["', '"]]'),
    types.CONNECTION: ('[("', '")]'),
    types.PROJECT_CAPABILITY_HOST: ('[["', '"]]'),
}
PROJECT_CHILDREN = (types.CONNECTION, types.PROJECT_CAPABILITY_HOST)
_ORDER = {kind: i for i, kind in enumerate(SHAPES)}

LEGEND = (
    ("added", "added"),
    ("changed", "changed in place"),
    ("replaced", "replaced: deleted and re-created"),
    ("removed", "removed"),
)
STYLES = {
    "added": "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328",
    "changed": "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328",
    "replaced": "fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328",
    "removed": "fill:#f6f8fa,stroke:#6e7781,stroke-width:2px,stroke-dasharray:6 4,color:#6e7781",
    "more": "fill:#ffffff,stroke:#8c959f,stroke-dasharray:3 3,color:#57606a",
}

# Characters that Mermaid reads as syntax inside a label (or markdown reads as a fence), as entity codes. A
# backslash becomes the look-alike U+29F5: Mermaid turns a backslash-n, even an escaped one, into a line break.
_ESCAPES = str.maketrans(
    {c: f"#{ord(c)};" for c in '"#&<>;[](){}|`'} | {"\\": "\u29f5", "\n": " ", "\r": " ", "\t": " "}
)


def escape(text: str) -> str:
    """One label line, shortened to MAX_LINE characters, safe inside a quoted Mermaid label (shown as written,
    but for a backslash, drawn as the look-alike ⧵)."""
    text = text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"
    return text.translate(_ESCAPES)


@dataclass
class _Node:
    urn: str
    kind: str
    lines: tuple[str, ...]
    status: Status = "unchanged"
    children: list[_Node] = field(default_factory=list)

    def sort_key(self) -> tuple[int, str, str]:
        return _ORDER[self.kind], self.lines[0].casefold(), self.urn


def _word(kind: str) -> str:
    return TYPE_LABELS.get(kind, kind)


def _lines(kind: str, p: Mapping[str, Any]) -> tuple[str, ...]:
    """What a node says: its kind and Azure name, then the facts a reviewer looks for."""
    props = p.get("properties") or {}
    if kind == types.ACCOUNT:
        return f"account {p.get('accountName')}", f"{p.get('kind')} · {p.get('location')}"
    if kind == types.PROJECT:
        display = props.get("displayName")
        return (f"project {p.get('projectName')}", *([str(display)] if display else []))
    if kind == types.DEPLOYMENT:
        model, sku = props.get("model") or {}, p.get("sku") or {}
        lines = [
            f"deployment {p.get('deploymentName')}",
            f"{model.get('name')} {model.get('version', 'unpinned')}",
            f"{sku.get('name')} × {sku.get('capacity')}",
        ]
        if props.get("raiPolicyName"):
            lines.append(f"filter {props['raiPolicyName']}")
        return tuple(lines)
    if kind == types.RAI_POLICY:
        return f"content filter {p.get('raiPolicyName')}", f"based on {props.get('basePolicyName')}"
    if kind == types.RAI_BLOCKLIST:
        return (f"blocklist {p.get('raiBlocklistName')}",)
    if kind == types.PRIVATE_ENDPOINT:
        links = p.get("privateLinkServiceConnections") or [{}]
        target = str(links[0].get("privateLinkServiceId", "")).rsplit("/", 1)[-1]
        groups = ", ".join(str(g) for g in links[0].get("groupIds") or [])
        return f"private endpoint {p.get('privateEndpointName')}", f"to {target} · {groups}"
    if kind == types.CONNECTION:
        return f"connection {p.get('connectionName')}", f"{props.get('category')} · auth {props.get('authType')}"
    return (f"capability host {p.get('capabilityHostName')}",)  # of its project or account: the node it hangs under


def _nodes(entry: StackReport | None) -> dict[str, tuple[_Node, str | None]]:
    """Every drawn resource of a stack by URN, with the URN of the node it hangs under (None: an account)."""
    if entry is None:
        return {}
    accounts = {r.parent: r for r in entry.resources if r.type == types.ACCOUNT}
    projects = {
        (accounts[r.parent].urn, r.props.get("projectName")): r.urn
        for r in entry.resources
        if r.type == types.PROJECT and r.parent in accounts
    }
    out: dict[str, tuple[_Node, str | None]] = {}
    for r in entry.resources:
        if r.type not in SHAPES or (r.type != types.ACCOUNT and r.parent not in accounts):
            continue
        parent = None if r.type == types.ACCOUNT else accounts[r.parent].urn
        if r.type in PROJECT_CHILDREN and parent is not None:
            parent = projects.get((parent, r.props.get("projectName")), parent)
        out[r.urn] = (_Node(r.urn, r.type, _lines(r.type, r.props)), parent)
    return out


def _tree(flat: Mapping[str, tuple[_Node, str | None]]) -> list[_Node]:
    """The accounts, each node's children in their drawing order."""
    roots: list[_Node] = []
    for node, parent in flat.values():
        (flat[parent][0].children if parent is not None and parent in flat else roots).append(node)
    for node, _ in flat.values():
        node.children.sort(key=_Node.sort_key)
    return sorted(roots, key=_Node.sort_key)


def _changed_lines(before: tuple[str, ...], after: tuple[str, ...]) -> tuple[str, ...]:
    """A changed resource's lines: 'old → new' where a line differs."""
    if len(before) != len(after):
        return after
    return tuple(a if a == b else f"{b} → {a}" for b, a in zip(before, after, strict=True))


def _merged(change: StackDiff, before: StackReport | None, after: StackReport | None) -> list[_Node]:
    """The estate after the change plus the resources it removes, each marked with what the diff says."""
    old, new = _nodes(before), _nodes(after)
    flat = dict(new)
    for urn, (node, parent) in old.items():
        if urn not in flat:
            flat[urn] = (node, parent)
    res = change.resources
    status: dict[str, Status] = {r.urn: "added" for r in res.added}
    status.update({r.urn: "removed" for r in res.removed})
    status.update({r.urn: "replaced" if r.replace else "changed" for r in res.changed})
    for urn, (node, _) in flat.items():
        node.status = status.get(urn, "unchanged")
        if node.status in ("changed", "replaced") and urn in old and urn in new:
            node.lines = _changed_lines(old[urn][0].lines, new[urn][0].lines)
    return _tree(flat)


def _select(roots: list[_Node], budget: int) -> set[int]:
    """The nodes drawn: changed subtrees first, then breadth first, at most MAX_CHILDREN per parent."""
    touched: dict[int, bool] = {}

    def mark(node: _Node) -> bool:
        below = [mark(c) for c in node.children]  # every child is visited (no short circuit)
        touched[id(node)] = node.status != "unchanged" or any(below)
        return touched[id(node)]

    for root in roots:
        mark(root)
    heap: list[tuple[int, int, int]] = []
    items: dict[int, tuple[_Node, int | None]] = {}

    def push(nodes: list[_Node], depth: int, parent: int | None) -> None:
        for node in nodes:
            seq = len(items)
            items[seq] = (node, parent)
            heapq.heappush(heap, (0 if touched[id(node)] else 1, depth, seq))

    push(roots, 0, None)
    shown: set[int] = set()
    per_parent: Counter[int | None] = Counter()
    while heap and len(shown) < budget:
        _, depth, seq = heapq.heappop(heap)
        node, parent = items[seq]
        if per_parent[parent] >= MAX_CHILDREN:
            continue
        per_parent[parent] += 1
        shown.add(id(node))
        push(node.children, depth + 1, id(node))
    return shown


def _walk(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _more_lines(hidden: list[_Node], diff: bool) -> tuple[str, ...]:
    """'+N more' and one line per kind: the resources a node stands for, and what the change does to them."""
    everything = [n for h in hidden for n in _walk(h)]
    by_kind: dict[str, list[_Node]] = {}
    for node in sorted(everything, key=lambda n: _ORDER[n.kind]):
        by_kind.setdefault(node.kind, []).append(node)
    lines = [f"+{len(everything)} more, not drawn"]
    for kind, nodes in by_kind.items():
        word = _word(kind)
        line = f"{len(nodes)} {word}{'s' if len(nodes) != 1 else ''}"
        statuses = Counter(n.status for n in nodes if n.status != "unchanged")
        if diff and statuses:
            line += " (" + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) + ")"
        lines.append(line)
    return tuple(lines)


class _Writer:
    """The diagram's text: node and edge statements, then class assignments."""

    def __init__(self) -> None:
        # Labels keep their own line breaks: Mermaid's default wrapping (200 px) would split names.
        self.lines = ["---", "config:", "  flowchart:", f"    wrappingWidth: {WRAP_PX}", "---", "flowchart LR"]
        self.classes: dict[str, list[str]] = {}
        self.count = 0

    def node(self, kind: str | None, lines: tuple[str, ...], parent: str | None, css: str | None) -> str:
        """Add a node (kind None: a '+N more' box) under `parent`, styled `css`; its id."""
        self.count += 1
        node_id = f"n{self.count}"
        start, end = SHAPES[kind] if kind else ('["', '"]')
        self.lines.append(f"  {node_id}{start}{'<br/>'.join(escape(line) for line in lines)}{end}")
        if parent:
            self.lines.append(f"  {parent} --> {node_id}")
        if css:
            self.classes.setdefault(css, []).append(node_id)
        return node_id


def _draw(roots: list[_Node], budget: int, diff: bool) -> tuple[str, int]:
    shown = _select(roots, budget)
    out = _Writer()

    def siblings(nodes: list[_Node], parent: str | None) -> None:
        for node in nodes:
            if id(node) in shown:
                css = None if node.status == "unchanged" else node.status
                siblings(node.children, out.node(node.kind, node.lines, parent, css))
        hidden = [n for n in nodes if id(n) not in shown]
        if hidden:
            out.node(None, _more_lines(hidden, diff), parent, "more")

    siblings(roots, None)
    if diff:
        out.lines += ["  subgraph legend [legend]", "    direction TB"]
        for i, (css, text) in enumerate(LEGEND, 1):
            out.lines.append(f'    legend{i}["{escape(text)}"]:::{css}')
        out.lines.append("  end")
    used = set(out.classes) | ({css for css, _ in LEGEND} if diff else set())
    out.lines += [f"  classDef {css} {style}" for css, style in STYLES.items() if css in used]
    out.lines += [f"  class {','.join(ids)} {css}" for css, ids in sorted(out.classes.items())]
    return "\n".join(out.lines) + "\n", len(shown)


def _bounded(roots: list[_Node], diff: bool) -> tuple[str, int, int]:
    """(text, resources drawn, resources in all) within MAX_TEXT: fewer nodes while labels are too long."""
    total = sum(1 for root in roots for _ in _walk(root))
    budget = MAX_NODES
    text, drawn = _draw(roots, budget, diff)
    while len(text) > MAX_TEXT and budget > 1:
        budget //= 2
        text, drawn = _draw(roots, budget, diff)
    return text, drawn, total


def _section(heading: str, roots: list[_Node], diff: bool) -> list[str]:
    if not roots:
        return []
    text, drawn, total = _bounded(roots, diff)
    lines = ["", heading, "", "```mermaid", *text.rstrip("\n").split("\n"), "```"]
    if drawn < total:
        lines += ["", f"The diagram draws {drawn} of {total} resources; its '+N more' nodes count the others."]
    return lines


def estate_diagram(entry: StackReport) -> str:
    """The Mermaid text of one stack's estate ('' when it has no account)."""
    roots = _tree(_nodes(entry))
    return _bounded(roots, diff=False)[0] if roots else ""


def estate_section(entry: StackReport) -> list[str]:
    """Markdown lines: a heading and a ```mermaid block of the stack's estate (none when it has no account)."""
    heading = "**Estate**: accounts, projects, deployments, content filters, private endpoints and agent resources"
    return _section(heading, _tree(_nodes(entry)), diff=False)


def diff_diagram(change: StackDiff, before: StackReport | None, after: StackReport | None) -> str:
    """The Mermaid text of a stack after a change, with what it removes ('' when neither side has an account)."""
    roots = _merged(change, before, after)
    return _bounded(roots, diff=True)[0] if roots else ""


def diff_section(change: StackDiff, before: StackReport | None, after: StackReport | None) -> list[str]:
    """Markdown lines: a heading and a ```mermaid block of the estate after the change, changes styled apart."""
    return _section("**Estate after the change**, with what it removes", _merged(change, before, after), diff=True)
