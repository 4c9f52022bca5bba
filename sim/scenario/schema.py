"""The scenario schema: every number the model uses, with its unit, range and default.

A scenario file is validated against :class:`Scenario`. Field descriptions are
the reference documentation (the README's format reference is generated from
them by ``python -m sim.scenario.reference``), so each one states meaning and
unit; ``ge``/``le`` give the allowed range and ``plausible`` a range outside of
which the loader warns. Numeric fields typed :data:`Number` accept a plain
number or a distribution (see :mod:`sim.scenario.distributions`) drawn once per
replication.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from .distributions import Distribution, is_distribution
from .inert import inert_parameter_warnings

_DISTRIBUTION_ADAPTER: TypeAdapter = TypeAdapter(Distribution)


def _parse_number(value: Any) -> Any:
    if isinstance(value, Mapping):
        try:
            return _DISTRIBUTION_ADAPTER.validate_python(dict(value))
        except ValidationError as exc:
            details = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'][1:]) or 'dist'}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(
                f"not a valid distribution ({details}); expected dist: beta (a, b[, low, high]), "
                "uniform (low, high), triangular (low, mode, high) or normal (mean, sd, low, high)"
            ) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a number or a distribution such as {dist: uniform, low: 0.2, high: 0.4}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError("expected a finite number (not .nan, .inf or beyond 1e308)")
    return number


def _dump_number(value: Any) -> Any:
    if is_distribution(value):
        return value.model_dump(by_alias=True)
    return value


Number = Annotated[
    Any,
    PlainValidator(_parse_number),
    PlainSerializer(_dump_number),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "object", "required": ["dist"]}]}),
]
"""A plain number or a distribution drawn once per replication."""

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


def quantity(
    default: Any,
    *,
    unit: str,
    doc: str,
    ge: float | None = None,
    le: float | None = None,
    plausible: tuple[float, float] | None = None,
) -> Any:
    """A documented numeric field: ``unit``, allowed [ge, le], and a plausible range that warns."""
    extra: dict[str, Any] = {"unit": unit, "ge": ge, "le": le}
    if plausible is not None:
        extra["plausible"] = list(plausible)
    return Field(default, description=doc, json_schema_extra=extra)


def _fmt(x: float) -> str:
    return f"{x:g}"


class Spec(BaseModel):
    """Base of every scenario block: unknown keys are errors; numeric ranges are checked."""

    # Strict: "1000" is not a number nor 1 a boolean, however YAML was written; dates stay lax (a quoted
    # "2025-10-19" is still a date). Non-finite numbers are refused everywhere.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True,
                              allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _in_range(cls, value: Any, info: Any) -> Any:
        extra = cls.model_fields[info.field_name].json_schema_extra
        if not isinstance(extra, dict) or "unit" not in extra:
            return value
        lo, hi = extra["ge"], extra["le"]
        lo_s = "-inf" if lo is None else _fmt(lo)
        hi_s = "inf" if hi is None else _fmt(hi)
        if is_distribution(value):
            a, b = value.support()
            if (lo is not None and a < lo) or (hi is not None and b > hi):
                raise ValueError(f"distribution support [{_fmt(a)}, {_fmt(b)}] is not within [{lo_s}, {hi_s}]")
        elif isinstance(value, (int, float)):
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise ValueError(f"is not in [{lo_s}, {hi_s}]")
        return value

    def doubtful_values(self, path: tuple = ()) -> list[tuple[tuple, Any, str]]:
        """Values that are legal but outside the field's plausible range, recursively."""
        found: list[tuple[tuple, Any, str]] = []
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            key = field.alias or name
            extra = field.json_schema_extra
            if isinstance(extra, dict) and "plausible" in extra and value is not None:
                lo, hi = extra["plausible"]
                centre = value.mean() if is_distribution(value) else value
                if isinstance(centre, (int, float)) and not lo <= centre <= hi:
                    found.append(
                        (path + (key,), value, f"legal but doubtful: usually within [{_fmt(lo)}, {_fmt(hi)}]"
                         f" {extra['unit']}")
                    )
            for sub_key, sub in _children(value):
                found.extend(sub.doubtful_values(path + (key,) + sub_key))
        return found


def _children(value: Any) -> list[tuple[tuple, Spec]]:
    if isinstance(value, Spec):
        return [((), value)]
    if isinstance(value, Mapping):
        return [((k,), v) for k, v in value.items() if isinstance(v, Spec)]
    if isinstance(value, (list, tuple)):
        return [((i,), v) for i, v in enumerate(value) if isinstance(v, Spec)]
    return []


# --------------------------------------------------------------------------- shared blocks


class TrustSpec(Spec):
    """An actor's initial belief that another actor will cooperate (a Beta belief)."""

    initial: Number = quantity(
        0.5, unit="probability", ge=0.0, le=1.0,
        doc="Initial trust: the believed probability that the other actor cooperates on a given day.",
    )
    certainty: Number = quantity(
        4.0, unit="pseudo-observations", ge=0.1, le=10000.0, plausible=(0.5, 500.0),
        doc="How firmly the initial trust is held: the weight of prior evidence (Beta a + b). "
        "Higher values make trust slower to move.",
    )


