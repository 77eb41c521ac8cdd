"""The reports' Mermaid diagrams rendered by the real Mermaid library (npm `mermaid`, pinned in
tests/foundry_iac/render/mermaid/package-lock.json) in headless Chromium: the rendered nodes are the report's
accounts, projects and deployments, a diff's added deployment is styled as added, and the largest
estates stay within Mermaid's limits.

Skipped only where the renderer is absent (no node, no Chromium or no `npm ci`); scripts/install-mermaid
installs it and .ci/run sets FOUNDRY_IAC_REQUIRE_MERMAID=1, which turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from components import resource_types as types
from foundry_iac.cli.main import main
from foundry_iac.engine.pool import build_report
from foundry_iac.engine.stacks import all_stacks
from foundry_iac.render.mermaid import estate_diagram
from tests.conftest import ROOT
from tests.foundry_iac.cli.test_diff import commit, edit, repo  # noqa: F401  (repo is a fixture)
from tests.foundry_iac.render.test_render_mermaid import parse, with_deployments

RENDERER = Path(__file__).parent / "mermaid"
STATUSES = {"added", "changed", "replaced", "removed"}
ADD_GPT_54 = (
    "        - model: text-embedding-3-large",
    '        - model: gpt-5.4\n          version: "2026-03-05"\n          type: DataZoneStandard\n'
    "          capacity: 5\n          contentFilter: strict-eu\n        - model: text-embedding-3-large",
)


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def mermaid():
    """Render diagrams with the real Mermaid: per diagram, its rendered nodes (id, classes, text) and edges."""
    absent = [
        what
        for what, present in (
            ("node", shutil.which("node")),
            ("chromium", _chromium()),
            ("npm ci in tests/foundry_iac/render/mermaid", (RENDERER / "node_modules" / "mermaid").is_dir()),
        )
        if not present
    ]
    if absent:
        message = f"Mermaid renderer absent ({', '.join(absent)}): run scripts/install-mermaid"
        if os.environ.get("FOUNDRY_IAC_REQUIRE_MERMAID") == "1":
            pytest.fail(message)
        pytest.skip(message)

    def render(diagrams: list[str], tmp: Path) -> list[dict]:
        source = tmp / "diagrams.json"
        source.write_text(json.dumps(diagrams))
        done = subprocess.run(
            ["node", str(RENDERER / "render.mjs"), "check", str(source)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "CHROMIUM": str(_chromium())},
        )
        assert done.returncode == 0, done.stderr
        results = json.loads(done.stdout)
        for result in results:
            assert result["ok"], result.get("error")
            assert not result["error_svg"]
        return results

    return render


def blocks(markdown: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.S | re.M)


def first_lines(result: dict, prefix: str) -> list[str]:
    return sorted(n["text"].split("\n")[0] for n in result["nodes"] if n["text"].startswith(prefix))


def test_the_example_stacks_render_with_the_reports_accounts_projects_and_deployments(mermaid, capsys, tmp_path):
    report = {e.stack: e for e in build_report(all_stacks(ROOT), ROOT).stacks}
    diagrams = []
    for stack in sorted(report):
        assert main(["plan", stack, "--format", "markdown"]) == 0
        (block,) = blocks(capsys.readouterr().out)
        diagrams.append(block)
    for stack, block, result in zip(sorted(report), diagrams, mermaid(diagrams, tmp_path), strict=True):
        resources = report[stack].resources
        for kind, word, key in (
            (types.ACCOUNT, "account", "accountName"),
            (types.PROJECT, "project", "projectName"),
            (types.DEPLOYMENT, "deployment", "deploymentName"),
        ):
            expected = sorted(f"{word} {r.props[key]}" for r in resources if r.type == kind)
            assert first_lines(result, word + " ") == expected
        for r in resources:
            if r.type == types.DEPLOYMENT:
                name = f"deployment {r.props['deploymentName']}\n"
                (text,) = [n["text"] for n in result["nodes"] if n["text"].startswith(name)]
                assert f"{r.props['sku']['name']} × {r.props['sku']['capacity']}" in text.split("\n")
        labels, edges, _ = parse(block)
        assert sorted(n["text"] for n in result["nodes"]) == sorted(labels.values())  # every node, as written
        assert result["edges"] == len(edges)


def test_a_diff_that_adds_a_deployment_renders_it_as_added(mermaid, repo, capsys, tmp_path):  # noqa: F811
    edit(repo, *ADD_GPT_54)
    commit(repo, "add gpt-5.4")
    assert main(["diff", "--base", "HEAD~1", "--format", "markdown"]) == 0
    (block,) = blocks(capsys.readouterr().out)
    (result,) = mermaid([block], tmp_path)
    styled = {n["text"].split("\n")[0]: set(n["classes"]) & STATUSES for n in result["nodes"]}
    legend = {text for text, classes in styled.items() if not text.startswith(("account ", "project ", "deployment "))}
    assert styled["deployment gpt-5.4"] == {"added"}
    assert {text: classes for text, classes in styled.items() if classes and text not in legend} == {
        "deployment gpt-5.4": {"added"}
    }
    assert result["clusters"] == ["legend"]
    assert {frozenset(c) for t, c in styled.items() if t in {"added", "removed", "changed in place"}} == {
        frozenset({"added"}),
        frozenset({"removed"}),
        frozenset({"changed"}),
    }
    (added,) = [n["text"] for n in result["nodes"] if n["text"].startswith("deployment gpt-5.4\n")]
    assert added.split("\n")[1:] == ["gpt-5.4 2026-03-05", "DataZoneStandard × 5", "filter strict-eu"]


def test_a_thousand_deployments_and_hostile_names_render_within_mermaids_limits(mermaid, tmp_path):
    (prod_eu,) = build_report([r for r in all_stacks(ROOT) if r.name == "prod-eu"], ROOT).stacks
    big = estate_diagram(with_deployments(prod_eu, 1000))
    hostile = estate_diagram(with_deployments(prod_eu, 3, prefix='a"b#c<d>e;f[g]{i}|`l&amp;\\n<br/>*j* _k_ end'))
    big_result, hostile_result = mermaid([big, hostile], tmp_path)
    assert big_result["edges"] == big.count(" --> ") < 500
    assert len(big) < 50_000
    assert any(n["text"].startswith("+") and " more, not drawn" in n["text"] for n in big_result["nodes"])
    rendered = sorted(n["text"] for n in hostile_result["nodes"])
    assert rendered == sorted(parse(hostile)[0].values())  # each label shown as written
    assert any(t.startswith('deployment a"b#c<d>e;f[g]{i}|`l&amp;\u29f5n<br/>*j* _k_ end-0000\n') for t in rendered)
