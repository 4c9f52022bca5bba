"""Shared fixtures: the shipped baseline scenario."""

from __future__ import annotations

import pytest

from scenario_data import BASELINE


@pytest.fixture(scope="session")
def baseline():
    import sim

    return sim.load_scenario(BASELINE)
