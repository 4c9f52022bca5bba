"""A talk round: a proposal over the issues, acceptance, walk-outs, principals.

Each party i has an ideal point x_ik in [0, 1] and a priority w_ik on each
issue k (sum_k w_ik = 1). The proposal weighs parties' ideal points by the
mediators' bias and, as formulation grows, by priorities, so that each side
gets more of what it cares most about (logrolling):

    p_k = sum_i omega_ik x_ik / sum_i omega_ik,  omega_ik = b_i ((1 - f) + f K w_ik).

The deal is worth u_i = 1 - sum_k w_ik |p_k - x_ik| (minus the host's cost of
cracking down on an aligned group, plus inducements). Because the adversary may
renege, its expected value is u_i - (1 - trust_ij) s_i (1 - g): s_i the sucker's
cost, g the insurance that monitoring and guarantees give (Fearon 1995;
Walter 1997). The outside option is the expected share from fighting less its
cost, r_i = pi_i - c_i (1 - tolerance_i), pi_i = strength_i / sum strength. A
party accepts with probability logistic((EV_i - r_i) / temperature) and may
walk out when EV_i falls short of r_i by more than a margin.

References
----------
.. [1] Fearon, J. D. (1995). Rationalist explanations for war. *International
       Organization* 49(3), 379-414.
.. [2] Walter, B. F. (1997). The critical barrier to civil war settlement.
       *International Organization* 51(3), 335-364.
.. [3] Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard (logrolling).
"""

from __future__ import annotations

import numpy as np

from .draws import logistic


def proposal(ideal: np.ndarray, priorities: np.ndarray, bias: np.ndarray, formulation: np.ndarray) -> np.ndarray:
    """Proposed outcome on each issue, shape (K, R), in [0, 1].

    Parameters
    ----------
    ideal : ndarray, shape (P, K, R)
        Each party's position this round.
    priorities : ndarray, shape (P, K)
        Normalized priorities (rows sum to 1).
    bias : ndarray, shape (P, R)
        Mediators' tilt toward each party (sums to 1 over parties).
    formulation : ndarray, shape (R,)
        Formulation strength f in [0, 1].
    """
    n_issues = priorities.shape[1]
    weight = bias[:, None, :] * ((1.0 - formulation) + formulation * n_issues * priorities[:, :, None])
    total = weight.sum(axis=0)
    # An issue no party cares about gets no weight under full formulation: split it by bias alone.
    plain = (bias[:, None, :] * ideal).sum(axis=0) / bias.sum(axis=0)
    return np.where(total > 0, (weight * ideal).sum(axis=0) / np.where(total > 0, total, 1.0), plain)


def deal_utility(offer: np.ndarray, ideal: np.ndarray, priorities: np.ndarray) -> np.ndarray:
    """u_i = 1 - sum_k w_ik |p_k - x_ik|, shape (P, R), in [0, 1].

    ``ideal`` is each delegation's position this round, shape (P, K, R): a
    delegation bound by its principal's hardline instructions judges the offer
    from those positions, which is how instructions from the capital stall a round.
    """
    return 1.0 - (priorities[:, :, None] * np.abs(offer[None, :, :] - ideal)).sum(axis=1)


def reservation_value(strength_share: np.ndarray, war_cost: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Value of fighting instead, pi - c (1 - tolerance), clipped to [0, 1]."""
    return np.clip(strength_share - war_cost * (1.0 - tolerance), 0.0, 1.0)


def expected_deal_value(
    utility: np.ndarray, trust_in_adversary: np.ndarray, sucker_cost: np.ndarray, insurance: np.ndarray
) -> np.ndarray:
    """u - (1 - trust) * sucker_cost * (1 - insurance): the commitment problem, elementwise."""
    return utility - (1.0 - trust_in_adversary) * sucker_cost * (1.0 - insurance)


def accepts(uniform: np.ndarray, value: np.ndarray, reservation: np.ndarray, temperature: np.ndarray | float) -> np.ndarray:
    """True where a party accepts: u < logistic((value - reservation) / temperature)."""
    return uniform < logistic((value - reservation) / temperature)


def walks_out(
    uniform: np.ndarray,
    value: np.ndarray,
    reservation: np.ndarray,
    margin: np.ndarray | float,
    propensity: np.ndarray | float,
    facilitation: np.ndarray,
) -> np.ndarray:
    """True where a delegation leaves: shortfall beyond the margin, with prob propensity * (1 - facilitation)."""
    return (reservation - value > margin) & (uniform < propensity * (1.0 - facilitation))


def instructed_positions(
    uniform: np.ndarray, override_prob: np.ndarray | float, ordinary: np.ndarray, hardline: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions after the principal's instructions for one party, and where it overrode.

    Parameters
    ----------
    uniform : ndarray, shape (R,)
    ordinary, hardline : ndarray, shape (K, R) or (K, 1)

    Returns
    -------
    positions : ndarray, shape (K, R)
    overridden : ndarray of bool, shape (R,)
    """
    overridden = uniform < override_prob
    return np.where(overridden[None, :], hardline, ordinary), overridden
