"""Limits (issue 11): documented upper bounds, workers clamped, large designs checked in bounded time,
per-replication rows streamed rather than held."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from scenario_data import BASELINE
from sim.cli import app, clamp_workers, default_workers, register_commands
from sim.sweep import load_sweep
from sim.sweep.spec import MAX_CHECKED_POINTS, MAX_POINTS, SweepError, _representatives, _sample_indices

register_commands()
runner = CliRunner()


def sweep_file(tmp_path: Path, design: str, parameters: str | None = None) -> Path:
    parameters = parameters or ("  - {path: actors.ttp.ideological_alignment, range: [0.1, 0.9]}\n"
                                "  - {path: actors.pakistan.war_cost, range: [0.1, 0.9]}\n")
    path = tmp_path / "sw.yaml"
    path.write_text(f"name: big\nbase: {BASELINE}\nseed: 1\nreplications: 1000\nparameters:\n{parameters}"
                    f"design: {design}\n")
    return path


def test_a_million_point_design_is_counted_in_well_under_a_second(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, "{method: latin_hypercube, samples: 1000000}")
    load_sweep(path, build=False)  # warm imports
    t0 = time.perf_counter()
    sweep = load_sweep(path, build=False)
    elapsed = time.perf_counter() - t0
    assert sweep.n_points == 1_000_000 and sweep.points == []
    assert elapsed < 1.0, f"{elapsed:.2f} s"  # generous: about 0.05 s on the 2-core machine


def test_dry_run_of_a_million_points_answers(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, "{method: sobol, base_samples: 131072}")
    t0 = time.perf_counter()
    res = runner.invoke(app, ["sweep", str(path), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "524,288 points" in res.stdout
    assert time.perf_counter() - t0 < 5.0  # generous; about 0.1 s once imports are warm


def test_dry_run_loads_neither_the_model_nor_scipy_stats(tmp_path: Path) -> None:
    # What keeps --dry-run within a second: it imports no simulation code (mesa, the engine and
    # scipy.stats alone take 2-3 s to import on the 2-core machine) and simulates nothing.
    import subprocess
    import sys

    path = sweep_file(tmp_path, "{method: latin_hypercube, samples: 500000}")
    probe = ("import sys; sys.argv = ['ceasefire', 'sweep', sys.argv[1], '--dry-run']\n"
             "from sim.guard import main\n"
             "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
             "heavy = sorted(m for m in ('mesa', 'sim.engine', 'sim.model.model', 'scipy.stats') if m in sys.modules)\n"
             "print('HEAVY', heavy, code)\n")
    res = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120)
    assert "500,000 points" in res.stdout, res.stdout + res.stderr
    assert "HEAVY [] 0" in res.stdout, res.stdout + res.stderr


@pytest.mark.parametrize("design", ["{method: sobol, base_samples: 1048576}", "{method: morris, trajectories: 1000000}"])
def test_designs_beyond_the_limit_are_refused_without_being_built(tmp_path: Path, design: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(SweepError, match=f"at most {MAX_POINTS:,}"):
        load_sweep(sweep_file(tmp_path, design))
    assert time.perf_counter() - t0 < 5.0


def test_a_long_values_list_is_checked_at_its_ends_not_per_value(tmp_path: Path) -> None:
    values = [round(0.1 + 0.8 * i / 4999, 6) for i in range(5000)]
    chosen, problem = _representatives(values)
    assert problem == "" and len(chosen) <= 4
    bad = values[:2500] + [1.5] + values[2500:]
    path = sweep_file(tmp_path, "{method: grid}",
                      f"  - {{path: actors.ttp.ideological_alignment, values: {bad}}}\n")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    [e] = info.value.errors
    assert "parameters.0.values.2500: 1.5: is not in [0, 1]" in e.format()


def test_an_integer_field_refuses_a_float_anywhere_in_the_list() -> None:
    chosen, _ = _representatives([3, 4, 5, 6.0, 7])
    assert 3 in chosen  # the first float is checked, whatever its place


def test_point_checks_are_bounded() -> None:
    assert _sample_indices(10) == list(range(10))
    picked = _sample_indices(1_000_000)
    assert len(picked) <= MAX_CHECKED_POINTS and picked[0] == 0 and picked[-1] == 999_999


def test_an_invalid_point_not_checked_up_front_fails_its_task() -> None:
    from sim.sweep.worker import scenario_for

    data = sim.load_scenario(BASELINE).model_dump(by_alias=True)
    overrides = ((("ceasefire", "breakdown_violation_days"), 9), (("ceasefire", "breakdown_window_days"), 8))
    with pytest.raises(ValueError, match=r"breakdown_violation_days: 9(\.0)?: cannot exceed"):
        scenario_for(data, "h", 0, overrides)


def test_replications_have_a_documented_limit() -> None:
    res = runner.invoke(app, ["run", str(BASELINE), "-n", str(10**12)])
    assert res.exit_code == 2
    assert "100000000" in res.output.replace(",", "") or "100,000,000" in res.output
    with pytest.raises(ValueError, match="n_replications must be in"):
        sim.run(sim.load_scenario(BASELINE), n_replications=10**12, seed=1)


def test_workers_are_clamped_to_cores_and_tasks() -> None:
    cores = default_workers()
    assert clamp_workers(1000, 10**7) == cores
    assert clamp_workers(None, 10**7) == cores
    assert clamp_workers(1000, 5_000) == 1  # one task of 10,000 replications
    res = runner.invoke(app, ["run", str(BASELINE), "--workers", "100000"])
    assert res.exit_code == 2  # beyond the documented maximum of 1024


def test_run_streams_rows_to_disk_identical_to_the_kept_table(tmp_path: Path) -> None:
    scenario = sim.load_scenario(BASELINE)
    kept = sim.run(scenario, n_replications=21_000, seed=5, workers=1)
    streamed = sim.run(scenario, n_replications=21_000, seed=5, workers=2, replications_file=tmp_path / "r.parquet")
    assert streamed.replications is None
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r.parquet"), kept.replications)
    assert streamed.summary() == kept.summary()
