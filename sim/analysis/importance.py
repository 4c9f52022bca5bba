"""Feature importance from any design: which parameters move an outcome.

Two given-data measures that need nothing but numpy and scipy, and work on
grid, Latin hypercube, Sobol, Morris or explicit designs alike:

- **PRCC**, the partial rank correlation coefficient [1]_ [2]_: the correlation
  between the ranks of a parameter and of the outcome once the (linear effect
  of the) ranks of every other parameter is removed from both. It measures a
  monotonic effect and its direction; an effect that rises then falls scores
  near zero.
- **Correlation ratio** eta^2 [3]_ [4]_: the share of the outcome's variance
  explained by the parameter alone, ``Var(E[Y | X_j]) / Var(Y)``, estimated by
  binning ``X_j`` into equal-count classes. It is a first-order sensitivity
  index (the Sobol S1 when the inputs are independent) and catches
  non-monotonic effects. The estimate is corrected for the upward bias of
  fitting one mean per class (as the adjusted R^2 is).

References
----------
.. [1] Saltelli, A. and Marivoet, J. (1990). "Non-parametric statistics in
       sensitivity analysis for model output: a comparison of selected
       techniques." *Reliability Engineering & System Safety* 28(2), 229-253.
.. [2] Marino, S., Hogue, I. B., Ray, C. J. and Kirschner, D. E. (2008). "A
       methodology for performing global uncertainty and sensitivity analysis
       in systems biology." *Journal of Theoretical Biology* 254(1), 178-196.
.. [3] Pearson, K. (1905). *On the General Theory of Skew Correlation and
       Non-linear Regression*. Drapers' Company Research Memoirs, Biometric
       Series II.
.. [4] Plischke, E., Borgonovo, E. and Smith, C. L. (2013). "Global
       sensitivity measures from given data." *European Journal of Operational
       Research* 226(3), 536-550.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .errors import AnalysisError

IMPORTANCE_COLUMNS = ("outcome", "parameter", "score", "rank", "method", "value", "p_value")


def _matrix(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2:
        raise AnalysisError(f"importance: x: shape {x.shape}: expected a 2-D array (points, parameters)")
    if y.shape != (x.shape[0],):
        raise AnalysisError(f"importance: y: shape {y.shape}: expected ({x.shape[0]},), one value per point")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise AnalysisError("importance: x, y: NaN or infinite values: drop or fill them first")
    return x, y


def prcc(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Partial rank correlation coefficient of each parameter with the outcome.

    Parameters
    ----------
    x : ndarray of float, shape (n, k)
        Parameter values of n design points (any units).
    y : ndarray of float, shape (n,)
        Outcome at each point.

    Returns
    -------
    coefficient : ndarray of float, shape (k,)
        PRCC in [-1, 1] (dimensionless); NaN where undefined (a constant
        parameter or outcome, or ``n <= k + 1``).
    p_value : ndarray of float, shape (k,)
        Two-sided p-value of ``H0: PRCC = 0`` from the t statistic
        ``r sqrt((n - 2 - p) / (1 - r^2))`` with ``n - 2 - p`` degrees of freedom,
        ``p = k - 1`` parameters controlled for [2]_.

    References
    ----------
    .. [1] Saltelli and Marivoet (1990).
    .. [2] Marino et al. (2008), section 2.3.
    """
    x, y = _matrix(x, y)
    n, k = x.shape
    coef = np.full(k, np.nan)
    pval = np.full(k, np.nan)
    dof = n - 2 - (k - 1)
    if dof < 1 or np.ptp(y) == 0:
        return coef, pval
    rx = np.column_stack([stats.rankdata(x[:, j]) for j in range(k)])
    ry = stats.rankdata(y)
    for j in range(k):
        if np.ptp(rx[:, j]) == 0:
            continue
        others = np.column_stack([np.ones(n), np.delete(rx, j, axis=1)])
        # Residuals of both ranks after least squares on the other parameters' ranks.
        res_x = rx[:, j] - others @ np.linalg.lstsq(others, rx[:, j], rcond=None)[0]
        res_y = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
        sx, sy = math.sqrt(float(res_x @ res_x)), math.sqrt(float(res_y @ res_y))
        if sx == 0.0 or sy == 0.0:
            continue
        r = float(np.clip(res_x @ res_y / (sx * sy), -1.0, 1.0))
        coef[j] = r
        if abs(r) == 1.0:
            pval[j] = 0.0
        else:
            t = r * math.sqrt(dof / (1.0 - r * r))
            pval[j] = float(2.0 * stats.t.sf(abs(t), dof))
    return coef, pval


