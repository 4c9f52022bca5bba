"""Signals and orphans (issue 11): SIGTERM and SIGINT end a command within seconds with one line and exit
143 or 130; after kill -9 no worker, forkserver or resource tracker is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenario_data import BASELINE

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

CEASEFIRE = Path(sys.executable).with_name("ceasefire")


def session_processes(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``: the command and everything it started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found


def start(tmp_path: Path, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([str(CEASEFIRE), *args], cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # main process, forkserver, resource tracker and two workers
    while len(session_processes(proc.pid)) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(session_processes(proc.pid)) >= 5, "workers did not start"
    time.sleep(0.5)
    return proc


def gone_within(sid: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return session_processes(sid)


def finish(proc: subprocess.Popen, seconds: float = 15) -> tuple[int, str]:
    rc = proc.wait(seconds)
    err = proc.stderr.read().decode() if gone_within(proc.pid, 10) == [] else "(processes left)"
    proc.stderr.close()
    return rc, err


def sweep_file(tmp_path: Path) -> Path:
    path = tmp_path / "sw.yaml"
    path.write_text(f"name: signals\nbase: {BASELINE}\nseed: 3\nreplications: 8000\nparameters:\n"
                    "  - path: actors.ttp.ideological_alignment\n    values: [0.1, 0.3, 0.5, 0.7, 0.9]\n"
                    "design: {method: grid}\n")
    return path


def test_sigterm_ends_a_run_in_seconds_with_exit_143(tmp_path: Path) -> None:
    proc = start(tmp_path, "run", str(BASELINE), "-n", "400000", "--workers", "2", "--out", "res")
    t0 = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    rc, err = finish(proc)
    assert time.monotonic() - t0 < 10
    assert rc == 143
    assert err.strip() == "interrupted by SIGTERM: nothing was written to res; run the command again to get its results"
    assert not (tmp_path / "res").exists()
    assert not list(tmp_path.glob(".res.*.tmp"))


def test_ctrl_c_to_the_process_group_ends_a_run_with_exit_130(tmp_path: Path) -> None:
    proc = start(tmp_path, "run", str(BASELINE), "-n", "400000", "--workers", "2")
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: every process of the group gets it
    rc, err = finish(proc)
    assert rc == 130
    assert err.strip().startswith("interrupted by Ctrl-C (SIGINT)") and "Traceback" not in err


def test_kill_9_of_a_run_leaves_no_orphans(tmp_path: Path) -> None:
    proc = start(tmp_path, "run", str(BASELINE), "-n", "400000", "--workers", "2")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert gone_within(proc.pid, 10) == []
    proc.stderr.close()


def test_sigterm_then_kill_9_of_a_sweep_leave_no_orphans_and_resume_completes(tmp_path: Path) -> None:
    path = sweep_file(tmp_path)
    proc = start(tmp_path, "sweep", str(path), "--workers", "2", "--out", "sw")
    os.kill(proc.pid, signal.SIGTERM)
    rc, err = finish(proc)
    assert rc == 143
    assert "interrupted" in err and "--resume" in err and "Traceback" not in err
    proc = start(tmp_path, "sweep", str(path), "--workers", "2", "--out", "sw", "--resume")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert gone_within(proc.pid, 10) == []
    proc.stderr.close()
    done = subprocess.run([str(CEASEFIRE), "sweep", str(path), "--workers", "2", "--out", "sw", "--resume"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sw" / "results.parquet").is_file()


def test_a_second_ctrl_c_stops_at_once_without_traceback_or_orphans(tmp_path: Path) -> None:
    path = sweep_file(tmp_path)
    proc = start(tmp_path, "sweep", str(path), "--workers", "2", "--out", "sw")
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)
    rc, err = finish(proc)
    assert rc == 130
    assert "Traceback" not in err and err != "(processes left)"


def test_ctrl_c_during_start_up_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.Popen([str(CEASEFIRE), "run", str(BASELINE), "-n", "1000"], cwd=tmp_path,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.4)  # after the interpreter is up, while numpy, pandas and the model are imported
    os.killpg(proc.pid, signal.SIGINT)
    rc, err = finish(proc)
    assert rc in (0, 130)  # 0 only if start-up and the run beat the signal
    assert "Traceback" not in err
    if rc == 130:
        assert len(err.strip().splitlines()) == 1, err
