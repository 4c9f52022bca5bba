"""Sweep throughput and per-task overhead (not run by the tests).

Prints, for one fixed sweep over the baseline scenario:

- throughput in replication-days per second with 1 and 2 local worker processes, and the ratio
  (the target on a 2-core machine is at least 1.7);
- the same on a local Dask cluster (a scheduler and two one-thread workers started here);
- the per-task overhead: wall time per task of a sweep of tiny tasks, less the time the model itself
  takes for those tasks, in this process and on 2 local workers.

Usage::

    python benchmarks/bench_sweep.py [--points 8] [--replications 8000] [--no-dask]

Figures depend on the machine and on what else runs on it; run on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "pakistan_afghanistan_2025.yaml"


def sweep_file(directory: Path, points: int, replications: int, horizon: int, per_task: int) -> Path:
    values = ", ".join(f"{0.05 + 0.6 * k / max(points - 1, 1):.4f}" for k in range(points))
    path = directory / f"bench_{points}_{replications}_{horizon}_{per_task}.yaml"
    path.write_text(
        f"name: benchmark\nbase: {BASELINE}\nseed: 1\nreplications: {replications}\nhorizon_days: {horizon}\n"
        f"replications_per_task: {per_task}\n"
        f"parameters:\n  - path: actors.pakistan.trust.afghan_taliban.initial\n    values: [{values}]\n"
        "design: {method: grid}\noutcomes: {survival_days: [1]}\n", encoding="utf-8")
    return path


def timed_sweep(path: Path, out: Path, **kwargs) -> tuple[float, object]:
    from sim.sweep import load_sweep, run_sweep

    sweep = load_sweep(path)
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    outcome = run_sweep(sweep, out, **kwargs)
    seconds = time.perf_counter() - t0
    if outcome.status != "complete":
        raise RuntimeError(f"sweep {outcome.status}")
    return seconds, outcome


def start_dask(workdir: Path) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    dask = Path(sys.executable).with_name("dask")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                              cwd=workdir)]
    # One thread per worker and numpy pinned to it, as the README advises for real clusters.
    env = {**os.environ, **dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")}
    for _ in range(2):
        procs.append(subprocess.Popen([str(dask), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                       "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True, cwd=workdir, env=env))
    deadline = time.monotonic() + 60
    while True:
        try:
            with Client(address, timeout="5s") as client:
                client.wait_for_workers(2, timeout=60)
                # Warm the workers (imports) so the figure is the cluster's pace, not its start-up.
                client.run(lambda: __import__("sim.sweep.worker"))
            return address, procs
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def model_seconds(path: Path, tasks: int) -> float:
    """In-process time of run_task alone for the sweep's first ``tasks`` tasks (no sweep machinery)."""
    from sim.engine import Task, run_task
    from sim.sweep import load_sweep
    from sim.sweep.spec import apply
    from sim.sweep.tasks import plan, replications_per_task

    sweep = load_sweep(path)
    from sim.scenario.schema import Scenario

    total = 0.0
    for i, task in enumerate(plan(sweep, replications_per_task(sweep))):
        if i == tasks:
            break
        scenario = Scenario.model_validate(apply(sweep.base_data, sweep.overrides(task.point)))
        t0 = time.perf_counter()
        run_task(scenario, task.seed, Task(task.start, task.stop), sweep.horizon_days, 0)
        total += time.perf_counter() - t0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--replications", type=int, default=8000)
    parser.add_argument("--horizon", type=int, default=180)
    parser.add_argument("--no-dask", action="store_true")
    args, _ = parser.parse_known_args()  # run_all.py passes its own arguments to every benchmark
    work = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    try:
        path = sweep_file(work, args.points, args.replications, args.horizon, 4000)
        rep_days = args.points * args.replications * args.horizon
        print(f"sweep: {args.points} points x {args.replications:,} replications x {args.horizon} days "
              f"= {rep_days:,} replication-days, tasks of 4,000 replications, {os.cpu_count()} cores")
        rates = {}
        for label, kwargs in (("in-process (1 worker, no pool)", {"workers": 1}),):
            seconds, _ = timed_sweep(path, work / "out", **kwargs)
            rates[label] = rep_days / seconds
            print(f"  {label:34s} {seconds:7.2f} s  {rates[label]:12,.0f} replication-days/s")
        from sim.sweep.backends import LocalBackend
        from sim.sweep import load_sweep

        base = load_sweep(path).base_data
        warm = sweep_file(work, 4, 1000, 5, 1000)
        for workers in (1, 2):
            backend = LocalBackend(workers, base)
            try:
                label = f"local processes, {workers} worker{'s' if workers > 1 else ''}"
                # Start the workers first: the figure is the pace of a running pool (start-up is ~1 s, once).
                timed_sweep(warm, work / "warm", backend=backend)
                seconds, _ = timed_sweep(path, work / "out", backend=backend)
            finally:
                backend.close()
            rates[label] = rep_days / seconds
            print(f"  {label:34s} {seconds:7.2f} s  {rates[label]:12,.0f} replication-days/s")
        ratio = rates["local processes, 2 workers"] / rates["local processes, 1 worker"]
        print(f"  2 workers / 1 worker: {ratio:.2f}x (target >= 1.7 on 2 cores)")
        if not args.no_dask:
            address, procs = start_dask(work)
            try:
                timed_sweep(warm, work / "warm", scheduler=address)
                seconds, outcome = timed_sweep(path, work / "out", scheduler=address)
                rates["dask"] = rep_days / seconds
                print(f"  {'local Dask cluster, 2 workers':34s} {seconds:7.2f} s  {rates['dask']:12,.0f} "
                      f"replication-days/s ({outcome.slots} slots)")
            finally:
                stop(procs)

        # Per-task overhead: many tiny tasks (one block of 1,000 replications over 5 days).
        tiny_points = 60
        tiny = sweep_file(work, tiny_points, 1000, 5, 1000)
        timed_sweep(tiny, work / "tiny", workers=1)  # imports and caches, once
        model = model_seconds(tiny, tiny_points) / tiny_points
        seconds, _ = timed_sweep(tiny, work / "tiny", workers=1)
        print(f"per-task overhead ({tiny_points} tasks of 1,000 replications x 5 days; model alone "
              f"{1000 * model:.1f} ms/task):")
        print(f"  in-process: {1000 * (seconds / tiny_points - model):.1f} ms/task "
              "(validation of the point, statistics, task file with fsync, ledger, consolidation)")
        backend = LocalBackend(2, load_sweep(tiny).base_data)
        try:
            timed_sweep(tiny, work / "warm", backend=backend)  # start and warm the pool first
            seconds, _ = timed_sweep(tiny, work / "tiny2", backend=backend)
        finally:
            backend.close()
        print(f"  2 local workers: {1000 * (2 * seconds / tiny_points - model):.1f} ms/task of worker time "
              f"({1000 * seconds / tiny_points:.1f} ms wall per task)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
