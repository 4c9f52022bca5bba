"""Sensitivity (Sobol, Morris), scenario discovery (PRIM) and importance on known answers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import latin as salib_latin
from SALib.sample import morris as salib_morris_sample
from SALib.sample import sobol as salib_sobol_sample
from typer.testing import CliRunner

from sim.analysis import AnalysisError, analyze_sweep, correlation_ratio, morris_indices, prcc, prim, sobol_indices
from sim.cli import app, register_commands

register_commands()
runner = CliRunner()

A, B = 7.0, 0.1
HORIZON = 180


def rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> dict[str, dict[str, float]]:
    """Analytic first-order and total indices (Sobol' & Levitan 1999; Saltelli et al. 2008, sec. 4.3)."""
    v1 = 0.5 * (1 + B * math.pi ** 4 / 5) ** 2
    v2 = A ** 2 / 8
    v13 = 8 * B ** 2 * math.pi ** 8 / 225
    v = v1 + v2 + v13
    return {"S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v}}


ISHIGAMI_PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}


def write_sweep(directory: Path, method: str, names: list[str], bounds: list[list[float]], x: np.ndarray,
                outcomes: dict[str, np.ndarray], design: dict | None = None, salib: bool = True) -> Path:
    """A sweep results directory per the contract, for a test model instead of the simulator."""
    directory.mkdir(parents=True)
    paths = [f"test.{n}" for n in names]
    manifest = {
        "kind": "sweep", "sweep_file": "test.yaml", "sweep": {}, "base_scenario_hash": "0", "versions": {},
        "seed": 7, "design": {"method": method, **(design or {})},
        "parameters": [{"name": n, "path": p, "low": lo, "high": hi, "values": None}
                       for n, p, (lo, hi) in zip(names, paths, bounds)],
        "n_points": int(x.shape[0]), "replications_per_point": 1000, "survival_days": [30],
        "horizon_days": HORIZON,
    }
    if salib:
        manifest["salib_problem"] = {"num_vars": len(names), "names": names, "bounds": bounds}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    table = pd.DataFrame({"point": np.arange(x.shape[0])})
    for j, p in enumerate(paths):
        table[f"param.{p}"] = x[:, j]
    table["replications"] = 1000
    for name, values in outcomes.items():
        table[name] = values
    # Stored in a shuffled order: analysis must restore design order from `point`.
    table = table.sample(frac=1.0, random_state=np.random.RandomState(np.random.MT19937(np.random.SeedSequence(1))))
    table.to_parquet(directory / "results.parquet", index=False)
    return directory


def ishigami_outcomes(x: np.ndarray) -> dict[str, np.ndarray]:
    y = ishigami(x)
    # Sobol indices do not change under an affine map, so p_hold can be the Ishigami function squeezed into [0, 1].
    p_hold = (y - y.min()) / (y.max() - y.min())
    q50 = pd.array(np.round(40 + 100 * p_hold).astype(np.int64), dtype="Int64")
    q50[p_hold > 0.9] = pd.NA  # median not reached by the horizon at a few points
    return {"p_hold": p_hold, "breakdown_day_q50": q50, "restricted_mean_survival_days": 20.0 + 150.0 * p_hold}


@pytest.fixture(scope="module")
def ishigami_sample() -> np.ndarray:
    return salib_sobol_sample.sample(ISHIGAMI_PROBLEM, 2048, calc_second_order=True, seed=rng(11))


# ----------------------------------------------------------------------------- Sobol


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values(ishigami_sample):
    table = pd.DataFrame({"y": ishigami(ishigami_sample)})
    result = sobol_indices(ISHIGAMI_PROBLEM, table, ["y"], seed=3)
    expected = ishigami_indices()
    # N = 2048 base samples: the estimators' standard errors are about 0.01-0.02.
    for _, row in result.iterrows():
        assert row["S1"] == pytest.approx(expected["S1"][row["parameter"]], abs=0.05), row["parameter"]
        assert row["ST"] == pytest.approx(expected["ST"][row["parameter"]], abs=0.05), row["parameter"]
        assert 0 < row["S1_conf"] < 0.1 and 0 < row["ST_conf"] < 0.1


def test_analyze_computes_sobol_indices_through_the_sweep_directory(tmp_path: Path, ishigami_sample):
    sweep = write_sweep(tmp_path / "sweep", "sobol", ["x1", "x2", "x3"], ISHIGAMI_PROBLEM["bounds"],
                        ishigami_sample, ishigami_outcomes(ishigami_sample), {"n_base": 2048, "calc_second_order": True})
    res = runner.invoke(app, ["analyze", str(sweep), "--threshold", "0.5"])
    assert res.exit_code == 0, res.output
    assert "capped at the horizon" in res.stdout
    sobol = pd.read_csv(sweep / "analysis" / "sobol.csv")
    assert list(sobol.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert set(sobol["outcome"]) == {"p_hold", "breakdown_day_q50", "restricted_mean_survival_days"}
    expected = ishigami_indices()
    for outcome in ("p_hold", "restricted_mean_survival_days"):
        rows = sobol[sobol["outcome"] == outcome].set_index("parameter")
        assert list(rows.index) == ["test.x1", "test.x2", "test.x3"]
        for p in ("x1", "x2", "x3"):
            assert rows.loc[f"test.{p}", "S1"] == pytest.approx(expected["S1"][p], abs=0.05)
            assert rows.loc[f"test.{p}", "ST"] == pytest.approx(expected["ST"][p], abs=0.05)
    analysis = json.loads((sweep / "analysis" / "analysis.json").read_text())
    assert analysis["sobol"] and analysis["prim"]["boxes"] and analysis["importance"]
    assert any("breakdown_day_q50" in note for note in analysis["notes"])
    assert not (sweep / "analysis" / "morris.csv").exists()


def test_sobol_rejects_a_table_that_is_not_a_sobol_design():
    with pytest.raises(AnalysisError, match="multiple of 8"):
        sobol_indices(ISHIGAMI_PROBLEM, pd.DataFrame({"y": np.arange(20.0)}), ["y"], calc_second_order=True)
    with pytest.raises(AnalysisError, match="missing or non-finite"):
        sobol_indices(ISHIGAMI_PROBLEM, pd.DataFrame({"y": [np.nan] * 8}), ["y"], calc_second_order=True)


# ----------------------------------------------------------------------------- Morris


def test_morris_recovers_known_elementary_effects(tmp_path: Path):
    # y = 3 a + b^2 + 0 c: the effect of a is 3 per unit, i.e. 6 over its range [0, 2], with no spread;
    # c does nothing; b's effect depends on where the step is taken (sigma > 0).
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 2.0], [-1.0, 1.0], [0.0, 10.0]]}
    x = salib_morris_sample.sample(dict(problem), 30, num_levels=4, seed=rng(2))
    y = 3 * x[:, 0] + x[:, 1] ** 2
    table = pd.DataFrame(x, columns=["pa", "pb", "pc"]).assign(y=y)
    result = morris_indices(problem, table, ["y"], ["pa", "pb", "pc"], seed=4).set_index("parameter")
    assert result.loc["a", "mu_star"] == pytest.approx(6.0) and result.loc["a", "mu"] == pytest.approx(6.0)
    assert result.loc["a", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert result.loc["c", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert result.loc["b", "sigma"] > 0.5 and result.loc["b", "sigma_conf"] > 0
    assert result.loc["a", "mu_star"] > result.loc["b", "mu_star"] > result.loc["c", "mu_star"]
    # Through the sweep directory too.
    sweep = write_sweep(tmp_path / "m", "morris", ["a", "b", "c"], problem["bounds"], x,
                        {"p_hold": (y - y.min()) / (y.max() - y.min()), "restricted_mean_survival_days": y},
                        {"trajectories": 30, "num_levels": 4})
    res = runner.invoke(app, ["analyze", str(sweep), "--json"])
    assert res.exit_code == 0, res.output
    morris = pd.read_csv(sweep / "analysis" / "morris.csv")
    assert list(morris.columns[:6]) == ["outcome", "parameter", "mu_star", "mu_star_conf", "sigma", "mu"]
    rmst = morris[morris["outcome"] == "restricted_mean_survival_days"].set_index("parameter")
    assert rmst.loc["test.a", "mu_star"] == pytest.approx(6.0)
    assert json.loads(res.stdout)["morris"]


# ----------------------------------------------------------------------------- PRIM


def planted_box(n: int = 2000, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    g = rng(5)
    x = g.random((n, 4))
    inside = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.6) & (x[:, 1] >= 0.5) & (x[:, 1] <= 0.9)
    return x, inside ^ (g.random(n) < noise)


def test_prim_recovers_a_planted_box():
    x, interest = planted_box()
    result = prim(x, interest, ["a", "b", "c", "d"], bounds={k: (0.0, 1.0) for k in "abcd"}, min_density=0.9)
    box = result.boxes[0]
    assert box.restricted == ["a", "b"]
    # Points are ~0.0005 apart in each coordinate near the edges; peels land within a few hundredths.
    for name, (lo, hi) in {"a": (0.2, 0.6), "b": (0.5, 0.9)}.items():
        assert box.limits[name][0] == pytest.approx(lo, abs=0.03), name
        assert box.limits[name][1] == pytest.approx(hi, abs=0.03), name
    assert box.limits["c"] == (0.0, 1.0) and box.limits["d"] == (0.0, 1.0)
    assert box.density >= 0.9 and box.coverage > 0.7 and 0.1 < box.mass < 0.2
    trajectory = result.trajectory_table()
    assert trajectory["step"].iloc[0] == 0 and trajectory["coverage"].iloc[0] == 1.0
    assert (np.diff(trajectory["mass"]) < 0).all()  # each peel removes points
    assert trajectory["selected"].sum() == 1


def test_prim_covering_finds_a_second_box():
    g = rng(9)
    x = g.random((3000, 3))
    # Two disjoint bumps, each 0.35 x 0.35 in a different pair of parameters.
    interest = ((x[:, 0] < 0.35) & (x[:, 1] < 0.35)) | ((x[:, 0] > 0.65) & (x[:, 2] > 0.65))
    result = prim(x, interest, ["a", "b", "c"], min_density=0.9, max_boxes=3)
    assert len(result.boxes) == 2 and "every case of interest is covered" in result.notes[-1]
    by_dims = {tuple(b.restricted): b for b in result.boxes}
    assert set(by_dims) == {("a", "b"), ("a", "c")}
    assert by_dims[("a", "b")].limits["a"][1] == pytest.approx(0.35, abs=0.03)
    assert by_dims[("a", "c")].limits["c"][0] == pytest.approx(0.65, abs=0.03)
    assert sum(b.coverage for b in result.boxes) > 0.95
    assert all(b.density > 0.9 for b in result.boxes)


def test_prim_edge_cases():
    x = rng(1).random((100, 2))
    none = prim(x, np.zeros(100, dtype=bool), ["a", "b"])
    assert none.boxes == [] and "no point" in none.notes[0]
    every = prim(x, np.ones(100, dtype=bool), ["a", "b"])
    assert len(every.boxes) == 1 and every.boxes[0].restricted == [] and every.boxes[0].coverage == 1.0
    with pytest.raises(AnalysisError, match="peel_alpha"):
        prim(x, np.ones(100, dtype=bool), ["a", "b"], peel_alpha=0.9)
    with pytest.raises(AnalysisError, match="interest"):
        prim(x, np.ones(100), ["a", "b"])


# ----------------------------------------------------------------------------- importance


def test_prcc_ranks_monotonic_effects_and_eta2_catches_a_non_monotonic_one():
    g = rng(3)
    x = g.random((600, 4))
    y = 3 * x[:, 0] + np.exp(x[:, 1]) + np.cos(2 * np.pi * x[:, 2]) + 0.2 * g.standard_normal(600)
    coef, p = prcc(x, y)
    assert coef[0] > coef[1] > 0.5
    assert p[0] < 1e-10 and p[3] > 0.001  # x3 is irrelevant
    assert abs(coef[3]) < 0.1
    eta2 = correlation_ratio(x, y)
    # cos(2 pi x) is not monotonic: PRCC misses most of it, the correlation ratio does not.
    assert eta2[2] > 0.15 > abs(coef[2]) ** 2
    assert eta2[3] < 0.03


def test_analyze_any_design_writes_prim_and_importance(tmp_path: Path):
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}
    x = salib_latin.sample(problem, 400, seed=rng(4))
    p_hold = np.where((x[:, 0] > 0.5) & (x[:, 1] < 0.4), 0.8, 0.3) + 0.02 * x[:, 2]
    sweep = write_sweep(tmp_path / "lhs", "latin_hypercube", ["a", "b", "c"], problem["bounds"], x,
                        {"p_hold": p_hold, "restricted_mean_survival_days": 100 * p_hold}, salib=False)
    res = runner.invoke(app, ["analyze", str(sweep), "--threshold", "0.6", "--min-density", "0.95"])
    assert res.exit_code == 0, res.output
    assert "test.a in [" in res.stdout
    out = sweep / "analysis"
    boxes = json.loads((out / "prim_boxes.json").read_text())
    assert boxes[0]["threshold"] == 0.6 and boxes[0]["density"] >= 0.95
    assert set(boxes[0]["limits"]) == {"test.a", "test.b", "test.c"}
    assert boxes[0]["limits"]["test.a"][0] == pytest.approx(0.5, abs=0.03)
    assert boxes[0]["limits"]["test.b"][1] == pytest.approx(0.4, abs=0.03)
    for key in ("coverage", "density", "mass"):
        assert 0 <= boxes[0][key] <= 1
    trajectory = pd.read_csv(out / "prim_trajectory.csv")
    assert {"box_index", "step", "coverage", "density", "mass", "n_restricted_dimensions"} <= set(trajectory.columns)
    importance = pd.read_csv(out / "importance.csv")
    assert list(importance.columns[:5]) == ["outcome", "parameter", "score", "rank", "method"]
    top = importance[(importance["outcome"] == "p_hold") & (importance["method"] == "correlation_ratio")]
    assert top.sort_values("rank")["parameter"].iloc[-1] == "test.c"
    assert not (out / "sobol.csv").exists()


# ----------------------------------------------------------------------------- errors


def test_analyze_bad_input_exits_2_with_one_line(tmp_path: Path):
    def check(args: list[str], message: str) -> None:
        res = runner.invoke(app, ["analyze", *args])
        assert res.exit_code == 2, res.output
        assert message in res.output and "Traceback" not in res.output
        assert len(res.output.strip().splitlines()) == 1

    check([str(tmp_path / "nowhere")], "no such directory")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "run.json").write_text('{"kind": "run"}')
    check([str(tmp_path / "run")], "not a sweep")
    x = rng(2).random((40, 2))
    sweep = write_sweep(tmp_path / "grid", "grid", ["a", "b"], [[0, 1], [0, 1]], x, {"p_hold": x[:, 0]},
                        salib=False)
    check([str(sweep), "--method", "sobol"], "sobol indices need a sobol design")
    check([str(sweep), "--threshold", "1.5"], "expected a number in [0, 1]")
    check([str(sweep), "--outcome", "nonsense"], "nonsense: no such column")
    (sweep / "results.parquet").unlink()
    check([str(sweep)], "not consolidated")
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["kind"] = "compare"
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    check([str(sweep)], "expected 'sweep'")


def test_analyze_sweep_refuses_an_incomplete_sobol_design(tmp_path: Path, ishigami_sample):
    x = ishigami_sample[:800]
    sweep = write_sweep(tmp_path / "part", "sobol", ["x1", "x2", "x3"], ISHIGAMI_PROBLEM["bounds"], x,
                        ishigami_outcomes(x))
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["n_points"] = int(ishigami_sample.shape[0])
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(AnalysisError, match="every point"):
        analyze_sweep(sweep)
