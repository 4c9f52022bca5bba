"""Paired comparison with common random numbers: the model invariant, exact zeros, narrower intervals."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.analysis import AnalysisError, compare
from sim.cli import app, register_commands
from sim.model.model import CeasefireModel

from scenario_data import BASELINE, make_scenario

register_commands()
runner = CliRunner()

REPS, HORIZON = 2000, 90


@pytest.fixture(scope="module")
def inducement_variant(baseline):
    data = baseline.model_dump(by_alias=True)
    data["actors"]["us"]["inducement"]["value"] = 0.3
    return make_scenario(data)


@pytest.fixture(scope="module")
def baseline_vs_inducement(baseline, inducement_variant):
    return compare([baseline, inducement_variant], n_replications=REPS, seed=21, horizon_days=HORIZON,
                   survival_days=[30, 60, 90])


def test_rules_draw_the_same_uniforms_whatever_the_parameter_values(baseline, inducement_variant):
    # The invariant behind common random numbers: the same streams, the same numbers, every day,
    # even when a parameter changes what happens (an inducement, a mediator who engages earlier,
    # and an uncertain parameter that draws from a stream of its own).
    data = inducement_variant.model_dump(by_alias=True)
    data["actors"]["us"]["engagement"]["from_day"] = 0
    data["actors"]["pakistan"]["cost_tolerance"] = {"dist": "uniform", "low": 0.1, "high": 0.6}
    variant = make_scenario(data)
    a = CeasefireModel(baseline, seed=8, replications=np.arange(1500))
    b = CeasefireModel(variant, seed=8, replications=np.arange(1500))
    assert a.streams.names == b.streams.names
    for _ in range(HORIZON):
        a.step()
        b.step()
        # Every stream, daily or occasional, as it is or would be drawn today (reading an occasional
        # stream draws it for today; later days are unaffected, the generator jumps to its position).
        for name in a.streams.names:
            np.testing.assert_array_equal(a.streams[name], b.streams[name], err_msg=f"{name}, day {a.day}")
    broke_a = a.output().columns["breakdown_day"] > 0
    broke_b = b.output().columns["breakdown_day"] > 0
    assert broke_a.sum() != broke_b.sum()  # the change mattered, yet the draws were identical


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(baseline):
    result = compare([baseline, baseline], n_replications=REPS, seed=5, horizon_days=HORIZON,
                     survival_days=[7, 30, 90])
    assert [row["measure"] for row in result.differences] == ["p_hold", "survival_d7", "survival_d30",
                                                              "survival_d90"]
    for row in result.differences:
        assert row["difference"] == 0.0
        assert row["ci_low"] == row["ci_high"] == 0.0
        assert row["ci_low_independent"] < 0.0 < row["ci_high_independent"]
    assert result.names[0] != result.names[1]  # the repeat is labelled apart


def test_paired_interval_is_narrower_than_the_independent_one(baseline_vs_inducement):
    rows = {row["measure"]: row for row in baseline_vs_inducement.differences}
    p_hold = rows["p_hold"]
    assert p_hold["ci_low"] <= p_hold["difference"] <= p_hold["ci_high"]
    assert p_hold["width_ratio"] > 1.2
    assert p_hold["se_paired"] < p_hold["se_independent"]
    for measure in ("survival_d60", "survival_d90"):
        assert rows[measure]["width_ratio"] > 1.0, measure
    # The difference is the difference of the two runs' P(hold).
    p_a = baseline_vs_inducement.runs[0].p_hold()[0]
    p_b = baseline_vs_inducement.runs[1].p_hold()[0]
    assert p_hold["difference"] == pytest.approx(p_b - p_a, abs=1e-12)


def test_independent_runs_really_give_the_wider_interval(baseline, inducement_variant, baseline_vs_inducement):
    # Welch's interval stands for independent runs; check against runs that really are independent.
    paired = next(r for r in baseline_vs_inducement.differences if r["measure"] == "p_hold")
    a = sim.run(baseline, n_replications=REPS, seed=101, horizon_days=HORIZON).breakdown_days()
    b = sim.run(inducement_variant, n_replications=REPS, seed=202, horizon_days=HORIZON).breakdown_days()
    ha, hb = np.isnan(a).astype(float), np.isnan(b).astype(float)
    se_independent = np.sqrt(ha.var(ddof=1) / REPS + hb.var(ddof=1) / REPS)
    # Both standard errors estimate the same quantity to within a few percent at n = 2000.
    assert se_independent == pytest.approx(paired["se_independent"], rel=0.1)
    assert paired["se_paired"] < 0.85 * se_independent


def test_compare_needs_two_scenarios_and_one_horizon(baseline):
    with pytest.raises(AnalysisError, match="at least two"):
        compare([baseline], n_replications=10, seed=1)
    data = copy.deepcopy(baseline.model_dump(by_alias=True))
    data["horizon_days"] = 120
    shorter = make_scenario(data)
    with pytest.raises(AnalysisError, match="horizons differ"):
        compare([baseline, shorter], n_replications=10, seed=1)
    result = compare([baseline, shorter], n_replications=1000, seed=1, horizon_days=60, survival_days=[30, 200])
    assert result.horizon_days == 60 and result.survival_days == [30]


def test_compare_command_writes_the_contract_directory(tmp_path: Path):
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {BASELINE}\nname: More aid\nactors:\n  us:\n    inducement: {{value: 0.3}}\n",
                       encoding="utf-8")
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", str(BASELINE), str(variant), "-n", "1000", "--seed", "3", "--horizon", "60",
                              "--survival-days", "7,30", "--workers", "1", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert json.loads((out / "summary.json").read_text()) == summary
    info = json.loads((out / "run.json").read_text())
    assert info["kind"] == "compare" and info["seed"] == 3 and info["replications"] == 1000
    assert info["horizon_days"] == 60 and info["scenarios"] == [s["name"] for s in summary["scenarios"]]
    assert info["scenario_files"] == [str(BASELINE), str(variant)] and "numpy" in info["versions"]
    survival = pd.read_csv(out / "survival.csv")
    assert list(survival.columns) == ["scenario", "day", "date", "p", "ci_low", "ci_high"]
    assert len(survival) == 2 * 61
    diffs = pd.read_csv(out / "differences.csv")
    assert list(diffs.columns[:10]) == ["scenario", "baseline", "measure", "day", "difference", "ci_low", "ci_high",
                                        "ci_low_independent", "ci_high_independent", "width_ratio"]
    assert list(diffs["measure"]) == ["p_hold", "survival_d7", "survival_d30"]
    assert (diffs["scenario"] == "More aid").all()
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert runs == ["0_pakistan-afghanistan-2025", "1_variant"]
    for sub in runs:
        assert json.loads((out / "runs" / sub / "run.json").read_text())["seed"] == 3
    # Each run directory is an ordinary run: the same seed alone reproduces it.
    rerun = sim.run(sim.load_scenario(variant), n_replications=1000, seed=3, horizon_days=60)
    assert summary["scenarios"][1]["p_hold"] == rerun.summary()["p_hold"]


def test_compare_command_prints_the_width_ratio(tmp_path: Path):
    res = runner.invoke(app, ["compare", str(BASELINE), str(BASELINE), "-n", "1000", "--seed", "3",
                              "--horizon", "30", "--survival-days", "7", "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "zero width" in res.stdout and "#1" in res.stdout
    assert "+0.000" in res.stdout


@pytest.mark.parametrize("args, message", [
    (["compare", str(BASELINE)], "need at least two"),
    (["compare", str(BASELINE), str(BASELINE), "--survival-days", "x"], "--survival-days"),
    (["compare", str(BASELINE), "missing.yaml"], "missing.yaml"),
    (["compare", str(BASELINE), str(BASELINE), "--dashboard"], "--dashboard needs --out"),
])
def test_compare_command_bad_input_exits_2(args, message):
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
