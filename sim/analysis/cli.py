"""``ceasefire compare`` and ``ceasefire analyze``: parse, call :mod:`sim.analysis`, print."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli import (DEFAULT_SURVIVAL_DAYS, DashboardOption, HorizonOption, JsonOption, OverwriteOption, SeedOption,
                     SetOption, SurvivalDaysOption, WorkersOption)


def _ci(lo: float | None, hi: float | None, digits: int = 3) -> str:
    if lo is None or hi is None:
        return "n/a"
    return f"[{lo:+.{digits}f}, {hi:+.{digits}f}]"


def _ratio_text(row: dict[str, Any]) -> str:
    ratio = row["width_ratio"]
    if ratio is None:
        # JSON has no infinity: a null ratio means a zero-width paired CI (or n = 1).
        if row["ci_low"] is None or row["ci_low"] != row["ci_high"]:
            return "n/a"
        if row["ci_low_independent"] == row["ci_high_independent"]:
            return "both CIs have zero width"
        return "paired CI has zero width"
    if ratio >= 1.0:
        return f"paired CI is {ratio:.1f}x narrower"
    return f"paired CI is {1.0 / ratio:.1f}x wider"


def _measure_label(measure: str, day: int) -> str:
    return f"P(hold to day {day})" if measure == "p_hold" else f"S(day {day})"


def print_compare(summary: dict[str, Any]) -> None:
    """The human-readable compare report on stdout."""
    from sim.cli import out

    out.print(f"{len(summary['scenarios'])} scenarios, {summary['replications']:,} replications each, seed "
              f"{summary['seed']}, horizon {summary['horizon_days']} days, common random numbers", markup=False)
    table = Table(title="P(ceasefire holds to the horizon), 95% CI", title_justify="left")
    for col in ("#", "scenario", "P(hold)", "95% CI", *[f"S(day {d})" for d in summary["survival_days"]]):
        table.add_column(col, justify="left" if col == "scenario" else "right")
    for s in summary["scenarios"]:
        lo, hi = s["p_hold_ci"]
        table.add_row(str(s["index"]), s["name"], f"{s['p_hold']:.3f}", f"[{lo:.3f}, {hi:.3f}]",
                      *[f"{row['p']:.3f}" for row in s["survival"]])
    out.print(table)
    diff = Table(title="Difference from scenario #0 (B - A), paired by replication",
                 title_justify="left")
    for col in ("#", "measure", "difference", "paired 95% CI", "independent 95% CI", "pairing"):
        diff.add_column(col, justify="left" if col in ("measure", "pairing") else "right")
    index = {s["name"]: s["index"] for s in summary["scenarios"]}
    for row in summary["differences"]:
        diff.add_row(f"#{index.get(row['scenario'], '?')}", _measure_label(row["measure"], row["day"]), f"{row['difference']:+.3f}",
                     _ci(row["ci_low"], row["ci_high"]), _ci(row["ci_low_independent"], row["ci_high_independent"]),
                     _ratio_text(row))
    out.print(diff)


def print_analysis(summary: dict[str, Any]) -> None:
    """The human-readable analysis report on stdout."""
    from sim.cli import out

    s = summary["settings"]
    out.print(f"Sweep {summary['sweep_dir']}: {summary['n_points']} design points "
              f"({s['design_method']} design), horizon {summary['horizon_days']} days", markup=False)
    if summary["sobol"]:
        t = Table(title="Sobol indices (share of variance, +/- 95% CI half-width)", title_justify="left")
        for col in ("outcome", "parameter", "S1", "ST"):
            t.add_column(col, justify="right" if col in ("S1", "ST") else "left")
        for r in summary["sobol"]:
            t.add_row(r["outcome"], r["parameter"], _pm(r["S1"], r["S1_conf"]), _pm(r["ST"], r["ST_conf"]))
        out.print(t)
    if summary["morris"]:
        t = Table(title="Morris elementary effects (outcome per full parameter range, +/- 95% CI half-width)",
                  title_justify="left")
        for col in ("outcome", "parameter", "mu*", "sigma", "mu"):
            t.add_column(col, justify="left" if col in ("outcome", "parameter") else "right")
        for r in summary["morris"]:
            t.add_row(r["outcome"], r["parameter"], _pm(r["mu_star"], r["mu_star_conf"]),
                      _pm(r["sigma"], r["sigma_conf"]), _num(r["mu"]))
        out.print(t)
    if summary["importance"]:
        t = Table(title="Feature importance (eta^2: share of variance explained alone, any shape; "
                        "PRCC: monotonic effect and its sign)", title_justify="left")
        for col in ("outcome", "parameter", "eta^2", "rank", "PRCC", "p", "rank"):
            t.add_column(col, justify="left" if col in ("outcome", "parameter") else "right")
        rows = summary["importance"]
        prcc_rows = {(r["outcome"], r["parameter"]): r for r in rows if r["method"] == "prcc"}
        for r in rows:
            if r["method"] != "correlation_ratio":
                continue
            c = prcc_rows.get((r["outcome"], r["parameter"]), {})
            p = c.get("p_value")
            t.add_row(r["outcome"], r["parameter"], _num(r["score"]), str(r["rank"]), _num(c.get("value"), "+.3f"),
                      "n/a" if p is None else f"{p:.2g}", str(c.get("rank", "n/a")))
        out.print(t)
    prim_part = summary["prim"]
    if prim_part is not None:
        out.print(f"Scenario discovery (PRIM): {s['outcome']} >= {s['threshold']:g} at "
                  f"{prim_part['n_interest']} of {prim_part['n_points']} points; boxes need density >= "
                  f"{s['min_density']:g}", markup=False)
        for box in prim_part["boxes"]:
            flag = "" if box["meets_min_density"] else "  (below the density wanted)"
            out.print(f"  box {box['box_index'] + 1}: coverage {box['coverage']:.2f}, density {box['density']:.2f}, "
                      f"mass {box['mass']:.2f}{flag}", markup=False)
            if not box["restricted"]:
                out.print("    no restriction: the whole design space", markup=False)
            for name in box["restricted"]:
                lo, hi = box["limits"][name]
                out.print(f"    {name} in [{lo:.4g}, {hi:.4g}]", markup=False)
        for i, trajectory in enumerate(prim_part["trajectories"]):
            picks = _tradeoff_rows(trajectory)
            if picks:
                out.print(f"  peeling trade-off, box {i + 1} (step: coverage / density / mass / dims):", markup=False)
                out.print("    " + ";  ".join(f"{t['step']}: {t['coverage']:.2f} / {t['density']:.2f} / "
                                              f"{t['mass']:.2f} / {t['n_restricted_dimensions']}" for t in picks),
                          markup=False)
        for note in prim_part["notes"]:
            out.print(f"  note: {note}", markup=False)
    for note in summary["notes"]:
        out.print(f"note: {note}", markup=False)


def _tradeoff_rows(trajectory: list[dict[str, Any]], k: int = 6) -> list[dict[str, Any]]:
    if not trajectory:
        return []
    idx = sorted({round(i * (len(trajectory) - 1) / (k - 1)) for i in range(k)})
    return [trajectory[i] for i in idx]


def _num(x: float | None, fmt: str = ".3f") -> str:
    return "n/a" if x is None else format(x, fmt)


def _pm(x: float | None, conf: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.3f}" + ("" if conf is None else f" +/- {conf:.3f}")


def register(app: typer.Typer) -> None:
    """Add ``compare`` and ``analyze`` to the ``ceasefire`` command."""

    @app.command()
    def compare(
        scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the baseline.")],
        replications: Annotated[int, typer.Option("--replications", "-n", min=2, max=100_000_000,
                                                  help="Replications per scenario (at most 100,000,000).")] = 10_000,
        seed: SeedOption = None,
        horizon: HorizonOption = None,
        survival_days: SurvivalDaysOption = DEFAULT_SURVIVAL_DAYS,
        workers: WorkersOption = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Write a compare results directory here.")] = None,
        as_json: JsonOption = False,
        dashboard: DashboardOption = False,
        overwrite: OverwriteOption = False,
        set_values: SetOption = None,
    ) -> None:
        """Compare scenarios with common random numbers: paired differences from the first, with 95% CIs.

        Values given with --set are set in every scenario (the same assumption changed in all).
        """
        from sim.cli import (clamp_workers, fail, load_or_exit, open_out_dir, out, parse_set_or_exit, progress,
                             survival_days_or_exit, with_set_or_exit)
        from sim.guard import interrupt_note

        from .compare import compare as run_compare
        from .errors import AnalysisError

        days = survival_days_or_exit(survival_days, dashboard, out_dir)
        if len(scenarios) < 2:
            fail(f"compare: scenarios: {len(scenarios)} given: need at least two (the first is the baseline)")
        values = parse_set_or_exit(set_values)
        specs = [with_set_or_exit(load_or_exit(path), values, path) for path in scenarios]
        staged = open_out_dir(out_dir, overwrite)
        try:
            interrupt_note(f"nothing was written to {out_dir}; run the command again to get its results"
                           if out_dir is not None else "nothing was written; run the command again")
            bar = progress(f"Comparing {len(specs)} scenarios", total=replications * len(specs))
            try:
                result = run_compare(specs, n_replications=replications, seed=seed, horizon_days=horizon,
                                     survival_days=days, workers=clamp_workers(workers, replications), progress=bar)
            except (AnalysisError, ValueError) as exc:
                fail(str(exc))
            finally:
                bar.close()
            summary = result.summary()
            if staged is not None:
                result.write(staged.path, command=sys.argv)
                staged.commit()
                if dashboard:
                    _dashboard(out_dir)
        finally:
            if staged is not None:
                staged.close()
        if as_json:
            sys.stdout.write(json.dumps(summary) + "\n")
        else:
            print_compare(summary)
            if out_dir is not None:
                out.print(f"Results written to {out_dir}", markup=False)

    @app.command()
    def analyze(
        sweep_dir: Annotated[Path, typer.Argument(help="A sweep results directory.")],
        threshold: Annotated[float, typer.Option(help="PRIM: points where the outcome is at least this.")] = 0.5,
        outcome: Annotated[str, typer.Option(help="PRIM: the results column to threshold.")] = "p_hold",
        min_density: Annotated[float, typer.Option(min=0.0, max=1.0,
                                                   help="PRIM: density a box must reach.")] = 0.8,
        max_boxes: Annotated[int, typer.Option(min=1, help="PRIM: most boxes.")] = 3,
        method: Annotated[list[str] | None, typer.Option(
            "--method", help="Only these (repeatable): sobol, morris, prim, importance.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print analysis.json on stdout.")] = False,
    ) -> None:
        """Sobol or Morris indices, PRIM boxes and feature importance of a sweep; writes <sweep>/analysis/."""
        from sim.cli import err, out

        from .errors import AnalysisError
        from .sweep import analyze_sweep

        try:
            analysis = analyze_sweep(sweep_dir, threshold=threshold, outcome=outcome, min_density=min_density,
                                     max_boxes=max_boxes, methods=method or None)
            written = analysis.write()
        except AnalysisError as exc:
            for line in str(exc).splitlines():
                err.print(f"error: {line}", markup=False)
            raise typer.Exit(2) from None
        summary = analysis.summary()
        if as_json:
            sys.stdout.write(json.dumps(summary) + "\n")
        else:
            print_analysis(summary)
            out.print(f"Tables written to {written}", markup=False)


def _dashboard(out_dir: Path) -> None:
    from sim.cli import err

    try:
        module = importlib.import_module("sim.dashboards")
    except ModuleNotFoundError:
        err.print("note: dashboards are not installed in this build; no dashboard.html written", markup=False)
        return
    write_dashboard = getattr(module, "write_dashboard", None)
    if write_dashboard is None:
        err.print("note: sim.dashboards has no write_dashboard; no dashboard.html written", markup=False)
        return
    path = write_dashboard(out_dir)
    err.print(f"Dashboard written to {path}", markup=False)
