"""Screening a scenario's parameters: which numbers it holds, and which of them change nothing.

:func:`numeric_parameters` lists every number of a validated scenario (defaults included, since the
model reads those too) with a screening range: x0.5 to x1.5 of its value, clipped to the schema's
allowed range, or for a value of 0 the field's plausible range (else its allowed range). Those ranges feed
a Morris sweep (``benchmarks/screen_parameters.py``, through :mod:`sim.sweep`).

:func:`inert_parameters` is the fast, exact check: with common random numbers (one seed), it runs the
base scenario and each parameter moved down and up its range, and returns the parameters for which every
per-replication outcome is bit for bit the base's. Such a parameter cannot act in that scenario, or the
model does not read it.

What is not a number to screen, and why, is listed by :func:`enumerate_fields` (``skipped``): a field
given as a distribution (its parameters describe uncertainty, not a value; fix it to screen it), a null
(an absent day or threshold is a switch, not a number), dates, texts, identifiers and booleans, and
``horizon_days`` (it sets the length of every outcome, not the dynamics).
"""

from __future__ import annotations

import math
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from ..scenario.distributions import is_distribution
from ..scenario.schema import Scenario, Spec
from .spec import Key, apply

SCALE_LOW, SCALE_HIGH = 0.5, 1.5
"""A non-zero value is screened over [SCALE_LOW x value, SCALE_HIGH x value], clipped to its allowed range."""

UNBOUNDED_ZERO_RANGE = (0.0, 1.0)
"""Range screened for a zero-valued field that has neither a plausible range nor an upper bound."""

NOT_SCREENED = {"horizon_days": "the horizon sets the length of every outcome, not the dynamics"}
"""Top-level numeric fields left out of the screening, with the reason."""

OUTCOME_COLUMNS = (
    "breakdown_day", "cause_code", "agreement", "agreement_day", "attacks", "attack_casualties", "strikes",
    "civilian_casualties", "retaliations", "retaliation_casualties", "violations", "walkouts", "talk_rounds",
    "casualties",
)
"""Per-replication outcomes compared by :func:`inert_parameters`, with every ``decree_day.<party>``.

Left out: final trust (``trust.*``, a belief inside the model, not an outcome), drawn parameters
(``param.*``) and ``principal_overrides`` (it counts the draws of the override rule, so it moves with the
override probability even when the hardline positions equal the ordinary ones and nothing else changes).
"""


@dataclass(frozen=True)
class NumericParameter:
    """One number of a scenario, and the range it is screened over.

    Attributes
    ----------
    path : str
        Dotted path as a sweep file writes it, e.g. ``actors.pakistan.strikes.pressure_weight``.
    keys : tuple
        The same path as mapping keys and list indices.
    value : float or int
        Its value in the scenario.
    low, high : float or int
        The screening range (see the module docstring); ``low <= value <= high`` and ``low < high``.
    integer : bool
        An integer field (days, rounds): moved by whole numbers, and not swept by a Morris design (a range
        in a sweep file needs a field that takes any number).
    allowed : tuple of (float or None, float or None)
        The schema's allowed range (None: unbounded).
    """

    path: str
    keys: Key
    value: float
    low: float
    high: float
    integer: bool
    allowed: tuple[float | None, float | None]

    def moves(self) -> list[float]:
        """The values :func:`inert_parameters` tries: the range's ends that differ from the value; where only
        one end differs (a value at a bound, or 0), also the point halfway to it."""
        ends = [v for v in (self.low, self.high) if v != self.value]
        if len(ends) == 1:
            half = (self.value + ends[0]) / 2
            if self.integer:
                half = round(half)
            if half != self.value and half != ends[0]:
                ends.append(half)
        return sorted(ends)


@dataclass(frozen=True)
class Enumeration:
    """The numbers of a scenario to screen, and the fields left out with the reason for each."""

    parameters: list[NumericParameter]
    skipped: list[tuple[str, str]]


def numeric_parameters(scenario: Scenario, *, integers: bool = True) -> list[NumericParameter]:
    """Every number of ``scenario`` the model may read, with its screening range, in schema order.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario; fields left at their defaults are included.
    integers : bool
        Include integer fields (days, rounds).

    Returns
    -------
    list of NumericParameter
        Numbers given as distributions, nulls and non-numbers are left out (see :func:`enumerate_fields`).
    """
    found = enumerate_fields(scenario).parameters
    return [p for p in found if integers or not p.integer]


