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

import numpy as np
from scipy import stats

# Above this mean the sequential search is long: scipy's exact quantile function is cheaper.
_SEARCH_MEAN_LIMIT = 60.0


def logistic(x: np.ndarray | float) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logit(p: np.ndarray | float) -> np.ndarray:
    """Log-odds of a probability, clipped away from 0 and 1 so that it stays finite."""
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1.0 - 1e-12)
    return np.log(p) - np.log1p(-p)


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
    if u.ndim != 1:  # stacked actors (A, R): each element is inverted on its own
        lam_flat = np.broadcast_to(np.asarray(mean, dtype=float), u.shape).ravel()
        return poisson_from_uniform(u.ravel(), lam_flat).reshape(u.shape)
    lam = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    counts = np.zeros(u.shape, dtype=np.int64)
    # Means are often zero (no attack, no strike): work on the positive ones only.
    positive = np.flatnonzero(lam > 0.0)
    if not positive.size:
        return counts
    if positive.size == lam.size:
        idx, lam_s, u_s = None, lam, u  # the common case: no subset to gather
    else:
        idx, lam_s, u_s = positive, lam.take(positive), u.take(positive)
    large = lam_s > _SEARCH_MEAN_LIMIT
    if large.any():
        where = np.flatnonzero(large) if idx is None else idx[large]
        counts[where] = np.maximum(0, stats.poisson.ppf(u[where], lam[where])).astype(np.int64)
        small = np.flatnonzero(~large)
        if not small.size:
            return counts
        idx = small if idx is None else idx.take(small)
        lam_s, u_s = lam.take(idx), u.take(idx)
    pmf = np.exp(-lam_s)
    cdf = pmf.copy()
    keep = u_s > cdf
    sub = np.zeros(u_s.size, dtype=np.int64)
    # Past this count the tail mass is below 1e-16: a uniform still above the summed CDF is
    # one within rounding of 1, finished below with scipy's exact quantile.
    lam_top = float(lam_s.max())
    k_max = int(lam_top + 12.0 * np.sqrt(lam_top) + 40.0)
    k = 0
    n_keep = np.count_nonzero(keep)
    while n_keep and k < k_max:
        if 2 * n_keep < keep.size:
            # Few replications are still above the CDF: carry on only those (one selection, five takes).
            chosen = np.flatnonzero(keep)
            if idx is None:
                counts[:] = sub
                idx = chosen
            else:
                counts[idx] = sub
                idx = idx.take(chosen)
            lam_s, u_s, pmf, cdf, sub = (lam_s.take(chosen), u_s.take(chosen), pmf.take(chosen), cdf.take(chosen),
                                         sub.take(chosen))
            keep = np.ones(sub.size, dtype=bool)
        k += 1
        sub += keep
        pmf *= lam_s
        pmf *= 1.0 / k
        cdf += pmf
        np.greater(u_s, cdf, out=keep)
        n_keep = np.count_nonzero(keep)
    if n_keep:
        sub[keep] = stats.poisson.ppf(u_s[keep], lam_s[keep]).astype(np.int64)
    if idx is None:
        counts[:] = sub
    else:
        counts[idx] = sub
    return counts
