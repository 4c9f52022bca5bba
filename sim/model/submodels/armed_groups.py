"""Armed groups: their attacks, their sanctuary, recruitment and the host's crackdown.

Groups are agents with their own stakes and beliefs. Each attacks its target
at a rate set by its capacity and the sanctuary left to it, raised by its
incentive to spoil: progress in the talks, the days around a signing (spoilers
strike when a deal looms; Kydd and Walter 2002; Stedman 1997), its stakes
traded away by the proposal on the table, and the trust in its host it has
lost (a host that cracks down on it). Daily attack counts are negative
binomial, and casualties per attack too, with a long tail of mass-casualty
attacks; both by inversion of one uniform. The target blames the host for
each attack, less what monitoring clears up; when the ceasefire's rules say
so, attacks the target attributes to the host are the host's violations. Strikes on the host destroy sanctuary, which recovers;
civilian casualties in the host country drive recruitment. After an agreement
the host carries out the agreed crackdown with a daily probability that falls
with its ideological alignment with the group, unless regional pressure offsets
it; each day of crackdown lowers the group's capacity for good.

References
----------
.. [1] Kydd, A. and Walter, B. F. (2002). Sabotaging the peace: the politics of
       extremist violence. *International Organization* 56(2), 263-296.
.. [2] Stedman, S. J. (1997). Spoiler problems in peace processes.
       *International Security* 22(2), 5-53.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..scatter import add_at
from ..draws import negbin_from_uniform, negbin_sum_from_uniform, poisson_from_uniform
from ..parameters import Parameters
from ..state import State, Topology
from ..streams import Streams
from .domestic import decay


def attack_rate(
    attack_rate_per_day: np.ndarray | float,
    sanctuary: np.ndarray,
    talk_progress: np.ndarray,
    spoiler_sensitivity: np.ndarray | float,
    decree_active: np.ndarray,
    decree_multiplier: np.ndarray | float,
    recruitment: np.ndarray,
    tempo: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Expected attacks today [attacks/day], shape of ``sanctuary``.

    rate = base * sanctuary * (1 + spoiler_sensitivity * progress)
           * (decree_multiplier if decree else 1) * (1 + recruitment) * tempo,
    ``tempo`` the group's own motives (:func:`tempo`).
    """
    multiplier = np.where(decree_active, decree_multiplier, 1.0)
    return (attack_rate_per_day * sanctuary * (1.0 + spoiler_sensitivity * talk_progress) * multiplier
            * (1.0 + recruitment) * tempo)


def stakes_lost(offer: np.ndarray, positions: np.ndarray, priorities: np.ndarray) -> np.ndarray:
    """Each group's stakes traded away by an offer, sum_k w_gk |o_k - x_gk| over its issues, shape (G, R), in [0, 1].

    ``offer`` (K, R) is NaN before any round (nothing traded yet: 0); ``positions`` (G, K) NaN where the group
    states none.
    """
    gap = np.abs(offer[None, :, :] - positions[:, :, None])
    return np.nansum(priorities[:, :, None] * np.where(np.isnan(gap), 0.0, gap), axis=1)


def tempo(grievance_sensitivity: np.ndarray | float, stakes_lost: np.ndarray, betrayal_sensitivity: np.ndarray | float,
          trust_lost: np.ndarray, signing_surge: np.ndarray | float, near_signing: np.ndarray) -> np.ndarray:
    """The group's own motives as a rate multiplier, elementwise.

    (1 + g * stakes lost) (1 + b * max(0, trust lost in the host)) (1 + s * nearness to a signing).
    """
    return ((1.0 + grievance_sensitivity * stakes_lost) * (1.0 + betrayal_sensitivity * np.maximum(0.0, trust_lost))
            * (1.0 + signing_surge * near_signing))


def near_signing(agreement: np.ndarray, agreement_day: np.ndarray, active: np.ndarray, next_round_day: np.ndarray,
                 progress: np.ndarray, day: int, window_days: np.ndarray) -> np.ndarray:
    """How near a signing today is, shape (G, R), in [0, 1].

    1 within the window after an agreement; before one, progress while a round is due within the window.
    """
    after = agreement & (day - agreement_day < window_days)
    before = ~agreement & active & (next_round_day >= day) & (next_round_day - day < window_days)
    return np.where(after, 1.0, np.where(before, progress, 0.0))


