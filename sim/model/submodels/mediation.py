"""Mediators: who is at the table, and how they restrain violence and shape talks.

A mediator's influence on a party is scaled by that party's trust in it: a
mediator is effective only when credible to the side it must move (Kydd 2003).
Styles follow Touval and Zartman (1985): facilitators improve communication
(fewer walk-outs, trust built in talks), formulators propose deals that trade
issues by the parties' priorities, manipulators use leverage to push acceptance.
Leverage, monitoring and inducements conditional on compliance restrain
violations (Beardsley 2008; Fortna 2003). Several mediators of the same kind
combine as a noisy-or: 1 - prod(1 - s_m).

References
----------
.. [1] Kydd, A. (2003). Which side are you on? Bias, credibility, and mediation.
       *AJPS* 47(4), 597-611.
.. [2] Touval, S. and Zartman, I. W. (1985). *International Mediation in Theory
       and Practice*. Westview.
.. [3] Beardsley, K. (2008). Agreement without peace? *AJPS* 52(4), 723-740.
.. [4] Werner, S. and Yuen, A. (2005). Making and keeping peace. *International
       Organization* 59(2), 261-292.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..draws import exponential_days

if TYPE_CHECKING:
    from ..parameters import Parameters
    from ..state import State, Topology
    from ..streams import Streams


def noisy_or(strengths: np.ndarray, axis: int = 0) -> np.ndarray:
    """Combined share 1 - prod(1 - s) over ``axis``; strengths in [0, 1]."""
    return 1.0 - np.prod(1.0 - strengths, axis=axis)


def restraint_log_odds(
    engaged: np.ndarray,
    leverage: np.ndarray,
    trust_in_mediators: np.ndarray,
    monitoring_share: np.ndarray,
    inducement_at_stake: np.ndarray,
    agreement: np.ndarray,
    leverage_restraint: np.ndarray | float,
    monitoring_restraint: np.ndarray | float,
    inducement_restraint: np.ndarray | float,
    agreement_restraint: np.ndarray | float,
) -> np.ndarray:
    """Fall in a party's log-odds of violating today, shape (R,) (or (P, R) for stacked parties).

    Parameters
    ----------
    engaged : ndarray of bool, shape (M, R)
    leverage : ndarray, shape (M, R) or (M, 1)
    trust_in_mediators : ndarray, shape (M, R), or (P, M, R) for stacked parties
        The party's trust in each mediator.
    monitoring_share : ndarray, shape (R,)
        Combined monitoring of engaged mediators, in [0, 1].
    inducement_at_stake : ndarray, shape (R,)
        Value of conditional inducements the party would lose [utility].
    agreement : ndarray, shape (R,)
        Strength of the ceasefire or deal in force, in [0, 1] (Fortna 2003): a vague truce restrains
        less than a detailed, monitored agreement.
    """
    credible_leverage = (engaged * leverage * trust_in_mediators).sum(axis=-2) if engaged.size else 0.0
    return (
        leverage_restraint * credible_leverage
        + monitoring_restraint * monitoring_share
        + inducement_restraint * inducement_at_stake
        + agreement_restraint * agreement
    )


def joins(
    uniform: np.ndarray,
    engaged: np.ndarray,
    stalled_rounds: np.ndarray,
    join_after_stalled_rounds: int | None,
    join_prob: np.ndarray | float,
    eligible: np.ndarray,
) -> np.ndarray:
    """True where a mediator not yet engaged joins after this stalled round.

    For one mediator, ``join_after_stalled_rounds`` is an int or None (never) and
    the result has shape (R,); for stacked mediators it is an array (M,), (M, 1) or
    (M, R) with -1 for never, ``uniform`` and ``engaged`` are (M, R), and so is the result.
    """
    if join_after_stalled_rounds is None:
        return np.zeros_like(engaged)
    after = np.asarray(join_after_stalled_rounds)
    may_join = after >= 0
    if after.ndim == 1:
        after, may_join = after[:, None], may_join[:, None]
    return may_join & eligible & ~engaged & (stalled_rounds >= after) & (uniform < join_prob)


@dataclass
class Presence:
    """Who is at the table this morning and what they bring.

    Attributes
    ----------
    engaged : ndarray of bool, shape (M, R)
        A snapshot: mediators joining later today do not count until tomorrow.
    leverage : ndarray, shape (M, R)
    monitoring : ndarray, shape (R,)
        Combined monitoring of the engaged mediators (noisy-or), in [0, 1].
    """

    engaged: np.ndarray
    leverage: np.ndarray
    monitoring: np.ndarray


def presence(state: State, parameters: Parameters) -> Presence:
    """The mediators' presence now."""
    engaged = state.mediators.engaged.copy()
    core = parameters.mediators.core
    return Presence(engaged=engaged, leverage=core.leverage, monitoring=noisy_or(engaged * core.monitoring))


