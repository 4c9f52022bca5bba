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

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..draws import exponential_days, logistic, logit
from ..scatter import add_at
from ..parameters import Parameters
from ..state import State, Topology
from ..columns import ColumnUniforms, at_columns, columns_are_unambiguous, put_columns, take_columns
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
    priorities : ndarray, shape (P, K) or (P, K, R)
        Normalized stakes on each issue (rows sum to 1): :func:`stakes`.
    bias : ndarray, shape (P, R)
        Mediators' tilt toward each party (sums to 1 over parties).
    formulation : ndarray, shape (R,)
        Formulation strength f in [0, 1].
    """
    n_issues = priorities.shape[1]
    w = priorities if priorities.ndim == 3 else priorities[:, :, None]
    weight = bias[:, None, :] * ((1.0 - formulation) + formulation * n_issues * w)
    total = weight.sum(axis=0)
    # An issue no party cares about gets no weight under full formulation: split it by bias alone.
    plain = (bias[:, None, :] * ideal).sum(axis=0) / bias.sum(axis=0)
    return np.where(total > 0, (weight * ideal).sum(axis=0) / np.where(total > 0, total, 1.0), plain)


BALANCING_STEPS = 16
"""The tilt of :func:`balanced_offer` is found to within 2^-16, as by 16 bisection steps."""
BALANCING_BRANCHES = 16
"""Intervals per pass where few replications search: 15 tilts at once, four passes give the 16 bisection steps."""
WIDE_SEARCH_BELOW = 512
"""Replications searching at most this many use the many-tilt passes; more use bisection (2 intervals a pass)."""


def balanced_offer(ideal: np.ndarray, weights: np.ndarray, formulation: np.ndarray,
                   value_of: Callable[[np.ndarray, np.ndarray], np.ndarray], reservation: np.ndarray) -> np.ndarray:
    """The offer that leaves both parties the same surplus over their reservation values, shape (K, R).

    A formulating mediator searches the proposals between the two sides (the
    :func:`proposal` with tilt t toward the first party and 1 - t toward the
    second) for the tilt at which value - reservation is equal for both: where a
    bargaining range exists the offer lies inside it. The surplus difference is
    monotone in t, so the root's interval is narrowed by trying 15 evenly spaced
    tilts at once per pass (the dyadic points bisection would visit: the same
    answer as 16 bisection steps, in four vectorized passes); t stays at an end if
    no tilt equalizes.

    Parameters
    ----------
    ideal : ndarray, shape (2, K, R)
    weights : ndarray, shape (2, K, R)
        Stakes (:func:`stakes`).
    formulation : ndarray, shape (R,)
    value_of : callable
        (offer (K, L), columns (L,) of the R replications) -> each party's value (2, L).
    reservation : ndarray, shape (2, R)
    """
    n = reservation.shape[1]
    # Many tilts at once pay off where few replications search; for many, plain bisection does less work.
    branches = BALANCING_BRANCHES if n <= WIDE_SEARCH_BELOW else 2
    low, width = np.zeros(n), 1.0
    steps = np.arange(1, branches, dtype=float)[:, None]  # (B - 1, 1)
    repeat = np.tile(np.arange(n), branches - 1)
    ideal_r, weights_r = ideal[..., repeat], weights[..., repeat]
    formulation_r = formulation[repeat] if np.ndim(formulation) else formulation
    reservation_r = reservation[:, repeat]
    passes = round(BALANCING_STEPS / np.log2(branches))
    for _ in range(passes):
        width /= branches
        tilt = (low + steps * width).ravel()
        surplus = value_of(proposal(ideal_r, weights_r, np.stack([tilt, 1.0 - tilt]), formulation_r),
                           repeat) - reservation_r
        behind = (surplus[0] < surplus[1]).reshape(branches - 1, n)
        low = low + behind.sum(axis=0) * width
    tilt = low + 0.5 * width
    return proposal(ideal, weights, np.stack([tilt, 1.0 - tilt]), formulation)


def stakes(priorities: np.ndarray, host_cost: np.ndarray) -> np.ndarray:
    """What each party has at stake on each issue, normalized over issues, shape (P, K, R).

    Its priorities plus, for a host, the cost per unit of a crackdown on an aligned
    group (``host_cost`` (P, K, R), 0 elsewhere): a formulator weighs the sides'
    real costs, not only their declared priorities (Raiffa 1982).
    """
    total = priorities[:, :, None] + host_cost
    return total / total.sum(axis=1, keepdims=True)


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
    sessions: np.ndarray | int = 1,
) -> np.ndarray:
    """True where a delegation leaves: shortfall beyond the margin, and u < 1 - (1 - propensity (1 - facilitation))^n.

    Each of the round's n days of sessions is a chance to leave.
    """
    per_session = propensity * (1.0 - facilitation)
    return (reservation - value > margin) & (uniform < 1.0 - np.power(1.0 - per_session, sessions))


def imposed_share(intrinsic: np.ndarray, bought: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """Share of a party's surplus owed to leverage and inducements: b / (b + max(0, v - r)), in [0, 1].

    1 where the deal on its own terms (value ``intrinsic``) is worth no more than
    fighting (``reservation``): it was accepted only because of the pressure; 0
    where nothing was bought. Elementwise.
    """
    own = np.maximum(0.0, intrinsic - reservation)
    total = bought + own
    return np.where(total > 0, bought / np.where(total > 0, total, 1.0), 0.0)


def collapse_log_odds(first_failure_prob: np.ndarray | float, per_failed_round: np.ndarray | float,
                      failed_rounds: np.ndarray, walkout_log_odds: np.ndarray | float, walked_out: np.ndarray,
                      progress_weight: np.ndarray | float, progress: np.ndarray,
                      facilitation_weight: np.ndarray | float, facilitation: np.ndarray) -> np.ndarray:
    """Log-odds that a failed round ends the talks, shape (R,).

    logit P = logit(first_failure_prob) + per_failed_round (n - 1) + walkout_log_odds [walk-out]
    - progress_weight progress - facilitation_weight facilitation, with n the consecutive failed rounds
    including this one: a hazard that rises with failures and falls with progress and mediation.
    """
    return (logit(first_failure_prob) + per_failed_round * (failed_rounds - 1) + walkout_log_odds * walked_out
            - progress_weight * progress - facilitation_weight * facilitation)


def next_scheduled_round(schedule_days: np.ndarray, schedule_sessions: np.ndarray, after: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Each replication's first calendar round after day ``after`` (R,): its day (-1 if none) and sessions."""
    later = schedule_days > after[None, :]
    first = np.argmax(later, axis=0)
    found = later.any(axis=0)
    columns = np.arange(after.size)
    return (np.where(found, schedule_days[first, columns], -1),
            np.where(found, schedule_sessions[first, columns], 1))


