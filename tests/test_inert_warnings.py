"""Warnings for values that cannot act in their scenario (sim.scenario.inert).

Each warning is shown to fire on a small scenario where the value cannot act, and not to fire once a
change lets it act; the shipped scenarios give exactly the warnings listed (each checked by hand).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from scenario_data import SCENARIOS

from sim.scenario.inert import inert_parameter_warnings
from sim.scenario.loader import load
from sim.scenario.schema import Scenario


def base_data() -> dict[str, Any]:
    """A scenario where every value written can act: no warning of this module."""
    def party(name: str, adversary: str, position: float) -> dict[str, Any]:
        return {
            "role": "party", "name": name, "adversary": adversary,
            "priorities": {"security": 0.7, "aid": 0.3},
            "positions": {"security": position, "aid": 1.0},
            "hardline_positions": {"security": 0.0 if position > 0.5 else 1.0},
            "delegation": {"principal_override_prob": 0.2, "walkout_propensity": 0.2},
            "decree": {"hazard_per_day": 0.001, "resentment_weight": 0.01, "retaliation_boost": 1.0},
            "domestic": {"resentment_per_civilian_casualty": 0.05},
        }

    north = party("North", "south", 1.0)
    north["strikes"] = {"sanctuary_damage_per_strike": 0.05}  # south hosts the rebels
    north["open_war"] = {"threatened": True, "strike_boost": 0.5, "threat_boost": 1.5}
    return {
        "name": "inert warnings",
        "start_date": "2025-01-01",
        "horizon_days": 100,
        "issues": {"security": {"description": "crackdown"}, "aid": {"description": "aid"}},
        "actors": {
            "north": north,
            "south": party("South", "north", 0.2),
            "rebels": {"role": "armed_group", "name": "Rebels", "host": "south", "target": "north",
                       "crackdown_issue": "security", "ideological_alignment": 0.5, "crackdown_effect_per_day": 0.02,
                       "decree_multiplier": 2.0, "sanctuary_recovery_half_life_days": 30.0,
                       "positions": {"security": 0.0}, "grievance_sensitivity": 1.0, "signing_surge": 0.5,
                       "signing_window_days": 14},
            "un": {"role": "mediator", "name": "UN", "style": "facilitation", "leverage": 0.3, "monitoring": 0.2,
                   "inducement": {"value": 0.1, "issue": "aid"}, "engagement": {"from_day": 0},
                   "last_ditch": {"restart_prob": 0.5, "restart_delay_days": 7, "new_venue": True}},
            "big": {"role": "mediator", "name": "Big Power", "style": "manipulation", "leverage": 0.4,
                    "engagement": {"from_day": None, "join_after_stalled_rounds": 2, "join_prob": 0.5}},
        },
        "talks": {"calendar": [{"day": 5}, {"day": 10}], "acceptance_temperature": 0.05,
                  "walkout_margin": 0.1, "progress_per_session": 0.15, "walkout_setback": 0.5, "new_venue_bonus": 0.05,
                  "manipulation_weight": 0.15},
        "ceasefire": {"attacks_count_as_violations": "attributed", "attribution_prob_per_attack": 0.05,
                      "incidents": {"mine": {"victim": "north", "rate_per_day": 0.01, "suspension_prob": 0.2,
                                             "resumption_days": 10.0, "casualties_mean": 2.0}}},
        "mediation": {"leverage_restraint": 1.5, "monitoring_restraint": 1.5, "inducement_restraint": 4.0,
                      "agreement_restraint": 1.0},
        "trust_learning": {"walkout_evidence": 0.5, "talk_evidence": 0.3, "decree_evidence": 5.0,
                           "kept_commitment_evidence": 0.2},
    }


def warnings_of(data: dict[str, Any]) -> dict[str, str]:
    scenario = Scenario.model_validate(data)
    assert scenario.semantic_errors() == []
    return {".".join(map(str, path)): message for path, _, message in inert_parameter_warnings(scenario)}


def changed(*edits: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(base_data())
    for edit in edits:
        edit(data)
    return data


def test_the_base_scenario_has_no_inert_value():
    assert warnings_of(base_data()) == {}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node = data
        for k in head:
            node = node.setdefault(int(k) if k.isdigit() and isinstance(node, list) else k, {})
        node[last] = value
    return edit


# (warned path, edits that make it inert, edits on top of those that let it act again, words of the reason)
CASES = [
    ("actors.north.delegation.principal_override_prob",
     [_set("actors.north.hardline_positions", {}), _set("actors.north.delegation.concession_per_round", 0.0)],
     [_set("actors.north.hardline_positions", {"aid": 0.0})], "no hardline position differs"),
    ("actors.north.delegation.principal_override_prob",
     [_set("actors.north.hardline_positions", {"security": 1.0}), _set("actors.north.delegation.concession_per_round", 0)],
     [_set("actors.north.delegation.concession_per_round", 0.1)], "concedes nothing"),
    ("actors.north.trust.rebels.initial", [_set("actors.north.trust", {"rebels": {"initial": 0.1}})], [],
     "never reads north's trust in rebels"),
    ("actors.north.trust.un.certainty", [_set("actors.north.trust", {"un": {"initial": 0.6, "certainty": 10}})], [],
     "only the initial trust counts"),
    ("mediation.monitoring_restraint", [_set("actors.un.monitoring", 0.0)],
     [_set("actors.big.monitoring", {"dist": "uniform", "low": 0.0, "high": 0.2})], "no mediator has monitoring > 0"),
    ("mediation.inducement_restraint", [_set("actors.un.inducement.value", 0.0)],
     [_set("actors.big.inducement", {"value": 0.2, "issue": "aid"})], "no mediator offers an inducement"),
    ("mediation.inducement_restraint", [_set("actors.un.inducement.conditional_on_compliance", False)],
     [_set("actors.un.inducement.conditional_on_compliance", True)], "conditional on compliance"),
    ("actors.un.last_ditch.restart_delay_days", [_set("actors.un.last_ditch.restart_prob", 0.0)],
     [_set("actors.un.last_ditch.restart_prob", 0.1)], "restart_prob is 0"),
    ("actors.un.last_ditch.new_venue", [_set("actors.un.last_ditch.restart_prob", 0.0)],
     [_set("actors.un.last_ditch.restart_prob", 0.1)], "restart_prob is 0"),
    ("actors.big.engagement.join_prob", [_set("actors.big.engagement.join_after_stalled_rounds", None)],
     [_set("actors.big.engagement.join_after_stalled_rounds", 1)], "never joins"),
    ("actors.big.engagement.join_prob", [_set("actors.big.engagement.from_day", 0)],
     [_set("actors.big.engagement.from_day", 20)], "at the table from day 0"),
    ("actors.north.decree.retaliation_boost",
     [_set("actors.north.decree.hazard_per_day", 0.0), _set("actors.north.decree.resentment_weight", 0.0)],
     [_set("actors.north.decree.fixed_day", 30)], "can never be issued"),
    ("actors.north.decree.resentment_weight", [_set("actors.north.domestic.resentment_per_civilian_casualty", 0.0)],
     [_set("actors.north.domestic.resentment_per_civilian_casualty", 0.01)], "resentment stays 0"),
    ("actors.north.decree.fixed_day", [_set("actors.north.decree.fixed_day", 150)],
     [_set("actors.north.decree.fixed_day", 50)], "beyond the horizon"),
    ("actors.north.open_war.strike_boost", [_set("actors.north.open_war.threatened", False)],
     [_set("actors.north.open_war.threatened", True)], "threatened is false"),
    ("actors.north.open_war.threat_boost", [_set("actors.north.open_war.threatened", False)],
     [_set("actors.north.open_war.threatened", True)], "threatened is false"),
    ("actors.rebels.grievance_sensitivity", [_set("actors.rebels.positions", {})],
     [_set("actors.rebels.positions", {"aid": 0.0})], "states no positions"),
    ("actors.rebels.signing_window_days", [_set("actors.rebels.signing_surge", 0.0)],
     [_set("actors.rebels.signing_surge", 0.1)], "signing_surge is 0"),
    ("ceasefire.attribution_prob_per_attack", [_set("ceasefire.attacks_count_as_violations", "never")],
     [_set("ceasefire.attacks_count_as_violations", "attributed")], "not 'attributed'"),
    ("ceasefire.incidents.mine.suspension_prob", [_set("ceasefire.incidents.mine.rate_per_day", 0.0)],
     [_set("ceasefire.incidents.mine.rate_per_day", 0.001)], "rate_per_day is 0"),
    ("ceasefire.incidents.mine.resumption_days", [_set("ceasefire.incidents.mine.suspension_prob", 0.0)],
     [_set("ceasefire.incidents.mine.suspension_prob", 0.5)], "suspension_prob is 0"),
    ("actors.north.regional_pressure", [_set("actors.north.regional_pressure", 0.3)],
     [_set("actors.rebels.host", "north"), _set("actors.rebels.target", "south")], "hosts no armed group"),
    ("actors.south.regional_pressure", [_set("actors.south.regional_pressure", 0.3),
                                        _set("actors.rebels.crackdown_issue", None)],
     [_set("actors.rebels.crackdown_issue", "security")], "with a crackdown_issue"),
    ("actors.rebels.crackdown_effect_per_day", [_set("actors.rebels.crackdown_issue", None)],
     [_set("actors.rebels.crackdown_issue", "security")], "no crackdown_issue"),
    ("actors.rebels.ideological_alignment", [_set("actors.rebels.crackdown_issue", None)],
     [_set("actors.rebels.crackdown_issue", "aid")], "no crackdown_issue"),
    ("actors.rebels.decree_multiplier",
     [_set("actors.south.decree.hazard_per_day", 0.0), _set("actors.south.decree.resentment_weight", 0.0)],
     [_set("actors.rebels.decree_multiplier", 1.0)], "can never issue a decree"),
    ("actors.rebels.sanctuary_recovery_half_life_days", [_set("actors.north.strikes.sanctuary_damage_per_strike", 0)],
     [_set("actors.north.strikes.sanctuary_damage_per_strike", 0.01)], "damages the sanctuary"),
    ("actors.south.strikes.sanctuary_damage_per_strike", [_set("actors.south.strikes", {"sanctuary_damage_per_strike": 0.1})],
     [_set("actors.rebels.host", "north"), _set("actors.rebels.target", "south")], "hosts no armed group"),
    ("talks.progress_per_session", [_set("talks.calendar", [])], [_set("talks.calendar", [{"day": 3}])],
     "no talk round is scheduled"),
    ("actors.rebels.grievance_sensitivity", [_set("talks.calendar", [])], [_set("talks.calendar", [{"day": 3}])],
     "nothing is ever offered"),
    ("actors.south.delegation.walkout_propensity", [_set("talks.calendar", [])],
     [_set("talks.calendar", [{"day": 3}])], "no talk round is scheduled"),
    ("trust_learning.walkout_evidence", [_set("talks.calendar", [])], [_set("talks.calendar", [{"day": 3}])],
     "no talk round is scheduled"),
    ("actors.un.last_ditch.restart_prob", [_set("talks.calendar", [])], [_set("talks.calendar", [{"day": 3}])],
     "talks never collapse"),
    ("actors.big.leverage", [_set("actors.big.engagement.join_after_stalled_rounds", None)],
     [_set("actors.big.engagement.from_day", 50)], "never at the table"),
    ("actors.big.leverage", [_set("actors.big.engagement", {"from_day": 500})],
     [_set("actors.big.engagement", {"from_day": 99})], "beyond the horizon"),
    ("actors.big.last_ditch.restart_prob",
     [_set("actors.big.engagement.join_after_stalled_rounds", None), _set("actors.big.last_ditch.restart_prob", 0.3)],
     [_set("actors.big.engagement.from_day", 50)], "never at the table"),
    ("actors.big.inducement.value",
     [_set("actors.big.engagement.join_after_stalled_rounds", None),
      _set("actors.big.inducement", {"value": 0.2, "issue": "aid"})],
     [_set("actors.big.engagement.join_after_stalled_rounds", 1)], "never at the table"),
    ("mediation.leverage_restraint", [_set("actors.un.leverage", 0.0), _set("actors.big.leverage", 0.0)],
     [_set("actors.big.leverage", 0.1)], "leverage > 0"),
    ("talks.manipulation_weight", [_set("actors.big.style", "formulation")],
     [_set("actors.un.style", "manipulation")], "manipulation style"),
    ("talks.new_venue_bonus", [_set("actors.un.last_ditch.new_venue", False)],
     [_set("actors.big.last_ditch", {"restart_prob": 0.2, "new_venue": True})], "new venue"),
    ("trust_learning.talk_evidence", [_set("actors.un.style", "formulation")],
     [_set("actors.big.style", "facilitation")], "facilitation"),
    ("trust_learning.decree_evidence",
     [_set(f"actors.{p}.decree.{f}", 0.0) for p in ("north", "south") for f in ("hazard_per_day", "resentment_weight")],
     [_set("actors.south.decree.resentment_weight", 0.001)], "no party can ever issue a decree"),
    ("trust_learning.kept_commitment_evidence", [_set("actors.rebels.crackdown_issue", None)],
     [_set("actors.rebels.crackdown_issue", "security")], "no armed group has a crackdown_issue"),
]


@pytest.mark.parametrize(("path", "inert", "acting", "why"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_value_that_cannot_act_warns_and_stops_warning_once_it_can(path, inert, acting, why):
    found = warnings_of(changed(*inert))
    assert path in found, sorted(found)
    assert found[path].startswith("cannot act: ") and why in found[path]
    if acting:
        assert path not in warnings_of(changed(*inert, *acting))


def test_a_default_the_file_does_not_write_never_warns():
    # Restart delay and venue are at their defaults, restart_prob 0: nothing the author wrote is inert.
    data = changed(_set("actors.un.last_ditch", {"restart_prob": 0.0}))
    found = warnings_of(data)
    assert not any(p.startswith("actors.un.last_ditch") for p in found)
    # Nor the talk parameters of a scenario without talks that does not set them.
    data = changed(_set("talks", {"calendar": []}))
    assert not any(p.startswith("talks.") for p in warnings_of(data))


def test_the_warnings_are_semantic_warnings_located_in_the_file(tmp_path: Path):
    data = changed(_set("actors.un.monitoring", 0.0))
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.strip().startswith("monitoring_restraint:")) + 1
    messages = [m.format() for m in load(path, Scenario).warnings]
    col = lines[row - 1].index("1.5") + 1
    assert (f"{path}:{row}:{col}: mediation.monitoring_restraint: 1.5: cannot act: "
            "no mediator has monitoring > 0") in messages


SHIPPED = {
    "pakistan_afghanistan_2025.yaml": set(),
    "pakistan_afghanistan_2025_china_guarantor.yaml": set(),
    "pakistan_afghanistan_2025_jihad_decree.yaml": set(),
    "pakistan_afghanistan_2025_new_venue.yaml": set(),
    # Without mediators the mediators' own numbers, and those scaled by them, cannot act.
    "pakistan_afghanistan_2025_no_mediation.yaml": {
        "mediation.leverage_restraint", "talks.manipulation_weight", "talks.new_venue_bonus",
        "trust_learning.talk_evidence"},
    "pakistan_afghanistan_2025_open_war.yaml": set(),
    # The US sits at the table from day 0 and its join threshold is deleted: its join_prob cannot act.
    "pakistan_afghanistan_2025_us_inducements.yaml": {"actors.us.engagement.join_prob"},
    "thailand_cambodia_2025.yaml": set(),
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_scenarios_give_only_the_checked_warnings(name):
    loaded = load(SCENARIOS / name, Scenario)
    inert = {m.path for m in loaded.warnings if m.message.startswith("cannot act: ")}
    assert inert == SHIPPED[name]


def test_every_shipped_scenario_is_listed():
    assert sorted(p.name for p in SCENARIOS.glob("*.yaml")) == sorted(SHIPPED)
