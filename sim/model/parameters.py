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

    def whole(self, value: Any, path: str) -> Any:
        """A count of days or rounds: the number or each replication's draw, rounded to an integer; None stays None."""
        if value is None:
            return None
        drawn = self.value(value, path)
        return np.rint(drawn).astype(np.int64) if np.ndim(drawn) else int(round(drawn))


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
    casualty_elasticity: np.ndarray
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
    lag_mean_days: np.ndarray


@dataclass
class DomesticParameters(Block):
    """Domestic politics, (P, R)."""

    reference_casualties_30d: np.ndarray
    initial_support: np.ndarray
    rally_per_civilian_casualty: np.ndarray
    support_tolerance_weight: np.ndarray
    resentment_per_civilian_casualty: np.ndarray
    resentment_half_life_days: np.ndarray


@dataclass
class DelegationParameters(Block):
    """The negotiating delegation, (P, R)."""

    principal_override_prob: np.ndarray
    concession_per_round: np.ndarray
    walkout_propensity: np.ndarray


@dataclass
class DecreeParameters(Block):
    """The jihad decree, (P, R); ``fixed_day`` (P,) is the day it is certain, or NONE."""

    hazard_per_day: np.ndarray
    resentment_weight: np.ndarray
    retaliation_boost: np.ndarray


@dataclass
class OpenWarParameters(Block):
    """The open-war decision, (P, R)."""

    strike_boost: np.ndarray
    baseline_prob_per_day: np.ndarray
    casualty_elasticity: np.ndarray
    strikes_suffered_weight: np.ndarray
    distrust_weight: np.ndarray
    talks_failed_boost: np.ndarray
    threat_boost: np.ndarray
    support_weight: np.ndarray


@dataclass
class PartyInitialParameters(Block):
    """The situation on day 0 left by the fighting before the ceasefire, (P, R)."""

    casualties_last_30_days: np.ndarray
    strikes_suffered_last_30_days: np.ndarray
    resentment: np.ndarray


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
    decree_fixed_day : ndarray of int, shape (P, R) or (P, 1)
        Day of a certain decree, NONE if none.
    war_threatened : ndarray of bool, shape (P,)
    """

    core: PartyCoreParameters
    strikes: StrikeParameters
    retaliation: RetaliationParameters
    domestic: DomesticParameters
    delegation: DelegationParameters
    decree: DecreeParameters
    open_war: OpenWarParameters
    initial: PartyInitialParameters
    priorities: np.ndarray
    positions: np.ndarray
    hardline_positions: np.ndarray
    strength_share: np.ndarray
    decree_fixed_day: np.ndarray
    war_threatened: np.ndarray


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
        initial=sub(PartyInitialParameters, "initial_state"),
        priorities=priorities,
        positions=positions,
        hardline_positions=hardline,
        strength_share=share,
        decree_fixed_day=whole_rows([s.decree.fixed_day for s in specs], [f"{p}.decree.fixed_day" for p in paths],
                                    sampler),
        war_threatened=np.array([s.open_war.threatened for s in specs], dtype=bool),
    )


def whole_rows(values: Sequence[Any], paths: Sequence[str], sampler: ParameterSampler) -> np.ndarray:
    """Counts of days or rounds for actors of one kind, (A, R) or (A, 1) if none is drawn; NONE for None."""
    drawn = [sampler.whole(v, path) for v, path in zip(values, paths)]
    rows = np.full((len(drawn), sampler.replications.size if any(np.ndim(v) for v in drawn) else 1), NONE,
                   dtype=np.int64)
    for k, v in enumerate(drawn):
        if v is not None:
            rows[k] = v
    return rows


# ----------------------------------------------------------------------------- armed groups

@dataclass
class GroupParameters(Block):
    """Every armed group's parameters, (G, R); see :class:`GroupExtras` for the rest."""

    attack_rate_per_day: np.ndarray
    casualties_per_attack: np.ndarray
    grievance_sensitivity: np.ndarray
    betrayal_sensitivity: np.ndarray
    signing_surge: np.ndarray
    sanctuary: np.ndarray
    sanctuary_recovery_half_life_days: np.ndarray
    initial_sanctuary_damage: np.ndarray
    spoiler_sensitivity: np.ndarray
    ideological_alignment: np.ndarray
    crackdown_effect_per_day: np.ndarray
    decree_multiplier: np.ndarray
    recruitment_per_civilian_casualty: np.ndarray


