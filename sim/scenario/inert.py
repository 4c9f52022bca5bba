"""Warnings for numbers that cannot act in a given scenario (issue 9, item 12).

A value can be legal and still change nothing: a principal's override probability when its hardline
positions are its ordinary ones, a restraint per unit of monitoring when no mediator monitors, a restart
delay of a mediator that never restarts talks. :func:`inert_parameter_warnings` finds such values from the
scenario alone, following the rules of :mod:`sim.model.submodels`, and says why each cannot act.

Only values written in the file (or inherited through ``extends``) are reported: a default the author never
wrote is not something to correct. A value is taken to act if it may be non-zero: a distribution whose
support reaches above 0 counts as non-zero.

This module reads the scenario by duck typing (``actor.role``) so that :mod:`sim.scenario.schema` can
import it without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .distributions import is_distribution

if TYPE_CHECKING:
    from .schema import Scenario

Warning_ = tuple[tuple, Any, str]

TALK_FIELDS = ("acceptance_temperature", "walkout_margin", "progress_per_session", "walkout_setback",
               "new_venue_bonus", "manipulation_weight", "agreement_strength", "proposal_interval_days",
               "restart_fatigue")
"""Fields of ``talks`` that act only at a talk round."""


def may_be_positive(value: Any) -> bool:
    """Whether a number (or a distribution's support) reaches above 0."""
    if value is None:
        return False
    if is_distribution(value):
        return value.support()[1] > 0
    return bool(value > 0)


def lowest(value: Any) -> Any:
    """A number, or the lower end of a distribution's support (None stays None)."""
    return value.support()[0] if is_distribution(value) else value


def _differs_from(value: Any, reference: float) -> bool:
    if is_distribution(value):
        low, high = value.support()
        return not low == high == reference
    return value != reference


def _set(spec: Any, field: str) -> bool:
    """Whether ``field`` was written in the file (not left at its default)."""
    return field in spec.model_fields_set


def inert_parameter_warnings(scenario: Scenario, *, include_defaults: bool = False) -> list[Warning_]:
    """Values of ``scenario`` that cannot act, as (path, value, message) like ``Scenario.semantic_warnings``.

    With ``include_defaults``, values left at their schema defaults are reported too (the screening uses
    this to tell parameters a scenario cannot use from those the model fails to use).

    Returns
    -------
    list of (tuple, Any, str)
        The field path, its value and ``"cannot act: <why>"``, in the order of the file's blocks.
    """
    found: list[Warning_] = []

    def warn(path: tuple, spec: Any, field: str, why: str, *, when: Any = may_be_positive) -> None:
        value = getattr(spec, field)
        # Written values are reported where they would act if the mechanism could; with defaults, every value.
        if include_defaults or (_set(spec, field) and when(value)):
            found.append((path + (field,), value, f"cannot act: {why}"))

    actors = scenario.actors
    horizon = scenario.horizon_days
    rounds = bool(scenario.talk_days())
    parties = {k: a for k, a in actors.items() if a.role == "party"}
    groups = {k: a for k, a in actors.items() if a.role == "armed_group"}
    mediators = {k: a for k, a in actors.items() if a.role == "mediator"}

    def ever_engaged(m: Any) -> bool:
        e = m.engagement
        starts = e.start_day is not None and lowest(e.start_day) <= horizon
        return starts or (e.join_after_stalled_rounds is not None and rounds and may_be_positive(e.join_prob))

    present = {k: m for k, m in mediators.items() if ever_engaged(m)}

    def can_decree(p: Any) -> bool:
        d = p.decree
        fixed = d.fixed_day is not None and lowest(d.fixed_day) <= horizon
        return fixed or may_be_positive(d.hazard_per_day) or (
            may_be_positive(d.resentment_weight) and may_be_positive(p.domestic.resentment_per_civilian_casualty))

    # ----------------------------------------------------------------- parties
    for pid, p in parties.items():
        base = ("actors", pid)
        if not any(p.hardline_positions.get(k, v) != v for k, v in p.positions.items()) and not may_be_positive(
                p.delegation.concession_per_round):
            warn(base + ("delegation",), p.delegation, "principal_override_prob",
                 "no hardline position differs from the party's positions and it concedes nothing, so an "
                 "override changes nothing")
        if not rounds:
            for field in ("principal_override_prob", "walkout_propensity"):
                warn(base + ("delegation",), p.delegation, field, "no talk round is scheduled")
        d = p.decree
        if d.fixed_day is not None and lowest(d.fixed_day) > horizon:
            found.append((base + ("decree", "fixed_day"), d.fixed_day,
                          f"cannot act: beyond the horizon ({horizon} days)"))
        if not can_decree(p):
            warn(base + ("decree",), d, "retaliation_boost",
                 "the decree can never be issued (hazard_per_day and resentment_weight 0, no fixed_day)")
        if not may_be_positive(p.domestic.resentment_per_civilian_casualty):
            warn(base + ("decree",), d, "resentment_weight",
                 "domestic.resentment_per_civilian_casualty is 0, so resentment stays 0")
        if not p.open_war.threatened:
            # Open war itself is every party's daily decision; only the threat's own terms need a threat.
            for field in ("strike_boost", "threat_boost"):
                warn(base + ("open_war",), p.open_war, field, "open_war.threatened is false",
                     when=lambda v: v is not None)
        if not any(g.host == pid and g.crackdown_issue is not None for g in groups.values()):
            warn(base, p, "regional_pressure", "the party hosts no armed group with a crackdown_issue "
                 "(regional pressure acts on the host's crackdown)")
        hosted = [g for g in groups.values() if g.host == p.adversary]
        if not hosted:
            warn(base + ("strikes",), p.strikes, "sanctuary_damage_per_strike",
                 f"the adversary ({p.adversary}) hosts no armed group")

    # ----------------------------------------------------------------- armed groups
    for gid, g in groups.items():
        base = ("actors", gid)
        if not g.positions:
            warn(base, g, "grievance_sensitivity", "the group states no positions, so no stake can be traded away")
        elif not rounds:
            warn(base, g, "grievance_sensitivity", "no talk round is scheduled, so nothing is ever offered")
        if not may_be_positive(g.signing_surge):
            warn(base, g, "signing_window_days", "signing_surge is 0", when=lambda v: v is not None)
        if g.crackdown_issue is None:
            for field in ("crackdown_effect_per_day", "ideological_alignment"):
                warn(base, g, field, "the group has no crackdown_issue")
        elif not rounds:
            warn(base, g, "crackdown_effect_per_day", "no talk round is scheduled, so no crackdown is ever agreed")
        host = parties.get(g.host)
        if host is not None and not can_decree(host):
            warn(base, g, "decree_multiplier", f"the host ({g.host}) can never issue a decree",
                 when=lambda v: _differs_from(v, 1.0))
        strikers = [p for p in parties.values() if p.adversary == g.host]
        if not any(may_be_positive(p.strikes.sanctuary_damage_per_strike) for p in strikers):
            warn(base, g, "sanctuary_recovery_half_life_days",
                 f"no strike on the host ({g.host}) damages the sanctuary (sanctuary_damage_per_strike 0)",
                 when=lambda v: v is not None)

    # ----------------------------------------------------------------- mediators
    for mid, m in mediators.items():
        base = ("actors", mid)
        e, last = m.engagement, m.last_ditch
        if mid not in present:
            why = ("engagement.from_day is beyond the horizon" if e.start_day is not None
                   else f"engagement.from_day is {e.from_day or 'null'} and it never joins")
            for field in ("leverage", "monitoring"):
                warn(base, m, field, f"the mediator is never at the table ({why})")
            warn(base + ("inducement",), m.inducement, "value", f"the mediator is never at the table ({why})")
            warn(base + ("last_ditch",), last, "restart_prob", f"the mediator is never at the table ({why})")
        if e.join_after_stalled_rounds is None:
            warn(base + ("engagement",), e, "join_prob",
                 "join_after_stalled_rounds is null, so the mediator never joins", when=lambda v: v is not None)
        elif e.start_day is not None and not _differs_from(e.start_day, 0.0):
            warn(base + ("engagement",), e, "join_prob",
                 "the mediator is at the table from day 0, so it never needs to join", when=lambda v: v is not None)
        if not may_be_positive(last.restart_prob):
            warn(base + ("last_ditch",), last, "restart_delay_days", "last_ditch.restart_prob is 0",
                 when=lambda v: v is not None)
            warn(base + ("last_ditch",), last, "new_venue", "last_ditch.restart_prob is 0", when=bool)
        elif not rounds:
            warn(base + ("last_ditch",), last, "restart_prob", "no talk round is scheduled, so talks never collapse")

    # ----------------------------------------------------------------- trust nobody reads
    # The rules read a party's trust in its adversary and in the mediators, and a group's trust in its host;
    # nothing is ever observed about a mediator, so only the initial value of trust in one counts.
    def read(observer: str, observed: str) -> str:
        a = actors[observer]
        if a.role == "party" and observed == a.adversary:
            return "all"
        if a.role == "party" and observed in mediators:
            return "initial"
        if a.role == "armed_group" and observed == a.host and may_be_positive(a.betrayal_sensitivity):
            return "all"  # read only as the trust the group lost in its host
        return "none"

    listed_everywhere = True
    for aid, a in actors.items():
        for other in actors:
            if other == aid:
                continue
            if read(aid, other) != "none" and other not in a.trust:
                listed_everywhere = False
        for other, t in a.trust.items():
            base = ("actors", aid, "trust", other)
            kind = read(aid, other)
            if kind == "none":
                for field in ("initial", "certainty"):
                    warn(base, t, field, f"the model never reads {aid}'s trust in {other}",
                         when=lambda v: v is not None)
            elif kind == "initial":
                warn(base, t, "certainty", f"nothing {aid} observes is about the mediator {other}, so only the "
                     "initial trust counts", when=lambda v: v is not None)
    if listed_everywhere:
        for field in ("initial", "certainty"):
            warn(("default_trust",), scenario.default_trust, field,
                 "every trust the model reads is listed by its actor", when=lambda v: v is not None)

    # ----------------------------------------------------------------- whole scenario
    mediation, learning, talks = scenario.mediation, scenario.trust_learning, scenario.talks
    at_table = present.values()
    if not any(may_be_positive(m.leverage) for m in at_table):
        warn(("mediation",), mediation, "leverage_restraint", "no mediator at the table has leverage > 0")
    if not any(may_be_positive(m.monitoring) for m in at_table):
        warn(("mediation",), mediation, "monitoring_restraint", "no mediator has monitoring > 0")
    if not any(may_be_positive(m.inducement.value) and m.inducement.conditional_on_compliance for m in at_table):
        warn(("mediation",), mediation, "inducement_restraint",
             "no mediator offers an inducement conditional on compliance (inducement.value > 0)")
    if not rounds:
        for field in TALK_FIELDS:
            warn(("talks",), talks, field, "no talk round is scheduled (talks.calendar is empty)",
                 when=lambda v: v is not None)
        for field in ("walkout_evidence", "talk_evidence"):
            warn(("trust_learning",), learning, field, "no talk round is scheduled")
    else:
        if not any(m.style == "manipulation" for m in at_table):
            warn(("talks",), talks, "manipulation_weight", "no mediator at the table has the manipulation style")
        if not any(may_be_positive(m.last_ditch.restart_prob) and m.last_ditch.new_venue for m in at_table):
            warn(("talks",), talks, "new_venue_bonus", "no mediator restarts talks at a new venue")
        if not any(m.style == "facilitation" for m in at_table):
            warn(("trust_learning",), learning, "talk_evidence",
                 "no mediator at the table has the facilitation style, and talk evidence is scaled by facilitation")
    rules = scenario.ceasefire
    if rules.attacks_count_as_violations != "attributed" and groups:
        warn(("ceasefire",), rules, "attribution_prob_per_attack",
             f"attacks_count_as_violations is {rules.attacks_count_as_violations!r}, not 'attributed'",
             when=lambda v: v is not None)
    for kind, incident in rules.incidents.items():
        if not may_be_positive(incident.rate_per_day):
            for field in ("casualties_mean", "suspension_prob", "resumption_days"):
                warn(("ceasefire", "incidents", kind), incident, field, "its rate_per_day is 0",
                     when=lambda v: v is not None)
        elif not may_be_positive(incident.suspension_prob):
            warn(("ceasefire", "incidents", kind), incident, "resumption_days", "its suspension_prob is 0",
                 when=lambda v: v is not None)
    if not any(can_decree(p) for p in parties.values()):
        warn(("trust_learning",), learning, "decree_evidence", "no party can ever issue a decree")
    if not rounds or not any(g.crackdown_issue is not None for g in groups.values()):
        warn(("trust_learning",), learning, "kept_commitment_evidence",
             "no armed group has a crackdown_issue" if rounds else "no talk round is scheduled")
    return found
