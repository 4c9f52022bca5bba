"""The thin model (sim.model.model): Mesa wiring of the phases, accessors, agents and invariants.

``test_short_baseline_matches_the_golden_master`` is a fast characterization
check: the baseline over its first 50 days (seven talk rounds) at the golden
master's seed and replications must give the pinned daily numbers, talk outcomes
and timeline of those days, since no day's outputs depend on later days.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, scenario
from sim.model.model import CeasefireModel, ModelInvariantError, stream_names
from sim.model.state import Topology
from sim.model.streams import Streams, parameter_uniforms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from golden_master import FLOAT32_TOLERANCE, GOLDEN, REPLICATIONS, ROOT, SEED, TRAJECTORY_REPLICATIONS  # noqa: E402

SHORT_HORIZON = 50


def test_short_baseline_matches_the_golden_master():
    import sim

    path = ROOT / "scenarios" / "pakistan_afghanistan_2025.yaml"
    out = CeasefireModel(sim.load_scenario(path), seed=SEED, replications=REPLICATIONS, horizon_days=SHORT_HORIZON,
                         trajectory_replications=TRAJECTORY_REPLICATIONS).run()
    h = SHORT_HORIZON + 1
    pinned = np.load(GOLDEN / f"{path.stem}.npz")
    np.testing.assert_array_equal(out.status_counts, pinned["status_counts"][:h])
    for name, values in out.daily_totals.items():
        np.testing.assert_allclose(values, pinned[f"daily/{name}"][:h], rtol=0, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(out.trajectories["values"], pinned["trajectories"][:h], rtol=0,
                               atol=FLOAT32_TOLERANCE)
    other = json.loads((GOLDEN / f"{path.stem}.json").read_text())
    assert {str(d): v for d, v in out.talk_outcomes.items()} == {
        d: v for d, v in other["talk_outcomes"].items() if int(d) <= SHORT_HORIZON}
    timeline = json.loads(json.dumps(out.timeline, default=int))
    assert timeline and timeline == other["timeline"][:len(timeline)]
    assert other["timeline"][len(timeline)]["day"] > SHORT_HORIZON


def small_model(replications=4, horizon=12, changes=None):
    return CeasefireModel(scenario(changes), seed=3, replications=replications, horizon_days=horizon)


def test_stream_names_cover_each_rule_and_actor():
    daily, occasional = stream_names(Topology.from_scenario(scenario()))
    assert daily[0] == "shock"
    assert daily[1:4] == ["attacks/rebels", "attack_casualties/rebels", "attribution/rebels"]
    assert daily[4:8] == ["strike/north", "strike/south", "strike_casualties/north", "strike_casualties/south"]
    assert daily[8:10] == ["retaliation/north", "retaliation/south"]
    assert daily[10:12] == ["retaliation_lag/north", "retaliation_lag/south"]
    # Open war is decided every day, by every party.
    assert daily[-2:] == ["open_war/north", "open_war/south"] and len(daily) == 1 + 3 + 14
    # Drawn on the days that need them only (a talk day, an agreement, an expiry, a collapse).
    assert occasional == ["collapse", "proposal", "extension", "crackdown/rebels", "principal/north",
                          "principal/south", "accept/north", "accept/south", "walkout/north", "walkout/south",
                          "join/broker", "restart/broker", "restart_delay/broker"]
    with_incidents, _ = stream_names(Topology.from_scenario(scenario()), ["mine"])
    assert with_incidents[len(daily):] == ["incident/mine", "incident_casualties/mine", "suspension/mine",
                                           "resumption/mine"]


def test_model_runs_the_days_and_reads_the_state_by_actor_id():
    model = small_model()
    assert model.n_replications == 4 and model.horizon_days == 12
    np.testing.assert_array_equal(model.replication_ids, np.arange(4))
    np.testing.assert_array_equal(model.calendar, [[3] * 4, [10] * 4])  # each replication's calendar
    np.testing.assert_allclose(model.trust("north", "south"), 0.3, rtol=1e-12)
    model.step()
    assert model.day == 1 and model.state.day == 1 and model.state.trust.day == 1
    out = model.run()
    assert model.day == 12
    np.testing.assert_array_equal(model.trust("north", "south"), model.state.trust.mean(NORTH, SOUTH))
    np.testing.assert_array_equal(model.trust_matrix(), model.state.trust.matrix())
    assert model.status_counts.sum(axis=1).tolist() == [4] * 13
    assert set(model.talk_outcomes) <= {3, 10} and 3 in model.talk_outcomes
    assert model.talk_outcomes[3]["rounds"] == 4
    np.testing.assert_array_equal(model.counters["talk_rounds"], out.columns["talk_rounds"])
    assert (out.columns["talk_rounds"] >= 1).all()


def test_the_horizon_bounds_the_calendar_and_replication_indices_are_global():
    model = CeasefireModel(scenario(), seed=3, replications=np.array([5, 7]), horizon_days=5)
    np.testing.assert_array_equal(model.replication_ids, [5, 7])
    out = model.run()
    assert set(model.talk_outcomes) == {3}  # the round of day 10 lies past the horizon
    np.testing.assert_array_equal(out.replications, [5, 7])
    assert out.timeline is None


def test_one_replication_equals_its_row_of_a_batch():
    batch = small_model(replications=6, horizon=20).run()
    one = CeasefireModel(scenario(), seed=3, replications=np.array([4]), horizon_days=20).run()
    for name, values in one.columns.items():
        np.testing.assert_array_equal(values, batch.columns[name][[4]], err_msg=name)


def test_tallies_are_cleared_each_morning():
    model = small_model(horizon=3)
    model.step()
    model.state.parties.casualties_suffered[:] = 99
    model.state.parties.civilians_suffered[:] = 99
    model.state.ceasefire.open_war_today[:] = True
    model.begin_day()
    assert not model.state.parties.casualties_suffered.any() and not model.state.parties.civilians_suffered.any()
    assert not model.state.ceasefire.open_war_today.any()


def test_late_mediator_engages_on_its_day():
    model = small_model(horizon=6, changes={"actors": {"broker": {"engagement": {"from_day": 4}}}})
    for _ in range(3):
        model.step()
    assert not model.state.mediators.engaged.any()
    model.step()
    breakdown_day = model.state.ceasefire.breakdown_day
    alive_on_day_4 = (breakdown_day < 0) | (breakdown_day >= 4)
    assert alive_on_day_4.any()
    np.testing.assert_array_equal(model.state.mediators.engaged[0], alive_on_day_4)


def test_restarted_round_is_scheduled():
    # The only calendar round always collapses and the broker always re-opens the talks: rounds follow
    # after day 3 although the calendar has none.
    changes = {"talks": {"collapse": {"first_failure_prob": 1.0}, "calendar": [{"day": 3}],
                         "acceptance_temperature": 0.001},
               "actors": {"broker": {"last_ditch": {"restart_prob": 1.0, "restart_delay_days": 2}},
                          "north": {"war_cost": 0.0}, "south": {"war_cost": 0.0}}}
    model = small_model(replications=3, horizon=20, changes=changes)
    model.run()
    assert model.talk_outcomes[3]["restarts"] == model.talk_outcomes[3]["rounds"] > 0
    assert sum(v["rounds"] for d, v in model.talk_outcomes.items() if d > 3) > 0


def test_agents_are_views_on_the_state():
    model = small_model()
    north, rebels, broker = model.actors["north"], model.actors["rebels"], model.actors["broker"]
    assert repr(north) == "Party('north')" and north.name == "North" and north.role == "party"
    assert (north.index, north.trust_index, rebels.index, rebels.trust_index, broker.index) == (0, 0, 0, 2, 0)
    model.state.parties.pressure[NORTH] = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_array_equal(north.pressure, [1.0, 2.0, 3.0, 4.0])
    model.state.groups.damage[0] = 0.5
    np.testing.assert_allclose(rebels.sanctuary, 0.45, rtol=1e-12)
    np.testing.assert_array_equal(broker.engaged, True)
    np.testing.assert_allclose(north.trust_in("broker"), 0.6, rtol=1e-12)
    assert type(north).pressure.name == "pressure"


@pytest.mark.parametrize("where", ["trust", "support", "progress"])
def test_invariant_error_names_the_quantity_replication_and_seed(where):
    model = CeasefireModel(scenario(), seed=9, replications=np.array([10, 11, 12]), horizon_days=3)
    model.run()
    if where == "trust":
        model.state.trust.cooperation[0, 1, 2] = np.nan
        pattern = r"trust left \[0, 1\] \(value .*nan.*\) in replication 12 on day 3; seed 9"
    elif where == "support":
        model.state.parties.support[SOUTH, 1] = 1.5
        pattern = r"support of south left \[0, 1\] \(value .*1\.5.*\) in replication 11"
    else:
        model.state.talks.progress[0] = -0.1
        pattern = r"talk progress left \[0, 1\] .* in replication 10"
    with pytest.raises(ModelInvariantError, match=pattern):
        model.output()


def test_defaults_one_replication_the_scenario_s_horizon_and_no_trajectories():
    spec = scenario()
    model = CeasefireModel(spec, seed=3)
    assert model.spec is spec and model.n_replications == 1 and model.horizon_days == 30
    out = model.run()
    assert model.day == 30 and out.trajectories["values"] is None
    assert model.status_counts.shape == (31, 3)


def test_talk_rounds_on_the_first_and_the_last_day():
    # North never accepts (its reservation is above any deal at a near-zero temperature): no agreement on day 1.
    changes = {"talks": {"calendar": [{"day": 1}, {"day": 10}], "acceptance_temperature": 0.001},
               "actors": {"north": {"war_cost": 0.0}}}
    model = small_model(replications=2, horizon=10, changes=changes)
    model.run()
    assert model.talk_outcomes[1]["rounds"] == 2 and model.talk_outcomes[1]["agreements"] == 0
    alive_on_day_10 = int(((model.state.ceasefire.breakdown_day < 0) | (model.state.ceasefire.breakdown_day >= 10)).sum())
    assert alive_on_day_10 > 0 and model.talk_outcomes[10]["rounds"] == alive_on_day_10


def test_distributions_drawn_from_the_run_s_seed():
    changes = {"actors": {"rebels": {"sanctuary": {"dist": "uniform", "low": 0.5, "high": 1.0}}}}
    model = CeasefireModel(scenario(changes), seed=11, replications=3, horizon_days=1)
    np.testing.assert_allclose(model.parameters.groups.sanctuary[0],
                               0.5 + 0.5 * parameter_uniforms(11, np.arange(3), "actors.rebels.sanctuary"), rtol=1e-12)


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_rows_of_streams_not_declared_side_by_side(order):
    streams = Streams(5, np.arange(3), ["strike/a", "other", "strike/b"])
    streams.advance()
    expected = np.stack([streams[f"strike/{x}"] for x in order])
    np.testing.assert_array_equal(streams.rows("strike", order), expected)
    np.testing.assert_array_equal(streams.rows("strike", order), expected)  # cached lookup
