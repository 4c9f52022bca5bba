"""Breakdown: open war, violations, the status of the ceasefire, and the chain of events that broke it.

Open war is each party's daily decision, possible on any day while the
ceasefire holds: its log-odds rise with the casualties and the hits suffered in
the last 30 days, with distrust of the adversary, while the talks are off, with
a public threat (backing down costs face) and with domestic support gained, and
fall with the mediators' restraint (:func:`open_war_log_odds`). A state violation is a
cross-border strike or a retaliation. The ceasefire is
*broken* on the day the number of days with a state violation in the last
``window`` days reaches a threshold (sustained fighting), when a party carries
out its open-war threat, or on an exogenous shock; it is *violated* while the
window holds any violation, else *holding*. Real ceasefires survive isolated
lethal incidents (Fortna 2003), hence the window.

The cause chain of an escalation episode is kept as a base-16 code of event
types in the order they first occurred; an episode ends when the window is calm.

References
----------
.. [1] Fortna, V. P. (2003). Scraps of paper? *International Organization* 57(2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..draws import exponential_days, logistic, logit, poisson_from_uniform
from ..scatter import add_at

if TYPE_CHECKING:
    from ..parameters import Parameters
    from ..state import State, Topology
    from ..streams import Streams

EVENT_NAMES = {
    1: "spoiler_attack",
    2: "cross_border_strike",
    3: "retaliation",
    4: "jihad_decree",
    5: "talks_collapse",
    6: "open_war",
    7: "exogenous_shock",
    8: "attributed_attack",
    9: "incident",
    10: "suspension",
    11: "expiry",
}
CHAIN_BASE = 16
"""Chains are base-16 codes: one digit per event type, at most once each per episode."""
EVENT_CODES = {name: code for code, name in EVENT_NAMES.items()}

HOLDING, VIOLATED, BROKEN = 0, 1, 2
STATUS_NAMES = ("holding", "violated", "broken")


def extend_chain(chain: np.ndarray, seen: np.ndarray, event: str, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Append ``event`` to the chains selected by ``where`` unless the episode has seen it already.

    Each event type appears once per episode, at its first occurrence, so that a
    tit-for-tat spiral reads ``cross_border_strike > retaliation`` however long it ran.

    Parameters
    ----------
    chain : ndarray of int64, shape (R,)
        Base-16 codes of the episode's events so far.
    seen : ndarray of int64, shape (R,)
        Bit set of the event types in ``chain``.

    Returns
    -------
    chain, seen : the updated arrays.
    """
    if not where.any():  # events are rare: most days nothing to append
        return chain, seen
    code = EVENT_CODES[event]
    append = where & ((seen >> code) & 1 == 0)
    return np.where(append, chain * CHAIN_BASE + code, chain), np.where(append, seen | (1 << code), seen)


def decode_chain(code: int) -> str:
    """'spoiler_attack > cross_border_strike > retaliation' for a chain code; '' for 0."""
    names = []
    code = int(code)
    while code:
        names.append(EVENT_NAMES[code % CHAIN_BASE])
        code //= CHAIN_BASE
    return " > ".join(reversed(names))


def slide_window(ring: np.ndarray, total: np.ndarray, slot: int, today: np.ndarray) -> np.ndarray:
    """Put today's values in slot ``slot`` of a ring of daily values, in place; returns the new window total.

    ``ring`` has shape (W, ...) and ``total`` the shape of one slot: the sum of the ring before today.
    """
    total = total - ring[slot] + today
    ring[slot] = today
    return total


def status(alive: np.ndarray, window_count: np.ndarray) -> np.ndarray:
    """0 holding, 1 violated (holding with violations in the window), 2 broken; int8, shape (R,)."""
    return np.where(alive, np.where(window_count > 0, VIOLATED, HOLDING), BROKEN).astype(np.int8)


def window_count(ring: np.ndarray, day: int, window_days: np.ndarray | int) -> np.ndarray:
    """Days flagged in each replication's own window (the last ``window_days`` days, today included), shape (R,).

    ``ring`` (W, R) holds day d in slot d % W, W at least the longest window.
    """
    if np.ndim(window_days) == 0 and int(window_days) == ring.shape[0]:
        return ring.sum(axis=0)
    age = (day - np.arange(ring.shape[0])) % ring.shape[0]
    return (ring * (age[:, None] < np.asarray(window_days))).sum(axis=0)


