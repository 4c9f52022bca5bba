"""Scenario numbers as model inputs, stacked by actor kind.

Every numeric field of an actor becomes one array with a row per actor of its
kind and a column per replication: parties (P, R), armed groups (G, R),
mediators (M, R); a single column (A, 1), which broadcasts, when no actor of
the kind draws that field. A field written as a distribution is drawn once per
replication, by inversion of a uniform from a stream named after the field's
path (see :func:`sim.model.streams.parameter_uniforms`), so each uncertain
parameter's draws are the same whatever the others are; a plain number fills
its row. Whole-scenario blocks (talks, mediation effects, learning, the
ceasefire's rules) hold floats or arrays of shape (R,).

Integer and categorical fields (days, issue and actor references, switches)
cannot be drawn and are stored once per actor, shape (A,); -1 stands for "none".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Self

import numpy as np

from ..scenario.distributions import is_distribution
from ..scenario.schema import ArmedGroup, Mediator, Party, Scenario, Spec
from .streams import parameter_uniforms

NONE = -1
"""Stands for an absent day, issue or actor in integer parameter arrays."""


class ParameterSampler:
    """Draws a scenario's distributions for a set of replications and remembers what it drew.

    Parameters
    ----------
    seed : int
        The run's seed.
    replications : ndarray of int, shape (R,)
        Global replication indices.
    """

    def __init__(self, seed: int, replications: np.ndarray) -> None:
        self.seed = seed
        self.replications = replications
        self.sampled: dict[str, np.ndarray] = {}

    def value(self, value: Any, path: str) -> Any:
        """A number as given, or a distribution's draws, shape (R,)."""
        if is_distribution(value):
            drawn = value.ppf(parameter_uniforms(self.seed, self.replications, path))
            self.sampled[path] = drawn
            return drawn
        return value


@dataclass
class Block:
    """A group of numeric fields read from the same place in each actor's (or the scenario's) spec.

    Subclasses declare their fields with the schema's names; :meth:`stacked`
    fills each with an array (A, R) over actors, or (A, 1) when no actor draws
    the field from a distribution, and :meth:`single` with a float or an array
    (R,) for a whole-scenario block.
    """

    @classmethod
    def stacked(cls, specs: Sequence[Spec], paths: Sequence[str], sampler: ParameterSampler) -> Self:
        n = sampler.replications.size
        values = {}
        for f in fields(cls):
            drawn = [sampler.value(getattr(spec, f.name), f"{path}.{f.name}") for spec, path in zip(specs, paths)]
            # A field no actor draws stays one column wide: the rules then work on A numbers, not A x R.
            rows = np.empty((len(specs), n if any(np.ndim(v) for v in drawn) else 1))
            for k, v in enumerate(drawn):
                rows[k] = v
            values[f.name] = rows
        return cls(**values)

    @classmethod
    def single(cls, spec: Spec, path: str, sampler: ParameterSampler) -> Self:
        return cls(**{f.name: sampler.value(getattr(spec, f.name), f"{path}.{f.name}") for f in fields(cls)})


# ----------------------------------------------------------------------------- parties

@dataclass
class StrikeParameters(Block):
    """Cross-border strikes, (P, R)."""

    baseline_prob_per_day: np.ndarray
    pressure_weight: np.ndarray
    distrust_weight: np.ndarray
    civilian_casualties_per_strike: np.ndarray
    sanctuary_damage_per_strike: np.ndarray


@dataclass
class RetaliationParameters(Block):
    """Hitting back after a strike, (P, R)."""

    baseline_prob: np.ndarray
    resentment_weight: np.ndarray
    distrust_weight: np.ndarray
    casualties_per_retaliation: np.ndarray
    prestige_gain: np.ndarray


@dataclass
class DomesticParameters(Block):
    """Domestic politics, (P, R)."""

    casualties_per_unit_pressure: np.ndarray
    pressure_half_life_days: np.ndarray
    initial_support: np.ndarray
    rally_per_civilian_casualty: np.ndarray
    support_tolerance_weight: np.ndarray
    resentment_per_civilian_casualty: np.ndarray
    resentment_half_life_days: np.ndarray


