"""Design points: grid, Latin hypercube, Sobol' (Saltelli), Morris, or an explicit list.

Random designs draw from a generator derived from the sweep's seed by
``SeedSequence(seed, spawn_key=(crc32("sweep-design"),))``, a stream that no
replication uses, so the same seed gives the same design and the design does
not share numbers with the simulation.

References
----------
.. [1] McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). A comparison of three methods for
       selecting values of input variables in the analysis of output from a computer code.
       *Technometrics* 21(2), 239-245.
.. [2] Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
       *Computer Physics Communications* 145(2), 280-297.
.. [3] Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective screening design for
       sensitivity analysis of large models. *Environmental Modelling & Software* 22(10), 1509-1518.
.. [4] Herman, J. and Usher, W. (2017). SALib: An open-source Python library for sensitivity
       analysis. *Journal of Open Source Software* 2(9), 97.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model.streams import stream_key

if TYPE_CHECKING:
    from .spec import Key, Parameter, SweepSpec


@dataclass(frozen=True)
class Design:
    """Design points (one tuple of parameter values each) and what the manifest records about them."""

    points: list[tuple[Any, ...]]
    manifest: dict[str, Any]
    salib_problem: dict[str, Any] | None = None


def design_generator(seed: int) -> np.random.Generator:
    """The generator of a sweep's random design (a stream of its own; see the module docstring)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stream_key("sweep-design"),))))


def salib_problem(parameters: list[Parameter]) -> dict[str, Any]:
    """SALib's problem dict: names are the parameters' dotted paths, bounds their ranges."""
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [[float(p.low), float(p.high)] for p in parameters],  # type: ignore[arg-type]
    }


def _rows(matrix: np.ndarray) -> list[tuple[float, ...]]:
    return [tuple(float(x) for x in row) for row in np.asarray(matrix, dtype=np.float64)]


def grid(parameters: list[Parameter]) -> list[tuple[Any, ...]]:
    """Full factorial over each parameter's values; the first parameter varies slowest.

    Returns
    -------
    list of tuple, length prod(len(values))
    """
    from .spec import grid_points

    return grid_points(parameters)


def latin_hypercube(parameters: list[Parameter], samples: int, seed: int) -> list[tuple[float, ...]]:
    """A scrambled Latin hypercube of ``samples`` points scaled to the parameters' ranges [1]_.

    Every parameter's range is cut into ``samples`` equal strata with exactly one point in each.
    """
    from scipy.stats import qmc  # here, not at the top: scipy.stats takes ~1 s to import, and a dry run needs none

    sampler = qmc.LatinHypercube(d=len(parameters), rng=design_generator(seed))
    unit = sampler.random(samples)
    lows = np.array([p.low for p in parameters], dtype=np.float64)
    highs = np.array([p.high for p in parameters], dtype=np.float64)
    return _rows(qmc.scale(unit, lows, highs))


def sobol(parameters: list[Parameter], base_samples: int, second_order: bool, seed: int) -> list[tuple[float, ...]]:
    """Saltelli's extension of a scrambled Sobol' sequence (SALib) [2]_ [4]_.

    Returns ``base_samples * (D + 2)`` points, or ``base_samples * (2 D + 2)`` with ``second_order``, in the
    order :func:`SALib.analyze.sobol.analyze` expects.
    """
    from SALib.sample import sobol as salib_sobol

    with warnings.catch_warnings():
        # SALib warns (UserWarning) for N not a power of two; the sweep file already warned, located.
        warnings.simplefilter("ignore", UserWarning)
        matrix = salib_sobol.sample(salib_problem(parameters), base_samples, calc_second_order=second_order,
                                    scramble=True, seed=design_generator(seed))
    return _clip(parameters, matrix)


def morris(parameters: list[Parameter], trajectories: int, levels: int, seed: int) -> list[tuple[float, ...]]:
    """Morris one-at-a-time trajectories on a ``levels``-level grid (SALib) [3]_ [4]_.

    Returns ``trajectories * (D + 1)`` points, in the order :func:`SALib.analyze.morris.analyze` expects.
    """
    from SALib.sample import morris as salib_morris

    matrix = salib_morris.sample(salib_problem(parameters), trajectories, num_levels=levels,
                                 seed=design_generator(seed))
    return _clip(parameters, matrix)


def _clip(parameters: list[Parameter], matrix: np.ndarray) -> list[tuple[float, ...]]:
    # Scaling u * (high - low) + low can overshoot an end by an ulp; a bound like le=1 must still hold.
    lows = np.array([p.low for p in parameters], dtype=np.float64)
    highs = np.array([p.high for p in parameters], dtype=np.float64)
    return _rows(np.clip(np.asarray(matrix, dtype=np.float64), lows, highs))


def explicit(parameters: list[Parameter], sets: list[dict[Key, tuple[Key, Any]]], dump: dict[str, Any]
             ) -> list[tuple[Any, ...]]:
    """The listed points; a parameter a point does not set takes the base scenario's value."""
    points = []
    for located in sets:
        row = []
        for p in parameters:
            if p.keys in located:
                row.append(located[p.keys][1])
            else:
                node: Any = dump
                for k in p.keys:
                    node = node[k]
                row.append(node)
        points.append(tuple(row))
    return points


def build(spec: SweepSpec, parameters: list[Parameter], sets: list[dict[Key, tuple[Key, Any]]],
          dump: dict[str, Any]) -> Design:
    """The design a validated sweep file asks for."""
    d = spec.design
    options: dict[str, Any] = d.model_dump(mode="json")
    problem = None
    if d.method == "grid":
        points = grid(parameters)
    elif d.method == "latin_hypercube":
        points = latin_hypercube(parameters, d.samples, spec.seed)
    elif d.method == "sobol":
        points = sobol(parameters, d.base_samples, d.second_order, spec.seed)
        problem = salib_problem(parameters)
    elif d.method == "morris":
        points = morris(parameters, d.trajectories, d.levels, spec.seed)
        problem = salib_problem(parameters)
    else:
        points = explicit(parameters, sets, dump)
        options = {"method": "explicit", "labels": [pt.label for pt in d.points]}
    if d.method in ("latin_hypercube", "sobol", "morris"):
        options["design_stream"] = "SeedSequence(seed, spawn_key=(crc32('sweep-design'),))"
    return Design(points=points, manifest=options, salib_problem=problem)