def enumerate_fields(scenario: Scenario) -> Enumeration:
    """The numbers of ``scenario`` to screen (see :func:`numeric_parameters`) and the fields skipped."""
    parameters: list[NumericParameter] = []
    skipped: list[tuple[str, str]] = []
    _walk(scenario, (), scenario.horizon_days, parameters, skipped)
    return Enumeration(parameters, skipped)


def _walk(spec: Spec, prefix: Key, horizon: int, out: list[NumericParameter], skipped: list[tuple[str, str]]) -> None:
    for name, field in type(spec).model_fields.items():
        key = field.alias or name
        keys = prefix + (key,)
        value = getattr(spec, name)
        if not prefix and key in NOT_SCREENED:
            skipped.append((key, NOT_SCREENED[key]))
            continue
        if isinstance(value, Spec):
            _walk(value, keys, horizon, out, skipped)
        elif isinstance(value, Mapping):
            bounds = _mapping_value_bounds(field.annotation)
            for k, v in value.items():
                if isinstance(v, Spec):
                    _walk(v, keys + (k,), horizon, out, skipped)
                else:
                    _leaf(keys + (k,), v, bounds, None, False, horizon, out, skipped)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                if isinstance(v, Spec):
                    _walk(v, keys + (i,), horizon, out, skipped)
        else:
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            if "unit" in extra:  # a documented quantity (Number): bounds and plausible range in the extra
                bounds = (extra["ge"], extra["le"])
                plausible = tuple(extra["plausible"]) if "plausible" in extra else None
                _leaf(keys, value, bounds, plausible, False, horizon, out, skipped)
            else:
                if _is_integer_field(field.annotation):
                    _leaf(keys, value, _metadata_bounds(field.metadata), None, True, horizon, out, skipped)


def _leaf(keys: Key, value: Any, bounds: tuple[float | None, float | None], plausible: tuple[float, float] | None,
          integer: bool, horizon: int, out: list[NumericParameter], skipped: list[tuple[str, str]]) -> None:
    path = ".".join(str(k) for k in keys)
    if is_distribution(value):
        skipped.append((path, "a distribution: its draws describe uncertainty; fix it to a number to screen it"))
        return
    if value is None:
        skipped.append((path, "null: an absent day or threshold is a switch, not a number" if keys[-1] != "day"
                        else "the round is given by date"))
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    lo_bound, hi_bound = bounds
    if _is_day(keys):
        # Days beyond the horizon never come; the schema bounds days by the horizon through a cross-field rule.
        hi_bound = horizon if hi_bound is None else min(hi_bound, horizon)
    if value != 0:
        a, b = sorted((SCALE_LOW * value, SCALE_HIGH * value))
    elif plausible is not None:
        a, b = plausible
    else:
        a = lo_bound if lo_bound is not None else UNBOUNDED_ZERO_RANGE[0]
        b = hi_bound if hi_bound is not None else UNBOUNDED_ZERO_RANGE[1]
    if lo_bound is not None:
        a = max(a, lo_bound)
    if hi_bound is not None:
        b = min(b, hi_bound)
    if integer:
        a, b = math.floor(a), math.ceil(b)
        value = int(value)
    a, b = min(a, value), max(b, value)
    if not a < b:
        skipped.append((path, f"its allowed range [{lo_bound}, {hi_bound}] leaves no room to move it"))
        return
    out.append(NumericParameter(path, keys, value, a, b, integer, (lo_bound, hi_bound)))


def _is_day(keys: Key) -> bool:
    """A day of the run (not a duration): ``day``, ``*_day`` and ``from_day``."""
    last = str(keys[-1])
    return last == "day" or last.endswith("_day")


def _is_integer_field(annotation: Any) -> bool:
    args = typing.get_args(annotation)
    return annotation is int or (bool(args) and int in args and all(a in (int, type(None)) for a in args))


def _metadata_bounds(metadata: Iterable[Any]) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in metadata:
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def _mapping_value_bounds(annotation: Any) -> tuple[float | None, float | None]:
    """Bounds of a ``dict[str, Annotated[float, Field(ge=..., le=...)]]`` field's values."""
    args = typing.get_args(annotation)
    if len(args) != 2:
        return None, None
    value_type = args[1]
    lo = hi = None
    for meta in typing.get_args(value_type)[1:]:
        a, b = _metadata_bounds(getattr(meta, "metadata", [meta]))
        lo = a if a is not None else lo
        hi = b if b is not None else hi
    return lo, hi