def conceded_positions(positions: np.ndarray, adversary: np.ndarray, concession: np.ndarray) -> np.ndarray:
    """Delegations' positions after concessions, x + c (x_adversary - x), shape (P, K, R).

    ``positions`` (P, K, 1) are the ideal points, ``concession`` (P, R) the share of the gap conceded.
    """
    return positions + concession[:, None, :] * (positions[adversary] - positions)


def concede(concession: np.ndarray, rate: np.ndarray | float) -> np.ndarray:
    """Concession after a failed round: c + rate (1 - c), elementwise."""
    return concession + rate * (1.0 - concession)


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
class Table:
    """A round's proposal and what it is worth to each party.

    Attributes
    ----------
    offer : ndarray, shape (K, R)
    value : ndarray, shape (P, R)
        Expected value of the deal, commitment problem, inducements, manipulation and venue included.
    reservation : ndarray, shape (P, R)
        Value of fighting instead.
    inducements : ndarray, shape (P, R)
        Inducements on offer to each party.
    """

    offer: np.ndarray
    value: np.ndarray
    reservation: np.ndarray
    inducements: np.ndarray


def valuation(state: State, parameters: Parameters, topology: Topology, instructed: np.ndarray, shaped: Mediation,
              now: mediation.Presence, host_cost: np.ndarray | None = None
              ) -> tuple[Callable[..., np.ndarray], np.ndarray, np.ndarray]:
    """How the parties value offers at this round: (value of an offer, reservation, inducements).

    value = u - crackdown cost + inducements - (1 - trust) sucker cost (1 - monitoring)
    + manipulation_weight x manipulation + new-venue bonus, judged from the delegations' positions
    ``instructed`` (P, K, R); ``host_cost`` is :func:`crackdown_costs`, computed here if not given. The value
    function takes an offer (K, R) and returns (P, R); given
    ``cols``, it takes an offer for those replications only, (K, len(cols)).
    """
    talks, parties, pp, tp, mp = state.talks, state.parties, parameters.parties, parameters.talks, parameters.mediators
    # A host that must crack down on an aligned group pays for it, and the formulator knows it.
    if host_cost is None:
        host_cost = crackdown_costs(parameters, topology, state.n_replications)
    actor = topology.party_actor
    inducements = mediation.inducement_value(now.engaged, mp.inducement.value,
                                             mediation.inducement_scale(pp.priorities, mp.inducement_issue))
    trust = state.trust.mean(actor, actor[topology.adversary])
    extra = tp.manipulation_weight * shaped.manipulation + tp.new_venue_bonus * talks.new_venue
    tolerance = effective_tolerance(pp.core.cost_tolerance, parties.support, pp.domestic.initial_support,
                                    pp.domestic.support_tolerance_weight)
    reservation = reservation_value(pp.strength_share, pp.core.war_cost, tolerance)

    def value_of(offer: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        utility = (deal_utility(offer, at_columns(instructed, cols), pp.priorities)
                   - (at_columns(host_cost, cols) * offer[None]).sum(axis=1))
        value = expected_deal_value(utility + at_columns(inducements, cols), at_columns(trust, cols),
                                    at_columns(pp.core.sucker_cost, cols), at_columns(now.monitoring, cols))
        return value + at_columns(extra, cols)

    return value_of, reservation, inducements


def round_offer(state: State, parameters: Parameters, topology: Topology, instructed: np.ndarray,
                shaped: Mediation, now: mediation.Presence, held: np.ndarray | None = None) -> Table:
    """The proposal of a round and its value to each party, from the delegations' positions ``instructed``.

    The offer mixes the compromise :func:`proposal` with the :func:`balanced_offer`
    in proportion to formulation strength f: o = c + f (b - c). The search runs
    only where a round is ``held`` (R,) (everywhere if None); elsewhere the offer
    is the compromise, which no one uses.
    """
    host_cost = crackdown_costs(parameters, topology, state.n_replications)
    value_of, reservation, inducements = valuation(state, parameters, topology, instructed, shaped, now, host_cost)
    weights = stakes(parameters.parties.priorities, host_cost)
    compromise = proposal(instructed, weights, shaped.bias, shaped.formulation)
    cols = None if held is None or held.all() else np.flatnonzero(held)
    balanced = compromise.copy()
    balanced[:, cols if cols is not None else slice(None)] = balanced_offer(
        at_columns(instructed, cols), at_columns(weights, cols), at_columns(shaped.formulation, cols),
        lambda offer, which: value_of(offer, which if cols is None else cols[which]), at_columns(reservation, cols))
    offer = compromise + shaped.formulation * (balanced - compromise)
    return Table(offer=offer, value=value_of(offer), reservation=reservation, inducements=inducements)


@dataclass
class TalkRound:
    """What happened at a round, for the replications where one was held.

    Attributes
    ----------
    held, agreed, any_walkout, collapsed, restarted : ndarray of bool, shape (R,)
        ``restarted``: collapsed, and a mediator will re-open the talks.
    walkouts, overridden : ndarray of bool, shape (P, R)
        Who walked out; whose delegation was overridden by its principal.
    offer : ndarray, shape (K, R)
        The proposal on each issue.
    next_round_day : ndarray of int, shape (R,)
        Day of the next round where one is due (-1 elsewhere).
    """

    held: np.ndarray
    agreed: np.ndarray
    walkouts: np.ndarray
    any_walkout: np.ndarray
    collapsed: np.ndarray
    restarted: np.ndarray
    overridden: np.ndarray
    offer: np.ndarray
    next_round_day: np.ndarray

    def expanded(self, cols: np.ndarray, n: int) -> TalkRound:
        """The round's events for ``cols`` of ``n`` replications, with nothing held elsewhere."""
        def widen(x: np.ndarray, fill: Any) -> np.ndarray:
            full = np.full(x.shape[:-1] + (n,), fill, dtype=x.dtype)
            full[..., cols] = x
            return full
        return TalkRound(**{f.name: widen(getattr(self, f.name), -1 if f.name == "next_round_day" else
                                          (np.nan if f.name == "offer" else False)) for f in fields(self)})


def crackdown_costs(parameters: Parameters, topology: Topology, n_replications: int) -> np.ndarray:
    """Each host's cost per unit of each issue that sets a crackdown on a group it hosts, shape (P, K, R).

    See :func:`.armed_groups.crackdown_cost`; several groups on one issue add up.
    """
    pp = parameters.parties
    cost = np.zeros(pp.priorities.shape + (n_replications,))
    for g in np.flatnonzero(parameters.group_crackdown_issue >= 0):
        host = topology.host[g]
        cost[host, parameters.group_crackdown_issue[g]] += crackdown_cost(
            parameters.groups.ideological_alignment[g], pp.core.regional_pressure[host])
    return cost


def talk_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int
               ) -> TalkRound | None:
    """Hold a round where one is due today; None if none is.

    The offer is judged by each delegation from its principal's instructions;
    agreement needs every party to accept and none to walk out. After a failed
    round the talks collapse with a hazard (:func:`collapse_log_odds`); if not,
    the next round is the next one on the replication's calendar, or past the
    calendar one proposed after an exponential wait. Engaged mediators may
    re-open collapsed talks (:func:`.mediation.restart_phase`).
    """
    talks, parties, pp, tp = state.talks, state.parties, parameters.parties, parameters.talks
    due = state.ceasefire.alive & talks.active & ~talks.agreement & (talks.next_round_day == day)
    # Talks pause while the ceasefire is suspended: the round moves to the day it resumes. The suspension
    # is lifted in that day's incident phase, after the talks: a round due on the day it resumes is held.
    paused = due & state.ceasefire.suspended & (state.ceasefire.resume_day > day)
    talks.next_round_day = np.where(paused, state.ceasefire.resume_day, talks.next_round_day)
    held = due & ~paused
    if not held.any():
        return None
    n = held.size
    cols = np.flatnonzero(held)
    if cols.size <= SUBSET_SHARE * n and columns_are_unambiguous(n, topology, parameters):
        # Few replications hold a round today: hold it on those columns alone, then write them back.
        sub = take_columns(state, cols, n)
        out = hold_round(sub, take_columns(parameters, cols, n), topology, ColumnUniforms(uniforms, cols), day,
                         np.ones(cols.size, dtype=bool))
        put_columns(state, sub, cols, n)
        return out.expanded(cols, n)
    return hold_round(state, parameters, topology, uniforms, day, held)


