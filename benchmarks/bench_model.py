"""Speed and memory of the model on the baseline scenario (issue targets in brackets).

Prints:
- replication-days per second, vectorized, with 1 and 2 processes [>= 3 million with 2];
- the same model run one replication at a time (R = 1 instances in a loop), and the ratio [>= 100x];
- 1,000,000 replications x 180 days: wall time [< 60 s] and peak memory of the process tree
  [< 1.5 GiB, not growing with the replication count: compared with 200,000 replications];
- `ceasefire run` of the baseline with 10,000 replications, start-up included [< 3 s].

Run: ./dev bench   (or: .venv/bin/python benchmarks/bench_model.py [--quick])
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "pakistan_afghanistan_2025.yaml"


def _tree_rss_bytes(pid: int) -> int:
    """Memory of a process and all its descendants, from /proc.

    Proportional set size (PSS): pages shared between the forked workers are
    divided among them rather than counted once per process.
    """
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class PeakMemory:
    """Samples the process tree's memory (PSS) every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss_bytes(os.getpid()))
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def vectorized(scenario, n: int, workers: int) -> float:
    import sim

    start = time.perf_counter()
    sim.run(scenario, n_replications=n, seed=1, workers=workers, keep_replications=False)
    return n * scenario.horizon_days / (time.perf_counter() - start)


def one_at_a_time(scenario, n: int) -> float:
    from sim.model.model import CeasefireModel

    start = time.perf_counter()
    for rep in range(n):
        CeasefireModel(scenario, seed=1, replications=np.array([rep])).run()
    return n * scenario.horizon_days / (time.perf_counter() - start)


def large_run(scenario, n: int, workers: int) -> tuple[float, int]:
    import sim

    with PeakMemory() as mem:
        start = time.perf_counter()
        sim.run(scenario, n_replications=n, seed=1, workers=workers, keep_replications=False,
                trajectory_replications=1000)
        elapsed = time.perf_counter() - start
    return elapsed, mem.peak


def large_run_in_fresh_process(n: int, workers: int) -> tuple[float, int]:
    """Run :func:`large_run` in a new interpreter, so that its peak memory is its own."""
    proc = subprocess.run([sys.executable, __file__, "--large", str(n), "--workers", str(workers)],
                          check=True, capture_output=True, text=True)
    elapsed, peak = proc.stdout.split()
    return float(elapsed), int(peak)


def cli_run() -> float:
    exe = Path(sys.executable).parent / "ceasefire"
    start = time.perf_counter()
    subprocess.run([str(exe), "run", str(BASELINE), "--replications", "10000", "--seed", "1", "--json"],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-replication run")
    parser.add_argument("--large", type=int, help=argparse.SUPPRESS)  # internal: one large run, print figures
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args()

    import sim

    scenario = sim.load_scenario(BASELINE)
    if args.large:
        elapsed, peak = large_run(scenario, args.large, workers=args.workers)
        print(elapsed, peak)
        return
    print(f"machine: {os.cpu_count()} cores; baseline horizon {scenario.horizon_days} days")
    sim.run(scenario, n_replications=1000, seed=1)  # warm caches and imports

    v1 = vectorized(scenario, 50_000, workers=1)
    v2 = vectorized(scenario, 100_000, workers=2)
    single = one_at_a_time(scenario, 100)
    print(f"vectorized, 1 process : {v1 / 1e6:6.2f} million replication-days/s")
    print(f"vectorized, 2 processes: {v2 / 1e6:6.2f} million replication-days/s   [target >= 3]")
    print(f"one at a time (R = 1)  : {single / 1e3:6.2f} thousand replication-days/s")
    print(f"ratio (1 process)      : {v1 / single:6.0f}x                        [target >= 100]")

    t_cli = cli_run()
    print(f"`ceasefire run` 10,000 replications: {t_cli:5.2f} s, start-up included   [target < 3]")

    if not args.quick:
        t_small, m_small = large_run_in_fresh_process(200_000, workers=2)
        t_large, m_large = large_run_in_fresh_process(1_000_000, workers=2)
        print(f"200,000 x 180 days, 2 processes  : {t_small:5.1f} s, peak memory {m_small / 2**30:4.2f} GiB")
        print(f"1,000,000 x 180 days, 2 processes: {t_large:5.1f} s, peak memory {m_large / 2**30:4.2f} GiB"
              "   [targets < 60 s, < 1.5 GiB]")


if __name__ == "__main__":
    main()
