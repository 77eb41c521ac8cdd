"""scripts/mutation-module: a clone of the repository whose [tool.mutmut] mutates one file against the tests named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "mutation-module"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def small_repository(tmp_path: Path) -> Path:
    """A repository holding this pyproject.toml, the script, and a `scripts/mutation` that prints what it got."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copy(SCRIPT, repo / "scripts" / "mutation-module")
    runner = repo / "scripts" / "mutation"
    runner.write_text('#!/usr/bin/env bash\necho "mutation $*"\n')
    runner.chmod(0o755)
    for path in ("foundry_iac/engine/gate.py", "tests/foundry_iac/engine/test_gate.py", "tests/policies/x.py"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    (repo / ".venv" / "bin").mkdir(parents=True)  # the script reads pyproject.toml with the repository's Python
    (repo / ".venv" / "bin" / "python").symlink_to(sys.executable)
    return repo


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return subprocess.run(
        [str(repo / "scripts" / "mutation-module"), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_clone_mutates_the_one_file_against_the_tests_named_and_passes_mutmuts_arguments(tmp_path):
    repo = small_repository(tmp_path)
    clone = tmp_path / "clone"
    tests = ["tests/foundry_iac/engine/test_gate.py", "tests/policies/x.py"]
    done = run(repo, str(clone), "foundry_iac/engine/gate.py", *tests, "--", "--max-children", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "mutation --max-children 2\n"
    narrowed = tomllib.loads((clone / "pyproject.toml").read_text())["tool"]["mutmut"]
    original = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    assert narrowed["only_mutate"] == ["foundry_iac/engine/gate.py"]
    assert narrowed["pytest_add_cli_args_test_selection"] == tests
    assert {k: v for k, v in narrowed.items() if k not in ("only_mutate", "pytest_add_cli_args_test_selection")} == {
        k: v for k, v in original.items() if k not in ("only_mutate", "pytest_add_cli_args_test_selection")
    }
    assert (repo / "pyproject.toml").read_text() == (ROOT / "pyproject.toml").read_text()  # the repository is untouched


def test_a_second_run_reuses_the_clone_and_narrows_it_again(tmp_path):
    repo = small_repository(tmp_path)
    clone = tmp_path / "clone"
    assert run(repo, str(clone), "foundry_iac/engine/gate.py", "tests/policies/x.py").returncode == 0
    (clone / "kept").write_text("mutmut's results live here")
    done = run(repo, str(clone), "foundry_iac/engine/gate.py", "tests/foundry_iac/engine/test_gate.py")
    assert done.returncode == 0, done.stderr
    assert (clone / "kept").exists()
    narrowed = tomllib.loads((clone / "pyproject.toml").read_text())["tool"]["mutmut"]
    assert narrowed["pytest_add_cli_args_test_selection"] == ["tests/foundry_iac/engine/test_gate.py"]


def test_a_path_outside_the_repository_is_one_line_exit_2_and_no_clone(tmp_path):
    repo = small_repository(tmp_path)
    clone = tmp_path / "clone"
    done = run(repo, str(clone), "foundry_iac/engine/gate.py", "tests/test_nothing.py")
    assert done.returncode == 2
    assert done.stderr == ("error: tests/test_nothing.py is not in the repository; name files relative to its root\n")
    assert not clone.exists()


def test_too_few_arguments_print_the_usage_and_exit_2(tmp_path):
    repo = small_repository(tmp_path)
    done = run(repo, str(tmp_path / "clone"), "foundry_iac/engine/gate.py")
    assert done.returncode == 2
    assert done.stderr.startswith("usage: scripts/mutation-module DIR MODULE_FILE TEST_PATH...")


def test_a_reused_clone_moves_to_the_repositorys_new_commit_and_drops_mutmuts_stale_results(tmp_path):
    repo = small_repository(tmp_path)
    clone = tmp_path / "clone"
    assert run(repo, str(clone), "foundry_iac/engine/gate.py", "tests/policies/x.py").returncode == 0
    (clone / "mutants").mkdir()
    assert run(repo, str(clone), "foundry_iac/engine/gate.py", "tests/policies/x.py").returncode == 0
    assert (clone / "mutants").exists()  # the same commit: mutmut's results are kept
    (repo / "foundry_iac/engine/gate.py").write_text("def new_function():\n    return 1\n")
    git(repo, "commit", "-qam", "a new function")
    done = run(repo, str(clone), "foundry_iac/engine/gate.py", "tests/policies/x.py")
    assert done.returncode == 0, done.stderr
    assert (clone / "foundry_iac/engine/gate.py").read_text() == "def new_function():\n    return 1\n"
    assert not (clone / "mutants").exists()