def attacks_and_casualties(
    u_attacks: np.ndarray,
    u_casualties: np.ndarray,
    expected_attacks: np.ndarray,
    casualties_per_attack: np.ndarray | float,
    active: np.ndarray,
    attack_dispersion: Sequence[Any] | None = None,
    casualty_dispersion: Sequence[Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Attack counts and their casualties by inversion; zero where not ``active``.

    Counts are negative binomial with each group's dispersion r_a (Poisson where
    None); casualties of n attacks are negative binomial of shape n r_c and mean
    n mu_c, the sum of n attacks' casualties (Poisson where r_c is None).

    Returns
    -------
    attacks, casualties : ndarray of int64, shape of ``u_attacks`` (G, R)
    """
    n_groups = u_attacks.shape[0]
    attack_dispersion = list(attack_dispersion or [None] * n_groups)
    casualty_dispersion = list(casualty_dispersion or [None] * n_groups)
    mean = np.broadcast_to(np.where(active, expected_attacks, 0.0), u_attacks.shape)
    per_attack = np.broadcast_to(casualties_per_attack, u_attacks.shape)
    if all(d is None for d in attack_dispersion + casualty_dispersion):
        attacks = poisson_from_uniform(u_attacks, mean)
        return attacks, poisson_from_uniform(u_casualties, attacks * per_attack)
    attacks = np.empty(u_attacks.shape, dtype=np.int64)
    casualties = np.empty(u_attacks.shape, dtype=np.int64)
    each = np.asarray(casualties_per_attack, dtype=float)
    for g in range(n_groups):
        attacks[g] = negbin_from_uniform(u_attacks[g], mean[g], attack_dispersion[g])
        # One number per group when the mean is not drawn per replication: the table path.
        mean_each = each[g, 0] if each.ndim == 2 and each.shape[1] == 1 else per_attack[g]
        casualties[g] = negbin_sum_from_uniform(u_casualties[g], attacks[g], mean_each, casualty_dispersion[g])
    return attacks, casualties


def crackdown_willingness(crackdown_level: np.ndarray, ideological_alignment: np.ndarray | float,
                          host_regional_pressure: np.ndarray | float) -> np.ndarray:
    """Daily probability that the host carries out the agreed crackdown.

    level * (1 - alignment * (1 - regional pressure)): an aligned host balks
    unless its neighbours press it.
    """
    return crackdown_level * (1.0 - ideological_alignment * (1.0 - host_regional_pressure))


def crackdown_cost(ideological_alignment: np.ndarray | float, host_regional_pressure: np.ndarray | float
                   ) -> np.ndarray:
    """The host's cost [utility per unit of the crackdown issue] of agreeing to act against an aligned group."""
    return ideological_alignment * (1.0 - host_regional_pressure)


@dataclass
class Attacks:
    """What the armed groups did today.

    Attributes
    ----------
    attacks, casualties : ndarray of int64, shape (G, R)
    attributed : ndarray of bool, shape (G, R)
        The target holds the host responsible for the group's attacks today.
    counted_as_violation : ndarray of bool, shape (R,)
        Some attack counts as the host's violation (when the ceasefire's rules say so).
    provoked : ndarray of bool, shape (P, R)
        Attacks on the party today exceeded its usual level by the provocation ratio.
    """

    attacks: np.ndarray
    casualties: np.ndarray
    attributed: np.ndarray
    counted_as_violation: np.ndarray
    provoked: np.ndarray


USUAL_LEVEL_HALF_LIFE_DAYS = 30.0
"""Half-life of the moving average that sets a party's usual daily attack casualties."""


def attack_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                 monitoring: np.ndarray) -> Attacks:
    """Groups attack their targets; each target counts its casualties, blames the host, and may attribute.

    ``monitoring`` (R,) is the combined monitoring of engaged mediators, which
    clears up who attacked and so lowers the blame on the host and the chance
    that an attack is attributed to it.
    """
    groups, gp, parties, talks = state.groups, parameters.groups, state.parties, state.talks
    extras = parameters.group_extras
    alive = state.ceasefire.alive
    host_actor = topology.party_actor[topology.host]
    trust_lost = state.trust.prior(topology.group_actor, host_actor) - state.trust.mean(topology.group_actor,
                                                                                         host_actor)
    motive = tempo(gp.grievance_sensitivity, stakes_lost(talks.last_offer, extras.positions, extras.priorities),
                   gp.betrayal_sensitivity, trust_lost, gp.signing_surge,
                   near_signing(talks.agreement, talks.agreement_day, talks.active, talks.next_round_day,
                                talks.progress, day, extras.signing_window_days))
    rate = attack_rate(gp.attack_rate_per_day, groups.sanctuary, talks.progress, gp.spoiler_sensitivity,
                       parties.decree[topology.host], gp.decree_multiplier, groups.recruitment, motive)
    attacks, casualties = attacks_and_casualties(
        uniforms.rows("attacks", topology.group_ids), uniforms.rows("attack_casualties", topology.group_ids),
        rate, gp.casualties_per_attack, alive, extras.attack_dispersion, extras.casualty_dispersion)
    add_at(parties.casualties_suffered, topology.target, casualties)
    today = np.zeros(parties.usual_attack_casualties.shape)
    add_at(today, topology.target, casualties)
    provoked = today > parameters.provocation_ratio * parties.usual_attack_casualties
    parties.last_provocation_day = np.where(provoked, day, parties.last_provocation_day)
    parties.usual_attack_casualties = parties.usual_attack_casualties + (today - parties.usual_attack_casualties) * (
        1.0 - 0.5 ** (1.0 / USUAL_LEVEL_HALF_LIFE_DAYS))
    state.trust.observe(topology.party_actor[topology.target], host_actor,
                        hostility=parameters.learning.attack_attribution * attacks * (1.0 - monitoring))
    attributed = (attacks > 0) & (uniforms.rows("attribution", topology.group_ids) < 1.0 - np.power(
        1.0 - parameters.attribution_prob_per_attack * (1.0 - monitoring), attacks))
    rule = parameters.attacks_count_as_violations
    if rule == "always":
        counted = (attacks > 0).any(axis=0) & alive
    elif rule == "attributed":
        counted = attributed.any(axis=0) & alive
    else:
        counted = np.zeros(alive.shape, dtype=bool)
    return Attacks(attacks=attacks, casualties=casualties, attributed=attributed, counted_as_violation=counted,
                   provoked=provoked)


