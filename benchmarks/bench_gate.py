"""Benchmark: wall time of the whole gate over every example stack, cold.

Each run is a new process (interpreter start and imports included), as CI and reviewers run it:
`foundry-iac check --format json`. Prints every run and the median. Target: under 3 s on 2 cores.

    .venv/bin/python benchmarks/bench_gate.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Run the gate cold several times and print the wall times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("foundry-iac"))
    stacks = sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        done = subprocess.run([exe, "check", "--format", "json"], cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"gate failed ({done.returncode}): {done.stderr.decode()}")
    print(f"gate over {len(stacks)} stacks ({', '.join(stacks)}), cold, {args.repeat} runs")
    print("runs (s): " + " ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
