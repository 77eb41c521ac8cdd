"""The GitHub workflows keep their security properties (actionlint checks the syntax in .ci/run)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads `on:` as true
    return data


def all_workflows() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path):
    for job in load(path.name)["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert PINNED.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned to a commit SHA"


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_least_privilege_permissions(path):
    workflow = load(path.name)
    assert workflow["permissions"] == {}, "workflow-level permissions must be empty; grant per job"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} must declare its permissions"
        assert "write-all" not in str(job["permissions"])


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_never_pull_request_target(path):
    assert "pull_request_target" not in load(path.name)["on"]


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_checkouts_do_not_persist_credentials(path):
    for job in load(path.name)["jobs"].values():
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_pull_request_gate_needs_no_secrets_and_uploads_sarif():
    gate = load("pull-request.yml")["jobs"]["gate"]
    text = yaml.safe_dump(gate)
    assert "secrets." not in text and "id-token" not in str(gate["permissions"])
    assert gate["permissions"] == {"contents": "read", "security-events": "write"}
    uses = [s.get("uses", "") for s in steps(gate)]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    runs = " ".join(s.get("run", "") for s in steps(gate))
    assert "foundry-iac check --format sarif" in runs and 'diff --base "origin/${BASE_REF}"' in runs


def test_preview_runs_only_for_branches_of_this_repository_with_oidc_and_the_policy_pack():
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert preview["permissions"]["id-token"] == "write"
    assert preview["strategy"]["matrix"]["stack"] == ["dev", "prod-eu", "prod-us"]
    assert {"ARM_USE_OIDC", "ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"} <= set(preview["env"])
    assert any('./scripts/preview "$STACK"' in s.get("run", "") for s in steps(preview))


def test_comment_workflow_never_checks_out_pull_request_code():
    workflow = load("pull-request-comment.yml")
    assert list(workflow["on"]) == ["workflow_run"]
    job = workflow["jobs"]["comment"]
    assert not any(s.get("uses", "").startswith("actions/checkout@") for s in steps(job))
    assert not any("run" in s for s in steps(job))
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}


@pytest.mark.parametrize("path", all_workflows(), ids=lambda p: p.name)
def test_no_expression_is_interpolated_into_a_shell_or_a_script(path):
    """Untrusted values reach `run:` and github-script only as env or payload data, never as code."""
    for job in load(path.name)["jobs"].values():
        for step in steps(job):
            code = step.get("run", "") + step.get("with", {}).get("script", "")
            assert "${{" not in code, f"{path.name}: {step.get('name', step.get('uses'))} interpolates an expression"


def test_comment_artifact_comes_from_the_triggering_run_and_names_no_target():
    job = load("pull-request-comment.yml")["jobs"]["comment"]
    (download,) = [s for s in steps(job) if s.get("uses", "").startswith("actions/download-artifact@")]
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    gate = load("pull-request.yml")["jobs"]["gate"]
    assert "pr-number" not in yaml.safe_dump(gate) and "pull_request.number" not in yaml.safe_dump(gate)
    assert "pr-number" not in comment_script()


def comment_script() -> str:
    job = load("pull-request-comment.yml")["jobs"]["comment"]
    (script,) = [s for s in steps(job) if s.get("uses", "").startswith("actions/github-script@")]
    return script["with"]["script"]


# Runs the workflow's github-script body under node with a fake GitHub API, as actions/github-script
# does (an async function of require, github, context and core), in a directory holding the artifact.
HARNESS = r"""
const fs = require('fs');
const { script, event, pulls } = JSON.parse(fs.readFileSync(0, 'utf8'));
const calls = [];
const api = name => async params => { calls.push([name, params]); return { data: [] }; };
const github = {
  rest: {
    pulls: { list: api('pulls.list') },
    issues: { listComments: api('issues.listComments'), updateComment: api('issues.updateComment'),
              createComment: api('issues.createComment') },
  },
  paginate: async (fn, params) => {
    await fn(params);
    if (fn === github.rest.pulls.list) {
      const [owner, branch] = params.head.split(':');
      return pulls.filter(p => p.state === params.state && p.head.ref === branch
        && p.head.repo !== null && p.head.repo.owner.login === owner);
    }
    return [];
  },
};
const context = { repo: { owner: 'org', repo: 'foundry-iac' }, payload: { workflow_run: event } };
const log = [];
const core = { notice: m => log.push(['notice', m]), info: m => log.push(['info', m]),
               setFailed: m => log.push(['failed', m]) };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core)
  .then(() => process.stdout.write(JSON.stringify({ calls, log })));
