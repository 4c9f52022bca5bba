"""The recorder (sim.model.recorder): counters, daily totals, trajectories, timeline, output columns.

Events are built by hand, as the phases would return them, for three replications
with global indices 0, 1, 2 (replication 0 is the one whose timeline is kept).
"""

from __future__ import annotations

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, kernel
from sim.model.recorder import COUNTERS, DAILY_SERIES, Recorder
from sim.model.submodels.armed_groups import Attacks
from sim.model.submodels.breakdown import BROKEN, HOLDING, VIOLATED, Breakdown, OpenWar
from sim.model.submodels.domestic import Decrees
from sim.model.submodels.talks import TalkRound
from sim.model.submodels.violence import Retaliations, Strikes

HORIZON = 4


def ints(rows):
    return np.array(rows, dtype=np.int64)


def bools(rows):
    return np.array(rows, dtype=bool)


def day_events(status=(HOLDING, VIOLATED, BROKEN)):
    attacks = Attacks(attacks=ints([[2, 0, 1]]), casualties=ints([[3, 0, 0]]), attributed=bools([[1, 0, 0]]),
                      counted_as_violation=bools([0, 0, 0]), provoked=bools([[0, 0, 0], [0, 0, 0]]))
    strikes = Strikes(strikes=bools([[1, 0, 0], [0, 1, 0]]), civilian_casualties=ints([[4, 0, 0], [0, 2, 0]]),
                      struck=bools([[0, 1, 0], [1, 0, 0]]))
    retaliations = Retaliations(decided=bools([[0, 0, 0], [0, 0, 0]]), retaliations=bools([[0, 1, 0], [1, 0, 0]]),
                                casualties=ints([[0, 5, 0], [1, 0, 0]]), hit=bools([[1, 0, 0], [0, 1, 0]]))
    decrees = Decrees(issued=bools([[0, 0, 0], [1, 0, 0]]))
    open_war = OpenWar(declared=bools([[1, 0, 0], [0, 0, 0]]))
    ended = Breakdown(violation_events=ints([2, 2, 0]), broken=bools([1, 0, 0]), expired=bools([0, 0, 0]),
                      status=np.array(status, np.int8))
    return attacks, strikes, retaliations, decrees, open_war, ended


def recorder(k, replications=(0, 1, 2), trajectories=2):
    return Recorder(k.topology, k.state, np.asarray(replications, dtype=np.int64), HORIZON, trajectories)


def test_counters_status_and_daily_totals_of_a_strike_day():
    k = kernel(3)
    rec = recorder(k)
    np.testing.assert_array_equal(rec.status_counts[0], [3, 0, 0])
    assert set(rec.counters) == set(COUNTERS) and set(rec.daily_totals) == set(DAILY_SERIES)
    rec.strike_day(2, k.state, *day_events())
    rec.strike_day(3, k.state, *day_events(status=(BROKEN, BROKEN, BROKEN)))
    c = rec.counters
    np.testing.assert_array_equal(c["attacks"], [4, 0, 2])
    np.testing.assert_array_equal(c["attack_casualties"], [6, 0, 0])
    np.testing.assert_array_equal(c["strikes"], [2, 2, 0])
    np.testing.assert_array_equal(c["civilian_casualties"], [8, 4, 0])
    np.testing.assert_array_equal(c["retaliations"], [2, 2, 0])
    np.testing.assert_array_equal(c["retaliation_casualties"], [2, 10, 0])
    np.testing.assert_array_equal(c["violations"], [4, 4, 0])
    np.testing.assert_array_equal(rec.status_counts, [[3, 0, 0], [0, 0, 0], [1, 1, 1], [0, 0, 3], [0, 0, 0]])
    totals = rec.daily_totals
    np.testing.assert_array_equal(totals["attacks"], [0, 0, 3, 3, 0])
    np.testing.assert_array_equal(totals["strikes"], [0, 0, 2, 2, 0])
    np.testing.assert_array_equal(totals["retaliations"], [0, 0, 2, 2, 0])
    np.testing.assert_array_equal(totals["casualties"], [0, 0, 3 + 6 + 6, 15, 0])
    np.testing.assert_array_equal(totals["violations"], [0, 0, 4, 4, 0])