@dataclass
class GroupExtras:
    """Armed groups' parameters that are not plain numbers.

    Attributes
    ----------
    attack_dispersion, casualty_dispersion : list of (ndarray or float or None), length G
        Negative binomial shapes, None for Poisson.
    priorities : ndarray, shape (G, K)
        Normalized priorities (0 rows for a group with none).
    positions : ndarray, shape (G, K)
        Positions on the issues it has; NaN where it states none (those issues do not count).
    signing_window_days : ndarray of int, shape (G, R) or (G, 1)
    """

    attack_dispersion: list[Any]
    casualty_dispersion: list[Any]
    priorities: np.ndarray
    positions: np.ndarray
    signing_window_days: np.ndarray


def _group_extras(specs: list[ArmedGroup], paths: list[str], issues: list[str], sampler: ParameterSampler
                  ) -> GroupExtras:
    priorities = np.zeros((len(specs), len(issues)))
    positions = np.full((len(specs), len(issues)), np.nan)
    for g, spec in enumerate(specs):
        for k, issue in enumerate(issues):
            if issue in spec.positions:
                positions[g, k] = spec.positions[issue]
                priorities[g, k] = spec.priorities.get(issue, 0.0)
        total = priorities[g].sum()
        priorities[g] = priorities[g] / total if total > 0 else 0.0
    return GroupExtras(
        attack_dispersion=[sampler.value(s.attack_dispersion, f"{p}.attack_dispersion") for s, p in zip(specs, paths)],
        casualty_dispersion=[sampler.value(s.casualty_dispersion, f"{p}.casualty_dispersion")
                             for s, p in zip(specs, paths)],
        priorities=priorities,
        positions=positions,
        signing_window_days=whole_rows([s.signing_window_days for s in specs],
                                       [f"{p}.signing_window_days" for p in paths], sampler),
    )


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
    """Re-opening collapsed talks, (M, R)."""

    restart_prob: np.ndarray
    restart_delay_days: np.ndarray


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
    engaged_from_day : ndarray of int, shape (M, R) or (M, 1)
        NONE where not given.
    join_after_stalled_rounds : ndarray of int, shape (M, R) or (M, 1)
        NONE where the mediator never joins.
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
        engaged_from_day=whole_rows([m.engagement.start_day for m in specs],
                                    [f"{p}.engagement.from_day" for p in paths], sampler),
        join_after_stalled_rounds=whole_rows([m.engagement.join_after_stalled_rounds for m in specs],
                                             [f"{p}.engagement.join_after_stalled_rounds" for p in paths], sampler),
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
    """Talk rounds (floats or (R,))."""

    acceptance_temperature: Any
    walkout_margin: Any
    progress_per_session: Any
    walkout_setback: Any
    new_venue_bonus: Any
    manipulation_weight: Any
    agreement_strength: Any
    proposal_interval_days: Any
    restart_fatigue: Any


@dataclass
class CollapseParameters(Block):
    """The hazard that a failed round ends the talks (floats or (R,))."""

    first_failure_prob: Any
    per_failed_round: Any
    walkout_log_odds: Any
    progress_weight: Any
    facilitation_weight: Any


@dataclass
class TalkSchedule:
    """Each replication's calendar of rounds, sorted by day.

    Attributes
    ----------
    days : ndarray of int, shape (C, R)
        Day of each scheduled round (its date plus its drawn delay), per replication, ascending; rounds past
        the horizon keep their day and are never reached.
    sessions : ndarray of int, shape (C, R)
        Days of sessions of each round.
    """

    days: np.ndarray
    sessions: np.ndarray

    @classmethod
    def from_scenario(cls, scenario: Scenario, sampler: ParameterSampler) -> TalkSchedule:
        n = sampler.replications.size
        entries = scenario.talks.calendar
        days = np.zeros((len(entries), n), dtype=np.int64)
        sessions = np.zeros((len(entries), n), dtype=np.int64)
        for i, entry in enumerate(entries):
            base = entry.day if entry.day is not None else (entry.date - scenario.start_date).days
            slip = sampler.value(entry.delay_days, f"talks.calendar.{i}.delay_days")
            days[i] = base + np.floor(slip).astype(np.int64)
            sessions[i] = entry.sessions
        order = np.argsort(days, axis=0, kind="stable")
        return cls(days=np.take_along_axis(days, order, axis=0), sessions=np.take_along_axis(sessions, order, axis=0))


@dataclass
class MediationEffectParameters(Block):
    """How much mediation restrains violations (floats or (R,))."""

    leverage_restraint: Any
    monitoring_restraint: Any
    inducement_restraint: Any
    agreement_restraint: Any


@dataclass
class DurabilityParameters(Block):
    """How the way a deal was reached shapes its durability (floats or (R,))."""

    leverage_half_life_days: Any
    regret_weight: Any
    imposed_fragility: Any