"""

NODE = shutil.which("node")


def pr(number: int, repo: str, branch: str, sha: str) -> dict:
    owner = repo.split("/")[0]
    return {
        "number": number,
        "state": "open",
        "head": {"sha": sha, "ref": branch, "repo": {"full_name": repo, "owner": {"login": owner}}},
    }


VICTIM = pr(7, "org/foundry-iac", "feature", "a" * 40)
ATTACKER = pr(9, "mallory/foundry-iac", "patch-1", "b" * 40)


def run_comment_script(tmp_path: Path, event: dict, pulls: list[dict], pr_number: str = "7") -> dict:
    if NODE is None:
        if os.environ.get("CI"):
            pytest.fail("node is needed to run the comment workflow's script")
        pytest.skip("node is not installed")
    artifact = tmp_path / "pr-comment"
    artifact.mkdir()
    (artifact / "comment.md").write_text("<!-- foundry-iac-diff -->\n## foundry-iac: PASS\n")
    (artifact / "pr-number").write_text(pr_number)  # what a hostile fork's run would leave behind
    stdin = json.dumps({"script": comment_script(), "event": event, "pulls": pulls})
    done = subprocess.run(
        [NODE, "-e", HARNESS], input=stdin, cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


def run_of(pull: dict) -> dict:
    head = pull["head"]
    return {
        "event": "pull_request",
        "head_sha": head["sha"],
        "head_branch": head["ref"],
        "pull_requests": [],
        "head_repository": {"full_name": head["repo"]["full_name"], "owner": head["repo"]["owner"]},
    }


def posted_to(result: dict) -> list[int]:
    return [params["issue_number"] for name, params in result["calls"] if name == "issues.createComment"]


def test_a_fork_run_comments_on_its_own_pull_request_whatever_pr_number_its_artifact_names(tmp_path):
    result = run_comment_script(tmp_path, run_of(ATTACKER), [VICTIM, ATTACKER], pr_number="7")
    assert posted_to(result) == [9]
    assert [params["issue_number"] for name, params in result["calls"] if name == "issues.listComments"] == [9]


@pytest.mark.parametrize(
    "change",
    [
        {"head_sha": "c" * 40},  # the branch moved on since the run: a newer run will comment
        {"head_repository": {"full_name": "eve/foundry-iac", "owner": {"login": "mallory"}}},
        {"head_branch": "feature"},
    ],
    ids=["other-sha", "other-repository", "other-branch"],
)
def test_no_comment_unless_one_open_pull_request_has_the_runs_head_sha_repository_and_branch(tmp_path, change):
    result = run_comment_script(tmp_path, run_of(ATTACKER) | change, [VICTIM, ATTACKER])
    assert [name for name, _ in result["calls"]] == ["pulls.list"]
    assert [kind for kind, _ in result["log"]] == ["notice"]


def test_a_closed_pull_request_gets_no_comment(tmp_path):
    result = run_comment_script(tmp_path, run_of(ATTACKER), [VICTIM, ATTACKER | {"state": "closed"}])
    assert posted_to(result) == [] and "0 open pull requests" in result["log"][0][1]


def test_deploy_gates_first_and_never_runs_two_rollouts_of_one_stack():
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    up = workflow["jobs"]["up"]
    assert up["needs"] == "gate"
    assert up["concurrency"] == {"group": "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": False}
    assert up["environment"] == "${{ matrix.stack }}"
    assert up["permissions"] == {"contents": "read", "id-token": "write"}
    assert up["env"]["ARM_USE_OIDC"] == "true"
    assert any('./scripts/up "$STACK" --yes' in s.get("run", "") for s in steps(up))
    # the preflight inside scripts/up reads Azure with the CI identity, signed in by OIDC before it runs
    names = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps(up)]
    assert names.index("azure/login") < next(i for i, n in enumerate(names) if "./scripts/up" in n)
    assert "FOUNDRY_IAC_PREFLIGHT" not in json.dumps(up)  # never skipped in CI
    assert workflow["jobs"]["gate"]["permissions"] == {"contents": "read"}


def test_matrices_list_every_stack():
    stacks = sorted(p.name.split(".")[1] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
    assert load("deploy.yml")["jobs"]["up"]["strategy"]["matrix"]["stack"] == stacks
    assert load("pull-request.yml")["jobs"]["preview"]["strategy"]["matrix"]["stack"] == stacks


def test_every_action_has_one_pin_across_workflows_with_its_version_in_a_comment():
    pins: dict[str, set[str]] = {}
    for path in all_workflows():
        for line in path.read_text().splitlines():
            found = re.match(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40})  # v\d", line)
            if "uses:" in line:
                assert found, f"{path.name}: {line.strip()} lacks a commit SHA with a '# vX.Y.Z' comment"
                pins.setdefault(found[1], set()).add(found[2])
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}
    assert {"actions/checkout", "actions/setup-python"} <= set(pins)


def supported_pythons() -> list[str]:
    """The Python versions pyproject.toml's classifiers name, oldest first."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    prefix = "Programming Language :: Python :: "
    found = [c.removeprefix(prefix) for c in project["classifiers"] if re.fullmatch(rf"{prefix}3\.\d+", c)]
    versions = sorted(found, key=lambda v: tuple(map(int, v.split("."))))
    assert project["requires-python"] == f">={versions[0]}", "requires-python starts at the oldest classifier"
    return versions