SUBSET_SHARE = 0.25
"""Below this share of replications holding a round, :func:`talk_phase` works on their columns alone."""


def hold_round(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
               held: np.ndarray) -> TalkRound:
    """The round itself, where ``held`` (R,): see :func:`talk_phase`."""
    talks, parties, pp, tp = state.talks, state.parties, parameters.parties, parameters.talks
    sessions = talks.next_round_sessions
    now = mediation.presence(state, parameters)
    mp = parameters.mediators
    trust_pm = mediation.trust_in_mediators(state, topology)
    shaped = mediation_in_round(now.engaged, now.leverage, trust_pm, mp.style, mp.bias)

    ordinary = conceded_positions(pp.positions, topology.adversary, talks.concession)
    instructed, overridden = instructed_positions(uniforms.rows("principal", topology.party_ids),
                                                  pp.delegation.principal_override_prob, ordinary,
                                                  pp.hardline_positions)
    table = round_offer(state, parameters, topology, instructed, shaped, now, held)
    offer, value, reservation, inducements = table.offer, table.value, table.reservation, table.inducements
    actor = topology.party_actor
    accept = held & accepts(uniforms.rows("accept", topology.party_ids), value, reservation,
                            tp.acceptance_temperature)
    walk = held & walks_out(uniforms.rows("walkout", topology.party_ids), value, reservation, tp.walkout_margin,
                            pp.delegation.walkout_propensity, shaped.facilitation, sessions)
    any_walk = walk.any(axis=0)
    agreed = held & accept.all(axis=0) & ~any_walk

    # Walk-outs are seen by every other negotiator; a calm round builds trust in proportion to facilitation.
    learning = parameters.learning
    observer, walked = topology.negotiator_pairs
    state.trust.observe(observer, actor[walked], hostility=learning.walkout_evidence * walk[walked])
    state.trust.observe(actor, actor[topology.adversary],
                        cooperation=learning.talk_evidence * sessions * shaped.facilitation * (held & ~any_walk))
    talks.progress = np.where(held & ~any_walk,
                              np.minimum(1.0, talks.progress + tp.progress_per_session * sessions),
                              np.where(any_walk, talks.progress * (1.0 - tp.walkout_setback), talks.progress))
    talks.last_offer = np.where(held, offer, talks.last_offer)

    # Agreements: how the deal was reached is remembered (its durability depends on it), and the
    # agreed level on each group's crackdown issue becomes the host's commitment.
    bought = inducements + tp.manipulation_weight * shaped.manipulation
    talks.deal_intrinsic = np.where(agreed, value - bought, talks.deal_intrinsic)
    talks.deal_bought = np.where(agreed, bought, talks.deal_bought)
    talks.imposed_share = np.where(agreed, imposed_share(value - bought, bought, reservation).mean(axis=0),
                                   talks.imposed_share)
    talks.agreement |= agreed
    talks.agreement_day = np.where(agreed, day, talks.agreement_day)
    has_crackdown = parameters.group_crackdown_issue >= 0
    if has_crackdown.any():
        agreed_level = offer[np.where(has_crackdown, parameters.group_crackdown_issue, 0)]
        state.groups.crackdown_level = np.where(has_crackdown[:, None] & agreed, agreed_level,
                                                state.groups.crackdown_level)
    talks.active &= ~agreed

    failed = held & ~agreed
    talks.concession = np.where(failed, concede(talks.concession, pp.delegation.concession_per_round),
                                talks.concession)
    talks.failed_rounds = np.where(failed, talks.failed_rounds + 1, talks.failed_rounds)
    state.mediators.engaged |= mediation.joins(uniforms.rows("join", topology.mediator_ids), state.mediators.engaged,
                                               talks.failed_rounds, mp.join_after_stalled_rounds,
                                               mp.engagement.join_prob, failed)
    cp = parameters.collapse
    hazard = collapse_log_odds(cp.first_failure_prob, cp.per_failed_round, talks.failed_rounds, cp.walkout_log_odds,
                               any_walk, cp.progress_weight, talks.progress, cp.facilitation_weight,
                               shaped.facilitation.mean(axis=0))
    collapsed = failed & (uniforms["collapse"] < logistic(hazard))
    # A re-opened round is counted from the last day of this round's sessions.
    restarted, restart_day = collapse(state, parameters, topology, uniforms, day + sessions - 1, collapsed,
                                      now.engaged)

    # The next round: the replication's next calendar round after this one's sessions; past the
    # calendar, one proposed after an exponential wait; after a collapse, the re-opened round (if any).
    last_session = day + sessions - 1
    scheduled, scheduled_sessions = next_scheduled_round(parameters.schedule.days, parameters.schedule.sessions,
                                                         last_session)
    proposed = last_session + exponential_days(uniforms["proposal"], tp.proposal_interval_days)
    continuing = failed & ~collapsed
    next_day = np.where(scheduled > 0, scheduled, proposed)
    talks.next_round_day = np.where(continuing, next_day, talks.next_round_day)
    talks.next_round_sessions = np.where(continuing & (scheduled > 0), scheduled_sessions,
                                         np.where(continuing | restarted, 1, talks.next_round_sessions))
    talks.next_round_day = np.where(restarted, restart_day, talks.next_round_day)
    talks.next_round_day = np.where(agreed | (collapsed & ~restarted), -1, talks.next_round_day)
    talks.active &= talks.next_round_day > 0
    return TalkRound(held=held, agreed=agreed, walkouts=walk, any_walkout=any_walk, collapsed=collapsed,
                     restarted=restarted, overridden=overridden, offer=offer,
                     next_round_day=np.where(held, talks.next_round_day, -1))


def collapse(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int | np.ndarray,
             collapsed: np.ndarray, engaged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Talks collapse: the engaged mediators may re-open them, at a later day drawn for each.

    ``day`` is the last day of the round's sessions (R,), from which the delay runs.

    ``engaged`` (M, R) is who was at the table when the round began. Returns the
    replications where the talks will re-open and the day of that round (-1 elsewhere).
    """
    if not collapsed.any():
        return np.zeros_like(collapsed), np.full(collapsed.shape, -1, dtype=np.int64)
    talks, ceasefire = state.talks, state.ceasefire
    talks.active &= ~collapsed
    talks.collapses = talks.collapses + collapsed
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "talks_collapse",
                                                         collapsed)
    restarted, restart_day = mediation.restart_phase(state, parameters, topology, uniforms, day, collapsed, engaged)
    talks.active |= restarted
    talks.failed_rounds = np.where(restarted, 0, talks.failed_rounds)
    return restarted, restart_day
