"""The sweep results directory: manifest, one Parquet file per finished task, ledger, consolidated table.

Layout::

    manifest.json          what was swept and how (written before any task runs)
    design.parquet         point, param.<path>... : the design, one row per point
    tasks/<name>.parquet   one row of sufficient statistics per finished task
    ledger.jsonl           one JSON line per finished task, appended and fsynced
    failures.jsonl         tasks that failed twice (point, seed, replications, error), if any
    results.parquet        the consolidated table, one row per design point (also results.csv)

A task file is written to a temporary name, fsynced, then renamed, so it exists only when complete;
it is the record of truth. The ledger is appended after the rename; a ``kill -9`` between the two
leaves a task file without its ledger line, which :meth:`SweepStore.finished` restores on resume.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import outcomes
from ..outdir import fsync_path
from ..results import package_versions, source_hash
from .spec import Sweep
from .tasks import SweepTask
from .worker import COUNT_COLUMNS

MANIFEST = "manifest.json"
RESULTS = "results.parquet"
RESULTS_CSV = "results.csv"
DESIGN = "design.parquet"
LEDGER = "ledger.jsonl"
FAILURES = "failures.jsonl"
TASKS = "tasks"

_CONSOLIDATE_ROWS = 1000  # points per row group of results.parquet: bounds the coordinator's memory


class ResumeRefused(Exception):
    """A results directory cannot be resumed with this sweep file (one line, for the user)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either nothing or all of it, durably."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_path(path.parent)


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, default=str, allow_nan=False) + "\n").encode("utf-8")