def test_tests_run_on_every_pull_request_and_push_to_main_one_run_per_pull_request():
    workflow = load("tests.yml")
    assert workflow["on"] == {"pull_request": None, "push": {"branches": ["main"]}}
    assert workflow["concurrency"] == {
        "group": "tests-${{ github.event.pull_request.number || github.ref }}",
        "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    }


def test_tests_need_no_secrets_and_only_read_the_repository():
    workflow = load("tests.yml")
    assert "secrets." not in (WORKFLOWS / "tests.yml").read_text()
    assert {name: job["permissions"] for name, job in workflow["jobs"].items()} == {
        "test": {"contents": "read"},
        "gate-macos": {"contents": "read"},
    }


def test_the_suite_runs_what_ci_run_runs_on_every_supported_python():
    job = load("tests.yml")["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest"
    assert job["strategy"]["matrix"]["python"] == supported_pythons() == ["3.11", "3.12", "3.13"]
    (setup,) = [s for s in steps(job) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["python-version"] == "${{ matrix.python }}"
    assert [s["run"] for s in steps(job) if "run" in s] == ["bash .ci/run"]
    ci_run = (ROOT / ".ci/run").read_text()
    assert "scripts/test" in ci_run and "scripts/check-install" in ci_run


def test_macos_runs_the_gate_and_the_byte_identity_tests_that_exist():
    job = load("tests.yml")["jobs"]["gate-macos"]
    assert job["runs-on"] == "macos-latest"
    (setup,) = [s for s in steps(job) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["python-version"] in supported_pythons()
    runs = [s["run"] for s in steps(job) if "run" in s]
    assert runs[0] == "./scripts/plan"
    targets = [word for word in runs[1].split() if word.startswith("tests/")]
    assert "tests/foundry_iac/engine/test_report_start_method.py" in targets
    for target in targets:
        file, _, test = target.partition("::")
        assert (ROOT / file).is_file(), target
        assert not test or f"def {test}(" in (ROOT / file).read_text(), target


def test_no_comment_when_two_open_pull_requests_share_the_runs_head(tmp_path):
    twin = ATTACKER | {"number": 10}  # one branch opened against two base branches
    result = run_comment_script(tmp_path, run_of(ATTACKER), [VICTIM, ATTACKER, twin])
    assert posted_to(result) == [] and "2 open pull requests" in result["log"][0][1]


# --- model-upgrades.yml: the weekly upgrade pull request ------------------------------------------------------


def test_model_upgrades_runs_weekly_and_on_demand_never_in_a_fork():
    workflow = load("model-upgrades.yml")
    cron = workflow["on"]["schedule"][0]["cron"]
    fields = cron.split()
    assert len(fields) == 5 and fields[2:4] == ["*", "*"] and fields[4].isdigit(), f"{cron} is not weekly"
    assert fields[0].isdigit() and fields[1].isdigit(), f"{cron}: one fixed time a week"
    assert "workflow_dispatch" in workflow["on"]
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}  # no pull request can trigger it
    for job in workflow["jobs"].values():
        assert job["if"] == "github.event.repository.fork == false"


def test_model_upgrades_permissions_are_the_minimum_for_a_pull_request_and_oidc():
    job = load("model-upgrades.yml")["jobs"]["propose"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "id-token": "write"}
    login = [s for s in steps(job) if s.get("uses", "").startswith("azure/login@")]
    assert len(login) == 1 and login[0]["if"] == "vars.MODEL_UPGRADES_CLIENT_ID != ''"
    assert "secrets." not in (WORKFLOWS / "model-upgrades.yml").read_text()  # OIDC and the run's own token only


def test_model_upgrades_syncs_only_when_signed_in_and_handles_each_upgrade_exit_code():
    job = load("model-upgrades.yml")["jobs"]["propose"]
    sync = next(s for s in steps(job) if "catalog sync" in s.get("run", ""))
    assert sync["if"] == "vars.MODEL_UPGRADES_CLIENT_ID != ''"
    upgrade = next(s for s in steps(job) if "foundry-iac upgrade" in s.get("run", ""))
    script = upgrade["run"]
    assert "|| status=$?" in script and "0)" in script and "1)" in script and '*) echo "::error::' in script
    pull_request = next(s for s in steps(job) if "gh pr create" in s.get("run", ""))
    assert pull_request["if"] == "steps.upgrade.outputs.changed == 'true'"
    assert "gh pr edit" in pull_request["run"] and '--head "$BRANCH"' in pull_request["run"]
    assert job["env"]["BRANCH"] and "${{" not in job["env"]["BRANCH"]  # one fixed branch: one pull request


def _foundry_iac_calls(path: Path) -> list[list[str]]:
    """Every `.venv/bin/foundry-iac ...` call of the workflow's scripts, shell variables given sample values."""
    import shlex

    samples = {"$SUBSCRIPTION": "11111111-2222-3333-4444-555555555555", '"${regions[@]}"': "eastus2", "$body": "x.md"}
    calls = []
    for job in load(path.name)["jobs"].values():
        for step in steps(job):
            for line in step.get("run", "").splitlines():
                found = re.search(r"\.venv/bin/foundry-iac ([^|)]+)", line)
                if found:
                    text = found.group(1).split("||")[0]
                    for variable, value in samples.items():
                        text = text.replace(variable, value)
                    calls.append(shlex.split(text))
    return calls


def test_model_upgrades_runs_only_commands_and_options_the_cli_parser_has():
    from foundry_iac.cli.commands import build_parser

    calls = _foundry_iac_calls(WORKFLOWS / "model-upgrades.yml")
    assert {c[0] for c in calls} == {"lifecycle", "catalog", "upgrade"}
    parser = build_parser()
    for call in calls:
        parser.parse_args(call)  # an unknown option or value raises UsageError


@pytest.mark.parametrize(
    ("code", "edits", "changed", "body"),
    [
        (0, "stacks", "true", "moves"),  # moves written: a pull request with upgrade's body
        (0, "", "false", None),  # nothing due
        (0, "catalog", "true", "No stack file changed; catalog sync refreshed the catalog from the Models API.\n"),
        (1, "", "false", None),  # proposed but refused by the gate: nothing written, no pull request
    ],
)
def test_the_upgrade_step_opens_a_pull_request_exactly_when_a_file_changed(tmp_path, code, edits, changed, body):
    """The step's own script, run by bash in a scratch repository against a foundry-iac that exits `code`."""
    job = load("model-upgrades.yml")["jobs"]["propose"]
    script = next(s for s in steps(job) if "foundry-iac upgrade" in s.get("run", ""))["run"]
    repo = tmp_path / "repo"
    (repo / "stacks").mkdir(parents=True)
    (repo / "components").mkdir()
    (repo / "stacks" / "Pulumi.a.yaml").write_text("config: {}\n")
    (repo / "components" / "catalog.json").write_text("{}\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=repo, check=True)
    (repo / ".venv" / "bin").mkdir(parents=True)
    fake = repo / ".venv" / "bin" / "foundry-iac"
    edit = {
        "stacks": "echo '# moved' >> stacks/Pulumi.a.yaml",
        "catalog": "echo '{\"x\": 1}' > components/catalog.json",
        "": ":",
    }[edits]
    args = 'while [ $# -gt 0 ]; do [ "$1" = --output ] && echo moves > "$2"; shift; done'
    fake.write_text(f"#!/bin/bash\n{args}\n{edit}\nexit {code}\n")
    fake.chmod(0o755)
    out = tmp_path / "github_output"
    out.write_text("")
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=repo,
        env={**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(out)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert outputs["changed"] == changed
    if body is not None:
        assert (tmp_path / "model-upgrades.md").read_text().strip() == body.strip()


def test_the_upgrade_step_fails_the_job_on_an_error(tmp_path):
    job = load("model-upgrades.yml")["jobs"]["propose"]
    script = next(s for s in steps(job) if "foundry-iac upgrade" in s.get("run", ""))["run"]
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    fake = tmp_path / ".venv" / "bin" / "foundry-iac"
    fake.write_text("#!/bin/bash\nexit 2\n")
    fake.chmod(0o755)
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "::error::foundry-iac upgrade failed (exit 2)" in done.stdout