def open_war_log_odds(
    baseline_prob_per_day: np.ndarray | float,
    casualty_elasticity: np.ndarray | float,
    pressure: np.ndarray,
    strikes_suffered_weight: np.ndarray | float,
    hits_30d: np.ndarray,
    distrust_weight: np.ndarray | float,
    trust_in_adversary: np.ndarray,
    talks_failed_boost: np.ndarray | float,
    talks_off: np.ndarray,
    threat_boost: np.ndarray | float,
    threatened: np.ndarray | bool,
    support_weight: np.ndarray | float,
    support_gain: np.ndarray,
    restraint: np.ndarray | float,
) -> np.ndarray:
    """Log-odds that a party chooses open war today, elementwise.

    logit P = logit(baseline) + e ln(1 + C30/ref) + w_s S30 + w_d (1 - 2 trust) + b_talks [talks off]
    + b_threat [threatened] + w_support (support - initial support) - restraint.
    """
    return (logit(baseline_prob_per_day) + casualty_elasticity * pressure + strikes_suffered_weight * hits_30d
            + distrust_weight * (1.0 - 2.0 * trust_in_adversary) + talks_failed_boost * talks_off
            + threat_boost * threatened + support_weight * support_gain - restraint)


@dataclass
class OpenWar:
    """Parties that carried out their open-war threat today, shape (P, R)."""

    declared: np.ndarray


def escalation_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                     restraint: np.ndarray) -> OpenWar:
    """Each party decides whether to go to open war today (:func:`open_war_log_odds`).

    ``restraint`` (P, R) is the mediators' restraint on violations today.
    """
    pp, ceasefire, talks, parties = parameters.parties, state.ceasefire, state.talks, state.parties
    ow = pp.open_war
    actor = topology.party_actor
    log_odds = open_war_log_odds(
        ow.baseline_prob_per_day, ow.casualty_elasticity, parties.pressure, ow.strikes_suffered_weight,
        parties.hits_30d, ow.distrust_weight, state.trust.mean(actor, actor[topology.adversary]),
        ow.talks_failed_boost, ~talks.active & ~talks.agreement, ow.threat_boost, pp.war_threatened[:, None],
        ow.support_weight, parties.support - pp.domestic.initial_support, restraint)
    declared = ceasefire.alive & (uniforms.rows("open_war", topology.party_ids) < logistic(log_odds))
    anyone = declared.any(axis=0)
    if anyone.any():
        ceasefire.open_war_today |= anyone
        ceasefire.open_war_by = np.where(anyone & (ceasefire.open_war_by < 0), np.argmax(declared, axis=0),
                                         ceasefire.open_war_by)
    return OpenWar(declared=declared)


@dataclass
class IncidentsToday:
    """Today's incidents.

    Attributes
    ----------
    occurred : ndarray of bool, shape (I, R)
    casualties : ndarray of int64, shape (I, R)
    counted_as_violation : ndarray of bool, shape (R,)
        An incident that counts as a violation happened.
    suspended, resumed : ndarray of bool, shape (R,)
        The ceasefire was suspended today; it resumed today.
    """

    occurred: np.ndarray
    casualties: np.ndarray
    counted_as_violation: np.ndarray
    suspended: np.ndarray
    resumed: np.ndarray


def incident_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int
                   ) -> IncidentsToday:
    """Incidents happen at their daily rates; the victim may suspend the ceasefire; suspensions end when due.

    A suspension lasts an exponential number of days of mean ``resumption_days``
    (:func:`~sim.model.draws.exponential_days`); while it lasts the agreement's
    restraint lapses and talks pause (:mod:`.talks`, :mod:`.mediation`).
    """
    ceasefire, inc = state.ceasefire, parameters.incidents
    alive = ceasefire.alive
    resumed = ceasefire.suspended & (ceasefire.resume_day == day)
    ceasefire.suspended &= ~resumed
    n = alive.size
    if not inc.ids:
        none = np.zeros(n, dtype=bool)
        return IncidentsToday(occurred=np.zeros((0, n), dtype=bool), casualties=np.zeros((0, n), dtype=np.int64),
                              counted_as_violation=none, suspended=none, resumed=resumed)
    numbers = inc.numbers
    occurred = alive & (uniforms.rows("incident", inc.ids) < numbers.rate_per_day)
    casualties = poisson_from_uniform(uniforms.rows("incident_casualties", inc.ids), occurred * numbers.casualties_mean)
    add_at(state.parties.casualties_suffered, inc.victim, casualties)
    suspends = occurred & (uniforms.rows("suspension", inc.ids) < numbers.suspension_prob)
    lasts = exponential_days(uniforms.rows("resumption", inc.ids), numbers.resumption_days)
    newly = suspends.any(axis=0) & ~ceasefire.suspended
    longest = np.where(suspends, lasts, 0).max(axis=0)
    ceasefire.resume_day = np.where(newly, day + longest, ceasefire.resume_day)
    ceasefire.suspended |= newly
    counted = (occurred & inc.counts_as_violation[:, None]).any(axis=0)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "incident",
                                                         counted | newly)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "suspension", newly)
    return IncidentsToday(occurred=occurred, casualties=casualties, counted_as_violation=counted, suspended=newly,
                          resumed=resumed)


