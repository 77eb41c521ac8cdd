"""The offline runner: runs __main__.py itself, deterministic, fail-safe on bad config, secrets hidden."""

from __future__ import annotations

import pytest

from components.stack import ConfigError
from foundry_iac.engine.report_model import as_data
from foundry_iac.engine.runner import SECRET_TEXT, redact
from foundry_iac.engine.stacks import resolve_stack
from tests.conftest import MINIMAL_STACK, ROOT


def test_two_runs_give_identical_resource_lists(run_stack):
    first = [r.as_report() for r in run_stack("prod-eu").resources]
    second = [r.as_report() for r in run_stack("prod-eu").resources]
    assert first == second


def test_bad_config_registers_no_resource(write_stack, monkeypatch):
    import foundry_iac.engine.runner as runner

    recorded = []
    real = runner._RecordingMonitor.RegisterResource

    def spy(self, request):
        recorded.append(request.type)
        return real(self, request)

    monkeypatch.setattr(runner._RecordingMonitor, "RegisterResource", spy)
    path = write_stack(MINIMAL_STACK.replace("capacity: 10", "capacity: -5"))
    with pytest.raises(ConfigError) as err:
        runner.run_program(resolve_stack(str(path), ROOT), ROOT)
    assert [i.line for i in err.value.issues] == [17]
    assert [t for t in recorded if t != "pulumi:pulumi:Stack"] == []


def test_program_exports_endpoints(run_stack):
    outputs = run_stack("prod-us").outputs
    account = outputs["accounts"]["fdy-prod-us-core"]
    assert account["endpoint"].startswith("https://fdy-prod-us-core-") and account["endpoint"].endswith(
        ".services.ai.azure.com/"
    )
    assert account["projects"]["code-review"].endswith("/api/projects/code-review")
    assert outputs["resourceGroup"] == "rg-foundry-prod-us"


def test_secure_values_never_reach_the_report(write_stack, run_stack):
    text = MINIMAL_STACK.replace(
        "  foundry-iac:environment: production\n",
        "  foundry-iac:environment: production\n  foundry-iac:tags:\n    owner:\n      secure: v1:AAAABBBBCCCC\n",
    )
    run = run_stack(write_stack(text))
    report = repr(redact([as_data(r.as_report()) for r in run.resources], run.secrets))
    assert run.secrets and all(s not in report for s in run.secrets)
    assert "v1:AAAABBBBCCCC" not in report and SECRET_TEXT in report


def test_stack_file_path_outside_stacks_is_accepted(write_stack, run_stack):
    run = run_stack(write_stack(MINIMAL_STACK, name="copy"))
    assert run.stack.name == "copy" and run.resources[0].source.file.endswith("Pulumi.copy.yaml")


def _project_with_program(tmp_path, program: str):
    """A project folder whose __main__.py is `program` (the repository's components stay importable)."""
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "__main__.py").write_text(program)
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    return resolve_stack(str(stack), tmp_path)


class _NotACode:
    def __repr__(self) -> str:
        return "<not a code>"


@pytest.mark.parametrize("code", [0, 1, 2, None, "bye", _NotACode()], ids=repr)
def test_a_program_that_exits_with_any_code_ends_in_an_error_never_a_verdict(tmp_path, code):
    from foundry_iac.engine.runner import run_program
    from foundry_iac.errors import ProgramEndedError

    program = f"import sys\nfrom tests.foundry_iac.engine.test_runner import _NotACode\nsys.exit({code!r})\n"
    if isinstance(code, _NotACode):
        program = "import sys\nfrom tests.foundry_iac.engine.test_runner import _NotACode\nsys.exit(_NotACode())\n"
    ref = _project_with_program(tmp_path, program)
    with pytest.raises(ProgramEndedError) as err:
        run_program(ref, tmp_path)
    assert err.value.lines() == [
        f"{ref.display}: the program ended before registering its resources (__main__.py raised "
        f"SystemExit({code!r})); a Pulumi program must not exit: raise an error for a problem, or remove the exit"
    ]


def test_a_program_that_exits_after_registering_some_resources_is_still_an_error(tmp_path):
    from foundry_iac.engine.runner import run_program
    from foundry_iac.errors import ProgramEndedError

    real = (ROOT / "__main__.py").read_text()
    ref = _project_with_program(
        tmp_path, real.replace("estate = build_estate(", "import sys\nestate = build_estate(") + "sys.exit(0)\n"
    )
    (tmp_path / "__main__.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n" + (tmp_path / "__main__.py").read_text()
    )
    with pytest.raises(ProgramEndedError, match=r"SystemExit\(0\)"):
        run_program(ref, tmp_path)


def test_an_exit_inside_an_apply_callback_is_an_error_too(tmp_path):
    from foundry_iac.engine.runner import run_program
    from foundry_iac.errors import ProgramEndedError

    ref = _project_with_program(
        tmp_path,
        "import sys\nimport pulumi\npulumi.export('x', pulumi.Output.from_input(1).apply(lambda _: sys.exit(0)))\n",
    )
    with pytest.raises(ProgramEndedError, match=r"SystemExit\(0\)"):
        run_program(ref, tmp_path)


def test_a_program_that_registers_nothing_is_an_error_not_an_empty_pass(tmp_path):
    from foundry_iac.engine.runner import run_program
    from foundry_iac.errors import ProgramEndedError

    ref = _project_with_program(tmp_path, "import pulumi\npulumi.export('nothing', 1)\n")
    with pytest.raises(ProgramEndedError) as err:
        run_program(ref, tmp_path)
    assert "the program ended before registering any resource" in str(err.value)


