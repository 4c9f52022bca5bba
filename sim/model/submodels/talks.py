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

from dataclasses import dataclass

import numpy as np

from ..draws import logistic
from ..scatter import add_at
from ..parameters import Parameters
from ..state import State, Topology
from ..streams import Streams
from . import mediation
from .armed_groups import crackdown_cost
from .breakdown import extend_chain
from .domestic import effective_tolerance


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

    For stacked parties: ``uniform`` and ``override_prob`` (P, R), positions (P, K, 1 or R).

    Returns
    -------
    positions : ndarray, shape (K, R) (or (P, K, R))
    overridden : ndarray of bool, shape (R,) (or (P, R))
    """
    overridden = uniform < override_prob
    return np.where(overridden[..., None, :], hardline, ordinary), overridden


@dataclass
class Mediation:
    """What the engaged mediators bring to a round, for each party.

    Attributes
    ----------
    facilitation : ndarray, shape (P, R)
        Combined facilitation credible to each party (noisy-or over mediators).
    formulation : ndarray, shape (R,)
        Formulation strength, the parties' mean of their combined credible formulation.
    manipulation : ndarray, shape (P, R)
        Credible leverage of manipulators on each party.
    bias : ndarray, shape (P, R)
        The engaged mediators' tilt toward each party, summing to 1 over parties.
    """

    facilitation: np.ndarray
    formulation: np.ndarray
    manipulation: np.ndarray
    bias: np.ndarray


def mediation_in_round(engaged: np.ndarray, leverage: np.ndarray, trust_in_mediators: np.ndarray,
                       style: np.ndarray, tilt: np.ndarray) -> Mediation:
    """Mediators' effect on a round, each scaled by the party's trust in it (Kydd 2003).

    Parameters
    ----------
    engaged : ndarray of bool, shape (M, R)
    leverage : ndarray, shape (M, R)
    trust_in_mediators : ndarray, shape (P, M, R)
    style : ndarray of bool, shape (3, M)
        Facilitation, formulation, manipulation.
    tilt : ndarray, shape (P, M)
        Each mediator's normalized bias toward each party.
    """
    n_parties = tilt.shape[0]
    effectiveness = engaged[None] * trust_in_mediators
    facilitators, formulators, manipulators = style
    facilitation = mediation.noisy_or(effectiveness * facilitators[None, :, None], axis=1)
    formulation = mediation.noisy_or(effectiveness * formulators[None, :, None], axis=1).mean(axis=0)
    manipulation = (effectiveness * manipulators[None, :, None] * leverage[None]).sum(axis=1)
    if engaged.shape[0]:
        bias = np.where(engaged.any(axis=0), tilt @ engaged.astype(float), 1.0)
    else:
        bias = np.ones((n_parties, engaged.shape[1]))
    return Mediation(facilitation=facilitation, formulation=formulation, manipulation=manipulation,
                     bias=bias / bias.sum(axis=0, keepdims=True))


@dataclass
class TalkRound:
    """What happened at a round, for the replications where one was held.

    Attributes
    ----------
    held, agreed, any_walkout, collapsed, restarted : ndarray of bool, shape (R,)
    walkouts, overridden : ndarray of bool, shape (P, R)
        Who walked out; whose delegation was overridden by its principal.
    offer : ndarray, shape (K, R)
        The proposal on each issue.
    restart_days : list of int
        Days of restarted rounds, to be scheduled.
    """

    held: np.ndarray
    agreed: np.ndarray
    walkouts: np.ndarray
    any_walkout: np.ndarray
    collapsed: np.ndarray
    restarted: np.ndarray
    overridden: np.ndarray
    offer: np.ndarray
    restart_days: list[int]


def talk_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
               calendar: np.ndarray) -> TalkRound | None:
    """Hold a round where one is due today; None if none is.

    The offer is judged by each delegation from its principal's instructions;
    agreement needs every party to accept and none to walk out. Stalled rounds
    accumulate until the talks collapse, unless a mediator restarts them.
    ``calendar`` holds the scheduled round days, sorted.
    """
    talks, parties, pp, tp = state.talks, state.parties, parameters.parties, parameters.talks
    held = state.ceasefire.alive & talks.active & ~talks.agreement & (talks.next_round_day == day)
    if not held.any():
        return None
    now = mediation.presence(state, parameters)
    mp = parameters.mediators
    trust_pm = mediation.trust_in_mediators(state, topology)
    shaped = mediation_in_round(now.engaged, now.leverage, trust_pm, mp.style, mp.bias)

    instructed, overridden = instructed_positions(uniforms.rows("principal", topology.party_ids),
                                                  pp.delegation.principal_override_prob, pp.positions,
                                                  pp.hardline_positions)
    offer = proposal(instructed, pp.priorities, shaped.bias, shaped.formulation)
    utility = deal_utility(offer, instructed, pp.priorities)
    # A host that must crack down on an aligned group pays for it.
    has_crackdown = parameters.group_crackdown_issue >= 0
    if has_crackdown.any():
        host = topology.host[has_crackdown]
        cost = crackdown_cost(parameters.groups.ideological_alignment[has_crackdown], pp.core.regional_pressure[host])
        add_at(utility, host, -(cost * offer[parameters.group_crackdown_issue[has_crackdown]]))

    actor = topology.party_actor
    inducements = mediation.inducement_value(now.engaged, mp.inducement.value,
                                             mediation.inducement_scale(pp.priorities, mp.inducement_issue))
    value = expected_deal_value(utility + inducements, state.trust.mean(actor, actor[topology.adversary]),
                                pp.core.sucker_cost, now.monitoring)
    tolerance = effective_tolerance(pp.core.cost_tolerance, parties.support, pp.domestic.initial_support,
                                    pp.domestic.support_tolerance_weight)
    reservation = reservation_value(pp.strength_share, pp.core.war_cost, tolerance)
    value = value + tp.manipulation_weight * shaped.manipulation + tp.new_venue_bonus * talks.new_venue
    accept = held & accepts(uniforms.rows("accept", topology.party_ids), value, reservation,
                            tp.acceptance_temperature)
    walk = held & walks_out(uniforms.rows("walkout", topology.party_ids), value, reservation, tp.walkout_margin,
                            pp.delegation.walkout_propensity, shaped.facilitation)
    any_walk = walk.any(axis=0)
    agreed = held & accept.all(axis=0) & ~any_walk

    # Walk-outs are seen by every other negotiator; a calm round builds trust in proportion to facilitation.
    learning = parameters.learning
    observer, walked = topology.negotiator_pairs
    state.trust.observe(observer, actor[walked], hostility=learning.walkout_evidence * walk[walked])
    state.trust.observe(actor, actor[topology.adversary],
                        cooperation=learning.talk_evidence * shaped.facilitation * (held & ~any_walk))
    talks.progress = np.where(held & ~any_walk, np.minimum(1.0, talks.progress + tp.progress_per_round),
                              np.where(any_walk, talks.progress * (1.0 - tp.walkout_setback), talks.progress))

    # Agreements: the agreed level on each group's crackdown issue becomes the host's commitment.
    talks.agreement |= agreed
    talks.agreement_day = np.where(agreed, day, talks.agreement_day)
    if has_crackdown.any():
        agreed_level = offer[np.where(has_crackdown, parameters.group_crackdown_issue, 0)]
        state.groups.crackdown_level = np.where(has_crackdown[:, None] & agreed, agreed_level,
                                                state.groups.crackdown_level)
    talks.active &= ~agreed

    stalled = held & ~agreed
    talks.stalled_rounds = np.where(stalled, talks.stalled_rounds + 1, talks.stalled_rounds)
    state.mediators.engaged |= mediation.joins(uniforms.rows("join", topology.mediator_ids), state.mediators.engaged,
                                               talks.stalled_rounds, mp.join_after_stalled_rounds,
                                               mp.engagement.join_prob, stalled)
    collapsed = stalled & (talks.stalled_rounds >= parameters.max_stalled_rounds)
    restarted, restart_day = collapse(state, parameters, topology, uniforms, day, collapsed, now.engaged)

    # Next rounds: the next calendar day; restarts set their own day.
    continuing = stalled & ~collapsed
    later = calendar[calendar > day]
    next_day = int(later[0]) if later.size else -1
    talks.next_round_day = np.where(continuing, next_day, talks.next_round_day)
    talks.next_round_day = np.where(restarted, restart_day, talks.next_round_day)
    talks.next_round_day = np.where(agreed | (collapsed & ~restarted), -1, talks.next_round_day)
    talks.active &= talks.next_round_day > 0
    return TalkRound(held=held, agreed=agreed, walkouts=walk, any_walkout=any_walk, collapsed=collapsed,
                     restarted=restarted, overridden=overridden, offer=offer,
                     restart_days=sorted(set(restart_day[restarted].tolist())))


def collapse(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
             collapsed: np.ndarray, engaged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Talks collapse: a mediator may restart them; if none does, open-war threats come due.

    ``engaged`` (M, R) is who was at the table when the round began. Returns the
    replications restarted and their next round's day (-1 elsewhere).
    """
    if not collapsed.any():
        return np.zeros_like(collapsed), np.full(collapsed.shape, -1, dtype=np.int64)
    talks, ceasefire = state.talks, state.ceasefire
    talks.active &= ~collapsed
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "talks_collapse",
                                                         collapsed)
    restarted, restart_day = mediation.restart_phase(state, parameters, topology, uniforms, day, collapsed, engaged)
    talks.active |= restarted
    talks.stalled_rounds = np.where(restarted, 0, talks.stalled_rounds)
    # With no restart, parties that threatened open war may carry it out in the coming days.
    pp = parameters.parties
    due = pp.war_threatened[:, None] & collapsed & ~restarted
    state.parties.threat_deadline = np.where(due, day + pp.war_decision_window_days[:, None] - 1,
                                             state.parties.threat_deadline)
    return restarted, restart_day