def expiry_due(state: State, parameters: Parameters, uniforms: Streams, day: int) -> np.ndarray:
    """Where the ceasefire expires today: due, no deal signed, and not extended; extended ones move their day."""
    ceasefire = state.ceasefire
    due = ceasefire.alive & ~state.talks.agreement & (ceasefire.expiry_day == day)
    if not due.any():
        return due
    expiry = parameters.expiry
    extended = due & (uniforms["extension"] < expiry.extension_prob)
    ceasefire.expiry_day = np.where(extended, day + expiry.extension_days, ceasefire.expiry_day)
    return due & ~extended


@dataclass
class Breakdown:
    """The ceasefire at the end of the day.

    Attributes
    ----------
    violation_events : ndarray of int64, shape (R,)
        Strikes, retaliations, attacks and incidents counted as violations today, in replications alive this
        morning.
    broken : ndarray of bool, shape (R,)
        Ended today (broke down, or expired).
    expired : ndarray of bool, shape (R,)
        Expired today without extension.
    status : ndarray of int8, shape (R,)
        HOLDING, VIOLATED or BROKEN tonight.
    """

    violation_events: np.ndarray
    broken: np.ndarray
    expired: np.ndarray
    status: np.ndarray


def breakdown_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                    strikes: np.ndarray, retaliations: np.ndarray, attacks_counted: np.ndarray,
                    incidents_counted: np.ndarray | None = None) -> Breakdown:
    """Count violations, credit compliance, slide the window and decide whether the ceasefire broke down.

    ``strikes`` and ``retaliations`` (P, R) are the parties' state violations today;
    ``attacks_counted`` (R,) marks armed-group attacks that count as violations (an
    ``attributed_attack`` link) and ``incidents_counted`` (R,) incidents that do (their
    ``incident`` link is set by :func:`incident_phase`). A ceasefire that expires
    (:func:`expiry_due`) ends too, with ``expiry`` closing its chain.
    """
    ceasefire = state.ceasefire
    alive = ceasefire.alive
    violated = strikes | retaliations
    # Each party sees every other that kept the ceasefire today.
    observer, observed = topology.compliance_pairs
    state.trust.observe(topology.party_actor[observer], topology.party_actor[observed],
                        cooperation=parameters.learning.compliance_evidence_per_day * (alive & ~violated[observed]))
    if incidents_counted is None:
        incidents_counted = np.zeros_like(attacks_counted)
    violation_events = (strikes.sum(axis=0) + retaliations.sum(axis=0) + attacks_counted + incidents_counted) * alive
    ring = ceasefire.violation_ring
    ring[day % ring.shape[0]] = (violated.any(axis=0) | attacks_counted | incidents_counted) & alive
    ceasefire.violation_days = window_count(ring, day, parameters.breakdown_window_days)
    shock = alive & (uniforms["shock"] < parameters.background_breakdown_prob_per_day)
    expired = expiry_due(state, parameters, uniforms, day)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "expiry", expired)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "attributed_attack",
                                                         attacks_counted & alive)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "open_war",
                                                         ceasefire.open_war_today & alive)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "exogenous_shock",
                                                         shock)
    sustained = ceasefire.violation_days >= parameters.breakdown_violation_days
    broken = alive & (sustained | shock | ceasefire.open_war_today | expired)
    ceasefire.breakdown_day = np.where(broken, day, ceasefire.breakdown_day)
    ceasefire.cause = np.where(broken, ceasefire.chain, ceasefire.cause)
    calm = alive & ~broken & (ceasefire.violation_days == 0)
    ceasefire.chain = np.where(calm, 0, ceasefire.chain)
    ceasefire.chain_seen = np.where(calm, 0, ceasefire.chain_seen)
    ceasefire.alive = alive & ~broken
    return Breakdown(violation_events=violation_events, broken=broken, expired=expired,
                     status=status(ceasefire.alive, ceasefire.violation_days))