@dataclass
class DelegationParameters(Block):
    """The negotiating delegation, (P, R)."""

    principal_override_prob: np.ndarray
    walkout_propensity: np.ndarray


@dataclass
class DecreeParameters(Block):
    """The jihad decree, (P, R); ``fixed_day`` (P,) is the day it is certain, or NONE."""

    hazard_per_day: np.ndarray
    resentment_weight: np.ndarray
    retaliation_boost: np.ndarray


@dataclass
class OpenWarParameters(Block):
    """The open-war threat, (P, R)."""

    strike_boost: np.ndarray
    declare_prob_on_collapse: np.ndarray


@dataclass
class PartyCoreParameters(Block):
    """Bargaining strength and costs, (P, R)."""

    military_strength: np.ndarray
    war_cost: np.ndarray
    cost_tolerance: np.ndarray
    regional_pressure: np.ndarray
    sucker_cost: np.ndarray


@dataclass
class PartyParameters:
    """Every party's parameters, stacked: float arrays (P, R), integer and switch arrays (P,).

    Attributes
    ----------
    priorities : ndarray, shape (P, K)
        Issue weights normalized to sum to 1.
    positions, hardline_positions : ndarray, shape (P, K, 1)
        Ideal points; hardline ones where the principal overrides (the ordinary ones if not listed).
    strength_share : ndarray, shape (P, R)
        Military strength over the parties' total (equal shares if the total is 0).
    decree_fixed_day, war_decision_window_days : ndarray of int, shape (P,)
    war_threatened : ndarray of bool, shape (P,)
    """

    core: PartyCoreParameters
    strikes: StrikeParameters
    retaliation: RetaliationParameters
    domestic: DomesticParameters
    delegation: DelegationParameters
    decree: DecreeParameters
    open_war: OpenWarParameters
    priorities: np.ndarray
    positions: np.ndarray
    hardline_positions: np.ndarray
    strength_share: np.ndarray
    decree_fixed_day: np.ndarray
    war_threatened: np.ndarray
    war_decision_window_days: np.ndarray


def _party_parameters(specs: list[Party], paths: list[str], issues: list[str], sampler: ParameterSampler
                      ) -> PartyParameters:
    def sub(cls: type[Block], name: str | None) -> Any:
        if name is None:
            return cls.stacked(specs, paths, sampler)
        return cls.stacked([getattr(s, name) for s in specs], [f"{p}.{name}" for p in paths], sampler)

    n_parties = len(specs)
    priorities = np.zeros((n_parties, len(issues)))
    positions = np.zeros((n_parties, len(issues), 1))
    hardline = np.zeros((n_parties, len(issues), 1))
    for p, spec in enumerate(specs):
        weights = np.array([spec.priorities.get(k, 0.0) for k in issues])
        priorities[p] = weights / weights.sum()
        positions[p, :, 0] = [spec.positions[k] for k in issues]
        hardline[p, :, 0] = [spec.hardline_positions.get(k, spec.positions[k]) for k in issues]
    core = sub(PartyCoreParameters, None)
    strength = core.military_strength
    total = strength.sum(axis=0)
    share = np.where(total > 0, strength / np.where(total > 0, total, 1.0), 1.0 / n_parties)
    return PartyParameters(
        core=core,
        strikes=sub(StrikeParameters, "strikes"),
        retaliation=sub(RetaliationParameters, "retaliation"),
        domestic=sub(DomesticParameters, "domestic"),
        delegation=sub(DelegationParameters, "delegation"),
        decree=sub(DecreeParameters, "decree"),
        open_war=sub(OpenWarParameters, "open_war"),
        priorities=priorities,
        positions=positions,
        hardline_positions=hardline,
        strength_share=share,
        decree_fixed_day=np.array([NONE if s.decree.fixed_day is None else s.decree.fixed_day for s in specs],
                                  dtype=np.int64),
        war_threatened=np.array([s.open_war.threatened for s in specs], dtype=bool),
        war_decision_window_days=np.array([s.open_war.decision_window_days for s in specs], dtype=np.int64),
    )


# ----------------------------------------------------------------------------- armed groups