def test_trajectories_of_the_first_replications():
    k = kernel(3)
    rec = recorder(k, trajectories=2)
    k.state.talks.progress[:] = [0.25, 0.5, 0.75]
    k.state.trust.observe(NORTH, SOUTH, hostility=np.array([2.0, 0.0, 0.0]))
    rec.strike_day(1, k.state, *day_events())
    out = rec.output(k.state, k.parameters)
    traj = out.trajectories
    np.testing.assert_array_equal(traj["replications"], [0, 1])
    series = traj["series"]
    assert series[:3] == ["trust.north.south", "trust.north.rebels", "trust.north.broker"]
    assert series[-6:] == ["attacks", "strikes", "retaliations", "casualties", "status", "progress"]
    values = traj["values"]
    assert values.shape == (HORIZON + 1, len(series), 2) and values.dtype == np.float32
    row = {name: values[1, i] for i, name in enumerate(series)}
    np.testing.assert_allclose(row["trust.north.south"], [3 / 12, 0.3], rtol=1e-6)
    np.testing.assert_allclose(row["trust.south.broker"], [0.7, 0.7], rtol=1e-6)
    np.testing.assert_array_equal(row["attacks"], [2, 0])
    np.testing.assert_array_equal(row["strikes"], [1, 1])
    np.testing.assert_array_equal(row["retaliations"], [1, 1])
    np.testing.assert_array_equal(row["casualties"], [3 + 4 + 1, 2 + 5])
    np.testing.assert_array_equal(row["status"], [HOLDING, VIOLATED])
    np.testing.assert_allclose(row["progress"], [0.25, 0.5])
    # Day 0: the priors and a holding ceasefire.
    np.testing.assert_allclose(values[0, 0], [0.3, 0.3], rtol=1e-6)
    np.testing.assert_array_equal(values[0, len(series) - 2], HOLDING)
    assert recorder(k, trajectories=0).output(k.state, k.parameters).trajectories["values"] is None


def test_timeline_of_replication_zero():
    k = kernel(3)
    k.state.ceasefire.cause[0] = 2 * 16 + 3
    rec = recorder(k)
    rec.strike_day(2, k.state, *day_events())
    events = [(e["event"], e["actor"], e["target"]) for e in rec.timeline]
    assert events == [("jihad_decree", "south", "north"), ("open_war", "north", "south"),
                      ("spoiler_attack", "rebels", "north"), ("cross_border_strike", "north", "south"),
                      ("retaliation", "south", "north"), ("breakdown", None, None)]
    # Events name the group; the casualties are its attacks' alone, and the host it was blamed on.
    assert rec.timeline[2] == {"day": 2, "event": "spoiler_attack", "actor": "rebels", "target": "north", "attacks": 2,
                               "casualties": 3, "attributed_to": "south"}
    assert rec.timeline[-1]["cause"] == "cross_border_strike > retaliation"
    assert all(e["day"] == 2 for e in rec.timeline)
    assert recorder(k, replications=(5, 6, 7)).timeline is None


def talk_round(**kw):
    base = dict(held=bools([1, 1, 1]), agreed=bools([1, 0, 0]), walkouts=bools([[0, 1, 0], [0, 1, 0]]),
                any_walkout=bools([0, 1, 0]), collapsed=bools([0, 0, 1]), restarted=bools([0, 0, 1]),
                overridden=bools([[1, 0, 0], [1, 0, 1]]), offer=np.array([[0.61234, 0.5, 0.5], [0.75, 0.5, 0.5]]),
                next_round_day=ints([-1, -1, 8]))
    base.update(kw)
    return TalkRound(**base)


def test_talk_round_counts_and_outcomes():
    k = kernel(3)
    rec = recorder(k)
    rec.talk_round(3, talk_round(), k.state)
    np.testing.assert_array_equal(rec.counters["talk_rounds"], [1, 1, 1])
    np.testing.assert_array_equal(rec.counters["walkouts"], [0, 2, 0])
    np.testing.assert_array_equal(rec.counters["principal_overrides"], [2, 0, 1])
    assert rec.talk_outcomes[3] == {"rounds": 3, "agreements": 1, "walkouts": 1, "rejections": 1, "collapses": 1,
                                    "restarts": 1, "overrides": 2}
    assert rec.timeline == [{"day": 3, "event": "talk_round", "actor": None, "target": None, "outcome": "agreement",
                             "offer.security": 0.612, "offer.trade": 0.75}]


def test_talk_round_not_held_counts_nothing():
    k = kernel(3)
    rec = recorder(k)
    rec.talk_round(3, talk_round(held=bools([0, 1, 0]), overridden=bools([[1, 1, 1], [0, 0, 0]])), k.state)
    np.testing.assert_array_equal(rec.counters["talk_rounds"], [0, 1, 0])
    np.testing.assert_array_equal(rec.counters["walkouts"], [0, 2, 0])
    np.testing.assert_array_equal(rec.counters["principal_overrides"], [0, 1, 0])
    assert rec.talk_outcomes[3]["overrides"] == 1 and rec.talk_outcomes[3]["rounds"] == 1
    assert rec.timeline == []


@pytest.mark.parametrize("case, outcome", [("walkout", "walkout"), ("collapse", "collapse"),
                                           ("rejection", "no agreement")])