# ------------------------------------------------------------------------------------------ one at a time


@dataclass(frozen=True)
class Move:
    """One parameter moved to one value: whether any outcome changed, and which outcomes did."""

    parameter: NumericParameter
    value: float
    changed: tuple[str, ...]
    error: str | None = None
    horizon_days: int | None = None  # of the runs compared; None: the scenario's


def outcome_columns(columns: Mapping[str, np.ndarray]) -> list[str]:
    """The per-replication outcomes of a run's columns that :func:`inert_parameters` compares."""
    return [c for c in OUTCOME_COLUMNS if c in columns] + sorted(c for c in columns if c.startswith("decree_day."))


def run_outcomes(scenario: Scenario, replications: int, seed: int, horizon_days: int | None = None
                 ) -> dict[str, np.ndarray]:
    """The outcomes :func:`inert_parameters` compares, for replications 0..replications-1 of one run.

    Returns
    -------
    dict of ndarray, each shape (replications,)
        Keyed by the columns of :func:`outcome_columns`.
    """
    from ..engine import simulate

    acc = simulate(scenario, n_replications=replications, seed=seed, horizon_days=horizon_days,
                   trajectory_replications=0, keep_replications=True)
    columns = {k: np.concatenate(v) for k, v in (acc.columns or {}).items()}
    return {c: columns[c] for c in outcome_columns(columns)}


class _Runner:
    """Runs :func:`run_outcomes` for lists of scenarios, in order, on ``workers`` processes (1 = this one).

    A pool of the engine's model workers (fork server with the model preloaded; workers die with the
    parent) is started on first use and kept until :meth:`close`.
    """

    def __init__(self, replications: int, seed: int, workers: int) -> None:
        self.replications, self.seed, self.workers = replications, seed, workers
        self._pool: Any = None

    def run(self, jobs: list[Scenario], horizon_days: int | None = None) -> list[dict[str, np.ndarray]]:
        if self.workers <= 1 or len(jobs) <= 1:
            return [run_outcomes(s, self.replications, self.seed, horizon_days) for s in jobs]
        if self._pool is None:
            from ..engine import _pool

            self._pool = _pool(self.workers)
        n = len(jobs)
        return list(self._pool.map(run_outcomes, jobs, [self.replications] * n, [self.seed] * n,
                                   [horizon_days] * n))

    def close(self, *, failed: bool = False) -> None:
        if self._pool is None:
            return
        if failed:  # Ctrl-C or a failed run: stop the workers now rather than wait for what is queued
            from ..processes import terminate_pool

            terminate_pool(self._pool)
        else:
            self._pool.shutdown(wait=True)
        self._pool = None