@dataclass
class GroupParameters(Block):
    """Every armed group's parameters, (G, R); ``crackdown_issue`` (G,) is an issue index or NONE."""

    attack_rate_per_day: np.ndarray
    casualties_per_attack: np.ndarray
    sanctuary: np.ndarray
    sanctuary_recovery_half_life_days: np.ndarray
    spoiler_sensitivity: np.ndarray
    ideological_alignment: np.ndarray
    crackdown_effect_per_day: np.ndarray
    decree_multiplier: np.ndarray
    recruitment_per_civilian_casualty: np.ndarray


# ----------------------------------------------------------------------------- mediators

@dataclass
class MediatorCoreParameters(Block):
    """Leverage and monitoring, (M, R)."""

    leverage: np.ndarray
    monitoring: np.ndarray


@dataclass
class InducementParameters(Block):
    """Inducements on offer, (M, R)."""

    value: np.ndarray


@dataclass
class EngagementParameters(Block):
    """Joining the table, (M, R)."""

    join_prob: np.ndarray


@dataclass
class LastDitchParameters(Block):
    """Restarting collapsed talks, (M, R)."""

    restart_prob: np.ndarray


STYLES = ("facilitation", "formulation", "manipulation")


@dataclass
class MediatorParameters:
    """Every mediator's parameters, stacked: float arrays (M, R), integer and switch arrays (M,).

    Attributes
    ----------
    style : ndarray of bool, shape (3, M)
        One row per style of :data:`STYLES`.
    bias : ndarray, shape (P, M)
        Each mediator's tilt toward each party, normalized over parties (even if it lists none).
    inducement_issue : ndarray of int, shape (M,)
        Issue index the inducement is tied to, or NONE.
    inducement_conditional : ndarray of bool, shape (M,)
    engaged_from_day, join_after_stalled_rounds : ndarray of int, shape (M,)
        NONE where not given.
    restart_delay_days : ndarray of int, shape (M,)
    restart_new_venue : ndarray of bool, shape (M,)
    """

    core: MediatorCoreParameters
    inducement: InducementParameters
    engagement: EngagementParameters
    last_ditch: LastDitchParameters
    style: np.ndarray
    bias: np.ndarray
    inducement_issue: np.ndarray
    inducement_conditional: np.ndarray
    engaged_from_day: np.ndarray
    join_after_stalled_rounds: np.ndarray
    restart_delay_days: np.ndarray
    restart_new_venue: np.ndarray


def _mediator_parameters(specs: list[Mediator], paths: list[str], party_ids: list[str], issue_index: Mapping[str, int],
                         sampler: ParameterSampler) -> MediatorParameters:
    def sub(cls: type[Block], name: str | None) -> Any:
        if name is None:
            return cls.stacked(specs, paths, sampler)
        return cls.stacked([getattr(s, name) for s in specs], [f"{p}.{name}" for p in paths], sampler)

    tilt = np.array([[m.bias.get(pid, 0.0) for m in specs] for pid in party_ids], dtype=float).reshape(
        len(party_ids), len(specs))
    tilt[:, tilt.sum(axis=0) == 0] = 1.0
    tilt = tilt / tilt.sum(axis=0, keepdims=True)

    def optional(values: list[int | None]) -> np.ndarray:
        return np.array([NONE if v is None else v for v in values], dtype=np.int64)

    return MediatorParameters(
        core=sub(MediatorCoreParameters, None),
        inducement=sub(InducementParameters, "inducement"),
        engagement=sub(EngagementParameters, "engagement"),
        last_ditch=sub(LastDitchParameters, "last_ditch"),
        style=np.array([[m.style == style for m in specs] for style in STYLES], dtype=bool).reshape(3, len(specs)),
        bias=tilt,
        inducement_issue=optional([None if m.inducement.issue is None else issue_index[m.inducement.issue]
                                   for m in specs]),
        inducement_conditional=np.array([m.inducement.conditional_on_compliance for m in specs], dtype=bool),
        engaged_from_day=optional([m.engagement.from_day for m in specs]),
        join_after_stalled_rounds=optional([m.engagement.join_after_stalled_rounds for m in specs]),
        restart_delay_days=np.array([m.last_ditch.restart_delay_days for m in specs], dtype=np.int64),
        restart_new_venue=np.array([m.last_ditch.new_venue for m in specs], dtype=bool),
    )


