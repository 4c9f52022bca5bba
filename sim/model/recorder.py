"""The recorder: turns each phase's events into counters, daily totals, trajectories and a timeline.

No rule records anything: the model hands the recorder what each phase
returned, and the recorder keeps

- per-replication counters (attacks, strikes, casualties, walk-outs, ...);
- status counts and sums over replications of each daily series;
- talk-round outcomes by day;
- daily trajectories of the first few replications (trust, violence, status, progress);
- the timeline of events of replication 0, if this instance holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .parameters import Parameters
from .state import State, Topology
from .submodels.armed_groups import Attacks
from .submodels.breakdown import HOLDING, Breakdown, OpenWar, decode_chain
from .submodels.domestic import Decrees
from .submodels.talks import TalkRound
from .submodels.violence import Retaliations, Strikes

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


class Recorder:
    """Everything recorded about a run of R replications.

    Parameters
    ----------
    topology : Topology
    state : State
        The state on day 0.
    replication_ids : ndarray of int, shape (R,)
        Global replication indices.
    horizon_days : int
    trajectory_replications : int
        Record daily trajectories for replications with global index below this.
    """

    def __init__(self, topology: Topology, state: State, replication_ids: np.ndarray, horizon_days: int,
                 trajectory_replications: int) -> None:
        n = replication_ids.size
        self.topology = topology
        self.replication_ids = replication_ids
        self.counters = {name: np.zeros(n, dtype=np.int64) for name in COUNTERS}
        self.status_counts = np.zeros((horizon_days + 1, 3), dtype=np.int64)
        self.status_counts[0, HOLDING] = n
        self.daily_totals = {name: np.zeros(horizon_days + 1) for name in DAILY_SERIES}
        self.talk_outcomes: dict[int, dict[str, int]] = {}

        actors = topology.actor_ids
        self.trust_pairs = [(int(i), j) for i in topology.party_actor for j in range(len(actors)) if j != i]
        self._observers = np.array([i for i, _ in self.trust_pairs], dtype=np.int64)
        self._observed = np.array([j for _, j in self.trust_pairs], dtype=np.int64)
        self.trust_columns = [f"trust.{actors[i]}.{actors[j]}" for i, j in self.trust_pairs]
        self.trajectory_series = self.trust_columns + ["attacks", "strikes", "retaliations", "casualties", "status",
                                                       "progress"]
        self._traj_local = np.flatnonzero(replication_ids < trajectory_replications)
        self._traj: np.ndarray | None = None
        if self._traj_local.size:
            self._traj = np.zeros((horizon_days + 1, len(self.trajectory_series), self._traj_local.size),
                                  dtype=np.float32)
            self._record_trust(state, 0)
            self._traj[0, -2] = HOLDING
        hits = np.flatnonzero(replication_ids == 0)
        self._timeline_index = int(hits[0]) if hits.size else -1
        self.timeline: list[dict[str, Any]] | None = [] if hits.size else None

    # ----------------------------------------------------------------- talk days

    def talk_round(self, day: int, talks: TalkRound, state: State) -> None:
        """Count a round's outcomes and, for replication 0, describe it."""
        held, walk = talks.held, talks.walkouts
        overridden = talks.overridden & held
        self.counters["talk_rounds"] += held
        self.counters["walkouts"] += walk.sum(axis=0) * held
        self.counters["principal_overrides"] += overridden.sum(axis=0)
        self.talk_outcomes[day] = {
            "rounds": int(held.sum()),
            "agreements": int(talks.agreed.sum()),
            "walkouts": int(talks.any_walkout.sum()),
            "rejections": int((held & ~talks.agreed & ~talks.any_walkout).sum()),
            "collapses": int(talks.collapsed.sum()),
            "restarts": int(talks.restarted.sum()),
            "overrides": int(overridden.any(axis=0).sum()),
        }
        i = self._timeline_index
        if self.timeline is None or not held[i]:
            return
        outcome = ("agreement" if talks.agreed[i] else "walkout" if talks.any_walkout[i] else
                   "collapse" if talks.collapsed[i] else "no agreement")
        detail: dict[str, Any] = {"outcome": outcome}
        detail.update({f"offer.{k}": round(float(talks.offer[x, i]), 3) for x, k in enumerate(self.topology.issue_ids)})
        who = [pid for p, pid in enumerate(self.topology.party_ids) if walk[p, i]]
        if who:
            detail["walked_out"] = ", ".join(who)
        self._event(day, "talk_round", None, None, detail)
        if talks.restarted[i]:
            self._event(day, "talks_restart", None, None, {"next_round_day": int(talks.next_round_day[i])})

    # ----------------------------------------------------------------- every day

    def strike_day(self, day: int, state: State, attacks: Attacks, strikes: Strikes, retaliations: Retaliations,
                   decrees: Decrees, open_war: OpenWar, breakdown: Breakdown) -> None:
        """Record a day's violence and the ceasefire's status."""
        counters = self.counters
        attacks_total = attacks.attacks.sum(axis=0)
        strikes_total = strikes.strikes.sum(axis=0)
        retaliations_total = retaliations.retaliations.sum(axis=0)
        casualties_total = (attacks.casualties.sum(axis=0) + strikes.civilian_casualties.sum(axis=0)
                            + retaliations.casualties.sum(axis=0))
        counters["attacks"] += attacks_total
        counters["attack_casualties"] += attacks.casualties.sum(axis=0)
        counters["strikes"] += strikes_total
        counters["civilian_casualties"] += strikes.civilian_casualties.sum(axis=0)
        counters["retaliations"] += retaliations_total
        counters["retaliation_casualties"] += retaliations.casualties.sum(axis=0)
        counters["violations"] += breakdown.violation_events
        self.status_counts[day] = np.bincount(breakdown.status, minlength=3)[:3]
        totals = self.daily_totals
        totals["attacks"][day] = attacks_total.sum()
        totals["strikes"][day] = strikes_total.sum()
        totals["retaliations"][day] = retaliations_total.sum()
        totals["casualties"][day] = casualties_total.sum()
        totals["violations"][day] = breakdown.violation_events.sum()
        if self._traj is not None:
            loc, k = self._traj_local, len(self.trust_pairs)
            self._record_trust(state, day)
            self._traj[day, k] = attacks_total[loc]
            self._traj[day, k + 1] = strikes_total[loc]
            self._traj[day, k + 2] = retaliations_total[loc]
            self._traj[day, k + 3] = casualties_total[loc]
            self._traj[day, k + 4] = breakdown.status[loc]
            self._traj[day, k + 5] = state.talks.progress[loc]
        if self.timeline is not None:
            self._timeline_day(day, state, attacks, strikes, retaliations, decrees, open_war, breakdown)

    def _record_trust(self, state: State, day: int) -> None:
        assert self._traj is not None
        self._traj[day, :len(self.trust_pairs)] = state.trust.mean_at(self._observers, self._observed,
                                                                      self._traj_local)

    def _event(self, day: int, kind: str, actor: str | None, target: str | None, detail: dict[str, Any]) -> None:
        assert self.timeline is not None
        self.timeline.append({"day": day, "event": kind, "actor": actor, "target": target, **detail})

    def _timeline_day(self, day: int, state: State, attacks: Attacks, strikes: Strikes, retaliations: Retaliations,
                      decrees: Decrees, open_war: OpenWar, breakdown: Breakdown) -> None:
        i, parties = self._timeline_index, self.topology.party_ids
        adversary = [parties[a] for a in self.topology.adversary]
        for p, pid in enumerate(parties):
            if decrees.issued[p, i]:
                self._event(day, "jihad_decree", pid, adversary[p], {})
        for p, pid in enumerate(parties):
            if open_war.declared[p, i]:
                self._event(day, "open_war", pid, adversary[p], {})
        groups, target = self.topology.group_ids, self.topology.target
        for g, gid in enumerate(groups):
            if attacks.attacks[g, i]:
                detail: dict[str, Any] = {"attacks": int(attacks.attacks[g, i]),
                                          "casualties": int(attacks.casualties[g, i])}
                if attacks.attributed[g, i]:
                    detail["attributed_to"] = parties[self.topology.host[g]]
                self._event(day, "spoiler_attack", gid, parties[target[g]], detail)
        for p, pid in enumerate(parties):
            if strikes.strikes[p, i]:
                self._event(day, "cross_border_strike", pid, adversary[p], {})
            if retaliations.retaliations[p, i]:
                self._event(day, "retaliation", pid, adversary[p], {})
        if breakdown.broken[i]:
            self._event(day, "breakdown", None, None, {"cause": decode_chain(state.ceasefire.cause[i])})

    # ----------------------------------------------------------------- output

    def output(self, state: State, parameters: Parameters) -> BatchOutput:
        """Per-replication outcomes and aggregates as they stand now."""
        ceasefire, talks = state.ceasefire, state.talks
        columns: dict[str, np.ndarray] = {
            "breakdown_day": ceasefire.breakdown_day.copy(),
            "cause_code": ceasefire.cause.copy(),
            "agreement": talks.agreement.copy(),
            "agreement_day": talks.agreement_day.copy(),
        }
        for name, values in self.counters.items():
            columns[name] = values.copy()
        columns["casualties"] = (self.counters["attack_casualties"] + self.counters["civilian_casualties"]
                                 + self.counters["retaliation_casualties"])
        for p, pid in enumerate(self.topology.party_ids):
            columns[f"decree_day.{pid}"] = state.parties.decree_day[p].copy()
        matrix = state.trust.matrix()
        for name, (i, j) in zip(self.trust_columns, self.trust_pairs):
            columns[name] = matrix[i, j].copy()
        for path, values in parameters.sampled.items():
            columns[f"param.{path}"] = np.asarray(values, dtype=float)
        trajectories = {"replications": self.replication_ids[self._traj_local], "series": self.trajectory_series,
                        "values": self._traj}
        return BatchOutput(
            replications=self.replication_ids.copy(), columns=columns, status_counts=self.status_counts.copy(),
            daily_totals={k: v.copy() for k, v in self.daily_totals.items()}, talk_outcomes=dict(self.talk_outcomes),
            trajectories=trajectories, timeline=self.timeline)
