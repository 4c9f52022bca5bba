"""Analysis of a sweep results directory: sensitivity, scenario discovery, importance.

Reads ``manifest.json`` and ``results.parquet`` of a sweep directory (the
contract is in the README, "Reading the results") and writes
``<sweep>/analysis/``: ``sobol.csv`` (Sobol designs), ``morris.csv`` (Morris
designs), ``prim_boxes.json`` and ``prim_trajectory.csv`` (any design),
``importance.csv`` (any design) and ``analysis.json`` (everything).

The median breakdown day is undefined at a design point where fewer than half
of the replications broke down by the horizon H (``breakdown_day_q50`` is null
there). Dropping those points would break a Sobol design and bias any other
analysis towards fragile ceasefires, so they are given the value H, a censored
lower bound: the median is *at least* H. Indices on that outcome therefore
describe "median breakdown day, capped at the horizon", and a note says how
many points were capped. ``restricted_mean_survival_days`` (the area under the
survival curve up to H) is analysed alongside as an outcome that is always
defined.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .importance import IMPORTANCE_COLUMNS, importance_table
from .prim import PrimResult, prim
from .sensitivity import morris_indices, sobol_indices

METHODS = ("sobol", "morris", "prim", "importance")
SENSITIVITY_OUTCOMES = ("p_hold", "breakdown_day_q50", "restricted_mean_survival_days")
MEDIAN = "breakdown_day_q50"


def _clean(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, NaN and inf to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
    return None if frame is None else _clean(frame.to_dict(orient="records"))


def _versions() -> dict[str, str]:
    from importlib import metadata

    from ..results import package_versions

    versions = package_versions()
    try:
        versions["SALib"] = metadata.version("SALib")
    except metadata.PackageNotFoundError:
        versions["SALib"] = "not installed"
    return versions


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class SweepData:
    """A sweep directory, read and checked.

    Attributes
    ----------
    directory : Path
    manifest : dict
    table : DataFrame
        ``results.parquet`` sorted by design point.
    parameters : list of dict
        ``name``, ``path``, ``column`` (``param.<path>``), ``low``, ``high`` of each swept parameter.
    method : str
        The design method.
    horizon_days : int
    """

    directory: Path
    manifest: dict[str, Any]
    table: pd.DataFrame
    parameters: list[dict[str, Any]]
    method: str
    horizon_days: int


def read_sweep(sweep_dir: str | os.PathLike[str]) -> SweepData:
    """Read and check a sweep results directory.

    Raises
    ------
    AnalysisError
        Missing directory or files, not a sweep, not consolidated, malformed manifest or columns.
    """
    directory = Path(sweep_dir)
    if not directory.is_dir():
        raise AnalysisError(f"{directory}: no such directory")
    mpath = directory / "manifest.json"
    if not mpath.exists():
        kind = ""
        if (directory / "run.json").exists():
            kind = " (it is a run or compare directory: analyze reads sweep directories)"
        raise AnalysisError(f"{mpath}: missing: not a sweep results directory{kind}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AnalysisError(f"{mpath}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "sweep":
        got = manifest.get("kind") if isinstance(manifest, dict) else type(manifest).__name__
        raise AnalysisError(f"{mpath}: kind: {got!r}: expected 'sweep'")
    rpath = directory / "results.parquet"
    if not rpath.exists():
        raise AnalysisError(f"{rpath}: missing: the sweep is not consolidated yet (finish or resume it first)")
    try:
        table = pd.read_parquet(rpath)
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"{rpath}: unreadable: {exc}") from None
    problems = []
    raw_params = manifest.get("parameters")
    if not isinstance(raw_params, list) or not raw_params:
        raise AnalysisError(f"{mpath}: parameters: {raw_params!r}: expected a non-empty list")
    parameters = []
    for i, p in enumerate(raw_params):
        if not isinstance(p, dict) or not p.get("path"):
            problems.append(f"{mpath}: parameters.{i}: {p!r}: expected an object with a path")
            continue
        column = f"param.{p['path']}"
        if column not in table.columns:
            problems.append(f"{rpath}: {column}: missing column for parameter {p['path']}")
        parameters.append({"name": str(p.get("name") or p["path"]), "path": str(p["path"]), "column": column,
                           "low": p.get("low"), "high": p.get("high")})
    for col in ("point", "p_hold"):
        if col not in table.columns:
            problems.append(f"{rpath}: {col}: missing column")
    design = manifest.get("design")
    method = design.get("method") if isinstance(design, dict) else None
    if method not in ("grid", "latin_hypercube", "sobol", "morris", "explicit"):
        problems.append(f"{mpath}: design.method: {method!r}: expected grid, latin_hypercube, sobol, morris or explicit")
    horizon = manifest.get("horizon_days")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        problems.append(f"{mpath}: horizon_days: {horizon!r}: expected a whole number of days >= 1")
    if problems:
        # One line per problem, all at once.
        raise AnalysisError("\n".join(problems))
    table = table.sort_values("point", kind="stable").reset_index(drop=True)
    return SweepData(directory=directory, manifest=manifest, table=table, parameters=parameters,
                     method=str(method), horizon_days=int(horizon))


def _salib_problem(data: SweepData) -> tuple[dict[str, Any], list[str]]:
    """The manifest's SALib problem relabelled by parameter path, and the matching results columns."""
    mpath = data.directory / "manifest.json"
    problem = data.manifest.get("salib_problem")
    if not isinstance(problem, dict) or "names" not in problem or "bounds" not in problem:
        raise AnalysisError(f"{mpath}: salib_problem: {problem!r}: a {data.method} design needs names and bounds")
    by_path = {p["path"]: p for p in data.parameters}
    by_name = {p["name"]: p for p in data.parameters}
    paths, columns = [], []
    for name in problem["names"]:
        name = str(name)
        p = by_path.get(name) or by_name.get(name) or by_path.get(name.removeprefix("param."))
        if p is None:
            raise AnalysisError(f"{mpath}: salib_problem.names: {name!r}: not one of the swept parameters "
                                f"({', '.join(by_path)})")
        paths.append(p["path"])
        columns.append(p["column"])
    relabelled = {"num_vars": len(paths), "names": paths, "bounds": problem["bounds"]}
    groups = problem.get("groups")
    if groups is not None and [str(g) for g in groups] != [str(n) for n in problem["names"]]:
        relabelled["groups"] = list(groups)
    return relabelled, columns


