"""What a change does to the odds, which assumptions matter, and where the ceasefire holds.

- :func:`compare`: scenarios run with common random numbers, paired differences in
  P(hold) and survival with intervals (:mod:`sim.analysis.compare`).
- :func:`sobol_indices`, :func:`morris_indices`: variance-based and elementary-effect
  sensitivity of a sweep's outcomes (:mod:`sim.analysis.sensitivity`, via SALib).
- :func:`prim`: scenario discovery, boxes of parameter ranges where the ceasefire holds
  (:mod:`sim.analysis.prim`).
- :func:`prcc`, :func:`correlation_ratio`: feature-importance rankings from any design
  (:mod:`sim.analysis.importance`).
- :func:`analyze_sweep`: all of the above on a sweep results directory
  (:mod:`sim.analysis.sweep`).
"""

from __future__ import annotations

from .compare import CompareResult, compare
from .errors import AnalysisError
from .importance import correlation_ratio, prcc
from .prim import PrimBox, PrimResult, prim
from .sensitivity import morris_indices, sobol_indices
from .sweep import SweepAnalysis, analyze_sweep

__all__ = [
    "AnalysisError",
    "CompareResult",
    "PrimBox",
    "PrimResult",
    "SweepAnalysis",
    "analyze_sweep",
    "compare",
    "correlation_ratio",
    "morris_indices",
    "prcc",
    "prim",
    "sobol_indices",
]
