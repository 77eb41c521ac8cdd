"""Benchmark: wall time and peak memory of `foundry-iac plan` against a bare-program floor.

For N deployments (25 per account, one project with one member per account) it writes a stack file,
then runs, each in a fresh process and alternating, `foundry-iac plan STACK --format json` (the whole
plan: program under mocks, every policy, cost and quota ledger, JSON report) and
bare_program.py (the same Azure resources under the same SDK mocks, nothing else). It prints the
median wall time and peak RSS of each and our overhead over the floor, and, to tell what that
overhead is made of, the floor with the same FoundryAccount component tree ("comp") and the floor
under foundry-iac's lean runner settings ("lean": the SDK's own cost, below which no change to
foundry-iac's code can take a plan).

    .venv/bin/python benchmarks/bench_plan.py [--sizes 10 100 1000] [--repeat 3]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PER_ACCOUNT = 25


def stack_yaml(n: int) -> str:
    """A valid stack with n gpt-4o deployments, 25 per account."""
    lines = [
        "config:",
        "  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555",
        "  azure-native:location: eastus2",
        "  foundry-iac:environment: nonproduction",
        "  foundry-iac:resourceGroup: rg-bench",
        "  foundry-iac:tags: {owner: bench}",
        "  foundry-iac:accounts:",
    ]
    for a in range((n + PER_ACCOUNT - 1) // PER_ACCOUNT):
        lines += [
            f"    - name: fdy-bench-{a:03d}",
            "      network: {publicAccess: false}",
            "      projects:",
            "        - name: team",
            "          members:",
            "            - {principalId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, role: Foundry User}",
            "      deployments:",
        ]
        for d in range(min(PER_ACCOUNT, n - a * PER_ACCOUNT)):
            lines += [
                f"        - name: d{d:02d}",
                "          model: gpt-4o",
                '          version: "2024-11-20"',
                "          type: GlobalStandard",
                "          capacity: 10",
            ]
    return "\n".join(lines) + "\n"


def policy_config() -> dict:
    """The dev policy config, approving the benchmark's model and region, so every policy is evaluated."""
    config = json.loads((ROOT / "policies" / "config" / "dev.json").read_text())
    config["allowed-regions"] = {"allowedRegions": ["eastus2"]}
    config["approved-models"] = {"approvedModels": {"gpt-4o": ["2024-11-20"]}}
    config["cost-budget"] = {"maxBudgetUsd": 10_000_000, "basis": "expected"}
    config["required-tags"] = {"tags": ["owner"]}
    return config


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: the gate found violations, still a complete plan
        raise SystemExit(
            f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.read().decode()}"
        )
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("foundry-iac"))
    print(
        f"{'N':>6} {'resources':>9} | {'plan s':>8} {'bare s':>8} {'time +%':>8} | "
        f"{'plan MiB':>9} {'bare MiB':>9} {'mem +%':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "policy.json"
        policy.write_text(json.dumps(policy_config()))
        for n in args.sizes:
            stack = Path(tmp) / f"Pulumi.bench{n}.yaml"
            stack.write_text(stack_yaml(n))
            runs: dict[str, list[tuple[float, float]]] = {"ours": [], "bare": [], "comp": [], "lean": []}
            floor = [sys.executable, str(ROOT / "benchmarks" / "bare_program.py"), str(n)]
            for _ in range(args.repeat):  # alternate so machine noise hits all alike
                runs["ours"].append(
                    measure([exe, "plan", str(stack), "--format", "json", "--policy-config", str(policy)])
                )
                runs["bare"].append(measure(floor))
                runs["comp"].append(measure([*floor, "--components"]))
                runs["lean"].append(measure([*floor, "--components", "--lean"]))
            t = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
            m = {k: statistics.median(x for _, x in v) for k, v in runs.items()}
            accounts = (n + PER_ACCOUNT - 1) // PER_ACCOUNT
            count = 1 + accounts * 3 + n
            print(
                f"{n:>6} {count:>9} | {t['ours']:>8.2f} {t['bare']:>8.2f} "
                f"{100 * (t['ours'] / t['bare'] - 1):>+7.1f}% ({t['ours'] / t['bare']:.3f}x) | "
                f"{m['ours']:>9.1f} {m['bare']:>9.1f} {100 * (m['ours'] / m['bare'] - 1):>+6.1f}% | "
                f"comp {t['comp']:>6.2f} s {m['comp']:>6.1f} MiB, ours over comp "
                f"{100 * (t['ours'] / t['comp'] - 1):>+5.1f}% time {100 * (m['ours'] / m['comp'] - 1):>+5.1f}% mem | "
                f"lean floor {t['lean']:>5.2f} s {m['lean']:>6.1f} MiB (ours {t['ours'] - t['lean']:+.2f} s)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
