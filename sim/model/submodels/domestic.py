"""Domestic politics: pressure to act, rally and prestige, resentment and the jihad decree.

Casualties suffered in the last 30 days make domestic pressure to strike,
ln(1 + C30 / reference), so that pressure grows with the log of casualties
(each doubling far above the reference adds ln 2); civilian casualties from
the adversary's strikes raise support for the leadership (rally round the flag)
and resentment; retaliation raises prestige. Support above its initial level
raises the party's tolerance of the costs of war, so strikes that kill
civilians harden the weaker side. Resentment raises the hazard that the
leader declares jihad. Resentment decays exponentially; pressure follows the
30-day window, which on day 0 holds the fighting before the ceasefire.

References
----------
.. [1] Mueller, J. E. (1970). Presidential popularity from Truman to Johnson.
       *APSR* 64(1), 18-34 (rally round the flag).
.. [2] Condra, L. N. and Shapiro, J. N. (2012). Who takes the blame? The
       strategic effects of collateral damage. *AJPS* 56(1), 167-187.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parameters import Parameters
from ..state import State, Topology
from ..streams import Streams
from .breakdown import extend_chain, slide_window


def decay(value: np.ndarray, half_life_days: np.ndarray | float) -> np.ndarray:
    """Exponential decay over one day: value * 2^(-1/half_life)."""
    return value * np.power(0.5, 1.0 / half_life_days)


def casualty_pressure(casualties_30d: np.ndarray, reference_casualties_30d: np.ndarray | float) -> np.ndarray:
    """Domestic pressure ln(1 + C30 / reference) (>= 0), elementwise; ln 2 at the reference level."""
    return np.log1p(casualties_30d / reference_casualties_30d)


def support_after(
    support: np.ndarray,
    civilian_casualties_suffered: np.ndarray,
    rally_per_casualty: np.ndarray | float,
    retaliations: np.ndarray,
    prestige_gain: np.ndarray | float,
) -> np.ndarray:
    """Domestic support after rally and prestige effects, clipped to [0, 1]."""
    return np.clip(support + rally_per_casualty * civilian_casualties_suffered + prestige_gain * retaliations, 0.0, 1.0)


def effective_tolerance(
    cost_tolerance: np.ndarray | float,
    support: np.ndarray,
    initial_support: np.ndarray | float,
    support_tolerance_weight: np.ndarray | float,
) -> np.ndarray:
    """Cost tolerance raised by support gained since the start, clipped to [0, 1]."""
    return np.clip(cost_tolerance + support_tolerance_weight * (support - initial_support), 0.0, 1.0)


def resentment_after(
    resentment: np.ndarray,
    civilian_casualties_suffered: np.ndarray,
    resentment_per_casualty: np.ndarray | float,
    half_life_days: np.ndarray | float,
) -> np.ndarray:
    """Resentment toward the adversary at the end of the day, shape (R,)."""
    return decay(resentment, half_life_days) + resentment_per_casualty * civilian_casualties_suffered


def decree_issued(
    uniform: np.ndarray,
    already_issued: np.ndarray,
    hazard_per_day: np.ndarray | float,
    resentment: np.ndarray,
    resentment_weight: np.ndarray | float,
    fixed_day: np.ndarray | int | None,
    day: int,
    eligible: np.ndarray,
) -> np.ndarray:
    """True where a decree is issued today (at most once per replication), elementwise.

    P(decree today) = min(1, hazard + weight * resentment), or 1 on ``fixed_day``
    (None, or an int or array broadcastable to ``uniform`` with -1 for none: (P, R)
    or (P, 1) for stacked parties).
    """
    prob = np.minimum(1.0, hazard_per_day + resentment_weight * resentment)
    if fixed_day is not None:
        certain = np.asarray(fixed_day) == day
        if certain.any():
            prob = np.where(certain, 1.0, prob)
    return eligible & ~already_issued & (uniform < prob)


@dataclass
class Decrees:
    """Decrees issued today, shape (P, R)."""

    issued: np.ndarray


def domestic_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                   retaliations: np.ndarray, hits: np.ndarray) -> Decrees:
    """The 30-day windows, pressure, support and resentment move with the day's casualties; then the decree hazard.

    ``retaliations`` (P, R) are the parties' own retaliations today, a source of
    prestige; ``hits`` (P, R) the strikes and retaliations each suffered today.
    """
    parties, pp = state.parties, parameters.parties
    dp = pp.domestic
    slot = day % parties.casualty_ring.shape[0]
    parties.casualties_30d = slide_window(parties.casualty_ring, parties.casualties_30d, slot,
                                          parties.casualties_suffered)
    parties.hits_30d = slide_window(parties.hit_ring, parties.hits_30d, slot, hits)
    parties.pressure = casualty_pressure(parties.casualties_30d, dp.reference_casualties_30d)
    parties.support = support_after(parties.support, parties.civilians_suffered, dp.rally_per_civilian_casualty,
                                    retaliations, pp.retaliation.prestige_gain)
    parties.resentment = resentment_after(parties.resentment, parties.civilians_suffered,
                                          dp.resentment_per_civilian_casualty, dp.resentment_half_life_days)
    issued = decree_issued(uniforms.rows("decree", topology.party_ids), parties.decree, pp.decree.hazard_per_day,
                           parties.resentment, pp.decree.resentment_weight, pp.decree_fixed_day, day,
                           state.ceasefire.alive)
    if issued.any():
        parties.decree |= issued
        parties.decree_day[issued] = day
        actor = topology.party_actor
        state.trust.observe(actor[topology.adversary], actor, hostility=parameters.learning.decree_evidence * issued)
        ceasefire = state.ceasefire
        ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "jihad_decree",
                                                             issued.any(axis=0))
    return Decrees(issued=issued)