def build_manifest(sweep: Sweep, per_task: int, n_tasks: int) -> dict[str, Any]:
    """Everything needed to reproduce the sweep and to refuse resuming a different one."""
    return {
        "kind": "sweep",
        "name": sweep.spec.name,
        "sweep_file": str(sweep.path),
        "sweep": sweep.resolved(),
        "sweep_hash": sweep.hash(),
        "base_scenario_file": str(sweep.base_path),
        "base_scenario_hash": sweep.base_hash,
        "base_scenario": sweep.base_scenario.model_dump(mode="json", by_alias=True),
        "set": sweep.set_values,  # --set values put into the base scenario (already in base_scenario)
        "versions": package_versions(),
        "source_hash": source_hash(),
        "seed": sweep.spec.seed,
        "seeds": {
            "replications": "every task of every point uses the sweep seed (common random numbers); a "
                            "replication's numbers depend only on (seed, replication index)",
            "design": sweep.design.get("design_stream"),
        },
        "design": sweep.design,
        "parameters": [p.manifest() for p in sweep.parameters],
        "salib_problem": sweep.salib_problem,
        "n_points": sweep.n_points,
        "replications_per_point": sweep.spec.replications,
        "replications_per_task": per_task,
        "n_tasks": n_tasks,
        "survival_days": sweep.survival_days,
        "horizon_days": sweep.horizon_days,
        "outcomes": list(sweep.spec.outcomes.keep),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _param_array(values: list[Any]) -> pa.Array:
    """A column of parameter values: numbers, booleans or strings as such; anything else as JSON text."""
    plain = all(v is None or isinstance(v, (bool, int, float, str)) for v in values)
    if plain:
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return pa.array([None if v is None else json.dumps(v, sort_keys=True, default=str) for v in values],
                    type=pa.string())


class SweepStore:
    """A sweep's results directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.tasks_dir = self.root / TASKS
        self.quarantined: list[str] = []  # tasks whose files were unsound on resume (see finished)

    # ---------------------------------------------------------------- manifest

    def has_manifest(self) -> bool:
        return (self.root / MANIFEST).is_file()

    def read_manifest(self) -> dict[str, Any]:
        """The stored manifest.

        Raises
        ------
        ResumeRefused
            If it cannot be read or is not a JSON object (cut short, edited, another program's file).
        """
        path = self.root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ResumeRefused(f"{path}: unreadable ({exc}); this folder cannot be resumed: start the sweep "
                                "afresh in a new --out folder") from None
        if not isinstance(data, dict):
            raise ResumeRefused(f"{path}: not a sweep manifest (a JSON object); start the sweep afresh in a new "
                                "--out folder")
        return data

    def create(self, sweep: Sweep, manifest: dict[str, Any]) -> None:
        """Start a new results directory: design table, then the manifest (whose presence marks a sweep)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.tasks_dir.mkdir(exist_ok=True)
        self.write_design(sweep)
        write_atomic(self.root / MANIFEST, _json(manifest))

    def check_resume(self, manifest: dict[str, Any], *, force: bool = False) -> dict[str, Any]:
        """The stored manifest, if this sweep may continue it.

        Parameters
        ----------
        force : bool
            Continue even if the code of ``sim/`` or a package version changed (never if the sweep file
            or the base scenario did); the table then mixes results of two versions of the program.

        Raises
        ------
        ResumeRefused
            If the sweep file, the base scenario, the source of ``sim/`` or a package version differs from
            the stored run (the last two unless ``force``).
        """
        old = self.read_manifest()
        if old.get("kind") != "sweep":
            raise ResumeRefused(f"{self.root / MANIFEST}: not a sweep manifest")
        problems = []
        if old.get("sweep") != manifest["sweep"]:
            changed = _changed_keys(old.get("sweep"), manifest["sweep"])
            problems.append("the sweep file changed (" + ", ".join(changed[:5]) + ")")
        if old.get("base_scenario_hash") != manifest["base_scenario_hash"]:
            changed = _changed_keys(old.get("base_scenario"), manifest["base_scenario"])
            problems.append("the base scenario changed (" + ", ".join(changed[:5]) + ")")
            if (old.get("set") or {}) != manifest["set"]:
                problems[-1] += (f": it was started with --set {json.dumps(old.get('set') or {}, default=str)}, "
                                 f"now {json.dumps(manifest['set'], default=str)}")
        code_problems = []
        old_versions = old.get("versions") if isinstance(old.get("versions"), dict) else {}
        if old_versions != manifest["versions"]:
            changed = [f"{k} {old_versions.get(k)} -> {v}" for k, v in manifest["versions"].items()
                       if old_versions.get(k) != v]
            code_problems.append("package versions changed (" + ", ".join(changed) + ")")
        if old.get("source_hash") != manifest["source_hash"]:
            was = str(old.get("source_hash") or "not recorded")[:12]
            code_problems.append(f"the program's code in sim/ changed (source hash {was} -> "
                                 f"{manifest['source_hash'][:12]})")
        if code_problems and not (force and not problems):
            problems += code_problems
            if not force:
                problems[-1] += " (--force-resume continues anyway, mixing two versions in one table)"
        if problems:
            raise ResumeRefused(f"cannot resume {self.root}: " + "; ".join(problems)
                                + "; results would mix two different sweeps. Start it afresh in a new --out directory")
        return old

    # ---------------------------------------------------------------- design

    def write_design(self, sweep: Sweep) -> None:
        columns = {"point": pa.array(np.arange(sweep.n_points, dtype=np.int64))}
        for k, p in enumerate(sweep.parameters):
            columns[p.column] = _param_array([pt[k] for pt in sweep.points])
        buf = pa.BufferOutputStream()
        pq.write_table(pa.table(columns), buf)
        write_atomic(self.root / DESIGN, buf.getvalue().to_pybytes())

    # ---------------------------------------------------------------- tasks

    def task_path(self, task: SweepTask) -> Path:
        return self.tasks_dir / f"{task.name}.parquet"

    def write_task(self, record: dict[str, Any]) -> Path:
        """Store one task's statistics atomically, then append it to the ledger."""
        task = SweepTask(record["point"], record["start"], record["stop"], record["seed"])
        table = pa.table({k: [v] for k, v in record.items()})
        buf = pa.BufferOutputStream()
        pq.write_table(table, buf)
        path = self.task_path(task)
        data = buf.getvalue().to_pybytes()
        write_atomic(path, data)
        self.append_ledger({"task": task.name, "point": task.point, "start": task.start, "stop": task.stop,
                            "seed": task.seed, "seconds": round(float(record["seconds"]), 4),
                            "sha256": hashlib.sha256(data).hexdigest()})
        return path

    def append_ledger(self, entry: dict[str, Any]) -> None:
        self._append(LEDGER, entry)

    def record_failure(self, entry: dict[str, Any]) -> None:
        self._append(FAILURES, entry)

    def _append(self, name: str, entry: dict[str, Any]) -> None:
        path = self.root / name
        # A kill -9 mid-line leaves a fragment; start on a fresh line so later entries stay readable.
        prefix = b""
        if path.exists() and path.stat().st_size:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    prefix = b"\n"
        line = prefix + (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8")
        with open(path, "ab") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def ledger(self) -> set[str]:
        """Names of tasks in the ledger (lines cut short by a crash are skipped)."""
        return set(self._ledger_hashes())

    def _ledger_hashes(self) -> dict[str, str | None]:
        """Task name -> SHA-256 of its file as written (None for lines that do not record one)."""
        path = self.root / LEDGER
        hashes: dict[str, str | None] = {}
        if not path.exists():
            return hashes
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                name = entry["task"]
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(name, str):
                digest = entry.get("sha256")
                hashes[name] = digest if isinstance(digest, str) else hashes.get(name)
        return hashes

    def finished(self, expected: Callable[[str], bool] | None = None) -> set[str]:
        """Names of finished tasks: those with a sound task file.

        A task file is sound if its SHA-256 matches its ledger line or, where the ledger has none (a crash
        between rename and ledger), if it reads as one record of that very task. Unsound files (cut short,
        overwritten, edited) are moved to ``tasks/corrupt/`` and their tasks run again; files whose names
        are not tasks of this sweep (``expected``) are ignored. Leftover temporary files are removed and the
        ledger is completed with the tasks a crash left out.
        """
        self.tasks_dir.mkdir(parents=True, exist_ok=True)  # a deleted tasks/ folder means: nothing done
        for tmp in self.tasks_dir.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        hashes = self._ledger_hashes()
        done: set[str] = set()
        for path in sorted(self.tasks_dir.glob("p*.parquet")):
            name = path.name.removesuffix(".parquet")
            if expected is not None and not expected(name):
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            known = hashes.get(name)
            sound = hashlib.sha256(data).hexdigest() == known if known else _is_task_record(data, name)
            if not sound:
                self._quarantine(path)
                continue
            done.add(name)
            if name not in hashes:
                self.append_ledger({"task": name, "recovered": True, "sha256": hashlib.sha256(data).hexdigest()})
        return done

    def _quarantine(self, path: Path) -> None:
        corrupt = self.tasks_dir / "corrupt"
        corrupt.mkdir(exist_ok=True)
        os.replace(path, corrupt / f"{path.name}.{os.getpid()}")
        self.quarantined.append(path.name.removesuffix(".parquet"))

    def clear_failures(self) -> None:
        (self.root / FAILURES).unlink(missing_ok=True)

    # ---------------------------------------------------------------- consolidation

    def consolidate(self, sweep: Sweep, tasks_by_point: Iterator[tuple[int, list[SweepTask]]]) -> Path:
        """Write results.parquet and results.csv: one row per design point, in design order.

        Reads each point's task files, adds their integer statistics (exact, so the table does not
        depend on how replications were split into tasks) and derives the estimates. Row groups of
        ``_CONSOLIDATE_ROWS`` points are written as they fill, so memory does not grow with the design.
        """
        design = pq.read_table(self.root / DESIGN)
        tmp = self.root / f".{RESULTS}.{os.getpid()}.tmp"
        tmp_csv = self.root / f".{RESULTS_CSV}.{os.getpid()}.tmp"
        writer: pq.ParquetWriter | None = None
        schema: pa.Schema | None = None
        rows: list[dict[str, Any]] = []
        first = 0
        header = True
        try:
            for _, tasks in tasks_by_point:
                rows.append(point_row(sweep, self._totals(tasks)))
                if len(rows) == _CONSOLIDATE_ROWS:
                    writer, schema = self._flush(design, first, rows, writer, schema, tmp, tmp_csv, header)
                    first, rows, header = first + len(rows), [], False
            if rows or writer is None:
                writer, schema = self._flush(design, first, rows, writer, schema, tmp, tmp_csv, header)
        finally:
            if writer is not None:
                writer.close()
        for path in (tmp, tmp_csv):
            with open(path, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp_csv, self.root / RESULTS_CSV)
        os.replace(tmp, self.root / RESULTS)
        fsync_path(self.root)
        return self.root / RESULTS

    def _totals(self, tasks: list[SweepTask]) -> dict[str, Any]:
        totals: dict[str, Any] = {}
        for task in tasks:
            record = pq.read_table(self.task_path(task)).to_pylist()[0]
            for key, value in record.items():
                if key == "breakdown_histogram":
                    hist = np.asarray(value, dtype=np.int64)
                    totals[key] = totals[key] + hist if key in totals else hist
                elif key == "n" or key in ("agreements", "with_violation") or key.startswith(("sum_", "sumsq_")):
                    totals[key] = totals.get(key, 0) + int(value)
        return totals

    def _flush(self, design: pa.Table, first: int, rows: list[dict[str, Any]], writer: pq.ParquetWriter | None,
               schema: pa.Schema | None, tmp: Path, tmp_csv: Path, header: bool
               ) -> tuple[pq.ParquetWriter, pa.Schema]:
        # Whole-number parameters with gaps (e.g. engagement days, null = never) stay integers: nullable Int64.
        nullable = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
        frame = design.slice(first, len(rows)).to_pandas(types_mapper=nullable.get)
        frame["point"] = frame["point"].astype(np.int64)
        metrics = pd.DataFrame(rows)
        for col in metrics.columns:
            if col.startswith("breakdown_day_q"):
                metrics[col] = pd.array(metrics[col].tolist(), dtype="Int64")
        frame = pd.concat([frame.reset_index(drop=True), metrics], axis=1)
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        if writer is None:
            schema = table.schema
            writer = pq.ParquetWriter(tmp, schema)
        writer.write_table(table)
        frame.to_csv(tmp_csv, mode="w" if header else "a", header=header, index=False)
        return writer, schema  # type: ignore[return-value]


def _is_task_record(data: bytes, name: str) -> bool:
    """Whether ``data`` is a Parquet file holding exactly one record of the task called ``name``."""
    try:
        rows = pq.read_table(pa.BufferReader(data)).to_pylist()
    except Exception:  # noqa: BLE001 - any failure to read means the file is not sound
        return False
    if len(rows) != 1:
        return False
    r = rows[0]
    try:
        return SweepTask(int(r["point"]), int(r["start"]), int(r["stop"]), int(r["seed"])).name == name
    except (KeyError, TypeError, ValueError):
        return False


def _changed_keys(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths where two JSON-like values differ (for resume refusals)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in list(old) + [k for k in new if k not in old]:
            out += _changed_keys(old.get(k), new.get(k), f"{prefix}{k}.")
        return out
    if old != new:
        return [f"{prefix.rstrip('.') or 'everything'}: {json.dumps(old, default=str)[:40]} -> "
                f"{json.dumps(new, default=str)[:40]}"]
    return []


# ------------------------------------------------------------------------------------------ estimates


def point_row(sweep: Sweep, totals: dict[str, Any]) -> dict[str, Any]:
    """A design point's row of the results table, from its summed statistics.

    Columns follow the shared contract (see the README): replications; p_hold with its Wilson interval;
    survival_d<day> with its Kaplan-Meier log-log interval; breakdown_day_q10/q50/q90 (None when the
    fraction is not reached by the horizon); p_agreement with its interval; mean_casualties with its
    t-interval; mean_violations; restricted_mean_survival_days. ``outcomes.keep`` may drop groups or add
    p_any_violation and the means of other counts.

    References
    ----------
    .. [1] Royston, P. and Parmar, M. K. B. (2013). Restricted mean survival time: an alternative to the
           hazard ratio for the design and analysis of randomized trials with a time-to-event outcome.
           *BMC Medical Research Methodology* 13, 152.
    """
    keep = set(sweep.spec.outcomes.keep)
    n = int(totals["n"])
    hist = np.asarray(totals["breakdown_histogram"], dtype=np.int64)
    horizon = hist.size - 1
    row: dict[str, Any] = {"replications": n}
    if "p_hold" in keep:
        p, lo, hi = outcomes.proportion_ci(int(hist[0]), n)
        row.update(p_hold=p, p_hold_ci_low=lo, p_hold_ci_high=hi)
    if "survival" in keep or "breakdown_day_quantiles" in keep:
        days = np.repeat(np.arange(horizon + 1, dtype=np.float64), hist)
        days[: hist[0]] = np.nan  # day index 0 = held to the horizon (censored)
        table = outcomes.survival_table(days, horizon)
        if "survival" in keep:
            for r in outcomes.survival_at(table, sweep.survival_days):
                d = r["day"]
                row.update({f"survival_d{d}": r["p"], f"survival_d{d}_ci_low": r["ci_low"],
                            f"survival_d{d}_ci_high": r["ci_high"]})
        if "breakdown_day_quantiles" in keep:
            for k, v in outcomes.breakdown_day_quantiles(table).items():
                row[f"breakdown_day_{k}"] = v
    if "p_agreement" in keep:
        p, lo, hi = outcomes.proportion_ci(int(totals["agreements"]), n)
        row.update(p_agreement=p, p_agreement_ci_low=lo, p_agreement_ci_high=hi)
    if "p_any_violation" in keep:
        p, lo, hi = outcomes.proportion_ci(int(totals["with_violation"]), n)
        row.update(p_any_violation=p, p_any_violation_ci_low=lo, p_any_violation_ci_high=hi)
    ordered = ["casualties", "violations"] + [c for c in COUNT_COLUMNS if c not in ("casualties", "violations")]
    for name in ordered:
        if f"mean_{name}" not in keep:
            continue
        m, lo, hi = outcomes.mean_ci_from_moments(n, float(totals[f"sum_{name}"]), float(totals[f"sumsq_{name}"]))
        row[f"mean_{name}"] = m
        if name != "violations":  # the contract keeps the mean of violations without an interval
            row[f"mean_{name}_ci_low"] = lo if math.isfinite(lo) else None
            row[f"mean_{name}_ci_high"] = hi if math.isfinite(hi) else None
    if "restricted_mean_survival_days" in keep:
        # min(T, H) averaged: a breakdown on day d held for d days, a ceasefire that held counts H. Equal to
        # the area under the Kaplan-Meier curve over [0, H] since every censoring is at H.
        row["restricted_mean_survival_days"] = float(
            (int(np.dot(np.arange(horizon + 1, dtype=np.int64), hist)) + int(hist[0]) * horizon) / n)
    return row