class TrustLearningSpec(Spec):
    """How every actor learns trust from what it observes, and forgets (Beta belief with decay)."""

    memory_half_life_days: Number = quantity(
        60.0, unit="days", ge=1.0, le=100000.0, plausible=(5.0, 3650.0),
        doc="Evidence loses half its weight after this many days; the belief drifts back to its prior.",
    )
    compliance_evidence_per_day: Number = quantity(
        0.05, unit="pseudo-observations/day", ge=0.0, le=10.0,
        doc="Cooperative evidence a party gains about the other on each day the other commits no violation.",
    )
    violation_evidence: Number = quantity(
        1.0, unit="pseudo-observations/event", ge=0.0, le=100.0,
        doc="Hostile evidence from each strike or retaliation suffered.",
    )
    attack_attribution: Number = quantity(
        0.15, unit="pseudo-observations/attack", ge=0.0, le=10.0,
        doc="Hostile evidence the target of an armed group's attack attributes to the group's host, per "
        "attack, before monitoring (spoilers exploit this: Kydd and Walter 2002).",
    )
    walkout_evidence: Number = quantity(
        0.5, unit="pseudo-observations/event", ge=0.0, le=100.0,
        doc="Hostile evidence that every other negotiator gains about an actor that walks out.",
    )
    talk_evidence: Number = quantity(
        0.3, unit="pseudo-observations/round", ge=0.0, le=100.0,
        doc="Cooperative evidence each party gains about the other in a round without walk-out, "
        "scaled by the facilitation the mediators provide (0 without mediators).",
    )
    kept_commitment_evidence: Number = quantity(
        0.2, unit="pseudo-observations/day", ge=0.0, le=100.0,
        doc="Cooperative evidence the target party gains on each day the host carries out an agreed crackdown "
        "(the armed group, for its part, gains hostile evidence about its host, weighted by violation_evidence).",
    )
    broken_commitment_evidence: Number = quantity(
        2.0, unit="pseudo-observations/event", ge=0.0, le=100.0,
        doc="Extra hostile evidence from a violation committed after an agreement was signed.",
    )
    decree_evidence: Number = quantity(
        5.0, unit="pseudo-observations/event", ge=0.0, le=100.0,
        doc="Hostile evidence the adversary gains when a party's leader declares jihad.",
    )


# --------------------------------------------------------------------------- parties


class StrikeSpec(Spec):
    """When a party strikes across the border (a state violation of the ceasefire)."""

    baseline_prob_per_day: Number = quantity(
        0.01, unit="probability/day", ge=0.0, le=1.0, plausible=(0.0, 0.3),
        doc="Daily probability of a cross-border strike with no domestic pressure, neutral trust (0.5) "
        "and no mediation.",
    )
    casualty_elasticity: Number = quantity(
        1.0, unit="log-odds per unit of ln(1 + casualties/reference)", ge=0.0, le=20.0,
        doc="Elasticity of the odds of striking with respect to casualties suffered in the last 30 days: the "
        "log-odds rise by this times ln(1 + C30 / domestic.reference_casualties_30d), so that far above the "
        "reference a doubling of casualties multiplies the odds by 2^elasticity.",
    )
    distrust_weight: Number = quantity(
        2.0, unit="log-odds per unit distrust", ge=0.0, le=20.0,
        doc="How much distrust of the adversary (trust below 0.5) raises the log-odds of striking.",
    )
    civilian_casualties_per_strike: Number = quantity(
        3.0, unit="people/strike", ge=0.0, le=1000.0,
        doc="Mean civilian casualties (killed and wounded) of one strike, Poisson distributed.",
    )
    sanctuary_damage_per_strike: Number = quantity(
        0.05, unit="fraction", ge=0.0, le=1.0,
        doc="Fraction of each hosted armed group's sanctuary destroyed by one strike on its host.",
    )


class RetaliationSpec(Spec):
    """How a party hits back after a strike on its territory (e.g. border attacks on posts)."""

    baseline_prob: Number = quantity(
        0.3, unit="probability/hit suffered", ge=0.0, le=1.0,
        doc="Probability of deciding to hit back after a strike or a retaliation on the party's territory, with "
        "no resentment and neutral trust.",
    )
    resentment_weight: Number = quantity(
        1.0, unit="log-odds per unit resentment", ge=0.0, le=20.0,
        doc="How much accumulated resentment (from civilian casualties) raises the log-odds of retaliating.",
    )
    distrust_weight: Number = quantity(
        1.0, unit="log-odds per unit distrust", ge=0.0, le=20.0,
        doc="How much distrust of the striker (trust below 0.5) raises the log-odds of retaliating.",
    )
    casualties_per_retaliation: Number = quantity(
        4.0, unit="people/retaliation", ge=0.0, le=1000.0,
        doc="Mean casualties the retaliation inflicts on the striker's forces, Poisson distributed.",
    )
    prestige_gain: Number = quantity(
        0.02, unit="support/retaliation", ge=0.0, le=1.0,
        doc="Rise in the party's domestic support from each retaliation (seen as a strong response).",
    )
    lag_mean_days: Number = quantity(
        1.0, unit="days", ge=0.0, le=60.0, plausible=(0.0, 14.0),
        doc="Mean delay from the decision to hit back to the retaliation: the delay is the whole part of an "
        "exponential draw with this mean (0 = the same day; 1 gives the same day with probability 0.63).",
    )


class DomesticSpec(Spec):
    """Domestic pressure, support and resentment: the backlash loop."""

    reference_casualties_30d: Number = quantity(
        50.0, unit="people per 30 days", ge=0.1, le=100000.0,
        doc="Casualties suffered in the last 30 days at which domestic pressure to act is ln 2 (pressure = "
        "ln(1 + C30 / reference)): the level the public takes as the ordinary cost of the conflict.",
    )
    initial_support: Number = quantity(
        0.5, unit="share", ge=0.0, le=1.0,
        doc="Initial domestic support for the party's leadership.",
    )
    rally_per_civilian_casualty: Number = quantity(
        0.002, unit="support/person", ge=0.0, le=1.0,
        doc="Rise in domestic support per civilian casualty suffered from the adversary's strikes "
        "(rally round the flag).",
    )
    support_tolerance_weight: Number = quantity(
        1.0, unit="tolerance/support", ge=0.0, le=10.0,
        doc="How much a rise in domestic support above its initial level raises the party's cost tolerance.",
    )
    resentment_per_civilian_casualty: Number = quantity(
        0.05, unit="resentment/person", ge=0.0, le=100.0,
        doc="Resentment toward the adversary per civilian casualty suffered.",
    )
    resentment_half_life_days: Number = quantity(
        30.0, unit="days", ge=0.5, le=100000.0,
        doc="Resentment halves after this many days.",
    )


class DelegationSpec(Spec):
    """The negotiating delegation, bound by its principal."""

    principal_override_prob: Number = quantity(
        0.1, unit="probability/round", ge=0.0, le=1.0,
        doc="Probability that the principal's instructions move the delegation to its hardline "
        "positions for a round.",
    )
    concession_per_round: Number = quantity(
        0.1, unit="fraction/round", ge=0.0, le=1.0,
        doc="After each failed round the delegation concedes this share of what still separates its position "
        "from the adversary's, on every issue (Zeuthen-style concessions); hardline instructions ignore it.",
    )
    walkout_propensity: Number = quantity(
        0.2, unit="probability/round", ge=0.0, le=1.0,
        doc="Probability of walking out of a round whose proposal falls short of the party's "
        "reservation value by more than the talks' walk-out margin.",
    )


