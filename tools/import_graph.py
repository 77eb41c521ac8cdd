"""The import graph between the repository's packages, and its circles (scripts/import-graph).

    python tools/import_graph.py [--root DIR]

Reads every module of components/, policies/ and foundry_iac/ with `ast` (nothing is imported) and counts
every import at the top of a module and inside a function (a lazy import runs when the function does, so
it is still a dependency). An import inside an `if TYPE_CHECKING:` block (or `if typing.TYPE_CHECKING:`) is
not an edge: it never runs, it only names a type for the type checker (the convention of import-linter's
`exclude_type_checking_imports`); its `else:` branch does run and counts. A node is a subpackage
(`foundry_iac.engine`, `components.config`) or a module at the top of a package (`foundry_iac.errors`,
`components.inputs`). Prints one line per node with the nodes it
imports, then the circles: between nodes, and between modules (a circle inside one subpackage counts too).
Each circle is one strongly connected part: printed as one closed path (`circle between nodes: a -> b -> a`)
and then every member of the part (`  part of 3: a, b, c`), so a reader sees all there is to cut.
Exit 0 without a circle, 1 with one, 2 on bad input.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

PACKAGES = ("components", "policies", "foundry_iac")


def module_files(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Every module of the packages, by dotted name (a package by its own name, for its __init__.py)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    """Whether an `if` tests `TYPE_CHECKING` or `<module>.TYPE_CHECKING` (true only for the type checker)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_time_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Every node of the tree except those inside the body of an `if TYPE_CHECKING:` (its `else:` runs)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(reversed(node.orelse))
            continue
        pending.extend(reversed(list(ast.iter_child_nodes(node))))


def _imported(tree: ast.AST, name: str, is_package: bool) -> Iterable[tuple[str, list[str], bool]]:
    """(module, names, relative) for every import that runs; relative imports resolved against `name`.

    Imports under `if TYPE_CHECKING:` are left out: they never run, so they are no dependency.
    """
    package = name if is_package else name.rpartition(".")[0]
    for node in _run_time_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], False
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level - 1 >= len(base):  # above the top package
                    yield "", [], True
                    continue
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, [alias.name for alias in node.names], bool(node.level)


class UnresolvedImportError(Exception):
    """A relative import that names no module of the packages (it would fail at run time)."""


def module_graph(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, set[str]]:
    """Which of the packages' modules each module imports (only modules inside the packages).

    Raises UnresolvedImportError for a relative import of a module that is not there.
    """
    files = module_files(root, packages)
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, names, relative in _imported(tree, name, path.name == "__init__.py"):
            if relative and target not in files:
                raise UnresolvedImportError(f"{path}: a relative import of {target or 'nothing'}, not a module here")
            for candidate in [f"{target}.{n}" for n in names if f"{target}.{n}" in files] or [target]:
                while candidate and candidate not in files:  # `import a.b.c` of a non-module name: its module
                    candidate = candidate.rpartition(".")[0]
                if candidate and candidate != name:
                    graph[name].add(candidate)
    return graph


def node_of(module: str) -> str:
    """The node a module belongs to: its subpackage below the top package, else the module itself."""
    return ".".join(module.split(".")[:2])


def node_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph folded onto nodes (subpackages and top-level modules)."""
    nodes: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        source = node_of(module)
        nodes[source]
        for target in targets:
            folded = node_of(target)
            if folded != source:
                nodes[source].add(folded)
    return dict(nodes)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected part of more than one node, as a closed path."""
    return sorted(_closed_path(graph, set(part)) for part in strongly_connected(graph))


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node, each sorted (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                if len(part) > 1:
                    parts.append(sorted(part))
    return sorted(parts)


def _closed_path(graph: dict[str, set[str]], part: set[str]) -> list[str]:
    """A shortest path from the part's first node back to itself, inside the part (breadth first)."""
    first = min(part)
    previous: dict[str, str] = {}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph.get(node, ())):
            if child == first:
                path = [node]
                while path[-1] != first:
                    path.append(previous[path[-1]])
                return [*reversed(path), first]
            if child in part and child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"no circle through {first}")  # pragma: no cover - a strongly connected part has one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1], help="the repository")
    args = parser.parse_args(argv)
    missing = [p for p in PACKAGES if not (args.root / p).is_dir()]
    if missing:
        print(f"error: {args.root}: no {', '.join(missing)} folder here; pass --root REPOSITORY", file=sys.stderr)
        return 2
    try:
        modules = module_graph(args.root)
    except (SyntaxError, UnicodeDecodeError) as exc:
        print(f"error: {getattr(exc, 'filename', '') or ''}: {exc}; fix the file", file=sys.stderr)
        return 2
    except UnresolvedImportError as exc:
        print(f"error: {exc}; fix the import", file=sys.stderr)
        return 2
    nodes = node_graph(modules)
    for node in sorted(nodes):
        print(f"{node} -> {', '.join(sorted(nodes[node])) or '(nothing)'}")
    found = [("nodes", nodes, p) for p in strongly_connected(nodes)]
    found += [("modules", modules, p) for p in strongly_connected(modules)]
    for kind, graph, part in found:
        print(f"circle between {kind}: {' -> '.join(_closed_path(graph, set(part)))}")
        print(f"  part of {len(part)}: {', '.join(part)}")
    if not found:
        print("circles: none")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
