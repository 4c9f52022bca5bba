"""Turning uniform numbers into events and counts by inversion.

Every random quantity in the model is a transform of one uniform number per
replication and day. Inversion (rather than numpy's samplers, whose number of
underlying draws depends on the parameters) keeps the random streams aligned
across parameter values: common random numbers.

References
----------
.. [1] Devroye, L. (1986). *Non-Uniform Random Variate Generation*, sec. X.3
       (inversion for the Poisson distribution). Springer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

# Above this mean the sequential search is long: scipy's exact quantile function is cheaper.
_SEARCH_MEAN_LIMIT = 60.0
# Closer than this to 1 the tail mass beyond a uniform is comparable to the rounding error of a CDF summed over
# thousands of terms (heavy tails): scipy answers those uniforms, exactly. About 1 uniform in 10^7 goes there.
_ROUNDING_OF_ONE = 1e-7


def logistic(x: np.ndarray | float) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logit(p: np.ndarray | float) -> np.ndarray:
    """Log-odds of a probability, clipped away from 0 and 1 so that it stays finite."""
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1.0 - 1e-12)
    return np.log(p) - np.log1p(-p)


def exponential_days(uniform: np.ndarray, mean_days: np.ndarray | float) -> np.ndarray:
    """Whole days ceil(-m ln(1 - u)), at least 1: an exponential wait of mean m [days], by inversion."""
    return np.maximum(1, np.ceil(-np.asarray(mean_days) * np.log1p(-np.asarray(uniform)))).astype(np.int64)


def lag_days(uniform: np.ndarray, mean_days: np.ndarray | float) -> np.ndarray:
    """Whole days floor(-m ln(1 - u)) >= 0: a delay of mean about m [days] that is 0 with probability 1 - e^(-1/m)."""
    m = np.asarray(mean_days, dtype=float)
    return np.floor(-m * np.log1p(-np.asarray(uniform))).astype(np.int64)


def poisson_from_uniform(uniform: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    """Poisson counts by inversion of the cumulative distribution.

    Parameters
    ----------
    uniform : ndarray, shape (R,) or (A, R)
        Uniform numbers in [0, 1).
    mean : float or ndarray, broadcastable to ``uniform``
        Poisson mean (>= 0) for each replication.

    Returns
    -------
    counts : ndarray of int64, shape of ``uniform``
        The smallest k with F(k) >= u, F the Poisson CDF; a monotone function
        of ``uniform`` for a fixed mean.
    """
    u = np.asarray(uniform, dtype=float)
    lam = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    flat = lam.ravel()  # the exact quantile is asked by flat index
    return _panjer_inverse(u, lam, np.exp(-lam), lam, np.zeros(1), lambda q, i: stats.poisson.ppf(q, flat[i]))


def negbin_from_uniform(uniform: np.ndarray, mean: np.ndarray | float, dispersion: np.ndarray | float | None
                        ) -> np.ndarray:
    """Negative binomial counts of a given mean and dispersion (shape) r, by inversion.

    Variance mean + mean^2 / r: the Poisson limit as r -> inf (``dispersion``
    None gives the Poisson exactly), heavier tails as r falls. A sum of n
    independent counts of shape r and the same mean ratio is negative binomial
    with shape n r, which is how counts of several events are drawn from one
    uniform. Elementwise over ``uniform`` (R,) or (A, R); shape 0 with mean 0
    gives 0.

    The CDF is summed with the recurrence P(k) = P(k - 1) (1 - p)(k - 1 + r) / k,
    P(0) = p^r, p = r / (r + mean) [1]_.

    References
    ----------
    .. [1] Johnson, N. L., Kemp, A. W. and Kotz, S. (2005). *Univariate Discrete
           Distributions*, 3rd ed., ch. 5. Wiley.
    """
    if dispersion is None:
        return poisson_from_uniform(uniform, mean)
    u = np.asarray(uniform, dtype=float)
    mu = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    r = np.broadcast_to(np.asarray(dispersion, dtype=float), u.shape)
    safe_r = np.where(r > 0, r, 1.0)
    p = safe_r / (safe_r + mu)
    zero_mass = np.power(p, safe_r)
    flat_r, flat_p = safe_r.ravel(), p.ravel()  # the exact quantile is asked by flat index
    return _panjer_inverse(u, np.where(r > 0, mu, 0.0), zero_mass, (1.0 - p) * safe_r, 1.0 - p,
                           lambda q, i: stats.nbinom.ppf(q, flat_r[i], flat_p[i]))


def negbin_sum_from_uniform(uniform: np.ndarray, count: np.ndarray, mean_each: Any, dispersion_each: Any
                            ) -> np.ndarray:
    """The sum of ``count`` independent negative binomial draws (mean mu, shape r each), by inversion, shape (R,).

    The sum of n such draws is negative binomial with mean n mu and shape n r, so
    this equals ``negbin_from_uniform(uniform, count * mean_each, count * dispersion_each)``
    number for number; with scalar mu and r the law depends on n alone, and each
    distinct n is inverted once through a table of its CDF (built with the same
    recurrence, in the same order), which is much cheaper than a search per element.
    """
    u = np.asarray(uniform, dtype=float)
    n = np.asarray(count)
    if dispersion_each is None:
        return poisson_from_uniform(u, n * np.asarray(mean_each, dtype=float))
    if np.ndim(mean_each) or np.ndim(dispersion_each) or u.ndim != 1:
        return negbin_from_uniform(u, n * np.asarray(mean_each, dtype=float), n * np.asarray(dispersion_each))
    out = np.zeros(u.shape, dtype=np.int64)
    mean_each, dispersion_each = np.float64(mean_each), np.float64(dispersion_each)
    if mean_each <= 0.0 or dispersion_each <= 0.0:
        return negbin_from_uniform(u, n * mean_each, n * dispersion_each)
    # Large sums go to scipy's quantile, all in one call, as negbin_from_uniform would send them.
    large = n * mean_each > _SEARCH_MEAN_LIMIT
    if large.any():
        where = np.flatnonzero(large)
        out[where] = negbin_from_uniform(u[where], n[where] * mean_each, n[where] * dispersion_each)
    for v in np.unique(n[(n > 0) & ~large]):
        idx = np.flatnonzero(n == v)
        mu = np.int64(v) * mean_each
        r = np.int64(v) * dispersion_each
        q = u[idx]
        near_one = q > 1.0 - _ROUNDING_OF_ONE
        cdf = _negbin_cdf_table(float(mu), float(r), float(q[~near_one].max(initial=0.0)))
        found = np.searchsorted(cdf, q, side="left")
        rest = near_one | (found >= cdf.size)
        out[idx] = found
        if rest.any():
            p = r / (r + mu)
            out[idx[rest]] = stats.nbinom.ppf(q[rest], r, p).astype(np.int64)
    return out


@functools.lru_cache(maxsize=4096)
def _negbin_table_block(mean: float, shape: float, length: int) -> np.ndarray:
    p = shape / (shape + mean)
    zero_mass = np.power(p, shape)
    a, b = (1.0 - p) * shape, 1.0 - p
    k = np.arange(1, length, dtype=np.int64)
    # pmf(k) = pmf(k - 1) (a + b (k - 1)) / k, multiplied in order from pmf(0), then summed in order:
    # the same floating-point operations as the search in _panjer_inverse.
    ratio = (a + b * (k - 1)) / k
    pmf = np.cumprod(np.concatenate(([zero_mass], ratio)))
    return np.cumsum(pmf)


def _negbin_cdf_table(mean: float, shape: float, up_to: float) -> np.ndarray:
    """The CDF F(0), F(1), ... of a negative binomial, long enough that its last value reaches ``up_to``."""
    length = 64
    while True:
        cdf = _negbin_table_block(mean, shape, length)
        if cdf[-1] >= up_to or length >= 1 << 16:
            return cdf
        length *= 4


def _panjer_inverse(u: np.ndarray, mean: np.ndarray, zero_mass: np.ndarray, a: np.ndarray, b: np.ndarray,
                    exact_quantile: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Smallest k with F(k) >= u for a Panjer-class law, P(k) = P(k - 1) (a + b (k - 1)) / k, elementwise.

    ``mean`` > 0 marks the elements to invert (0 elsewhere); ``exact_quantile(q, flat_indices)`` is scipy's
    quantile for the elements given by flat index, used above :data:`_SEARCH_MEAN_LIMIT`, for uniforms
    within :data:`_ROUNDING_OF_ONE` of 1 and for any the search leaves above its summed CDF.
    """
    shape = u.shape
    u, mean = u.ravel(), mean.ravel()
    zero_mass = np.broadcast_to(zero_mass, shape).ravel()
    a = np.broadcast_to(a, shape).ravel()
    b = np.broadcast_to(b, shape).ravel()
    counts = np.zeros(u.shape, dtype=np.int64)
    # Means are often zero (no attack, no strike): work on the positive ones only.
    positive = np.flatnonzero(mean > 0.0)
    if not positive.size:
        return counts.reshape(shape)
    large = (mean[positive] > _SEARCH_MEAN_LIMIT) | (u[positive] > 1.0 - _ROUNDING_OF_ONE)
    if large.any():
        where = positive[large]
        counts[where] = np.maximum(0, exact_quantile(u[where], where)).astype(np.int64)
        positive = positive[~large]
        if not positive.size:
            return counts.reshape(shape)
    idx = positive
    u_s, a_s, b_s = u[idx], a[idx], b[idx]
    pmf = zero_mass[idx].copy()
    cdf = pmf.copy()
    keep = u_s > cdf
    sub = np.zeros(idx.size, dtype=np.int64)
    # Past this count the tail mass is negligible: a uniform still above the summed CDF is one
    # within rounding of 1, finished below with scipy's exact quantile.
    top = mean[idx].max()
    spread = np.sqrt(top + top * top * float(b_s.max(initial=0.0)) / max(1e-12, 1.0 - float(b_s.max(initial=0.0))))
    k_max = int(top + 12.0 * spread + 40.0)
    k = 0
    n_keep = np.count_nonzero(keep)
    while n_keep and k < k_max:
        if 2 * n_keep < keep.size:
            # Few elements are still above the CDF: carry on only those.
            chosen = np.flatnonzero(keep)
            counts[idx] = sub
            idx = idx[chosen]
            u_s, a_s, b_s, pmf, cdf, sub = (u_s[chosen], a_s[chosen], b_s[chosen], pmf[chosen], cdf[chosen],
                                            sub[chosen])
            keep = np.ones(sub.size, dtype=bool)
        k += 1
        sub += keep
        pmf *= (a_s + b_s * (k - 1)) / k
        cdf += pmf
        np.greater(u_s, cdf, out=keep)
        n_keep = np.count_nonzero(keep)
    if n_keep:
        sub[keep] = exact_quantile(u_s[keep], idx[keep]).astype(np.int64)
    counts[idx] = sub
    return counts.reshape(shape)
