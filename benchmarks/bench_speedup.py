"""Throughput of this tree against an earlier commit, side by side in one run.

The earlier commit is checked out in a temporary git worktree; each measurement
runs in a fresh interpreter with ``PYTHONPATH`` pointing at one tree, using
this tree's virtual environment for both, and the two trees alternate so that
both see the same machine load. Reported: replication-days per second of the
baseline with 1 and 2 worker processes (pool start-up included), the best of
``--rounds`` for each, and the ratio.

Default reference: the kernel before its refactor into explicit stacked state
(issue 8, target >= 1.5x with 2 processes).

Run: .venv/bin/python benchmarks/bench_speedup.py [--ref COMMIT] [--replications N] [--rounds K]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL_BEFORE_REFACTOR = "d33d2e4"

MEASURE = r"""
import sys, time
import sim
scenario = sim.load_scenario(sys.argv[1])
n, workers = int(sys.argv[2]), int(sys.argv[3])
sim.run(scenario, n_replications=1000, seed=1)  # imports and caches
start = time.perf_counter()
sim.run(scenario, n_replications=n, seed=1, workers=workers, keep_replications=False)
print(n * scenario.horizon_days / (time.perf_counter() - start))
"""


def measure(tree: Path, n: int, workers: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    scenario = tree / "scenarios" / "pakistan_afghanistan_2025.yaml"
    out = subprocess.run([sys.executable, "-c", MEASURE, str(scenario), str(n), str(workers)], cwd=tree, env=env,
                         check=True, capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=KERNEL_BEFORE_REFACTOR, help="earlier commit to compare with")
    parser.add_argument("--replications", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "reference"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.ref], check=True,
                       capture_output=True)
        try:
            print(f"reference {args.ref} vs this tree; baseline, {args.replications:,} replications, "
                  f"best of {args.rounds}")
            for workers in (1, 2):
                best = {"reference": 0.0, "this tree": 0.0}
                for _ in range(args.rounds):
                    for name, tree in (("reference", old), ("this tree", ROOT)):
                        best[name] = max(best[name], measure(tree, args.replications, workers))
                print(f"{workers} process{'es' if workers > 1 else '  '}: reference {best['reference'] / 1e6:5.2f}, "
                      f"this tree {best['this tree'] / 1e6:5.2f} million replication-days/s, "
                      f"ratio {best['this tree'] / best['reference']:4.2f}x")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False,
                           capture_output=True)


if __name__ == "__main__":
    main()