class DecreeSpec(Spec):
    """A leader's declaration of jihad against the adversary (escalation trigger)."""

    hazard_per_day: Number = quantity(
        0.0, unit="probability/day", ge=0.0, le=1.0, plausible=(0.0, 0.05),
        doc="Daily probability of a decree with no resentment.",
    )
    resentment_weight: Number = quantity(
        0.0, unit="probability/day per unit resentment", ge=0.0, le=1.0,
        doc="Added daily probability of a decree per unit of resentment toward the adversary.",
    )
    fixed_day: Number | None = quantity(
        None, unit="days", ge=1.0, le=3650.0,
        doc="Day on which the decree is issued for certain (a what-if; rounded to a day, may be drawn per "
        "replication); none by default.",
    )
    retaliation_boost: Number = quantity(
        1.0, unit="log-odds", ge=0.0, le=20.0,
        doc="Rise in the log-odds of retaliating (and striking) after a decree.",
    )


class OpenWarSpec(Spec):
    """Open war: a daily decision to abandon the ceasefire for sustained strikes, driven by the state.

    logit P(open war today) = logit(baseline_prob_per_day) + casualty_elasticity ln(1 + C30 / reference)
    + strikes_suffered_weight S30 + distrust_weight (1 - 2 trust) + talks_failed_boost [talks off]
    + threat_boost [threatened] + support_weight (support - initial support) - mediators' restraint.
    """

    threatened: bool = Field(False, description="Whether the party has publicly threatened open war (true/false).")
    strike_boost: Number = quantity(
        0.5, unit="log-odds", ge=0.0, le=20.0,
        doc="Rise in the log-odds of striking once the threat is made (commitment to act).",
    )
    baseline_prob_per_day: Number = quantity(
        0.0001, unit="probability/day", ge=0.0, le=1.0, plausible=(0.0, 0.01),
        doc="Daily probability of choosing open war with no casualties or strikes suffered, neutral trust, "
        "talks going on, no threat made and support at its initial level.",
    )
    casualty_elasticity: Number = quantity(
        0.5, unit="log-odds per unit of ln(1 + casualties/reference)", ge=0.0, le=20.0,
        doc="Rise in the log-odds of open war per unit of domestic pressure ln(1 + C30 / reference), C30 the "
        "casualties suffered in the last 30 days.",
    )
    strikes_suffered_weight: Number = quantity(
        0.3, unit="log-odds per strike", ge=0.0, le=20.0,
        doc="Rise in the log-odds of open war per strike or retaliation suffered in the last 30 days.",
    )
    distrust_weight: Number = quantity(
        1.0, unit="log-odds per unit distrust", ge=0.0, le=20.0,
        doc="How much distrust of the adversary (trust below 0.5) raises the log-odds of open war.",
    )
    talks_failed_boost: Number = quantity(
        1.5, unit="log-odds", ge=0.0, le=20.0,
        doc="Rise in the log-odds of open war while the talks are off (collapsed with no round due) and no "
        "agreement stands.",
    )
    threat_boost: Number = quantity(
        1.5, unit="log-odds", ge=0.0, le=20.0,
        doc="Rise in the log-odds of open war for a party that made the threat (its credibility: backing down "
        "costs face).",
    )
    support_weight: Number = quantity(
        2.0, unit="log-odds per unit support", ge=-20.0, le=20.0,
        doc="Change in the log-odds of open war per unit of domestic support above its initial level (a "
        "leadership that rallied the public can afford war).",
    )


class PartyInitialState(Spec):
    """What the fighting before the ceasefire left behind: the model does not start cold."""

    casualties_last_30_days: Number = quantity(
        0.0, unit="people", ge=0.0, le=1000000.0,
        doc="Casualties the party suffered in the 30 days before day 0 (they fill the 30-day window of domestic "
        "pressure, spread evenly over it).",
    )
    strikes_suffered_last_30_days: Number = quantity(
        0.0, unit="strikes", ge=0.0, le=30.0,
        doc="Days of strikes or retaliation suffered in the 30 days before day 0 (rounded; the most recent days "
        "of the 30-day window).",
    )
    resentment: Number = quantity(
        0.0, unit="resentment", ge=0.0, le=1000.0,
        doc="Resentment toward the adversary on day 0 (resentment_per_civilian_casualty times the civilian "
        "casualties suffered, less what has decayed).",
    )
    hostile_evidence: dict[Identifier, Number] = Field(
        default_factory=dict,
        description="Hostile pseudo-observations about other actors from the fighting before day 0 (actor id -> "
        "pseudo-observations); unlike the trust prior they fade with the memory half-life.",
    )


class Party(Spec):
    """A state or de facto authority that is party to the ceasefire."""

    role: Literal["party"] = Field(description="party: a state or de facto authority bound by the ceasefire.")
    name: str = Field(description="Display name.")
    adversary: Identifier = Field(description="The other party to the ceasefire (an actor id).")
    priorities: dict[Identifier, Annotated[float, Field(ge=0.0)]] = Field(
        description="Weight of each issue (issue id -> weight >= 0); normalized to sum to 1.",
    )
    positions: dict[Identifier, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        description="Ideal outcome on each issue, 0 (none) to 1 (maximal), e.g. 1 = full action against "
        "the armed group.",
    )
    hardline_positions: dict[Identifier, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict,
        description="Positions the principal instructs when it overrides the delegation (issue -> 0..1); "
        "issues not listed keep their ordinary position.",
    )
    trust: dict[Identifier, TrustSpec] = Field(
        default_factory=dict, description="Initial trust toward other actors (actor id -> trust)."
    )
    military_strength: Number = quantity(
        1.0, unit="relative strength", ge=0.0, le=1000.0,
        doc="Military capability relative to the adversary's; sets the share each expects from fighting.",
    )
    war_cost: Number = quantity(
        0.4, unit="utility", ge=0.0, le=1.0,
        doc="Cost of open war on the 0-1 utility scale of an agreement, before cost tolerance.",
    )
    cost_tolerance: Number = quantity(
        0.3, unit="fraction", ge=0.0, le=1.0,
        doc="Share of the cost of war the party shrugs off (high for veterans who withstand pressure).",
    )
    regional_pressure: Number = quantity(
        0.0, unit="fraction", ge=0.0, le=1.0,
        doc="Pressure from regional powers to act against hosted armed groups; reduces the cost of a "
        "crackdown and speeds its implementation.",
    )
    sucker_cost: Number = quantity(
        0.3, unit="utility", ge=0.0, le=1.0,
        doc="Loss if the party keeps an agreement that the other side breaks (commitment problem).",
    )
    initial_state: PartyInitialState = Field(
        default_factory=lambda: PartyInitialState(), description="The party's situation on day 0, from the fighting "
        "before the ceasefire.")
    strikes: StrikeSpec = Field(default_factory=StrikeSpec, description="Cross-border strikes.")
    retaliation: RetaliationSpec = Field(default_factory=RetaliationSpec, description="Retaliation.")
    domestic: DomesticSpec = Field(default_factory=DomesticSpec, description="Domestic politics.")
    delegation: DelegationSpec = Field(default_factory=DelegationSpec, description="Negotiating delegation.")
    decree: DecreeSpec = Field(default_factory=DecreeSpec, description="Jihad decree.")
    open_war: OpenWarSpec = Field(default_factory=OpenWarSpec, description="Open-war threat.")


