"""The command line when its output is not a terminal (a pipe, a log, a notebook), and its progress."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from scenario_data import BASELINE
from sim.cli import NON_TERMINAL_WIDTH, CleanConsole, app, register_commands

register_commands()
runner = CliRunner()

LONG_NAME = "Pakistan-Afghanistan ceasefire with a long descriptive name that an 80-column table would squeeze"
LINE = re.compile(r"^Running \S+: ([\d,]+)/([\d,]+) replications \((\d+)%\)")


def long_named(tmp_path: Path) -> Path:
    path = tmp_path / "long.yaml"
    path.write_text(f"extends: {BASELINE}\nname: {LONG_NAME}\n", encoding="utf-8")
    return path


def test_compare_table_keeps_full_scenario_names_when_piped(tmp_path: Path):
    # CliRunner's stdout is not a terminal; rich would assume 80 columns and wrap or cut the name.
    res = runner.invoke(app, ["compare", str(BASELINE), str(long_named(tmp_path)), "-n", "1000", "--seed", "2",
                              "--horizon", "30"])
    assert res.exit_code == 0, res.output
    rows = [line for line in res.stdout.splitlines() if LONG_NAME in line]
    assert rows, res.stdout  # the whole name on one line of the table
    assert "…" not in res.stdout


def test_run_through_a_real_pipe_keeps_table_rows_whole(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "compare", str(BASELINE), str(long_named(tmp_path)),
                           "-n", "500", "--seed", "1", "--horizon", "10", "--workers", "1"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert any(LONG_NAME in line for line in proc.stdout.splitlines()), proc.stdout


def test_console_is_wide_off_a_terminal_and_unchanged_on_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    piped = CleanConsole(file=io.StringIO())
    assert piped.width == NON_TERMINAL_WIDTH
    terminal = CleanConsole(file=io.StringIO(), force_terminal=True)
    assert terminal.width == Console(file=io.StringIO(), force_terminal=True).width
    monkeypatch.setenv("COLUMNS", "100")
    assert CleanConsole(file=io.StringIO()).width == 100  # an explicit width wins


def test_progress_lines_on_stderr_when_it_is_not_a_terminal():
    env = {**os.environ, "CEASEFIRE_PROGRESS_INTERVAL": "0.05"}
    env.pop("CEASEFIRE_PROGRESS", None)
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(BASELINE), "-n", "4000", "--seed", "1",
                           "--workers", "1", "--json"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = [m for m in (LINE.match(line) for line in proc.stderr.splitlines()) if m]
    assert lines, proc.stderr
    done = [int(m.group(1).replace(",", "")) for m in lines]
    assert all(int(m.group(2).replace(",", "")) == 4000 for m in lines)
    assert done == sorted(done) and done[-1] == 4000
    assert proc.stderr.rstrip().endswith("done")
    assert "\r" not in proc.stderr and "\x1b" not in proc.stderr  # plain lines, no bar drawing


def test_no_progress_lines_when_turned_off():
    env = {**os.environ, "CEASEFIRE_PROGRESS_INTERVAL": "0.05", "CEASEFIRE_PROGRESS": "0"}
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(BASELINE), "-n", "2000", "--seed", "1",
                           "--workers", "1", "--json"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert not any(LINE.match(line) for line in proc.stderr.splitlines()), proc.stderr


def test_progress_advances_within_a_single_task(baseline):
    # 10,000 replications are one task: progress used to come once, at the end (0 -> 100%).
    from sim.engine import simulate

    seen: list[int] = []
    simulate(baseline, n_replications=10_000, seed=3, horizon_days=40, progress=lambda d, n: seen.append(d))
    assert seen == sorted(seen) and seen[-1] == 10_000
    assert len([d for d in seen if 0 < d < 10_000]) >= 5, seen


def test_progress_advances_on_worker_processes(baseline):
    from sim.engine import simulate

    seen: list[int] = []
    simulate(baseline, n_replications=4000, seed=3, horizon_days=30, workers=2, replications_per_task=2000,
             progress=lambda d, n: seen.append(d))
    assert seen == sorted(seen) and seen[-1] == 4000


def test_progress_with_a_callback_changes_no_outcome(baseline):
    from sim.engine import simulate

    plain = simulate(baseline, n_replications=1500, seed=11, horizon_days=60)
    watched = simulate(baseline, n_replications=1500, seed=11, horizon_days=60, progress=lambda d, n: None)
    assert (plain.breakdown_histogram == watched.breakdown_histogram).all()
    assert (plain.status_counts == watched.status_counts).all()
    assert plain.sums == watched.sums and plain.cause_counts == watched.cause_counts


def test_progress_line_reports_count_rate_and_time_left():
    from sim.progress import Progress

    console = CleanConsole(file=io.StringIO())
    progress = Progress("Running x.yaml", console, total=1000, enabled=False)
    progress.update(0, 1000)
    progress._baseline = (progress._baseline[0] - 2.0, 0)  # two seconds ago
    progress.update(500, 1000)
    line = progress.line()
    assert line.startswith("Running x.yaml: 500/1,000 replications (50%)"), line
    assert re.search(r", \d+ replications/s, elapsed \d:\d\d:\d\d, about 0:00:0\d left$", line), line


@pytest.mark.parametrize(("env", "terminal", "mode"), [
    ({}, True, "bar"), ({}, False, "lines"), ({"CEASEFIRE_PROGRESS": "1"}, False, "bar"),
    ({"CEASEFIRE_PROGRESS": "lines"}, True, "lines"), ({"CEASEFIRE_PROGRESS": "0"}, True, "off")])
def test_progress_mode(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], terminal: bool, mode: str):
    from sim.progress import progress_mode

    monkeypatch.delenv("CEASEFIRE_PROGRESS", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert progress_mode(terminal) == mode


def test_run_dashboard_says_where_the_page_is(tmp_path: Path):
    out = tmp_path / "res"
    res = runner.invoke(app, ["run", str(BASELINE), "-n", "1000", "--seed", "1", "--horizon", "30", "--out", str(out),
                              "--dashboard"])
    assert res.exit_code == 0, res.output
    page = out / "dashboard.html"
    assert page.is_file()
    assert f"Dashboard written to {page}" in res.stdout
    as_json = runner.invoke(app, ["run", str(BASELINE), "-n", "1000", "--seed", "1", "--horizon", "30", "--out",
                                  str(tmp_path / "j"), "--dashboard", "--json", "--overwrite"])
    assert as_json.exit_code == 0, as_json.output
    assert "Dashboard written to" in as_json.stderr and "Dashboard" not in as_json.stdout
