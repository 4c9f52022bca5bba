"""Armed groups: their attacks, their sanctuary, recruitment and the host's crackdown.

Groups attack their target at a Poisson rate set by their capacity, the
sanctuary left to them and their incentive to spoil: the rate rises with
progress in the talks, as spoilers strike when a deal looms (Kydd and Walter
2002; Stedman 1997). The target blames the host for each attack, less what
monitoring clears up. Strikes on the host destroy sanctuary, which recovers;
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

from dataclasses import dataclass

import numpy as np

from ..scatter import add_at, or_at
from ..draws import poisson_from_uniform
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
) -> np.ndarray:
    """Expected attacks today [attacks/day], shape of ``sanctuary``.

    rate = base * sanctuary * (1 + spoiler_sensitivity * progress)
           * (decree_multiplier if decree else 1) * (1 + recruitment)
    """
    multiplier = np.where(decree_active, decree_multiplier, 1.0)
    return attack_rate_per_day * sanctuary * (1.0 + spoiler_sensitivity * talk_progress) * multiplier * (1.0 + recruitment)


def attacks_and_casualties(
    u_attacks: np.ndarray,
    u_casualties: np.ndarray,
    expected_attacks: np.ndarray,
    casualties_per_attack: np.ndarray | float,
    active: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Attack counts and their casualties, both Poisson by inversion; zero where not ``active``.

    Returns
    -------
    attacks, casualties : ndarray of int64, shape of ``u_attacks``
    """
    attacks = poisson_from_uniform(u_attacks, np.where(active, expected_attacks, 0.0))
    casualties = poisson_from_uniform(u_casualties, attacks * casualties_per_attack)
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
    counted_as_violation : ndarray of bool, shape (R,)
        Some attack counts as a violation (when the ceasefire's rules say so).
    """

    attacks: np.ndarray
    casualties: np.ndarray
    counted_as_violation: np.ndarray


def attack_phase(state: State, parameters: Parameters, topology: Topology, uniforms: Streams, day: int,
                 monitoring: np.ndarray) -> Attacks:
    """Groups attack their targets; each target counts its casualties and blames the host.

    ``monitoring`` (R,) is the combined monitoring of engaged mediators, which
    clears up who attacked and so lowers the blame on the host.
    """
    groups, gp, parties = state.groups, parameters.groups, state.parties
    alive = state.ceasefire.alive
    rate = attack_rate(gp.attack_rate_per_day, groups.sanctuary, state.talks.progress, gp.spoiler_sensitivity,
                       parties.decree[topology.host], gp.decree_multiplier, groups.recruitment)
    attacks, casualties = attacks_and_casualties(
        uniforms.rows("attacks", topology.group_ids), uniforms.rows("attack_casualties", topology.group_ids),
        rate, gp.casualties_per_attack, alive)
    add_at(parties.casualties_suffered, topology.target, casualties)
    hurt = np.zeros(parties.casualties_suffered.shape, dtype=bool)
    or_at(hurt, topology.target, casualties > 0)
    parties.last_attacked_day[hurt] = day
    state.trust.observe(topology.party_actor[topology.target], topology.party_actor[topology.host],
                        hostility=parameters.learning.attack_attribution * attacks * (1.0 - monitoring))
    if parameters.spoiler_attacks_are_violations:
        counted = (attacks > 0).any(axis=0)
    else:
        counted = np.zeros(alive.shape, dtype=bool)
    return Attacks(attacks=attacks, casualties=casualties, counted_as_violation=counted)


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
