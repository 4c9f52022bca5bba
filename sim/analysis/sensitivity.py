"""Global sensitivity analysis of a sweep's outcomes with SALib: Sobol and Morris.

Both functions take a SALib *problem* (``num_vars``, ``names``, ``bounds``,
optionally ``groups``) and a *table* with one row per design point in design
order, so the same code path serves a ceasefire sweep and a test model with a
known answer (the Ishigami function).

References
----------
.. [1] Sobol', I. M. (2001). "Global sensitivity indices for nonlinear
       mathematical models and their Monte Carlo estimates." *Mathematics and
       Computers in Simulation* 55(1-3), 271-280.
.. [2] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and
       Tarantola, S. (2010). "Variance based sensitivity analysis of model
       output. Design and estimator for the total sensitivity index."
       *Computer Physics Communications* 181(2), 259-270.
.. [3] Morris, M. D. (1991). "Factorial sampling plans for preliminary
       computational experiments." *Technometrics* 33(2), 161-174.
.. [4] Campolongo, F., Cariboni, J. and Saltelli, A. (2007). "An effective
       screening design for sensitivity analysis of large models."
       *Environmental Modelling & Software* 22(10), 1509-1518.
.. [5] Herman, J. and Usher, W. (2017). "SALib: An open-source Python library
       for Sensitivity Analysis." *Journal of Open Source Software* 2(9), 97.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol

from .errors import AnalysisError

SOBOL_COLUMNS = ("outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("outcome", "parameter", "mu_star", "mu_star_conf", "sigma", "mu", "sigma_conf")


def _seed_from(seed: int | None) -> int:
    # SALib treats a falsy seed as "use the global generator"; always hand it a positive one.
    return int(np.random.SeedSequence(seed if seed is not None else 0).generate_state(1)[0]) | 1


def _check_problem(problem: Mapping[str, Any]) -> tuple[list[str], int]:
    try:
        names = [str(n) for n in problem["names"]]
        d = int(problem.get("num_vars", len(names)))
        bounds = np.asarray(problem["bounds"], dtype=np.float64)
    except (KeyError, TypeError, ValueError) as exc:
        raise AnalysisError(f"salib_problem: {exc}: expected num_vars, names and bounds") from None
    if d != len(names) or bounds.shape != (d, 2):
        raise AnalysisError(f"salib_problem: num_vars {d}, {len(names)} names, bounds shape {bounds.shape}: "
                            "expected as many names and (low, high) pairs as num_vars")
    return names, d


def _groups(problem: Mapping[str, Any], names: list[str]) -> list[str] | None:
    # SALib's samplers write groups = names into the problem they are given: that is no grouping.
    groups = problem.get("groups")
    if groups is None or [str(g) for g in groups] == names:
        return None
    if len(groups) != len(names):
        raise AnalysisError(f"salib_problem: groups: {len(groups)} entries for {len(names)} names")
    return [str(g) for g in groups]


def _outcome_values(table: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome not in table.columns:
        raise AnalysisError(f"results: {outcome}: no such column")
    y = pd.to_numeric(table[outcome], errors="coerce").astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise AnalysisError(f"results: {outcome}: {bad.size} missing or non-finite value(s) (first at row {bad[0]}): "
                            "variance-based indices need a value at every design point")
    return y


def infer_second_order(n_rows: int, d: int) -> bool:
    """Whether a Saltelli/Sobol design of ``n_rows`` rows over ``d`` factors includes second-order columns.

    The design has ``N (2d + 2)`` rows with second order and ``N (d + 2)`` without.

    Raises
    ------
    AnalysisError
        If neither layout fits, or both fit (then the manifest must say).
    """
    with_second = n_rows % (2 * d + 2) == 0
    without = n_rows % (d + 2) == 0
    if with_second == without:
        reason = "fits both layouts" if with_second else "fits neither N(2D+2) nor N(D+2)"
        raise AnalysisError(f"results: {n_rows} rows for {d} factors {reason}: "
                            "set design.calc_second_order in the manifest")
    return with_second


def sobol_indices(
    problem: Mapping[str, Any],
    table: pd.DataFrame,
    outcomes: Sequence[str],
    *,
    calc_second_order: bool | None = None,
    num_resamples: int = 200,
    conf_level: float = 0.95,
    seed: int | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap intervals, per outcome and parameter.

    Parameters
    ----------
    problem : mapping
        SALib problem; ``names`` (or ``groups``) label the rows.
    table : DataFrame, shape (N (D + 2) or N (2D + 2), ...)
        One row per point of a Saltelli/Sobol design, in the order SALib's sampler produced
        them, with a column per outcome.
    outcomes : sequence of str
        Columns to analyse; each must be finite everywhere.
    calc_second_order : bool, optional
        Whether the design has second-order columns; inferred from the row count if omitted.
    num_resamples : int
        Bootstrap resamples for the intervals.
    conf_level : float
        Confidence level of the intervals.
    seed : int, optional
        Seed of the bootstrap (a SeedSequence entropy).

    Returns
    -------
    DataFrame
        Columns :data:`SOBOL_COLUMNS`: ``S1`` and ``ST`` are shares of the outcome's variance
        (dimensionless); ``*_conf`` are half-widths of the bootstrap intervals. All NaN for an
        outcome that does not vary.

    References
    ----------
    .. [1] Sobol' (2001). .. [2] Saltelli et al. (2010): the estimators SALib uses.
    .. [5] Herman and Usher (2017).
    """
    names, d = _check_problem(problem)
    groups = _groups(problem, names)
    labels = list(dict.fromkeys(groups)) if groups else names
    n_rows = len(table)
    if calc_second_order is None:
        calc_second_order = infer_second_order(n_rows, len(labels))
    block = 2 * len(labels) + 2 if calc_second_order else len(labels) + 2
    if n_rows == 0 or n_rows % block:
        raise AnalysisError(f"results: {n_rows} rows: a Sobol design over {len(labels)} factors "
                            f"{'with' if calc_second_order else 'without'} second order has a multiple of {block}")
    salib_problem = {"num_vars": d, "names": names, "bounds": [list(map(float, b)) for b in problem["bounds"]]}
    if groups:
        salib_problem["groups"] = list(groups)
    rows = []
    for outcome in outcomes:
        y = _outcome_values(table, outcome)
        if np.ptp(y) == 0:
            rows += [{"outcome": outcome, "parameter": p, "S1": np.nan, "S1_conf": np.nan, "ST": np.nan,
                      "ST_conf": np.nan} for p in labels]
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = salib_sobol.analyze(salib_problem, y, calc_second_order=calc_second_order,
                                      num_resamples=num_resamples, conf_level=conf_level, seed=_seed_from(seed))
        for i, p in enumerate(labels):
            rows.append({"outcome": outcome, "parameter": p, "S1": float(res["S1"][i]),
                         "S1_conf": float(res["S1_conf"][i]), "ST": float(res["ST"][i]),
                         "ST_conf": float(res["ST_conf"][i])})
    return pd.DataFrame(rows, columns=list(SOBOL_COLUMNS))


