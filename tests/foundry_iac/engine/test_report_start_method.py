"""Worker processes start by fork on Linux only; spawned and forkserver workers write the same report bytes."""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from foundry_iac.cli.main import main
from foundry_iac.engine import pool as report_module
from foundry_iac.engine import runner
from foundry_iac.engine.pool import START_METHOD_ENV, build_report, start_method
from foundry_iac.engine.report_model import Report, as_json
from foundry_iac.engine.stacks import all_stacks
from foundry_iac.errors import GateInputError
from foundry_iac.render.markdown import render_markdown
from foundry_iac.render.sarif import render_sarif
from policies.waivers import TODAY_ENV
from tests.conftest import ROOT

DAY = "2026-11-23"
MACOS = ["spawn", "fork", "forkserver"]  # multiprocessing.get_all_start_methods() there


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    """Reports mention waiver expiry: the same day in this process and in workers however they start."""
    monkeypatch.setenv(TODAY_ENV, DAY)
    monkeypatch.delenv(START_METHOD_ENV, raising=False)


def formats(report: Report) -> dict[str, str]:
    return {"json": as_json(report), "markdown": render_markdown(report), "sarif": render_sarif(report)}


@pytest.fixture(scope="module")
def default() -> dict[str, str]:
    """The reports over every example stack, checked by workers started as this system does (Linux: fork)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TODAY_ENV, DAY)
        patch.delenv(START_METHOD_ENV, raising=False)
        assert start_method() == ("fork" if sys.platform.startswith("linux") else "forkserver")
        return formats(build_report(all_stacks(ROOT), ROOT, workers=3))


@pytest.mark.parametrize(
    "platform,available,expected",
    [
        ("linux", ["fork", "spawn", "forkserver"], "fork"),
        ("darwin", MACOS, "forkserver"),
        ("freebsd14", ["fork", "spawn", "forkserver"], "forkserver"),
        ("win32", ["spawn"], "spawn"),
        ("linux", ["spawn"], "spawn"),  # a Python built without fork
    ],
)
def test_fork_only_on_linux_else_forkserver_or_spawn(platform, available, expected):
    assert start_method(platform, available) == expected


def test_the_override_picks_any_start_method_of_this_system(monkeypatch):
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    assert start_method("linux", ["fork", "spawn", "forkserver"]) == "spawn"
    monkeypatch.setenv(START_METHOD_ENV, "fork")
    with pytest.raises(GateInputError) as raised:
        start_method("win32", ["spawn"])
    assert raised.value.lines() == [
        f"{START_METHOD_ENV}='fork' is not a start method on this system; set it to one of spawn or unset it"
    ]


def test_a_bad_override_exits_2_with_one_line_even_for_one_stack(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(START_METHOD_ENV, "threads")
    assert main(["check", "prod-us"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"error: {START_METHOD_ENV}='threads' is not a start method" in err


def test_spawned_workers_write_the_same_json_markdown_and_sarif_as_the_default_start(default, monkeypatch):
    started: list[str | None] = []
    real = multiprocessing.get_context

    def recording(method: str | None = None):
        started.append(method)
        return real(method)

    monkeypatch.setattr(report_module.multiprocessing, "get_context", recording)
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    spawned = formats(build_report(all_stacks(ROOT), ROOT, workers=3))
    assert started == ["spawn"]
    for fmt, text in default.items():
        assert spawned[fmt] == text, fmt
    assert '"stack": "prod-us"' in default["json"]  # every example stack was checked, not an empty report


def test_the_console_script_with_forkserver_workers_writes_the_same_bytes(default):
    """macOS's choice, through the installed command: workers import the repository's modules afresh."""
    exe = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))
    env = {**os.environ, TODAY_ENV: DAY, START_METHOD_ENV: "forkserver"}
    done = subprocess.run(
        [exe, "check", "--format", "markdown"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == default["markdown"]


def worker_settings() -> tuple[bool, bool]:
    return gc.isenabled(), runner.FREEZE_AFTER_RUN


def test_a_spawned_worker_gets_the_parents_gc_and_freeze_settings():
    """The console script turns the cyclic GC off and freezes finished runs; a spawned worker does the same."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=report_module._start_worker, initargs=(False, True)
    ) as pool:
        assert pool.submit(worker_settings).result(timeout=120) == (False, True)
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        assert pool.submit(worker_settings).result(timeout=120) == (True, False)  # what it would get without
