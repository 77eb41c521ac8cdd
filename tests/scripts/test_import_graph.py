"""tools/import_graph.py (scripts/import-graph): the import graph between packages, and its circles."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import ROOT
from tools.import_graph import circles, main, module_graph, node_graph


def tree(root: Path, files: dict[str, str]) -> Path:
    """A repository with components/, policies/ and foundry_iac/ holding `files` (path: source)."""
    for package in ("components", "policies", "foundry_iac"):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text('"""A package."""\n')
    for path, source in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(source)
    return root


def test_every_import_that_runs_is_an_edge_and_outside_names_are_not(tmp_path):
    root = tree(
        tmp_path,
        {
            "components/inputs.py": "import json\nfrom components import errors\n",
            "components/errors.py": "",
            "foundry_iac/engine/__init__.py": "",
            "foundry_iac/engine/gate.py": (
                "from typing import TYPE_CHECKING\nfrom ..errors import GateError\n"
                "if TYPE_CHECKING:\n    from policies.pack import POLICIES\n"
            ),
            "foundry_iac/errors.py": "import components.inputs\n",
            "foundry_iac/cli/__init__.py": "",
            "foundry_iac/cli/main.py": "def main():\n    from ..engine import gate\n    from . import console\n",
            "foundry_iac/cli/console.py": "",
            "policies/pack.py": "from components.errors import X\n",
        },
    )
    graph = module_graph(root)
    assert graph["components.inputs"] == {"components.errors"}
    assert graph["foundry_iac.engine.gate"] == {"foundry_iac.errors"}  # the TYPE_CHECKING import never runs
    assert graph["foundry_iac.errors"] == {"components.inputs"}
    assert graph["foundry_iac.cli.main"] == {"foundry_iac.engine.gate", "foundry_iac.cli.console"}
    nodes = node_graph(graph)
    assert nodes["foundry_iac.cli"] == {"foundry_iac.engine"}
    assert nodes["foundry_iac.engine"] == {"foundry_iac.errors"}
    assert circles(graph) == [] and circles(nodes) == []


def test_type_checking_imports_are_no_edge_but_their_else_branch_and_lazy_imports_are(tmp_path, capsys):
    root = tree(
        tmp_path,
        {
            "components/a.py": (
                "import typing\nfrom typing import TYPE_CHECKING\nfrom .b import x\n"
                "if TYPE_CHECKING:\n    from .c import C\nelse:\n    from .d import D\n"
                "if typing.TYPE_CHECKING:\n    import components.e\n"
            ),
            "components/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n",
            "components/c.py": "def late():\n    from .a import y\n",
            "components/d.py": "",
            "components/e.py": "import components.a\n",
        },
    )
    graph = module_graph(root)
    assert graph["components.a"] == {"components.b", "components.d"}
    assert graph["components.b"] == set()
    assert graph["components.c"] == {"components.a"}  # a lazy import runs when its function does
    assert graph["components.e"] == {"components.a"}
    assert circles(graph) == []
    assert main(["--root", str(root)]) == 0
    assert "circles: none" in capsys.readouterr().out.splitlines()


def test_a_circle_prints_every_member_of_its_strongly_connected_part(tmp_path, capsys):
    root = tree(
        tmp_path,
        {
            "components/a.py": "from . import b\n",
            "components/b.py": "from . import a, c\n",
            "components/c.py": "from . import d\n",
            "components/d.py": "from . import a\n",
        },
    )
    assert main(["--root", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "circle between nodes: components.a -> components.b -> components.a" in out
    assert "  part of 4: components.a, components.b, components.c, components.d" in out


def test_a_circle_through_a_lazy_import_is_found_and_named(tmp_path, capsys):
    root = tree(
        tmp_path,
        {
            "foundry_iac/cli.py": "def run():\n    from .commands import run\n",
            "foundry_iac/commands.py": "from .render.sarif import x\n",
            "foundry_iac/render/__init__.py": "",
            "foundry_iac/render/sarif.py": "def version():\n    from ..cli import version\n",
            "components/a.py": "from .b import x\n",
            "components/b.py": "from .a import y\n",
        },
    )
    assert main(["--root", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "foundry_iac.cli -> foundry_iac.commands" in out
    assert "circle between nodes: components.a -> components.b -> components.a" in out
    assert (
        "circle between nodes: foundry_iac.cli -> foundry_iac.commands -> foundry_iac.render -> foundry_iac.cli" in out
    )
    assert (
        "circle between modules: foundry_iac.cli -> foundry_iac.commands -> foundry_iac.render.sarif -> foundry_iac.cli"
        in out
    )
    assert "circles: none" not in out


def test_a_circle_inside_one_subpackage_counts(tmp_path, capsys):
    root = tree(
        tmp_path,
        {
            "components/config/__init__.py": "",
            "components/config/source.py": "from ..inputs import short\n",
            "components/inputs.py": "from components.config.source import read\n",
            "foundry_iac/engine/__init__.py": "",
            "foundry_iac/engine/a.py": "from . import b\n",
            "foundry_iac/engine/b.py": "from .a import x\n",
        },
    )
    assert main(["--root", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "circle between modules: foundry_iac.engine.a -> foundry_iac.engine.b -> foundry_iac.engine.a" in out
    assert "circle between nodes: components.config -> components.inputs -> components.config" in out


def test_a_relative_import_of_nothing_is_bad_input(tmp_path, capsys):
    root = tree(tmp_path, {"foundry_iac/version.py": "from ..engine.sdk_versions import summary\n"})
    assert main(["--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "foundry_iac/version.py: a relative import" in err and "fix the import" in err
    assert main(["--root", str(tmp_path / "nowhere")]) == 2
    assert "pass --root REPOSITORY" in capsys.readouterr().err


def test_foundry_iac_has_no_circle_and_its_layers_point_one_way():
    nodes = node_graph(module_graph(ROOT))
    ours = {
        n: {t for t in targets if t.startswith("foundry_iac")}
        for n, targets in nodes.items()
        if n.startswith("foundry_iac")
    }
    assert circles(ours) == []
    assert circles({m: t for m, t in module_graph(ROOT).items() if m.startswith("foundry_iac")}) == []
    # the engine and the Azure clients never reach up into the renderers or the command line
    for low in ("foundry_iac.engine", "foundry_iac.azure"):
        assert not ours[low] & {"foundry_iac.render", "foundry_iac.cli"}, ours[low]
    assert "foundry_iac.engine" not in {t for t in ours["foundry_iac.errors"]}
    # components and policies never import foundry_iac
    assert not {
        t
        for n, targets in nodes.items()
        if not n.startswith("foundry_iac")
        for t in targets
        if t.startswith("foundry_iac")
    }


def test_the_script_prints_the_graph_of_this_repository():
    done = subprocess.run([str(ROOT / "scripts" / "import-graph")], capture_output=True, text=True, cwd=ROOT)
    lines = done.stdout.splitlines()
    assert "foundry_iac.exit_codes -> (nothing)" in lines
    assert any(line.startswith("foundry_iac.cli -> ") and "foundry_iac.engine" in line for line in lines)
    assert done.returncode == (1 if any(line.startswith("circle between") for line in lines) else 0)


def test_components_have_no_circle_and_the_base_never_reaches_the_root_or_a_feature():
    modules = module_graph(ROOT)
    nodes = node_graph(modules)
    assert circles(nodes) == [] and circles(modules) == []
    features = {"account", "agents", "budget", "content_safety", "deployments", "monitoring", "network", "projects"}
    # the base every feature's model uses imports no feature and not the root that composes them
    base = nodes["components.config"]
    assert not base & {f"components.{f}" for f in features | {"stack"}}, base
    # no feature imports the root; the feature components that take another's object name it only as a type
    for feature in features:
        assert "components.stack" not in nodes[f"components.{feature}"], feature
    for feature in ("agents", "content_safety"):
        assert "components.account" not in nodes[f"components.{feature}"], feature
    assert "components.projects" not in nodes["components.agents"]
