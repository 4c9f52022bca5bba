"""The strike round: spoiler attacks, cross-border strikes and retaliation.

Armed groups attack at a Poisson rate set by their capacity, sanctuary and
incentive to spoil: the rate rises with progress in the talks, as spoilers
strike when a deal looms (Kydd and Walter 2002). A party decides to strike its
adversary with a logistic probability that grows with domestic pressure and
distrust and falls with mediators' leverage, monitoring and inducements
(Beardsley 2008; Fortna 2003). The party struck decides whether to hit back.

References
----------
.. [1] Kydd, A. and Walter, B. F. (2002). Sabotaging the peace: the politics of
       extremist violence. *International Organization* 56(2), 263-296.
.. [2] Stedman, S. J. (1997). Spoiler problems in peace processes.
       *International Security* 22(2), 5-53.
.. [3] Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of
       peace. *International Organization* 57(2), 337-372.
.. [4] Beardsley, K. (2008). Agreement without peace? International mediation
       and time inconsistency problems. *AJPS* 52(4), 723-740.
"""

from __future__ import annotations

import numpy as np

from .draws import logistic, logit, poisson_from_uniform


def attack_rate(
    attack_rate_per_day: np.ndarray | float,
    sanctuary: np.ndarray,
    talk_progress: np.ndarray,
    spoiler_sensitivity: np.ndarray | float,
    decree_active: np.ndarray,
    decree_multiplier: np.ndarray | float,
    recruitment: np.ndarray,
) -> np.ndarray:
    """Expected attacks today [attacks/day], shape (R,).

    rate = base * sanctuary * (1 + spoiler_sensitivity * progress)
           * (decree_multiplier if decree else 1) * (1 + recruitment)
    """
    multiplier = np.where(decree_active, decree_multiplier, 1.0)
    return attack_rate_per_day * sanctuary * (1.0 + spoiler_sensitivity * talk_progress) * multiplier * (1.0 + recruitment)


def attacks_and_casualties(
    u_attacks: np.ndarray,
    u_casualties: np.ndarray,
    expected_attacks: np.ndarray,
    casualties_per_attack: np.ndarray | float,
    active: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Attack counts and their casualties, both Poisson by inversion; zero where not ``active``.

    Returns
    -------
    attacks, casualties : ndarray of int64, shape (R,)
    """
    attacks = poisson_from_uniform(u_attacks, np.where(active, expected_attacks, 0.0))
    casualties = poisson_from_uniform(u_casualties, attacks * casualties_per_attack)
    return attacks, casualties


def decision_log_odds(
    baseline_prob: np.ndarray | float,
    drive: np.ndarray,
    drive_weight: np.ndarray | float,
    trust_in_other: np.ndarray,
    distrust_weight: np.ndarray | float,
    boost: np.ndarray | float,
    restraint: np.ndarray | float,
) -> np.ndarray:
    """Log-odds of a party's hostile act today, shape (R,).

    logit P = logit(baseline) + w_drive * drive + w_d * (1 - 2 * trust) + boost - restraint,
    so that with no drive, trust 0.5, no boost and no restraint P = baseline. The drive is
    domestic pressure for a strike and resentment for retaliation.
    """
    return (
        logit(baseline_prob)
        + drive_weight * drive
        + distrust_weight * (1.0 - 2.0 * trust_in_other)
        + boost
        - restraint
    )


def strike_log_odds(
    baseline_prob: np.ndarray | float,
    pressure: np.ndarray,
    pressure_weight: np.ndarray | float,
    trust_in_adversary: np.ndarray,
    distrust_weight: np.ndarray | float,
    boost: np.ndarray | float,
    restraint: np.ndarray | float,
) -> np.ndarray:
    """Log-odds that a party strikes today, driven by domestic pressure (see :func:`decision_log_odds`)."""
    return decision_log_odds(baseline_prob, pressure, pressure_weight, trust_in_adversary, distrust_weight,
                             boost, restraint)


def decide(uniform: np.ndarray, log_odds: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Bernoulli decisions: True where eligible and u < logistic(log_odds); shape (R,)."""
    return eligible & (uniform < logistic(log_odds))


def retaliation_log_odds(
    baseline_prob: np.ndarray | float,
    resentment: np.ndarray,
    resentment_weight: np.ndarray | float,
    trust_in_striker: np.ndarray,
    distrust_weight: np.ndarray | float,
    boost: np.ndarray | float,
    restraint: np.ndarray | float,
) -> np.ndarray:
    """Log-odds of hitting back on the day of a strike, driven by resentment (see :func:`decision_log_odds`)."""
    return decision_log_odds(baseline_prob, resentment, resentment_weight, trust_in_striker, distrust_weight,
                             boost, restraint)
