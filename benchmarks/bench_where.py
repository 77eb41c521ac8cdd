"""Benchmark: `where` offline, for every model of the catalog over every region it is offered in.

For each model: the rows judged and the time of `where.find` in this process (catalog, stack and policy
config reading included, imports not), without a stack (`--residency none`) and under each example stack
(its policy config, accounts, budget and the cross-stack quota ledger). Then one `foundry-iac where` in a
fresh process (interpreter start and imports included), as a user runs it. Target: every model under 1 s.

    .venv/bin/python benchmarks/bench_where.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("foundry-iac"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FOUNDRY_IAC_TODAY", "2026-12-03")
from components.catalog import load_catalog  # noqa: E402
from foundry_iac.engine.stacks import all_stacks  # noqa: E402
from foundry_iac.engine.where import WhereQuery, find  # noqa: E402
from policies import waivers  # noqa: E402


def timed(query: WhereQuery, repeat: int) -> tuple[float, int]:
    """Median seconds of `find` and the rows it judged."""
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(find(query, ROOT, waivers.today()).rows)
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    stacks = all_stacks(ROOT)
    scopes = [("none", None), *((ref.name, ref) for ref in stacks)]
    print(f"{'model':32} {'rows':>5} " + " ".join(f"{name:>9}" for name, _ in scopes))
    worst = 0.0
    for model in sorted(load_catalog().models):
        cells, rows = [], 0
        for _, ref in scopes:
            query = WhereQuery(model=model, stack=ref, capacity=100, tokens=(100_000_000, 20_000_000))
            seconds, rows = timed(query, args.repeat)
            worst = max(worst, seconds)
            cells.append(f"{seconds * 1000:7.0f}ms")
        print(f"{model:32} {rows:5} " + " ".join(cells))
    print(f"slowest model and scope: {worst * 1000:.0f} ms ({'within' if worst < 1 else 'OVER'} the 1 s target)")
    argv = [EXE, "where", "gpt-5.1", "--stack", "prod-eu", "--capacity", "200", "--tokens", "400000000,80000000"]
    walls = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
    print(f"fresh process, `foundry-iac where gpt-5.1 --stack prod-eu ...`: {statistics.median(walls):.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