def test_talk_round_timeline_outcomes_and_restart(case, outcome):
    k = kernel(1)
    k.state.talks.next_round_day[:] = 5  # the state's own value is not what the event reports
    rec = recorder(k, replications=(0,))
    one = dict(held=bools([1]), agreed=bools([0]), walkouts=bools([[0], [0]]), any_walkout=bools([0]),
               collapsed=bools([0]), restarted=bools([0]), overridden=bools([[0], [0]]),
               offer=np.array([[0.5], [0.5]]), next_round_day=ints([-1]))
    if case == "walkout":
        one.update(walkouts=bools([[1], [1]]), any_walkout=bools([1]))
    elif case == "collapse":
        one.update(collapsed=bools([1]), restarted=bools([1]), next_round_day=ints([8]))
    rec.talk_round(3, TalkRound(**one), k.state)
    assert rec.timeline[0]["outcome"] == outcome
    if case == "walkout":
        assert rec.timeline[0]["walked_out"] == "north, south"
    else:
        assert "walked_out" not in rec.timeline[0]
    if case == "collapse":
        # The restart is dated on its collapse and names the day of the re-opened round.
        assert rec.timeline[1] == {"day": 3, "event": "talks_restart", "actor": None, "target": None,
                                   "next_round_day": 8}
        assert len(rec.timeline) == 2
    else:
        assert len(rec.timeline) == 1


def test_output_columns():
    k = kernel(3, {"actors": {"rebels": {"sanctuary": {"dist": "uniform", "low": 0.5, "high": 1.0}}}})
    rec = recorder(k)
    rec.strike_day(1, k.state, *day_events())
    s = k.state
    s.ceasefire.breakdown_day[:] = [1, -1, -1]
    s.ceasefire.cause[:] = [10, 0, 0]
    s.talks.agreement[:] = [False, True, False]
    s.talks.agreement_day[:] = [-1, 3, -1]
    s.parties.decree_day[SOUTH] = [1, -1, 2]
    s.trust.observe(SOUTH, NORTH, cooperation=np.array([1.0, 0.0, 0.0]))
    out = rec.output(s, k.parameters)
    cols = out.columns
    np.testing.assert_array_equal(out.replications, [0, 1, 2])
    np.testing.assert_array_equal(cols["breakdown_day"], [1, -1, -1])
    np.testing.assert_array_equal(cols["cause_code"], [10, 0, 0])
    np.testing.assert_array_equal(cols["agreement"], [False, True, False])
    np.testing.assert_array_equal(cols["agreement_day"], [-1, 3, -1])
    np.testing.assert_array_equal(cols["casualties"], [3 + 4 + 1, 2 + 5, 0])
    np.testing.assert_array_equal(cols["strikes"], [1, 1, 0])
    np.testing.assert_array_equal(cols["decree_day.south"], [1, -1, 2])
    np.testing.assert_array_equal(cols["decree_day.north"], -1)
    np.testing.assert_allclose(cols["trust.south.north"], [3 / 9, 0.25, 0.25], rtol=1e-12)
    np.testing.assert_allclose(cols["trust.north.broker"], 0.6, rtol=1e-12)
    assert [c for c in cols if c.startswith("trust.")] == [
        f"trust.{i}.{j}" for i in ("north", "south") for j in ("north", "south", "rebels", "broker") if i != j]
    np.testing.assert_array_equal(cols["param.actors.rebels.sanctuary"], k.parameters.groups.sanctuary[0])
    np.testing.assert_array_equal(out.status_counts[1], [1, 1, 1])
    assert out.talk_outcomes == {} and out.timeline is not None
    # Output is a snapshot: later days do not change it.
    rec.strike_day(2, s, *day_events())
    assert out.columns["strikes"][0] == 1 and out.daily_totals["attacks"][2] == 0
    assert out.status_counts[2].sum() == 0


def test_counters_accumulate_over_rounds_and_are_integers():
    k = kernel(4)
    rec = recorder(k, replications=(0, 1, 2, 3))
    assert all(c.dtype == np.int64 for c in rec.counters.values()) and rec.status_counts.dtype == np.int64
    # rep 0 agrees, rep 1 walks out, reps 2 and 3 reject; overrides in reps 0 (both parties) and 3.
    one = TalkRound(held=bools([1, 1, 1, 1]), agreed=bools([1, 0, 0, 0]), walkouts=bools([[0, 1, 0, 0]] * 2),
                    any_walkout=bools([0, 1, 0, 0]), collapsed=bools([0, 0, 0, 0]), restarted=bools([0, 0, 0, 0]),
                    overridden=bools([[1, 0, 0, 1], [1, 0, 0, 0]]), offer=np.full((2, 4), 0.5), next_round_day=ints([-1, 9, -1, -1]))
    rec.talk_round(3, one, k.state)
    rec.talk_round(10, one, k.state)
    np.testing.assert_array_equal(rec.counters["talk_rounds"], [2, 2, 2, 2])
    np.testing.assert_array_equal(rec.counters["walkouts"], [0, 4, 0, 0])
    np.testing.assert_array_equal(rec.counters["principal_overrides"], [4, 0, 0, 2])
    assert rec.talk_outcomes[10] == {"rounds": 4, "agreements": 1, "walkouts": 1, "rejections": 2, "collapses": 0,
                                     "restarts": 0, "overrides": 2}


def test_status_counts_when_every_replication_holds():
    k = kernel(3)
    rec = recorder(k)
    rec.strike_day(1, k.state, *day_events(status=(HOLDING, HOLDING, HOLDING)))
    np.testing.assert_array_equal(rec.status_counts[1], [3, 0, 0])
