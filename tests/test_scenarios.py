"""Every shipped scenario validates and runs; variants move the odds the way analysts expect."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from scenario_data import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
N = 3000  # per scenario: Wilson half-widths about 0.017 at p = 0.6


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_validates_and_runs(path):
    scenario = sim.load_scenario(path)
    result = sim.run(scenario, n_replications=1000, seed=1)
    summary = result.summary()
    assert 0.0 <= summary["p_hold"] <= 1.0
    lo, hi = summary["p_hold_ci"]
    assert 0.0 <= lo <= summary["p_hold"] <= hi <= 1.0
    for row in summary["survival"]:
        assert 0.0 <= row["ci_low"] <= row["p"] <= row["ci_high"] <= 1.0
    assert all(np.isfinite(v) for v in summary["means"].values())
    assert abs(sum(summary["breakdown_causes"].values()) - 1.0) < 1e-9 or not summary["breakdown_causes"]
    numeric = result.replications.select_dtypes("number").to_numpy(dtype=float, na_value=0.0)
    assert np.isfinite(numeric).all()


def test_actors_are_data_not_code():
    # The same program runs another conflict with other actors and issues.
    scenario = sim.load_scenario(SCENARIOS / "thailand_cambodia_2025.yaml")
    assert set(scenario.actors_with_role("party")) == {"thailand", "cambodia"}
    result = sim.run(scenario, n_replications=500, seed=2)
    assert "trust.thailand.cambodia" in result.replications.columns


@pytest.fixture(scope="module")
def p_hold():
    cache: dict[str, tuple[float, float, float]] = {}

    def get(stem: str) -> tuple[float, float, float]:
        if stem not in cache:
            scenario = sim.load_scenario(SCENARIOS / f"{stem}.yaml")
            cache[stem] = sim.run(scenario, n_replications=N, seed=7).p_hold()
        return cache[stem]

    return get


@pytest.mark.parametrize("variant", ["pakistan_afghanistan_2025_us_inducements",
                                     "pakistan_afghanistan_2025_china_guarantor"])
def test_inducements_and_monitoring_raise_p_hold(p_hold, variant):
    base = p_hold("pakistan_afghanistan_2025")
    better = p_hold(variant)
    assert better[1] > base[2], f"{variant}: CI {better[1:]} not above baseline CI {base[1:]}"


@pytest.mark.parametrize("variant", ["pakistan_afghanistan_2025_jihad_decree",
                                     "pakistan_afghanistan_2025_no_mediation",
                                     "pakistan_afghanistan_2025_open_war"])
def test_decree_no_mediation_and_open_war_lower_p_hold(p_hold, variant):
    base = p_hold("pakistan_afghanistan_2025")
    worse = p_hold(variant)
    assert worse[2] < base[1], f"{variant}: CI {worse[1:]} not below baseline CI {base[1:]}"
