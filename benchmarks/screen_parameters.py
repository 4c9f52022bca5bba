"""Morris screening of every number of a scenario, through the sweep machinery (not run by the tests).

Lists every numeric parameter of the scenario (:func:`sim.sweep.screening.numeric_parameters`: x0.5 to x1.5
of its value, clipped to the schema's allowed range, or the plausible or allowed range for a value of 0),
writes a Morris sweep file over them, runs it with :func:`sim.sweep.run_sweep` (every design point uses the
same seed: common random numbers) and ranks the parameters by their Morris mu* on each outcome
(:func:`sim.analysis.sensitivity.morris_indices`; outcome units per full screening range). Parameters with
mu* exactly 0 on every outcome are flagged ``INERT``: with common random numbers, no step of theirs changed
any outcome of any design point.

Integer parameters (days, rounds) are not in the Morris design (a sweep range needs a field that takes any
number); :func:`sim.sweep.screening.inert_parameters` checks them one at a time, and ``--oat`` runs that
check here too.

Usage::

    .venv/bin/python benchmarks/screen_parameters.py scenarios/pakistan_afghanistan_2025.yaml \\
        --trajectories 10 --replications 2000 [--workers 2] [--out sweeps/screen_baseline] [--resume] [--oat]

Writes ``<out>/sweep.yaml`` (the sweep file), ``<out>/run/`` (the sweep's results directory) and
``<out>/screening.csv`` (the ranked table), and prints the table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTCOMES = {
    "p_hold": "P(hold)",
    "p_agreement": "P(agree)",
    "mean_strikes": "strikes",
    "mean_retaliations": "retal.",
    "mean_attacks": "attacks",
    "mean_casualties": "casualt.",
    "mean_walkouts": "walkouts",
    "restricted_mean_survival_days": "days held",
}
"""Outcomes screened (results-table column -> short label). ``restricted_mean_survival_days`` is the mean
breakdown day with ceasefires that held counted at the horizon (mean of min(T, H))."""


def write_sweep_file(path: Path, scenario_path: Path, parameters: list, seed: int, replications: int,
                     trajectories: int, levels: int) -> None:
    """The Morris sweep over ``parameters``' screening ranges (JSON, which the sweep loader reads as YAML)."""
    spec = {
        "name": f"Morris screening of {scenario_path.name}",
        "description": "Every numeric parameter over x0.5..x1.5 of its value (benchmarks/screen_parameters.py)",
        "base": str(scenario_path.resolve()),
        "seed": seed,
        "replications": replications,
        "parameters": [{"path": p.path, "range": [float(p.low), float(p.high)]} for p in parameters],
        "design": {"method": "morris", "trajectories": trajectories, "levels": levels},
        "outcomes": {"keep": list(OUTCOMES)},
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def ranked_table(morris, parameters: list):
    """One row per parameter: mu* and sigma per outcome, a rank score, and the INERT flag.

    The score is the mean over outcomes of mu* over the largest mu* of that outcome (0..1), so outcomes in
    different units weigh alike. ``inert`` is mu* exactly 0 on every outcome.
    """
    import pandas as pd

    wide = morris.pivot(index="parameter", columns="outcome", values=["mu_star", "sigma"])
    table = pd.DataFrame(index=[p.path for p in parameters])
    table.index.name = "parameter"
    table["value"] = [p.value for p in parameters]
    table["low"] = [p.low for p in parameters]
    table["high"] = [p.high for p in parameters]
    score = pd.Series(0.0, index=table.index)
    used = 0
    for outcome in OUTCOMES:
        if ("mu_star", outcome) not in wide.columns:
            continue
        mu = wide[("mu_star", outcome)].reindex(table.index)
        table[f"mu_star.{outcome}"] = mu
        table[f"sigma.{outcome}"] = wide[("sigma", outcome)].reindex(table.index)
        top = mu.max()
        if top > 0:
            score += mu / top
            used += 1
    table["score"] = score / max(used, 1)
    mu_cols = [c for c in table.columns if c.startswith("mu_star.")]
    table["inert"] = (table[mu_cols] == 0).all(axis=1)
    return table.sort_values(["score", "parameter"], ascending=[False, True], kind="stable").reset_index()


def print_table(table) -> None:
    labels = [(f"mu_star.{o}", OUTCOMES[o]) for o in OUTCOMES if f"mu_star.{o}" in table.columns]
    width = max(len(p) for p in table["parameter"])
    print(f"{'rank':>4}  {'parameter':<{width}}  {'score':>6}  " + "  ".join(f"{lab:>9}" for _, lab in labels))
    for i, row in table.iterrows():
        cells = "  ".join(f"{row[c]:9.3g}" for c, _ in labels)
        flag = "  INERT" if row["inert"] else ""
        print(f"{i + 1:>4}  {row['parameter']:<{width}}  {row['score']:6.3f}  {cells}{flag}")
    print("mu* in outcome units per full screening range; sigma per outcome is in the CSV.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--levels", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20251019)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="default: sweeps/screen_<scenario stem>")
    parser.add_argument("--resume", action="store_true", help="continue a screening already in --out")
    parser.add_argument("--zeros", choices=("range", "fixed"), default="range",
                        help="range: sweep zero-valued parameters over their plausible or allowed range (the "
                        "design then reaches far from the scenario, e.g. full monitoring); fixed: keep them at 0, "
                        "screening the x0.5..x1.5 neighbourhood of the scenario (the one-at-a-time check covers them)")
    parser.add_argument("--oat", action="store_true",
                        help="also run the one-at-a-time exact check (inert_parameters), integers included")
    parser.add_argument("--oat-replications", type=int, default=1000)
    args = parser.parse_args(argv)

    import pandas as pd

    from sim.analysis.sensitivity import morris_indices
    from sim.api import load_scenario
    from sim.sweep import load_sweep, run_sweep
    from sim.sweep.screening import enumerate_fields, inert_parameters, refused_ranges

    started = time.perf_counter()
    scenario = load_scenario(args.scenario, warn=False)
    found = enumerate_fields(scenario)
    integers = [p for p in found.parameters if p.integer]
    floats = [p for p in found.parameters if not p.integer]
    refused = refused_ranges(scenario, floats)
    zeros = [p for p in floats if p.value == 0 and p.path not in refused] if args.zeros == "fixed" else []
    swept = [p for p in floats if p.path not in refused and p not in zeros]
    out = args.out or ROOT / "sweeps" / f"screen_{args.scenario.stem}"
    out.mkdir(parents=True, exist_ok=True)
    sweep_path = out / "sweep.yaml"
    write_sweep_file(sweep_path, args.scenario, swept, args.seed, args.replications, args.trajectories, args.levels)
    sweep = load_sweep(sweep_path)
    print(f"{args.scenario}: {len(found.parameters)} numeric parameters; Morris over {len(swept)} "
          f"({sweep.n_points} points x {args.replications} replications, seed {args.seed}, {args.workers} workers)")
    for p in integers:
        print(f"  not in the Morris design (integer): {p.path} = {p.value}")
    for p in zeros:
        print(f"  not in the Morris design (--zeros fixed): {p.path} = 0")
    for path, why in refused.items():
        print(f"  not in the Morris design (range breaks a rule): {path}: {why}")
    for path, why in found.skipped:
        print(f"  skipped: {path}: {why}")

    last = [0.0]

    def progress(points_done: int, points: int, reps_done: int, reps: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or points_done == points:
            last[0] = now
            print(f"  {points_done}/{points} points ({now - started:.0f} s)", flush=True)

    outcome = run_sweep(sweep, out / "run", workers=args.workers, resume=args.resume, progress=progress)
    if outcome.status != "complete":
        print(f"sweep {outcome.status}: {[f.describe() for f in outcome.failures]}", file=sys.stderr)
        return 1
    results = pd.read_parquet(outcome.results).sort_values("point")
    columns = [p.column for p in sweep.parameters]
    morris = morris_indices(sweep.salib_problem, results, [o for o in OUTCOMES if o in results.columns], columns,
                            num_levels=args.levels, seed=args.seed)
    table = ranked_table(morris, swept)
    means = ", ".join(f"{OUTCOMES[o]} {results[o].mean():.3g}" for o in OUTCOMES if o in results.columns)
    print(f"mean over the design's points: {means}")
    csv = out / "screening.csv"
    tmp = csv.with_name(f".{csv.name}.{os.getpid()}.tmp")
    table.to_csv(tmp, index=False)
    os.replace(tmp, csv)
    print_table(table)
    inert = table.loc[table["inert"], "parameter"].tolist()
    print(f"\nmu* = 0 on every outcome ({len(inert)} of {len(swept)}): " + (", ".join(inert) or "none"))
    print(f"sweep: {outcome.seconds:.0f} s on {outcome.slots} worker(s) ({outcome.tasks_run} tasks run, "
          f"{outcome.tasks_skipped} resumed); {outcome.replication_days_per_second / 1e6:.2f} M replication-days/s")
    if args.oat:
        t = time.perf_counter()
        oat = inert_parameters(scenario, args.oat_replications, args.seed, workers=args.workers, prescreen_days=30)
        print(f"\none at a time ({args.oat_replications} replications, seed {args.seed}, "
              f"{time.perf_counter() - t:.0f} s): {len(oat)} parameters change no outcome of any replication:")
        for p in oat:
            print(f"  {p.path} = {p.value}")
    print(f"total {time.perf_counter() - started:.0f} s; table: {csv}")
    return 0 if all(math.isfinite(x) for x in table["score"]) else 1


if __name__ == "__main__":
    sys.exit(main())