@dataclass
class IncidentParameters(Block):
    """Kinds of incident, (I, R) or (I, 1)."""

    rate_per_day: np.ndarray
    casualties_mean: np.ndarray
    suspension_prob: np.ndarray
    resumption_days: np.ndarray


@dataclass
class Incidents:
    """The scenario's kinds of incident.

    Attributes
    ----------
    ids : list of str
    numbers : IncidentParameters
    victim : ndarray of int, shape (I,)
        Party index of each kind's victim.
    counts_as_violation : ndarray of bool, shape (I,)
    """

    ids: list[str]
    numbers: IncidentParameters
    victim: np.ndarray
    counts_as_violation: np.ndarray


@dataclass
class Expiry:
    """The ceasefire's end date: day (R,) or (1,), NONE if open-ended; extension probability and length."""

    day: np.ndarray
    extension_prob: Any
    extension_days: Any


def _expiry(scenario: Scenario, sampler: ParameterSampler) -> Expiry:
    spec = scenario.ceasefire.expiry
    if spec is None:
        return Expiry(day=np.array([NONE]), extension_prob=0.0, extension_days=np.array([1]))
    day = (spec.date - scenario.start_date).days if spec.date is not None else sampler.whole(
        spec.day, "ceasefire.expiry.day")
    return Expiry(day=np.atleast_1d(np.asarray(day, dtype=np.int64)),
                  extension_prob=sampler.value(spec.extension_prob, "ceasefire.expiry.extension_prob"),
                  extension_days=np.atleast_1d(sampler.whole(spec.extension_days, "ceasefire.expiry.extension_days")))


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
    group_extras: GroupExtras
    group_crackdown_issue: np.ndarray
    mediators: MediatorParameters
    learning: LearningParameters
    talks: TalkParameters
    collapse: CollapseParameters
    schedule: TalkSchedule
    mediation: MediationEffectParameters
    durability: DurabilityParameters
    ceasefire_strength: Any
    third_party_pressure: Any
    background_breakdown_prob_per_day: Any
    attacks_count_as_violations: str
    attribution_prob_per_attack: Any
    provocation_ratio: Any
    breakdown_window_days: Any
    breakdown_violation_days: Any
    expiry: Expiry
    incidents: Incidents
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
    window = sampler.whole(rules.breakdown_window_days, "ceasefire.breakdown_window_days")
    return Parameters(
        parties=parties,
        groups=groups,
        group_extras=_group_extras(group_specs, group_paths, issues, sampler),
        group_crackdown_issue=np.array([NONE if g.crackdown_issue is None else issue_index[g.crackdown_issue]
                                        for g in group_specs], dtype=np.int64),
        mediators=mediators,
        learning=LearningParameters.single(scenario.trust_learning, "trust_learning", sampler),
        talks=TalkParameters.single(scenario.talks, "talks", sampler),
        collapse=CollapseParameters.single(scenario.talks.collapse, "talks.collapse", sampler),
        schedule=TalkSchedule.from_scenario(scenario, sampler),
        mediation=MediationEffectParameters.single(scenario.mediation, "mediation", sampler),
        durability=DurabilityParameters.single(scenario.durability, "durability", sampler),
        ceasefire_strength=sampler.value(rules.strength, "ceasefire.strength"),
        third_party_pressure=sampler.value(rules.third_party_pressure, "ceasefire.third_party_pressure"),
        background_breakdown_prob_per_day=sampler.value(rules.background_breakdown_prob_per_day,
                                                        "ceasefire.background_breakdown_prob_per_day"),
        attacks_count_as_violations=rules.attacks_count_as_violations,
        attribution_prob_per_attack=sampler.value(rules.attribution_prob_per_attack,
                                                  "ceasefire.attribution_prob_per_attack"),
        provocation_ratio=sampler.value(rules.provocation_ratio, "ceasefire.provocation_ratio"),
        expiry=_expiry(scenario, sampler),
        incidents=Incidents(
            ids=list(rules.incidents),
            numbers=IncidentParameters.stacked(list(rules.incidents.values()),
                                               [f"ceasefire.incidents.{k}" for k in rules.incidents], sampler),
            victim=np.array([party_ids.index(i.victim) for i in rules.incidents.values()], dtype=np.int64),
            counts_as_violation=np.array([i.counts_as_violation for i in rules.incidents.values()], dtype=bool),
        ),
        breakdown_window_days=window,
        breakdown_violation_days=np.minimum(sampler.whole(rules.breakdown_violation_days,
                                                          "ceasefire.breakdown_violation_days"), window),
        sampled=sampler.sampled,
    )