@dataclass
class Crackdowns:
    """Days of crackdown carried out today by each group's host, shape (G, R)."""

    carried_out: np.ndarray


def sanctuary_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int
                    ) -> Crackdowns:
    """Strike damage heals, backlash recruits, and an agreed crackdown is carried out (or not)."""
    groups, gp, pp = state.groups, parameters.groups, parameters.parties
    host = topology.host
    groups.damage = decay(groups.damage, gp.sanctuary_recovery_half_life_days)
    groups.recruitment = decay(groups.recruitment, pp.domestic.resentment_half_life_days[host]) + (
        gp.recruitment_per_civilian_casualty * state.parties.civilians_suffered[host])
    has_crackdown = (parameters.group_crackdown_issue >= 0)[:, None]
    willingness = crackdown_willingness(groups.crackdown_level, gp.ideological_alignment,
                                        pp.core.regional_pressure[host])
    due = has_crackdown & state.ceasefire.alive & state.talks.agreement
    if not due.any():
        return Crackdowns(carried_out=due)
    done = due & (uniforms.rows("crackdown", topology.group_ids) < willingness)
    groups.capacity = groups.capacity * (1.0 - gp.crackdown_effect_per_day * done)
    learning = parameters.learning
    state.trust.observe(topology.party_actor[topology.target], topology.party_actor[host],
                        cooperation=learning.kept_commitment_evidence * done)
    # The group sees its host turn on it: hostile evidence, weighted like a violation.
    state.trust.observe(topology.group_actor, topology.party_actor[host], hostility=learning.violation_evidence * done)
    return Crackdowns(carried_out=done)
