"""Benchmark: the gate, cold, against Checkov on the same estate, and the cost of each extra stack.

Every run is a new process (interpreter start and imports included), as CI and reviewers run them.
1. The three example stacks: `foundry-iac check --format json` against `checkov --framework arm` on
   their `plan --format arm` exports (when Checkov is installed: the `interop` extra, or CHECKOV=path).
2. The generated 1,000-deployment estate (benchmarks/bench_plan.py's stack): `foundry-iac plan`
   against Checkov on its ARM export.
3. `check` over 1, 3, 12 and 36 stacks (copies of the examples): wall and CPU time, and CPU per extra
   stack (the ledger must not re-read siblings per stack).
Runs alternate so machine noise hits both alike; medians, ratios and peak RSS are printed.

    .venv/bin/python benchmarks/bench_gate.py [--repeat 3] [--skip-scaling]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_plan import policy_config, stack_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("foundry-iac"))


def measure(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def checkov() -> str | None:
    """The Checkov executable, when installed."""
    return os.environ.get("CHECKOV") or shutil.which("checkov") or shutil.which("checkov", path=str(Path(EXE).parent))


def export(argv: list[str], target: Path) -> None:
    """Write `plan ... --format arm` to target (not timed)."""
    done = subprocess.run([EXE, "plan", *argv, "--format", "arm", "--output", str(target)], cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ARM export failed: {argv}")


def compare(label: str, ours: list[str], folder: Path, repeat: int, scanner: str | None) -> None:
    """Alternate our command and Checkov on `folder`; print medians and the ratio."""
    runs: dict[str, list[tuple[float, float, float]]] = {"gate": [], "checkov": []}
    # --skip-download: Checkov at its best offline (else it first tries Prisma Cloud's guidelines API, ~50 ms here)
    theirs = [
        scanner or "",
        "-d",
        str(folder),
        "--framework",
        "arm",
        "--skip-download",
        "--quiet",
        "--compact",
        "-o",
        "json",
    ]
    for _ in range(repeat):
        runs["gate"].append(measure(ours))
        if scanner:
            runs["checkov"].append(measure(theirs))
    wall = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items() if v}
    rss = {k: statistics.median(m for _, _, m in v) for k, v in runs.items() if v}
    line = f"{label:<34} gate {wall['gate']:6.2f} s {rss['gate']:6.1f} MiB"
    if scanner:
        line += (
            f" | checkov {wall['checkov']:6.2f} s {rss['checkov']:6.1f} MiB | gate/checkov "
            f"{wall['gate'] / wall['checkov']:.2f}x"
        )
    else:
        line += " | checkov not installed (pip install '.[interop]')"
    print(line, flush=True)


def scaling(repeat: int) -> None:
    """`check` over 1, 3, 12 and 36 stacks (copies of the examples, each with its example's policy config)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("__main__.py", "Pulumi.yaml", "components", "quotas", "schema"):
            (root / name).symlink_to(ROOT / name)
        (root / "policies" / "config").mkdir(parents=True)
        for item in (ROOT / "policies").iterdir():
            if item.name != "config":
                (root / "policies" / item.name).symlink_to(item)
        (root / "stacks").mkdir()
        examples = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
        results = []
        for count in (1, 3, 12, 36):
            for folder in (root / "stacks", root / "policies" / "config"):
                for old in folder.iterdir():
                    old.unlink()
            for i in range(count):
                source = examples[i % len(examples)]
                name = source.name.split(".")[1]
                (root / "stacks" / f"Pulumi.{name}-{i}.yaml").write_text(source.read_text())
                config = (ROOT / "policies" / "config" / f"{name}.json").read_text()
                (root / "policies" / "config" / f"{name}-{i}.json").write_text(config)
            runs = [measure([EXE, "check", "--format", "json"], cwd=root) for _ in range(repeat)]
            wall = statistics.median(w for w, _, _ in runs)
            cpu = statistics.median(c for _, c, _ in runs)
            results.append((count, wall, cpu))
            print(f"check over {count:>2} stack(s): wall {wall:6.2f} s, CPU {cpu:6.2f} s", flush=True)
        (first, _, cpu1), (last, _, cpu_n) = results[0], results[-1]
        print(f"CPU per extra stack: {(cpu_n - cpu1) / (last - first):.3f} s (target <= 0.2 s)")


def main() -> int:
    """Run the comparisons and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    scanner = checkov()
    print(f"load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs; Checkov: {scanner or 'absent'}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "examples"
        folder.mkdir()
        stacks = sorted(p.name.split(".")[1] for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
        for stack in stacks:
            export([stack], folder / f"{stack}.json")
        compare(f"{len(stacks)} example stacks", [EXE, "check", "--format", "json"], folder, args.repeat, scanner)
        big = Path(tmp) / "big"
        big.mkdir()
        stack = Path(tmp) / "Pulumi.bench1000.yaml"
        stack.write_text(stack_yaml(1000))
        policy = Path(tmp) / "policy.json"
        policy.write_text(json.dumps(policy_config()))
        export([str(stack), "--policy-config", str(policy)], big / "bench1000.json")
        ours = [EXE, "plan", str(stack), "--format", "json", "--policy-config", str(policy)]
        compare("1,000 deployments (40 accounts)", ours, big, args.repeat, scanner)
    if not args.skip_scaling:
        scaling(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
