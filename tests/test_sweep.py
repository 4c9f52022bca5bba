"""Sweeps: designs, located validation, bit-identical results across task sizes, workers, crashes and resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

import sim
from scenario_data import BASELINE, ROOT
from sim.cli import app, register_commands
from sim.sweep import ResumeRefused, SweepError, load_sweep, run_sweep
from sim.sweep.backends import InProcessBackend
from sim.sweep.spec import apply

register_commands()
runner = CliRunner()

TRUST = "actors.pakistan.trust.afghan_taliban.initial"
ALIGN = "actors.ttp.ideological_alignment"
STRIKE = "actors.pakistan.strikes.baseline_prob_per_day"


def write_sweep(directory: Path, body: str, name: str = "sweep.yaml") -> Path:
    """A sweep file over the baseline scenario (absolute base path, so the file can live in tmp)."""
    path = directory / name
    path.write_text(f"name: test sweep\nbase: {BASELINE}\n" + textwrap.dedent(body), encoding="utf-8")
    return path


SMALL_GRID = f"""\
seed: 7
replications: 1500
horizon_days: 40
parameters:
  - path: {TRUST}
    values: [0.1, 0.4]
  - path: {ALIGN}
    range: [0.2, 0.8]
    steps: 3
design: {{method: grid}}
outcomes: {{survival_days: [7, 30, 40]}}
"""


def read_results(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "results.parquet")


# ------------------------------------------------------------------------------------------ designs


def test_grid_has_every_combination_in_order(tmp_path: Path):
    sweep = load_sweep(write_sweep(tmp_path, SMALL_GRID))
    assert sweep.n_points == 6
    assert sweep.points == [(0.1, 0.2), (0.1, 0.5), (0.1, 0.8), (0.4, 0.2), (0.4, 0.5), (0.4, 0.8)]


def _sampled(tmp_path: Path, design: str, seed: int = 11, name: str = "s.yaml") -> sim.sweep.Sweep:
    body = f"""\
    seed: {seed}
    replications: 100
    parameters:
      - {{path: {TRUST}, range: [0.05, 0.5]}}
      - {{path: {ALIGN}, range: [0.3, 0.95]}}
      - {{path: {STRIKE}, range: [0.002, 0.02]}}
    design: {design}
    """
    return load_sweep(write_sweep(tmp_path, body, name))


@pytest.mark.parametrize("design, expected", [
    ("{method: latin_hypercube, samples: 20}", 20),
    ("{method: sobol, base_samples: 16}", 16 * (3 + 2)),
    ("{method: sobol, base_samples: 8, second_order: true}", 8 * (2 * 3 + 2)),
    ("{method: morris, trajectories: 6, levels: 4}", 6 * (3 + 1)),
])
def test_sampled_designs_have_the_right_size_stay_in_bounds_and_repeat_with_the_seed(tmp_path, design, expected):
    a = _sampled(tmp_path, design, seed=11, name="a.yaml")
    b = _sampled(tmp_path, design, seed=11, name="b.yaml")
    c = _sampled(tmp_path, design, seed=12, name="c.yaml")
    x = np.array(a.points)
    assert x.shape == (expected, 3)
    lows, highs = np.array([0.05, 0.3, 0.002]), np.array([0.5, 0.95, 0.02])
    assert np.all(x >= lows) and np.all(x <= highs)
    assert a.points == b.points
    assert a.points != c.points
    if "sobol" in design or "morris" in design:
        assert a.salib_problem == {"num_vars": 3, "names": [TRUST, ALIGN, STRIKE],
                                   "bounds": [[0.05, 0.5], [0.3, 0.95], [0.002, 0.02]]}


def test_latin_hypercube_puts_one_point_in_each_stratum(tmp_path: Path):
    sweep = _sampled(tmp_path, "{method: latin_hypercube, samples: 25}")
    x = np.array(sweep.points)
    unit = (x - np.array([0.05, 0.3, 0.002])) / np.array([0.45, 0.65, 0.018])
    for j in range(3):
        strata = np.floor(np.clip(unit[:, j], 0, 1 - 1e-12) * 25).astype(int)
        assert sorted(strata) == list(range(25))


def test_morris_points_lie_on_the_level_grid(tmp_path: Path):
    sweep = _sampled(tmp_path, "{method: morris, trajectories: 5, levels: 4}")
    unit = (np.array(sweep.points)[:, 0] - 0.05) / 0.45
    assert np.allclose(unit * 3, np.round(unit * 3))


def test_explicit_points_fill_unset_parameters_from_the_base(tmp_path: Path):
    body = """\
    seed: 1
    replications: 100
    design:
      method: explicit
      points:
        - {label: base, set: {}}
        - set: {actors.us.engagement.from_day: 0, actors.us.inducement.value: 0.3}
    """
    sweep = load_sweep(write_sweep(tmp_path, body))
    assert [p.path for p in sweep.parameters] == ["actors.us.engagement.from_day", "actors.us.inducement.value"]
    assert sweep.points == [(None, 0.0), (0, 0.3)]
    assert sweep.labels == ["base", None]


def test_apply_copies_only_along_the_path():
    base = {"a": {"b": {"c": 1}, "d": [1, 2]}, "e": {"f": 2}}
    out = apply(base, [(("a", "b", "c"), 5), (("x", "y"), 3), (("a", "d", 1), 9)])
    assert out == {"a": {"b": {"c": 5}, "d": [1, 9]}, "e": {"f": 2}, "x": {"y": 3}}
    assert base == {"a": {"b": {"c": 1}, "d": [1, 2]}, "e": {"f": 2}}
    assert out["e"] is base["e"]


# ------------------------------------------------------------------------------------------ validation


def test_bad_sweep_files_give_every_located_error_at_once(tmp_path: Path):
    body = f"""\
    seed: 1
    replications: 100
    parameters:
      - path: actors.pakistan.trust.afghan_talibn.initial
        values: [0.1]
      - path: {ALIGN}
        values: [0.2, 1.5]
      - path: {STRIKE}
        range: [0.0, 2.0]
        steps: 3
    design: {{method: grid}}
    outcomes: {{survival_days: [7, 400]}}
    """
    path = write_sweep(tmp_path, body)
    res = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    name = path.name
    unknown = next(ln for ln in lines if "parameters.0.path" in ln)
    assert f"{name}:6:" in unknown and "did you mean 'actors.pakistan.trust.afghan_taliban'" in unknown
    high = next(ln for ln in lines if "parameters.1.values.1" in ln)
    assert f"{name}:9:" in high and "1.5" in high and "is not in [0, 1]" in high
    bad_range = next(ln for ln in lines if "parameters.2.range.1" in ln)
    assert f"{name}:11:" in bad_range and "is not in [0, 1]" in bad_range
    horizon = next(ln for ln in lines if "outcomes.survival_days.1" in ln)
    assert "400" in horizon and "beyond the horizon (180 days)" in horizon
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()  # nothing starts before the file is valid


def test_schema_errors_are_located_and_name_what_is_allowed(tmp_path: Path):
    body = f"""\
    seed: -1
    replications: 100
    parameters:
      - path: {TRUST}
        values: [0.1]
    design: {{method: latin_hypercube, samples: 10}}
    extra_key: 1
    """
    with pytest.raises(SweepError) as info:
        load_sweep(write_sweep(tmp_path, body))
    text = str(info.value)
    assert "sweep.yaml:3:7: seed: -1:" in text
    assert "extra_key" in text and "unknown field" in text
    assert len(info.value.errors) == 2


def test_each_design_says_what_it_needs_of_the_parameters(tmp_path: Path):
    body = f"""\
    seed: 1
    replications: 100
    parameters:
      - path: {TRUST}
        values: [0.1]
      - path: {TRUST}
        range: [0.1, 0.2]
    design: {{method: latin_hypercube, samples: 10}}
    """
    with pytest.raises(SweepError) as info:
        load_sweep(write_sweep(tmp_path, body))
    messages = [e.format() for e in info.value.errors]
    assert any(":6:" in m and "parameters.0:" in m and "needs range: [low, high]" in m for m in messages)
    assert any("parameters.0.values" in m and "not used by a latin_hypercube design" in m for m in messages)
    assert any(":8:" in m and "parameters.1.path" in m and "already swept by parameters.0" in m for m in messages)


def test_cross_field_errors_point_at_the_swept_value(tmp_path: Path):
    # Qatar offers no inducement in the baseline, so a value > 0 needs the issue it serves.
    body = """\
    seed: 1
    replications: 100
    parameters:
      - path: actors.qatar.inducement.value
        values: [0.0, 0.2]
    design: {method: grid}
    """
    with pytest.raises(SweepError) as info:
        load_sweep(write_sweep(tmp_path, body))
    (error,) = info.value.errors
    assert (error.line, error.path, error.value) == (7, "parameters.0.values.1", 0.2)
    assert "actors.qatar.inducement.issue" in error.message


def test_a_missing_base_file_is_located(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nbase: nowhere.yaml\nseed: 1\nreplications: 5\nparameters:\n"
                    f"  - {{path: {TRUST}, values: [0.1]}}\ndesign: {{method: grid}}\n")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    assert "s.yaml:2:7: base: nowhere.yaml: no such file" in str(info.value)


def test_shipped_experiments_are_valid():
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        sweep = load_sweep(path)
        assert sweep.n_points >= 2, path


# ------------------------------------------------------------------------------------------ running


def test_results_do_not_depend_on_task_size_or_workers(tmp_path: Path):
    one = write_sweep(tmp_path, SMALL_GRID + "replications_per_task: 1000\n", "one.yaml")
    two = write_sweep(tmp_path, SMALL_GRID + "replications_per_task: 2000\n", "two.yaml")
    a = run_sweep(load_sweep(one), tmp_path / "a", workers=1)
    b = run_sweep(load_sweep(two), tmp_path / "b", workers=2)
    assert a.status == b.status == "complete"
    assert a.n_tasks == 12 and b.n_tasks == 6
    assert_frame_equal(read_results(tmp_path / "a"), read_results(tmp_path / "b"), check_exact=True)


def test_sweeps_sharing_a_base_in_one_process_do_not_mix_their_points(tmp_path: Path):
    forward = write_sweep(tmp_path, SMALL_GRID, "forward.yaml")
    backward = write_sweep(tmp_path, SMALL_GRID.replace("[0.1, 0.4]", "[0.4, 0.1]"), "backward.yaml")
    sweep = load_sweep(forward)
    shared = InProcessBackend(sweep.base_data)  # like a Dask worker that serves one sweep after another
    run_sweep(sweep, tmp_path / "f", backend=shared)
    run_sweep(load_sweep(backward), tmp_path / "b", backend=shared)
    f, b = read_results(tmp_path / "f"), read_results(tmp_path / "b")
    swapped = pd.concat([b.iloc[3:], b.iloc[:3]]).reset_index(drop=True).drop(columns="point")
    assert_frame_equal(swapped, f.drop(columns="point"), check_exact=True)
    assert not f["p_hold"].iloc[:3].equals(f["p_hold"].iloc[3:].reset_index(drop=True))


def test_a_point_matches_a_plain_run_of_its_scenario(tmp_path: Path):
    path = write_sweep(tmp_path, SMALL_GRID)
    sweep = load_sweep(path)
    run_sweep(sweep, tmp_path / "out", workers=1)
    table = read_results(tmp_path / "out")
    row = table.iloc[4]
    assert (row[f"param.{TRUST}"], row[f"param.{ALIGN}"]) == (0.4, 0.5)
    scenario = sim.Scenario.model_validate(apply(sweep.base_data, sweep.overrides(4)))
    summary = sim.run(scenario, n_replications=1500, seed=7, horizon_days=40).summary([7, 30, 40])
    assert row["p_hold"] == summary["p_hold"]
    assert [row["p_hold_ci_low"], row["p_hold_ci_high"]] == summary["p_hold_ci"]
    assert row["survival_d30"] == summary["survival"][1]["p"]
    assert row["survival_d30_ci_low"] == summary["survival"][1]["ci_low"]
    assert row["p_agreement"] == summary["p_agreement"]
    assert row["mean_casualties"] == pytest.approx(summary["means"]["casualties"], rel=1e-12)
    q = summary["breakdown_day_quantiles"]
    assert [None if pd.isna(row[f"breakdown_day_q{k}"]) else row[f"breakdown_day_q{k}"] for k in (10, 50, 90)] \
        == [q["q10"], q["q50"], q["q90"]]
    # Restricted mean survival: the area under the Kaplan-Meier curve over [0, H].
    days = sim.run(scenario, n_replications=1500, seed=7, horizon_days=40).breakdown_days()
    assert row["restricted_mean_survival_days"] == pytest.approx(np.mean(np.where(np.isnan(days), 40, days)))


def test_results_directory_follows_the_contract(tmp_path: Path):
    sweep = load_sweep(write_sweep(tmp_path, SMALL_GRID))
    outcome = run_sweep(sweep, tmp_path / "out", workers=1)
    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["seed"] == 7 and manifest["n_points"] == 6
    assert manifest["replications_per_point"] == 1500 and manifest["horizon_days"] == 40
    assert manifest["survival_days"] == [7, 30, 40] and manifest["design"]["method"] == "grid"
    assert [p["path"] for p in manifest["parameters"]] == [TRUST, ALIGN]
    assert manifest["parameters"][1] == {"name": ALIGN, "path": ALIGN, "low": 0.2, "high": 0.8,
                                         "values": [0.2, 0.5, 0.8]}
    assert manifest["base_scenario_hash"] == sweep.base_hash and "numpy" in manifest["versions"]
    table = read_results(out)
    expected = ["point", f"param.{TRUST}", f"param.{ALIGN}", "replications", "p_hold", "p_hold_ci_low",
                "p_hold_ci_high"]
    for d in (7, 30, 40):
        expected += [f"survival_d{d}", f"survival_d{d}_ci_low", f"survival_d{d}_ci_high"]
    expected += ["breakdown_day_q10", "breakdown_day_q50", "breakdown_day_q90", "p_agreement",
                 "p_agreement_ci_low", "p_agreement_ci_high", "mean_casualties", "mean_casualties_ci_low",
                 "mean_casualties_ci_high", "mean_violations", "restricted_mean_survival_days"]
    assert list(table.columns) == expected
    assert list(table["point"]) == list(range(6)) and str(table["breakdown_day_q50"].dtype) == "Int64"
    assert (table["replications"] == 1500).all()
    assert ((table["p_hold_ci_low"] <= table["p_hold"]) & (table["p_hold"] <= table["p_hold_ci_high"])).all()
    csv = pd.read_csv(out / "results.csv")
    assert list(csv.columns) == expected and np.allclose(csv["p_hold"], table["p_hold"])
    ledger = [json.loads(line) for line in (out / "ledger.jsonl").read_text().splitlines()]
    assert len(ledger) == outcome.n_tasks == len(list((out / "tasks").glob("*.parquet")))
    pl = pytest.importorskip("polars")
    assert pl.read_parquet(out / "results.parquet")["p_hold"].to_list() == table["p_hold"].tolist()
    duckdb = pytest.importorskip("duckdb")
    assert duckdb.connect().execute(f"select count(*) from '{out / 'results.parquet'}'").fetchone() == (6,)


def test_resume_refuses_a_changed_sweep_file_and_a_reused_directory(tmp_path: Path):
    path = write_sweep(tmp_path, SMALL_GRID)
    run_sweep(load_sweep(path), tmp_path / "out", workers=1)
    res = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "already holds a sweep; add --resume" in res.stderr
    path.write_text(path.read_text().replace("replications: 1500", "replications: 1600"))
    res = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out"), "--resume"])
    assert res.exit_code == 2
    assert "cannot resume" in res.stderr and "the sweep file changed (replications: 1500 -> 1600)" in res.stderr


def test_resume_refuses_a_changed_base_scenario(tmp_path: Path):
    base = tmp_path / "base.yaml"
    base.write_text(BASELINE.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "sweep.yaml"
    path.write_text("name: test sweep\nbase: base.yaml\n" + SMALL_GRID, encoding="utf-8")
    run_sweep(load_sweep(path), tmp_path / "out", workers=1)
    base.write_text(base.read_text(encoding="utf-8").replace("war_cost: 0.45", "war_cost: 0.5"), encoding="utf-8")
    with pytest.raises(ResumeRefused, match=r"the base scenario changed \(actors.pakistan.war_cost: 0.45 -> 0.5\)"):
        run_sweep(load_sweep(path), tmp_path / "out", resume=True)


def test_resume_refuses_other_package_versions(tmp_path: Path):
    path = write_sweep(tmp_path, SMALL_GRID)
    run_sweep(load_sweep(path), tmp_path / "out", workers=1)
    manifest_path = tmp_path / "out" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["versions"]["numpy"] = "1.0.0"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ResumeRefused, match=r"package versions changed \(numpy 1.0.0 -> "):
        run_sweep(load_sweep(path), tmp_path / "out", resume=True)


class FlakyBackend(InProcessBackend):
    """Fails the given points a given number of times before running them."""

    def __init__(self, base, failures: dict[int, int]) -> None:
        super().__init__(base)
        self.failures = dict(failures)

    def submit(self, task, overrides, horizon_days, base_hash):
        if self.failures.get(task.point, 0) > 0:
            self.failures[task.point] -= 1
            return super().submit(task, ("not a key path", None), horizon_days, base_hash)
        return super().submit(task, overrides, horizon_days, base_hash)


def test_a_task_failing_once_is_retried_and_twice_is_reported_then_resumed(tmp_path: Path):
    sweep = load_sweep(write_sweep(tmp_path, SMALL_GRID))
    ok = run_sweep(sweep, tmp_path / "ok", backend=FlakyBackend(sweep.base_data, {2: 1}))
    assert ok.status == "complete" and not ok.failures
    bad = run_sweep(sweep, tmp_path / "bad", backend=FlakyBackend(sweep.base_data, {3: 2}))
    assert bad.status == "failed" and not (tmp_path / "bad" / "results.parquet").exists()
    (failure,) = bad.failures
    assert failure.task.point == 3 and failure.task.seed == 7
    assert failure.parameters == {TRUST: 0.4, ALIGN: 0.2}
    assert "design point 3" in failure.describe() and "seed 7" in failure.describe()
    recorded = json.loads((tmp_path / "bad" / "failures.jsonl").read_text())
    assert recorded["point"] == 3 and recorded["seed"] == 7
    done = run_sweep(sweep, tmp_path / "bad", resume=True, workers=1)
    assert done.status == "complete" and done.tasks_run == 1 and done.tasks_skipped == 5
    assert_frame_equal(read_results(tmp_path / "bad"), read_results(tmp_path / "ok"), check_exact=True)


def test_dry_run_reports_points_tasks_and_time(tmp_path: Path):
    path = write_sweep(tmp_path, SMALL_GRID)
    res = runner.invoke(app, ["sweep", str(path), "--dry-run", "--workers", "2", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "6 points x 1,500 replications" in res.stdout and "6 tasks" in res.stdout
    assert "estimated time on 2 local workers: about" in res.stdout
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------------------------------ crashes


KILL_GRID = f"""\
seed: 3
replications: 2000
horizon_days: 90
replications_per_task: 1000
parameters:
  - path: {TRUST}
    values: [0.05, 0.15, 0.25, 0.35, 0.45, 0.55]
  - path: {ALIGN}
    values: [0.2, 0.4, 0.6, 0.8]