def elementary_effects(problem: Mapping[str, Any], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Elementary effects of a Morris design, one per trajectory and factor.

    Parameters
    ----------
    problem : mapping
        SALib problem without groups.
    x : ndarray of float, shape (r (D + 1), D)
        The design in sampler order: r trajectories of D + 1 points, consecutive points
        differing in one factor.
    y : ndarray of float, shape (r (D + 1),)

    Returns
    -------
    ee : ndarray of float, shape (r, D)
        ``(y' - y) / delta`` with the step ``delta`` measured as a share of the factor's range
        (outcome units per full range).

    References
    ----------
    .. [3] Morris (1991).
    """
    names, d = _check_problem(problem)
    bounds = np.asarray(problem["bounds"], dtype=np.float64)
    span = bounds[:, 1] - bounds[:, 0]
    r = x.shape[0] // (d + 1)
    xs = x.reshape(r, d + 1, d)
    ys = y.reshape(r, d + 1)
    dx = np.diff(xs, axis=1) / span  # (r, d, d): each step moves one factor
    dy = np.diff(ys, axis=1)         # (r, d)
    moved = np.abs(dx) > 1e-12
    if not np.all(moved.sum(axis=2) == 1):
        raise AnalysisError("results: the Morris design's consecutive points do not differ in exactly one factor: "
                            "are the rows in design order?")
    factor = moved.argmax(axis=2)
    step = np.take_along_axis(dx, factor[..., None], axis=2)[..., 0]
    ee = np.empty((r, d))
    np.put_along_axis(ee, factor, dy / step, axis=1)
    return ee


def morris_indices(
    problem: Mapping[str, Any],
    table: pd.DataFrame,
    outcomes: Sequence[str],
    parameter_columns: Sequence[str],
    *,
    num_levels: int = 4,
    num_resamples: int = 1000,
    conf_level: float = 0.95,
    seed: int | None = None,
) -> pd.DataFrame:
    """Morris screening: mu*, mu and sigma of the elementary effects, with intervals.

    Parameters
    ----------
    problem : mapping
        SALib problem.
    table : DataFrame, shape (r (D + 1), ...)
        One row per point of a Morris design in sampler order.
    outcomes : sequence of str
        Outcome columns.
    parameter_columns : sequence of str
        Columns holding the factors' values, in the problem's order.
    num_levels : int
        Levels of the Morris grid the design was sampled with.
    num_resamples : int
        Bootstrap resamples.
    conf_level : float
        Confidence level.
    seed : int, optional
        Seed of the bootstraps.

    Returns
    -------
    DataFrame
        Columns :data:`MORRIS_COLUMNS` (outcome units per full parameter range). ``mu_star_conf``
        is SALib's bootstrap half-width; ``sigma_conf`` is the half-width of a percentile
        bootstrap interval of sigma over trajectories (NaN with factor groups).

    References
    ----------
    .. [3] Morris (1991). .. [4] Campolongo et al. (2007): mu*. .. [5] Herman and Usher (2017).
    """
    names, d = _check_problem(problem)
    groups = _groups(problem, names)
    labels = list(dict.fromkeys(groups)) if groups else names
    missing = [c for c in parameter_columns if c not in table.columns]
    if missing or len(parameter_columns) != d:
        raise AnalysisError(f"results: parameter columns {missing or list(parameter_columns)}: expected {d} "
                            "present columns, one per factor")
    x = table[list(parameter_columns)].to_numpy(dtype=np.float64)
    if x.shape[0] == 0 or x.shape[0] % (len(labels) + 1):
        raise AnalysisError(f"results: {x.shape[0]} rows: a Morris design over {len(labels)} factors has a "
                            f"multiple of {len(labels) + 1}")
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(_seed_from(seed))))
    salib_problem = {"num_vars": d, "names": names, "bounds": [list(map(float, b)) for b in problem["bounds"]]}
    if groups:
        salib_problem["groups"] = list(groups)
    rows = []
    for outcome in outcomes:
        y = _outcome_values(table, outcome)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = salib_morris.analyze(salib_problem, x, y, num_resamples=num_resamples, conf_level=conf_level,
                                       num_levels=num_levels, seed=rng)
        sigma_conf = np.full(len(labels), np.nan)
        if not groups:
            ee = elementary_effects(salib_problem, x, y)
            r = ee.shape[0]
            if r >= 2:
                picks = rng.integers(0, r, size=(num_resamples, r))
                boot = ee[picks].std(axis=1, ddof=1)  # (resamples, d)
                tail = (1.0 - conf_level) / 2.0
                lo, hi = np.quantile(boot, [tail, 1.0 - tail], axis=0)
                sigma_conf = (hi - lo) / 2.0
        for i, p in enumerate(labels):
            rows.append({"outcome": outcome, "parameter": p, "mu_star": float(res["mu_star"][i]),
                         "mu_star_conf": float(res["mu_star_conf"][i]), "sigma": float(res["sigma"][i]),
                         "mu": float(res["mu"][i]), "sigma_conf": float(sigma_conf[i])})
    return pd.DataFrame(rows, columns=list(MORRIS_COLUMNS))


__all__ = ["sobol_indices", "morris_indices", "elementary_effects", "infer_second_order"]