def engagement_phase(state: State, parameters: Parameters, day: int) -> np.ndarray:
    """Mediators whose engagement starts today join where the ceasefire holds; returns who joined (M, R)."""
    starting = parameters.mediators.engaged_from_day == day
    if not starting.any():
        return np.zeros_like(state.mediators.engaged)
    joined = starting & state.ceasefire.alive & ~state.mediators.engaged
    state.mediators.engaged |= joined
    return joined


def inducement_scale(priorities: np.ndarray, inducement_issue: np.ndarray) -> np.ndarray:
    """How much each party values each mediator's inducement, shape (P, M).

    The party's priority on the inducement's issue over its top priority; 0 for
    inducements tied to no issue.
    """
    top = priorities.max(axis=1, keepdims=True)
    tied = inducement_issue >= 0
    weight = priorities[:, np.where(tied, inducement_issue, 0)]
    return np.where(tied[None, :] & (top > 0), weight / np.where(top > 0, top, 1.0), 0.0)


def inducement_value(engaged: np.ndarray, value: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Inducements on offer to each party [utility], shape (P, R): sum_m engaged_m v_m scale_pm."""
    return (engaged[None] * value[None] * scale[:, :, None]).sum(axis=1)


def trust_in_mediators(state: State, topology: Topology) -> np.ndarray:
    """Each party's trust in each mediator, shape (P, M, R)."""
    return state.trust.mean(topology.party_actor[:, None], topology.mediator_actor[None, :])


def restraint_phase(state: State, parameters: Parameters, topology: Topology, now: Presence) -> np.ndarray:
    """Fall in each party's log-odds of violating today, shape (P, R) (see :func:`restraint_log_odds`)."""
    mp, effects = parameters.mediators, parameters.mediation
    scale = inducement_scale(parameters.parties.priorities, mp.inducement_issue) * mp.inducement_conditional
    at_stake = inducement_value(now.engaged, mp.inducement.value, scale)
    credible = trust_in_mediators(state, topology)
    # A suspended ceasefire restrains nothing until it resumes.
    strength = np.where(state.talks.agreement, parameters.talks.agreement_strength, parameters.ceasefire_strength) * (
        ~state.ceasefire.suspended)
    return restraint_log_odds(
        now.engaged[None], now.leverage[None], credible, now.monitoring, at_stake, strength,
        effects.leverage_restraint, effects.monitoring_restraint, effects.inducement_restraint,
        effects.agreement_restraint)


def restart_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int | np.ndarray,
                  collapsed: np.ndarray, engaged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Engaged mediators try to re-open collapsed talks; the one that would do so soonest wins.

    Each mediator engaged at the collapse re-opens the talks with probability
    restart_prob x fatigue^(c - 1) (c: collapses so far, this one included),
    after a delay ceil(-d ln(1 - u)) of mean d = restart_delay_days: talks may
    re-open at any later time, after every collapse. Ties go to the first in
    file order. Returns the replications re-opened (R,) and the day of their next
    round (R,; -1 elsewhere).
    """
    mp = parameters.mediators
    # Only replications that collapsed use it: elsewhere the exponent may be -1 (and fatigue 0).
    fatigue = np.power(parameters.talks.restart_fatigue, np.maximum(state.talks.collapses - 1, 0))
    succeeds = collapsed & engaged & (
        uniforms.rows("restart", topology.mediator_ids) < mp.last_ditch.restart_prob * fatigue)
    restarted = succeeds.any(axis=0)
    if not restarted.any():
        return restarted, np.full(restarted.shape, -1, dtype=np.int64)
    delay = exponential_days(uniforms.rows("restart_delay", topology.mediator_ids), mp.last_ditch.restart_delay_days)
    first = np.argmin(np.where(succeeds, delay, np.iinfo(np.int64).max), axis=0)
    columns = np.arange(first.size)
    state.talks.new_venue |= restarted & mp.restart_new_venue[first]
    return restarted, np.where(restarted, day + delay[first, columns], -1)