def outcome_frame(data: SweepData, outcomes: Iterable[str]) -> tuple[pd.DataFrame, list[str]]:
    """Outcome columns as floats, with the median breakdown day capped at the horizon where undefined.

    Returns
    -------
    frame : DataFrame
        One float column per outcome, rows in design order.
    notes : list of str
        What was substituted, for the printed summary.
    """
    frame = pd.DataFrame(index=data.table.index)
    notes = []
    for name in dict.fromkeys(outcomes):
        if name not in data.table.columns:
            raise AnalysisError(f"{data.directory / 'results.parquet'}: {name}: no such column "
                                f"(outcomes: {', '.join(c for c in data.table.columns if not c.startswith('param.'))})")
        values = pd.to_numeric(data.table[name], errors="coerce").astype("Float64")
        if name == MEDIAN:
            missing = int(values.isna().sum())
            if missing:
                values = values.fillna(float(data.horizon_days))
                notes.append(f"{MEDIAN}: {missing} of {len(values)} design points did not reach the median by the "
                             f"horizon; they count as day {data.horizon_days} (censored: the median is at least "
                             "that), so indices on it describe the median capped at the horizon. "
                             "restricted_mean_survival_days is always defined"
                             + (" and, with most points capped, the better guide." if 2 * missing > len(values)
                                else "."))
        frame[name] = values.to_numpy(dtype=np.float64, na_value=np.nan)
    return frame, notes


