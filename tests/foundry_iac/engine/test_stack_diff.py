"""What `diff` says about one stack, from hand-built report entries: status, replacements and their
warnings, cost and quota deltas, the quota a rename holds twice, violations introduced and resolved;
and how the base is read from git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from foundry_iac.engine.diff import (
    ACCOUNT,
    DELETE_FIRST,
    DEPLOYMENT,
    DOWNTIME,
    HOST_DELETED,
    KEEP_DEPLOYMENT,
    LOCK,
    LOCK_REFUSES,
    LOCKED,
    PROJECT,
    RETAINED,
    _git,
    deletion_warning,
    diff,
    injected_subnets,
    materialize,
    resource_changes,
    transient_quota,
)
from foundry_iac.engine.diff import stack_diff as typed_stack_diff
from foundry_iac.engine.irreversible import ACCOUNT_REPLACED, CASE_RENAME, MANAGED_NETWORK, NO_DISABLE, NO_UPGRADE_PATH
from foundry_iac.engine.report_model import as_data
from foundry_iac.errors import GateInputError, UsageError
from tests.conftest import ROOT

SUB = "00000000-0000-0000-0000-000000000001"
ACCOUNT_SCOPE = f"/subscriptions/{SUB}/resourceGroups/RG-AI/providers/Microsoft.CognitiveServices/accounts/ACCT"


def res(kind: str, name: str, props: dict, **extra) -> dict:
    return {
        "urn": f"urn:{name}",
        "type": kind,
        "name": name,
        "props": props,
        "source": {"file": "stack.yaml", "line": len(name)},
        **extra,
    }


def stack_diff(name: str, before: dict | None, after: dict | None) -> dict:
    return as_data(typed_stack_diff(name, before, after))


def acct(region: str = "swedencentral") -> dict:
    return res(ACCOUNT, "acct", {"accountName": "acct", "location": region, "resourceGroupName": "rg-ai"})


def dep(
    name: str, model: str = "gpt-4o", capacity: int | None = 10, version: str | None = "2024-11-20", **extra
) -> dict:
    sku: dict = {"name": "GlobalStandard"}
    if capacity is not None:
        sku["capacity"] = capacity
    props = {
        "accountName": "acct",
        "resourceGroupName": "rg-ai",
        "deploymentName": name,
        "sku": sku,
        "properties": {"model": {"format": "OpenAI", "name": model, "version": version}},
    }
    return res(DEPLOYMENT, name, props, **extra)


def entry(resources, quota=(), violations=(), expected=100.0, ceiling=200.0, passed=True) -> dict:
    return {
        "resources": list(resources),
        "quota": [{"subscription": SUB, "region": r, "usage_name": u, "requested": n} for r, u, n in quota],
        "violations": list(violations),
        "cost": {"monthly_expected": expected, "monthly_ceiling": ceiling},
        "passed": passed,
    }


def violation(message: str, waived: bool = False) -> dict:
    return {
        "policy": "demo",
        "enforcement": "mandatory",
        "urn": "urn:a",
        "message": message,
        "waived": waived,
        "source": None,
    }


GS = "OpenAI.GlobalStandard.gpt-4o"


# --- status ----------------------------------------------------------------------------------------------


def test_identical_sides_are_unchanged_and_a_foundry_iac_record_is_not_a_resource():
    before = entry([acct(), dep("a"), res("foundry-iac:stack:Stack", "s", {"v": 1})], [("swedencentral", GS, 10)])
    after = entry([acct(), dep("a"), res("foundry-iac:stack:Stack", "s", {"v": 2})], [("swedencentral", GS, 10)])
    result = stack_diff("prod", before, after)
    assert result == {
        "stack": "prod",
        "status": "unchanged",
        "passed": True,
        "resources": {"added": [], "removed": [], "changed": []},
        "cost": {
            "monthly_expected": {"before": 100.0, "after": 100.0, "delta": 0.0},
            "monthly_ceiling": {"before": 200.0, "after": 200.0, "delta": 0.0},
        },
        "quota": [],
        "violations": {"introduced": [], "resolved": []},
    }


@pytest.mark.parametrize(
    "after",
    [
        entry([acct(), dep("a", capacity=20)], [("swedencentral", GS, 10)]),  # a property changed
        entry([acct()], [("swedencentral", GS, 10)]),  # a resource went
        entry([acct(), dep("a")], [("swedencentral", GS, 20)]),  # only the quota moved
        entry([acct(), dep("a")], [("swedencentral", GS, 10)], [violation("new")]),  # only a violation
    ],
    ids=["property", "resource", "quota", "violation"],
)
def test_any_one_kind_of_change_makes_the_stack_changed(after):
    before = entry([acct(), dep("a")], [("swedencentral", GS, 10)])
    assert stack_diff("prod", before, after)["status"] == "changed"


def test_a_stack_on_one_side_only_is_added_or_removed_and_costs_nothing_on_the_other():
    side = entry([acct()], expected=12.5, ceiling=40.0, passed=False)
    added, removed = stack_diff("new", None, side), stack_diff("old", side, None)
    assert (added["status"], added["passed"], removed["status"], removed["passed"]) == ("added", False, "removed", None)
    assert added["cost"]["monthly_expected"] == {"before": 0.0, "after": 12.5, "delta": 12.5}
    assert removed["cost"]["monthly_ceiling"] == {"before": 40.0, "after": 0.0, "delta": -40.0}
    assert added["resources"]["added"] == [
        {"urn": "urn:acct", "type": ACCOUNT, "name": "acct", "source": {"file": "stack.yaml", "line": 4}}
    ]
    assert removed["resources"]["removed"] == added["resources"]["added"]


def test_costs_round_to_cents_and_an_unpriced_side_has_no_total_and_no_delta():
    before, after = entry([], expected=None, ceiling=10.004), entry([], expected=5.126, ceiling=None)
    cost = stack_diff("s", before, after)["cost"]
    assert cost["monthly_expected"] == {"before": None, "after": 5.13, "delta": None}
    assert cost["monthly_ceiling"] == {"before": 10.0, "after": None, "delta": None}
    cost = stack_diff("s", entry([], expected=1.114), entry([], expected=2.0))["cost"]
    assert cost["monthly_expected"] == {"before": 1.11, "after": 2.0, "delta": 0.89}


def test_violations_introduced_and_resolved_ignore_waived_ones():
    before = entry([], violations=[violation("old"), violation("kept"), violation("was waived", waived=True)])
    after = entry([], violations=[violation("kept"), violation("new"), violation("now waived", waived=True)])
    found = stack_diff("s", before, after)["violations"]
    assert found == {"introduced": [violation("new")], "resolved": [violation("old")]}


# --- replacements ----------------------------------------------------------------------------------------


def changed_of(before_resources, after_resources) -> list[dict]:
    return stack_diff("s", entry(before_resources), entry(after_resources))["resources"]["changed"]


def test_a_capacity_change_is_in_place_and_lists_the_changed_path():
    (change,) = changed_of([acct(), dep("a")], [acct(), dep("a", capacity=20)])
    assert change == {
        "urn": "urn:a",
        "type": DEPLOYMENT,
        "name": "a",
        "source": {"file": "stack.yaml", "line": 1},
        "changes": [{"path": "sku.capacity", "before": 10, "after": 20}],
        "replace": False,
        "warning": None,
    }


def test_a_model_change_replaces_the_deployment_with_its_downtime_and_delete_first_warnings():
    (change,) = changed_of([dep("a")], [dep("a", model="gpt-4.1", delete_before_replace=True)])
    assert change["replace"] is True
    assert change["warning"] == f"{DOWNTIME[DEPLOYMENT]}. {DELETE_FIRST}"


def test_replacing_a_project_under_a_locked_account_adds_the_lock_warning():
    project = res(PROJECT, "p", {"accountName": "acct", "resourceGroupName": "rg-ai", "location": "eastus"})
    moved = res(PROJECT, "p", {**project["props"], "location": "westus"})
    lock = res(LOCK, "lock", {"scope": ACCOUNT_SCOPE})
    (change,) = changed_of([project], [moved, lock])
    assert change["warning"] == f"{DOWNTIME[PROJECT]}. {LOCKED}"
    other_lock = res(LOCK, "lock", {"scope": ACCOUNT_SCOPE.replace("ACCT", "OTHER")})
    (change,) = changed_of([project], [moved, other_lock])
    assert change["warning"] == DOWNTIME[PROJECT]


LOCK_RES = res(LOCK, "acct-lock", {"scope": ACCOUNT_SCOPE, "level": "CanNotDelete"})


def locked_diff(before_resources, after_resources) -> dict:
    return stack_diff("s", entry(before_resources), entry(after_resources))


def test_replacing_a_deployment_under_the_lock_fails_the_stack_naming_it_the_lock_and_the_fix():
    moved = dep("a", model="gpt-5.1", delete_before_replace=True)
    out = locked_diff([acct(), dep("a"), LOCK_RES], [acct(), moved, LOCK_RES])
    assert out["passed"] is False
    assert out["locked"] == [
        {
            "urn": "urn:a",
            "type": DEPLOYMENT,
            "name": "a",
            "lock": "acct-lock",
            "message": LOCK_REFUSES.format(
                kind="Deployment",
                name="a",
                how="replaced (the old one is deleted)",
                lock="acct-lock",
                account="acct",
                keep=KEEP_DEPLOYMENT,
            ),
        }
    ]
    assert "Remove the lock in a separate reviewed change first, or keep the deployment" in out["locked"][0]["message"]


def test_removing_or_renaming_a_deployment_under_the_lock_fails_the_stack():
    removed = locked_diff([acct(), dep("a"), dep("b"), LOCK_RES], [acct(), dep("b"), LOCK_RES])
    assert removed["passed"] is False and [d["name"] for d in removed["locked"]] == ["a"]
    assert "is removed under the CanNotDelete lock acct-lock" in removed["locked"][0]["message"]
    renamed = locked_diff([acct(), dep("a"), LOCK_RES], [acct(), dep("a2", model="gpt-5.1"), LOCK_RES])
    assert renamed["passed"] is False and [d["name"] for d in renamed["locked"]] == ["a"]


def test_a_lock_the_change_removes_or_adds_still_counts_but_a_removed_stack_is_not_judged():
    assert locked_diff([acct(), dep("a"), LOCK_RES], [acct()])["passed"] is False
    assert locked_diff([acct(), dep("a")], [acct(), LOCK_RES])["passed"] is False
    gone = stack_diff("s", entry([acct(), dep("a"), LOCK_RES]), None)
    assert gone["passed"] is None and "locked" not in gone


def test_without_a_lock_or_in_place_or_under_another_accounts_lock_the_stack_keeps_its_verdict():
    assert "locked" not in locked_diff([acct(), dep("a"), dep("b")], [acct(), dep("b")])
    assert locked_diff([acct(), dep("a"), dep("b")], [acct(), dep("b")])["passed"] is True
    in_place = locked_diff([acct(), dep("a"), LOCK_RES], [acct(), dep("a", capacity=20), LOCK_RES])
    assert in_place["passed"] is True and "locked" not in in_place
    other = res(LOCK, "other-lock", {"scope": ACCOUNT_SCOPE.replace("ACCT", "OTHER")})
    assert locked_diff([acct(), dep("a"), other], [acct(), other])["passed"] is True
    # the lock itself may go (a reviewed change), and a failing stack stays failing
    assert locked_diff([acct(), LOCK_RES], [acct()])["passed"] is True
    failing = stack_diff("s", entry([acct(), dep("a")]), entry([acct(), dep("a", capacity=20)], passed=False))
    assert failing["passed"] is False


def test_a_type_without_known_replace_paths_replaces_on_what_the_program_declared():
    kind = "azure-native:storage:StorageAccount"
    old = res(kind, "st", {"a": 1, "b": 1})
    declared = {"replace_on_changes": ["a"], "delete_before_replace": True}
    (in_place,) = changed_of([old], [res(kind, "st", {"a": 1, "b": 2}, **declared)])
    (replaced,) = changed_of([old], [res(kind, "st", {"a": 2, "b": 1}, **declared)])
    assert (in_place["replace"], in_place["warning"]) == (False, None)
    assert (replaced["replace"], replaced["warning"]) == (True, DELETE_FIRST)


def test_changed_paths_cover_properties_on_either_side_only():
    assert resource_changes({"props": {}}, {"props": {"x": {"y": 1}}}) == [{"path": "x.y", "before": None, "after": 1}]
    assert resource_changes({"props": {"x": 1, "z": {}}}, {"props": {}}) == [
        {"path": "x", "before": 1, "after": None},
        {"path": "z", "before": {}, "after": None},
    ]


# --- quota ------------------------------------------------------------------------------------------------


def quota_of(before: dict, after: dict) -> list[dict]:
    return stack_diff("s", before, after)["quota"]


def test_quota_rows_show_scopes_that_moved_on_either_side_and_skip_the_rest():
    before = entry([acct(), dep("a")], [("swedencentral", GS, 10), ("eastus", "gone", 4), ("same", "x", 7)])
    after = entry([acct(), dep("a", capacity=30)], [("swedencentral", GS, 30), ("westus", "new", 5), ("same", "x", 7)])
    rows = [
        (r["region"], r["usage_name"], r["before"], r["after"], r["delta"], "transient_peak" in r)
        for r in quota_of(before, after)
    ]
    assert rows == [
        ("eastus", "gone", 4, 0, -4, False),
        ("swedencentral", GS, 10, 30, 20, False),
        ("westus", "new", 0, 5, 5, False),
    ]


def test_a_renamed_deployment_holds_both_capacities_until_the_old_one_is_deleted():
    before = entry([acct(), dep("old", capacity=10)], [("swedencentral", GS, 10)])
    after = entry([acct(), dep("new", capacity=10)], [("swedencentral", GS, 10)])
    (row,) = quota_of(before, after)
    assert row == {
        "subscription": SUB,
        "region": "swedencentral",
        "usage_name": GS,
        "before": 10,
        "after": 10,
        "delta": 0,
        "transient_peak": 20,
    }


def test_transient_quota_counts_added_deployments_in_their_accounts_scope():
    after = entry([acct("eastus2"), res("x:y:Z", "z", {})], [("eastus2", GS, 1)])
    added = [res("x:y:Z", "z", {}), dep("a", capacity=10), dep("b", capacity=5), dep("c", capacity=None)]
    assert transient_quota({(SUB, "eastus2", GS): 7}, added, after) == {(SUB, "eastus2", GS): 22}
    assert transient_quota({}, [dep("a", capacity=3)], after) == {(SUB, "eastus2", GS): 3}
    assert transient_quota({}, added, None) == {}


def test_transient_quota_without_the_account_or_quota_rows_still_has_a_key():
    orphan = dep("a", capacity=2)
    orphan["props"]["accountName"] = "elsewhere"
    assert transient_quota({}, [orphan], entry([acct()])) == {("", "unknown", GS): 2}


def test_transient_quota_counts_provisioned_units_in_their_pool(versioned_catalog):
    after = entry([acct("eastus2")], [("eastus2", GS, 1)])
    ptu = dep("p", capacity=50)
    ptu["props"]["sku"]["name"] = "GlobalProvisionedManaged"
    standard = dep("s", capacity=50)  # 2 units of quota per capacity unit in this catalog
    assert transient_quota({}, [ptu, standard], after) == {
        (SUB, "eastus2", "OpenAI.GlobalProvisionedManaged"): 50,
        (SUB, "eastus2", GS): 100,
    }


def test_transient_quota_follows_the_version_to_its_usage_name_and_units(versioned_catalog):
    after = entry([acct("eastus2")], [("eastus2", GS, 1)])
    old = dep("a", capacity=10, version="2024-05-13")
    assert transient_quota({}, [old], after) == {(SUB, "dataZone:US", "OpenAI.GlobalStandard.gpt-4o-0513"): 20}


# --- reading the base from git ------------------------------------------------------------------------------


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@e", *args], check=True, capture_output=True
    )


def two_stack_repo(root: Path, stack_text: str, policy_text: str, real_program: bool) -> Path:
    """A repository with stacks a and b, a policy config each, and the program (real, or a stand-in)."""
    (root / "stacks").mkdir(parents=True)
    (root / "policies" / "config").mkdir(parents=True)
    for name in ("__main__.py", "Pulumi.yaml"):
        if real_program:
            (root / name).symlink_to(ROOT / name)
        else:
            (root / name).write_text(f"# {name}\n")
    for stack in ("a", "b"):
        (root / "stacks" / f"Pulumi.{stack}.yaml").write_text(stack_text)
        (root / "policies" / "config" / f"{stack}.json").write_text(policy_text)
    (root / "README.md").write_text("not a config\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


@pytest.fixture
def configs_repo(tmp_path: Path) -> Path:
    """Two placeholder stack files and the dev policy config, one commit deep."""
    policy = (ROOT / "policies" / "config" / "dev.json").read_text()
    return two_stack_repo(tmp_path / "repo", "config: {}\n", policy, real_program=False)


def test_materialize_writes_the_refs_configs_beside_the_work_trees_program(configs_repo, tmp_path):
    (configs_repo / "stacks" / "Pulumi.a.yaml").write_text("config: {edited: true}\n")
    dest = tmp_path / "base"
    dest.mkdir()
    sha = materialize(configs_repo, "main", dest)
    assert len(sha) == 40
    written = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert written == [
        "Pulumi.yaml",
        "__main__.py",
        "policies/config/a.json",
        "policies/config/b.json",
        "stacks/Pulumi.a.yaml",
        "stacks/Pulumi.b.yaml",
    ]
    assert (dest / "stacks" / "Pulumi.a.yaml").read_text() == "config: {}\n"
    assert (dest / "__main__.py").resolve() == (configs_repo / "__main__.py").resolve()


@pytest.mark.parametrize("ref", ["nope", "main..main", "main:README.md"])
def test_a_base_that_is_not_one_commit_is_refused(configs_repo, tmp_path, ref):
    with pytest.raises(UsageError) as raised:
        materialize(configs_repo, ref, tmp_path)
    assert raised.value.messages == [
        f"--base {ref}: not a commit in this repository; fetch it (git fetch origin) or name another ref"
    ]


def test_git_failures_name_the_command_and_what_git_said(configs_repo):
    with pytest.raises(UsageError) as raised:
        _git(configs_repo, "ls-tree", "-r", "nope")
    assert raised.value.messages == ["git ls-tree -r: fatal: Not a valid object name nope"]
    with pytest.raises(UsageError) as raised:
        _git(configs_repo, "rev-parse", "--verify", "--quiet", "nope")
    assert raised.value.messages == ["git rev-parse --verify: failed"]


def test_without_git_diff_says_so(configs_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as raised:
        _git(configs_repo, "status")
    assert raised.value.messages == ["git is not installed; diff reads the base from git"]


def test_diff_refuses_stack_names_on_neither_side(configs_repo):
    with pytest.raises(UsageError) as raised:
        diff(configs_repo, "main", ["a", "zz", "yy"])
    assert raised.value.messages == ["unknown stack(s) yy, zz: not in stacks/ at main nor in the work tree"]


def test_diff_names_the_side_whose_stack_file_is_bad(configs_repo):
    stack = configs_repo / "stacks" / "Pulumi.b.yaml"
    git(configs_repo, "rm", "-q", "stacks/Pulumi.b.yaml")
    git(configs_repo, "commit", "-q", "-m", "no b at the base")
    stack.write_text("config: [\n")
    with pytest.raises(GateInputError) as raised:
        diff(configs_repo, "main", ["b"])
    assert raised.value.messages[0].startswith("in the work tree: stacks/Pulumi.b.yaml:")
    git(configs_repo, "add", "stacks/Pulumi.b.yaml")
    git(configs_repo, "commit", "-q", "-m", "a broken b at the base")
    stack.unlink()
    with pytest.raises(GateInputError) as raised:
        diff(configs_repo, "main", ["b"])
    assert raised.value.messages[0].startswith("at main: stacks/Pulumi.b.yaml:")


@pytest.fixture
def real_repo(tmp_path: Path) -> Path:
    """The real program and two small stacks (a, b) that pass under one policy config each."""
    from tests.conftest import BASE_POLICY_CONFIG, TAGGED_STACK

    return two_stack_repo(tmp_path / "real", TAGGED_STACK, json.dumps(BASE_POLICY_CONFIG), real_program=True)


def test_diff_compares_every_stack_on_either_side_or_only_the_named_ones(real_repo):
    stack_a = real_repo / "stacks" / "Pulumi.a.yaml"
    stack_a.write_text(stack_a.read_text().replace("capacity: 10", "capacity: 12"))
    (real_repo / "stacks" / "Pulumi.b.yaml").unlink()
    sha = subprocess.run(["git", "-C", str(real_repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    everything = diff(real_repo, "main", [])
    assert (everything.base, everything.base_commit) == ("main", sha.strip())
    assert [(s.stack, s.status) for s in everything.stacks] == [("a", "changed"), ("b", "removed")]
    # the verdict is the changed stack's; a removed stack has none and fails nothing
    assert (everything.passed, everything.stacks[0].passed, everything.stacks[1].passed) == (True, True, None)
    (change,) = everything.stacks[0].resources.changed
    assert [(c.path, c.before, c.after) for c in change.changes] == [("sku.capacity", 10, 12)]
    named = diff(real_repo, "main", ["a"])
    assert [s.stack for s in named.stacks] == ["a"]


AGENT_SUBNET = "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"


def injected_acct(injections: list | None, region: str = "swedencentral") -> dict:
    account = acct(region)
    if injections is not None:
        account["props"]["properties"] = {"networkInjections": injections}
    return account


AGENT = [{"scenario": "agent", "subnetArmId": AGENT_SUBNET, "useMicrosoftManagedNetwork": False}]


def test_only_agent_scenarios_with_a_subnet_are_injected_subnets():
    assert injected_subnets(injected_acct(AGENT)) == [AGENT_SUBNET]
    assert injected_subnets(injected_acct(AGENT + [{"scenario": "agent", "subnetArmId": "/b"}])) == [AGENT_SUBNET, "/b"]
    assert injected_subnets(injected_acct([{"scenario": "none", "subnetArmId": AGENT_SUBNET}])) == []
    assert injected_subnets(injected_acct([{"scenario": "agent"}, {"subnetArmId": "/c"}])) == []
    assert injected_subnets(injected_acct(None)) == []


def test_deleting_an_account_with_an_agent_subnet_names_the_subnet_purge_and_cool_down():
    warning = deletion_warning(injected_acct(AGENT))
    assert warning == (
        f"the account's agents are injected into subnet {AGENT_SUBNET}: Azure keeps that subnet in use (service "
        "association link) after the account is deleted, until the account is purged (`az cognitiveservices account "
        "purge`) and the link is released 15-60 minutes later; reusing the subnet before then fails. Azure needs the "
        "project capability hosts deleted first, then the account capability host, then the account (Pulumi deletes "
        "in that order, the reverse of the chain it created)"
    )
    assert deletion_warning(injected_acct(None)) is None
    assert deletion_warning(res(LOCK, "lock", {})) is None
    two = injected_acct(AGENT + [{"scenario": "agent", "subnetArmId": "/b"}])
    assert f"injected into subnet {AGENT_SUBNET}, /b: Azure keeps" in str(deletion_warning(two))


@pytest.mark.parametrize(
    "kind",
    ["azure-native:cognitiveservices:ProjectCapabilityHost", "azure-native:cognitiveservices:AccountCapabilityHost"],
)
def test_deleting_a_capability_host_names_the_delete_order(kind):
    assert deletion_warning(res(kind, "host", {})) == HOST_DELETED
    removed = stack_diff("prod", entry([acct(), res(kind, "host", {})]), entry([acct()]))["resources"]["removed"]
    assert removed == [
        {
            "urn": "urn:host",
            "type": kind,
            "name": "host",
            "source": {"file": "stack.yaml", "line": 4},
            "warning": HOST_DELETED,
        }
    ]


def test_a_removed_resource_that_needs_no_care_has_no_warning_key():
    removed = stack_diff("prod", entry([acct(), dep("d")]), entry([acct()]))["resources"]["removed"]
    assert removed == [{"urn": "urn:d", "type": DEPLOYMENT, "name": "d", "source": {"file": "stack.yaml", "line": 1}}]


def test_replacing_or_removing_an_injected_account_warns_of_the_subnet():
    before = entry([injected_acct(AGENT)])
    (changed,) = stack_diff("prod", before, entry([injected_acct(AGENT, "westeurope")]))["resources"]["changed"]
    assert changed["replace"] and changed["warning"].endswith(deletion_warning(injected_acct(AGENT)))
    assert changed["warning"].startswith("the account and everything in it are re-created")
    (removed,) = stack_diff("prod", before, entry([]))["resources"]["removed"]
    assert removed["warning"] == deletion_warning(injected_acct(AGENT))
    (moved,) = stack_diff("prod", entry([acct()]), entry([acct("westeurope")]))["resources"]["changed"]
    assert "subnet" not in moved["warning"]


def test_changing_a_capability_host_replaces_it_delete_first_with_the_agents_down():
    kind = "azure-native:cognitiveservices:ProjectCapabilityHost"
    options = {
        "replace_on_changes": ["projectCapabilityHostProperties.storageConnections"],
        "delete_before_replace": True,
    }

    def host(storage: str) -> dict:
        props = {"projectCapabilityHostProperties": {"storageConnections": [storage]}}
        return res(kind, "host", props, **options)

    (changed,) = stack_diff("prod", entry([host("st1")]), entry([host("st2")]))["resources"]["changed"]
    assert changed["replace"] and changed["warning"] == ". ".join([DOWNTIME[kind], DELETE_FIRST, HOST_DELETED])
    assert changed["warning"].startswith("Azure does not update a capability host: it is deleted and re-created")


# --- one-way settings -------------------------------------------------------------------------------------


def network(mode: str | None = "AllowOnlyApprovedOutbound") -> dict:
    props: dict = {"accountName": "acct", "resourceGroupName": "rg-ai", "managedNetworkName": "default"}
    if mode is not None:
        props["properties"] = {"managedNetwork": {"isolationMode": mode, "managedNetworkKind": "V2"}}
    return res(MANAGED_NETWORK, "acct-managed-network", props)


def test_removing_an_accounts_managed_network_fails_the_stack_because_azure_keeps_the_isolation():
    out = stack_diff("s", entry([acct(), network()]), entry([acct()]))
    assert out["passed"] is False
    assert out["irreversible"] == [
        {
            "urn": "urn:acct-managed-network",
            "type": MANAGED_NETWORK,
            "name": "acct-managed-network",
            "message": NO_DISABLE.format(
                account="acct", how="the change removes `managedNetwork:`", mode="AllowOnlyApprovedOutbound"
            ),
        }
    ]
    assert "cannot be disabled once enabled" in out["irreversible"][0]["message"]


@pytest.mark.parametrize("before", ["AllowOnlyApprovedOutbound", "AllowInternetOutbound"])
def test_setting_isolation_disabled_fails_the_stack_from_either_enabled_mode(before):
    out = stack_diff("s", entry([acct(), network(before)]), entry([acct(), network("Disabled")]))
    assert out["passed"] is False
    (change,) = out["irreversible"]
    assert change["message"] == NO_DISABLE.format(account="acct", how="the change sets isolation Disabled", mode=before)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([acct(), network()], [acct(), network("AllowInternetOutbound")]),  # a mode change Azure may still make
        ([acct(), network("Disabled")], [acct()]),  # never enabled
        ([acct(), network(None)], [acct()]),  # no setting written
        ([acct()], [acct(), network()]),  # enabling
        ([acct(), network()], []),  # the account goes, and its network with it
    ],
)
def test_a_change_azure_can_make_to_the_managed_network_keeps_the_verdict(before, after):
    out = stack_diff("s", entry(before), entry(after))
    assert "irreversible" not in out and out["passed"] is True


def test_a_resource_retained_on_delete_is_forgotten_not_deleted_so_the_lock_does_not_refuse_it():
    kept = network("Disabled")
    out = locked_diff([acct(), {**kept, "retain_on_delete": True}, LOCK_RES], [acct(), LOCK_RES])
    assert out["passed"] is True and "locked" not in out
    out = locked_diff([acct(), kept, LOCK_RES], [acct(), LOCK_RES])
    assert [d["name"] for d in out["locked"]] == ["acct-managed-network"]


def test_a_removed_stack_is_not_judged_for_its_managed_network():
    gone = stack_diff("s", entry([acct(), network()]), None)
    assert gone["passed"] is None and "irreversible" not in gone


def test_replacing_an_account_under_its_own_name_fails_the_stack():
    out = stack_diff("s", entry([acct(), dep("a")]), entry([acct("westus"), dep("a")]))
    assert out["passed"] is False
    (change,) = out["irreversible"]
    assert change["message"] == ACCOUNT_REPLACED.format(account="acct", paths="location")
    assert "Give the account a new name" in change["message"]


def injected(subnet: str | None = None, managed: bool = False) -> dict:
    account = acct()
    injection = {"scenario": "agent", "subnetArmId": subnet or "", "useMicrosoftManagedNetwork": managed}
    account["props"] = {**account["props"], "properties": {"networkInjections": [injection]}}
    return account


SUBNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/agents"


def test_moving_an_accounts_agents_from_its_own_subnet_to_a_managed_network_fails_the_stack():
    out = stack_diff("s", entry([injected(SUBNET)]), entry([injected(managed=True), network()]))
    assert out["passed"] is False
    (change,) = out["irreversible"]
    assert change["urn"] == "urn:acct" and change["message"] == NO_UPGRADE_PATH.format(account="acct", subnets=SUBNET)
    # a managed network from the start, or the own subnet kept: Azure can do it
    assert "irreversible" not in stack_diff(
        "s", entry([injected(managed=True)]), entry([injected(managed=True), network()])
    )
    assert "irreversible" not in stack_diff("s", entry([injected(SUBNET)]), entry([injected(SUBNET)]))


def test_a_rename_that_changes_only_case_fails_once_for_the_topmost_resource():
    parent = res(ACCOUNT, "acct", {"accountName": "acct", "resourceGroupName": "rg-ai", "location": "swedencentral"})
    child = dep("gpt-5.1", model="gpt-5.1", parent="urn:acct")
    upper = {**parent, "urn": "urn:ACCT", "name": "ACCT", "props": {**parent["props"], "accountName": "ACCT"}}
    upper_child = {**child, "urn": "urn:GPT-5.1", "name": "GPT-5.1", "parent": "urn:ACCT"}
    out = stack_diff("s", entry([parent, child]), entry([upper, upper_child]))
    assert out["passed"] is False
    (change,) = out["irreversible"]
    assert change["urn"] == "urn:acct"
    assert change["message"] == CASE_RENAME.format(kind="Account", old="acct", new="ACCT")
    alone = stack_diff("s", entry([parent, child]), entry([parent, {**child, "urn": "urn:GPT-5.1", "name": "GPT-5.1"}]))
    assert [c["name"] for c in alone["irreversible"]] == ["gpt-5.1"]
    renamed = stack_diff("s", entry([parent, child]), entry([parent, {**child, "urn": "urn:chat", "name": "chat"}]))
    assert "irreversible" not in renamed  # a real rename: a new resource, the old one deleted


def test_a_removed_resource_retained_on_delete_says_azure_keeps_it():
    plan = res("azure-native:security:Pricing", "defender-ai", {"pricingName": "AI"}, retain_on_delete=True)
    (removed,) = stack_diff("s", entry([acct(), plan]), entry([acct()]))["resources"]["removed"]
    assert removed["warning"] == RETAINED and "Defender for AI plan stays on" in RETAINED


def test_a_budget_moved_to_another_scope_is_a_replacement():
    budget = res("azure-native:consumption:Budget", "budget", {"budgetName": "b", "scope": f"/subscriptions/{SUB}"})
    moved = {**budget, "props": {**budget["props"], "scope": "/subscriptions/00000000-0000-0000-0000-000000000002"}}
    (change,) = changed_of([budget], [moved])
    assert change["replace"] is True


def test_a_locked_deletion_of_another_kind_says_to_keep_that_kind():
    project = res(PROJECT, "p", {"accountName": "acct", "resourceGroupName": "rg-ai", "location": "swedencentral"})
    out = locked_diff([acct(), project, LOCK_RES], [acct(), LOCK_RES])
    assert out["locked"][0]["message"].endswith("or keep the Project")