design: {{method: grid}}
outcomes: {{survival_days: [30, 90]}}
"""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", "sweep", *args]


def test_kill_9_then_resume_gives_the_uninterrupted_table(tmp_path: Path):
    path = write_sweep(tmp_path, KILL_GRID)
    out = tmp_path / "killed"
    proc = subprocess.Popen(_cli(str(path), "--out", str(out), "--workers", "2"), cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "tasks").glob("p*.parquet"))) >= 6:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep ended before it could be killed: " + proc.stderr.read().decode()
        os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its workers, as a crash would
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not (out / "results.parquet").exists()
    done_before = len(list((out / "tasks").glob("p*.parquet")))
    assert 6 <= done_before < 48
    res = subprocess.run(_cli(str(path), "--out", str(out), "--workers", "2", "--resume"), cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert f"{done_before} already done" in res.stdout
    ledger = [json.loads(line)["task"] for line in (out / "ledger.jsonl").read_text().splitlines() if line.strip()
              and line.startswith("{") and line.endswith("}")]
    assert sorted(set(ledger)) == sorted(p.stem for p in (out / "tasks").glob("p*.parquet"))
    assert len(list((out / "tasks").glob("p*.parquet"))) == 48
    reference = run_sweep(load_sweep(path), tmp_path / "reference", workers=2)
    assert reference.status == "complete"
    assert_frame_equal(read_results(out), read_results(tmp_path / "reference"), check_exact=True)


def test_ctrl_c_stops_cleanly_and_keeps_finished_tasks(tmp_path: Path):
    path = write_sweep(tmp_path, KILL_GRID)
    out = tmp_path / "stopped"
    proc = subprocess.Popen(_cli(str(path), "--out", str(out), "--workers", "2"), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "tasks").glob("p*.parquet"))) >= 4:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)  # to the coordinator only: workers ignore Ctrl-C by design
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    kept = {p.stem for p in (out / "tasks").glob("p*.parquet")}
    assert 4 <= len(kept) < 48
    ledger = {json.loads(line)["task"] for line in (out / "ledger.jsonl").read_text().splitlines()}
    assert ledger == kept
