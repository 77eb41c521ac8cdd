"""The documentation: docs/ builds with `mkdocs build --strict` (a broken link or a page left out of the nav
fails), the README's links resolve, and nothing cites design notes kept outside the repository."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_mkdocs = pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None,
    reason="mkdocs and mkdocs-material are not installed (pip install '.[test]')",
)


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


@needs_mkdocs
def test_the_docs_build_strict_without_a_warning(tmp_path):
    done = build(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    pages = {p.relative_to(tmp_path / "site").parent.as_posix() for p in (tmp_path / "site").rglob("index.html")}
    sources = {p.relative_to(ROOT / "docs").with_suffix("").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    expected = {"." if s == "index" else s.removesuffix("/index") for s in sources}
    assert expected <= pages, expected - pages


@needs_mkdocs
@pytest.mark.parametrize(
    "page,line,complaint",
    [
        ("index.md", "[gone](no-such-page.md)", "no-such-page.md"),
        ("cli.md", "[gone](reports.md#no-such-heading)", "no-such-heading"),
        ("orphan.md", "# Not in the nav", "orphan.md"),
    ],
)
def test_a_broken_link_or_a_page_outside_the_nav_fails_the_build(tmp_path, page, line, complaint):
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / page).open("a") as out:
        out.write(f"\n{line}\n")
    done = build(tmp_path, tmp_path / "site")
    assert done.returncode != 0
    assert complaint in done.stderr, done.stderr


def test_every_link_of_the_readme_resolves():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    assert links
    missing = [link for link in links if "://" not in link and not (ROOT / link).exists()]
    assert not missing


def test_every_docs_page_is_linked_from_the_readme_or_the_docs_home():
    home = (ROOT / "README.md").read_text() + (ROOT / "docs" / "index.md").read_text()
    top = [p.name for p in (ROOT / "docs").glob("*.md") if p.name != "index.md"]
    assert [name for name in top if name not in home] == []


def test_the_readme_is_short_and_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 260
    fence = lines.index("```sh")
    commands = lines[fence + 1 : lines.index("```", fence)]
    assert [c.split("#")[0].strip() for c in commands] == ["./scripts/plan", "./scripts/test"]


# Design notes that live outside the repository: a reader of the repository cannot follow a citation of
# them, so every fact carries its public source instead (docs/reference/). Spelled in parts so that this
# file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        [
            r"\bDESIGN" + r"\.md",
            "AZURE" + "_FACTS",
            "MODEL" + "_FACTS",
            r"\bSTYLE" + r"\.md",
            r"(?<![\w./-])shared" + r"/(?:[A-Z]|MODEL|AZURE)",
        ]
    )
)


def test_no_tracked_file_cites_design_notes_outside_the_repository():
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    cited = []
    for name in filter(None, files):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 8 << 20:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        cited += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group()}" for m in OUTSIDE.finditer(text)]
    assert not cited


@pytest.mark.parametrize(
    "text",
    [
        "contract in DESI" + "GN.md",
        "(data-zone uplift stated in AZURE_" + "FACTS.md)",
        "table in shared" + "/MODEL_" + "FACTS_2026-11.md §1",
        "see STY" + "LE.md",
        "shared" + "/AZURE_" + "FACTS.md (Azure pricing pages)",
    ],
)
def test_the_citation_check_recognises_each_form(text):
    assert OUTSIDE.search(text)


@pytest.mark.parametrize("text", ["the SDK's mocks are process-wide and shared", "a shared/ folder", "READ_DESIGN"])
def test_the_citation_check_leaves_ordinary_words_alone(text):
    assert not OUTSIDE.search(text)