@dataclass
class SweepAnalysis:
    """Everything ``ceasefire analyze`` computes on a sweep.

    Attributes
    ----------
    data : SweepData
    sobol, morris, importance : DataFrame or None
        Tables of ``sobol.csv``, ``morris.csv``, ``importance.csv`` (None when not computed).
    prim : PrimResult or None
    settings : dict
        Outcome, threshold, min_density and the methods run.
    notes : list of str
        Caveats to print and store.
    """

    data: SweepData
    sobol: pd.DataFrame | None = None
    morris: pd.DataFrame | None = None
    importance: pd.DataFrame | None = None
    prim: PrimResult | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def prim_boxes(self) -> list[dict[str, Any]]:
        """``prim_boxes.json``: threshold, coverage, density, mass, limits per box, and more."""
        if self.prim is None:
            return []
        s = self.settings
        return [_clean(box.to_dict(box_index=i, outcome=s["outcome"], threshold=s["threshold"],
                                   min_density=s["min_density"]))
                for i, box in enumerate(self.prim.boxes)]

    def summary(self) -> dict[str, Any]:
        """``analysis.json``: every table and box, JSON-ready (NaN as null)."""
        return _clean({
            "kind": "analysis",
            "sweep_dir": str(self.data.directory),
            "design": self.data.manifest.get("design"),
            "n_points": len(self.data.table),
            "horizon_days": self.data.horizon_days,
            "parameters": [{k: p[k] for k in ("name", "path", "column", "low", "high")} for p in self.data.parameters],
            "settings": self.settings,
            "sobol": _records(self.sobol),
            "morris": _records(self.morris),
            "importance": _records(self.importance),
            "prim": None if self.prim is None else {
                "boxes": self.prim_boxes(),
                "n_points": self.prim.n_points,
                "n_interest": self.prim.n_interest,
                "trajectories": [box.trajectory for box in self.prim.boxes],
                "notes": self.prim.notes,
            },
            "notes": self.notes,
            "versions": _versions(),
            "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        })

    def write(self) -> Path:
        """Write ``<sweep>/analysis/`` and return it."""
        out = self.data.directory / "analysis"
        out.mkdir(parents=True, exist_ok=True)
        if self.sobol is not None:
            self.sobol.to_csv(out / "sobol.csv", index=False)
        if self.morris is not None:
            self.morris.to_csv(out / "morris.csv", index=False)
        if self.importance is not None:
            self.importance.to_csv(out / "importance.csv", index=False)
        if self.prim is not None:
            _write_text(out / "prim_boxes.json", json.dumps(self.prim_boxes(), indent=2, allow_nan=False))
            self.prim.trajectory_table().to_csv(out / "prim_trajectory.csv", index=False)
        _write_text(out / "analysis.json", json.dumps(self.summary(), indent=2, allow_nan=False, default=str))
        return out


def _design_option(design: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in design:
            return design[key]
    return None


def analyze_sweep(
    sweep_dir: str | os.PathLike[str],
    *,
    threshold: float = 0.5,
    outcome: str = "p_hold",
    min_density: float = 0.8,
    max_boxes: int = 3,
    methods: Iterable[str] | None = None,
) -> SweepAnalysis:
    """Sensitivity indices, scenario discovery and importance for a sweep directory.

    Parameters
    ----------
    sweep_dir : path
        A consolidated sweep results directory.
    threshold : float
        PRIM's cases of interest are the design points where ``outcome >= threshold``
        (outcome units; a probability in [0, 1] for p_hold).
    outcome : str
        Results column PRIM thresholds (default ``p_hold``).
    min_density : float
        Density a PRIM box must reach, in (0, 1].
    max_boxes : int
        Most PRIM boxes (covering).
    methods : iterable of str, optional
        Subset of ``sobol``, ``morris``, ``prim``, ``importance``; default: those the design
        supports (Sobol indices for a Sobol design, Morris for a Morris design, PRIM and
        importance for any).

    Returns
    -------
    SweepAnalysis
        Call ``.write()`` to write ``<sweep>/analysis/``.

    Raises
    ------
    AnalysisError
        Bad directory, a method the design does not support, an incomplete design, bad options.

    References
    ----------
    See :mod:`sim.analysis.sensitivity`, :mod:`sim.analysis.prim`, :mod:`sim.analysis.importance`.
    """
    data = read_sweep(sweep_dir)
    mpath = data.directory / "manifest.json"
    if methods is None:
        chosen = [m for m in METHODS if m in ("prim", "importance") or m == data.method]
    else:
        chosen = list(dict.fromkeys(methods))
        unknown = [m for m in chosen if m not in METHODS]
        if unknown:
            raise AnalysisError(f"methods: {', '.join(unknown)}: expected some of {', '.join(METHODS)}")
        for m in ("sobol", "morris"):
            if m in chosen and data.method != m:
                raise AnalysisError(f"{mpath}: design.method: {data.method!r}: {m} indices need a {m} design")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise AnalysisError(f"threshold: {threshold!r}: expected a number")
    if (outcome == "p_hold" or outcome.startswith(("survival_d", "p_"))) and not 0.0 <= threshold <= 1.0:
        raise AnalysisError(f"threshold: {threshold}: {outcome} is a probability: expected a number in [0, 1]")

    analysis = SweepAnalysis(data=data, settings={
        "outcome": outcome, "threshold": float(threshold), "min_density": float(min_density),
        "max_boxes": int(max_boxes), "methods": chosen, "design_method": data.method})
    seed = data.manifest.get("seed")
    seed = seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else 0
    available = [o for o in SENSITIVITY_OUTCOMES if o in data.table.columns]
    frame, notes = outcome_frame(data, [*available, outcome])
    analysis.notes += notes
    n_points = data.manifest.get("n_points")

    if "sobol" in chosen or "morris" in chosen:
        if isinstance(n_points, int) and n_points != len(data.table):
            raise AnalysisError(f"{data.directory / 'results.parquet'}: {len(data.table)} rows: the design has "
                                f"{n_points} points; sensitivity indices need every point (resume the sweep)")
        problem, columns = _salib_problem(data)
        design = data.manifest.get("design") or {}
        if "sobol" in chosen:
            second = _design_option(design, "calc_second_order", "second_order")
            analysis.sobol = sobol_indices(problem, frame, available,
                                           calc_second_order=None if second is None else bool(second), seed=seed)
        if "morris" in chosen:
            levels = _design_option(design, "num_levels", "levels")
            table = pd.concat([data.table[columns], frame], axis=1)
            analysis.morris = morris_indices(problem, table, available, columns,
                                             num_levels=int(levels) if levels else 4, seed=seed)
        for name in available:
            if frame[name].nunique() <= 1:
                analysis.notes.append(f"{name} does not vary across the design: its indices are undefined (empty)")

    if "prim" in chosen or "importance" in chosen:
        x_parts, labels, bounds = [], [], {}
        for p in data.parameters:
            values = pd.to_numeric(data.table[p["column"]], errors="coerce")
            if values.isna().any():
                analysis.notes.append(f"{p['path']}: not numeric everywhere; left out of PRIM and importance")
                continue
            x_parts.append(values.to_numpy(dtype=np.float64))
            labels.append(p["path"])
            if isinstance(p["low"], (int, float)) and isinstance(p["high"], (int, float)):
                bounds[p["path"]] = (float(p["low"]), float(p["high"]))
        if not labels:
            raise AnalysisError(f"{mpath}: parameters: none is numeric: PRIM and importance need numbers")
        x = np.column_stack(x_parts)
        if "importance" in chosen:
            parts = []
            for name in dict.fromkeys([*available, outcome]):
                y = frame[name].to_numpy()
                ok = np.isfinite(y)
                if ok.sum() < 3:
                    analysis.notes.append(f"importance: {name}: fewer than 3 defined values; skipped")
                    continue
                parts.append(importance_table(x[ok], y[ok], labels, name))
            analysis.importance = (pd.concat(parts, ignore_index=True) if parts
                                   else pd.DataFrame(columns=list(IMPORTANCE_COLUMNS)))
        if "prim" in chosen:
            y = frame[outcome].to_numpy()
            ok = np.isfinite(y)
            if (~ok).any():
                analysis.notes.append(f"prim: {int((~ok).sum())} design point(s) without a value of {outcome} left out")
            analysis.prim = prim(x[ok], y[ok] >= threshold, labels, bounds=bounds, min_density=min_density,
                                 max_boxes=max_boxes)
    return analysis
