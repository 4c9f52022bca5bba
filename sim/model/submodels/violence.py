"""Violence between the parties: cross-border strikes and retaliation.

A party decides to strike its adversary with a logistic probability that grows
with domestic pressure and distrust and falls with mediators' leverage,
monitoring and inducements (see :mod:`.mediation`). All parties decide on the
same information, then the strikes land: civilian casualties (Poisson), damage
to the sanctuaries of groups the victim hosts, hostile evidence about the
striker (more so under an agreement: a broken commitment). The party struck
decides whether to hit back at its adversary, driven by resentment.

References
----------
.. [1] Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of
       peace. *International Organization* 57(2), 337-372.
.. [2] Beardsley, K. (2008). Agreement without peace? International mediation
       and time inconsistency problems. *AJPS* 52(4), 723-740.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scatter import add_at, or_at
from ..draws import logistic, logit, poisson_from_uniform
from ..parameters import Parameters
from ..state import State, Topology
from ..streams import Streams
from .breakdown import extend_chain


def decision_log_odds(
    baseline_prob: np.ndarray | float,
    drive: np.ndarray,
    drive_weight: np.ndarray | float,
    trust_in_other: np.ndarray,
    distrust_weight: np.ndarray | float,
    boost: np.ndarray | float,
    restraint: np.ndarray | float,
) -> np.ndarray:
    """Log-odds of a party's hostile act today, elementwise.

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


def decide(uniform: np.ndarray, log_odds: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Bernoulli decisions: True where eligible and u < logistic(log_odds); elementwise."""
    return eligible & (uniform < logistic(log_odds))


def sanctuary_left(damage: np.ndarray, damage_per_strike: np.ndarray | float, struck: np.ndarray) -> np.ndarray:
    """Damage after a day's strikes: 1 - (1 - damage) (1 - d * struck); each strike destroys a share d of what is left."""
    return 1.0 - (1.0 - damage) * (1.0 - damage_per_strike * struck)


def hostile_act_evidence(acted: np.ndarray, violation_evidence: np.ndarray | float,
                         broken_commitment_evidence: np.ndarray | float, agreement: np.ndarray) -> np.ndarray:
    """Hostile evidence of a strike or retaliation: a violation, and under an agreement a broken commitment."""
    return acted * (violation_evidence + broken_commitment_evidence * agreement)


@dataclass
class Strikes:
    """Today's strikes.

    Attributes
    ----------
    strikes : ndarray of bool, shape (P, R)
        Party p struck its adversary.
    civilian_casualties : ndarray of int64, shape (P, R)
        Casualties caused by party p's strike.
    struck : ndarray of bool, shape (P, R)
        Party p was struck.
    """

    strikes: np.ndarray
    civilian_casualties: np.ndarray
    struck: np.ndarray


def strike_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                 restraint: np.ndarray) -> Strikes:
    """Parties decide to strike, all on today's information; then the strikes land.

    ``restraint`` (P, R) is the fall in each party's log-odds of violating that
    mediation brings today (:func:`.mediation.restraint_phase`).
    """
    parties, pp, ceasefire = state.parties, parameters.parties, state.ceasefire
    actor, adversary = topology.party_actor, topology.adversary
    boost = np.where(pp.war_threatened[:, None], pp.open_war.strike_boost, 0.0) + (
        parties.decree * pp.decree.retaliation_boost)
    log_odds = strike_log_odds(pp.strikes.baseline_prob_per_day, parties.pressure, pp.strikes.pressure_weight,
                               state.trust.mean(actor, actor[adversary]), pp.strikes.distrust_weight, boost, restraint)
    hit = decide(uniforms.rows("strike", topology.party_ids), log_odds, ceasefire.alive)
    civilians = poisson_from_uniform(uniforms.rows("strike_casualties", topology.party_ids),
                                     hit * pp.strikes.civilian_casualties_per_strike)
    add_at(parties.civilians_suffered, adversary, civilians)
    add_at(parties.casualties_suffered, adversary, civilians)
    # Strikes on a host destroy its guests' sanctuary, one striker after another.
    for strikers in topology.group_strikers:
        has = strikers >= 0
        p = np.where(has, strikers, 0)
        damaged = sanctuary_left(state.groups.damage, pp.strikes.sanctuary_damage_per_strike[p], hit[p])
        state.groups.damage = np.where(has[:, None], damaged, state.groups.damage)
    learning = parameters.learning
    state.trust.observe(actor[adversary], actor, hostility=hostile_act_evidence(
        hit, learning.violation_evidence, learning.broken_commitment_evidence, state.talks.agreement))
    struck = np.zeros_like(hit)
    or_at(struck, adversary, hit)
    # Provoked if an attack hurt the first striker on one of the window's days (today included).
    any_hit = hit.any(axis=0)
    if any_hit.any():
        struck_today = np.flatnonzero(any_hit)
        first = np.argmax(hit[:, struck_today], axis=0)
        provoked = np.zeros_like(any_hit)
        provoked[struck_today] = (parties.last_attacked_day[first, struck_today]
                                  > day - ceasefire.violation_ring.shape[0])
        ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "spoiler_attack",
                                                             any_hit & (ceasefire.chain == 0) & provoked)
        ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen,
                                                             "cross_border_strike", any_hit)
    return Strikes(strikes=hit, civilian_casualties=civilians, struck=struck)


@dataclass
class Retaliations:
    """Today's retaliations: party p hit back at its adversary, and the casualties it caused; (P, R)."""

    retaliations: np.ndarray
    casualties: np.ndarray


def retaliation_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                      struck: np.ndarray, restraint: np.ndarray) -> Retaliations:
    """Each party struck today decides whether to hit back at its adversary's forces.

    Parties decide in file order, each seeing the hostile evidence of the
    retaliations decided before it today (this matters only where both were struck).
    """
    parties, pp = state.parties, parameters.parties
    actor, adversary = topology.party_actor, topology.adversary
    learning = parameters.learning
    eligible = state.ceasefire.alive & struck
    u_decide = uniforms.rows("retaliation", topology.party_ids)
    back = np.zeros_like(struck)
    if eligible.any():
        boost = parties.decree * pp.decree.retaliation_boost
        rp = pp.retaliation
        # Where two parties were both struck, the later one in file order sees the earlier one's
        # retaliation first; elsewhere the order cannot matter, and all decide at once.
        one_at_a_time = range(len(topology.party_ids)) if (eligible.sum(axis=0) > 1).any() else [slice(None)]
        for p in one_at_a_time:
            log_odds = retaliation_log_odds(rp.baseline_prob[p], parties.resentment[p], rp.resentment_weight[p],
                                            state.trust.mean(actor[p], actor[adversary[p]]), rp.distrust_weight[p],
                                            boost[p], restraint[p])
            back[p] = decide(u_decide[p], log_odds, eligible[p])
            state.trust.observe(actor[adversary[p]], actor[p], hostility=hostile_act_evidence(
                back[p], learning.violation_evidence, learning.broken_commitment_evidence, state.talks.agreement))
    hurt = poisson_from_uniform(uniforms.rows("retaliation_casualties", topology.party_ids),
                                back * pp.retaliation.casualties_per_retaliation)
    add_at(parties.casualties_suffered, adversary, hurt)
    ceasefire = state.ceasefire
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "retaliation",
                                                         back.any(axis=0))
    return Retaliations(retaliations=back, casualties=hurt)
