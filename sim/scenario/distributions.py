"""Uncertain parameters: a number, or a distribution drawn once per replication.

Any numeric scenario field may be written as a plain number or as a mapping
with a ``dist`` key. A distribution is sampled by inverse transform of one
uniform number per replication, so that the same uniforms give the same
quantiles whatever the distribution's parameters (common random numbers).

References
----------
.. [1] Devroye, L. (1986). *Non-Uniform Random Variate Generation*, ch. 2
       (the inversion method). Springer.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

# scipy.stats is imported where a quantile is computed: validating a file (``ceasefire validate``,
# ``--dry-run``) never needs it, and it takes most of a second to import.


class _Dist(BaseModel):
    # Strict and finite, like the scenario fields (see schema.Spec).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    # Subclasses define support() -> (low, high) and ppf(uniforms) -> values.

    def mean(self) -> float:
        """Expected value, used where a single representative number is needed."""
        return float(self.ppf(np.linspace(0.0005, 0.9995, 1000)).mean())


class _Bounded(_Dist):
    """A distribution whose subclass defines ``low`` and ``high`` with low < high."""

    @model_validator(mode="after")
    def _low_below_high(self) -> _Bounded:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Beta(_Bounded):
    """Beta(a, b) rescaled to [low, high] (default [0, 1])."""

    dist: Literal["beta"]
    a: float = Field(gt=0, description="first shape parameter (> 0)")
    b: float = Field(gt=0, description="second shape parameter (> 0)")
    low: float = Field(0.0, description="lower end of the support")
    high: float = Field(1.0, description="upper end of the support")


    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        from scipy import stats

        return self.low + (self.high - self.low) * stats.beta.ppf(uniforms, self.a, self.b)


class Uniform(_Bounded):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: float
    high: float


    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(uniforms, dtype=float)


class Triangular(_Dist):
    """Triangular on [low, high] with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}")
        return self

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        width = self.high - self.low
        c = (self.mode - self.low) / width
        from scipy import stats

        return self.low + width * stats.triang.ppf(uniforms, c)


class Normal(_Bounded):
    """Normal(mean, sd) truncated to [low, high]; both bounds are required."""

    dist: Literal["normal"]
    mean_: float = Field(alias="mean")
    sd: float = Field(gt=0)
    low: float
    high: float

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True,
                              allow_inf_nan=False)


    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def ppf(self, uniforms: np.ndarray) -> np.ndarray:
        a = (self.low - self.mean_) / self.sd
        b = (self.high - self.mean_) / self.sd
        from scipy import stats

        return stats.truncnorm.ppf(uniforms, a, b, loc=self.mean_, scale=self.sd)


Distribution = Annotated[Union[Beta, Uniform, Triangular, Normal], Field(discriminator="dist")]
"""Any of the supported distributions, chosen by the ``dist`` key."""

DISTRIBUTION_TYPES = (Beta, Uniform, Triangular, Normal)


def is_distribution(value: object) -> bool:
    """True if ``value`` is a parsed distribution rather than a plain number."""
    return isinstance(value, DISTRIBUTION_TYPES)
