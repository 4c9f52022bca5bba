"""Trust as a Beta-Bernoulli belief with exponential forgetting.

Actor i's trust in j is the mean of a Beta(a, b) belief that j cooperates on a
given day. Evidence adds to a (cooperation) or b (hostility); old evidence is
discounted by a factor lambda = 2^(-1/h) per day (h: memory half-life), so the
belief relaxes toward its prior Beta(a0, b0):

    a_t = a0 + sum_s lambda^(t-s) c_s,   b_t = b0 + sum_s lambda^(t-s) d_s,
    trust_t = a_t / (a_t + b_t).

Decay is applied lazily: accumulators hold sum_s lambda^(ref-s) c_s relative to
a reference day ``ref`` and are rebased now and then, so no daily pass over all
actor pairs is needed.

References
----------
.. [1] Josang, A. and Ismail, R. (2002). The Beta reputation system. Proc. 15th
       Bled Electronic Commerce Conference (forgetting factor).
.. [2] Gelman, A. et al. (2013). *Bayesian Data Analysis*, 3rd ed., sec. 2.4
       (the Beta-Bernoulli model).
"""

from __future__ import annotations

import numpy as np

REBASE_EVERY_DAYS = 64
"""Rebase accumulators this often: with half-lives >= 1 day weights stay below 2^64."""


def daily_retention(half_life_days: np.ndarray | float) -> np.ndarray:
    """Share of evidence kept after one day, lambda = 2^(-1/h); shape of the input."""
    return np.power(0.5, 1.0 / np.asarray(half_life_days, dtype=float))


def evidence_weight(retention: np.ndarray | float, day: int, reference_day: int) -> np.ndarray:
    """Weight lambda^(ref - day) at which evidence observed on ``day`` enters the accumulators."""
    return np.power(retention, float(reference_day - day))


def trust_mean(
    prior_cooperation: np.ndarray,
    prior_hostility: np.ndarray,
    cooperation: np.ndarray,
    hostility: np.ndarray,
    retention: np.ndarray | float,
    day: int,
    reference_day: int,
) -> np.ndarray:
    """Posterior mean trust a_t / (a_t + b_t); inputs broadcast, output in (0, 1).

    Parameters
    ----------
    prior_cooperation, prior_hostility : ndarray
        Prior pseudo-counts a0 = initial * certainty and b0 = (1 - initial) * certainty.
    cooperation, hostility : ndarray
        Accumulated evidence relative to ``reference_day``.
    retention : float or ndarray, shape (R,)
        Daily retention lambda.
    """
    discount = np.power(retention, float(day - reference_day))
    a = prior_cooperation + discount * cooperation
    b = prior_hostility + discount * hostility
    return a / (a + b)