def moved_scenario(scenario: Scenario, parameter: NumericParameter, value: float) -> Scenario:
    """``scenario`` with one parameter set to ``value``, validated (ValueError naming the rule it breaks)."""
    data = apply(scenario.model_dump(by_alias=True), [(parameter.keys, value)])
    try:
        moved = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ValueError("; ".join(e["msg"] for e in exc.errors())) from None
    problems = moved.semantic_errors()
    if problems:
        raise ValueError("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, _, m in problems))
    return moved


def refused_ranges(scenario: Scenario, parameters: Sequence[NumericParameter]) -> dict[str, str]:
    """Parameters whose screening range cannot be swept: an end breaks a rule between fields.

    For example an inducement's value above 0 needs the issue it serves; with none given, the value can
    only be 0. Returns path -> the rule broken.
    """
    refused = {}
    for p in parameters:
        for end in (p.low, p.high):
            if end == p.value:
                continue
            try:
                moved_scenario(scenario, p, end)
            except ValueError as exc:
                refused[p.path] = str(exc)
                break
    return refused


def one_at_a_time(scenario: Scenario, replications: int, seed: int,
                  parameters: Sequence[NumericParameter] | None = None, *, workers: int = 1,
                  stop_at_first_change: bool = True, prescreen_days: int | None = None) -> list[Move]:
    """Move each parameter alone and compare every per-replication outcome with the base's.

    With one seed every run draws the same random numbers (common random numbers, see
    :mod:`sim.model.streams`), so an outcome that differs in any replication differs because of the move.

    Parameters
    ----------
    scenario : Scenario
    replications : int
        Replications per run; the same replications for the base and every move.
    seed : int
    parameters : sequence of NumericParameter, optional
        Default: :func:`numeric_parameters` of the scenario.
    workers : int
        Processes that run the moves (1 = this process); the result does not depend on it.
    stop_at_first_change : bool
        Stop moving a parameter once one move changed something (enough to show that it acts).
    prescreen_days : int, optional
        First run every parameter's first move over this shorter horizon; a parameter that changes an
        outcome there acts, and only the others are run over the whole horizon. A run of fewer days is the
        start of the longer run (each day's random numbers and rules do not depend on the horizon), so a
        change within the shorter horizon is a change of the longer run's course; it saves most of the
        time when most parameters act early. Ignored unless ``stop_at_first_change``.

    Returns
    -------
    list of Move
        The moves made (or refused, with ``error``), parameter by parameter in the order given.
    """
    params = numeric_parameters(scenario) if parameters is None else list(parameters)
    planned: list[list[tuple[float, Scenario | str]]] = []
    for p in params:
        row: list[tuple[float, Scenario | str]] = []
        for value in p.moves():
            try:
                row.append((value, moved_scenario(scenario, p, value)))
            except ValueError as exc:  # a move that breaks a rule between fields shows nothing either way
                row.append((value, str(exc)))
        planned.append(row)
    done: list[list[Move]] = [[] for _ in params]
    base: dict[str, np.ndarray] | None = None
    runner = _Runner(replications, seed, workers)
    horizon = scenario.horizon_days
    try:
        if stop_at_first_change and prescreen_days is not None and prescreen_days < horizon:
            first = [i for i, row in enumerate(planned) if row and isinstance(row[0][1], Scenario)]
            short = runner.run([scenario] + [planned[i][0][1] for i in first], prescreen_days)  # type: ignore[misc]
            short_base = short[0]
            for i, out in zip(first, short[1:], strict=True):
                changed = tuple(c for c in short_base if not np.array_equal(short_base[c], out[c]))
                if changed:
                    done[i].append(Move(params[i], planned[i][0][0], changed, horizon_days=prescreen_days))
        # Waves: every parameter's first move at once, then the next move of those that changed nothing yet.
        for wave in range(max((len(r) for r in planned), default=0)):
            todo = [i for i, row in enumerate(planned) if wave < len(row)
                    and not (stop_at_first_change and any(m.changed for m in done[i]))]
            jobs = [planned[i][wave][1] for i in todo if isinstance(planned[i][wave][1], Scenario)]
            outputs = iter(runner.run(([scenario] if base is None else []) + jobs))  # type: ignore[operator]
            if base is None:
                base = next(outputs)
            for i in todo:
                value, moved = planned[i][wave]
                if not isinstance(moved, Scenario):
                    done[i].append(Move(params[i], value, (), error=moved))
                    continue
                out = next(outputs)
                done[i].append(Move(params[i], value, tuple(c for c in base if not np.array_equal(base[c], out[c]))))
    except BaseException:
        runner.close(failed=True)
        raise
    runner.close()
    return [m for moves in done for m in moves]


def inert_parameters(scenario: Scenario, replications: int, seed: int,
                     parameters: Sequence[NumericParameter] | None = None, *, workers: int = 1,
                     prescreen_days: int | None = None) -> list[NumericParameter]:
    """The parameters whose every move leaves every per-replication outcome bit-identical to the base.

    See :func:`one_at_a_time` for the runs and :data:`OUTCOME_COLUMNS` for the outcomes compared. A
    parameter none of whose moves could be made (each broke a rule between fields) is not reported.

    Parameters
    ----------
    scenario : Scenario
    replications : int
        Replications per run (>= 1); more replications can only find more parameters that act.
    seed : int
    parameters : sequence of NumericParameter, optional
        Default: every parameter of :func:`numeric_parameters`.
    workers : int
        Processes that run the moves (1 = this process); the result does not depend on it.
    prescreen_days : int, optional
        See :func:`one_at_a_time`: saves time, and the result does not depend on it.

    Returns
    -------
    list of NumericParameter
        In the order of ``parameters``.
    """
    by_parameter: dict[str, list[Move]] = {}
    for move in one_at_a_time(scenario, replications, seed, parameters, workers=workers,
                              prescreen_days=prescreen_days):
        by_parameter.setdefault(move.parameter.path, []).append(move)
    inert = []
    for moves in by_parameter.values():
        made = [m for m in moves if m.error is None]
        if made and not any(m.changed for m in made):
            inert.append(made[0].parameter)
    return inert
