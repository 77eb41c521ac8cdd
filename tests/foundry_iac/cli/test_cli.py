"""The console script's exit paths: every run ends in a verdict (0 or 1) or exit 2 with one line per problem."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from foundry_iac.cli import commands
from foundry_iac.cli.console import say, stderr_is_terminal
from foundry_iac.cli.main import main
from foundry_iac.engine.sdk_versions import installed_versions
from foundry_iac.version import version_text
from tests.conftest import ROOT

EXE = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a child run: no ambient Python settings (PYTHONUNBUFFERED etc.), a fixed day."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return {**env, "FOUNDRY_IAC_TODAY": "2026-11-23", **extra}


class _Unprintable:
    def __repr__(self) -> str:
        return "<unprintable>"


@pytest.mark.parametrize("code", [0, 1, None, "done", _Unprintable()], ids=repr)
def test_a_command_that_raises_system_exit_with_any_code_is_exit_2_with_one_line(monkeypatch, capsys, code):
    def exits(args):
        raise SystemExit(code)

    monkeypatch.setitem(commands.COMMANDS, "check", exits)
    assert commands.run(["check"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: foundry-iac check ended before its verdict (SystemExit({code!r}) was raised while it ran); nothing "
        "was judged: remove the sys.exit() call from the code it ran\n"
    )


def test_help_is_exit_0_and_a_usage_error_is_exit_2(capsys):
    assert commands.run(["--help"]) == 0
    assert "usage: foundry-iac" in capsys.readouterr().out
    assert commands.run(["check", "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: argument --format: invalid choice") and err.count("\n") == 1


def test_version_names_the_sdk_versions_it_runs_on(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    found = installed_versions()
    assert out == f"{version_text()}\n"
    for name, version in found.items():
        assert f"{name} {version}" in out


@pytest.mark.parametrize("stream", ["closed", "none", "broken"])
def test_error_lines_with_a_closed_or_broken_stderr_never_crash_nor_reach_stdout(monkeypatch, capsys, stream):
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    replacement = {"closed": io.StringIO(), "none": None, "broken": Broken()}[stream]
    if stream == "closed":
        replacement.close()
    monkeypatch.setattr(sys, "stderr", replacement)
    assert commands.run(["plan", "no-such-stack"]) == 2
    say("error: anything")
    assert stderr_is_terminal() is False
    assert capsys.readouterr().out == ""


def _project(tmp_path: Path, program: str | None = None) -> Path:
    """A copy of the repository's program, components, policies and stacks (optionally another __main__.py)."""
    for name in ("Pulumi.yaml", "__main__.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("components", "policies", "stacks", "quotas"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    if program is not None:
        (tmp_path / "__main__.py").write_text(program)
    return tmp_path


def test_the_console_script_with_a_program_that_exits_0_and_stderr_closed_is_exit_2_with_no_report(tmp_path):
    project = _project(tmp_path, "import sys\nsys.exit(0)\n")
    done = subprocess.run(f"{EXE} check dev 2>&-", shell=True, cwd=project, capture_output=True, env=clean_env())
    assert (done.returncode, done.stdout) == (2, b"")


def test_the_console_script_with_a_program_that_exits_1_is_exit_2_not_violations(tmp_path):
    project = _project(tmp_path, "import sys\nsys.exit(1)\n")
    done = subprocess.run([EXE, "check"], cwd=project, capture_output=True, text=True, env=clean_env())
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 3 and all("the program ended before registering its resources" in x for x in lines)


def test_a_catalog_that_fails_validation_is_one_line_exit_2_not_a_traceback(tmp_path):
    project = _project(tmp_path)
    catalog = project / "components" / "catalog.json"
    catalog.write_text(catalog.read_text().replace('"currency"', '"currencies"', 1))
    done = subprocess.run([EXE, "check"], cwd=project, capture_output=True, text=True, env=clean_env())
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {catalog}: ") and "currency" in done.stderr


def _fake_distribution(site: Path, name: str, version: str) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_an_sdk_outside_the_tested_range_is_one_line_exit_2_naming_the_range(tmp_path):
    """pulumi 3.259 satisfied the old `pulumi>=3.200` and then failed at import with a traceback."""
    site = tmp_path / "site"
    _fake_distribution(site, "pulumi", "3.259.0")  # found first on the path: what an older install reports
    env = clean_env(PYTHONPATH=str(site))
    done = subprocess.run([EXE, "check"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: pulumi 3.259.0 is installed but foundry-iac is tested with pulumi>=3.260,<3.273; install from the "
        "lock file (scripts/setup), or pip install 'pulumi>=3.260,<3.273'\n"
    )
    imported = subprocess.run(
        [sys.executable, "-c", "import foundry_iac.engine.sdk"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert "foundry_iac.errors.SdkVersionError: pulumi 3.259.0 is installed" in imported.stderr
    told = subprocess.run([EXE, "--version"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert told.returncode == 2 and "(pulumi 3.259.0, " in told.stdout and told.stderr == done.stderr


def test_a_file_with_thousands_of_mistakes_prints_the_first_twenty_and_how_many_more(monkeypatch, capsys):
    from components.config_errors import ConfigIssue
    from components.stack import ConfigError

    def fails(args):
        raise ConfigError([ConfigIssue("Pulumi.x.yaml", line, "a", "bad") for line in range(1, 5001)])

    monkeypatch.setitem(commands.COMMANDS, "check", fails)
    assert commands.run(["check"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["error: Pulumi.x.yaml:1: a: bad", "error: Pulumi.x.yaml:2: a: bad"]
    assert lines[19] == "error: Pulumi.x.yaml:20: a: bad"
    assert lines[20:] == ["error: and 4980 more problems; fix these first"]


def test_exactly_twenty_problems_are_all_printed(monkeypatch, capsys):
    from components.errors import FoundryIacError

    monkeypatch.setitem(
        commands.COMMANDS, "check", lambda args: (_ for _ in ()).throw(FoundryIacError([str(i) for i in range(20)]))
    )
    assert commands.run(["check"]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: {i}" for i in range(20)]


def test_main_refuses_an_sdk_outside_its_range_before_running_any_command(tmp_path, monkeypatch, capsys):
    site = tmp_path / "site"
    _fake_distribution(site, "pulumi-policy", "2.0.0")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.chdir(ROOT)
    assert main(["check", "dev"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: pulumi-policy 2.0.0 is installed but foundry-iac is tested with pulumi-policy>=1.21,<2; install "
        "from the lock file (scripts/setup), or pip install 'pulumi-policy>=1.21,<2'\n"
    )
    assert "pulumi-policy 2.0.0" in version_text()


def test_the_program_root_is_the_nearest_folder_holding_the_program(tmp_path, monkeypatch):
    from foundry_iac.cli.main import program_root

    monkeypatch.chdir(tmp_path)
    assert program_root() is None
    assert program_root(ROOT / "stacks") == ROOT


def test_use_repository_puts_the_repository_first_once(monkeypatch, tmp_path):
    from foundry_iac.cli.main import use_repository

    monkeypatch.setattr(sys, "path", ["a", "b"])
    use_repository(None)
    assert sys.path == ["a", "b"]
    use_repository(tmp_path)
    use_repository(tmp_path)
    assert sys.path == [str(tmp_path), "a", "b"]


def test_say_writes_one_flushed_line_to_stderr(monkeypatch):
    class Recording(io.StringIO):
        flushed = 0

        def flush(self) -> None:
            self.flushed += 1
            super().flush()

    stream = Recording()
    monkeypatch.setattr(sys, "stderr", stream)
    say("error: one")
    assert stream.getvalue() == "error: one\n" and stream.flushed >= 1


def test_failure_lines_keep_input_errors_and_mark_anything_else_internal():
    from components.errors import FoundryIacError
    from foundry_iac.cli.main import _failure_lines

    assert _failure_lines(FoundryIacError(["a: bad", "b: bad"])) == ["a: bad", "b: bad"]
    assert _failure_lines(ValueError("x" * 500)) == [
        f"internal error (ValueError: {'x' * 200}); this is a foundry-iac bug, please report it"
    ]


@pytest.mark.parametrize(("code", "stdout", "expected"), [(0, "ok", 0), (1, "ok", 1), (2, "ok", 2)])
def test_exit_now_flushes_standard_output_and_exits_with_the_code(code, stdout, expected):
    program = f"import sys\nfrom foundry_iac.cli.main import exit_now\nsys.stdout.write({stdout!r})\nexit_now({code})\n"
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, env=clean_env())
    assert (done.returncode, done.stdout, done.stderr) == (expected, stdout, "")


@pytest.mark.parametrize("stderr", ["closed", "none", "broken"])
@pytest.mark.parametrize("code", [0, 1, 2])
def test_exit_now_with_a_closed_or_broken_stderr_still_exits_with_the_code(monkeypatch, stderr, code):
    """A closed standard error (ValueError on flush), a broken one (OSError) or none: the code is kept."""
    import foundry_iac.cli.main as cli

    class Broken(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    class ExitedError(Exception):
        pass

    def fake_exit(status: int) -> None:
        raise ExitedError(status)

    replacement = {"closed": io.TextIOWrapper(io.BytesIO()), "none": None, "broken": Broken()}[stderr]
    if stderr == "closed":
        replacement.close()  # a closed text stream's flush raises ValueError (a closed StringIO's does not)
    monkeypatch.setattr(sys, "stderr", replacement)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    with pytest.raises(ExitedError) as exited:
        cli.exit_now(code)
    assert exited.value.args == (code,)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device every write to fails)")
@pytest.mark.parametrize("code", [0, 1])
def test_exit_now_turns_an_unwritable_stdout_into_exit_2_with_one_line(code):
    program = f"import sys\nfrom foundry_iac.cli.main import exit_now\nsys.stdout.write('report')\nexit_now({code})\n"
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", program], cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, env=clean_env()
        )
    assert done.returncode == 2
    assert done.stderr == (
        "error: standard output: cannot write: No space left on device; the output is incomplete (use --output FILE)\n"
    )


@pytest.mark.parametrize("code", [0, 1, 2])
def test_exit_now_in_this_process_turns_an_unflushable_stdout_into_exit_2_said_once(monkeypatch, code):
    """The same as the /dev/full test above, in this process (os._exit replaced) so mutation testing sees it: a
    finished command whose output cannot be flushed exits 2 with one line; exit 2 has said its error already."""
    import foundry_iac.cli.main as cli

    class Full(io.StringIO):
        def flush(self) -> None:
            raise OSError(28, "No space left on device")

    class ExitedError(Exception):
        pass

    def fake_exit(status: int) -> None:
        raise ExitedError(status)

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", Full())
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    with pytest.raises(ExitedError) as exited:
        cli.exit_now(code)
    assert exited.value.args == (2,)
    said = (
        "error: standard output: cannot write: No space left on device; the output is incomplete (use --output FILE)\n"
    )
    assert err.getvalue() == ("" if code == 2 else said)


def test_exit_now_with_standard_output_closed_at_start_keeps_the_code(monkeypatch):
    import foundry_iac.cli.main as cli

    class ExitedError(Exception):
        pass

    def fake_exit(status: int) -> None:
        raise ExitedError(status)

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    with pytest.raises(ExitedError) as exited:
        cli.exit_now(0)
    assert exited.value.args == (0,)


def test_a_command_that_raises_another_base_exception_is_exit_2_with_one_line(monkeypatch, capsys):
    def raises(args):
        raise GeneratorExit("stop")

    monkeypatch.setitem(commands.COMMANDS, "check", raises)
    assert commands.run(["check"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: foundry-iac check ended before its verdict (GeneratorExit was raised while it ran); nothing was "
        "judged: raise an Exception subclass for a problem, never a BaseException\n"
    )


@pytest.mark.parametrize("stacks", [["dev"], []], ids=["one stack", "every stack"])
def test_the_console_script_with_a_program_that_calls_os_exit_0_is_exit_2_never_a_pass(tmp_path, stacks):
    project = _project(tmp_path, "import os\nos._exit(0)\n")
    done = subprocess.run([EXE, "check", *stacks], cwd=project, capture_output=True, text=True, env=clean_env())
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines and all("__main__.py called os._exit(0)" in line for line in lines)


def test_outside_a_repository_the_command_says_to_cd_into_one(tmp_path):
    done = subprocess.run([str(EXE), "check"], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: foundry-iac runs inside its repository, the folder with Pulumi.yaml")
    assert done.stderr.endswith("; cd into it\n") and done.stderr.count("\n") == 1


def test_a_repository_the_installed_foundry_iac_does_not_match_says_to_reinstall(tmp_path):
    """A checkout whose modules moved since foundry-iac was installed from it: the fix is a reinstall, not cd."""
    for name in ("Pulumi.yaml", "__main__.py", "components/__init__.py", "policies/__init__.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    done = subprocess.run([str(EXE), "check"], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: the installed foundry-iac does not match the repository at {tmp_path.resolve()} (components.errors "
        "is not importable from it): reinstall foundry-iac from this checkout (./scripts/setup, or pip install .)\n"
    )


def test_why_the_repository_did_not_import_depends_on_where_the_command_runs(tmp_path):
    from foundry_iac.cli.main import _not_importable

    missing = ModuleNotFoundError("No module named 'components.errors'", name="components.errors")
    assert _not_importable(None, missing).startswith("foundry-iac runs inside its repository")
    (tmp_path / "components").mkdir()
    assert "(components.errors is not importable here); cd into it" in _not_importable(tmp_path, missing)
    (tmp_path / "policies").mkdir()
    assert _not_importable(tmp_path, missing) == (
        f"the installed foundry-iac does not match the repository at {tmp_path} (components.errors is not "
        "importable from it): reinstall foundry-iac from this checkout (./scripts/setup, or pip install .)"
    )
    assert "(No module named x is not importable" in _not_importable(None, ImportError("No module named x"))


class _EndedError(Exception):
    """exit_now's stand-in in process: the code the console script would have exited with."""

    def __init__(self, code: object) -> None:
        super().__init__(code)
        self.code = code


def _end(code: object) -> None:
    raise _EndedError(code)


def test_the_console_script_reads_sys_argv_puts_the_repository_first_and_exits_through_exit_now(monkeypatch, capsys):
    """main() without argv is the console script: sys.argv[1:], no cyclic GC, runs frozen after the program, and
    ends through exit_now with the command's exit code (here a usage error: no stack is run)."""
    import gc

    from foundry_iac.cli import main as cli
    from foundry_iac.engine import runner

    monkeypatch.setattr(cli, "exit_now", _end)
    monkeypatch.setattr(runner, "FREEZE_AFTER_RUN", False)
    monkeypatch.setattr(sys, "argv", ["foundry-iac", "check", "no-such-stack"])
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(ROOT)])
    monkeypatch.chdir(ROOT / "stacks")
    enabled = gc.isenabled()
    try:
        with pytest.raises(_EndedError) as ended:
            cli.main()
        collecting = gc.isenabled()
    finally:
        if enabled:
            gc.enable()
    assert ended.value.code == 2 and not collecting and runner.FREEZE_AFTER_RUN is True
    assert sys.path[0] == str(ROOT)
    err = capsys.readouterr().err
    assert err.startswith("error: unknown stack 'no-such-stack'") and err.count("\n") == 1


def test_a_call_with_argv_leaves_the_collector_and_the_freeze_alone(monkeypatch, capsys):
    import gc

    from foundry_iac.engine import runner

    monkeypatch.setattr(runner, "FREEZE_AFTER_RUN", False)
    assert gc.isenabled()
    assert main(["check", "no-such-stack"]) == 2
    assert gc.isenabled() and runner.FREEZE_AFTER_RUN is False
    assert capsys.readouterr().err.startswith("error: unknown stack 'no-such-stack'")


def test_commands_that_do_not_import_name_the_repository_in_one_line_exit_2(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(sys.modules, "foundry_iac.cli.commands", None)  # the import fails: ImportError
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        f"error: the installed foundry-iac does not match the repository at {ROOT} (foundry_iac.cli.commands is not "
        "importable from it): reinstall foundry-iac from this checkout (./scripts/setup, or pip install .)\n"
    )


def test_outside_a_repository_the_error_names_the_files_that_make_one(tmp_path):
    from foundry_iac.cli.main import _not_importable

    error = ImportError("No module named 'components'", name="components")
    assert _not_importable(tmp_path, error) == (
        "foundry-iac runs inside its repository, the folder with Pulumi.yaml, __main__.py, components/ and "
        "policies/ (components is not importable here); cd into it"
    )


class _BadCatalogError(Exception):
    def lines(self) -> list[str]:
        return ["components/catalog.json:3: prices: a price is negative; fix the price", "and a second line"]


class _Raising:
    """A commands module whose names raise as a broken catalog does while the config model loads."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __getattr__(self, name: str) -> object:
        raise self.exc


def test_an_input_error_while_the_commands_load_is_its_lines_and_anything_else_one_internal_error(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(sys.modules, "foundry_iac.cli.commands", _Raising(_BadCatalogError()))
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        "error: components/catalog.json:3: prices: a price is negative; fix the price\nerror: and a second line\n"
    )
    monkeypatch.setitem(sys.modules, "foundry_iac.cli.commands", _Raising(KeyError("boom")))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (KeyError: 'boom')") and err.count("\n") == 1


def test_the_program_root_needs_both_pulumi_yaml_and_main_py_and_is_where_main_py_really_lives(tmp_path):
    from foundry_iac.cli.main import program_root

    (tmp_path / "only-yaml").mkdir()
    (tmp_path / "only-yaml" / "Pulumi.yaml").write_text("name: x\n")
    (tmp_path / "only-main").mkdir()
    (tmp_path / "only-main" / "__main__.py").write_text("")
    assert program_root(tmp_path / "only-yaml") is None and program_root(tmp_path / "only-main") is None
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "Pulumi.yaml").write_text("name: x\n")
    (linked / "__main__.py").symlink_to(ROOT / "__main__.py")
    assert program_root(linked) == ROOT


def test_use_repository_adds_the_repository_when_it_is_second_on_the_path(monkeypatch, tmp_path):
    from foundry_iac.cli.main import use_repository

    monkeypatch.setattr(sys, "path", ["a", str(tmp_path)])
    use_repository(tmp_path)
    assert sys.path == [str(tmp_path), "a", str(tmp_path)]
