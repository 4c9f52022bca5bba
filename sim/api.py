"""The library's entry points: load a scenario file, run it."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .engine import DEFAULT_REPLICATIONS_PER_TASK, DEFAULT_TRAJECTORY_REPLICATIONS, simulate
from .results import RunResult, replications_frame
from .scenario.loader import ScenarioWarning, load
from .scenario.schema import Scenario

__all__ = ["ScenarioWarning", "load_scenario", "run"]


def load_scenario(path: str | os.PathLike[str], *, warn: bool = True) -> Scenario:
    """Load, resolve ``extends`` and validate a scenario file.

    Raises
    ------
    sim.ScenarioError
        With every problem found, each located as ``file:line:column: field.path: value: expected``.
    """
    loaded = load(path, Scenario)
    if warn:
        for message in loaded.warnings:
            warnings.warn(message.format(), ScenarioWarning, stacklevel=2)
    scenario = loaded.model
    scenario._source = str(path)
    return scenario


def run(
    scenario: Scenario | str | os.PathLike[str],
    *,
    n_replications: int,
    seed: int | None = None,
    horizon_days: int | None = None,
    workers: int = 1,
    replications_per_task: int = DEFAULT_REPLICATIONS_PER_TASK,
    trajectory_replications: int = DEFAULT_TRAJECTORY_REPLICATIONS,
    keep_replications: bool = True,
    replications_file: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Simulate ``n_replications`` of a scenario.

    Parameters
    ----------
    scenario : Scenario or path
        A loaded scenario, or a file to load.
    n_replications : int
        Number of replications (>= 1).
    seed : int, optional
        Non-negative seed; the same seed gives the same numbers whatever ``workers`` and
        ``replications_per_task``. If omitted, one is drawn from the OS and reported.
    horizon_days : int, optional
        Override the scenario's horizon [days].
    workers : int
        Worker processes (1 = this process).
    keep_replications : bool
        Keep one row per replication in ``result.replications`` (memory grows with n).
    replications_file : path, optional
        Stream one row per replication to this Parquet file as tasks finish, instead of keeping them
        (memory stays flat with n; ``result.replications`` is then None). The rows are those
        ``result.replications`` would hold.
    progress : callable, optional
        ``progress(done, total)`` after each task.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    writer = _RowWriter(replications_file) if replications_file is not None else None
    try:
        acc = simulate(
            scenario, n_replications=n_replications, seed=seed, horizon_days=horizon_days, workers=workers,
            replications_per_task=replications_per_task, trajectory_replications=trajectory_replications,
            keep_replications=keep_replications and writer is None, progress=progress,
            on_task=writer.add if writer is not None else None,
        )
    finally:
        if writer is not None:
            writer.close()
    source = scenario.source
    return RunResult(
        scenario=scenario, seed=int(seed), n_replications=n_replications, horizon_days=acc.horizon_days,
        stats=acc, replications=replications_frame(acc), source=str(Path(source)) if source else None,
    )


class _RowWriter:
    """Appends each task's per-replication rows to one Parquet file (a row group per task)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._writer = None
        self._schema = None
        self._horizon: int | None = None

    def add(self, task: object, output: object) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .engine import RunAccumulator

        horizon = int(output.status_counts.shape[0]) - 1  # type: ignore[attr-defined]
        one = RunAccumulator(horizon_days=horizon)
        one.keep_columns()
        one.add(output)  # type: ignore[arg-type]
        frame = replications_frame(one)
        table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        if self._writer is None:
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.path, self._schema)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
