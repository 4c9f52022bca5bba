"""Parameter sweeps: vary scenario parameters over a design, many replications per point.

::

    from sim.sweep import load_sweep, run_sweep
    sweep = load_sweep("experiments/trust_vs_alignment.yaml")
    outcome = run_sweep(sweep, "sweeps/trust", workers=2)
    import pandas as pd
    pd.read_parquet(outcome.results)      # one row per design point

See :mod:`sim.sweep.spec` for the sweep file, :mod:`sim.sweep.store` for the results directory.
The names below are imported on first use (PEP 562): loading or dry-running a sweep must not pay
for importing the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import SweepOutcome, TaskFailure, run_sweep
    from .spec import Parameter, Sweep, SweepError, SweepSpec, load_sweep
    from .store import ResumeRefused, SweepStore
    from .tasks import DryRun, dry_run

_EXPORTS = {
    "DryRun": ".tasks", "dry_run": ".tasks",
    "SweepOutcome": ".runner", "TaskFailure": ".runner", "run_sweep": ".runner",
    "Parameter": ".spec", "Sweep": ".spec", "SweepError": ".spec", "SweepSpec": ".spec", "load_sweep": ".spec",
    "ResumeRefused": ".store", "SweepStore": ".store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
