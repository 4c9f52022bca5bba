"""The model's state, explicit and stacked by actor kind, and the topology that links the actors.

Every quantity that changes during a run lives here, as numpy arrays whose
last axis is the replication axis (length R): parties (P, R), armed groups
(G, R), mediators (M, R), the ceasefire and the talks (R). Submodels read and
update this state; nothing else holds any.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.schema import ArmedGroup, Mediator, Party, Scenario
from .parameters import Parameters, ParameterSampler
from .trust import TrustLedger

NEVER = -(10**9)
"""Day of an event that has not happened, where comparisons with recent days must fail."""


@dataclass(frozen=True)
class Topology:
    """Who is who: actor ids by kind and the links between actors, as index arrays.

    Attributes
    ----------
    actor_ids : list of str
        All actors in file order; the index of an actor in this list is its row in the trust ledger.
    party_ids, group_ids, mediator_ids : list of str
        Actors of each kind, in file order.
    party_actor, group_actor, mediator_actor : ndarray of int, shapes (P,), (G,), (M,)
        Each actor's index in ``actor_ids``.
    adversary : ndarray of int, shape (P,)
        Each party's adversary, as a party index.
    host, target : ndarray of int, shape (G,)
        Each armed group's host and target, as party indices.
    issue_ids : list of str
    group_strikers : ndarray of int, shape (S, G)
        For each group, the parties whose strikes hit its host (those whose adversary is the host), in
        file order, padded with -1; S is the largest number of such parties (1 with two parties).
    compliance_pairs : tuple of two ndarray of int, shape (P (P - 1),)
        (observer, observed) party indices of every ordered pair of distinct parties.
    negotiator_pairs : tuple of two ndarray of int
        (observer actor index, observed party index): every negotiator (party or mediator) watching
        every other party at the table.
    """

    actor_ids: list[str]
    party_ids: list[str]
    group_ids: list[str]
    mediator_ids: list[str]
    party_actor: np.ndarray
    group_actor: np.ndarray
    mediator_actor: np.ndarray
    adversary: np.ndarray
    host: np.ndarray
    target: np.ndarray
    issue_ids: list[str]
    group_strikers: np.ndarray
    compliance_pairs: tuple[np.ndarray, np.ndarray]
    negotiator_pairs: tuple[np.ndarray, np.ndarray]

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Topology:
        actor_ids = list(scenario.actors)
        kinds = {Party: [], ArmedGroup: [], Mediator: []}
        for aid, spec in scenario.actors.items():
            kinds[type(spec)].append(aid)
        parties, groups, mediators = kinds[Party], kinds[ArmedGroup], kinds[Mediator]
        party_index = {pid: p for p, pid in enumerate(parties)}

        def ints(values: list[int]) -> np.ndarray:
            return np.array(values, dtype=np.int64)

        adversary = ints([party_index[scenario.actors[a].adversary] for a in parties])
        host = ints([party_index[scenario.actors[g].host] for g in groups])
        strikers = [[p for p in range(len(parties)) if adversary[p] == h] for h in host]
        depth = max((len(s) for s in strikers), default=0)
        group_strikers = np.full((depth, len(groups)), -1, dtype=np.int64)
        for g, column in enumerate(strikers):
            group_strikers[:len(column), g] = column
        compliance = [(o, p) for p in range(len(parties)) for o in range(len(parties)) if o != p]
        negotiators = parties + mediators
        watching = [(actor_ids.index(o), p) for p, pid in enumerate(parties) for o in negotiators if o != pid]
        return cls(
            actor_ids=actor_ids,
            party_ids=parties,
            group_ids=groups,
            mediator_ids=mediators,
            party_actor=ints([actor_ids.index(a) for a in parties]),
            group_actor=ints([actor_ids.index(a) for a in groups]),
            mediator_actor=ints([actor_ids.index(a) for a in mediators]),
            adversary=adversary,
            host=host,
            target=ints([party_index[scenario.actors[g].target] for g in groups]),
            issue_ids=list(scenario.issues),
            group_strikers=group_strikers,
            compliance_pairs=(ints([o for o, _ in compliance]), ints([p for _, p in compliance])),
            negotiator_pairs=(ints([o for o, _ in watching]), ints([p for _, p in watching])),
        )

    def actor_index(self, actor_id: str) -> int:
        """Row of an actor in the trust ledger; KeyError naming the known ids if unknown."""
        try:
            return self.actor_ids.index(actor_id)
        except ValueError:
            raise KeyError(f"{actor_id!r} is not an actor of this scenario; actors: {', '.join(self.actor_ids)}") \
                from None


@dataclass
class PartyState:
    """Parties, each array (P, R).

    Attributes
    ----------
    pressure : domestic pressure to act (>= 0).
    support : domestic support for the leadership, [0, 1].
    resentment : resentment toward the adversary (>= 0).
    decree, decree_day : a jihad decree has been issued, and when (-1 if not).
    last_attacked_day : last day an armed group's attack hurt the party (NEVER if not).
    threat_deadline : last day to carry out an open-war threat after talks collapsed (-1 if none).
    casualties_suffered, civilians_suffered : today's tallies, cleared each morning.
    """

    pressure: np.ndarray
    support: np.ndarray
    resentment: np.ndarray
    decree: np.ndarray
    decree_day: np.ndarray
    last_attacked_day: np.ndarray
    threat_deadline: np.ndarray
    casualties_suffered: np.ndarray
    civilians_suffered: np.ndarray


@dataclass
class GroupState:
    """Armed groups, each array (G, R).

    Attributes
    ----------
    capacity : share of capacity the sanctuary supports, lowered for good by a crackdown.
    damage : share of the sanctuary destroyed by strikes, recovering.
    recruitment : backlash boost to the attack rate.
    crackdown_level : the host's agreed crackdown (0 before an agreement).
    """

    capacity: np.ndarray
    damage: np.ndarray
    recruitment: np.ndarray
    crackdown_level: np.ndarray

    @property
    def sanctuary(self) -> np.ndarray:
        """Effective sanctuary today, capacity x (1 - damage), shape (G, R)."""
        return self.capacity * (1.0 - self.damage)


@dataclass
class MediatorState:
    """Mediators, each array (M, R): at the table, and whether the last-ditch restart is spent."""

    engaged: np.ndarray
    restart_used: np.ndarray


@dataclass
class TalksState:
    """The talks, each array (R,).

    Attributes
    ----------
    active : still at (or due back at) the table.
    agreement, agreement_day : an agreement has been signed, and when (-1 if not).
    stalled_rounds : rounds without agreement since the start or the last restart.
    progress : progress in the talks, [0, 1].
    new_venue : the talks have moved to a new venue.
    next_round_day : day of the next round (-1 if none).
    """

    active: np.ndarray
    agreement: np.ndarray
    agreement_day: np.ndarray
    stalled_rounds: np.ndarray
    progress: np.ndarray
    new_venue: np.ndarray
    next_round_day: np.ndarray


@dataclass
class CeasefireState:
    """The ceasefire, each array (R,) but ``violation_ring``.

    Attributes
    ----------
    alive : the ceasefire has not broken down.
    breakdown_day : day it broke down (-1 if it holds).
    chain, chain_seen : the current escalation episode as a base-8 code of event types, and their bit set.
    cause : the chain code at breakdown.
    violation_ring : ndarray of bool-as-int, shape (W, R)
        Days with a state violation over the last W days (slot = day % W).
    violation_days : days with a state violation in the window.
    open_war_today : a party carried out its open-war threat today.
    open_war_by : the first party to do so (party index, -1 if none).
    """

    alive: np.ndarray
    breakdown_day: np.ndarray
    chain: np.ndarray
    chain_seen: np.ndarray
    cause: np.ndarray
    violation_ring: np.ndarray
    violation_days: np.ndarray
    open_war_today: np.ndarray
    open_war_by: np.ndarray


@dataclass
class State:
    """Everything that changes during a run, for R replications."""

    day: int
    parties: PartyState
    groups: GroupState
    mediators: MediatorState
    talks: TalksState
    ceasefire: CeasefireState
    trust: TrustLedger

    @property
    def n_replications(self) -> int:
        return self.ceasefire.alive.size


def initial_state(scenario: Scenario, topology: Topology, parameters: Parameters, calendar: np.ndarray,
                  sampler: ParameterSampler) -> State:
    """The state on day 0, before anything has happened."""
    n = sampler.replications.size
    n_parties, n_groups, n_mediators = len(topology.party_ids), len(topology.group_ids), len(topology.mediator_ids)
    first_round = int(calendar[0]) if calendar.size else -1
    return State(
        day=0,
        parties=PartyState(
            pressure=np.zeros((n_parties, n)),
            support=np.broadcast_to(parameters.parties.domestic.initial_support, (n_parties, n)).copy(),
            resentment=np.zeros((n_parties, n)),
            decree=np.zeros((n_parties, n), dtype=bool),
            decree_day=np.full((n_parties, n), -1, dtype=np.int64),
            last_attacked_day=np.full((n_parties, n), NEVER, dtype=np.int64),
            threat_deadline=np.full((n_parties, n), -1, dtype=np.int64),
            casualties_suffered=np.zeros((n_parties, n), dtype=np.int64),
            civilians_suffered=np.zeros((n_parties, n), dtype=np.int64),
        ),
        groups=GroupState(
            capacity=np.broadcast_to(parameters.groups.sanctuary, (n_groups, n)).copy(),
            damage=np.zeros((n_groups, n)),
            recruitment=np.zeros((n_groups, n)),
            crackdown_level=np.zeros((n_groups, n)),
        ),
        mediators=MediatorState(
            engaged=np.repeat((parameters.mediators.engaged_from_day == 0)[:, None], n, axis=1),
            restart_used=np.zeros((n_mediators, n), dtype=bool),
        ),
        talks=TalksState(
            active=np.full(n, first_round > 0),
            agreement=np.zeros(n, dtype=bool),
            agreement_day=np.full(n, -1, dtype=np.int64),
            stalled_rounds=np.zeros(n, dtype=np.int64),
            progress=np.zeros(n),
            new_venue=np.zeros(n, dtype=bool),
            next_round_day=np.full(n, first_round, dtype=np.int64),
        ),
        ceasefire=CeasefireState(
            alive=np.ones(n, dtype=bool),
            breakdown_day=np.full(n, -1, dtype=np.int64),
            chain=np.zeros(n, dtype=np.int64),
            chain_seen=np.zeros(n, dtype=np.int64),
            cause=np.zeros(n, dtype=np.int64),
            violation_ring=np.zeros((parameters.breakdown_window_days, n), dtype=np.int64),
            violation_days=np.zeros(n, dtype=np.int64),
            open_war_today=np.zeros(n, dtype=bool),
            open_war_by=np.full(n, -1, dtype=np.int64),
        ),
        trust=_trust_ledger(scenario, topology, parameters, sampler),
    )


def _trust_ledger(scenario: Scenario, topology: Topology, parameters: Parameters, sampler: ParameterSampler
                  ) -> TrustLedger:
    n_actors, n = len(topology.actor_ids), sampler.replications.size
    prior_cooperation = np.zeros((n_actors, n_actors, n))
    prior_hostility = np.zeros((n_actors, n_actors, n))
    default = scenario.default_trust
    default_initial = sampler.value(default.initial, "default_trust.initial")
    default_certainty = sampler.value(default.certainty, "default_trust.certainty")
    for i, aid in enumerate(topology.actor_ids):
        listed = scenario.actors[aid].trust
        for j, other in enumerate(topology.actor_ids):
            if i == j:
                continue
            if other in listed:
                path = f"actors.{aid}.trust.{other}"
                initial = sampler.value(listed[other].initial, f"{path}.initial")
                certainty = sampler.value(listed[other].certainty, f"{path}.certainty")
            else:
                initial, certainty = default_initial, default_certainty
            prior_cooperation[i, j] = np.asarray(initial) * np.asarray(certainty)
            prior_hostility[i, j] = (1.0 - np.asarray(initial)) * np.asarray(certainty)
    return TrustLedger(prior_cooperation, prior_hostility, parameters.learning.memory_half_life_days)