# --------------------------------------------------------------------------- armed groups


class ArmedGroup(Spec):
    """A non-state armed group that can spoil the deal by attacking."""

    role: Literal["armed_group"] = Field(description="armed_group: a non-state group that can spoil the deal.")
    name: str = Field(description="Display name.")
    host: Identifier = Field(description="The party whose territory gives the group sanctuary.")
    target: Identifier = Field(description="The party the group attacks.")
    priorities: dict[Identifier, Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=dict, description="Weight of each issue (issue id -> weight >= 0)."
    )
    trust: dict[Identifier, TrustSpec] = Field(
        default_factory=dict, description="Initial trust toward other actors (actor id -> trust)."
    )
    positions: dict[Identifier, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict,
        description="What the group wants on the issues it cares about (issue id -> 0..1); a deal that moves "
        "away from these trades its stakes away.",
    )
    attack_rate_per_day: Number = quantity(
        1.0, unit="attacks/day", ge=0.0, le=1000.0, plausible=(0.0, 20.0),
        doc="Mean attacks per day with full sanctuary, no talks and no decree.",
    )
    attack_dispersion: Number | None = quantity(
        None, unit="shape", ge=0.01, le=10000.0,
        doc="Dispersion r of daily attack counts, negative binomial with variance mean + mean^2 / r (lower = "
        "burstier); null = Poisson.",
    )
    casualties_per_attack: Number = quantity(
        2.0, unit="people/attack", ge=0.0, le=1000.0,
        doc="Mean casualties (killed and wounded) per attack.",
    )
    casualty_dispersion: Number | None = quantity(
        None, unit="shape", ge=0.01, le=10000.0,
        doc="Dispersion r of casualties per attack, negative binomial (gamma-mixed Poisson) with variance "
        "mean + mean^2 / r: a small r gives many attacks with no casualties and a long tail of mass-casualty "
        "attacks; null = Poisson.",
    )
    grievance_sensitivity: Number = quantity(
        0.0, unit="rate multiplier per unit stake", ge=0.0, le=100.0,
        doc="Rise in the attack rate per unit of the group's stakes traded away by the proposal on the table "
        "(priority-weighted distance from its positions): rate x (1 + sensitivity x loss).",
    )
    betrayal_sensitivity: Number = quantity(
        0.0, unit="rate multiplier per unit trust lost", ge=0.0, le=100.0,
        doc="Rise in the attack rate per unit by which the group's trust in its host has fallen below its prior "
        "(a host that turns on it, e.g. by a crackdown).",
    )
    signing_surge: Number = quantity(
        0.0, unit="rate multiplier", ge=0.0, le=100.0,
        doc="Rise in the attack rate in the days around a signing: after an agreement, and before a round "
        "that could bring one (scaled by progress), within the signing window (Kydd and Walter 2002).",
    )
    signing_window_days: Number = quantity(
        14.0, unit="days", ge=1.0, le=365.0,
        doc="Days before a round and after a signing in which the signing surge applies (rounded).",
    )
    sanctuary: Number = quantity(
        1.0, unit="fraction", ge=0.0, le=1.0,
        doc="Initial share of the group's capacity that its sanctuary supports (1 = unhindered).",
    )
    sanctuary_recovery_half_life_days: Number = quantity(
        30.0, unit="days", ge=0.5, le=100000.0,
        doc="Damage to the sanctuary from strikes halves after this many days.",
    )
    initial_sanctuary_damage: Number = quantity(
        0.0, unit="fraction", ge=0.0, le=1.0,
        doc="Share of the sanctuary destroyed on day 0 by strikes before the ceasefire; it recovers.",
    )
    spoiler_sensitivity: Number = quantity(
        1.0, unit="rate multiplier per unit progress", ge=0.0, le=100.0,
        doc="How much talk progress raises the attack rate (rate x (1 + sensitivity x progress)); "
        "0 for a group indifferent to the talks (Stedman 1997: total spoilers are high).",
    )
    ideological_alignment: Number = quantity(
        0.5, unit="fraction", ge=0.0, le=1.0,
        doc="The host's ideological alignment with the group: the utility cost to the host of agreeing "
        "to a full crackdown, and how slowly it carries one out.",
    )
    crackdown_issue: Identifier | None = Field(
        None, description="Issue whose agreed level sets the host's crackdown on this group (issue id)."
    )
    crackdown_effect_per_day: Number = quantity(
        0.02, unit="fraction/day", ge=0.0, le=1.0,
        doc="Share of the remaining sanctuary removed on each day the host carries out the crackdown.",
    )
    decree_multiplier: Number = quantity(
        2.0, unit="rate multiplier", ge=1.0, le=100.0,
        doc="Attack-rate multiplier once the host's leader has declared jihad against the target.",
    )
    recruitment_per_civilian_casualty: Number = quantity(
        0.005, unit="rate multiplier per person", ge=0.0, le=10.0,
        doc="Rise in the attack-rate multiplier per civilian casualty of strikes on the host (backlash "
        "recruitment); decays with the host's resentment half-life.",
    )


# --------------------------------------------------------------------------- mediators


