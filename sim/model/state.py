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

PRESSURE_WINDOW_DAYS = 30
"""Days over which casualties and hits suffered drive domestic pressure and escalation."""

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
    pressure : domestic pressure to act, ln(1 + C30 / reference) (>= 0), as of last night.
    casualty_ring : ndarray, shape (30, P, R)
        Casualties suffered on each of the last 30 days (slot = day % 30); day 0 and before hold the
        pre-ceasefire fighting.
    casualties_30d : casualties suffered in the last 30 days.
    hit_ring : ndarray of int, shape (30, P, R)
        Strikes and retaliations suffered on each of the last 30 days.
    hits_30d : strikes and retaliations suffered in the last 30 days.
    retaliation_due : day a decided retaliation lands (-1 if none pending).
    unanswered : hit by a retaliation that landed at once yesterday: may decide to hit back today.
    support : domestic support for the leadership, [0, 1].
    resentment : resentment toward the adversary (>= 0).
    decree, decree_day : a jihad decree has been issued, and when (-1 if not).
    usual_attack_casualties : the party's usual daily casualties from armed groups' attacks (a moving
        average with a 30-day half-life, started at the expected level).
    last_provocation_day : last day attacks on the party killed or wounded more than the provocation ratio times
        the usual level (NEVER if not).
    casualties_suffered, civilians_suffered : today's tallies, cleared each morning.
    """

    pressure: np.ndarray
    casualty_ring: np.ndarray
    casualties_30d: np.ndarray
    hit_ring: np.ndarray
    hits_30d: np.ndarray
    retaliation_due: np.ndarray
    unanswered: np.ndarray
    support: np.ndarray
    resentment: np.ndarray
    decree: np.ndarray
    decree_day: np.ndarray
    usual_attack_casualties: np.ndarray
    last_provocation_day: np.ndarray
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
    """Mediators, each array (M, R): at the table."""

    engaged: np.ndarray


@dataclass
class TalksState:
    """The talks, each array (R,).

    Attributes
    ----------
    active : still at (or due back at) the table.
    agreement, agreement_day : an agreement has been signed, and when (-1 if not).
    concession : ndarray, shape (P, R)
        Share of the gap to the adversary's positions each delegation has conceded, in [0, 1].
    failed_rounds : consecutive rounds without agreement since the start or the last re-opening.
    collapses : times the talks collapsed.
    last_offer : ndarray, shape (K, R)
        The latest proposal on the table (NaN before the first round).
    deal_intrinsic, deal_bought : ndarray, shape (P, R)
        At signing, each party's value of the deal on its own terms, and the part that mediators' leverage
        and inducements added (0 before a deal).
    imposed_share : share of the parties' surplus owed to outside pressure: the scenario's
        ``third_party_pressure`` for the ceasefire of day 0, then that of the signed deal.
    progress : progress in the talks, [0, 1].
    new_venue : the talks have moved to a new venue.
    next_round_day : day of the next round (-1 if none).
    next_round_sessions : days of sessions of the next round.
    """

    active: np.ndarray
    agreement: np.ndarray
    agreement_day: np.ndarray
    concession: np.ndarray
    failed_rounds: np.ndarray
    collapses: np.ndarray
    last_offer: np.ndarray
    deal_intrinsic: np.ndarray
    deal_bought: np.ndarray
    imposed_share: np.ndarray
    progress: np.ndarray
    new_venue: np.ndarray
    next_round_day: np.ndarray
    next_round_sessions: np.ndarray


@dataclass
class CeasefireState:
    """The ceasefire, each array (R,) but ``violation_ring``.

    Attributes
    ----------
    alive : the ceasefire has not broken down.
    breakdown_day : day it broke down (-1 if it holds).
    chain, chain_seen : the current escalation episode as a base-16 code of event types, and their bit set.
    cause : the chain code at breakdown.
    violation_ring : ndarray of bool-as-int, shape (W, R)
        Days with a state violation over the last W days (slot = day % W), W the longest window drawn.
    violation_days : days with a state violation in each replication's own window.
    expiry_day : day the ceasefire expires unless extended (-1 if open-ended).
    suspended, resume_day : the ceasefire is suspended after an incident, and the day it resumes (-1 if not).
    open_war_today : a party chose open war today.
    open_war_by : the first party to do so (party index, -1 if none).
    """

    alive: np.ndarray
    breakdown_day: np.ndarray
    chain: np.ndarray
    chain_seen: np.ndarray
    cause: np.ndarray
    violation_ring: np.ndarray
    violation_days: np.ndarray
    expiry_day: np.ndarray
    suspended: np.ndarray
    resume_day: np.ndarray
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
    """The state on day 0: what the fighting before the ceasefire left, and the first round due.

    ``calendar`` is each replication's schedule of rounds, shape (C, R) (see
    :class:`~sim.model.parameters.TalkSchedule`).
    """
    n = sampler.replications.size
    n_parties, n_groups, n_mediators = len(topology.party_ids), len(topology.group_ids), len(topology.mediator_ids)
    first_round = calendar[0] if calendar.shape[0] else np.full(n, -1, dtype=np.int64)
    initial = parameters.parties.initial
    # The pre-ceasefire fighting fills the 30-day windows: casualties spread evenly, hits on the latest days.
    casualty_ring = np.broadcast_to(initial.casualties_last_30_days / PRESSURE_WINDOW_DAYS,
                                    (PRESSURE_WINDOW_DAYS, n_parties, n)).copy()
    hits_before = np.broadcast_to(np.rint(initial.strikes_suffered_last_30_days), (n_parties, n)).astype(np.int64)
    days_before = (-np.arange(PRESSURE_WINDOW_DAYS)) % PRESSURE_WINDOW_DAYS  # slot of day 0, -1, -2, ...
    hit_ring = np.zeros((PRESSURE_WINDOW_DAYS, n_parties, n), dtype=np.int64)
    hit_ring[days_before] = np.arange(PRESSURE_WINDOW_DAYS)[:, None, None] < hits_before[None]
    casualties_30d = casualty_ring.sum(axis=0)
    pressure = np.log1p(casualties_30d / parameters.parties.domestic.reference_casualties_30d)
    window = np.max(parameters.breakdown_window_days)
    state = State(
        day=0,
        parties=PartyState(
            pressure=pressure,
            casualty_ring=casualty_ring,
            casualties_30d=casualties_30d,
            hit_ring=hit_ring,
            hits_30d=hit_ring.sum(axis=0),
            retaliation_due=np.full((n_parties, n), -1, dtype=np.int64),
            unanswered=np.zeros((n_parties, n), dtype=bool),
            support=np.broadcast_to(parameters.parties.domestic.initial_support, (n_parties, n)).copy(),
            resentment=np.broadcast_to(initial.resentment, (n_parties, n)).copy(),
            decree=np.zeros((n_parties, n), dtype=bool),
            decree_day=np.full((n_parties, n), -1, dtype=np.int64),
            usual_attack_casualties=_expected_attack_casualties(topology, parameters, n),
            last_provocation_day=np.full((n_parties, n), NEVER, dtype=np.int64),
            casualties_suffered=np.zeros((n_parties, n), dtype=np.int64),
            civilians_suffered=np.zeros((n_parties, n), dtype=np.int64),
        ),
        groups=GroupState(
            capacity=np.broadcast_to(parameters.groups.sanctuary, (n_groups, n)).copy(),
            damage=np.broadcast_to(parameters.groups.initial_sanctuary_damage, (n_groups, n)).copy(),
            recruitment=np.zeros((n_groups, n)),
            crackdown_level=np.zeros((n_groups, n)),
        ),
        mediators=MediatorState(
            engaged=np.broadcast_to(parameters.mediators.engaged_from_day == 0, (n_mediators, n)).copy(),
        ),
        talks=TalksState(
            active=first_round > 0,
            agreement=np.zeros(n, dtype=bool),
            agreement_day=np.full(n, -1, dtype=np.int64),
            concession=np.zeros((n_parties, n)),
            failed_rounds=np.zeros(n, dtype=np.int64),
            collapses=np.zeros(n, dtype=np.int64),
            last_offer=np.full((len(topology.issue_ids), n), np.nan),
            deal_intrinsic=np.zeros((n_parties, n)),
            deal_bought=np.zeros((n_parties, n)),
            imposed_share=np.broadcast_to(np.asarray(parameters.third_party_pressure, dtype=float), (n,)).copy(),
            progress=np.zeros(n),
            new_venue=np.zeros(n, dtype=bool),
            next_round_day=np.where(first_round > 0, first_round, -1).astype(np.int64),
            next_round_sessions=(parameters.schedule.sessions[0] if calendar.shape[0]
                                 else np.ones(n, dtype=np.int64)).copy(),
        ),
        ceasefire=CeasefireState(
            alive=np.ones(n, dtype=bool),
            breakdown_day=np.full(n, -1, dtype=np.int64),
            chain=np.zeros(n, dtype=np.int64),
            chain_seen=np.zeros(n, dtype=np.int64),
            cause=np.zeros(n, dtype=np.int64),
            violation_ring=np.zeros((int(window), n), dtype=np.int64),
            violation_days=np.zeros(n, dtype=np.int64),
            expiry_day=np.broadcast_to(parameters.expiry.day, (n,)).copy(),
            suspended=np.zeros(n, dtype=bool),
            resume_day=np.full(n, -1, dtype=np.int64),
            open_war_today=np.zeros(n, dtype=bool),
            open_war_by=np.full(n, -1, dtype=np.int64),
        ),
        trust=_trust_ledger(scenario, topology, parameters, sampler),
    )
    # Hostile evidence from the fighting before day 0, observed on day 0: it fades like any other.
    for p, pid in enumerate(topology.party_ids):
        for other, amount in scenario.actors[pid].initial_state.hostile_evidence.items():
            drawn = sampler.value(amount, f"actors.{pid}.initial_state.hostile_evidence.{other}")
            state.trust.observe(topology.party_actor[p], topology.actor_index(other),
                                hostility=np.broadcast_to(np.asarray(drawn, dtype=float), (n,)))
    return state


def _expected_attack_casualties(topology: Topology, parameters: Parameters, n: int) -> np.ndarray:
    """Each party's expected daily casualties from the groups that target it, at day-0 sanctuary, shape (P, R)."""
    gp = parameters.groups
    level = np.zeros((len(topology.party_ids), n))
    sanctuary = gp.sanctuary * (1.0 - gp.initial_sanctuary_damage)
    per_group = np.broadcast_to(gp.attack_rate_per_day * sanctuary * gp.casualties_per_attack,
                                (len(topology.group_ids), n))
    np.add.at(level, topology.target, per_group)
    return level


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
