"""`foundry-iac plan`: the tree, the JSON resources, and exit code 2 with file:line on bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from foundry_iac.cli.main import main
from tests.conftest import MINIMAL_STACK, ROOT

ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
PROJECT = "azure-native:cognitiveservices:Project"


def plan_json(capsys, stack: str) -> dict:
    assert main(["plan", stack, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("stack", ["dev", "prod-eu", "prod-us"])
def test_plan_of_each_example_stack_shows_accounts_projects_and_deployments(capsys, monkeypatch, stack):
    monkeypatch.chdir(ROOT)
    assert main(["plan", stack]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Stack {stack}  (stacks/Pulumi.{stack}.yaml)")
    assert "└─ account fdy-" in out and "AIServices S0" in out and "keyless" in out
    assert out.count("├─ project ") >= 2 and out.count("├─ deployment ") == (4 if stack == "prod-us" else 3)


def test_plan_of_prod_eu_shows_the_managed_network_and_each_outbound_rule_at_its_line(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "prod-eu"]) == 0
    out = capsys.readouterr().out
    text = (ROOT / "stacks" / "Pulumi.prod-eu.yaml").read_text()
    needles = ("managedNetwork:", "name: order-status-api")
    at = {needle: text[: text.index(needle)].count("\n") + 1 for needle in needles}
    assert (
        "├─ managed network fdy-prod-eu-core-managed-network  AllowOnlyApprovedOutbound, firewall Standard  after "
        f"fdy-prod-eu-core-account  (line {at['managedNetwork:']})"
    ) in out
    assert "agents-threads: PrivateEndpoint cosmos-agents-prod-eu (Sql)" in out
    assert (
        "order-status-api: FQDN orders.api.contoso.example  after fdy-prod-eu-core-outbound-agents-vectors  "
        f"(line {at['name: order-status-api']})"
    ) in out


def test_plan_json_of_prod_us_lists_the_account_projects_and_chained_deployments(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    report = plan_json(capsys, "prod-us")
    (stack,) = report["stacks"]
    resources = stack["resources"]
    assert {"urn", "type", "name", "props", "parent", "dependencies"} <= set(resources[0])
    (account,) = [r for r in resources if r["type"] == ACCOUNT]
    assert account["props"]["kind"] == "AIServices"
    assert account["props"]["properties"]["allowProjectManagement"] is True
    assert account["props"]["properties"]["disableLocalAuth"] is True
    assert len([r for r in resources if r["type"] == PROJECT]) == 2
    deployments = [r for r in resources if r["type"] == DEPLOYMENT]
    models = [
        (d["props"]["properties"]["model"]["name"], d["props"]["properties"]["model"]["format"]) for d in deployments
    ]
    assert models == [
        ("grok-4-1-fast-reasoning", "xAI"),
        ("DeepSeek-V3.2", "DeepSeek"),
        ("gpt-5.1", "OpenAI"),
        ("gpt-5.1", "OpenAI"),  # gpt-5.1-ptu, which spills over to gpt-5.1
    ]
    assert deployments[1]["dependencies"] == [deployments[0]["urn"]]
    assert deployments[2]["dependencies"] == [deployments[1]["urn"]]
    assert deployments[0]["source"] == {"file": "stacks/Pulumi.prod-us.yaml", "line": 55}


def test_plan_json_is_byte_identical_across_runs(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "dev", "--format", "json"]) == 0
    first = capsys.readouterr().out
    assert main(["plan", "dev", "--format", "json"]) == 0
    assert capsys.readouterr().out == first


def test_plan_output_file_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    target = tmp_path / "plan.json"
    assert main(["plan", "prod-eu", "--format", "json", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["stacks"][0]["stack"] == "prod-eu"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["plan", "nope"], "unknown stack 'nope': no stacks/Pulumi.nope.yaml (stacks: dev, prod-eu, prod-us)"),
        (["plan", "dev", "--format", "xml"], "invalid choice: 'xml'"),
        (["plan"], "the following arguments are required: stack"),
        (["plan", "missing/Pulumi.x.yaml"], "missing/Pulumi.x.yaml: no such stack file"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, monkeypatch, argv, message):
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_console_script_reports_three_config_errors_and_exits_2(tmp_path):
    text = MINIMAL_STACK.replace("          capacity: 10\n", "          capcity: 10\n")
    text = text.replace("capacity: 5", "capacity: -5").replace("model: gpt-5.1", "model: gpt-4z")
    stack = tmp_path / "Pulumi.broken.yaml"
    stack.write_text(text)
    exe = shutil.which("foundry-iac", path=str(Path(sys.executable).parent))
    argv = [exe, "plan", str(stack), "--policy-config", "policies/config/prod-eu.json"]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(":")[2] for line in lines] == ["17", "18", "21"]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_internal_error_fails_closed_with_exit_2(capsys, monkeypatch):
    import foundry_iac.engine.gate as gate

    def boom(*_args, **_kwargs):
        raise RuntimeError("simulated engine failure")

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(gate, "run_program", boom)
    assert main(["plan", "dev"]) == 2
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: simulated engine failure)" in err and "Traceback" not in err


def test_stack_and_policy_config_errors_are_reported_together(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    stack = tmp_path / "Pulumi.nopolicy.yaml"
    stack.write_text(MINIMAL_STACK.replace("capacity: 5", "capacity: -5"))
    assert main(["plan", str(stack)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and ":21: accounts[0].deployments[1].capacity" in err[0]
    assert "policies/config/nopolicy.json: cannot read the policy config" in err[1]


def test_the_command_line_uses_the_repository_it_runs_in_not_an_installed_copy():
    import components
    import policies
    from components.catalog import CATALOG_PATH
    from foundry_iac.cli.main import program_root

    assert program_root(ROOT / "stacks") == ROOT
    for module in (components, policies):
        assert Path(module.__file__).resolve().is_relative_to(ROOT)
    assert CATALOG_PATH.resolve() == ROOT / "components" / "catalog.json"  # what the syncs rewrite


def test_version_is_the_installed_one(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    sdks = ", ".join(f"{name} {version(name)}" for name in ("pulumi", "pulumi-azure-native", "pulumi-policy"))
    assert capsys.readouterr().out == f"foundry-iac {version('foundry-iac')} ({sdks})\n"


def subcommands(parser, prefix=()):
    """Every runnable command path of the argument parser, e.g. ('quota', 'show')."""
    import argparse

    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        yield prefix
        return
    for name, child in actions[0].choices.items():
        yield from subcommands(child, (*prefix, name))


def test_every_subcommand_has_working_help(capsys):
    from foundry_iac.cli.commands import build_parser

    paths = list(subcommands(build_parser()))
    assert ("preview",) in paths and ("up",) in paths and ("quota", "show") in paths
    for path in paths:
        assert main([*path, "--help"]) == 0, path
        out = capsys.readouterr().out
        assert out.startswith(f"usage: foundry-iac {' '.join(path)}"), path