class EngagementSpec(Spec):
    """When a mediator is at the table."""

    from_day: Number | Literal["never"] | None = quantity(
        0.0, unit="days", ge=0.0, le=3650.0,
        doc="Day from which the mediator is engaged (0 = from the start; rounded, may be drawn per replication); "
        "never (or null in a file that extends none) = only by joining. In a file that extends another, null "
        "deletes the inherited value and so means the default, day 0: write never.",
    )
    @property
    def start_day(self) -> Any:
        """``from_day`` as a number or distribution, or None when the mediator comes only by joining."""
        return None if self.from_day == "never" else self.from_day

    join_after_stalled_rounds: Number | None = quantity(
        None, unit="rounds", ge=1.0, le=1000.0,
        doc="Consecutive failed rounds after which the mediator may join (rounded; may be drawn per "
        "replication); null = never joins.",
    )
    join_prob: Number = quantity(
        0.5, unit="probability/round", ge=0.0, le=1.0,
        doc="Probability of joining at each stalled round once the stall threshold is reached.",
    )


class InducementSpec(Spec):
    """Economic inducements (aid) offered for an agreement and for compliance."""

    value: Number = quantity(
        0.0, unit="utility", ge=0.0, le=1.0,
        doc="Value of the inducement on the 0-1 utility scale for a party whose top priority is its issue.",
    )
    issue: Identifier | None = Field(
        None, description="Issue the inducement serves (e.g. aid); its priority scales the value to each party."
    )
    conditional_on_compliance: bool = Field(
        True, description="Whether the inducement is lost by violating the ceasefire (deters strikes)."
    )


class LastDitchSpec(Spec):
    """A mediator's last effort after talks collapse: restart them, maybe elsewhere."""

    restart_prob: Number = quantity(
        0.0, unit="probability/collapse", ge=0.0, le=1.0,
        doc="Probability that the mediator, engaged when talks collapse, re-opens them (at every collapse, "
        "times talks.restart_fatigue for each earlier collapse).",
    )
    restart_delay_days: Number = quantity(
        7.0, unit="days", ge=1.0, le=3650.0,
        doc="Mean days from a collapse to the re-opened round: the delay is an exponential draw with this mean, "
        "rounded up, so talks may re-open at any later time.",
    )
    new_venue: bool = Field(False, description="Whether the restart moves talks to a new venue.")


class Mediator(Spec):
    """A third party that facilitates, formulates or manipulates (Touval and Zartman 1985)."""

    role: Literal["mediator"] = Field(description="mediator: a third party at or near the table.")
    name: str = Field(description="Display name.")
    priorities: dict[Identifier, Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=dict, description="Weight of each issue (issue id -> weight >= 0)."
    )
    trust: dict[Identifier, TrustSpec] = Field(
        default_factory=dict, description="Initial trust toward other actors (actor id -> trust)."
    )
    style: Literal["facilitation", "formulation", "manipulation"] = Field(
        "facilitation", description="Preferred style: facilitation, formulation or manipulation."
    )
    leverage: Number = quantity(
        0.3, unit="fraction", ge=0.0, le=1.0,
        doc="Capacity to reward and punish the parties (Beardsley 2008): restrains strikes and, with a "
        "manipulation style, pushes parties to accept.",
    )
    bias: dict[Identifier, Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=dict,
        description="Tilt toward each party (party id -> weight >= 0, normalized); equal if empty (Kydd 2003).",
    )
    monitoring: Number = quantity(
        0.0, unit="fraction", ge=0.0, le=1.0,
        doc="Monitoring and guarantees: share of misattribution removed, of the commitment problem "
        "insured, and a restraint on violations.",
    )
    inducement: InducementSpec = Field(default_factory=InducementSpec, description="Economic inducements.")
    engagement: EngagementSpec = Field(default_factory=EngagementSpec, description="When it is at the table.")
    last_ditch: LastDitchSpec = Field(default_factory=LastDitchSpec, description="Restarting collapsed talks.")


Actor = Annotated[Union[Party, ArmedGroup, Mediator], Field(discriminator="role")]


# --------------------------------------------------------------------------- talks and ceasefire


class IssueSpec(Spec):
    """An issue at stake in the talks."""

    description: str = Field("", description="What the issue is; 0 and 1 on its scale mean what.")


class TalkDate(Spec):
    """One scheduled talk round, by day from the start or by date."""

    day: int | None = Field(None, ge=1, description="Day of the round, counted from the start date (day 0).")
    date: dt.date | None = Field(None, strict=False, description="Date of the round (YYYY-MM-DD), instead of day.")
    venue: str = Field("", description="Where the round is held (for reports).")
    sessions: int = Field(
        1, ge=1, le=60,
        description="Days of sessions in this round: a meeting of several days is one round whose sessions add "
        "progress and chances to walk out [days].")
    delay_days: Number = quantity(
        0.0, unit="days", ge=0.0, le=365.0,
        doc="Slip of the round past its date (whole part; may be drawn per replication, e.g. a round that may "
        "be postponed).",
    )


class CollapseSpec(Spec):
    """The hazard that the talks collapse after a round without agreement.

    logit P(collapse) = logit(first_failure_prob) + per_failed_round (failed rounds - 1)
    + walkout_log_odds [walk-out] - progress_weight progress - facilitation_weight facilitation.
    """

    first_failure_prob: Number = quantity(
        0.1, unit="probability/round", ge=0.0, le=1.0,
        doc="Probability that the first failed round ends the talks, with no progress, no walk-out and no "
        "facilitation.",
    )
    per_failed_round: Number = quantity(
        0.5, unit="log-odds per round", ge=0.0, le=20.0,
        doc="Rise in the log-odds of collapse per further consecutive failed round (patience wears out).",
    )
    walkout_log_odds: Number = quantity(
        1.0, unit="log-odds", ge=0.0, le=20.0,
        doc="Rise in the log-odds of collapse when a delegation walked out of the round.",
    )
    progress_weight: Number = quantity(
        2.0, unit="log-odds per unit progress", ge=0.0, le=50.0,
        doc="Fall in the log-odds of collapse per unit of progress made (sunk effort, a deal in sight).",
    )
    facilitation_weight: Number = quantity(
        1.0, unit="log-odds per unit facilitation", ge=0.0, le=50.0,
        doc="Fall in the log-odds of collapse per unit of facilitation credible to the parties (their mean).",
    )


