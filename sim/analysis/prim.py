"""Scenario discovery with PRIM, the Patient Rule Induction Method.

Given design points ``x`` (parameter values) and a flag per point saying
whether it is a case of interest (here: P(hold) at least a threshold), PRIM
looks for boxes, products of parameter intervals, in which cases of interest
are dense. It starts from the box holding every point and repeatedly *peels*:
among the 2k candidate cuts that drop about ``peel_alpha`` of the points in the
box from the low or the high end of one parameter, it makes the one that raises
the share of cases of interest the most per point removed. Peeling stops when
the box would hold less than ``mass_min`` of the data or holds only cases of
interest. Each step is a point on the *peeling trajectory*, the trade-off
between

- **coverage**: the share of all cases of interest that lie in the box;
- **density**: the share of the points in the box that are cases of interest;
- **mass**: the share of all points that lie in the box.

From the trajectory the box with the highest coverage among those with density
at least ``min_density`` is chosen (the densest box if none reaches it), then
optionally *pasted*: edges are pushed back out by ``paste_alpha`` while that
does not lower the density; then restrictions whose removal does not lower the
density are dropped (a simple form of the box simplification of [1]_). *Covering* then removes the points of the box and
searches the rest for another box, up to ``max_boxes``.

No maintained package fitted: ``prim`` 1.0.0 on PyPI requires matplotlib and
mplcursors, and EMA Workbench pulls scikit-learn, statsmodels, seaborn and
Platypus, for an algorithm of a hundred lines. This implementation is tested on
a planted box (``tests/test_analysis.py``).

References
----------
.. [1] Friedman, J. H. and Fisher, N. I. (1999). "Bump hunting in
       high-dimensional data." *Statistics and Computing* 9(2), 123-143.
.. [2] Bryant, B. P. and Lempert, R. J. (2010). "Thinking inside the box: a
       participatory, computer-assisted approach to scenario discovery."
       *Technological Forecasting and Social Change* 77(1), 34-49.
.. [3] Kwakkel, J. H. (2017). "The Exploratory Modeling Workbench: an open
       source toolkit for exploratory modeling, scenario discovery, and
       (multi-objective) robust decision making." *Environmental Modelling &
       Software* 96, 239-250.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalysisError


@dataclass
class PrimBox:
    """One box found by PRIM.

    Attributes
    ----------
    limits : dict of str to (float, float)
        Closed interval ``[low, high]`` of every parameter (parameter units); an unrestricted
        parameter gets its full range (design bounds if given, else the data range).
    restricted : list of str
        Parameters whose interval excludes some of the points searched.
    coverage, density, mass : float
        Share of all cases of interest in the box; share of the box's points that are cases of
        interest; share of all points in the box (dimensionless, in [0, 1]).
    n_points, n_interest : int
        Points in the box, and cases of interest among them.
    step : int
        The trajectory step chosen (0 = no peel).
    meets_min_density : bool
        Whether ``density >= min_density``.
    pasted_points : int
        Points added back by pasting.
    dropped_restrictions : int
        Restrictions removed after peeling because they did not raise the density.
    trajectory : list of dict
        The peeling trajectory of this box's search: step, coverage, density, mass,
        n_restricted_dimensions, limits (restricted parameters only).
    """

    limits: dict[str, tuple[float, float]]
    restricted: list[str]
    coverage: float
    density: float
    mass: float
    n_points: int
    n_interest: int
    step: int
    meets_min_density: bool
    pasted_points: int = 0
    dropped_restrictions: int = 0
    trajectory: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, **extra: Any) -> dict[str, Any]:
        """JSON-ready, in the ``prim_boxes.json`` shape (threshold etc. passed in ``extra``)."""
        return {
            **extra,
            "coverage": self.coverage, "density": self.density, "mass": self.mass,
            "limits": {k: [float(a), float(b)] for k, (a, b) in self.limits.items()},
            "restricted": list(self.restricted),
            "n_points": self.n_points, "n_interest": self.n_interest,
            "trajectory_step": self.step, "meets_min_density": self.meets_min_density,
            "pasted_points": self.pasted_points, "dropped_restrictions": self.dropped_restrictions,
        }


@dataclass
class PrimResult:
    """Boxes found by covering, in order, and the data they were found in.

    Attributes
    ----------
    boxes : list of PrimBox
    parameters : list of str
    n_points, n_interest : int
        All points, and all cases of interest.
    notes : list of str
        Why the search stopped, and anything doubtful.
    """

    boxes: list[PrimBox]
    parameters: list[str]
    n_points: int
    n_interest: int
    notes: list[str] = field(default_factory=list)

    def trajectory_table(self) -> pd.DataFrame:
        """``prim_trajectory.csv``: box_index, step, coverage, density, mass, n_restricted_dimensions, selected."""
        rows = []
        for b, box in enumerate(self.boxes):
            for point in box.trajectory:
                rows.append({"box_index": b, "step": point["step"], "coverage": point["coverage"],
                             "density": point["density"], "mass": point["mass"],
                             "n_restricted_dimensions": point["n_restricted_dimensions"],
                             "selected": point["step"] == box.step})
        return pd.DataFrame(rows, columns=["box_index", "step", "coverage", "density", "mass",
                                           "n_restricted_dimensions", "selected"])


def _peel_candidates(x: np.ndarray, inside: np.ndarray, interest: np.ndarray, alpha: float,
                     min_count: int) -> list[tuple[float, int, int, int, float]]:
    """Every admissible peel: (score, -removed, dim, side, bound); side 0 = raise low, 1 = lower high."""
    idx = np.flatnonzero(inside)
    m = idx.size
    mean = interest[idx].mean()
    out = []
    r = max(1, int(math.floor(alpha * m)))
    for j in range(x.shape[1]):
        v = x[idx, j]
        s = np.sort(v)
        if s[0] == s[-1]:
            continue
        for side in (0, 1):
            if side == 0:
                bound = s[min(r, m - 1)]
                if bound == s[0]:  # ties at the edge: drop the whole tied value instead
                    bound = s[np.searchsorted(s, s[0], side="right")]
                keep = v >= bound
            else:
                bound = s[max(m - 1 - r, 0)]
                if bound == s[-1]:
                    bound = s[np.searchsorted(s, s[-1], side="left") - 1]
                keep = v <= bound
            kept = int(keep.sum())
            removed = m - kept
            if removed == 0 or kept < min_count:
                continue
            new_mean = interest[idx[keep]].mean()
            # Gain in density per share of the box removed: fair between cuts of unequal size (ties).
            score = (new_mean - mean) / (removed / m)
            out.append((float(score), -removed, j, side, float(bound)))
    return out


def _in_box(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.all((x >= low) & (x <= high), axis=1)


def _restricted(x: np.ndarray, active: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    pts = x[active]
    return (low > pts.min(axis=0)) | (high < pts.max(axis=0))


def _paste(x: np.ndarray, active: np.ndarray, interest: np.ndarray, low: np.ndarray, high: np.ndarray,
           alpha: float, min_density: float | None) -> int:
    """Push edges back out while the density does not fall (in place); returns points added."""
    added_total = 0
    while True:
        inside = active & _in_box(x, low, high)
        n_in = int(inside.sum())
        mean = interest[inside].mean()
        best: tuple[float, int, int, int, float] | None = None
        for j in range(x.shape[1]):
            others_low, others_high = low.copy(), high.copy()
            others_low[j], others_high[j] = -np.inf, np.inf
            near = active & _in_box(x, others_low, others_high) & ~inside
            for side in (0, 1):
                cand = near & ((x[:, j] < low[j]) if side == 0 else (x[:, j] > high[j]))
                if not cand.any():
                    continue
                vals = np.sort(x[cand, j])[::-1] if side == 0 else np.sort(x[cand, j])
                take = max(1, int(math.ceil(alpha * n_in)))
                bound = float(vals[min(take, vals.size) - 1])
                new_low, new_high = low.copy(), high.copy()
                if side == 0:
                    new_low[j] = bound
                else:
                    new_high[j] = bound
                new_inside = active & _in_box(x, new_low, new_high)
                new_mean = interest[new_inside].mean()
                if new_mean < mean or (min_density is not None and mean >= min_density > new_mean):
                    continue
                key = (float(new_mean), int(new_inside.sum()) - n_in, j, side, bound)
                if best is None or key[:2] > best[:2]:
                    best = key
        if best is None:
            return added_total
        _, added, j, side, bound = best
        if side == 0:
            low[j] = bound
        else:
            high[j] = bound
        added_total += added


def _simplify(x: np.ndarray, active: np.ndarray, interest: np.ndarray, low: np.ndarray, high: np.ndarray) -> int:
    """Drop restrictions whose removal does not lower the density (in place); returns how many.

    Peeling removes a few points at a time, so a box can keep small, useless cuts in
    dimensions that do not matter; a box is easier to read, and covers more, without them.
    """
    dropped = 0
    while True:
        inside = active & _in_box(x, low, high)
        density = interest[inside].mean()
        best: tuple[float, int] | None = None
        for j in np.flatnonzero(_restricted(x, active, low, high)):
            trial_low, trial_high = low.copy(), high.copy()
            trial_low[j], trial_high[j] = -np.inf, np.inf
            trial = interest[active & _in_box(x, trial_low, trial_high)].mean()
            if trial >= density and (best is None or trial > best[0]):
                best = (float(trial), int(j))
        if best is None:
            return dropped
        low[best[1]], high[best[1]] = -np.inf, np.inf
        dropped += 1


def _search_box(x: np.ndarray, active: np.ndarray, interest: np.ndarray, n_total: int, interest_total: int,
                names: Sequence[str], *, peel_alpha: float, paste_alpha: float, mass_min: float,
                min_density: float, paste: bool) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    k = x.shape[1]
    low, high = np.full(k, -np.inf), np.full(k, np.inf)
    min_count = max(1, int(math.ceil(mass_min * n_total)))
    trajectory: list[dict[str, Any]] = []
    bounds: list[tuple[np.ndarray, np.ndarray]] = []

    def record(step: int) -> None:
        inside = active & _in_box(x, low, high)
        n_in, k_in = int(inside.sum()), int(interest[inside].sum())
        restricted = _restricted(x, active, low, high)
        trajectory.append({
            "step": step, "coverage": k_in / interest_total if interest_total else 0.0,
            "density": k_in / n_in if n_in else 0.0, "mass": n_in / n_total,
            "n_restricted_dimensions": int(restricted.sum()), "n_points": n_in, "n_interest": k_in,
            "limits": {names[j]: [float(max(low[j], x[active, j].min())), float(min(high[j], x[active, j].max()))]
                       for j in np.flatnonzero(restricted)},
        })
        bounds.append((low.copy(), high.copy()))

    record(0)
    step = 0
    while trajectory[-1]["density"] < 1.0:
        inside = active & _in_box(x, low, high)
        cands = _peel_candidates(x, inside, interest.astype(np.float64), peel_alpha, min_count)
        if not cands:
            break
        _, _, j, side, bound = max(cands, key=lambda c: (c[0], c[1], -c[2], -c[3]))
        if side == 0:
            low[j] = bound
        else:
            high[j] = bound
        step += 1
        record(step)

    meeting = [t for t in trajectory if t["density"] >= min_density]
    if meeting:
        chosen = max(meeting, key=lambda t: (t["coverage"], t["density"], -t["step"]))
    else:
        chosen = max(trajectory, key=lambda t: (t["density"], t["coverage"], -t["step"]))
    low, high = (b.copy() for b in bounds[chosen["step"]])
    pasted = 0
    if paste and chosen["step"] > 0:
        pasted = _paste(x, active, interest.astype(np.float64), low, high, paste_alpha,
                        min_density if chosen["density"] >= min_density else None)
    simplified = _simplify(x, active, interest.astype(np.float64), low, high) if chosen["step"] > 0 else 0
    return low, high, {"trajectory": trajectory, "step": chosen["step"], "pasted": pasted, "simplified": simplified}


def _check_fraction(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(value):
        raise AnalysisError(f"prim: {name}: {value!r}: expected a number in ({low}, {high}]")
    if not low < float(value) <= high:
        raise AnalysisError(f"prim: {name}: {value}: expected a number in ({low}, {high}]")
    return float(value)


def prim(
    x: np.ndarray,
    interest: np.ndarray,
    parameters: Sequence[str],
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    min_density: float = 0.8,
    max_boxes: int = 3,
    paste: bool = True,
) -> PrimResult:
    """Find boxes of parameter ranges dense in cases of interest (PRIM with covering).

    Parameters
    ----------
    x : ndarray of float, shape (n, k)
        Parameter values of n design points.
    interest : ndarray of bool, shape (n,)
        True where the point is a case of interest (e.g. P(hold) >= threshold).
    parameters : sequence of str, length k
        Parameter labels, used as keys of the boxes' limits.
    bounds : mapping, optional
        Full range ``(low, high)`` of each parameter, reported for unrestricted dimensions
        (default: the data range).
    peel_alpha : float
        Share of the box's points removed by one peel, in (0, 0.5].
    paste_alpha : float
        Share of the box's points added back by one paste, in (0, 0.5].
    mass_min : float
        Smallest box, as a share of all points, in (0, 1].
    min_density : float
        Density a box must reach to be selected and for covering to go on, in (0, 1].
    max_boxes : int
        Most boxes to find by covering (>= 1).
    paste : bool
        Paste the selected box.

    Returns
    -------
    PrimResult
        Boxes in order of discovery. The first is always reported (flagged if it misses
        ``min_density``); later ones only if they reach it.

    Raises
    ------
    AnalysisError
        On malformed input.

    References
    ----------
    .. [1] Friedman and Fisher (1999), sections 2-4 (peeling, pasting, covering).
    .. [2] Bryant and Lempert (2010): coverage and density as the scenario-discovery criteria.
    """
    x = np.asarray(x, dtype=np.float64)
    flags = np.asarray(interest)
    if x.ndim != 2 or x.shape[0] < 2:
        raise AnalysisError(f"prim: x: shape {x.shape}: expected (points >= 2, parameters)")
    if flags.shape != (x.shape[0],) or flags.dtype != bool:
        raise AnalysisError(f"prim: interest: expected {x.shape[0]} booleans, got shape {flags.shape} {flags.dtype}")
    if not np.all(np.isfinite(x)):
        raise AnalysisError("prim: x: NaN or infinite values: drop those points first")
    names = [str(p) for p in parameters]
    if len(names) != x.shape[1]:
        raise AnalysisError(f"prim: parameters: {len(names)} names for {x.shape[1]} columns")
    peel_alpha = _check_fraction(peel_alpha, "peel_alpha", 0.0, 0.5)
    paste_alpha = _check_fraction(paste_alpha, "paste_alpha", 0.0, 0.5)
    mass_min = _check_fraction(mass_min, "mass_min", 0.0, 1.0)
    min_density = _check_fraction(min_density, "min_density", 0.0, 1.0)
    if isinstance(max_boxes, bool) or not isinstance(max_boxes, (int, np.integer)) or max_boxes < 1:
        raise AnalysisError(f"prim: max_boxes: {max_boxes!r}: expected an integer >= 1")

    n = x.shape[0]
    interest_total = int(flags.sum())
    full = {name: (float(x[:, j].min()), float(x[:, j].max())) for j, name in enumerate(names)}
    if bounds:
        for name, (a, b) in bounds.items():
            if name in full:
                full[name] = (min(float(a), full[name][0]), max(float(b), full[name][1]))
    result = PrimResult(boxes=[], parameters=names, n_points=n, n_interest=interest_total)
    if interest_total == 0:
        result.notes.append("no point is a case of interest: no box")
        return result
    if interest_total == n:
        result.notes.append("every point is a case of interest: the box is the whole design space")
    active = np.ones(n, dtype=bool)
    while len(result.boxes) < max_boxes:
        if not flags[active].any():
            result.notes.append(f"covering stopped after {len(result.boxes)} box(es): every case of interest is covered")
            break
        low, high, info = _search_box(x, active, flags, n, interest_total, names, peel_alpha=peel_alpha,
                                      paste_alpha=paste_alpha, mass_min=mass_min, min_density=min_density,
                                      paste=paste)
        inside = active & _in_box(x, low, high)
        n_in, k_in = int(inside.sum()), int(flags[inside].sum())
        density = k_in / n_in if n_in else 0.0
        meets = density >= min_density
        if result.boxes and not meets:
            result.notes.append(f"covering stopped after {len(result.boxes)} box(es): the next box's density "
                                f"{density:.2f} is below {min_density:.2f}")
            break
        restricted = _restricted(x, active, low, high)
        limits = {}
        for j, name in enumerate(names):
            if restricted[j]:
                lo = max(low[j], float(x[active, j].min()))
                hi = min(high[j], float(x[active, j].max()))
                # Report the data range of the box's points, never an infinite edge.
                limits[name] = (float(max(lo, full[name][0])), float(min(hi, full[name][1])))
            else:
                limits[name] = full[name]
        result.boxes.append(PrimBox(
            limits=limits, restricted=[names[j] for j in np.flatnonzero(restricted)],
            coverage=k_in / interest_total, density=density, mass=n_in / n, n_points=n_in, n_interest=k_in,
            step=info["step"], meets_min_density=meets, pasted_points=info["pasted"],
            dropped_restrictions=info["simplified"], trajectory=info["trajectory"]))
        if not meets:
            result.notes.append(f"no box reaches density {min_density:.2f}; the densest box on the trajectory is "
                                "reported")
            break
        if n_in == int(active.sum()):
            break  # the box is everything left: covering cannot find another
        active = active & ~inside
    return result
