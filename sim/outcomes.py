"""Statistical estimators over per-replication simulation outcomes.

Everything here is a pure function of arrays of per-replication outcomes: no
model, no randomness and no I/O.

Conventions
-----------
A simulation runs for a horizon of ``H`` days.  Each replication either breaks
down on an integer day ``d`` in ``1..H`` or holds to the horizon, in which case
it is right-censored at ``H``.  Breakdown days are passed as a 1-D float array
with ``NaN`` meaning "held".  The survival function is
``S(d) = P(ceasefire still holding at the end of day d)`` with ``S(0) = 1``.

Because every replication is followed up to the same horizon, the only
censoring happens at ``H``.  The Kaplan-Meier estimate therefore equals the
empirical fraction of replications still holding at the end of day ``d``, and
that fraction is a binomial proportion over all ``n`` replications.  This is
what justifies the Wilson fallback used in :func:`survival_table`.

References
----------
.. [1] Wilson, E. B. (1927). "Probable inference, the law of succession, and
       statistical inference." Journal of the American Statistical
       Association, 22(158), 209-212.
.. [2] Kaplan, E. L. and Meier, P. (1958). "Nonparametric estimation from
       incomplete observations." Journal of the American Statistical
       Association, 53(282), 457-481.
.. [3] Sawyer, S. (2003). "The Greenwood and exponential Greenwood confidence
       intervals in survival analysis." Washington University handout.
.. [4] Welch, B. L. (1947). "The generalization of 'Student's' problem when
       several different population variances are involved." Biometrika,
       34(1-2), 28-35.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "proportion_ci",
    "survival_table",
    "survival_at",
    "breakdown_day_quantiles",
    "mean_ci",
    "cause_shares",
    "paired_difference_ci",
    "survival_difference_ci",
]

SURVIVAL_COLUMNS = ("day", "at_risk", "breakdowns", "p", "ci_low", "ci_high")

# Absolute slack when comparing a cumulative breakdown fraction with a
# requested quantile level, so that e.g. 3 of 10 counts as reaching 0.3 despite
# floating-point rounding of 1 - 0.7.
_FRACTION_TOL = 1e-12


# --------------------------------------------------------------------------- #
# input validation
# --------------------------------------------------------------------------- #
def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_confidence(confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, Real):
        raise ValueError(f"confidence must be a number in (0, 1), got {confidence!r}")
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return float(confidence)


def _check_values(values: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of numbers") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _check_breakdown_days(breakdown_day: object, horizon_days: int, name: str) -> np.ndarray:
    try:
        arr = np.asarray(breakdown_day, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D float array (NaN = held)") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must contain at least one replication")
    broken = arr[~np.isnan(arr)]
    if broken.size and (
        not np.all(np.isfinite(broken))
        or np.any(broken != np.floor(broken))
        or broken.min() < 1
        or broken.max() > horizon_days
    ):
        raise ValueError(
            f"{name} must hold integer days in 1..{horizon_days} or NaN for 'held'"
        )
    return arr


def _check_days(days: Sequence[int], horizon_days: int) -> list[int]:
    out = []
    for d in days:
        if isinstance(d, bool) or not isinstance(d, Integral):
            raise ValueError(f"days must be integers, got {d!r}")
        if not 0 <= d <= horizon_days:
            raise ValueError(f"day {d} is outside 0..{horizon_days}")
        out.append(int(d))
    return out


def _check_table(table: pd.DataFrame) -> int:
    if not isinstance(table, pd.DataFrame):
        raise ValueError("table must be a DataFrame returned by survival_table")
    missing = [c for c in SURVIVAL_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing columns {missing}")
    day = table["day"].to_numpy()
    if day.size == 0 or not np.array_equal(day, np.arange(day.size)):
        raise ValueError("table must have one row per day 0..H in order")
    return day.size - 1


# --------------------------------------------------------------------------- #
# estimators
# --------------------------------------------------------------------------- #
def proportion_ci(
    successes: int, n: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Binomial proportion with a Wilson score interval.

    Parameters
    ----------
    successes : int
        Number of successes (e.g. replications whose ceasefire held),
        ``0 <= successes <= n``.
    n : int
        Number of independent replications, ``n >= 1``.
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    estimate, ci_low, ci_high : float
        ``successes / n`` and the Wilson score interval, all in [0, 1]
        (dimensionless probabilities).

    References
    ----------
    .. [1] Wilson (1927), via ``scipy.stats.binomtest(...).proportion_ci``.
    """
    n = _check_int(n, "n", 1)
    successes = _check_int(successes, "successes", 0)
    if successes > n:
        raise ValueError(f"successes ({successes}) must not exceed n ({n})")
    confidence = _check_confidence(confidence)
    ci = stats.binomtest(successes, n).proportion_ci(
        confidence_level=confidence, method="wilson"
    )
    return successes / n, float(ci.low), float(ci.high)