class TalksSpec(Spec):
    """The talk calendar and how rounds play out."""

    calendar: list[TalkDate] = Field(default_factory=list, description="Scheduled rounds, in any order.")
    collapse: CollapseSpec = Field(default_factory=lambda: CollapseSpec(),
                                   description="The hazard that a failed round ends the talks.")
    proposal_interval_days: Number = quantity(
        21.0, unit="days", ge=1.0, le=3650.0,
        doc="Past the calendar, mean days from a failed round to the next one proposed (an exponential draw, "
        "rounded up).",
    )
    restart_fatigue: Number = quantity(
        0.7, unit="multiplier per collapse", ge=0.0, le=1.0,
        doc="Each earlier collapse multiplies the mediators' probability of re-opening the talks by this.",
    )
    acceptance_temperature: Number = quantity(
        0.05, unit="utility", ge=0.001, le=10.0,
        doc="Noise in accepting: a proposal worth this much above the reservation value is accepted "
        "with probability 0.73 (logistic scale).",
    )
    walkout_margin: Number = quantity(
        0.1, unit="utility", ge=0.0, le=1.0,
        doc="Shortfall below the reservation value beyond which a delegation may walk out.",
    )
    progress_per_session: Number = quantity(
        0.1, unit="progress/session", ge=0.0, le=1.0,
        doc="Progress toward a deal from each day of sessions of a round without walk-out (progress lies in "
        "[0, 1]).",
    )
    walkout_setback: Number = quantity(
        0.5, unit="fraction", ge=0.0, le=1.0,
        doc="Share of the progress lost when a delegation walks out.",
    )
    new_venue_bonus: Number = quantity(
        0.05, unit="utility", ge=0.0, le=1.0,
        doc="Added value of a fresh start at a new venue, for the rounds held there.",
    )
    manipulation_weight: Number = quantity(
        0.15, unit="utility per unit leverage", ge=0.0, le=1.0,
        doc="Added acceptance value from manipulative mediators' leverage.",
    )
    agreement_strength: Number = quantity(
        0.5, unit="fraction", ge=0.0, le=1.0,
        doc="How specific and enforceable a deal signed in these talks would be (withdrawal lines, joint "
        "commissions, verification; Fortna 2003), 0 a vague pledge to 1 a detailed, monitored agreement.",
    )


class MediationEffectsSpec(Spec):
    """How engaged mediators restrain violence between the parties."""

    leverage_restraint: Number = quantity(
        1.5, unit="log-odds per unit leverage", ge=0.0, le=20.0,
        doc="Fall in the log-odds of strikes and retaliation per unit of engaged mediators' leverage, "
        "weighted by the party's trust in each mediator.",
    )
    monitoring_restraint: Number = quantity(
        1.5, unit="log-odds per unit monitoring", ge=0.0, le=20.0,
        doc="Fall in the log-odds of violations per unit of monitoring (violations are seen and costly).",
    )
    inducement_restraint: Number = quantity(
        4.0, unit="log-odds per unit inducement", ge=0.0, le=50.0,
        doc="Fall in the log-odds of violations per unit of conditional inducement value at stake.",
    )
    agreement_restraint: Number = quantity(
        1.0, unit="log-odds", ge=0.0, le=20.0,
        doc="Fall in the log-odds of violations under a fully specified, enforceable agreement (strength 1); "
        "scaled by ceasefire.strength before a deal and by talks.agreement_strength after one (Fortna 2003).",
    )


class DurabilitySpec(Spec):
    """How the way a deal was reached shapes its durability (Beardsley 2008; Werner and Yuen 2005)."""

    leverage_half_life_days: Number = quantity(
        60.0, unit="days", ge=1.0, le=100000.0, plausible=(7.0, 1000.0),
        doc="After signing, the value that mediators' leverage and inducements added to a deal halves every this "
        "many days, as their attention and aid fade (Beardsley 2008: deals bought with leverage last less).",
    )
    regret_weight: Number = quantity(
        10.0, unit="log-odds per unit utility", ge=0.0, le=200.0,
        doc="Rise in a party's log-odds of violating a signed deal per unit by which fighting now looks better "
        "than the deal (reservation value minus the deal's current value, when positive).",
    )
    imposed_fragility: Number = quantity(
        1.0, unit="log-odds per unit imposed share", ge=0.0, le=20.0,
        doc="Rise in the log-odds of violations per unit of the share of the parties' surplus that came from "
        "third-party pressure (Werner and Yuen 2005: imposed ceasefires fail more often).",
    )


class ExpirySpec(Spec):
    """A ceasefire with an end date, which the parties may extend; a signed deal replaces it."""

    day: Number | None = quantity(
        None, unit="days", ge=1.0, le=3650.0,
        doc="Day the ceasefire expires unless extended (rounded; may be drawn per replication); or give date.",
    )
    date: dt.date | None = Field(None, strict=False, description="Date the ceasefire expires, instead of day.")
    extension_prob: Number = quantity(
        0.5, unit="probability/expiry", ge=0.0, le=1.0,
        doc="Probability that the parties extend the ceasefire when it comes to expire (each time).",
    )
    extension_days: Number = quantity(
        30.0, unit="days", ge=1.0, le=3650.0,
        doc="Length of each extension (rounded; may be drawn per replication).",
    )


class IncidentSpec(Spec):
    """A kind of incident outside the parties' decisions (a landmine, a border clash) that may suspend the deal."""

    victim: Identifier = Field(description="The party that suffers the incident (a party id).")
    rate_per_day: Number = quantity(
        0.0, unit="probability/day", ge=0.0, le=1.0, plausible=(0.0, 0.2),
        doc="Daily probability of such an incident while the ceasefire holds.",
    )
    casualties_mean: Number = quantity(
        1.0, unit="people/incident", ge=0.0, le=1000.0,
        doc="Mean casualties of one incident (Poisson), suffered by the victim.",
    )
    counts_as_violation: bool = Field(
        False, description="Whether the incident counts as a violation day by the victim's adversary, toward breakdown.")
    suspension_prob: Number = quantity(
        0.0, unit="probability/incident", ge=0.0, le=1.0,
        doc="Probability that the victim suspends the ceasefire after the incident: mediators' agreement "
        "restraint lapses and talks pause until it resumes.",
    )
    resumption_days: Number = quantity(
        14.0, unit="days", ge=1.0, le=3650.0,
        doc="Mean days a suspension lasts (an exponential draw, rounded up).",
    )


