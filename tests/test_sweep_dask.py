"""A sweep on a real Dask cluster (scheduler and two workers as separate processes) equals a local sweep."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim.sweep import load_sweep, run_sweep
from test_sweep import SMALL_GRID, write_sweep

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path: Path):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1; always torn down."""
    if not DASK.exists():
        pytest.skip(f"no dask executable next to {sys.executable}")
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, env=env, cwd=tmp_path)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--host", "127.0.0.1", "--no-dashboard"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True, env=env, cwd=tmp_path))
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield address
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_dask_cluster_gives_the_same_table_as_local_processes(tmp_path: Path, dask_cluster: str):
    path = write_sweep(tmp_path, SMALL_GRID + "replications_per_task: 1000\n")
    sweep = load_sweep(path)
    local = run_sweep(sweep, tmp_path / "local", workers=2)
    remote = run_sweep(sweep, tmp_path / "dask", scheduler=dask_cluster)
    assert local.status == remote.status == "complete"
    assert remote.backend == "dask" and remote.slots == 2 and remote.tasks_run == 12
    assert_frame_equal(pd.read_parquet(tmp_path / "dask" / "results.parquet"),
                       pd.read_parquet(tmp_path / "local" / "results.parquet"), check_exact=True)
    # The tasks ran in the worker processes, not in this one (their records name the process).
    pids = {pd.read_parquet(p)["worker_pid"].iloc[0] for p in (tmp_path / "dask" / "tasks").glob("*.parquet")}
    assert pids and os.getpid() not in pids
