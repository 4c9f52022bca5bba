"""The result of a run: estimates with intervals, tables, and the files of a results directory."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import outcomes
from .engine import RunAccumulator
from .model.submodels.breakdown import STATUS_NAMES, decode_chain
from .scenario.schema import Scenario

DEFAULT_SURVIVAL_DAYS = (7, 30, 90, 180)
PACKAGES = ("ceasefire-sim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "PyYAML", "SALib", "plotly")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that determine a run's numbers."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def source_hash() -> str:
    """SHA-256 of every Python source file of the installed ``sim`` package (paths and contents).

    The install is editable, so version strings do not change when the code does; this hash does, and a
    resumed sweep compares it to refuse mixing results of two models in one table.
    """
    import hashlib

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _finite(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


@dataclass(repr=False)
class RunResult:
    """Outcomes of n replications of one scenario.

    Attributes
    ----------
    scenario : Scenario
        The validated scenario that was run.
    seed : int
    n_replications : int
    horizon_days : int
    stats : RunAccumulator
        Sufficient statistics for every estimate below.
    replications : pandas.DataFrame or None
        One row per replication (None if the run did not keep them).
    source : str or None
        The scenario file, if loaded from one.
    """

    scenario: Scenario
    seed: int
    n_replications: int
    horizon_days: int
    stats: RunAccumulator
    replications: pd.DataFrame | None = None
    source: str | None = None
    _survival: pd.DataFrame | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ notebook views

    def _headline(self) -> list[tuple[str, str]]:
        p, lo, hi = self.p_hold()
        pa, pa_lo, pa_hi = outcomes.proportion_ci(self.stats.agreements, self.n_replications)
        return [
            ("scenario", self.scenario.name),
            ("replications", f"{self.n_replications:,} (seed {self.seed})"),
            ("horizon", f"{self.horizon_days} days ({self.start_date.isoformat()} to {self.date_of(self.horizon_days)})"),
            (f"P(holds to day {self.horizon_days})", f"{p:.3f}  95% CI [{lo:.3f}, {hi:.3f}]"),
            ("P(agreement)", f"{pa:.3f}  95% CI [{pa_lo:.3f}, {pa_hi:.3f}]"),
        ]

    def __repr__(self) -> str:
        """Two lines: what was run, and P(hold) with its interval (the full numbers: :meth:`summary`)."""
        rows = dict(self._headline())
        hold_key = f"P(holds to day {self.horizon_days})"
        return (f"RunResult({self.scenario.name!r}, {self.n_replications:,} replications, seed {self.seed}, "
                f"{rows['horizon']})\n"
                f"  {hold_key} = {rows[hold_key]};  P(agreement) = {rows['P(agreement)']}")

    def _repr_html_(self) -> str:
        from .scenario.summary import html_table

        return html_table(self._headline())

    # ------------------------------------------------------------------ estimates

    @property
    def start_date(self) -> dt.date:
        return self.scenario.start_date

    def date_of(self, day: int | None) -> str | None:
        """ISO date of a simulation day (day 0 = start date)."""
        return None if day is None else (self.start_date + dt.timedelta(days=int(day))).isoformat()

    def breakdown_days(self) -> np.ndarray:
        """Breakdown day of every replication as floats, NaN where it held (rebuilt from the histogram)."""
        hist = self.stats.breakdown_histogram
        days = np.repeat(np.arange(hist.size, dtype=float), hist)
        days[days == 0] = np.nan
        return days

    def survival_table(self) -> pd.DataFrame:
        """Kaplan-Meier survival with 95% CI for every day 0..H, with dates and daily status shares."""
        if self._survival is None:
            table = outcomes.survival_table(self.breakdown_days(), self.horizon_days)
            table.insert(1, "date", [self.date_of(d) for d in table["day"]])
            status = self.stats.status_counts / max(self.n_replications, 1)
            for k, name in enumerate(STATUS_NAMES):
                table[f"share_{name}"] = status[:, k]
            self._survival = table
        return self._survival

    def p_hold(self) -> tuple[float, float, float]:
        """P(ceasefire holds to the horizon) with its 95% Wilson interval."""
        return outcomes.proportion_ci(int(self.stats.breakdown_histogram[0]), self.n_replications)

    def cause_shares(self) -> dict[str, float]:
        """Share of each cause chain among breakdowns, largest first."""
        total = sum(self.stats.cause_counts.values())
        if not total:
            return {}
        shares: dict[str, float] = {}
        for code, count in self.stats.cause_counts.items():
            name = decode_chain(code) or "unrecorded"
            shares[name] = shares.get(name, 0.0) + count / total
        return dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))

    def summary(self, survival_days: tuple[int, ...] | list[int] = DEFAULT_SURVIVAL_DAYS) -> dict[str, Any]:
        """The run's headline numbers as a JSON-ready dict (the ``--json`` object)."""
        table = self.survival_table()
        days = [d for d in survival_days if 0 <= d <= self.horizon_days]
        p, lo, hi = self.p_hold()
        pa, pa_lo, pa_hi = outcomes.proportion_ci(self.stats.agreements, self.n_replications)
        pv, pv_lo, pv_hi = outcomes.proportion_ci(self.stats.with_violation, self.n_replications)
        quantiles = outcomes.breakdown_day_quantiles(table)
        means: dict[str, float] = {}
        mean_cis: dict[str, list[float | None]] = {}
        for name in self.stats.MEAN_COLUMNS:
            m, m_lo, m_hi = outcomes.mean_ci_from_moments(
                self.n_replications, self.stats.sums[name], self.stats.sums_sq[name])
            means[name] = m
            mean_cis[name] = [_finite(m_lo), _finite(m_hi)]
        survival = []
        for row in outcomes.survival_at(table, days):
            row["date"] = self.date_of(row["day"])
            survival.append(row)
        return {
            "scenario": self.scenario.name,
            "scenario_file": self.source,
            "replications": self.n_replications,
            "seed": self.seed,
            "horizon_days": self.horizon_days,
            "start_date": self.start_date.isoformat(),
            "horizon_date": self.date_of(self.horizon_days),
            "p_hold": p,
            "p_hold_ci": [lo, hi],
            "survival": survival,
            "breakdown_day_quantiles": quantiles,
            "breakdown_date_quantiles": {k: self.date_of(v) for k, v in quantiles.items()},
            "p_agreement": pa,
            "p_agreement_ci": [pa_lo, pa_hi],
            "p_any_violation": pv,
            "p_any_violation_ci": [pv_lo, pv_hi],
            "means": means,
            "mean_cis": mean_cis,
            "breakdown_causes": self.cause_shares(),
        }

    # ------------------------------------------------------------------ tables for dashboards

    def daily_table(self) -> pd.DataFrame:
        """Per day: replications holding/violated/broken and mean attacks, strikes, casualties per replication."""
        days = np.arange(self.horizon_days + 1)
        table = pd.DataFrame({"day": days, "date": [self.date_of(d) for d in days]})
        for k, name in enumerate(STATUS_NAMES):
            table[name] = self.stats.status_counts[:, k]
        for name, totals in self.stats.daily_totals.items():
            table[f"mean_{name}"] = np.asarray(totals) / self.n_replications
        return table

    def talks_table(self) -> pd.DataFrame:
        """Per talk day: rounds held and their outcomes, summed over replications."""
        rows = [{"day": d, "date": self.date_of(d), **v} for d, v in sorted(self.stats.talk_outcomes.items())]
        return pd.DataFrame(rows)

    def trajectories(self) -> pd.DataFrame:
        """Daily series of the sampled replications, long by day: replication, day, one column per series."""
        if not self.stats.trajectory_parts:
            return pd.DataFrame()
        values = np.concatenate(self.stats.trajectory_parts, axis=2)  # (H + 1, S, n)
        reps = np.concatenate(self.stats.trajectory_replications)
        n_days, n_series, n_reps = values.shape
        frame = pd.DataFrame({
            "replication": np.tile(reps, n_days),
            "day": np.repeat(np.arange(n_days), n_reps),
        })
        for s, name in enumerate(self.stats.trajectory_series):
            frame[name] = values[:, s, :].reshape(-1)
        return frame

    def timeline(self) -> list[dict[str, Any]]:
        """Events of replication 0, with dates."""
        return [{**e, "date": self.date_of(e["day"])} for e in (self.stats.timeline or [])]

    # ------------------------------------------------------------------ files

    def resolved_scenario(self) -> dict[str, Any]:
        """The scenario after ``extends`` and defaults, as plain data."""
        return self.scenario.model_dump(mode="json", by_alias=True)

    def write(self, out_dir: str | os.PathLike[str], survival_days: tuple[int, ...] | list[int] = DEFAULT_SURVIVAL_DAYS,
              command: list[str] | None = None) -> Path:
        """Write the results directory (see the README's "Reading the results")."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        summary = self.summary(survival_days)
        _write_text(out / "summary.json", json.dumps(summary, indent=2, default=_json_default))
        self.survival_table().to_csv(out / "survival.csv", index=False)
        self.daily_table().to_csv(out / "daily.csv", index=False)
        self.talks_table().to_csv(out / "talks.csv", index=False)
        if self.replications is not None:
            self.replications.to_parquet(out / "replications.parquet", index=False)
        traj = self.trajectories()
        if not traj.empty:
            traj.to_parquet(out / "trajectories.parquet", index=False)
        _write_text(out / "timeline.json", json.dumps(self.timeline(), indent=1, default=_json_default))
        _write_text(out / "scenario.resolved.yaml",
                    yaml.safe_dump(self.resolved_scenario(), sort_keys=False, allow_unicode=True))
        run_info = {
            "kind": "run",
            "scenario": self.scenario.name,
            "scenario_file": self.source,
            "seed": self.seed,
            "replications": self.n_replications,
            "horizon_days": self.horizon_days,
            "versions": package_versions(),
            "command": command,
            "reproduce": (f"ceasefire run scenario.resolved.yaml --replications {self.n_replications} "
                          f"--seed {self.seed} --horizon {self.horizon_days}"),
            "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        _write_text(out / "run.json", json.dumps(run_info, indent=2, default=_json_default))
        return out


def _write_text(path: Path, text: str) -> None:
    # Write then rename, so a reader never sees half a file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # the pid keeps two writers apart
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def replications_frame(acc: RunAccumulator) -> pd.DataFrame | None:
    """One row per replication from kept columns; breakdown_day is null where the ceasefire held."""
    if acc.columns is None:
        return None
    cols = {k: np.concatenate(v) for k, v in acc.columns.items()}
    day = cols.pop("breakdown_day")
    code = cols.pop("cause_code")
    frame = pd.DataFrame({"replication": cols.pop("replication")})
    frame["breakdown_day"] = pd.array(np.where(day > 0, day, 0), dtype="Int64")
    frame.loc[day <= 0, "breakdown_day"] = pd.NA
    uniq, inverse = np.unique(np.where(day > 0, code, -1), return_inverse=True)
    labels = np.array([decode_chain(c) if c >= 0 else None for c in uniq.tolist()], dtype=object)
    frame["cause"] = pd.Series(labels[inverse], dtype="string")
    frame["agreement"] = cols.pop("agreement")
    agreement_day = cols.pop("agreement_day")
    frame["agreement_day"] = pd.array(np.where(agreement_day > 0, agreement_day, 0), dtype="Int64")
    frame.loc[agreement_day <= 0, "agreement_day"] = pd.NA
    for k, v in cols.items():
        if k.startswith("decree_day."):
            s = pd.array(np.where(v > 0, v, 0), dtype="Int64")
            s[v <= 0] = pd.NA
            frame[k] = s
        else:
            frame[k] = v
    return frame