def survival_table(
    breakdown_day: np.ndarray, horizon_days: int, confidence: float = 0.95
) -> pd.DataFrame:
    """Kaplan-Meier survival of the ceasefire for every day ``0..H``.

    Parameters
    ----------
    breakdown_day : ndarray of float, shape (n,)
        Breakdown day of each replication (integer days ``1..H``), ``NaN``
        for replications that held to the horizon (right-censored at ``H``).
    horizon_days : int
        Simulation horizon ``H`` in days, ``H >= 1``.
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    table : pandas.DataFrame, shape (H + 1, 6)
        Columns ``day`` (0..H), ``at_risk`` (replications still holding at the
        start of the day; ``n`` on day 0), ``breakdowns`` (replications
        breaking down on that day), ``p`` (estimated ``S(day)``) and
        ``ci_low``/``ci_high``.  ``0 <= ci_low <= p <= ci_high <= 1``.

    Notes
    -----
    ``p`` and the interval come from ``scipy.stats.ecdf`` on
    ``scipy.stats.CensoredData`` with the log-log ("exponential Greenwood")
    interval [3]_.  Day 0 is ``S(0) = 1`` by definition, with interval
    ``[1, 1]``.  The log-log interval is undefined (NaN) or degenerate
    (zero width) where the estimate is exactly 0 or 1 - e.g. no breakdowns at
    all, every replication broken on day 1, or days before the first observed
    breakdown.  On those days (``d >= 1``) the interval is replaced by the
    Wilson interval (:func:`proportion_ci`) of the proportion still holding.
    That is valid because all censoring is at ``H``, so ``S(d)`` is estimated
    by a plain binomial proportion over all ``n`` replications.

    References
    ----------
    .. [2] Kaplan and Meier (1958).
    .. [3] Sawyer (2003), exponential Greenwood interval.
    """
    horizon_days = _check_int(horizon_days, "horizon_days", 1)
    confidence = _check_confidence(confidence)
    bd = _check_breakdown_days(breakdown_day, horizon_days, "breakdown_day")
    n = bd.size
    held = np.isnan(bd)
    broken_days = bd[~held]

    days = np.arange(horizon_days + 1)
    breakdowns = np.bincount(broken_days.astype(np.int64), minlength=horizon_days + 1)
    cum_broken = np.cumsum(breakdowns)
    at_risk = n - np.concatenate(([0], cum_broken[:-1]))

    sample = stats.CensoredData(
        uncensored=broken_days, right=np.full(int(held.sum()), float(horizon_days))
    )
    sf = stats.ecdf(sample).sf
    p = np.asarray(sf.evaluate(days), dtype=np.float64)
    with warnings.catch_warnings():
        # scipy warns where the log-log interval is undefined; handled below.
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = sf.confidence_interval(confidence_level=confidence, method="log-log")
        low = np.asarray(ci.low.evaluate(days), dtype=np.float64)
        high = np.asarray(ci.high.evaluate(days), dtype=np.float64)

    fallback = np.isnan(low) | np.isnan(high) | (p <= 0.0) | (p >= 1.0)
    fallback[0] = False
    low[0], high[0] = 1.0, 1.0
    wilson: dict[int, tuple[float, float]] = {}
    for d in np.flatnonzero(fallback):
        holding = int(n - cum_broken[d])
        if holding not in wilson:
            wilson[holding] = proportion_ci(holding, n, confidence)[1:]
        low[d], high[d] = wilson[holding]

    # With censoring only at H the product-limit estimate equals the fraction still holding;
    # report that exact fraction so S(H) is bit-identical to P(hold) (scipy's product differs
    # in the last bits).
    exact = (n - cum_broken) / n
    if np.allclose(p, exact, rtol=0.0, atol=1e-9):
        p = exact
    p = np.clip(p, 0.0, 1.0)
    low = np.clip(np.minimum(low, p), 0.0, 1.0)
    high = np.clip(np.maximum(high, p), 0.0, 1.0)
    return pd.DataFrame(
        {
            "day": days.astype(np.int64),
            "at_risk": at_risk.astype(np.int64),
            "breakdowns": breakdowns.astype(np.int64),
            "p": p,
            "ci_low": low,
            "ci_high": high,
        }
    )


