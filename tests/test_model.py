"""The model against known answers, its invariants, and its Mesa face."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import sim
from sim.model.model import CeasefireModel

from scenario_data import make_scenario, minimal_scenario_data


def test_background_hazard_gives_geometric_survival():
    # With every feedback off, the ceasefire survives each day with probability 1 - p,
    # so P(hold to T) = (1 - p)^T. n = 20,000: the binomial SE is about 0.0034; allow 4 SE.
    p, horizon, n = 0.01, 100, 20_000
    result = sim.run(make_scenario(minimal_scenario_data()), n_replications=n, seed=11)
    expected = (1 - p) ** horizon
    se = np.sqrt(expected * (1 - expected) / n)
    assert abs(result.summary()["p_hold"] - expected) < 4 * se
    table = result.survival_table()
    for day in (10, 50):
        s = (1 - p) ** day
        assert abs(table.loc[day, "p"] - s) < 4 * np.sqrt(s * (1 - s) / n)
    causes = result.cause_shares()
    assert causes == {"exogenous_shock": 1.0}


def test_mean_attacks_is_rate_times_days():
    # Poisson(2/day) over 100 days: mean 200 per replication, SE sqrt(200 / n).
    data = minimal_scenario_data()
    data["ceasefire"]["background_breakdown_prob_per_day"] = 0.0
    n = 4000
    result = sim.run(make_scenario(data), n_replications=n, seed=3)
    mean_attacks = result.summary()["means"]["attacks"]
    assert abs(mean_attacks - 200.0) < 4 * np.sqrt(200.0 / n)
    assert result.summary()["p_hold"] == 1.0
    assert result.replications["strikes"].sum() == 0


def test_casualties_scale_with_casualties_per_attack():
    data = minimal_scenario_data()
    data["ceasefire"]["background_breakdown_prob_per_day"] = 0.0
    data["actors"]["rebels"]["casualties_per_attack"] = 3.0
    result = sim.run(make_scenario(data), n_replications=2000, seed=4)
    # Compound Poisson: mean 2 * 100 * 3 = 600, variance 2 * 100 * (3 + 9) = 2400.
    assert abs(result.summary()["means"]["casualties"] - 600.0) < 4 * np.sqrt(2400.0 / 2000)


def test_strikes_follow_the_baseline_probability():
    # A constant strike probability q with no retaliation and no breakdown rule binding:
    # strikes per replication are Binomial(T, q).
    data = minimal_scenario_data()
    data["ceasefire"] = {"background_breakdown_prob_per_day": 0.0, "breakdown_window_days": 60,
                         "breakdown_violation_days": 60}
    data["horizon_days"] = 100
    data["actors"]["north"]["strikes"]["baseline_prob_per_day"] = 0.05
    data["actors"]["rebels"]["attack_rate_per_day"] = 0.0
    data["mediation"] = {"agreement_restraint": 0.0}  # the ceasefire's own restraint would lower q
    data["trust_learning"] = {"violation_evidence": 0.0, "compliance_evidence_per_day": 0.0}
    n = 3000
    result = sim.run(make_scenario(data), n_replications=n, seed=5)
    mean = result.summary()["means"]["strikes"]
    assert abs(mean - 5.0) < 4 * np.sqrt(100 * 0.05 * 0.95 / n)


def test_sustained_violations_break_the_ceasefire():
    # Certain daily strikes: day 1, 2, 3 are violation days; with 3 of 7 needed, it breaks on day 3.
    data = minimal_scenario_data()
    data["ceasefire"]["background_breakdown_prob_per_day"] = 0.0
    data["actors"]["north"]["strikes"]["baseline_prob_per_day"] = 1.0
    result = sim.run(make_scenario(data), n_replications=50, seed=1)
    assert (result.replications["breakdown_day"] == 3).all()
    assert result.replications["cause"].str.endswith("cross_border_strike").all()
    assert result.summary()["p_any_violation"] == 1.0


def test_single_replication_equals_its_row_in_a_vectorized_run(baseline):
    # One implementation of the rules: R = 1 is an ordinary run and matches the batch.
    batch = sim.run(baseline, n_replications=1500, seed=9, horizon_days=90).replications
    for rep in (0, 1234):
        single = CeasefireModel(baseline, seed=9, replications=np.array([rep]), horizon_days=90).run()
        assert single.columns["breakdown_day"][0] == (
            batch.loc[rep, "breakdown_day"] if batch.loc[rep, "breakdown_day"] is not None
            and not _isna(batch.loc[rep, "breakdown_day"]) else -1)
        for name in ("attacks", "strikes", "retaliations", "casualties", "walkouts", "talk_rounds"):
            assert single.columns[name][0] == batch.loc[rep, name], name
        assert single.columns["trust.pakistan.afghan_taliban"][0] == pytest.approx(
            batch.loc[rep, "trust.pakistan.afghan_taliban"], abs=1e-12)


def _isna(x) -> bool:
    import pandas as pd

    return bool(pd.isna(x))


def test_model_steps_day_by_day_like_a_mesa_model(baseline):
    model = CeasefireModel(baseline, seed=2, replications=3)
    assert len(model.agents) == len(baseline.actors)
    model.step()
    assert model.day == 1 and model.time == 1
    for _ in range(9):
        model.step()
    assert model.day == 10
    # The Istanbul round (day 6, three days of sessions) was held for every replication still at the table,
    # and as one round: nothing is held on its later session days.
    still_holding = model.status_counts[5, :2].sum()
    assert still_holding >= 1 and model.talk_outcomes[6]["rounds"] == still_holding
    assert 7 not in model.talk_outcomes and 8 not in model.talk_outcomes
    assert model.status_counts[10].sum() == 3


def test_random_draws_do_not_depend_on_parameter_values(baseline):
    # Mask, don't skip: two parameter sets consume identical uniforms every day.
    data = baseline.model_dump(by_alias=True)
    changed = copy.deepcopy(data)
    changed["actors"]["pakistan"]["strikes"]["baseline_prob_per_day"] = 0.3
    changed["talks"]["collapse"]["first_failure_prob"] = 0.9
    other = make_scenario(changed)
    a = CeasefireModel(baseline, seed=4, replications=200)
    b = CeasefireModel(other, seed=4, replications=200)
    for _ in range(40):
        a.step()
        b.step()
        for name in a.streams.names:
            np.testing.assert_array_equal(a.streams[name], b.streams[name], err_msg=name)
    assert a.counters["strikes"].sum() != b.counters["strikes"].sum()


def test_distribution_parameters_are_drawn_per_replication(baseline):
    data = baseline.model_dump(by_alias=True)
    data["actors"]["afghan_taliban"]["cost_tolerance"] = {"dist": "uniform", "low": 0.5, "high": 0.9}
    result = sim.run(make_scenario(data), n_replications=2000, seed=6, horizon_days=30)
    drawn = result.replications["param.actors.afghan_taliban.cost_tolerance"]
    assert drawn.between(0.5, 0.9).all()
    # Uniform(0.5, 0.9): mean 0.7, SD 0.115; SE of the mean 0.0026, allow 4 SE.
    assert abs(drawn.mean() - 0.7) < 4 * 0.1155 / np.sqrt(2000)
    assert drawn.nunique() > 1900


def test_outputs_are_finite_probabilities(baseline):
    result = sim.run(baseline, n_replications=2000, seed=8)
    frame = result.replications
    trust_cols = [c for c in frame.columns if c.startswith("trust.")]
    values = frame[trust_cols].to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all() and (values <= 1).all()
    table = result.survival_table()
    for col in ("p", "ci_low", "ci_high", "share_holding", "share_violated", "share_broken"):
        assert table[col].between(0, 1).all(), col
    assert (np.diff(table["p"]) <= 1e-12).all()
    # Censoring only at the horizon: the Kaplan-Meier value at H is exactly P(hold).
    assert table["p"].iloc[-1] == result.summary()["p_hold"]
    # Real ceasefires survive lethal incidents: violations short of breakdown are common.
    held = frame["breakdown_day"].isna()
    assert (frame.loc[held, "violations"] > 0).mean() > 0.3


def _open_war_only(baseline_prob: float, talks_failed_boost: float) -> dict:
    # Open war is the only way to break down: a constant daily hazard while talks are on; one round
    # on day 10 that cannot succeed and always collapses (no mediator re-opens it), after which the
    # hazard rises by the talks-failed boost.
    data = minimal_scenario_data()
    data["ceasefire"]["background_breakdown_prob_per_day"] = 0.0
    data["actors"]["north"]["positions"] = {"security": 1.0}
    data["actors"]["south"]["positions"] = {"security": 0.0}
    data["actors"]["north"]["war_cost"] = 0.0  # fighting is worth more to the north than any compromise
    data["mediation"] = {"agreement_restraint": 0.0}  # no restraint: the hazard is the parameter's alone
    data["actors"]["north"]["open_war"].update(baseline_prob_per_day=baseline_prob,
                                               talks_failed_boost=talks_failed_boost)
    data["talks"] = {"calendar": [{"day": 10}], "acceptance_temperature": 0.001,
                     "collapse": {"first_failure_prob": 1.0}}
    return data


def test_open_war_is_possible_on_any_day_at_its_daily_hazard():
    # No window: with the talks on (days 1-9) and off (day 10 on) alike, the ceasefire ends by open war
    # at a constant daily hazard q, so P(hold to T) = (1 - q)^T. n = 4000; allow 4 SE.
    q, n = 0.005, 4000
    result = sim.run(make_scenario(_open_war_only(q, 0.0)), n_replications=n, seed=2)
    frame = result.replications
    broken = frame["breakdown_day"].notna()
    expected = 1 - (1 - q) ** 100
    assert abs(broken.mean() - expected) < 4 * np.sqrt(expected * (1 - expected) / n)
    assert (frame.loc[broken, "cause"].str.endswith("open_war")).all()
    assert frame.loc[broken, "breakdown_day"].min() < 10  # before any collapse
    assert frame.loc[broken, "breakdown_day"].max() > 60  # long after it


def test_failed_talks_raise_the_open_war_hazard_by_their_boost():
    # Before the collapse on day 10 the hazard is q; after it, logistic(logit(q) + boost).
    q, boost, n = 0.002, 2.0, 4000
    frame = sim.run(make_scenario(_open_war_only(q, boost)), n_replications=n, seed=3).replications
    day = frame["breakdown_day"].astype(float).fillna(np.inf)  # inf: held to the horizon
    alive_at_10 = day >= 10
    after = 1.0 / (1.0 + np.exp(-(np.log(q / (1 - q)) + boost)))
    expected = 1 - (1 - after) ** 90  # days 11..100 (the round's day 10 is still at the old hazard)
    share = (day[alive_at_10] <= 100).mean() - (day[alive_at_10] == 10).mean()
    m = int(alive_at_10.sum())
    assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / m)
    assert (frame["cause"].dropna().str.contains("open_war")).all()
