"""Violations, the status of the ceasefire, and the chain of events that broke it.

A state violation is a cross-border strike or a retaliation. The ceasefire is
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

import numpy as np

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