def survival_at(table: pd.DataFrame, days: Sequence[int]) -> list[dict]:
    """Survival estimate and interval at selected days.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`survival_table` (rows for days ``0..H``).
    days : sequence of int
        Days to report, each in ``0..H``.

    Returns
    -------
    rows : list of dict, length len(days)
        ``{"day": int, "p": float, "ci_low": float, "ci_high": float}`` in
        the order of ``days``.

    References
    ----------
    .. [2] Kaplan and Meier (1958).
    """
    horizon = _check_table(table)
    checked = _check_days(days, horizon)
    p = table["p"].to_numpy()
    lo = table["ci_low"].to_numpy()
    hi = table["ci_high"].to_numpy()
    return [
        {"day": d, "p": float(p[d]), "ci_low": float(lo[d]), "ci_high": float(hi[d])}
        for d in checked
    ]


def breakdown_day_quantiles(
    table: pd.DataFrame, probs: Sequence[float] = (0.1, 0.5, 0.9)
) -> dict[str, int | None]:
    """Days by which given fractions of replications have broken down.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`survival_table`.
    probs : sequence of float, default (0.1, 0.5, 0.9)
        Breakdown fractions, each in (0, 1].

    Returns
    -------
    quantiles : dict of str to int or None
        Key ``"q{round(100 * q)}"`` (e.g. ``"q10"``) maps to the first day
        ``d`` with ``1 - S(d) >= q`` (days), or ``None`` if that fraction is
        not reached by the horizon.  A slack of 1e-12 absorbs floating-point
        rounding in ``1 - S(d)``.

    References
    ----------
    .. [2] Kaplan and Meier (1958).
    """
    _check_table(table)
    broken_fraction = 1.0 - table["p"].to_numpy()
    out: dict[str, int | None] = {}
    for q in probs:
        if isinstance(q, bool) or not isinstance(q, Real) or not 0.0 < q <= 1.0:
            raise ValueError(f"probs must be numbers in (0, 1], got {q!r}")
        reached = np.flatnonzero(broken_fraction + _FRACTION_TOL >= q)
        out[f"q{round(100 * q)}"] = int(reached[0]) if reached.size else None
    return out


def mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Sample mean with a Student-t confidence interval.

    Parameters
    ----------
    values : ndarray of float, shape (n,)
        Per-replication outcomes (any unit; the interval has the same unit).
        Must be finite; NaN raises ``ValueError``.
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    mean, ci_low, ci_high : float
        With ``n == 1`` the interval is undefined (zero degrees of freedom)
        and both bounds are ``NaN``.  With zero sample variance the interval
        collapses to ``(mean, mean)``, which is what the t formula gives.

    References
    ----------
    Student-t interval ``mean +/- t_{n-1} * s / sqrt(n)`` via ``scipy.stats.t``.
    """
    arr = _check_values(values, "values")
    confidence = _check_confidence(confidence)
    mean = float(np.mean(arr))
    if arr.size == 1:
        return mean, math.nan, math.nan
    sem = float(stats.sem(arr))
    if sem == 0.0:
        return mean, mean, mean
    low, high = stats.t.interval(confidence, arr.size - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


def cause_shares(causes: Sequence[str | None]) -> dict[str, float]:
    """Share of each breakdown cause chain among broken-down replications.

    Parameters
    ----------
    causes : sequence of str or None, length n
        Cause chain label per replication; ``None`` or ``""`` for replications
        that held (ignored).

    Returns
    -------
    shares : dict of str to float
        Fraction (dimensionless, summing to 1) per cause, ordered by share
        descending then by name ascending; ``{}`` if nothing broke down.

    References
    ----------
    Plain relative frequencies; no interval is attached.
    """
    counts: Counter[str] = Counter()
    for c in causes:
        if c is None or c == "":
            continue
        if not isinstance(c, str):
            raise ValueError(f"causes must be str or None, got {c!r}")
        counts[c] += 1
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {name: k / total for name, k in ordered}


def paired_difference_ci(
    a: np.ndarray, b: np.ndarray, confidence: float = 0.95
) -> dict[str, float | None]:
    """Mean paired difference ``b - a`` with paired and independent intervals.

    Parameters
    ----------
    a, b : ndarray of float, shape (n,)
        Outcome of the same replication under scenario A and B (e.g. held
        indicator 0/1 run with common random numbers).  Same length, finite.
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    result : dict
        ``difference`` = mean(b - a) (unit of the outcome); ``ci_low``,
        ``ci_high`` and ``se_paired`` from the paired t-test; ``se_independent``,
        ``ci_low_independent``, ``ci_high_independent`` from Welch's t-test,
        i.e. what the interval would be had the scenarios been run with
        independent random numbers; ``width_ratio`` = independent width /
        paired width (> 1 means pairing helped).  A zero standard error gives a
        zero-width interval at ``difference``.  ``width_ratio`` is ``inf`` if
        only the paired width is 0 and ``None`` if both widths are 0 (0/0).
        With ``n == 1`` all intervals and standard errors are ``NaN`` and
        ``width_ratio`` is ``None``.

    References
    ----------
    .. [4] Welch (1947).  Intervals via ``scipy.stats.ttest_rel`` and
       ``scipy.stats.ttest_ind(equal_var=False)``.
    """
    xa = _check_values(a, "a")
    xb = _check_values(b, "b")
    if xa.shape != xb.shape:
        raise ValueError(f"a and b must have the same length, got {xa.size} and {xb.size}")
    confidence = _check_confidence(confidence)
    diff = xb - xa
    difference = float(np.mean(diff))
    if diff.size == 1:
        nan = math.nan
        return {
            "difference": difference, "ci_low": nan, "ci_high": nan,
            "se_paired": nan, "se_independent": nan,
            "ci_low_independent": nan, "ci_high_independent": nan,
            "width_ratio": None,
        }
    n = diff.size
    se_paired = float(stats.sem(diff))
    se_indep = math.sqrt(np.var(xa, ddof=1) / n + np.var(xb, ddof=1) / n)

    if se_paired == 0.0:
        low, high = difference, difference
    else:
        ci = stats.ttest_rel(xb, xa).confidence_interval(confidence_level=confidence)
        low, high = float(ci.low), float(ci.high)
    if se_indep == 0.0:
        low_i, high_i = difference, difference
    else:
        ci = stats.ttest_ind(xb, xa, equal_var=False).confidence_interval(
            confidence_level=confidence
        )
        low_i, high_i = float(ci.low), float(ci.high)

    width, width_i = high - low, high_i - low_i
    if width > 0.0:
        ratio: float | None = width_i / width
    else:
        ratio = math.inf if width_i > 0.0 else None
    return {
        "difference": difference,
        "ci_low": low,
        "ci_high": high,
        "se_paired": se_paired,
        "se_independent": se_indep,
        "ci_low_independent": low_i,
        "ci_high_independent": high_i,
        "width_ratio": ratio,
    }


def survival_difference_ci(
    day_a: np.ndarray,
    day_b: np.ndarray,
    horizon_days: int,
    days: Sequence[int],
    confidence: float = 0.95,
) -> list[dict]:
    """Paired difference in survival ``S_B(d) - S_A(d)`` at selected days.

    Parameters
    ----------
    day_a, day_b : ndarray of float, shape (n,)
        Breakdown days (``NaN`` = held) of the same replications under
        scenarios A and B, paired by index (common random numbers).
    horizon_days : int
        Simulation horizon ``H`` in days.
    days : sequence of int
        Days in ``0..H`` at which to compare survival.
    confidence : float, default 0.95
        Two-sided confidence level in (0, 1).

    Returns
    -------
    rows : list of dict, length len(days)
        :func:`paired_difference_ci` of the per-replication indicator
        "still holding at the end of day d", with ``"day"`` added.

    References
    ----------
    .. [4] Welch (1947); see :func:`paired_difference_ci`.
    """
    horizon_days = _check_int(horizon_days, "horizon_days", 1)
    xa = _check_breakdown_days(day_a, horizon_days, "day_a")
    xb = _check_breakdown_days(day_b, horizon_days, "day_b")
    if xa.shape != xb.shape:
        raise ValueError(
            f"day_a and day_b must have the same length, got {xa.size} and {xb.size}"
        )
    checked = _check_days(days, horizon_days)
    confidence = _check_confidence(confidence)
    # NaN > d is False, so fill "held" with a day past the horizon.
    fa = np.where(np.isnan(xa), horizon_days + 1.0, xa)
    fb = np.where(np.isnan(xb), horizon_days + 1.0, xb)
    rows = []
    for d in checked:
        res = paired_difference_ci(
            (fa > d).astype(np.float64), (fb > d).astype(np.float64), confidence
        )
        rows.append({"day": d, **res})
    return rows


def mean_ci_from_moments(
    n: int, total: float, total_sq: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean and t-interval from the count, sum and sum of squares of a sample.

    Lets a run summarise millions of replications without keeping them: the
    engine accumulates ``n``, ``sum x`` and ``sum x^2`` block by block. Same
    conventions as :func:`mean_ci` (n = 1 gives a NaN interval).

    Parameters
    ----------
    n : int
        Sample size (>= 1).
    total, total_sq : float
        Sum and sum of squares of the values.

    Returns
    -------
    (mean, ci_low, ci_high) : tuple of float

    References
    ----------
    .. [1] Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983). Algorithms for
           computing the sample variance. *The American Statistician* 37(3), 242-247.
    """
    n = _check_int(n, "n", 1)
    confidence = _check_confidence(confidence)
    mean = float(total) / n
    if n == 1:
        return mean, math.nan, math.nan
    variance = max(0.0, (float(total_sq) - n * mean * mean) / (n - 1))
    if variance == 0.0:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * math.sqrt(variance / n)
    return mean, mean - half, mean + half
