"""Scenario numbers as model inputs: a float, or an array over replications where uncertain.

A field written as a distribution is drawn once per replication, by inversion
of a uniform from a stream named after the field's path (see
:func:`sim.model.streams.parameter_uniforms`), so each uncertain parameter's
draws are the same whatever the others are.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..scenario.distributions import is_distribution
from ..scenario.schema import Spec
from .streams import parameter_uniforms


class ParameterSampler:
    """Resolves scenario blocks for a set of replications and remembers what it drew.

    Parameters
    ----------
    seed : int
        The run's seed.
    replications : ndarray of int, shape (R,)
        Global replication indices.
    """

    def __init__(self, seed: int, replications: np.ndarray) -> None:
        self.seed = seed
        self.replications = replications
        self.sampled: dict[str, np.ndarray] = {}

    def resolve(self, spec: Spec, path: str) -> SimpleNamespace:
        """A namespace mirroring ``spec``: distributions become arrays of shape (R,)."""
        out = {}
        for name in type(spec).model_fields:
            out[name] = self._value(getattr(spec, name), f"{path}.{name}")
        return SimpleNamespace(**out)

    def _value(self, value: Any, path: str) -> Any:
        if is_distribution(value):
            drawn = value.ppf(parameter_uniforms(self.seed, self.replications, path))
            self.sampled[path] = drawn
            return drawn
        if isinstance(value, Spec):
            return self.resolve(value, path)
        if isinstance(value, Mapping):
            return {k: self._value(v, f"{path}.{k}") for k, v in value.items()}
        return value
