"""Benchmark: the largest stack files the gate accepts, and the worst it refuses.

Azure's own limits and foundry-iac's stack-size budget (components/config/limits.py) are checked on the
parsed stack file before the program runs. This prints, for each case, `foundry-iac check` wall time, CPU
and peak RSS in a fresh process (interpreter start and imports included), the resources the program
registers, the exit code and the size of its output:
- accepted at the budget (MAX_RESOURCES_PER_STACK resources), in its worst shapes: the most members
  (one account, one project), and the most deployments (as many accounts of 32 deployments as fit, the
  rest members); and one account at Azure's 32 deployments;
- accepted at the budget, in the shapes the program registers as one long `depends_on` chain (Azure
  serializes the writes under an account): prod-eu with as many managed-network FQDN rules as fit, also
  judged against a policy config allowing 30,000 FQDNs (egress-restricted); one project with as many
  connections as fit; one content filter blocklist with as many items as fit;
- refused: one resource past the budget; a 1 MiB stack file with one more member than the RBAC limit
  allows (thousands of role assignments); and a policy config approving ~20,000 models against a stack
  whose deployments are not approved (each violation names a few models and "and N more").

The machine's 1-minute load average is printed before and after: figures on a loaded machine are high.

    .venv/bin/python benchmarks/bench_limits.py [--repeat 3] [--only WORD]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("foundry-iac"))
sys.path.insert(0, str(ROOT))
from components.config.limits import (  # noqa: E402
    MAX_DEPLOYMENTS_PER_ACCOUNT,
    MAX_RESOURCES_PER_STACK,
    MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION,
    planned_resource_count,
)
from components.inputs import MAX_INPUT_BYTES  # noqa: E402
from components.stack import ConfigError, load_stack_file  # noqa: E402

HEAD = """\
config:
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  azure-native:location: eastus2
  foundry-iac:environment: nonproduction
  foundry-iac:resourceGroup: rg-bench
  foundry-iac:tags: {owner: bench}
  foundry-iac:accounts:
