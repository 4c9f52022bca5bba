"""Dashboards: the figures' data equal the results tables they were drawn from; user text is escaped.

The fixture builders here write results directories in the formats of the run, compare and sweep
contracts; the browser tests (test_dashboards_browser.py) reuse them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import sim
from sim import outcomes
from sim.dashboards import DashboardError, build_page, detect_kind, write_dashboard
from sim.dashboards import run as run_dash
from sim.dashboards import sweep as sweep_dash
from sim.dashboards.cli import register
from sim.dashboards.page import render, script_json
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "pakistan_afghanistan_2025.yaml"
HOSTILE_NAME = '</script><script>document.body.dataset.pwned="1"</script><b>Hostile & "quoted"</b>'
HOSTILE_DESCRIPTION = '<img src=x onerror="document.body.dataset.pwned=2">A description'
SURVIVAL_DAYS = [7, 30, 60]


# ---------------------------------------------------------------------------- fixture builders


def scenario_variant(name: str | None = None, description: str | None = None,
                     background_prob: float | None = None) -> Scenario:
    """The baseline scenario with a new name/description and, optionally, a different background hazard."""
    data = sim.load_scenario(BASELINE, warn=False).model_dump(mode="json", by_alias=True)
    if name is not None:
        data["name"] = name
    if description is not None:
        data["description"] = description
    if background_prob is not None:
        data["ceasefire"]["background_breakdown_prob_per_day"] = background_prob
    return Scenario.model_validate(data)


def make_run_dir(directory: Path, scenario: Scenario | None = None, n: int = 400, seed: int = 11,
                 horizon: int = 60) -> Path:
    """A real run results directory (RunResult.write)."""
    result = sim.run(scenario or scenario_variant(), n_replications=n, seed=seed, horizon_days=horizon)
    return result.write(directory, SURVIVAL_DAYS)


def make_compare_dir(directory: Path, scenarios: list[Scenario], n: int = 400, seed: int = 5,
                     horizon: int = 60) -> Path:
    """A compare results directory in the contract's format, from real runs sharing one seed."""
    directory.mkdir(parents=True, exist_ok=True)
    results = [sim.run(s, n_replications=n, seed=seed, horizon_days=horizon) for s in scenarios]
    survival, diffs = [], []
    for index, (scenario, result) in enumerate(zip(scenarios, results, strict=True)):
        slug = re.sub(r"[^a-z0-9]+", "_", scenario.name.lower()).strip("_")[:40]
        result.write(directory / "runs" / f"{index}_{slug}", SURVIVAL_DAYS)
        table = result.survival_table()
        survival.append(pd.DataFrame({"scenario": scenario.name, "day": table["day"], "date": table["date"],
                                      "p": table["p"], "ci_low": table["ci_low"], "ci_high": table["ci_high"]}))
    base = results[0]
    base_days = base.replications["breakdown_day"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    for scenario, result in zip(scenarios[1:], results[1:], strict=True):
        days = result.replications["breakdown_day"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        held = outcomes.paired_difference_ci(np.isnan(base_days).astype(float), np.isnan(days).astype(float))
        rows = [{"measure": "p_hold", "day": horizon, **held}]
        rows += [{"measure": f"survival_d{r['day']}", **r}
                 for r in outcomes.survival_difference_ci(base_days, days, horizon, SURVIVAL_DAYS)]
        for r in rows:
            diffs.append({"scenario": scenario.name, "baseline": scenarios[0].name, "measure": r["measure"],
                          "day": r["day"], "difference": r["difference"], "ci_low": r["ci_low"],
                          "ci_high": r["ci_high"], "ci_low_independent": r["ci_low_independent"],
                          "ci_high_independent": r["ci_high_independent"], "width_ratio": r["width_ratio"]})
    pd.concat(survival).to_csv(directory / "survival.csv", index=False)
    pd.DataFrame(diffs).to_csv(directory / "differences.csv", index=False)
    info = {"kind": "compare", "scenarios": [s.name for s in scenarios], "scenario_files": [str(BASELINE)],
            "seed": seed, "replications": n, "horizon_days": horizon, "versions": {"python": "test"}}
    (directory / "run.json").write_text(json.dumps(info), encoding="utf-8")
    (directory / "summary.json").write_text(json.dumps({"scenarios": info["scenarios"]}), encoding="utf-8")
    return directory


SWEEP_PARAMS = [
    {"name": "background hazard", "path": "ceasefire.background_breakdown_prob_per_day", "low": 0.0002,
     "high": 0.002, "values": [0.0002, 0.0011, 0.002]},
    {"name": "mediator leverage", "path": "mediation.leverage_restraint", "low": 0.5, "high": 2.5,
     "values": [0.5, 1.5, 2.5]},
    {"name": "inducements", "path": "mediation.inducement_restraint", "low": 1.0, "high": 5.0,
     "values": [1.0, 3.0, 5.0]},
]


def make_sweep_dir(directory: Path, replications: int = 500, seed: int = 3) -> Path:
    """A sweep results directory in the contract's format: a 3x3x3 grid with a smooth synthetic response.

    The dashboard reads results, it never runs the model, so a known response surface (with binomial
    noise from a seeded Generator) is enough to check what is drawn.
    """
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    grids = np.meshgrid(*[p["values"] for p in SWEEP_PARAMS], indexing="ij")
    points = np.stack([g.ravel() for g in grids], axis=1)
    logit = 1.0 - 900.0 * points[:, 0] + 0.6 * points[:, 1] + 0.1 * points[:, 2]
    held = rng.binomial(replications, 1 / (1 + np.exp(-logit)))
    rows = []
    for i, (x, h) in enumerate(zip(points, held, strict=True)):
        p, lo, hi = outcomes.proportion_ci(int(h), replications)
        row: dict[str, Any] = {"point": i}
        row.update({f"param.{prm['path']}": float(v) for prm, v in zip(SWEEP_PARAMS, x, strict=True)})
        row.update({"replications": replications, "p_hold": p, "p_hold_ci_low": lo, "p_hold_ci_high": hi,
                    "breakdown_day_q10": 20, "breakdown_day_q50": None if p > 0.5 else 150,
                    "breakdown_day_q90": None, "restricted_mean_survival_days": 100 + 80 * p})
        rows.append(row)
    results = pd.DataFrame(rows)
    for q in ("breakdown_day_q10", "breakdown_day_q50", "breakdown_day_q90"):
        results[q] = results[q].astype("Int64")
    results.to_parquet(directory / "results.parquet", index=False)
    results.to_csv(directory / "results.csv", index=False)
    manifest = {"kind": "sweep", "sweep_file": "experiments/test_sweep.yaml", "sweep": {"name": "Test sweep"},
                "base_scenario_hash": "0" * 16, "versions": {"python": "test"}, "seed": seed,
                "design": {"method": "grid"}, "parameters": SWEEP_PARAMS, "n_points": len(results),
                "replications_per_point": replications, "survival_days": [30], "horizon_days": 180}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    analysis = directory / "analysis"
    analysis.mkdir(exist_ok=True)
    pd.DataFrame({"outcome": "p_hold", "parameter": [p["path"] for p in SWEEP_PARAMS],
                  "S1": [0.6, 0.25, 0.02], "S1_conf": [0.05, 0.04, 0.02],
                  "ST": [0.68, 0.3, 0.04], "ST_conf": [0.06, 0.05, 0.03]}).to_csv(analysis / "sobol.csv", index=False)
    pd.DataFrame({"outcome": "p_hold", "parameter": [p["path"] for p in SWEEP_PARAMS],
                  "mu_star": [0.3, 0.12, 0.01], "mu_star_conf": [0.03, 0.02, 0.01],
                  "sigma": [0.05, 0.04, 0.01], "mu": [-0.3, 0.12, 0.01]}).to_csv(analysis / "morris.csv", index=False)
    pd.DataFrame({"outcome": "p_hold", "parameter": [p["path"] for p in SWEEP_PARAMS], "score": [0.9, 0.5, 0.1],
                  "rank": [1, 2, 3], "method": "prcc"}).to_csv(analysis / "importance.csv", index=False)
    boxes = [{"outcome": "p_hold", "threshold": 0.7, "coverage": 0.8, "density": 0.9, "mass": 0.3,
              "limits": {"param.ceasefire.background_breakdown_prob_per_day": [0.0002, 0.0011],
                         "param.mediation.leverage_restraint": [1.5, 2.5]}}]
    (analysis / "prim_boxes.json").write_text(json.dumps(boxes), encoding="utf-8")
    pd.DataFrame({"step": [0, 1, 2], "coverage": [1.0, 0.9, 0.8], "density": [0.5, 0.7, 0.9],
                  "mass": [1.0, 0.6, 0.3], "n_restricted_dimensions": [0, 1, 2]}).to_csv(
        analysis / "prim_trajectory.csv", index=False)
    return directory


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run_dir(tmp_path_factory.mktemp("run") / "out")


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenarios = [scenario_variant(), scenario_variant(name="Fragile: high background hazard", background_prob=0.004)]
    return make_compare_dir(tmp_path_factory.mktemp("compare") / "out", scenarios)


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sweep_dir(tmp_path_factory.mktemp("sweep") / "out")


def figure_sections(page) -> dict[str, Any]:
    return {s.anchor: s.figure for s in page.sections if s.figure is not None}


# ---------------------------------------------------------------------------- run


def test_run_survival_and_breakdown_figures_equal_survival_csv(run_dir: Path) -> None:
    survival = pd.read_csv(run_dir / "survival.csv")
    figs = figure_sections(build_page(run_dir))
    upper, lower, estimate = figs["survival"].data[:3]
    np.testing.assert_array_equal(estimate.x, survival["date"].to_numpy())
    np.testing.assert_allclose(estimate.y, survival["p"])
    np.testing.assert_allclose(lower.y, survival["ci_low"])
    np.testing.assert_allclose(upper.y, survival["ci_high"])
    status = {t.name: t for t in figs["status"].data}
    np.testing.assert_allclose(status["holding"].y, survival["share_holding"])
    np.testing.assert_allclose(status["violated, not yet broken"].y, survival["share_violated"])
    np.testing.assert_allclose(status["broken down"].y, survival["share_broken"])
    bars = figs["breakdown-days"].data[0]
    np.testing.assert_array_equal(bars.y, survival.loc[survival["day"] > 0, "breakdowns"])
    # The breakdown histogram accounts for every replication that broke down.
    reps = pd.read_parquet(run_dir / "replications.parquet")
    assert int(np.sum(bars.y)) == int(reps["breakdown_day"].notna().sum())


def test_run_sunburst_counts_equal_cause_chains_of_replications(run_dir: Path) -> None:
    reps = pd.read_parquet(run_dir / "replications.parquet")
    broke = reps[reps["breakdown_day"].notna()]
    assert len(broke) > 10, "fixture should have breakdowns to draw"
    sunburst = figure_sections(build_page(run_dir))["causes"].data[0]
    value = dict(zip(sunburst.ids, sunburst.values, strict=True))
    first_steps = broke["cause"].str.split(" > ").str[0].value_counts()
    for step, count in first_steps.items():
        assert value[step] == count
    for chain, count in broke["cause"].value_counts().items():
        children = sum(v for i, v in value.items() if i.startswith(chain.replace(">", "&gt;") + " &gt; ")
                       and i.count("&gt;") == chain.count(">") + 1)
        assert value[chain.replace(">", "&gt;")] - children == count


def test_run_trust_and_violence_quantiles_equal_trajectories(run_dir: Path) -> None:
    traj = pd.read_parquet(run_dir / "trajectories.parquet")
    daily = pd.read_csv(run_dir / "daily.csv")
    figs = figure_sections(build_page(run_dir))
    column = "trust.pakistan.afghan_taliban"
    wide = traj.pivot(index="day", columns="replication", values=column).to_numpy()
    q90, q10, q50 = [t for t in figs["trust"].data if t.meta == column]
    assert len(figs["trust"].data) == 3 * sum(c.startswith("trust.") for c in traj.columns)
    np.testing.assert_allclose(q50.y, np.quantile(wide, 0.5, axis=1))
    np.testing.assert_allclose(q10.y, np.quantile(wide, 0.1, axis=1))
    np.testing.assert_allclose(q90.y, np.quantile(wide, 0.9, axis=1))
    violence = figs["violence"].data
    medians = [t for t in violence if t.name == "median"]
    means = [t for t in violence if t.name == "mean (all replications)"]
    for trace, col in zip(medians, ("attacks", "strikes", "casualties"), strict=True):
        series = traj.pivot(index="day", columns="replication", values=col).to_numpy()
        np.testing.assert_allclose(trace.y, np.median(series, axis=1))
    for trace, col in zip(means, ("mean_attacks", "mean_strikes", "mean_casualties"), strict=True):
        np.testing.assert_allclose(trace.y, daily[col])


def test_run_talks_and_timeline_equal_files(run_dir: Path) -> None:
    talks = pd.read_csv(run_dir / "talks.csv")
    timeline = json.loads((run_dir / "timeline.json").read_text())
    figs = figure_sections(build_page(run_dir))
    bars = {t.name: t for t in figs["talks"].data if t.type == "bar"}
    np.testing.assert_array_equal(bars["agreement"].y, talks["agreements"])
    np.testing.assert_array_equal(bars["walk-out"].y, talks["walkouts"])
    np.testing.assert_array_equal(bars["no agreement"].y, talks["rejections"])
    np.testing.assert_array_equal(bars["agreement"].x, talks["date"])
    events = figs["timeline"].data
    assert sum(len(t.x) for t in events) == len(timeline)
    assert sorted(x for t in events for x in t.x) == sorted(e["date"] for e in timeline)


def test_run_headline_states_odds_median_and_main_cause(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    text = " ".join(run_dash.headline(summary))
    lo, hi = summary["p_hold_ci"]
    assert f"{100 * summary['p_hold']:.1f}%" in text
    assert f"{100 * lo:.1f}% to {100 * hi:.1f}%" in text
    assert "Median time to breakdown" in text
    top = next(iter(summary["breakdown_causes"]))
    assert top.split(" > ")[0].replace("_", " ").replace("cross border", "cross-border") in text


def test_headline_median_wording_follows_quantiles() -> None:
    base = {"replications": 10, "horizon_days": 90, "start_date": "2025-01-01", "horizon_date": "2025-04-01",
            "p_hold": 0.3, "p_hold_ci": [0.1, 0.6], "breakdown_causes": {}}
    reached = run_dash.headline({**base, "breakdown_day_quantiles": {"q10": 3, "q50": 41, "q90": 80},
                                 "breakdown_date_quantiles": {"q10": "x", "q50": "2025-02-11", "q90": "y"}})
    assert "41 days" in reached[2] and "2025-02-11" in reached[2]
    beyond = run_dash.headline({**base, "breakdown_day_quantiles": {"q10": None, "q50": None, "q90": None},
                                "breakdown_date_quantiles": {}})
    assert "beyond the horizon" in beyond[2]
    assert beyond[3] == "No replication broke down."


def test_page_embeds_plotly_once_and_needs_no_network(run_dir: Path) -> None:
    html_text = write_dashboard(run_dir).read_text(encoding="utf-8")
    assert (run_dir / "dashboard.html").exists()
    assert html_text.count("plotly.js v") == 1
    assert not re.search(r"<script[^>]+src=", html_text)
    assert not re.search(r"<link[^>]+href=\"?https?:", html_text)
    page = build_page(run_dir)
    n_figures = sum(s.figure is not None for s in page.sections)
    assert html_text.count('data-figure="plot-') == n_figures
    assert n_figures >= 7


def test_script_json_cannot_close_its_script_element() -> None:
    text = script_json({"name": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


def test_user_text_is_escaped_everywhere(tmp_path: Path) -> None:
    scenario = scenario_variant(name=HOSTILE_NAME, description=HOSTILE_DESCRIPTION)
    run_dir = make_run_dir(tmp_path / "hostile", scenario, n=100, horizon=30)
    html_text = write_dashboard(run_dir).read_text(encoding="utf-8")
    assert '<script>document.body.dataset.pwned' not in html_text
    assert "<img src=x" not in html_text
    assert "<b>Hostile" not in html_text
    assert "&lt;/script&gt;&lt;script&gt;document.body.dataset.pwned" in html_text  # the title, as text
    assert "&lt;img src=x onerror=" in html_text
    # Nothing but our own four script elements and the figures' JSON blocks.
    n_json = html_text.count('<script type="application/json"')
    assert html_text.count("<script") == n_json + 3


# ---------------------------------------------------------------------------- compare


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_compare_figures_equal_tables(compare_dir: Path) -> None:
    assert detect_kind(compare_dir) == "compare"
    survival = pd.read_csv(compare_dir / "survival.csv")
    diffs = pd.read_csv(compare_dir / "differences.csv")
    page = build_page(compare_dir)
    figs = figure_sections(page)
    curves = {t.name: t for t in figs["survival"].data if t.line.width == 2.5}
    assert len(curves) == 2
    for name, rows in survival.groupby("scenario"):
        trace = curves[name.replace("&", "&amp;")]
        np.testing.assert_allclose(trace.y, rows.sort_values("day")["p"])
    paired = [t for t in figs["differences"].data if t.name == "difference, paired 95% CI"]
    measures = ["p_hold"] + [f"survival_d{d}" for d in SURVIVAL_DAYS]
    assert len(paired) == len(measures)
    for trace, measure in zip(paired, measures, strict=True):
        row = diffs[diffs["measure"] == measure].iloc[0]
        np.testing.assert_allclose(trace.x, [100 * row["difference"]])
        np.testing.assert_allclose(trace.error_x.array, [100 * (row["ci_high"] - row["difference"])])
        np.testing.assert_allclose(trace.error_x.arrayminus, [100 * (row["difference"] - row["ci_low"])])
    # A higher background hazard lowers the odds, and the paired interval says so.
    p_row = diffs[diffs["measure"] == "p_hold"].iloc[0]
    assert p_row["ci_high"] < 0
    assert "Largest change in P(holds to the horizon)" in " ".join(page.headline)


# ---------------------------------------------------------------------------- sweep


def test_sweep_figures_equal_results(sweep_dir: Path) -> None:
    assert detect_kind(sweep_dir) == "sweep"
    results = pd.read_parquet(sweep_dir / "results.parquet")
    page = build_page(sweep_dir, heatmap_x="mediation.leverage_restraint",
                      heatmap_y="param.ceasefire.background_breakdown_prob_per_day")
    figs = figure_sections(page)
    for trace, param in zip(figs["by-parameter"].data, SWEEP_PARAMS, strict=True):
        np.testing.assert_allclose(trace.x, results[f"param.{param['path']}"])
        np.testing.assert_allclose(trace.y, results["p_hold"])
        np.testing.assert_allclose(trace.error_y.array, results["p_hold_ci_high"] - results["p_hold"])
    heat = figs["heatmap"].data[0]
    expected = results.pivot_table(index="param.ceasefire.background_breakdown_prob_per_day",
                                   columns="param.mediation.leverage_restraint", values="p_hold", aggfunc="mean")
    np.testing.assert_allclose(heat.x, expected.columns)
    np.testing.assert_allclose(heat.y, expected.index)
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), expected.to_numpy())
    par = figs["parallel"].data[0]
    np.testing.assert_allclose(par.dimensions[-1]["values"], results["p_hold"])
    np.testing.assert_allclose(par.dimensions[0]["values"], results[f"param.{SWEEP_PARAMS[0]['path']}"])
    sobol = pd.read_csv(sweep_dir / "analysis" / "sobol.csv").sort_values("ST", ascending=False)
    s1, st = figs["sobol"].data
    np.testing.assert_allclose(st.y, sobol["ST"])
    np.testing.assert_allclose(s1.error_y.array, sobol["S1_conf"])
    importance = figs["importance"].data[0]
    np.testing.assert_allclose(importance.y, [0.9, 0.5, 0.1])
    assert list(importance.x) == [p["name"] for p in SWEEP_PARAMS]
    prim = figs["prim"].data[0]
    np.testing.assert_allclose(prim.base, [0.0, 0.5])
    np.testing.assert_allclose(prim.x, [0.5, 0.5])
    text = " ".join(page.headline)
    assert "27 design points (grid)" in text
    assert "Most influential parameter for p_hold: background hazard (total Sobol index 0.68" in text


def test_heatmap_bins_continuous_designs() -> None:
    rng = np.random.default_rng(np.random.SeedSequence(1))
    n = 400
    x = rng.uniform(0, 1, n)
    y = rng.uniform(10, 20, n)
    table = pd.DataFrame({"point": np.arange(n), "param.a": x, "param.b": y, "p_hold": x})
    xs, ys, z, counts = sweep_dash.heatmap_table(table, {"path": "a", "low": 0, "high": 1},
                                                 {"path": "b", "low": 10, "high": 20}, bins=4)
    np.testing.assert_allclose(xs, [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(ys, [11.25, 13.75, 16.25, 18.75])
    assert counts.sum() == n
    # p_hold = x, so each column's mean lies inside its bin.
    assert np.all((z >= np.array([0, 0.25, 0.5, 0.75])) & (z <= np.array([0.25, 0.5, 0.75, 1.0])))


def test_sweep_rejects_unswept_heatmap_parameter(sweep_dir: Path) -> None:
    with pytest.raises(DashboardError, match="not swept"):
        build_page(sweep_dir, heatmap_x="actors.us.leverage")


# ---------------------------------------------------------------------------- CLI and errors


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def version() -> None:  # a second command keeps "dashboard" a subcommand
        """Unused."""

    return app


def test_cli_writes_dashboard_and_reports_bad_input(sweep_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "nested" / "sweep.html"
    ok = runner.invoke(_cli(), ["dashboard", str(sweep_dir), "-o", str(target)])
    assert ok.exit_code == 0, ok.output
    assert target.exists() and target.stat().st_size > 1_000_000
    missing = runner.invoke(_cli(), ["dashboard", str(tmp_path / "nothing")])
    assert missing.exit_code == 2
    assert "not a directory" in missing.output
    empty = runner.invoke(_cli(), ["dashboard", str(tmp_path)])
    assert empty.exit_code == 2
    assert "no run.json or manifest.json" in empty.output
    bad = runner.invoke(_cli(), ["dashboard", str(sweep_dir), "--heatmap-x", "nope"])
    assert bad.exit_code == 2
    assert "heatmap parameter: nope: not swept" in bad.output


def test_unknown_kind_is_reported(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text('{"kind": "mystery"}')
    with pytest.raises(DashboardError, match="kind: 'mystery': expected one of run, compare, sweep"):
        detect_kind(tmp_path)


def test_render_is_deterministic_apart_from_timestamp(run_dir: Path) -> None:
    page = build_page(run_dir)
    strip = re.compile(r"Generated [^.]+\.")
    assert strip.sub("", render(page)) == strip.sub("", render(page))


def test_png_export_without_browser_says_what_to_install(run_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.dashboards.export import ExportError, export_png

    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    try:
        import kaleido  # noqa: F401
        expected = "needs Chromium or Chrome and none was found"
    except ImportError:
        expected = "needs kaleido"
    with pytest.raises(ExportError, match=expected):
        export_png(build_page(run_dir), tmp_path / "png")
    assert not (tmp_path / "png").exists()


def test_run_without_breakdowns_talks_or_trajectories(tmp_path: Path) -> None:
    result = sim.run(scenario_variant(), n_replications=50, seed=1, horizon_days=2, keep_replications=False,
                     trajectory_replications=0)
    run_dir = result.write(tmp_path / "tiny", [1])
    page = build_page(run_dir)
    assert [s.anchor for s in page.sections] == ["survival", "status", "breakdown-days", "timeline", "parameters"]
    assert page.headline[-1] == "No replication broke down."
    assert "fewer than one in ten breaks down within 2 days" in page.headline[2]
    assert write_dashboard(run_dir).stat().st_size > 1_000_000
