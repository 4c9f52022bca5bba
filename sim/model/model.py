"""CeasefireModel: builds the kernel from a scenario and schedules the day's phases with Mesa events.

One instance advances R replications at once. Time is in days; day 0 is the
start date and days 1..H are simulated. Each day, in this order (Mesa events at
the same time run by priority):

1. :meth:`~CeasefireModel.begin_day` (HIGH): draw the day's uniforms, advance
   the trust ledger, let mediators due today engage, clear the day's tallies.
2. :meth:`~CeasefireModel.talk_round` (DEFAULT): rounds due today in some
   replication (each replication keeps its own schedule): :func:`.submodels.talks.talk_phase`.
3. :meth:`~CeasefireModel.strike_round` (LOW): the phases of
   :mod:`sim.model.submodels` in order, then the recorder.

The rules live in :mod:`sim.model.submodels`, the state in :mod:`sim.model.state`,
the numbers in :mod:`sim.model.parameters`; this file only wires them.
``model.step()`` advances one day; ``model.run()`` runs to the horizon.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np
from mesa.time import Priority, Schedule

from ..scenario.schema import Scenario
from .agents import AGENT_KINDS
from .parameters import ParameterSampler, build_parameters
from .recorder import BatchOutput, Recorder
from .state import State, Topology, initial_state
from .streams import Streams
from .submodels import armed_groups, breakdown, domestic, mediation, talks, violence

__all__ = ["BatchOutput", "CeasefireModel", "ModelInvariantError"]

DAILY_RULES = ("attacks", "attack_casualties", "attribution")  # per armed group
DAILY_PARTY_RULES = ("strike", "strike_casualties", "retaliation", "retaliation_lag", "retaliation_casualties",
                     "decree", "open_war")
# Rules that act on some days only are drawn on first use in a day, with the same numbers (see Streams).
OCCASIONAL = ("collapse", "proposal", "extension")
INCIDENT_RULES = ("incident", "incident_casualties", "suspension", "resumption")  # per kind of incident
OCCASIONAL_RULES = ("crackdown",)
OCCASIONAL_PARTY_RULES = ("principal", "accept", "walkout")
OCCASIONAL_MEDIATOR_RULES = ("join", "restart", "restart_delay")


class ModelInvariantError(Exception):
    """A model state left its allowed range: a bug or an extreme scenario, never silently ignored."""


def stream_names(topology: Topology, incident_ids: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Streams used every day and streams used on some days only, each rule's actors side by side."""
    daily = ["shock"]
    daily += [f"{rule}/{g}" for rule in DAILY_RULES for g in topology.group_ids]
    daily += [f"{rule}/{p}" for rule in DAILY_PARTY_RULES for p in topology.party_ids]
    daily += [f"{rule}/{i}" for rule in INCIDENT_RULES for i in incident_ids]
    occasional = list(OCCASIONAL)
    occasional += [f"{rule}/{g}" for rule in OCCASIONAL_RULES for g in topology.group_ids]
    occasional += [f"{rule}/{p}" for rule in OCCASIONAL_PARTY_RULES for p in topology.party_ids]
    occasional += [f"{rule}/{m}" for rule in OCCASIONAL_MEDIATOR_RULES for m in topology.mediator_ids]
    return daily, occasional


