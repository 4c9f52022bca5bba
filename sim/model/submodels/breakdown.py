"""Breakdown: open war, violations, the status of the ceasefire, and the chain of events that broke it.

A party that threatened open war may carry the threat out within a decision
window after talks collapse with no restart, at a constant daily hazard h with
1 - (1 - h)^window = the probability of carrying it out. A state violation is a
cross-border strike or a retaliation. The ceasefire is
*broken* on the day the number of days with a state violation in the last
``window`` days reaches a threshold (sustained fighting), when a party carries
out its open-war threat, or on an exogenous shock; it is *violated* while the
window holds any violation, else *holding*. Real ceasefires survive isolated
lethal incidents (Fortna 2003), hence the window.

The cause chain of an escalation episode is kept as a base-8 code of event
types in the order they first occurred; an episode ends when the window is calm.

References
----------
.. [1] Fortna, V. P. (2003). Scraps of paper? *International Organization* 57(2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

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
}
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
        Base-8 codes of the episode's events so far.
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
    return np.where(append, chain * 8 + code, chain), np.where(append, seen | (1 << code), seen)


def decode_chain(code: int) -> str:
    """'spoiler_attack > cross_border_strike > retaliation' for a chain code; '' for 0."""
    names = []
    code = int(code)
    while code:
        names.append(EVENT_NAMES[code % 8])
        code //= 8
    return " > ".join(reversed(names))


def update_window(ring: np.ndarray, count: np.ndarray, slot: int, today: np.ndarray) -> np.ndarray:
    """Slide the violation window by one day, in place; returns the new count.

    ``ring`` has shape (window, R); ``slot`` is day % window.
    """
    count = count - ring[slot] + today
    ring[slot] = today
    return count


def status(alive: np.ndarray, window_count: np.ndarray) -> np.ndarray:
    """0 holding, 1 violated (holding with violations in the window), 2 broken; int8, shape (R,)."""
    return np.where(alive, np.where(window_count > 0, VIOLATED, HOLDING), BROKEN).astype(np.int8)


def open_war_hazard(declare_prob: np.ndarray | float, window_days: np.ndarray | int) -> np.ndarray:
    """Daily hazard h with 1 - (1 - h)^window = ``declare_prob``: the threat's odds spread evenly over the window."""
    return 1.0 - np.power(1.0 - np.asarray(declare_prob, dtype=float), 1.0 / window_days)


@dataclass
class OpenWar:
    """Parties that carried out their open-war threat today, shape (P, R)."""

    declared: np.ndarray


def escalation_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int
                     ) -> OpenWar:
    """Within the window after a collapse with no restart, a party that threatened open war may declare it."""
    pp, ceasefire, talks = parameters.parties, state.ceasefire, state.talks
    hazard = open_war_hazard(pp.open_war.declare_prob_on_collapse, pp.war_decision_window_days[:, None])
    eligible = (pp.war_threatened[:, None] & ceasefire.alive & ~talks.active & ~talks.agreement
                & (day <= state.parties.threat_deadline))
    if not eligible.any():
        return OpenWar(declared=eligible)
    declared = eligible & (uniforms.rows("open_war", topology.party_ids) < hazard)
    anyone = declared.any(axis=0)
    if anyone.any():
        ceasefire.open_war_today |= anyone
        ceasefire.open_war_by = np.where(anyone & (ceasefire.open_war_by < 0), np.argmax(declared, axis=0),
                                         ceasefire.open_war_by)
        # A calm spell since the collapse may have cleared the chain: restore its first link.
        ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "talks_collapse",
                                                             anyone)
    return OpenWar(declared=declared)


@dataclass
class Breakdown:
    """The ceasefire at the end of the day.

    Attributes
    ----------
    violation_events : ndarray of int64, shape (R,)
        Strikes, retaliations and attacks counted as violations today, in replications alive this morning.
    broken : ndarray of bool, shape (R,)
        Broke down today.
    status : ndarray of int8, shape (R,)
        HOLDING, VIOLATED or BROKEN tonight.
    """

    violation_events: np.ndarray
    broken: np.ndarray
    status: np.ndarray


def breakdown_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                    strikes: np.ndarray, retaliations: np.ndarray, attacks_counted: np.ndarray) -> Breakdown:
    """Count violations, credit compliance, slide the window and decide whether the ceasefire broke down.

    ``strikes`` and ``retaliations`` (P, R) are the parties' state violations today;
    ``attacks_counted`` (R,) marks armed-group attacks that count as violations.
    """
    ceasefire = state.ceasefire
    alive = ceasefire.alive
    violated = strikes | retaliations
    # Each party sees every other that kept the ceasefire today.
    observer, observed = topology.compliance_pairs
    state.trust.observe(topology.party_actor[observer], topology.party_actor[observed],
                        cooperation=parameters.learning.compliance_evidence_per_day * (alive & ~violated[observed]))
    violation_events = (strikes.sum(axis=0) + retaliations.sum(axis=0) + attacks_counted) * alive
    ceasefire.violation_days = update_window(ceasefire.violation_ring, ceasefire.violation_days,
                                             day % ceasefire.violation_ring.shape[0], violated.any(axis=0) & alive)
    shock = alive & (uniforms["shock"] < parameters.background_breakdown_prob_per_day)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "open_war",
                                                         ceasefire.open_war_today & alive)
    ceasefire.chain, ceasefire.chain_seen = extend_chain(ceasefire.chain, ceasefire.chain_seen, "exogenous_shock",
                                                         shock)
    sustained = ceasefire.violation_days >= parameters.breakdown_violation_days
    broken = alive & (sustained | shock | ceasefire.open_war_today)
    ceasefire.breakdown_day = np.where(broken, day, ceasefire.breakdown_day)
    ceasefire.cause = np.where(broken, ceasefire.chain, ceasefire.cause)
    calm = alive & ~broken & (ceasefire.violation_days == 0)
    ceasefire.chain = np.where(calm, 0, ceasefire.chain)
    ceasefire.chain_seen = np.where(calm, 0, ceasefire.chain_seen)
    ceasefire.alive = alive & ~broken
    return Breakdown(violation_events=violation_events, broken=broken,
                     status=status(ceasefire.alive, ceasefire.violation_days))