class CeasefireSpec(Spec):
    """What counts as a violation and as a breakdown."""

    attacks_count_as_violations: Literal["never", "attributed", "always"] = Field(
        "never",
        description="When an armed group's attacks count as a violation by its host, toward breakdown: never; "
        "attributed (on days the target attributes them to the host, see attribution_prob_per_attack); or "
        "always.",
    )
    attribution_prob_per_attack: Number = quantity(
        0.05, unit="probability/attack", ge=0.0, le=1.0,
        doc="Probability that the target holds the host responsible for one attack (a day is attributed if any "
        "of its attacks is), before monitoring, which clears up attribution.",
    )
    provocation_ratio: Number = quantity(
        3.0, unit="multiple of the usual level", ge=1.0, le=1000.0,
        doc="A day's attack casualties provoke (a 'spoiler_attack' link in the cause chain of a strike within the "
        "breakdown window) when they exceed this multiple of the striker's usual daily attack casualties "
        "(a 30-day moving average).",
    )
    breakdown_window_days: Number = quantity(
        7.0, unit="days", ge=1.0, le=60.0,
        doc="Length of the rolling window for sustained fighting (rounded; may be drawn per replication).",
    )
    breakdown_violation_days: Number = quantity(
        3.0, unit="days", ge=1.0, le=60.0,
        doc="Days with a state violation (strike or retaliation) within the window that make the fighting "
        "sustained and end the ceasefire (rounded; may be drawn per replication).",
    )
    strength: Number = quantity(
        0.2, unit="fraction", ge=0.0, le=1.0,
        doc="How specific and enforceable the ceasefire itself is before any deal from the talks (Fortna 2003), "
        "0 a verbal truce to 1 a detailed, monitored arrangement.",
    )
    third_party_pressure: Number = quantity(
        0.0, unit="fraction", ge=0.0, le=1.0,
        doc="Share of the ceasefire's acceptance owed to outside pressure rather than the parties' own interest "
        "(Werner and Yuen 2005), for the ceasefire in force on day 0.",
    )
    background_breakdown_prob_per_day: Number = quantity(
        0.0, unit="probability/day", ge=0.0, le=1.0, plausible=(0.0, 0.01),
        doc="Daily probability of a breakdown from causes outside the model (exogenous shock).",
    )
    expiry: ExpirySpec | None = Field(None, description="End date and extensions; null = open-ended.")
    incidents: dict[Identifier, IncidentSpec] = Field(
        default_factory=dict, description="Kinds of incident (id -> incident) that may suspend the ceasefire.")