class CeasefireModel(mesa.Model):
    """R replications of one scenario, advanced together.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    seed : int
        The run's seed (>= 0). Together with the replication indices it fixes every number.
    replications : int or array of int
        Number of replications (indices 0..n-1) or the global indices to simulate.
    horizon_days : int, optional
        Overrides the scenario's horizon.
    trajectory_replications : int
        Record daily trajectories for replications with global index below this.
    """

    def __init__(self, scenario: Scenario, *, seed: int, replications: int | np.ndarray = 1,
                 horizon_days: int | None = None, trajectory_replications: int = 0) -> None:
        reps = np.arange(replications) if np.isscalar(replications) else np.asarray(replications, dtype=np.int64)
        # Mesa's own generator is unused by the rules; seed it from the run for completeness.
        super().__init__(rng=int(np.random.SeedSequence(seed, spawn_key=(2**31 - 1, int(reps[0]))).generate_state(1)[0]))
        self.spec = scenario
        self.seed = seed
        self.replication_ids = reps
        self.n_replications = reps.size
        self.horizon_days = horizon_days if horizon_days is not None else scenario.horizon_days
        self.day = 0
        sampler = ParameterSampler(seed, reps)
        self.topology = Topology.from_scenario(scenario)
        self.parameters = build_parameters(scenario, sampler)
        self.calendar = self.parameters.schedule.days
        self.state: State = initial_state(scenario, self.topology, self.parameters, self.calendar, sampler)
        self.streams = Streams(seed, reps, *stream_names(self.topology, self.parameters.incidents.ids))
        self.recorder = Recorder(self.topology, self.state, reps, self.horizon_days, trajectory_replications)
        self.actors = {aid: AGENT_KINDS[type(spec).__name__](self, aid, spec.name)
                       for aid, spec in scenario.actors.items()}
        end = float(self.horizon_days)
        self.schedule_recurring(self.begin_day, Schedule(interval=1.0, start=1.0, end=end), priority=Priority.HIGH)
        self.schedule_recurring(self.talk_round, Schedule(interval=1.0, start=1.0, end=end),
                                priority=Priority.DEFAULT)
        self.schedule_recurring(self.strike_round, Schedule(interval=1.0, start=1.0, end=end), priority=Priority.LOW)

    # ------------------------------------------------------------------ reading the state

    def trust(self, observer: str, observed: str) -> np.ndarray:
        """How much actor ``observer`` trusts actor ``observed`` today (actor ids), shape (R,)."""
        return self.state.trust.mean(self.topology.actor_index(observer), self.topology.actor_index(observed))

    def trust_matrix(self) -> np.ndarray:
        """All actors' trust in all others, shape (N, N, R), in ``topology.actor_ids`` order."""
        return self.state.trust.matrix()

    @property
    def counters(self) -> dict[str, np.ndarray]:
        """Per-replication counts so far (attacks, strikes, ...), each shape (R,)."""
        return self.recorder.counters

    @property
    def status_counts(self) -> np.ndarray:
        """Replications holding, violated and broken at the end of each day, shape (H + 1, 3)."""
        return self.recorder.status_counts

    @property
    def talk_outcomes(self) -> dict[int, dict[str, int]]:
        """Counts of each round's outcomes, by day."""
        return self.recorder.talk_outcomes

    # ------------------------------------------------------------------ the day's phases

    def begin_day(self) -> None:
        """Draw the day's uniforms, advance the trust ledger, engage mediators due today."""
        self.day = self.state.day = int(round(self.time))
        self.streams.advance()
        self.state.trust.advance(self.day)
        mediation.engagement_phase(self.state, self.parameters, self.day)
        self.state.parties.casualties_suffered[:] = 0
        self.state.parties.civilians_suffered[:] = 0
        self.state.ceasefire.open_war_today[:] = False

    def talk_round(self) -> None:
        """Hold a round where one is due (see :func:`.submodels.talks.talk_phase`)."""
        held = talks.talk_phase(self.state, self.parameters, self.topology, self.streams, self.day)
        if held is not None:
            self.recorder.talk_round(self.day, held, self.state)

    def strike_round(self) -> None:
        """Attacks, strikes, retaliation, domestic politics, open war, crackdown, breakdown; then record."""
        args = (self.state, self.parameters, self.topology, self.streams, self.day)
        now = mediation.presence(self.state, self.parameters)
        incidents = breakdown.incident_phase(*args)
        attacks = armed_groups.attack_phase(*args, monitoring=now.monitoring)
        restraint = mediation.restraint_phase(self.state, self.parameters, self.topology, now)
        strikes = violence.strike_phase(*args, restraint=restraint)
        retaliations = violence.retaliation_phase(*args, struck=strikes.struck, restraint=restraint)
        decrees = domestic.domestic_phase(*args, retaliations=retaliations.retaliations,
                                          hits=strikes.struck.astype(np.int64) + retaliations.hit)
        open_war = breakdown.escalation_phase(*args, restraint=restraint)
        armed_groups.sanctuary_phase(*args)
        ended = breakdown.breakdown_phase(*args, strikes=strikes.strikes, retaliations=retaliations.retaliations,
                                          attacks_counted=attacks.counted_as_violation,
                                          incidents_counted=incidents.counted_as_violation)
        self.recorder.strike_day(self.day, self.state, attacks, strikes, retaliations, decrees, open_war, ended)

    # ------------------------------------------------------------------ running

    def run(self) -> BatchOutput:
        """Run to the horizon and return the outcomes."""
        self.run_until(float(self.horizon_days))
        return self.output()

    def check_invariants(self) -> None:
        """Cheap end-of-block checks: trust, progress and support are finite probabilities.

        Raises
        ------
        ModelInvariantError
            Naming the quantity and a replication where it failed.
        """
        checks = {"trust": self.trust_matrix(), "talk progress": self.state.talks.progress}
        for p, pid in enumerate(self.topology.party_ids):
            checks[f"support of {pid}"] = self.state.parties.support[p]
        for name, values in checks.items():
            bad = ~np.isfinite(values) | (values < 0.0) | (values > 1.0)
            if bad.any():
                where = np.argwhere(bad)[0]
                raise ModelInvariantError(
                    f"{name} left [0, 1] (value {values[tuple(where)]!r}) in replication "
                    f"{int(self.replication_ids[where[-1]])} on day {self.day}; seed {self.seed}")

    def output(self) -> BatchOutput:
        """Per-replication outcomes and aggregates as they stand now."""
        self.check_invariants()
        return self.recorder.output(self.state, self.parameters)
