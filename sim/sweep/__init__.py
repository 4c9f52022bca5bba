"""Parameter sweeps: vary scenario parameters over a design, many replications per point.

::

    from sim.sweep import load_sweep, run_sweep
    sweep = load_sweep("experiments/trust_vs_alignment.yaml")
    outcome = run_sweep(sweep, "sweeps/trust", workers=2)
    import pandas as pd
    pd.read_parquet(outcome.results)      # one row per design point

See :mod:`sim.sweep.spec` for the sweep file, :mod:`sim.sweep.store` for the results directory.
"""

from __future__ import annotations

from .runner import DryRun, SweepOutcome, TaskFailure, dry_run, run_sweep
from .spec import Parameter, Sweep, SweepError, SweepSpec, load_sweep
from .store import ResumeRefused, SweepStore

__all__ = [
    "DryRun", "Parameter", "ResumeRefused", "Sweep", "SweepError", "SweepOutcome", "SweepSpec", "SweepStore",
    "TaskFailure", "dry_run", "load_sweep", "run_sweep",
]
