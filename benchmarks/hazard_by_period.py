"""The shape of the breakdown hazard: breakdowns per 1,000 replication-days at risk, by 30-day period.

Usage: ``python benchmarks/hazard_by_period.py SCENARIO [--replications N] [--seed S] [--period DAYS]``

Runs the scenario (:func:`sim.run`) and, from each replication's ``breakdown_day``
(null where the ceasefire held to the horizon), counts for each period the
breakdowns and the replication-days at risk (a replication is at risk on days
1..its breakdown day, or on every day of the horizon if it held). The hazard of
a period is breakdowns / days at risk x 1,000. Then the share of breakdowns by
the first cause of their chain, and by full chain. ``docs/MODEL.md`` quotes its
output for the baseline (10,000 replications, seed 1).
"""

from __future__ import annotations

import argparse

import numpy as np

import sim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--period", type=int, default=30, help="period length [days]")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    result = sim.run(args.scenario, n_replications=args.replications, seed=args.seed, workers=args.workers)
    frame = result.replications
    horizon = result.horizon_days
    held = frame["breakdown_day"].isna().to_numpy()
    day = frame["breakdown_day"].fillna(0).to_numpy(dtype=np.int64)
    # Last day at risk: the breakdown day, or the horizon for a ceasefire that held.
    last_at_risk = np.where(held, horizon, day)
    print(f"{result.scenario.name}: {args.replications} replications, seed {args.seed}, horizon {horizon} days; "
          f"P(hold) {held.mean():.3f}")
    print(f"{'days':>9} {'at risk':>9} {'breakdowns':>10} {'per 1,000 days':>15}")
    for start in range(1, horizon + 1, args.period):
        end = min(start + args.period - 1, horizon)
        at_risk = np.clip(last_at_risk - start + 1, 0, end - start + 1).sum()
        broke = int(((~held) & (day >= start) & (day <= end)).sum())
        rate = 1000.0 * broke / at_risk if at_risk else float("nan")
        print(f"{start:>4}-{end:<4} {at_risk:>9d} {broke:>10d} {rate:>15.2f}")
    causes = frame.loc[~held, "cause"].astype(str)
    n = len(causes)
    print(f"breakdowns: {n}; share by first cause of the chain:")
    for cause, count in causes.str.split(" > ").str[0].value_counts().items():
        print(f"  {cause:<40} {count / n:6.1%}")
    print("share by chain:")
    for cause, count in causes.value_counts().items():
        print(f"  {cause:<60} {count / n:6.1%}")


if __name__ == "__main__":
    main()
