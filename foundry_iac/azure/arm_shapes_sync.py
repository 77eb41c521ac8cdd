"""Write arm_shapes.json, the ARM contract's nesting for every type the export registers, from Azure's published types.

    python -m foundry_iac.azure.arm_shapes_sync --source "Azure/bicep-types-az@<commit> (<date>)" TYPES_JSON...

Each TYPES_JSON is a `generated/<provider>/<namespace>/<api-version>/types.json` of Azure/bicep-types-az
(the types Azure generates from its REST specifications). For each type `foundry_iac.engine.arm_export` registers,
at the API version the pulumi-azure-native SDK uses for it, the shape of its request body is kept: the
writable property names of each object, and which object a property holds. Only the objects on a path to
an ARM `properties` wrapper are kept (the rest are copied as they are), so the file stays small.
Nothing is written unless every registered type is found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..engine.arm_export import ARM_TYPES, SHAPES_FILE, api_version
from .prices_sync import write_json_atomically

READ_ONLY = 2  # bicep-types flag: the property is returned by Azure, never sent


def _ref(value: Mapping[str, Any]) -> int:
    return int(value["$ref"].split("/")[-1])


class _Extractor:
    """The kept object shapes of one types.json, as nodes `{"props": {name: node or null}}`."""

    def __init__(self, types: list[dict[str, Any]]) -> None:
        self.types = types

    def _target(self, index: int) -> int | None:
        """The object type a property holds (through arrays), or None for scalars and maps."""
        kind = self.types[index]
        if kind["$type"] == "ArrayType":
            return self._target(_ref(kind["itemType"]))
        if kind["$type"] in ("ObjectType", "DiscriminatedObjectType"):
            return index
        return None

    def _props(self, index: int) -> dict[str, int | None]:
        """The writable properties of an object type, each with the object type it holds."""
        kind = self.types[index]
        return {
            name: self._target(_ref(prop["type"]))
            for name, prop in kind.get("properties", kind.get("baseProperties", {})).items()
            if not prop.get("flags", 0) & READ_ONLY and name not in ("type", "apiVersion")
        }

    def _elements(self, index: int) -> dict[str, int]:
        kind = self.types[index]
        if kind["$type"] != "DiscriminatedObjectType":
            return {}
        return {value: _ref(ref) for value, ref in kind["elements"].items()}

    def _holds(self, index: int) -> list[int]:
        """The object types an object holds: its properties' and its discriminated elements'."""
        return [t for t in self._props(index).values() if t is not None] + list(self._elements(index).values())

    def _reachable(self, body: int) -> set[int]:
        """Every object type a request body can hold."""
        reach: set[int] = set()
        pending = [body]
        while pending:
            index = pending.pop()
            if index not in reach:
                reach.add(index)
                pending += self._holds(index)
        return reach

    def _needed(self, body: int, reach: set[int]) -> set[int]:
        """The body, every object on a path to a `properties` wrapper, and the elements of those kept."""
        inner = {t: self._props(t).get("properties") for t in reach}
        needed = {body} | {t for t, held in inner.items() if held is not None}
        needed |= {held for held in inner.values() if held is not None}
        grown = True
        while grown:  # an object is kept when an object it holds is kept (cycles included)
            grown = False
            for t in reach - needed:
                if any(c in needed for c in self._holds(t)):
                    needed.add(t)
                    grown = True
        return needed | {e for t in needed for e in self._elements(t).values()}

    def _node(self, t: int, ids: dict[int, int]) -> dict[str, Any]:
        """One object type as a node: its properties (by node id), and its discriminator and elements."""
        node: dict[str, Any] = {"props": {n: ids.get(c) if c is not None else None for n, c in self._props(t).items()}}
        if self._elements(t):
            node["discriminator"] = self.types[t]["discriminator"]
            node["props"].pop(node["discriminator"], None)
            node["elements"] = {v: ids[e] for v, e in self._elements(t).items()}
        return node

    def shape(self, body: int) -> tuple[int, list[dict[str, Any]]]:
        """The body's node index and the nodes: every object on a path to a `properties` wrapper."""
        order = sorted(self._needed(body, self._reachable(body)))
        ids = {t: i for i, t in enumerate(order)}
        return ids[body], [self._node(t, ids) for t in order]


def extract(path: Path, names: set[str]) -> dict[str, dict[str, Any]]:
    """The resource types of one types.json named in `names` (lower case), as `{"Type@version": shape}`."""
    types = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for kind in types:
        if kind.get("$type") != "ResourceType" or kind["name"].lower() not in names:
            continue
        body, nodes = _Extractor(types).shape(_ref(kind["body"]))
        out[kind["name"]] = {"body": body, "nodes": nodes}
    return out


def wanted() -> dict[str, str]:
    """`Type@version` of every registered type, at the SDK's API version, keyed to its ARM type name."""
    return {f"{arm.arm_type}@{api_version(token)}": arm.arm_type for token, arm in ARM_TYPES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the bicep-types-az repository, commit and its date")
    parser.add_argument("--out", type=Path, default=SHAPES_FILE, help=argparse.SUPPRESS)
    parser.add_argument("types_json", nargs="+", type=Path)
    args = parser.parse_args(argv)
    found: dict[str, dict[str, Any]] = {}
    for path in args.types_json:
        try:
            shapes = extract(path, {key.lower() for key in wanted()})
        except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
            print(
                f"error: {path}: not a readable bicep-types types.json ({error!r}); pass"
                " generated/<provider>/<namespace>/<api-version>/types.json of Azure/bicep-types-az",
                file=sys.stderr,
            )
            return 2
        for name, shape in shapes.items():
            # bicep-types-az spells some type names differently in case (Microsoft.Insights / microsoft.insights)
            for key in wanted():
                if key.lower() == name.lower():
                    found[key] = {"file": "/".join(path.parts[-4:]), **shape}
    missing = sorted(set(wanted()) - set(found))
    if missing:
        print(
            f"error: not in the given types.json files: {', '.join(missing)}; pass the types.json of each"
            " (generated/<provider>/<namespace>/<api-version>/types.json), nothing written",
            file=sys.stderr,
        )
        return 2
    data = {
        "source": f"{args.source}, generated/<file>/types.json",
        "synced": dt.date.today().isoformat(),
        "note": "The writable property names of each object on the way to an ARM `properties` wrapper;"
        " null: an object with no wrapper inside, copied as is. Regenerate with"
        " python -m foundry_iac.azure.arm_shapes_sync.",
        "types": dict(sorted(found.items())),
    }
    write_json_atomically(args.out, data)
    print(f"{args.out}: {len(found)} types", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