# ----------------------------------------------------------------------------- whole scenario

@dataclass
class LearningParameters(Block):
    """Trust updating (floats or (R,))."""

    memory_half_life_days: Any
    compliance_evidence_per_day: Any
    violation_evidence: Any
    attack_attribution: Any
    walkout_evidence: Any
    talk_evidence: Any
    kept_commitment_evidence: Any
    broken_commitment_evidence: Any
    decree_evidence: Any


@dataclass
class TalkParameters(Block):
    """Talk rounds (floats or (R,)); ``max_stalled_rounds`` is an integer."""

    acceptance_temperature: Any
    walkout_margin: Any
    progress_per_round: Any
    walkout_setback: Any
    new_venue_bonus: Any
    manipulation_weight: Any


@dataclass
class MediationEffectParameters(Block):
    """How much mediation restrains violations (floats or (R,))."""

    leverage_restraint: Any
    monitoring_restraint: Any
    inducement_restraint: Any
    agreement_restraint: Any


@dataclass
class Parameters:
    """All of a scenario's numbers for one set of replications.

    Attributes
    ----------
    sampled : dict[str, ndarray]
        Draws of every distribution, by field path, shape (R,) each.
    """

    parties: PartyParameters
    groups: GroupParameters
    group_crackdown_issue: np.ndarray
    mediators: MediatorParameters
    learning: LearningParameters
    talks: TalkParameters
    max_stalled_rounds: int
    mediation: MediationEffectParameters
    background_breakdown_prob_per_day: Any
    spoiler_attacks_are_violations: bool
    breakdown_window_days: int
    breakdown_violation_days: int
    sampled: dict[str, np.ndarray]


def build_parameters(scenario: Scenario, sampler: ParameterSampler) -> Parameters:
    """Stack a validated scenario's numbers by actor kind, drawing its distributions."""
    issues = list(scenario.issues)
    issue_index = {k: i for i, k in enumerate(issues)}
    by_kind: dict[type, tuple[list[Any], list[str]]] = {Party: ([], []), ArmedGroup: ([], []), Mediator: ([], [])}
    for aid, spec in scenario.actors.items():
        specs, paths = by_kind[type(spec)]
        specs.append(spec)
        paths.append(f"actors.{aid}")
    party_specs, party_paths = by_kind[Party]
    group_specs, group_paths = by_kind[ArmedGroup]
    mediator_specs, mediator_paths = by_kind[Mediator]
    party_ids = [p.removeprefix("actors.") for p in party_paths]
    # Each distribution is drawn from its own stream, named after its path: the order here does not matter.
    parties = _party_parameters(party_specs, party_paths, issues, sampler)
    groups = GroupParameters.stacked(group_specs, group_paths, sampler)
    mediators = _mediator_parameters(mediator_specs, mediator_paths, party_ids, issue_index, sampler)
    rules = scenario.ceasefire
    return Parameters(
        parties=parties,
        groups=groups,
        group_crackdown_issue=np.array([NONE if g.crackdown_issue is None else issue_index[g.crackdown_issue]
                                        for g in group_specs], dtype=np.int64),
        mediators=mediators,
        learning=LearningParameters.single(scenario.trust_learning, "trust_learning", sampler),
        talks=TalkParameters.single(scenario.talks, "talks", sampler),
        max_stalled_rounds=scenario.talks.max_stalled_rounds,
        mediation=MediationEffectParameters.single(scenario.mediation, "mediation", sampler),
        background_breakdown_prob_per_day=sampler.value(rules.background_breakdown_prob_per_day,
                                                        "ceasefire.background_breakdown_prob_per_day"),
        spoiler_attacks_are_violations=rules.spoiler_attacks_are_violations,
        breakdown_window_days=rules.breakdown_window_days,
        breakdown_violation_days=rules.breakdown_violation_days,
        sampled=sampler.sampled,
    )