"""
ROLES = ("Azure AI User", "Azure AI Developer", "Azure AI Project Manager")


def member(index: int) -> str:
    return f"            - {{principalId: {uuid.UUID(int=index + 1)}, role: {ROLES[index % 3]}}}\n"


def deployment(index: int) -> str:
    return (
        f"        - {{name: d{index:02d}, model: gpt-4o, version: '2024-11-20', type: GlobalStandard, capacity: 1}}\n"
    )


def stack(accounts: int, deployments: int, members: int, pad_to: int = 0) -> str:
    """A stack file: `accounts` accounts in eastus2, each with `deployments` deployments; `members` members
    on the first account's project; padded with comment lines to `pad_to` bytes (the file-size limit)."""
    text = HEAD
    for a in range(accounts):
        text += f"    - name: fdy-bench-{a:03d}\n      network: {{publicAccess: false}}\n"
        if a == 0 and members:
            text += "      projects:\n        - name: team\n          members:\n"
            text += "".join(member(i) for i in range(members))
        text += "      deployments:\n" + "".join(deployment(d) for d in range(deployments))
    if pad_to > len(text):
        line = "# " + "x" * 77 + "\n"
        text += line * ((pad_to - len(text)) // len(line))
    return text


def policy_config(approved_models: int = 0) -> dict:
    """The dev policy config for the benchmark's region and model (or `approved_models` other names only)."""
    config = json.loads((ROOT / "policies" / "config" / "dev.json").read_text())
    config["allowed-regions"] = {"allowedRegions": ["eastus2"]}
    models = {"gpt-4o": ["2024-11-20"]}
    if approved_models:
        models = {f"approved-model-{i:05d}": [] for i in range(approved_models)}
    config["approved-models"] = {"approvedModels": models}
    config["cost-budget"] = {"maxBudgetUsd": 10_000_000, "basis": "expected"}
    config["required-tags"] = {"tags": ["owner"]}
    return config


def measure(cmd: list[str]) -> tuple[float, float, float, int, int, int]:
    """(wall s, CPU s, peak RSS MiB, exit code, stdout bytes, stderr bytes) of one child process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        return (
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status),
            out.seek(0, 2),
            err.seek(0, 2),
        )


def budget_shapes() -> list[tuple[str, str]]:
    """The accepted stacks at the budget: the most members, and the most deployments (full accounts)."""
    budget, per_account = MAX_RESOURCES_PER_STACK, 2 + MAX_DEPLOYMENTS_PER_ACCOUNT  # component, account, deployments
    # 1 resource group, 1 account (component, account, 1 deployment), 1 project, the members
    most_members = stack(1, 1, budget - 5)
    accounts = (budget - 3) // per_account  # leave room for the project and a member
    most_deployments = stack(accounts, MAX_DEPLOYMENTS_PER_ACCOUNT, budget - 2 - accounts * per_account)
    return [
        (f"accepted: budget, {budget - 5:,} members", most_members),
        (f"accepted: budget, {accounts} accounts x {MAX_DEPLOYMENTS_PER_ACCOUNT} deployments", most_deployments),
    ]


PROD_EU = ROOT / "stacks" / "Pulumi.prod-eu.yaml"
SUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-data"


def prod_eu_rules(count: int) -> str:
    """prod-eu (whose managed network's outbound list ends the file) with `count` more FQDN rules."""
    text = PROD_EU.read_text()
    return text + "".join(
        f"          - {{name: bench-{i:04d}, fqdn: h{i:04d}.api.contoso.example}}\n" for i in range(count)
    )


def egress_config(rules: int, extra: int = 0) -> dict:
    """prod-eu's policy config allowing `extra` FQDNs (half wildcards), then the hosts of `rules` bench rules (last:
    a matcher that tries the entries in order tries them all)."""
    config = json.loads((ROOT / "policies" / "config" / "prod-eu.json").read_text())
    fqdns = [f"*.zone{i:05d}.example" for i in range(extra // 2)]
    fqdns += [f"other{i:05d}.contoso.example" for i in range(extra - extra // 2)]
    fqdns += ["orders.api.contoso.example", *(f"h{i:04d}.api.contoso.example" for i in range(rules))]
    config["egress-restricted"]["allowedFqdns"] = fqdns
    return config


def connection(index: int) -> str:
    storage = f"stbench{index:05d}"
    return (
        f"            - {{name: c{index:04d}, kind: AzureBlobStorage, "
        f"target: https://{storage}.blob.core.windows.net/, "
        f"resourceId: {SUB}/providers/Microsoft.Storage/storageAccounts/{storage}}}\n"
    )


def with_connections(count: int) -> str:
    """One account, one deployment, one project with one member and `count` connections."""
    text = stack(1, 1, 1)
    marker = "      deployments:\n"
    return text.replace(marker, "          connections:\n" + "".join(map(connection, range(count))) + marker, 1)


def with_blocklist(count: int) -> str:
    """One account, one deployment, one content filter whose one blocklist has `count` items."""
    text = stack(1, 1, 0)
    items = "".join(f"                - {{pattern: blocked-{i:05d}}}\n" for i in range(count))
    block = "      contentFilters:\n        - name: bench\n          blocklists:\n            - name: words\n"
    return text.replace("      deployments:\n", block + "              items:\n" + items + "      deployments:\n", 1)


def chain_shapes() -> list[tuple[str, str, dict | None]]:
    """The long write chains at the budget (accepted) and one resource past it (refused)."""
    budget = MAX_RESOURCES_PER_STACK
    rules = budget - 63  # prod-eu registers 63 resources
    connections = budget - 6  # resource group, component, account, deployment, project, member
    items = budget - 6  # resource group, component, account, deployment, filter, blocklist
    return [
        (f"accepted: prod-eu + {rules} FQDN rules", prod_eu_rules(rules), egress_config(rules)),
        ("accepted: that, 30,000 more allowed FQDNs", prod_eu_rules(rules), egress_config(rules, 30_000)),
        (f"refused: prod-eu + {rules + 1} FQDN rules", prod_eu_rules(rules + 1), egress_config(rules + 1)),
        (f"accepted: {connections} connections", with_connections(connections), None),
        (f"refused: {connections + 1} connections", with_connections(connections + 1), None),
        (f"accepted: {items} blocklist items", with_blocklist(items), None),
        (f"refused: {items + 1} blocklist items", with_blocklist(items + 1), None),
    ]


def planned(text: str, folder: str) -> str:
    """The resources the program registers for a stack file, or "refused" before it runs."""
    path = Path(folder) / "Pulumi.count.yaml"
    path.write_text(text)
    try:
        return f"{planned_resource_count(load_stack_file(path).config):,}"
    except ConfigError:
        return "refused"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the median wall and CPU are printed")
    parser.add_argument("--only", default="", help="run only the cases whose label contains this text")
    args = parser.parse_args()
    rbac = MAX_ROLE_ASSIGNMENTS_PER_SUBSCRIPTION
    cases = [
        *((label, text, 0) for label, text in budget_shapes()),
        *chain_shapes(),
        (
            f"accepted: 1 account, {MAX_DEPLOYMENTS_PER_ACCOUNT} deployments",
            stack(1, MAX_DEPLOYMENTS_PER_ACCOUNT, 1),
            0,
        ),
        ("refused: budget + 1 resource", stack(1, 1, MAX_RESOURCES_PER_STACK - 4), 0),
        (f"refused: 1 MiB file, {rbac + 1:,} members", stack(1, 1, rbac + 1, pad_to=MAX_INPUT_BYTES - 100), 0),
        ("refused: 20,000 approved models, none deployed", stack(1, MAX_DEPLOYMENTS_PER_ACCOUNT, 1), 20_000),
    ]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    print(
        f"{'case':<46} {'file':>9} {'res.':>7} {'exit':>4} {'wall s':>7} {'CPU s':>6} {'RSS MiB':>8} "
        f"{'out B':>8} {'err B':>6}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for label, text, policy in cases:
            if args.only not in label:
                continue
            path = Path(folder) / "Pulumi.bench.yaml"
            path.write_text(text)
            config = Path(folder) / "policy.json"
            config.write_text(json.dumps(policy if isinstance(policy, dict) else policy_config(policy or 0)))
            cmd = [EXE, "check", str(path), "--policy-config", str(config), "--format", "json"]
            runs = [measure(cmd) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = statistics.median(r[2] for r in runs)
            code, out, err = runs[-1][3:]
            count = planned(text, folder)
            print(
                f"{label:<46} {len(text):>9,} {count:>7} {code:>4} {wall:>7.2f} {cpu:>6.2f} {rss:>8.0f} "
                f"{out:>8,} {err:>6,}"
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
