"""CeasefireModel: builds the actors from a scenario and schedules the days with Mesa events.

One instance advances R replications at once. Time is in days; day 0 is the
start date and days 1..H are simulated. Each day, in this order (Mesa events at
the same time run by priority):

1. ``begin_day`` (HIGH): draw the day's uniforms for every daily stream; rebase
   the trust accumulators when due; mediators due to engage join; clear the
   day's tallies.
2. ``talk_round`` (DEFAULT): only on days with a round for some replication
   (the calendar and last-ditch restarts); see :mod:`sim.model.rules.talks`.
   When the calendar runs out without agreement or collapse, talks end quietly.
3. ``strike_round`` (LOW): attacks, strikes, retaliation, decrees, domestic
   politics, open-war decisions, crackdown, violations and breakdown.

``model.step()`` advances one day; ``model.run()`` runs to the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np
from mesa.time import Priority, Schedule

from ..scenario.schema import ArmedGroup as ArmedGroupSpec
from ..scenario.schema import Mediator as MediatorSpec
from ..scenario.schema import Party as PartySpec
from ..scenario.schema import Scenario
from .agents import ArmedGroup, Mediator, Party
from .params import ParameterSampler
from .rules import breakdown, domestic, mediation, talks, trust, violence
from .rules.draws import poisson_from_uniform
from .streams import Streams

COUNTERS = (
    "attacks",
    "attack_casualties",
    "strikes",
    "civilian_casualties",
    "retaliations",
    "retaliation_casualties",
    "violations",
    "walkouts",
    "talk_rounds",
    "principal_overrides",
)
DAILY_SERIES = ("attacks", "strikes", "retaliations", "casualties", "violations")
TALK_OUTCOMES = ("rounds", "agreements", "walkouts", "rejections", "collapses", "restarts", "overrides")


class ModelInvariantError(Exception):
    """A model state left its allowed range: a bug or an extreme scenario, never silently ignored."""


@dataclass
class BatchOutput:
    """What one model instance returns; the engine concatenates these in replication order.

    Attributes
    ----------
    replications : ndarray of int64, shape (R,)
    columns : dict of ndarray, each shape (R,)
        Per-replication outcomes (breakdown day, cause code, counters, final trust, sampled parameters).
    status_counts : ndarray of int64, shape (H + 1, 3)
        Replications holding, violated and broken at the end of each day.
    daily_totals : dict of ndarray, each shape (H + 1,)
        Sums over replications of each daily series.
    talk_outcomes : dict[int, dict[str, int]]
        For each day with a round: counts of rounds, agreements, walk-outs, ...
    trajectories : dict
        ``replications`` (n,), ``series`` (names), ``values`` float32 (H + 1, S, n) for the sampled replications.
    timeline : list of dict or None
        Events of the sampled replication (global index 0) if this instance holds it.
    """

    replications: np.ndarray
    columns: dict[str, np.ndarray]
    status_counts: np.ndarray
    daily_totals: dict[str, np.ndarray]
    talk_outcomes: dict[int, dict[str, int]]
    trajectories: dict[str, Any]
    timeline: list[dict[str, Any]] | None = field(default=None)


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

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        replications: int | np.ndarray = 1,
        horizon_days: int | None = None,
        trajectory_replications: int = 0,
    ) -> None:
        reps = np.arange(replications) if np.isscalar(replications) else np.asarray(replications, dtype=np.int64)
        # Mesa's own generator is unused by the rules; seed it from the run for completeness.
        super().__init__(rng=int(np.random.SeedSequence(seed, spawn_key=(2**31 - 1, int(reps[0]))).generate_state(1)[0]))
        self.spec = scenario
        self.seed = seed
        self.replication_ids = reps
        self.n_replications = n = reps.size
        self.horizon_days = horizon_days if horizon_days is not None else scenario.horizon_days
        self.day = 0

        sampler = ParameterSampler(seed, reps)
        self._build_actors(scenario, sampler)
        self.learning = sampler.resolve(scenario.trust_learning, "trust_learning")
        self.talk_params = sampler.resolve(scenario.talks, "talks")
        self.effects = sampler.resolve(scenario.mediation, "mediation")
        self.rules_of_ceasefire = sampler.resolve(scenario.ceasefire, "ceasefire")
        self._init_trust(scenario, sampler)
        self.sampled_parameters = sampler.sampled

        self.streams = Streams(seed, reps, *self._stream_names())

        # Ceasefire state.
        self.alive = np.ones(n, dtype=bool)
        self.breakdown_day = np.full(n, -1, dtype=np.int64)
        self.chain = np.zeros(n, dtype=np.int64)
        self.chain_seen = np.zeros(n, dtype=np.int64)
        self.cause = np.zeros(n, dtype=np.int64)
        window = scenario.ceasefire.breakdown_window_days
        self.window_ring = np.zeros((window, n), dtype=np.int64)
        self.window_count = np.zeros(n, dtype=np.int64)
        self.open_war_today = np.zeros(n, dtype=bool)
        self.open_war_by = np.full(n, -1, dtype=np.int64)

        # Talks state.
        self.talks_active = np.ones(n, dtype=bool)
        self.agreement = np.zeros(n, dtype=bool)
        self.agreement_day = np.full(n, -1, dtype=np.int64)
        self.stalled_rounds = np.zeros(n, dtype=np.int64)
        self.progress = np.zeros(n)
        self.new_venue = np.zeros(n, dtype=bool)
        calendar = [d for d in scenario.talk_days() if d <= self.horizon_days]
        self.calendar = np.asarray(calendar, dtype=np.int64)
        self.next_round_day = np.full(n, calendar[0] if calendar else -1, dtype=np.int64)
        self.talks_active &= self.next_round_day > 0

        self.counters = {name: np.zeros(n, dtype=np.int64) for name in COUNTERS}
        self.status_counts = np.zeros((self.horizon_days + 1, 3), dtype=np.int64)
        self.status_counts[0, breakdown.HOLDING] = n
        self.daily_totals = {name: np.zeros(self.horizon_days + 1) for name in DAILY_SERIES}
        self.talk_outcomes: dict[int, dict[str, int]] = {}

        self._setup_recording(trajectory_replications)
        self._schedule()

    # ------------------------------------------------------------------ construction

    def _build_actors(self, scenario: Scenario, sampler: ParameterSampler) -> None:
        self.actor_ids = list(scenario.actors)
        self.parties: list[Party] = []
        self.groups: list[ArmedGroup] = []
        self.mediators: list[Mediator] = []
        self.by_id: dict[str, Party | ArmedGroup | Mediator] = {}
        for index, (aid, spec) in enumerate(scenario.actors.items()):
            params = sampler.resolve(spec, f"actors.{aid}")
            if isinstance(spec, PartySpec):
                agent = Party(self, aid, params, index)
                self.parties.append(agent)
            elif isinstance(spec, ArmedGroupSpec):
                agent = ArmedGroup(self, aid, params, index)
                self.groups.append(agent)
            elif isinstance(spec, MediatorSpec):
                agent = Mediator(self, aid, params, index)
                self.mediators.append(agent)
            self.by_id[aid] = agent
        for party in self.parties:
            party.adversary = self.by_id[party.params.adversary]
        for group in self.groups:
            group.host = self.by_id[group.params.host]
            group.target = self.by_id[group.params.target]

        issues = list(scenario.issues)
        self.issue_ids = issues
        self.issue_index = {k: i for i, k in enumerate(issues)}
        n_issues = len(issues)
        self.priorities = np.zeros((len(self.parties), n_issues))
        self.positions = np.zeros((len(self.parties), n_issues, 1))
        self.hardline = np.zeros((len(self.parties), n_issues, 1))
        for p, party in enumerate(self.parties):
            weights = np.array([party.params.priorities.get(k, 0.0) for k in issues])
            self.priorities[p] = weights / weights.sum()
            self.positions[p, :, 0] = [party.params.positions[k] for k in issues]
            self.hardline[p, :, 0] = [party.params.hardline_positions.get(k, party.params.positions[k]) for k in issues]
        strengths = [np.asarray(party.params.military_strength, dtype=float) for party in self.parties]
        total = sum(strengths)
        self.strength_share = [np.where(total > 0, s / np.where(total > 0, total, 1.0), 1.0 / len(strengths))
                               for s in strengths]
        self.mediator_styles = {
            style: np.array([m.params.style == style for m in self.mediators], dtype=bool)
            for style in ("facilitation", "formulation", "manipulation")
        }

    def _init_trust(self, scenario: Scenario, sampler: ParameterSampler) -> None:
        n_actors, n = len(self.actor_ids), self.n_replications
        self.prior_cooperation = np.zeros((n_actors, n_actors, n))
        self.prior_hostility = np.zeros((n_actors, n_actors, n))
        default = sampler.resolve(scenario.default_trust, "default_trust")
        for i, aid in enumerate(self.actor_ids):
            listed = self.by_id[aid].params.trust
            for j, other in enumerate(self.actor_ids):
                if i == j:
                    continue
                spec = listed.get(other, default)
                self.prior_cooperation[i, j] = np.asarray(spec.initial) * np.asarray(spec.certainty)
                self.prior_hostility[i, j] = (1.0 - np.asarray(spec.initial)) * np.asarray(spec.certainty)
        # An actor's belief about itself is never used; a uniform prior keeps the matrix free of NaN.
        diagonal = np.arange(n_actors)
        self.prior_cooperation[diagonal, diagonal] = 1.0
        self.prior_hostility[diagonal, diagonal] = 1.0
        self.cooperation = np.zeros_like(self.prior_cooperation)
        self.hostility = np.zeros_like(self.prior_hostility)
        self.retention = trust.daily_retention(self.learning.memory_half_life_days)
        self.reference_day = 0
        self._evidence_weight = np.ones(1)
        self._discount = np.ones(1)

    def _stream_names(self) -> tuple[list[str], list[str]]:
        """Streams used every day, and streams used only on talk days."""
        daily = ["shock"]
        occasional = []
        for g in self.groups:
            daily += [f"attacks/{g.actor_id}", f"attack_casualties/{g.actor_id}", f"crackdown/{g.actor_id}"]
        for p in self.parties:
            pid = p.actor_id
            daily += [f"{rule}/{pid}" for rule in (
                "strike", "strike_casualties", "retaliation", "retaliation_casualties", "decree", "open_war")]
            occasional += [f"{rule}/{pid}" for rule in ("principal", "accept", "walkout")]
        for m in self.mediators:
            occasional += [f"join/{m.actor_id}", f"restart/{m.actor_id}"]
        return daily, occasional

    def _schedule(self) -> None:
        end = float(self.horizon_days)
        self.schedule_recurring(self.begin_day, Schedule(interval=1.0, start=1.0, end=end), priority=Priority.HIGH)
        self.schedule_recurring(self.strike_round, Schedule(interval=1.0, start=1.0, end=end), priority=Priority.LOW)
        self._talk_days_scheduled: set[int] = set()
        for day in self.calendar:
            self._schedule_talk_day(int(day))

    def _schedule_talk_day(self, day: int) -> None:
        if 1 <= day <= self.horizon_days and day not in self._talk_days_scheduled and day > self.day:
            self._talk_days_scheduled.add(day)
            self.schedule_event(self.talk_round, at=float(day), priority=Priority.DEFAULT)

    # ------------------------------------------------------------------ trust

    def trust(self, i: int, j: int) -> np.ndarray:
        """Actor i's trust in actor j (indices into ``actor_ids``), shape (R,)."""
        # Same formula as trust.trust_mean, with today's discount computed once in begin_day.
        a = self.prior_cooperation[i, j] + self._discount * self.cooperation[i, j]
        return a / (a + self.prior_hostility[i, j] + self._discount * self.hostility[i, j])

    def trust_matrix(self) -> np.ndarray:
        """All actors' trust in all others, shape (N, N, R); the diagonal is meaningless."""
        return trust.trust_mean(
            self.prior_cooperation, self.prior_hostility, self.cooperation, self.hostility,
            self.retention, self.day, self.reference_day,
        )

    def _observe(self, i: int, j: int, cooperation: Any = 0.0, hostility: Any = 0.0) -> None:
        """Actor i observes evidence about actor j today (pseudo-observations, shape (R,) or scalar)."""
        w = self._evidence_weight
        if not isinstance(cooperation, float):
            self.cooperation[i, j] += w * cooperation
        if not isinstance(hostility, float):
            self.hostility[i, j] += w * hostility

    # ------------------------------------------------------------------ day phases

    def begin_day(self) -> None:
        """Draw the day's uniforms; mediators due today engage; roll the trust reference."""
        self.day = int(round(self.time))
        self.streams.advance()
        if self.day - self.reference_day >= trust.REBASE_EVERY_DAYS:
            factor = np.power(self.retention, float(self.day - self.reference_day))
            self.cooperation *= factor
            self.hostility *= factor
            self.reference_day = self.day
        self._evidence_weight = trust.evidence_weight(self.retention, self.day, self.reference_day)
        self._discount = np.power(self.retention, float(self.day - self.reference_day))
        for m in self.mediators:
            if m.params.engagement.from_day is not None and m.params.engagement.from_day == self.day:
                m.engaged |= self.alive
        for p in self.parties:
            p.start_day()
        self.open_war_today[:] = False

    def _mediator_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Engaged (M, R), leverage (M, R|1), monitoring share (R,)."""
        n = self.n_replications
        if not self.mediators:
            return np.zeros((0, n), dtype=bool), np.zeros((0, 1)), np.zeros(n)
        if not hasattr(self, "_leverage"):
            self._leverage = np.stack([np.broadcast_to(np.asarray(m.params.leverage, dtype=float), (n,))
                                       for m in self.mediators])
            self._monitoring = np.stack([np.broadcast_to(np.asarray(m.params.monitoring, dtype=float), (n,))
                                         for m in self.mediators])
        engaged = np.stack([m.engaged for m in self.mediators])
        return engaged, self._leverage, mediation.noisy_or(engaged * self._monitoring)

    def _trust_in_mediators(self, party: Party) -> np.ndarray:
        if not self.mediators:
            return np.zeros((0, self.n_replications))
        return np.stack([self.trust(party.index, m.index) for m in self.mediators])

    def _inducement_value(self, p: int, engaged: np.ndarray, conditional_only: bool) -> np.ndarray:
        """Inducements on offer to party p [utility], shape (R,)."""
        value = np.zeros(self.n_replications)
        top = self.priorities[p].max()
        for k, m in enumerate(self.mediators):
            spec = m.params.inducement
            if spec.issue is None or (conditional_only and not spec.conditional_on_compliance):
                continue
            scale = self.priorities[p, self.issue_index[spec.issue]] / top if top > 0 else 0.0
            value = value + engaged[k] * np.asarray(spec.value) * scale
        return value

    # ------------------------------------------------------------------ talk round

    def talk_round(self) -> None:
        """Hold a round for replications whose next round is today (see :mod:`sim.model.rules.talks`)."""
        day = self.day
        s = self.streams
        tp = self.talk_params
        held = self.alive & self.talks_active & ~self.agreement & (self.next_round_day == day)
        if not held.any():
            return
        n_parties = len(self.parties)
        engaged, leverage, monitoring = self._mediator_arrays()

        trust_pm = [self._trust_in_mediators(p) for p in self.parties]  # each (M, R)
        effectiveness = np.stack([engaged * t for t in trust_pm]) if self.mediators else np.zeros((n_parties, 0, 1))
        styles = self.mediator_styles
        facilitation = mediation.noisy_or(effectiveness * styles["facilitation"][None, :, None], axis=1)
        formulation = mediation.noisy_or(effectiveness * styles["formulation"][None, :, None], axis=1).mean(axis=0)
        manipulation = (effectiveness * styles["manipulation"][None, :, None] * leverage[None]).sum(axis=1)
        bias = np.ones((n_parties, self.n_replications))
        if self.mediators:
            tilt = np.array([[m.params.bias.get(p.actor_id, 0.0) for m in self.mediators] for p in self.parties])
            tilt[:, tilt.sum(axis=0) == 0] = 1.0
            tilt = tilt / tilt.sum(axis=0, keepdims=True)
            weighted = tilt @ engaged.astype(float)  # (P, R)
            bias = np.where(engaged.any(axis=0), weighted, 1.0)
        bias = bias / bias.sum(axis=0, keepdims=True)

        instructed = np.empty((n_parties, len(self.issue_ids), self.n_replications))
        overridden = np.zeros((n_parties, self.n_replications), dtype=bool)
        for p, party in enumerate(self.parties):
            instructed[p], overridden[p] = talks.instructed_positions(
                s[f"principal/{party.actor_id}"], party.params.delegation.principal_override_prob,
                self.positions[p], self.hardline[p])
        offer = talks.proposal(instructed, self.priorities, bias, formulation)
        utility = talks.deal_utility(offer, instructed, self.priorities)
        for g in self.groups:
            if g.params.crackdown_issue is not None:
                h = self.parties.index(g.host)
                cost = g.params.ideological_alignment * (1.0 - g.host.params.regional_pressure)
                utility[h] = utility[h] - cost * offer[self.issue_index[g.params.crackdown_issue]]

        accept = np.zeros((n_parties, self.n_replications), dtype=bool)
        walk = np.zeros_like(accept)
        for p, party in enumerate(self.parties):
            pp = party.params
            trust_adv = self.trust(party.index, party.adversary.index)
            value = talks.expected_deal_value(
                utility[p] + self._inducement_value(p, engaged, conditional_only=False),
                trust_adv, pp.sucker_cost, monitoring)
            tolerance = domestic.effective_tolerance(
                pp.cost_tolerance, party.support, pp.domestic.initial_support, pp.domestic.support_tolerance_weight)
            reservation = talks.reservation_value(self.strength_share[p], pp.war_cost, tolerance)
            value = value + tp.manipulation_weight * manipulation[p] + tp.new_venue_bonus * self.new_venue
            accept[p] = held & talks.accepts(s[f"accept/{party.actor_id}"], value, reservation,
                                             tp.acceptance_temperature)
            walk[p] = held & talks.walks_out(s[f"walkout/{party.actor_id}"], value, reservation, tp.walkout_margin,
                                             pp.delegation.walkout_propensity, facilitation[p])
        any_walk = walk.any(axis=0)
        agreed = held & accept.all(axis=0) & ~any_walk

        # Trust from the round: walk-outs are seen by every other negotiator; a calm round builds trust
        # in proportion to facilitation.
        lw = self.learning
        for p, party in enumerate(self.parties):
            for other in self.parties + self.mediators:
                if other is not party:
                    self._observe(other.index, party.index, hostility=lw.walkout_evidence * walk[p])
            self._observe(party.index, party.adversary.index,
                          cooperation=lw.talk_evidence * facilitation[p] * (held & ~any_walk))
        self.progress = np.where(held & ~any_walk, np.minimum(1.0, self.progress + tp.progress_per_round),
                                 np.where(any_walk, self.progress * (1.0 - tp.walkout_setback), self.progress))

        # Agreements: the agreed level on each group's crackdown issue becomes the host's commitment.
        self.agreement |= agreed
        self.agreement_day = np.where(agreed, day, self.agreement_day)
        for g in self.groups:
            if g.params.crackdown_issue is not None:
                g.crackdown_level = np.where(agreed, offer[self.issue_index[g.params.crackdown_issue]],
                                             g.crackdown_level)
        self.talks_active &= ~agreed

        stalled = held & ~agreed
        self.stalled_rounds = np.where(stalled, self.stalled_rounds + 1, self.stalled_rounds)
        for k, m in enumerate(self.mediators):
            e = m.params.engagement
            m.engaged |= mediation.joins(s[f"join/{m.actor_id}"], m.engaged, self.stalled_rounds,
                                         e.join_after_stalled_rounds, e.join_prob, stalled)
        collapsed = stalled & (self.stalled_rounds >= self.talk_params.max_stalled_rounds)
        restarted = self._collapse(collapsed, engaged)

        # Next rounds: the next calendar day; restarts set their own day in _collapse.
        continuing = stalled & ~collapsed
        later = self.calendar[self.calendar > day]
        next_day = int(later[0]) if later.size else -1
        self.next_round_day = np.where(continuing, next_day, self.next_round_day)
        self.next_round_day = np.where(agreed | (collapsed & ~restarted), -1, self.next_round_day)
        self.talks_active &= self.next_round_day > 0

        self.counters["talk_rounds"] += held
        self.counters["walkouts"] += walk.sum(axis=0) * held
        self.counters["principal_overrides"] += (overridden & held).sum(axis=0)
        self.talk_outcomes[day] = {
            "rounds": int(held.sum()),
            "agreements": int(agreed.sum()),
            "walkouts": int(any_walk.sum()),
            "rejections": int((held & ~agreed & ~any_walk).sum()),
            "collapses": int(collapsed.sum()),
            "restarts": int(restarted.sum()),
            "overrides": int((overridden & held).any(axis=0).sum()),
        }
        if self._timeline is not None and held[self._timeline_index]:
            i = self._timeline_index
            outcome = ("agreement" if agreed[i] else "walkout" if any_walk[i] else
                       "collapse" if collapsed[i] else "no agreement")
            detail = {"outcome": outcome}
            detail.update({f"offer.{k}": round(float(offer[x, i]), 3) for x, k in enumerate(self.issue_ids)})
            who = [self.parties[p].actor_id for p in range(n_parties) if walk[p, i]]
            if who:
                detail["walked_out"] = ", ".join(who)
            self._event("talk_round", None, None, detail)
            if restarted[i]:
                self._event("talks_restart", None, None, {"day": int(self.next_round_day[i])})

    def _collapse(self, collapsed: np.ndarray, engaged: np.ndarray) -> np.ndarray:
        """Talks collapse: threats may be carried out; a mediator may restart the talks."""
        s = self.streams
        if not collapsed.any():
            return np.zeros_like(collapsed)
        self.talks_active &= ~collapsed
        self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "talks_collapse", collapsed)
        # A mediator's last-ditch restart, first in file order wins; spent once per replication.
        restarted = np.zeros_like(collapsed)
        for k, m in enumerate(self.mediators):
            ld = m.params.last_ditch
            tries = collapsed & engaged[k] & ~m.restart_used & ~restarted
            ok = tries & (s[f"restart/{m.actor_id}"] < ld.restart_prob)
            m.restart_used |= ok
            restarted |= ok
            day = self.day + ld.restart_delay_days
            self.next_round_day = np.where(ok, day, self.next_round_day)
            if ld.new_venue:
                self.new_venue |= ok
            if ok.any():
                self._schedule_talk_day(day)
        self.talks_active |= restarted
        self.stalled_rounds = np.where(restarted, 0, self.stalled_rounds)
        # With no restart, parties that threatened open war may carry it out in the coming days.
        for party in self.parties:
            threat = party.params.open_war
            if threat.threatened:
                party.threat_deadline = np.where(collapsed & ~restarted, self.day + threat.decision_window_days - 1,
                                                 party.threat_deadline)
        return restarted

    # ------------------------------------------------------------------ strike round

    def strike_round(self) -> None:
        """Attacks, strikes, retaliation, decrees, domestic politics, crackdown, breakdown."""
        day = self.day
        s = self.streams
        lw = self.learning
        alive = self.alive
        engaged, leverage, monitoring = self._mediator_arrays()
        n = self.n_replications
        attacks_total = np.zeros(n, dtype=np.int64)
        casualties_total = np.zeros(n, dtype=np.int64)

        # Armed groups attack their target; the target blames the host, less what monitoring clears up.
        spoiler_violation = np.zeros(n, dtype=bool)
        for g in self.groups:
            gp = g.params
            rate = violence.attack_rate(gp.attack_rate_per_day, g.sanctuary, self.progress, gp.spoiler_sensitivity,
                                        g.host.decree, gp.decree_multiplier, g.recruitment)
            attacks, casualties = violence.attacks_and_casualties(
                s[f"attacks/{g.actor_id}"], s[f"attack_casualties/{g.actor_id}"], rate, gp.casualties_per_attack,
                alive)
            g.target.casualties_suffered += casualties
            g.target.last_attacked_day = np.where(casualties > 0, day, g.target.last_attacked_day)
            self._observe(g.target.index, g.host.index,
                          hostility=lw.attack_attribution * attacks * (1.0 - monitoring))
            attacks_total += attacks
            casualties_total += casualties
            self.counters["attacks"] += attacks
            self.counters["attack_casualties"] += casualties
            if self.rules_of_ceasefire.spoiler_attacks_are_violations:
                spoiler_violation |= attacks > 0

        # Parties decide to strike, all on today's information, then strikes land.
        restraint = []
        for p, party in enumerate(self.parties):
            inducement = self._inducement_value(p, engaged, conditional_only=True)
            restraint.append(mediation.restraint_log_odds(
                engaged, leverage, self._trust_in_mediators(party), monitoring, inducement, self.agreement,
                self.effects.leverage_restraint, self.effects.monitoring_restraint,
                self.effects.inducement_restraint, self.effects.agreement_restraint))
        strikes = []
        for p, party in enumerate(self.parties):
            pp = party.params
            boost = (pp.open_war.strike_boost if pp.open_war.threatened else 0.0) + party.decree * pp.decree.retaliation_boost
            log_odds = violence.strike_log_odds(
                pp.strikes.baseline_prob_per_day, party.pressure, pp.strikes.pressure_weight,
                self.trust(party.index, party.adversary.index), pp.strikes.distrust_weight, boost, restraint[p])
            strikes.append(violence.decide(s[f"strike/{party.actor_id}"], log_odds, alive))
        struck_by: dict[int, np.ndarray] = {}
        for p, party in enumerate(self.parties):
            hit = strikes[p]
            victim = party.adversary
            civilians = poisson_from_uniform(s[f"strike_casualties/{party.actor_id}"],
                                             hit * party.params.strikes.civilian_casualties_per_strike)
            victim.civilians_suffered += civilians
            victim.casualties_suffered += civilians
            for g in self.groups:
                if g.host is victim:
                    g.damage = 1.0 - (1.0 - g.damage) * (1.0 - party.params.strikes.sanctuary_damage_per_strike * hit)
            self._observe(victim.index, party.index, hostility=hit * (
                lw.violation_evidence + lw.broken_commitment_evidence * self.agreement))
            struck_by.setdefault(self.parties.index(victim), np.zeros(n, dtype=bool))
            struck_by[self.parties.index(victim)] |= hit
            # Provoked if an attack hurt the striker on one of the window's days (today included).
            recently_attacked = party.last_attacked_day > day - self.window_ring.shape[0]
            self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "spoiler_attack", hit & (self.chain == 0) & recently_attacked)
            self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "cross_border_strike", hit)
            casualties_total += civilians
            self.counters["strikes"] += hit
            self.counters["civilian_casualties"] += civilians

        # The party struck decides whether to hit back at its adversary's forces.
        retaliations = []
        for v, party in enumerate(self.parties):
            pp = party.params
            hit = struck_by.get(v, np.zeros(n, dtype=bool))
            striker = party.adversary
            log_odds = violence.retaliation_log_odds(
                pp.retaliation.baseline_prob, party.resentment, pp.retaliation.resentment_weight,
                self.trust(party.index, striker.index), pp.retaliation.distrust_weight,
                party.decree * pp.decree.retaliation_boost, restraint[v])
            back = violence.decide(s[f"retaliation/{party.actor_id}"], log_odds, alive & hit)
            hurt = poisson_from_uniform(s[f"retaliation_casualties/{party.actor_id}"],
                                        back * pp.retaliation.casualties_per_retaliation)
            striker.casualties_suffered += hurt
            self._observe(striker.index, party.index, hostility=back * (
                lw.violation_evidence + lw.broken_commitment_evidence * self.agreement))
            self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "retaliation", back)
            retaliations.append(back)
            casualties_total += hurt
            self.counters["retaliations"] += back
            self.counters["retaliation_casualties"] += hurt

        # Domestic politics, then the decree hazard on today's resentment.
        for v, party in enumerate(self.parties):
            dp = party.params.domestic
            party.pressure = domestic.pressure_after(party.pressure, party.casualties_suffered,
                                                     dp.casualties_per_unit_pressure, dp.pressure_half_life_days)
            party.support = domestic.support_after(party.support, party.civilians_suffered, dp.rally_per_civilian_casualty,
                                                   retaliations[v], party.params.retaliation.prestige_gain)
            party.resentment = domestic.resentment_after(party.resentment, party.civilians_suffered,
                                                         dp.resentment_per_civilian_casualty,
                                                         dp.resentment_half_life_days)
            dec = party.params.decree
            issued = domestic.decree_issued(s[f"decree/{party.actor_id}"], party.decree, dec.hazard_per_day,
                                            party.resentment, dec.resentment_weight, dec.fixed_day, day, alive)
            if issued.any():
                party.decree |= issued
                party.decree_day = np.where(issued, day, party.decree_day)
                self._observe(party.adversary.index, party.index, hostility=lw.decree_evidence * issued)
                self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "jihad_decree", issued)
                if self._timeline is not None and issued[self._timeline_index]:
                    self._event("jihad_decree", party.actor_id, party.adversary.actor_id, {})

        # Open war: within the window after a collapse with no restart, a constant daily hazard h with
        # 1 - (1 - h)^window = declare_prob_on_collapse.
        for p, party in enumerate(self.parties):
            threat = party.params.open_war
            if not threat.threatened:
                continue
            window = threat.decision_window_days
            hazard = 1.0 - np.power(1.0 - np.asarray(threat.declare_prob_on_collapse, dtype=float), 1.0 / window)
            eligible = alive & ~self.talks_active & ~self.agreement & (day <= party.threat_deadline)
            declared = eligible & (s[f"open_war/{party.actor_id}"] < hazard)
            if declared.any():
                self.open_war_today |= declared
                self.open_war_by = np.where(declared & (self.open_war_by < 0), p, self.open_war_by)
                # A calm spell since the collapse may have cleared the chain: restore its first link.
                self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "talks_collapse",
                                                                     declared)
                if self._timeline is not None and declared[self._timeline_index]:
                    self._event("open_war", party.actor_id, party.adversary.actor_id, {})

        # Armed groups: strike damage heals, backlash recruits, an agreed crackdown is carried out (or not).
        for g in self.groups:
            gp = g.params
            host_half_life = g.host.params.domestic.resentment_half_life_days
            g.damage = domestic.decay(g.damage, gp.sanctuary_recovery_half_life_days)
            g.recruitment = domestic.decay(g.recruitment, host_half_life) + (
                gp.recruitment_per_civilian_casualty * g.host.civilians_suffered)
            if gp.crackdown_issue is not None:
                willingness = g.crackdown_level * (1.0 - gp.ideological_alignment * (1.0 - g.host.params.regional_pressure))
                done = alive & self.agreement & (s[f"crackdown/{g.actor_id}"] < willingness)
                g.capacity = g.capacity * (1.0 - gp.crackdown_effect_per_day * done)
                self._observe(g.target.index, g.host.index, cooperation=lw.kept_commitment_evidence * done)
                # The group sees its host turn on it: hostile evidence, weighted like a violation.
                self._observe(g.index, g.host.index, hostility=lw.violation_evidence * done)

        # Violations, compliance evidence and the state of the ceasefire.
        state_violation = np.zeros(n, dtype=bool)
        for p, party in enumerate(self.parties):
            violated = strikes[p] | retaliations[p]
            state_violation |= violated
            for other in self.parties:
                if other is not party:
                    self._observe(other.index, party.index, cooperation=lw.compliance_evidence_per_day * (alive & ~violated))
        violation_events = sum(strikes) + sum(retaliations) + spoiler_violation
        self.counters["violations"] += violation_events * alive
        self.window_count = breakdown.update_window(self.window_ring, self.window_count,
                                                    day % self.window_ring.shape[0], state_violation & alive)
        shock = alive & (s["shock"] < self.rules_of_ceasefire.background_breakdown_prob_per_day)
        self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "open_war", self.open_war_today & alive)
        self.chain, self.chain_seen = breakdown.extend_chain(self.chain, self.chain_seen, "exogenous_shock", shock)
        sustained = self.window_count >= self.spec.ceasefire.breakdown_violation_days
        broken = alive & (sustained | shock | self.open_war_today)
        self.breakdown_day = np.where(broken, day, self.breakdown_day)
        self.cause = np.where(broken, self.chain, self.cause)
        calm = alive & ~broken & (self.window_count == 0)
        self.chain = np.where(calm, 0, self.chain)
        self.chain_seen = np.where(calm, 0, self.chain_seen)
        self.alive = alive & ~broken

        st = breakdown.status(self.alive, self.window_count)
        self.status_counts[day] = np.bincount(st, minlength=3)[:3]
        totals = self.daily_totals
        totals["attacks"][day] = attacks_total.sum()
        totals["strikes"][day] = sum(int(x.sum()) for x in strikes)
        totals["retaliations"][day] = sum(int(x.sum()) for x in retaliations)
        totals["casualties"][day] = casualties_total.sum()
        totals["violations"][day] = (violation_events * alive).sum()
        self._record_day(st, attacks_total, strikes, retaliations, casualties_total)
        if self._timeline is not None:
            self._timeline_day(attacks_total, casualties_total, strikes, retaliations, broken)

    # ------------------------------------------------------------------ recording

    def _setup_recording(self, trajectory_replications: int) -> None:
        self._traj_local = np.flatnonzero(self.replication_ids < trajectory_replications)
        self._traj_pairs = [(p.index, j) for p in self.parties for j in range(len(self.actor_ids)) if j != p.index]
        names = [f"trust.{self.actor_ids[i]}.{self.actor_ids[j]}" for i, j in self._traj_pairs]
        self.trajectory_series = names + ["attacks", "strikes", "retaliations", "casualties", "status", "progress"]
        self._traj = None
        if self._traj_local.size:
            self._traj = np.zeros((self.horizon_days + 1, len(self.trajectory_series), self._traj_local.size),
                                  dtype=np.float32)
            self._record_trust(0)
            self._traj[0, -2] = breakdown.HOLDING
        hits = np.flatnonzero(self.replication_ids == 0)
        self._timeline_index = int(hits[0]) if hits.size else -1
        self._timeline: list[dict[str, Any]] | None = [] if hits.size else None

    def _record_trust(self, day: int) -> None:
        loc = self._traj_local
        for s, (i, j) in enumerate(self._traj_pairs):
            self._traj[day, s] = trust.trust_mean(
                self.prior_cooperation[i, j, loc], self.prior_hostility[i, j, loc], self.cooperation[i, j, loc],
                self.hostility[i, j, loc], self.retention if np.ndim(self.retention) == 0 else self.retention[loc],
                self.day, self.reference_day)

    def _record_day(self, st, attacks_total, strikes, retaliations, casualties_total) -> None:
        if self._traj is None:
            return
        loc, day, k = self._traj_local, self.day, len(self._traj_pairs)
        self._record_trust(day)
        self._traj[day, k] = attacks_total[loc]
        self._traj[day, k + 1] = sum(x[loc] for x in strikes)
        self._traj[day, k + 2] = sum(x[loc] for x in retaliations)
        self._traj[day, k + 3] = casualties_total[loc]
        self._traj[day, k + 4] = st[loc]
        self._traj[day, k + 5] = self.progress[loc]

    def _event(self, kind: str, actor: str | None, target: str | None, detail: dict[str, Any]) -> None:
        self._timeline.append({"day": self.day, "event": kind, "actor": actor, "target": target, **detail})

    def _timeline_day(self, attacks_total, casualties_total, strikes, retaliations, broken) -> None:
        i = self._timeline_index
        if attacks_total[i]:
            self._event("spoiler_attack", None, None, {"attacks": int(attacks_total[i]),
                                                       "casualties": int(casualties_total[i])})
        for p, party in enumerate(self.parties):
            if strikes[p][i]:
                self._event("cross_border_strike", party.actor_id, party.adversary.actor_id, {})
            if retaliations[p][i]:
                self._event("retaliation", party.actor_id, party.adversary.actor_id, {})
        if broken[i]:
            self._event("breakdown", None, None, {"cause": breakdown.decode_chain(self.cause[i])})

    # ------------------------------------------------------------------ running

    def run(self) -> BatchOutput:
        """Run to the horizon and return the outcomes."""
        self.run_until(float(self.horizon_days))
        return self.output()

    def check_invariants(self) -> None:
        """Cheap end-of-block checks: trust and progress are finite probabilities.

        Raises
        ------
        ModelInvariantError
            Naming the quantity and a replication where it failed.
        """
        checks = {"trust": self.trust_matrix(), "talk progress": self.progress}
        for party in self.parties:
            checks[f"support of {party.actor_id}"] = party.support
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
        columns: dict[str, np.ndarray] = {
            "breakdown_day": self.breakdown_day.copy(),
            "cause_code": self.cause.copy(),
            "agreement": self.agreement.copy(),
            "agreement_day": self.agreement_day.copy(),
        }
        for name, values in self.counters.items():
            columns[name] = values.copy()
        columns["casualties"] = (self.counters["attack_casualties"] + self.counters["civilian_casualties"]
                                 + self.counters["retaliation_casualties"])
        for party in self.parties:
            columns[f"decree_day.{party.actor_id}"] = party.decree_day.copy()
        matrix = self.trust_matrix()
        for i, j in self._traj_pairs:
            columns[f"trust.{self.actor_ids[i]}.{self.actor_ids[j]}"] = matrix[i, j].copy()
        for path, values in self.sampled_parameters.items():
            columns[f"param.{path}"] = np.asarray(values, dtype=float)
        trajectories = {"replications": self.replication_ids[self._traj_local], "series": self.trajectory_series,
                        "values": self._traj}
        return BatchOutput(
            replications=self.replication_ids.copy(), columns=columns, status_counts=self.status_counts.copy(),
            daily_totals={k: v.copy() for k, v in self.daily_totals.items()}, talk_outcomes=dict(self.talk_outcomes),
            trajectories=trajectories, timeline=self._timeline)
