"""Trust as a Beta-Bernoulli belief with exponential forgetting: the one trust ledger.

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

from typing import Any

import numpy as np

from .scatter import add_at

REBASE_EVERY_DAYS = 64
"""Rebase accumulators this often: with half-lives >= 1 day weights stay below 2^64."""


def daily_retention(half_life_days: np.ndarray | float) -> np.ndarray:
    """Share of evidence kept after one day, lambda = 2^(-1/h); shape of the input."""
    return np.power(0.5, 1.0 / np.asarray(half_life_days, dtype=float))


def evidence_weight(retention: np.ndarray | float, day: int, reference_day: int) -> np.ndarray:
    """Weight lambda^(ref - day) at which evidence observed on ``day`` enters the accumulators."""
    return np.power(retention, float(reference_day - day))


class TrustLedger:
    """Every actor's belief about every other, over R replications.

    Parameters
    ----------
    prior_cooperation, prior_hostility : ndarray, shape (N, N, R)
        Prior pseudo-counts a0 = initial * certainty and b0 = (1 - initial) * certainty
        of actor i (first axis) about actor j (second axis).
    memory_half_life_days : float or ndarray, shape (R,)
        Half-life h of evidence [days].

    Notes
    -----
    Use :meth:`advance` once at the start of each day, :meth:`observe` for the
    day's evidence and :meth:`mean` to read beliefs. An actor's belief about
    itself is never read; its prior is set to Beta(1, 1) so the matrix stays free of NaN.
    """

    def __init__(self, prior_cooperation: np.ndarray, prior_hostility: np.ndarray,
                 memory_half_life_days: np.ndarray | float) -> None:
        self.prior_cooperation = np.array(prior_cooperation, dtype=float)
        self.prior_hostility = np.array(prior_hostility, dtype=float)
        diagonal = np.arange(self.prior_cooperation.shape[0])
        self.prior_cooperation[diagonal, diagonal] = 1.0
        self.prior_hostility[diagonal, diagonal] = 1.0
        self.cooperation = np.zeros_like(self.prior_cooperation)
        self.hostility = np.zeros_like(self.prior_hostility)
        # Beliefs that never received evidence are their prior mean, exactly: no need to recompute them.
        self._prior_mean = _beta_mean(self.prior_cooperation, self.prior_hostility, self.cooperation,
                                      self.hostility, 1.0)
        self._observed = np.zeros(self.prior_cooperation.shape[:2], dtype=bool)
        self.retention = daily_retention(memory_half_life_days)
        self.day = 0
        self.reference_day = 0
        self._weight: Any = np.ones(1)
        self._discount: Any = np.ones(1)

    def advance(self, day: int) -> None:
        """Move to ``day``: rebase the accumulators when due and fix today's weights."""
        self.day = day
        if day - self.reference_day >= REBASE_EVERY_DAYS:
            factor = np.power(self.retention, float(day - self.reference_day))
            self.cooperation *= factor
            self.hostility *= factor
            self.reference_day = day
        self._weight = evidence_weight(self.retention, day, self.reference_day)
        self._discount = np.power(self.retention, float(day - self.reference_day))

    def observe(self, observer: Any, observed: Any, cooperation: Any = None, hostility: Any = None) -> None:
        """Today's evidence: ``observer`` sees ``observed`` cooperate or act with hostility.

        Parameters
        ----------
        observer, observed : int or ndarray of int, shape (k,)
            Actor indices; pairs may repeat, and repeated evidence adds up.
        cooperation, hostility : ndarray, shape (R,) or (k, R), optional
            Pseudo-observations today (0 where nothing was seen).
        """
        self._observed[observer, observed] = True
        for accumulator, evidence in ((self.cooperation, cooperation), (self.hostility, hostility)):
            if evidence is None:
                continue
            if np.ndim(observer) == 0 and np.ndim(observed) == 0:
                accumulator[observer, observed] += self._weight * evidence
            else:
                add_at(accumulator, (np.asarray(observer), np.asarray(observed)), self._weight * evidence)

    def mean(self, observer: Any, observed: Any) -> np.ndarray:
        """Trust of ``observer`` in ``observed`` today: shape (R,) for scalar indices, (k, R) for arrays."""
        if not self._observed[observer, observed].any():
            return self._prior_mean[observer, observed]
        return _beta_mean(self.prior_cooperation[observer, observed], self.prior_hostility[observer, observed],
                          self.cooperation[observer, observed], self.hostility[observer, observed], self._discount)

    def take(self, cols: np.ndarray) -> TrustLedger:
        """The ledger of some replications (local indices ``cols``): copies, written back by :meth:`put`."""
        sub = object.__new__(TrustLedger)
        n = self.cooperation.shape[-1]

        def cut(x: Any) -> Any:
            return x[..., cols] if np.ndim(x) and np.shape(x)[-1] == n else x

        sub.prior_cooperation, sub.prior_hostility = self.prior_cooperation[..., cols], self.prior_hostility[..., cols]
        sub.cooperation, sub.hostility = self.cooperation[..., cols], self.hostility[..., cols]
        sub._prior_mean = self._prior_mean[..., cols]
        sub._observed = self._observed.copy()
        sub.retention, sub._weight, sub._discount = cut(self.retention), cut(self._weight), cut(self._discount)
        sub.day, sub.reference_day = self.day, self.reference_day
        return sub

    def put(self, cols: np.ndarray, sub: TrustLedger) -> None:
        """Write back the evidence a :meth:`take` ledger gathered."""
        self.cooperation[..., cols] = sub.cooperation
        self.hostility[..., cols] = sub.hostility
        self._observed |= sub._observed

    def prior(self, observer: Any, observed: Any) -> np.ndarray:
        """The prior mean of ``observer``'s trust in ``observed`` (before any evidence), shapes as :meth:`mean`."""
        return self._prior_mean[observer, observed]

    def mean_at(self, observer: np.ndarray, observed: np.ndarray, replications: np.ndarray) -> np.ndarray:
        """Trust of each ``observer[k]`` in ``observed[k]`` in some replications (local indices), shape (k, L)."""
        pairs = (np.asarray(observer)[:, None], np.asarray(observed)[:, None], np.asarray(replications)[None, :])
        discount = self._discount if np.size(self._discount) == 1 else self._discount[replications]
        return _beta_mean(self.prior_cooperation[pairs], self.prior_hostility[pairs], self.cooperation[pairs],
                          self.hostility[pairs], discount)

    def matrix(self) -> np.ndarray:
        """All beliefs today, shape (N, N, R); the diagonal is meaningless."""
        return _beta_mean(self.prior_cooperation, self.prior_hostility, self.cooperation, self.hostility,
                          self._discount)


def _beta_mean(prior_cooperation: np.ndarray, prior_hostility: np.ndarray, cooperation: np.ndarray,
               hostility: np.ndarray, discount: Any) -> np.ndarray:
    """a / (a + b) with a = a0 + discount * cooperation and b = b0 + discount * hostility."""
    a = prior_cooperation + discount * cooperation
    return a / (a + prior_hostility + discount * hostility)