def test_a_json_string_value_nested_too_deeply_is_an_input_error_at_its_line(write_stack, run_stack):
    deep = "[" * 50_000 + "]" * 50_000
    text = MINIMAL_STACK.replace(
        "  foundry-iac:accounts:\n", f"  foundry-iac:extra: '{deep}'\n  foundry-iac:accounts:\n"
    )
    with pytest.raises(ConfigError) as err:
        run_stack(write_stack(text))
    assert [(i.line, i.message) for i in err.value.issues if "nested" in i.message] == [
        (6, "nested too deeply; flatten the value")
    ]


@pytest.mark.parametrize("where", ["top level", "apply"])
def test_a_program_that_calls_os_exit_ends_in_an_error_and_the_gate_lives_on(tmp_path, where):
    from foundry_iac.engine.runner import run_program
    from foundry_iac.errors import ProgramEndedError

    call = (
        "os._exit(0)"
        if where == "top level"
        else "pulumi.export('x', pulumi.Output.from_input(1).apply(lambda _: os._exit(0)))"
    )
    ref = _project_with_program(tmp_path, f"import os\nimport pulumi\n{call}\n")
    real_exit = __import__("os")._exit
    with pytest.raises(ProgramEndedError) as err:
        run_program(ref, tmp_path)
    assert err.value.lines() == [
        f"{ref.display}: the program ended before registering its resources (__main__.py called os._exit(0)); "
        "a Pulumi program must not exit: raise an error for a problem, or remove the exit"
    ]
    assert __import__("os")._exit is real_exit  # restored for the gate's own exit


class OwnBaseException(BaseException):
    pass


@pytest.mark.parametrize("raised", ["GeneratorExit('stop')", "OwnBaseException('mine')"])
def test_a_program_that_raises_a_base_exception_ends_in_an_error_not_a_traceback(tmp_path, raised):
    from foundry_iac.engine.runner import run_program
    from foundry_iac.errors import ProgramEndedError

    program = f"from tests.foundry_iac.engine.test_runner import OwnBaseException\nraise {raised}\n"
    ref = _project_with_program(tmp_path, program)
    with pytest.raises(ProgramEndedError) as err:
        run_program(ref, tmp_path)
    name, message = raised.rstrip("')").split("('")
    assert err.value.lines() == [
        f"{ref.display}: the program ended before registering its resources (__main__.py raised {name}({message!r})); "
        "raise an Exception subclass for a problem, never a BaseException"
    ]


def test_a_program_that_kills_its_worker_process_is_one_input_error_never_blamed_on_foundry_iac(tmp_path):
    import shutil

    from foundry_iac.engine.pool import build_report
    from foundry_iac.errors import GateInputError

    first = _project_with_program(tmp_path, "import os\nimport signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    second = tmp_path / "Pulumi.other.yaml"
    shutil.copy(first.path, second)
    shutil.copytree(ROOT / "policies" / "config", tmp_path / "policies" / "config")
    with pytest.raises(GateInputError) as err:
        build_report([first, resolve_stack(str(second), tmp_path)], tmp_path, workers=2)
    assert err.value.lines() == [
        "a process checking dev, other ended without an answer (killed by a signal: a program that kills its own "
        "process, or the machine out of memory), so nothing was judged; run `foundry-iac check STACK` for each "
        "stack to find which"
    ]


def test_a_program_that_waits_past_the_deadline_ends_in_an_error_and_the_timer_is_gone(tmp_path, monkeypatch):
    import signal
    import time

    from foundry_iac.engine import runner
    from foundry_iac.errors import ProgramEndedError

    monkeypatch.setattr(runner, "PROGRAM_DEADLINE_S", 0.5)
    ref = _project_with_program(tmp_path, "import time\ntry:\n    time.sleep(600)\nexcept Exception:\n    pass\n")
    started = time.monotonic()
    with pytest.raises(ProgramEndedError) as err:
        runner.run_program(ref, tmp_path)
    assert time.monotonic() - started < 30
    assert err.value.lines() == [
        f"{ref.display}: the program did not finish within 0.5 s, so nothing was judged (an accepted stack file is "
        "judged in under 2 s: the program waits on something, a sleep, the network or input); remove the wait"
    ]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


@pytest.mark.parametrize(
    "wait",
    [
        "import signal\nimport time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(600)\n",
        "import time\ntry:\n    time.sleep(600)\nexcept BaseException:\n    time.sleep(600)\n",
    ],
    ids=["ignores-the-timer", "catches-the-stop"],
)
def test_a_program_that_will_not_stop_at_the_deadline_ends_the_process_with_exit_2_and_one_line(tmp_path, wait):
    import subprocess
    import sys
    import time

    ref = _project_with_program(tmp_path, wait)
    child = (
        "import sys\nfrom pathlib import Path\nfrom foundry_iac.engine import runner\n"
        "from foundry_iac.engine.stacks import resolve_stack\n"
        "runner.PROGRAM_DEADLINE_S, runner.PROGRAM_GRACE_S = 0.5, 0.5\n"
        f"runner.run_program(resolve_stack({str(ref.path)!r}, Path({str(tmp_path)!r})), Path({str(tmp_path)!r}))\n"
        "print('never here')\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 60
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(
        f"error: {ref.display}: the program did not finish within 0.5 s and would not stop; nothing was judged\n"
    ), done.stderr
