"""Mediators: who is at the table, and how they restrain violence and shape talks.

A mediator's influence on a party is scaled by that party's trust in it: a
mediator is effective only when credible to the side it must move (Kydd 2003).
Styles follow Touval and Zartman (1985): facilitators improve communication
(fewer walk-outs, trust built in talks), formulators propose deals that trade
issues by the parties' priorities, manipulators use leverage to push acceptance.
Leverage, monitoring and inducements conditional on compliance restrain
violations (Beardsley 2008; Fortna 2003). Several mediators of the same kind
combine as a noisy-or: 1 - prod(1 - s_m).

References
----------
.. [1] Kydd, A. (2003). Which side are you on? Bias, credibility, and mediation.
       *AJPS* 47(4), 597-611.
.. [2] Touval, S. and Zartman, I. W. (1985). *International Mediation in Theory
       and Practice*. Westview.
.. [3] Beardsley, K. (2008). Agreement without peace? *AJPS* 52(4), 723-740.
.. [4] Werner, S. and Yuen, A. (2005). Making and keeping peace. *International
       Organization* 59(2), 261-292.
"""

from __future__ import annotations

import numpy as np


def noisy_or(strengths: np.ndarray, axis: int = 0) -> np.ndarray:
    """Combined share 1 - prod(1 - s) over ``axis``; strengths in [0, 1]."""
    return 1.0 - np.prod(1.0 - strengths, axis=axis)


def restraint_log_odds(
    engaged: np.ndarray,
    leverage: np.ndarray,
    trust_in_mediators: np.ndarray,
    monitoring_share: np.ndarray,
    inducement_at_stake: np.ndarray,
    agreement: np.ndarray,
    leverage_restraint: np.ndarray | float,
    monitoring_restraint: np.ndarray | float,
    inducement_restraint: np.ndarray | float,
    agreement_restraint: np.ndarray | float,
) -> np.ndarray:
    """Fall in a party's log-odds of violating today, shape (R,).

    Parameters
    ----------
    engaged : ndarray of bool, shape (M, R)
    leverage : ndarray, shape (M, R) or (M, 1)
    trust_in_mediators : ndarray, shape (M, R)
        The party's trust in each mediator.
    monitoring_share : ndarray, shape (R,)
        Combined monitoring of engaged mediators, in [0, 1].
    inducement_at_stake : ndarray, shape (R,)
        Value of conditional inducements the party would lose [utility].
    agreement : ndarray of bool, shape (R,)
    """
    credible_leverage = (engaged * leverage * trust_in_mediators).sum(axis=0) if engaged.size else 0.0
    return (
        leverage_restraint * credible_leverage
        + monitoring_restraint * monitoring_share
        + inducement_restraint * inducement_at_stake
        + agreement_restraint * agreement
    )


def joins(
    uniform: np.ndarray,
    engaged: np.ndarray,
    stalled_rounds: np.ndarray,
    join_after_stalled_rounds: int | None,
    join_prob: np.ndarray | float,
    eligible: np.ndarray,
) -> np.ndarray:
    """True where a mediator not yet engaged joins after this stalled round, shape (R,)."""
    if join_after_stalled_rounds is None:
        return np.zeros_like(engaged)
    return eligible & ~engaged & (stalled_rounds >= join_after_stalled_rounds) & (uniform < join_prob)
