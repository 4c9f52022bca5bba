"""Violence between the parties: cross-border strikes and retaliation.

A party decides to strike its adversary with a logistic probability whose
log-odds rise with domestic pressure, ln(1 + C30 / reference) times an
elasticity (C30: casualties suffered in the last 30 days), and with distrust,
and fall with mediators' leverage, monitoring and inducements (see
:mod:`.mediation`). All parties decide on the same information, then the
strikes land: civilian casualties (Poisson), damage to the sanctuaries of
groups the victim hosts, hostile evidence about the striker (more so under an
agreement: a broken commitment). A party hit by a strike (or, the next day, by
a retaliation) decides whether to hit back, driven by resentment; the
retaliation lands after a lag drawn per decision, so that it adds violation
days, and may itself be answered: a tit-for-tat spiral.

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
from ..draws import lag_days, logistic, logit, poisson_from_uniform
from ..parameters import Parameters
from ..state import State, Topology
from ..streams import Streams
from .breakdown import extend_chain
from .domestic import effective_tolerance
from .talks import reservation_value


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
    casualty_elasticity: np.ndarray | float,
    trust_in_adversary: np.ndarray,
    distrust_weight: np.ndarray | float,
    boost: np.ndarray | float,
    restraint: np.ndarray | float,
) -> np.ndarray:
    """Log-odds that a party strikes today, driven by domestic pressure (see :func:`decision_log_odds`).

    ``pressure`` is ln(1 + C30 / reference) (:func:`.domestic.casualty_pressure`), so the odds grow as
    (1 + C30 / reference)^elasticity.
    """
    return decision_log_odds(baseline_prob, pressure, casualty_elasticity, trust_in_adversary, distrust_weight,
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
    """Log-odds of deciding to hit back after a hit suffered, driven by resentment (see :func:`decision_log_odds`)."""
    return decision_log_odds(baseline_prob, resentment, resentment_weight, trust_in_striker, distrust_weight,
                             boost, restraint)


def deal_regret(reservation: np.ndarray, intrinsic: np.ndarray, bought: np.ndarray, days_since_signing: np.ndarray,
                leverage_half_life_days: np.ndarray | float) -> np.ndarray:
    """How much better fighting looks than a signed deal today [utility], >= 0, elementwise.

    max(0, r(t) - (v + b 2^(-t/h))): the value b that leverage and inducements
    added at signing fades with half-life h, so a deal that was acceptable only
    because of them stops being worth keeping (Beardsley 2008).
    """
    fade = np.power(0.5, days_since_signing / leverage_half_life_days)
    return np.maximum(0.0, reservation - (intrinsic + bought * fade))


def compliance_drive(state: State, parameters: Parameters, day: int) -> np.ndarray:
    """Rise in each party's log-odds of violating from how the ceasefire or deal was reached, shape (P, R).

    imposed_fragility x imposed share (Werner and Yuen 2005), plus, under a signed
    deal, regret_weight x :func:`deal_regret` (its reservation value moves with support).
    """
    talks, dp, pp = state.talks, parameters.durability, parameters.parties
    drive = dp.imposed_fragility * talks.imposed_share * state.ceasefire.alive
    if not talks.agreement.any():
        return np.broadcast_to(drive, state.parties.support.shape)
    tolerance = effective_tolerance(pp.core.cost_tolerance, state.parties.support, pp.domestic.initial_support,
                                    pp.domestic.support_tolerance_weight)
    reservation = reservation_value(pp.strength_share, pp.core.war_cost, tolerance)
    regret = deal_regret(reservation, talks.deal_intrinsic, talks.deal_bought, day - talks.agreement_day,
                         dp.leverage_half_life_days)
    return drive + dp.regret_weight * regret * talks.agreement


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
        parties.decree * pp.decree.retaliation_boost) + compliance_drive(state, parameters, day)
    log_odds = strike_log_odds(pp.strikes.baseline_prob_per_day, parties.pressure, pp.strikes.casualty_elasticity,
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
    # Provoked if, within the replication's own window (today included), attacks hurt the first striker beyond
    # its usual level; the ring is as long as the longest window, not each replication's.
    any_hit = hit.any(axis=0)
    if any_hit.any():
        struck_today = np.flatnonzero(any_hit)
        first = np.argmax(hit[:, struck_today], axis=0)
        provoked = np.zeros_like(any_hit)
        window = np.broadcast_to(np.asarray(parameters.breakdown_window_days), any_hit.shape)
        provoked[struck_today] = (parties.last_provocation_day[first, struck_today]
                                  > day - window[struck_today])
        ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "spoiler_attack",
                                                             any_hit & (ceasefire.chain == 0) & provoked)
        ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen,
                                                             "cross_border_strike", any_hit)
    return Strikes(strikes=hit, civilian_casualties=civilians, struck=struck)


@dataclass
class Retaliations:
    """Today's retaliations, (P, R).

    Attributes
    ----------
    decided : ndarray of bool
        Party p decided today to hit back (landing today or later).
    retaliations : ndarray of bool
        Party p's retaliation landed on its adversary today (a state violation).
    casualties : ndarray of int64
        Casualties party p's retaliation caused.
    hit : ndarray of bool
        Party p was hit by a retaliation today.
    """

    decided: np.ndarray
    retaliations: np.ndarray
    casualties: np.ndarray
    hit: np.ndarray


def retaliation_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                      struck: np.ndarray, restraint: np.ndarray) -> Retaliations:
    """Parties hit today by a strike, or yesterday by a retaliation, decide whether to hit back; due ones land.

    A decision sets the day the retaliation lands, ``day + lag`` with the lag
    drawn by :func:`~sim.model.draws.lag_days` (mean ``lag_mean_days``); a party
    with a retaliation pending does not decide again. A retaliation that lands
    makes its victim eligible to answer it the next day.
    """
    parties, pp = state.parties, parameters.parties
    actor, adversary = topology.party_actor, topology.adversary
    learning, rp = parameters.learning, pp.retaliation
    alive = state.ceasefire.alive
    eligible = alive & (struck | parties.unanswered) & (parties.retaliation_due < 0)
    u_decide = uniforms.rows("retaliation", topology.party_ids)
    u_lag = uniforms.rows("retaliation_lag", topology.party_ids)
    decided = np.zeros_like(eligible)
    if eligible.any():
        boost = parties.decree * pp.decree.retaliation_boost
        log_odds = retaliation_log_odds(rp.baseline_prob, parties.resentment, rp.resentment_weight,
                                        state.trust.mean(actor, actor[adversary]), rp.distrust_weight, boost,
                                        restraint)
        decided = decide(u_decide, log_odds, eligible)
        parties.retaliation_due = np.where(decided, day + lag_days(u_lag, rp.lag_mean_days), parties.retaliation_due)
    back = alive & (parties.retaliation_due == day)
    parties.retaliation_due = np.where(back | ~alive, -1, parties.retaliation_due)
    state.trust.observe(actor[adversary], actor, hostility=hostile_act_evidence(
        back, learning.violation_evidence, learning.broken_commitment_evidence, state.talks.agreement))
    hurt = poisson_from_uniform(uniforms.rows("retaliation_casualties", topology.party_ids),
                                back * rp.casualties_per_retaliation)
    add_at(parties.casualties_suffered, adversary, hurt)
    hit = np.zeros_like(back)
    or_at(hit, adversary, back)
    parties.unanswered = hit
    ceasefire = state.ceasefire
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "retaliation",
                                                         back.any(axis=0))
    return Retaliations(decided=decided, retaliations=back, casualties=hurt, hit=hit)
