"""Reproducibility: the same seed gives the same numbers whatever the chunking or processes."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.engine import plan_tasks
from sim.model.streams import BLOCK_SIZE


def _frame(baseline, **kwargs) -> pd.DataFrame:
    return sim.run(baseline, n_replications=4500, seed=21, horizon_days=60, **kwargs).replications


def test_same_seed_same_results_across_task_sizes_and_processes(baseline):
    reference = _frame(baseline, workers=1, replications_per_task=10_000)
    by_block = _frame(baseline, workers=1, replications_per_task=BLOCK_SIZE)
    two_processes = _frame(baseline, workers=2, replications_per_task=2 * BLOCK_SIZE)
    pd.testing.assert_frame_equal(reference, by_block)
    pd.testing.assert_frame_equal(reference, two_processes)


def test_aggregates_do_not_depend_on_chunking(baseline):
    a = sim.run(baseline, n_replications=3000, seed=5, horizon_days=60, replications_per_task=1000)
    b = sim.run(baseline, n_replications=3000, seed=5, horizon_days=60, replications_per_task=3000)
    assert a.summary() == b.summary()
    pd.testing.assert_frame_equal(a.daily_table(), b.daily_table())
    pd.testing.assert_frame_equal(a.trajectories(), b.trajectories())
    assert a.timeline() == b.timeline()


def test_another_seed_gives_other_results(baseline):
    a = sim.run(baseline, n_replications=2000, seed=1, horizon_days=60).replications
    b = sim.run(baseline, n_replications=2000, seed=2, horizon_days=60).replications
    assert not a["attacks"].equals(b["attacks"])


def test_first_replications_do_not_depend_on_the_total(baseline):
    small = sim.run(baseline, n_replications=1000, seed=3, horizon_days=60).replications
    large = sim.run(baseline, n_replications=2500, seed=3, horizon_days=60).replications
    pd.testing.assert_frame_equal(small, large.iloc[:1000])


def test_plan_tasks_aligns_to_blocks():
    tasks = plan_tasks(25_500, 4_500)
    assert [t.start % BLOCK_SIZE for t in tasks] == [0] * len(tasks)
    assert tasks[0].stop - tasks[0].start == 5_000
    assert tasks[-1].stop == 25_500
    assert sum(t.stop - t.start for t in tasks) == 25_500
    with pytest.raises(ValueError):
        plan_tasks(0)


def test_bad_arguments_are_value_errors(baseline):
    with pytest.raises(ValueError, match="seed"):
        sim.run(baseline, n_replications=10, seed=-1)
    with pytest.raises(ValueError, match="workers"):
        sim.run(baseline, n_replications=10, seed=1, workers=0)