def correlation_ratio(x: np.ndarray, y: np.ndarray, bins: int | None = None) -> np.ndarray:
    """Bias-corrected correlation ratio eta^2 of the outcome on each parameter.

    Parameters
    ----------
    x : ndarray of float, shape (n, k)
        Parameter values of n design points.
    y : ndarray of float, shape (n,)
        Outcome at each point.
    bins : int, optional
        Classes per parameter; default ``round(sqrt(n) / 2)`` clipped to 2..50.
        A parameter with no more distinct values than that (e.g. on a grid)
        gets one class per value.

    Returns
    -------
    eta2 : ndarray of float, shape (k,)
        ``1 - (1 - SS_between / SS_total) (n - 1) / (n - B)`` clipped to [0, 1]
        (dimensionless share of variance), with B the number of classes; NaN
        for a constant outcome or parameter, or when ``n <= B``.

    References
    ----------
    .. [3] Pearson (1905).
    .. [4] Plischke, Borgonovo and Smith (2013), the binned given-data estimator.
    """
    x, y = _matrix(x, y)
    n, k = x.shape
    if bins is None:
        bins = int(np.clip(round(math.sqrt(n) / 2), 2, 50))
    elif isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise AnalysisError(f"importance: bins: {bins!r}: expected an integer >= 2")
    out = np.full(k, np.nan)
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0.0:
        return out
    for j in range(k):
        col = x[:, j]
        values, codes = np.unique(col, return_inverse=True)
        if values.size < 2:
            continue
        if values.size > bins:
            # Equal-count classes by rank, so ties never straddle a class boundary unevenly.
            ranks = stats.rankdata(col, method="min") - 1
            codes = np.minimum((ranks * bins) // n, bins - 1).astype(np.int64)
            codes = np.unique(codes, return_inverse=True)[1]
        n_classes = int(codes.max()) + 1
        if n <= n_classes:
            continue
        counts = np.bincount(codes, minlength=n_classes)
        means = np.bincount(codes, weights=y, minlength=n_classes) / counts
        between = float(np.sum(counts * (means - y.mean()) ** 2))
        raw = between / total
        out[j] = float(np.clip(1.0 - (1.0 - raw) * (n - 1) / (n - n_classes), 0.0, 1.0))
    return out


def importance_table(x: np.ndarray, y: np.ndarray, parameters: Sequence[str], outcome: str) -> pd.DataFrame:
    """Both rankings of the parameters for one outcome, as rows of ``importance.csv``.

    Parameters
    ----------
    x : ndarray of float, shape (n, k)
    y : ndarray of float, shape (n,)
    parameters : sequence of str, length k
        Parameter labels.
    outcome : str
        Outcome label.

    Returns
    -------
    DataFrame
        Columns :data:`IMPORTANCE_COLUMNS`: ``score`` is |PRCC| for ``method="prcc"`` and
        eta^2 for ``method="correlation_ratio"``; ``value`` is the signed PRCC (eta^2 again for
        the correlation ratio); ``rank`` 1 = most important within (outcome, method), NaN scores last.

    References
    ----------
    See :func:`prcc` and :func:`correlation_ratio`.
    """
    x, y = _matrix(x, y)
    if len(parameters) != x.shape[1]:
        raise AnalysisError(f"importance: parameters: {len(parameters)} names for {x.shape[1]} columns")
    coef, pval = prcc(x, y)
    eta2 = correlation_ratio(x, y)
    frames = []
    for method, score, value, p in (("prcc", np.abs(coef), coef, pval),
                                    ("correlation_ratio", eta2, eta2, np.full_like(eta2, np.nan))):
        frame = pd.DataFrame({"outcome": outcome, "parameter": list(parameters), "score": score,
                              "method": method, "value": value, "p_value": p})
        frame["rank"] = frame["score"].rank(ascending=False, method="min", na_option="bottom").astype(int)
        frames.append(frame.sort_values(["rank", "parameter"]))
    return pd.concat(frames, ignore_index=True)[list(IMPORTANCE_COLUMNS)]
