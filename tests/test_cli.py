"""The ceasefire command: exit codes, JSON contract, results directory, located errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scenario_data import BASELINE
from sim.cli import app, register_commands

register_commands()
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_run_json_has_the_documented_keys():
    res = invoke("run", BASELINE, "--replications", "1500", "--seed", "3", "--json", "--survival-days", "7,30,90")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in ("scenario", "replications", "seed", "horizon_days", "p_hold", "p_hold_ci", "survival",
                "breakdown_day_quantiles", "p_agreement", "means", "breakdown_causes"):
        assert key in data, key
    assert data["replications"] == 1500 and data["seed"] == 3 and data["horizon_days"] == 180
    assert [row["day"] for row in data["survival"]] == [7, 30, 90]
    assert set(data["breakdown_day_quantiles"]) == {"q10", "q50", "q90"}
    for name in ("attacks", "strikes", "violations", "casualties", "walkouts"):
        assert name in data["means"]


def test_run_writes_a_reproducible_results_directory(tmp_path: Path):
    out = tmp_path / "res"
    res = invoke("run", BASELINE, "-n", "1200", "--seed", "4", "--horizon", "90", "--out", out, "--json")
    assert res.exit_code == 0, res.output
    for name in ("summary.json", "survival.csv", "replications.parquet", "scenario.resolved.yaml", "run.json",
                 "daily.csv", "talks.csv", "trajectories.parquet", "timeline.json"):
        assert (out / name).exists(), name
    assert json.loads((out / "summary.json").read_text()) == json.loads(res.stdout)
    survival = pd.read_csv(out / "survival.csv")
    assert list(survival["day"]) == list(range(91))
    reps = pd.read_parquet(out / "replications.parquet")
    assert len(reps) == 1200
    assert {"replication", "breakdown_day", "cause", "agreement", "attacks", "casualties"} <= set(reps.columns)
    info = json.loads((out / "run.json").read_text())
    assert info["seed"] == 4 and info["kind"] == "run" and "numpy" in info["versions"]
    # The resolved scenario reproduces the run exactly.
    again = invoke("run", out / "scenario.resolved.yaml", "-n", "1200", "--seed", "4", "--horizon", "90", "--json")
    assert again.exit_code == 0, again.output
    first, second = json.loads(res.stdout), json.loads(again.stdout)
    for key in ("p_hold", "survival", "means", "breakdown_causes"):
        assert first[key] == second[key]


def test_bad_scenario_exits_2_with_all_errors_located(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "extends: " + str(BASELINE) + "\n"
        "horizon_days: 0\n"
        "actors:\n"
        "  us:\n"
        "    leverage: 1.7\n"
        "    charisma: 3\n",
        encoding="utf-8",
    )
    res = invoke("run", bad)
    assert res.exit_code == 2
    lines = [line for line in res.stderr.splitlines() if line.startswith(str(bad))]
    assert any(":2:15: horizon_days: 0: is not in [1, 3650]" in line for line in lines), res.stderr
    assert any(":5:15: actors.us.leverage: 1.7: is not in [0, 1]" in line for line in lines), res.stderr
    assert any(":6:5: actors.us.charisma" in line and "unknown field" in line for line in lines), res.stderr
    assert "Traceback" not in res.output


def test_undefined_references_are_located(tmp_path: Path):
    bad = tmp_path / "ref.yaml"
    bad.write_text("extends: " + str(BASELINE) + "\nactors:\n  ttp:\n    host: kabul_gov\n", encoding="utf-8")
    res = invoke("validate", bad)
    assert res.exit_code == 2
    assert ":4:11: actors.ttp.host: kabul_gov: is not a defined party" in res.stderr


def test_validate_accepts_shipped_and_rejects_syntax_errors(tmp_path: Path):
    ok = invoke("validate", BASELINE)
    assert ok.exit_code == 0 and "ok" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    res = invoke("validate", broken)
    assert res.exit_code == 2 and "broken.yaml:" in res.stderr


def test_doubtful_values_warn_but_run(tmp_path: Path):
    odd = tmp_path / "odd.yaml"
    odd.write_text("extends: " + str(BASELINE) + "\nactors:\n  ttp:\n    attack_rate_per_day: 50\n",
                   encoding="utf-8")
    res = invoke("run", odd, "-n", "1000", "--seed", "1", "--horizon", "20", "--json")
    assert res.exit_code == 0, res.output
    assert "warning:" in res.stderr and "actors.ttp.attack_rate_per_day" in res.stderr


@pytest.mark.parametrize("args", [["run", BASELINE, "--replications", "0"],
                                  ["run", BASELINE, "--survival-days", "seven"],
                                  ["run", "does-not-exist.yaml"]])
def test_bad_options_exit_2(args):
    res = invoke(*args)
    assert res.exit_code == 2, res.output


def test_console_entry_point_runs_without_traceback(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", "nope.yaml"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "nope.yaml" in proc.stderr


def test_structural_and_reference_errors_are_reported_together(tmp_path: Path):
    bad = tmp_path / "both.yaml"
    bad.write_text("extends: " + str(BASELINE) + "\nhorizon_days: -5\nactors:\n  ttp:\n    target: india\n",
                   encoding="utf-8")
    res = invoke("validate", bad)
    assert res.exit_code == 2
    assert ":2:15: horizon_days: -5: is not in [1, 3650]" in res.stderr
    assert ":5:13: actors.ttp.target: india: is not a defined party" in res.stderr