class Scenario(Spec):
    """A negotiation: the actors, the issues, the talk calendar and the rules of the ceasefire."""

    name: str = Field(min_length=1, max_length=200, description="Short name of the scenario.")
    description: str = Field("", description="What the scenario represents and why.")
    start_date: dt.date = Field(strict=False, description="Date of day 0, when the ceasefire starts (YYYY-MM-DD).")
    horizon_days: int = Field(180, ge=1, le=3650, description="Days simulated after the start [days].")
    issues: dict[Identifier, IssueSpec] = Field(min_length=1, description="Issues at stake (issue id -> description).")
    actors: dict[Identifier, Actor] = Field(min_length=1, description="Actors by id; each has a role: party, armed_group, mediator.")
    default_trust: TrustSpec = Field(
        default_factory=TrustSpec, description="Trust of any actor toward an actor it does not list."
    )
    trust_learning: TrustLearningSpec = Field(default_factory=TrustLearningSpec, description="Trust updating.")
    talks: TalksSpec = Field(default_factory=TalksSpec, description="Talk calendar and rounds.")
    mediation: MediationEffectsSpec = Field(default_factory=MediationEffectsSpec, description="Mediators' restraint.")
    durability: DurabilitySpec = Field(default_factory=DurabilitySpec,
                                       description="How the way a deal was reached shapes its durability.")
    ceasefire: CeasefireSpec = Field(default_factory=CeasefireSpec, description="Violations and breakdown.")
    # The file the scenario was loaded from, for reports; not part of the scenario's data.
    _source: str | None = PrivateAttr(None)

    @property
    def source(self) -> str | None:
        """The file this scenario was loaded from, if any."""
        return self._source

    def with_values(self, values: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with the values at dotted paths replaced; this one is unchanged.

        ``scenario.with_values({"actors.us.leverage": 0.8, "talks.acceptance_temperature": 0.08})``.
        Paths and values are checked like a scenario file (see :mod:`sim.scenario.overrides`); doubtful
        new values warn with :class:`~sim.scenario.loader.ScenarioWarning`.

        Raises
        ------
        ScenarioError
            With every bad path and value at once, each naming the path set.
        """
        import warnings

        from .loader import ScenarioWarning
        from .overrides import set_values

        new, found = set_values(self, values)
        for message in found:
            warnings.warn(message.format(), ScenarioWarning, stacklevel=2)
        return new

    def __repr__(self) -> str:
        from .summary import scenario_repr

        return scenario_repr(self)

    __str__ = __repr__  # pydantic's str() also lists every field

    def _repr_html_(self) -> str:
        from .summary import scenario_html

        return scenario_html(self)

    # ----------------------------------------------------------------- cross-references

    def actors_with_role(self, role: str) -> list[str]:
        """Actor ids of one role, in file order."""
        return [k for k, a in self.actors.items() if a.role == role]

    def talk_days(self) -> list[int]:
        """Scheduled talk days, sorted, duplicates removed, within the horizon."""
        days = set()
        for entry in self.talks.calendar:
            day = entry.day if entry.day is not None else (entry.date - self.start_date).days if entry.date else None
            if day is not None and 1 <= day <= self.horizon_days:
                days.add(day)
        return sorted(days)

    @staticmethod
    def reference_errors(data: Any) -> list[tuple[tuple, Any, str]]:
        """References to undefined actors or issues, checked on raw data.

        Works on whatever parts of ``data`` are well formed, so that the loader can
        report these together with structural errors (all errors at once).
        """
        errors: list[tuple[tuple, Any, str]] = []
        if not isinstance(data, Mapping):
            return errors
        actors = data.get("actors") if isinstance(data.get("actors"), Mapping) else {}
        issues = data.get("issues") if isinstance(data.get("issues"), Mapping) else {}
        actor_ids, issue_ids = [str(a) for a in actors], [str(k) for k in issues]
        parties = [a for a, spec in actors.items() if isinstance(spec, Mapping) and spec.get("role") == "party"]

        def need(path: tuple, value: Any, allowed: list[str], what: str) -> None:
            if isinstance(value, str) and value not in allowed:
                errors.append((path, value, f"is not a defined {what}; defined: {', '.join(allowed) or 'none'}"))

        def keys(spec: Mapping, field: str) -> list[Any]:
            value = spec.get(field)
            return list(value) if isinstance(value, Mapping) else []

        if len(parties) < 2 and actors:
            errors.append((("actors",), None, f"need at least two actors with role party, found {len(parties)}"))
        rules = data.get("ceasefire") if isinstance(data.get("ceasefire"), Mapping) else {}
        incidents = rules.get("incidents") if isinstance(rules.get("incidents"), Mapping) else {}
        for kind, incident in incidents.items():
            if isinstance(incident, Mapping):
                need(("ceasefire", "incidents", kind, "victim"), incident.get("victim"), parties, "party")
        for extra in parties[2:]:
            # The bargaining, the violations and the breakdown rule are those of a dyad.
            errors.append((("actors", extra, "role"), "party",
                           f"the model has exactly two parties ({', '.join(parties[:2])}); model a third state as a "
                           "mediator (a guarantor or patron) or an armed group, or split the case into dyads"))
        for aid, spec in actors.items():
            if not isinstance(spec, Mapping):
                continue
            base = ("actors", aid)
            role = spec.get("role")
            for other in keys(spec, "trust"):
                need(base + ("trust", other), other, [a for a in actor_ids if a != aid], "other actor")
            for issue in keys(spec, "priorities"):
                need(base + ("priorities", issue), issue, issue_ids, "issue")
            if role == "party":
                need(base + ("adversary",), spec.get("adversary"), [p for p in parties if p != aid], "other party")
                for field in ("positions", "hardline_positions"):
                    for issue in keys(spec, field):
                        need(base + (field, issue), issue, issue_ids, "issue")
                if isinstance(spec.get("positions"), Mapping):
                    missing = [i for i in issue_ids if i not in spec["positions"]]
                    if missing:
                        errors.append((base + ("positions",), None, f"missing a position on: {', '.join(missing)}"))
                if not keys(spec, "priorities") and "priorities" in spec:
                    errors.append((base + ("priorities",), None, "a party needs priorities over the issues"))
            elif role == "armed_group":
                need(base + ("host",), spec.get("host"), parties, "party")
                need(base + ("target",), spec.get("target"), parties, "party")
                need(base + ("crackdown_issue",), spec.get("crackdown_issue"), issue_ids, "issue")
            elif role == "mediator":
                for party in keys(spec, "bias"):
                    need(base + ("bias", party), party, parties, "party")
                inducement = spec.get("inducement")
                if isinstance(inducement, Mapping):
                    need(base + ("inducement", "issue"), inducement.get("issue"), issue_ids, "issue")
        return errors

    def semantic_errors(self) -> list[tuple[tuple, Any, str]]:
        """Cross-field errors: undefined references (see :meth:`reference_errors`) and inconsistent values."""
        errors = self.reference_errors(self.model_dump(by_alias=True))
        for aid, actor in self.actors.items():
            base = ("actors", aid)
            if actor.priorities and sum(actor.priorities.values()) <= 0:
                errors.append((base + ("priorities",), dict(actor.priorities), "weights must not all be 0"))
            if isinstance(actor, Mediator):
                has_value = is_distribution(actor.inducement.value) or actor.inducement.value > 0
                if has_value and actor.inducement.issue is None:
                    errors.append((base + ("inducement", "issue"), None,
                                   "an inducement with a value needs the issue it serves"))
        for i, entry in enumerate(self.talks.calendar):
            path = ("talks", "calendar", i)
            if (entry.day is None) == (entry.date is None):
                errors.append((path, None, "give exactly one of day or date"))
            elif entry.date is not None:
                day = (entry.date - self.start_date).days
                if not 1 <= day <= self.horizon_days:
                    errors.append((path + ("date",), str(entry.date),
                                   f"is day {day}; talk days must fall within days 1..{self.horizon_days} "
                                   f"after the start date {self.start_date}"))
            elif entry.day is not None and entry.day > self.horizon_days:
                errors.append((path + ("day",), entry.day, f"is beyond the horizon ({self.horizon_days} days)"))
        rules = self.ceasefire
        expiry = rules.expiry
        if expiry is not None:
            if (expiry.day is None) == (expiry.date is None):
                errors.append((("ceasefire", "expiry"), None, "give exactly one of day or date"))
            elif expiry.date is not None and not 1 <= (expiry.date - self.start_date).days <= 3650:
                errors.append((("ceasefire", "expiry", "date"), str(expiry.date),
                               f"is day {(expiry.date - self.start_date).days}; the expiry must fall within days "
                               f"1..3650 after the start date {self.start_date}"))
        if not is_distribution(rules.breakdown_violation_days) and not is_distribution(rules.breakdown_window_days) \
                and round(rules.breakdown_violation_days) > round(rules.breakdown_window_days):
            errors.append((("ceasefire", "breakdown_violation_days"), rules.breakdown_violation_days,
                           f"cannot exceed breakdown_window_days ({rules.breakdown_window_days:g})"))
        return errors

    def semantic_warnings(self) -> list[tuple[tuple, Any, str]]:
        """Legal but doubtful values."""
        warnings = self.doubtful_values()
        for aid, actor in self.actors.items():
            total = sum(actor.priorities.values())
            if actor.priorities and abs(total - 1.0) > 1e-6:
                warnings.append((("actors", aid, "priorities"), round(total, 6),
                                 "priorities sum to this, not 1; they are normalized"))
        mediators = self.actors_with_role("mediator")
        if mediators and not self.talks.calendar:
            warnings.append((("talks", "calendar"), [], "mediators are defined but no talk round is scheduled"))
        warnings.extend(inert_parameter_warnings(self))
        return warnings
