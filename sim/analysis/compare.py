"""Paired comparison of scenarios with common random numbers.

Every scenario is run with the same seed. The model draws its random numbers
from streams named by (rule, actor) per replication block, one uniform per
replication per stream per day whatever the parameter values (see
:mod:`sim.model.streams`), so replication ``i`` of scenario B faces the same
luck as replication ``i`` of scenario A. Outcomes are then paired by
replication index and the difference B - A is estimated from the
per-replication differences, whose variance is
``Var(A) + Var(B) - 2 Cov(A, B)``: the positive covariance that common random
numbers induce is what narrows the interval compared with independent runs.

References
----------
.. [1] Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed.,
       McGraw-Hill, section 11.2 (common random numbers).
.. [2] Glasserman, P. and Yao, D. D. (1992). "Some guidelines and guarantees for
       common random numbers." *Management Science* 38(6), 884-908.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import outcomes
from ..api import run as run_scenario
from ..results import DEFAULT_SURVIVAL_DAYS, RunResult, package_versions
from ..scenario.schema import Scenario
from .errors import AnalysisError

DIFFERENCE_COLUMNS = ("scenario", "baseline", "measure", "day", "difference", "ci_low", "ci_high",
                      "ci_low_independent", "ci_high_independent", "width_ratio")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "scenario"


def _finite_or_none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _breakdown_days(result: RunResult) -> np.ndarray:
    """Breakdown day per replication in replication order, NaN where the ceasefire held."""
    frame = result.replications
    if frame is None:
        raise AnalysisError("compare: the runs must keep their replications (keep_replications=True)")
    frame = frame.sort_values("replication")
    return frame["breakdown_day"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)


@dataclass
class CompareResult:
    """Scenarios run with common random numbers, and their paired differences from the first.

    Attributes
    ----------
    names : list of str
        Display name of each scenario (the scenario's ``name``, made unique with ``[index]``).
    runs : list of RunResult
        One run per scenario, same seed, same replications, same horizon.
    seed, n_replications, horizon_days : int
    survival_days : list of int
        Days at which survival differences are reported (within the horizon).
    differences : list of dict
        One row per (scenario other than the first, measure); keys as in :data:`DIFFERENCE_COLUMNS`
        plus ``se_paired`` and ``se_independent``. ``measure`` is ``"p_hold"`` (with ``day`` = the
        horizon) or ``"survival_d<day>"``; differences are B - A in probability (dimensionless).
    """

    names: list[str]
    runs: list[RunResult]
    seed: int
    n_replications: int
    horizon_days: int
    survival_days: list[int]
    differences: list[dict[str, Any]] = field(default_factory=list)

    @property
    def scenario_files(self) -> list[str | None]:
        return [r.source for r in self.runs]

    def differences_table(self) -> pd.DataFrame:
        """``differences.csv``: one row per scenario and measure; ``width_ratio`` is empty when undefined."""
        frame = pd.DataFrame(self.differences, columns=[*DIFFERENCE_COLUMNS, "se_paired", "se_independent"])
        return frame

    def survival_long(self) -> pd.DataFrame:
        """``survival.csv``: Kaplan-Meier survival of every scenario for days 0..H, long format."""
        parts = []
        for name, result in zip(self.names, self.runs):
            table = result.survival_table()[["day", "date", "p", "ci_low", "ci_high"]].copy()
            table.insert(0, "scenario", name)
            parts.append(table)
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """The compare JSON object (``--json`` and ``summary.json``); non-finite numbers become null."""
        scenarios = []
        for i, (name, result) in enumerate(zip(self.names, self.runs)):
            p, lo, hi = result.p_hold()
            survival = []
            for row in outcomes.survival_at(result.survival_table(), self.survival_days):
                row["date"] = result.date_of(row["day"])
                survival.append(row)
            scenarios.append({
                "index": i, "name": name, "scenario_file": result.source, "p_hold": p, "p_hold_ci": [lo, hi],
                "survival": survival, "start_date": result.start_date.isoformat(),
            })
        differences = [{k: (_finite_or_none(v) if isinstance(v, float) else v) for k, v in row.items()}
                       for row in self.differences]
        return {
            "kind": "compare",
            "common_random_numbers": True,
            "seed": self.seed,
            "replications": self.n_replications,
            "horizon_days": self.horizon_days,
            "survival_days": list(self.survival_days),
            "baseline": self.names[0],
            "scenarios": scenarios,
            "differences": differences,
        }

    def write(self, out_dir: str | os.PathLike[str], command: list[str] | None = None) -> Path:
        """Write the compare results directory (run.json, summary.json, survival.csv, differences.csv, runs/)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        runs_dir = out / "runs"
        for i, (name, result) in enumerate(zip(self.names, self.runs)):
            stem = Path(result.source).stem if result.source else name
            result.write(runs_dir / f"{i}_{_slug(stem)}", self.survival_days)
        self.survival_long().to_csv(out / "survival.csv", index=False)
        self.differences_table().to_csv(out / "differences.csv", index=False)
        _write_json(out / "summary.json", self.summary())
        files = self.scenario_files
        info = {
            "kind": "compare",
            "scenarios": list(self.names),
            "scenario_files": files,
            "seed": self.seed,
            "replications": self.n_replications,
            "horizon_days": self.horizon_days,
            "survival_days": list(self.survival_days),
            "versions": package_versions(),
            "command": command,
            "reproduce": None if any(f is None for f in files) else (
                "ceasefire compare " + " ".join(str(f) for f in files)
                + f" --replications {self.n_replications} --seed {self.seed} --horizon {self.horizon_days}"),
            "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        _write_json(out / "run.json", info)
        return out


def _write_json(path: Path, data: Any) -> None:
    # Write then rename, so a reader never sees half a file; NaN/inf are not JSON.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, allow_nan=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def unique_names(scenarios: Sequence[Scenario]) -> list[str]:
    """Scenario names, with ``[index]`` appended to repeats so every row of a table is unambiguous."""
    seen: dict[str, int] = {}
    names = []
    for i, s in enumerate(scenarios):
        name = s.name
        names.append(name if name not in seen else f"{name} [{i}]")
        seen[name] = seen.get(name, 0) + 1
    return names


def paired_differences(
    baseline: RunResult, other: RunResult, survival_days: Sequence[int], confidence: float = 0.95
) -> list[dict[str, Any]]:
    """Paired differences ``other - baseline`` in P(hold) and survival at the given days.

    Parameters
    ----------
    baseline, other : RunResult
        Runs with the same seed, replications and horizon (common random numbers).
    survival_days : sequence of int
        Days in ``1..H``.

    Returns
    -------
    rows : list of dict
        ``measure``, ``day``, ``difference``, paired ``ci_low``/``ci_high``, Welch
        ``ci_low_independent``/``ci_high_independent`` (what independent runs would give),
        ``width_ratio`` (independent width / paired width), ``se_paired``, ``se_independent``.

    References
    ----------
    .. [1] Law (2015), section 11.2; intervals from :func:`sim.outcomes.paired_difference_ci`.
    """
    if (baseline.n_replications, baseline.horizon_days, baseline.seed) != (
            other.n_replications, other.horizon_days, other.seed):
        raise AnalysisError("compare: runs differ in replications, horizon or seed; they cannot be paired")
    day_a, day_b = _breakdown_days(baseline), _breakdown_days(other)
    held = outcomes.paired_difference_ci(np.isnan(day_a).astype(float), np.isnan(day_b).astype(float), confidence)
    rows = [{"measure": "p_hold", "day": baseline.horizon_days, **held}]
    for row in outcomes.survival_difference_ci(day_a, day_b, baseline.horizon_days, list(survival_days), confidence):
        rows.append({"measure": f"survival_d{row['day']}", **row})
    return rows


def compare(
    scenarios: Sequence[Scenario],
    n_replications: int,
    seed: int | None = None,
    horizon_days: int | None = None,
    survival_days: Sequence[int] = DEFAULT_SURVIVAL_DAYS,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> CompareResult:
    """Run scenarios with common random numbers and compare each with the first.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Two or more validated scenarios; the first is the baseline.
    n_replications : int
        Replications per scenario (>= 2 for intervals).
    seed : int, optional
        Shared seed (>= 0); drawn from the OS and reported if omitted.
    horizon_days : int, optional
        Common horizon [days]. Required when the scenarios' own horizons differ, because
        P(hold) to different horizons is not a like-for-like comparison.
    survival_days : sequence of int
        Days at which survival is compared; days past the horizon are dropped, and the
        horizon is used if none is left.
    workers : int
        Worker processes per run; results do not depend on it.
    progress : callable, optional
        ``progress(done, total)`` over all scenarios' replications.

    Returns
    -------
    CompareResult

    Raises
    ------
    AnalysisError
        Fewer than two scenarios, or different horizons without ``horizon_days``.

    References
    ----------
    .. [1] Law (2015), section 11.2.
    """
    if len(scenarios) < 2:
        raise AnalysisError(f"compare: scenarios: {len(scenarios)} given: need at least two (the first is the baseline)")
    if horizon_days is None:
        horizons = sorted({s.horizon_days for s in scenarios})
        if len(horizons) > 1:
            raise AnalysisError(
                f"compare: horizon_days: {', '.join(map(str, horizons))}: the scenarios' horizons differ; "
                "pass one horizon (--horizon DAYS) so P(hold) means the same in every scenario")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    runs: list[RunResult] = []
    total = n_replications * len(scenarios)
    for k, scenario in enumerate(scenarios):
        offset = k * n_replications
        step = None if progress is None else (lambda done, _n, offset=offset: progress(offset + done, total))
        runs.append(run_scenario(scenario, n_replications=n_replications, seed=seed, horizon_days=horizon_days,
                                 workers=workers, keep_replications=True, progress=step))
    horizon = runs[0].horizon_days
    days = [int(d) for d in survival_days if 1 <= d <= horizon] or [horizon]
    names = unique_names(scenarios)
    result = CompareResult(names=names, runs=runs, seed=int(seed), n_replications=n_replications,
                           horizon_days=horizon, survival_days=days)
    for name, other in zip(names[1:], runs[1:]):
        for row in paired_differences(runs[0], other, days):
            result.differences.append({"scenario": name, "baseline": names[0], **row})
    return result
