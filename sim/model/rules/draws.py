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
from scipy.special import ndtri

# Above this mean the sequential search is long; the normal approximation is
# then accurate to well under one count in a thousand.
_NORMAL_APPROXIMATION_MEAN = 60.0


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
    uniform : ndarray, shape (R,)
        Uniform numbers in [0, 1).
    mean : float or ndarray, shape (R,)
        Poisson mean (>= 0) for each replication.

    Returns
    -------
    counts : ndarray of int64, shape (R,)
        The smallest k with F(k) >= u, F the Poisson CDF; a monotone function
        of ``uniform`` for a fixed mean.
    """
    u = np.asarray(uniform, dtype=float)
    lam = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    counts = np.zeros(u.shape, dtype=np.int64)
    large = lam > _NORMAL_APPROXIMATION_MEAN
    if large.any():
        lam_l = lam[large]
        counts[large] = np.maximum(0, np.floor(lam_l + np.sqrt(lam_l) * ndtri(u[large]) + 0.5)).astype(np.int64)
    small = np.flatnonzero(~large & (lam > 0))
    if small.size == 0:
        return counts
    idx = small
    lam_s = lam[small]
    u_s = u[small]
    pmf = np.exp(-lam_s)
    cdf = pmf.copy()
    keep = u_s > cdf
    k = 0
    # Rounding can leave the CDF a hair below a uniform close to 1: stop far in the tail.
    k_max = int(_NORMAL_APPROXIMATION_MEAN * 3 + 100)
    n_keep = np.count_nonzero(keep)
    while k < k_max and n_keep:
        k += 1
        if 4 * n_keep < keep.size:
            # Few replications are still above the CDF: carry on only those.
            idx, lam_s, u_s, pmf, cdf = idx[keep], lam_s[keep], u_s[keep], pmf[keep], cdf[keep]
            counts[idx] = k
        else:
            counts[idx] += keep
        pmf *= lam_s
        pmf /= k
        cdf += pmf
        keep = u_s > cdf
        n_keep = np.count_nonzero(keep)
    return counts
