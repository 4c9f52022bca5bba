"""Sweep files: the schema, and validation of every path and value before any work starts.

A sweep file names a base scenario, the parameters to vary (dotted paths into the scenario), the design
that picks the points, the replications per point, the seed and the outcomes to keep::

    name: Trust against alignment
    base: ../scenarios/pakistan_afghanistan_2025.yaml   # relative to this file
    seed: 20251019
    replications: 2000                                  # per design point
    parameters:
      - path: actors.pakistan.trust.afghan_taliban.initial
        values: [0.1, 0.2, 0.3, 0.4]
      - path: actors.ttp.ideological_alignment
        range: [0.3, 0.9]
        steps: 4
    design: {method: grid}
    outcomes: {survival_days: [7, 30, 90, 180]}

A path exists if it names a value of the *validated* base scenario, so fields left at their default in the
base file can be swept too (``actors.us.inducement.value``). Errors are reported all at once, each located in
the sweep file (``file:line:column: field.path: value: message``); errors that only show when a value is put
into the scenario (a range, a cross-field rule) point at the value in the sweep file that causes them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, Strict

from ..scenario import overrides
from ..scenario.loader import (
    MISSING,
    LocatedMessage,
    Marks,
    Pos,
    ScenarioError,
    locate,
    read_yaml,
    resolve_extends,
    show,
    validate,
)
from ..scenario.overrides import apply, split_path
from ..scenario.schema import Scenario

Key = tuple[str | int, ...]

REPLICATIONS_OPTION = "--replications"
"""How messages name the command line's replacement for the file's ``replications``."""

STANDARD_OUTCOMES = (
    "p_hold", "survival", "breakdown_day_quantiles", "p_agreement", "mean_casualties", "mean_violations",
    "restricted_mean_survival_days",
)
"""Outcomes kept when a sweep file does not say (the columns of ``results.parquet`` in the shared contract)."""

EXTRA_OUTCOMES = (
    "p_any_violation", "mean_attacks", "mean_strikes", "mean_retaliations", "mean_civilian_casualties",
    "mean_walkouts", "mean_talk_rounds",
)
"""Further outcomes a sweep file may ask for in ``outcomes.keep``."""

OutcomeName = Literal[
    "p_hold", "survival", "breakdown_day_quantiles", "p_agreement", "mean_casualties", "mean_violations",
    "restricted_mean_survival_days", "p_any_violation", "mean_attacks", "mean_strikes", "mean_retaliations",
    "mean_civilian_casualties", "mean_walkouts", "mean_talk_rounds",
]

MAX_POINTS = 1_000_000
"""Most design points a sweep may have (each point is at least one task of about a second)."""

MAX_DESIGN_VALUES = 10_000_000
"""Most values a design may hold (points x parameters): bounds the coordinator's memory (~0.3 GB)."""

MAX_CHECKED_POINTS = 64
"""Design points validated as a whole before a sweep starts; larger designs are checked at a sample (see
:meth:`_Checker.check_points`), and every point is validated again in its task."""

MAX_DISTINCT_OTHER_VALUES = 200
"""Most distinct non-numeric values (texts, distributions, nulls) one parameter may list."""
_UNSWEEPABLE = {"horizon_days": "set the sweep's own horizon_days instead; every point shares one horizon"}


class SweepError(ScenarioError):
    """Everything wrong with a sweep file (or its base scenario), each problem located; see ScenarioError."""


class _Spec(BaseModel):
    # Strict, as scenario files are: `replications: "1000"` or `seed: true` are errors, not conversions.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


_StrictFloat = Annotated[float, Strict()]


DottedPath = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$", max_length=300)]


class ParameterSpec(_Spec):
    """One swept parameter: a dotted path into the scenario and the values it takes."""

    path: DottedPath = Field(description="Dotted path into the scenario, e.g. actors.us.leverage; list items "
                             "by index, e.g. talks.calendar.3.day.")
    name: str | None = Field(None, min_length=1, max_length=80,
                             description="Short label for reports; default: the path.")
    values: list[Any] | None = Field(None, min_length=1, max_length=100_000,
                                     description="The values to try (grid design).")
    # A YAML list, so the tuple itself is lax; its numbers are strict.
    range: tuple[_StrictFloat, _StrictFloat] | None = Field(None, strict=False, description="[low, high] of a continuous parameter.")
    steps: int | None = Field(None, ge=2, le=100_000,
                              description="Grid only: evenly spaced values across range, ends included.")


class GridDesign(_Spec):
    """Full factorial: every combination of every parameter's values (the first parameter varies slowest)."""

    method: Literal["grid"]


class LatinHypercubeDesign(_Spec):
    """Latin hypercube sample of ``samples`` points over the parameters' ranges (McKay et al. 1979)."""

    method: Literal["latin_hypercube"]
    samples: int = Field(ge=2, le=MAX_POINTS, description="Number of design points.")


class SobolDesign(_Spec):
    """Saltelli's scheme for Sobol' indices: base_samples x (D + 2) points, or x (2D + 2) with second order."""

    method: Literal["sobol"]
    base_samples: int = Field(ge=2, le=2**20, description="N of Saltelli's scheme; a power of two.")
    second_order: bool = Field(False, description="Also sample for second-order indices.")


class MorrisDesign(_Spec):
    """Morris elementary-effects screening: trajectories x (D + 1) points on a grid of ``levels`` levels."""

    method: Literal["morris"]
    trajectories: int = Field(ge=2, le=1_000_000, description="Number of one-at-a-time trajectories.")
    levels: int = Field(4, ge=2, le=1000, description="Grid levels per parameter; even numbers are usual.")


class PointSpec(_Spec):
    """One explicitly listed point: the values it sets, and an optional label for reports."""

    label: str | None = Field(None, min_length=1, max_length=120, description="Name of the point.")
    set: dict[str, Any] = Field(default_factory=dict,
                                description="Dotted path -> value; paths not set keep the base value ({} = the base).")


class ExplicitDesign(_Spec):
    """A list of points written out, e.g. alternative mediator mixes."""

    method: Literal["explicit"]
    points: list[PointSpec] = Field(min_length=1, max_length=MAX_POINTS)


Design = Annotated[
    Union[GridDesign, LatinHypercubeDesign, SobolDesign, MorrisDesign, ExplicitDesign],
    Field(discriminator="method"),
]


class OutcomesSpec(_Spec):
    """Which outcomes the consolidated table keeps."""

    survival_days: list[Annotated[int, Field(ge=0, le=3650)]] = Field(
        default_factory=lambda: [7, 30, 90, 180], min_length=1, max_length=100,
        description="Days at which to report survival [days]; each within the horizon.")
    keep: list[OutcomeName] = Field(default_factory=lambda: list(STANDARD_OUTCOMES), min_length=1,
                                    description="Outcome groups to keep as columns.")


class SweepSpec(_Spec):
    """A sweep file."""

    name: str = Field(min_length=1, max_length=200, description="Short name of the sweep.")
    description: str = Field("", description="What the sweep asks.")
    base: str = Field(min_length=1, description="Base scenario file, relative to the sweep file.")
    seed: int = Field(ge=0, le=2**63 - 1, description="Seed of the design and of every replication.")
    replications: int = Field(ge=1, le=100_000_000, description="Replications per design point.")
    horizon_days: int | None = Field(None, ge=1, le=3650, description="Override the base scenario's horizon.")
    replications_per_task: int | None = Field(
        None, ge=1, le=100_000_000,
        description="Replications per task (rounded up to whole blocks of 1000); default: about one second.")
    parameters: list[ParameterSpec] = Field(default_factory=list, max_length=1000)
    design: Design
    outcomes: OutcomesSpec = Field(default_factory=OutcomesSpec)

    def semantic_errors(self) -> list[tuple[Key, Any, str]]:
        """What each design method needs of the parameters; duplicate or nested paths."""
        errors: list[tuple[Key, Any, str]] = []
        method = self.design.method
        if method != "explicit" and not self.parameters:
            errors.append((("parameters",), [], f"a {method} design needs at least one parameter"))
        seen: dict[str, int] = {}
        for i, p in enumerate(self.parameters):
            at = ("parameters", i)
            if p.path in seen:
                errors.append((at + ("path",), p.path, f"already swept by parameters.{seen[p.path]}"))
            seen.setdefault(p.path, i)
            for other in self.parameters[:i]:
                a, b = sorted((p.path, other.path), key=len)
                if a != b and b.startswith(a + "."):
                    errors.append((at + ("path",), p.path, f"overlaps {other.path}; sweep one or the other"))
            if p.path in _UNSWEEPABLE:
                errors.append((at + ("path",), p.path, f"cannot be swept: {_UNSWEEPABLE[p.path]}"))
            if p.range is not None and not p.range[0] < p.range[1]:
                errors.append((at + ("range",), list(p.range), "expected [low, high] with low < high"))
            if p.range is not None and not all(math.isfinite(x) for x in p.range):
                errors.append((at + ("range",), list(p.range), "expected finite numbers"))
            if method == "grid":
                if (p.values is None) == (p.range is None):
                    errors.append((at, None, "a grid parameter needs either values or range with steps"))
                elif p.range is not None and p.steps is None:
                    errors.append((at + ("range",), list(p.range), "a grid range needs steps (number of values)"))
                elif p.values is not None and p.steps is not None:
                    errors.append((at + ("steps",), p.steps, "steps goes with range, not with values"))
            elif method == "explicit":
                for key in ("values", "range", "steps"):
                    if getattr(p, key) is not None:
                        errors.append((at + (key,), getattr(p, key),
                                       "explicit designs take values from design.points; give only path and name"))
            else:
                if p.range is None:
                    errors.append((at, None, f"a {method} design needs range: [low, high] for every parameter"))
                for key in ("values", "steps"):
                    if getattr(p, key) is not None:
                        errors.append((at + (key,), getattr(p, key), f"not used by a {method} design; give range"))
        if isinstance(self.design, ExplicitDesign):
            known = {p.path for p in self.parameters}
            for i, point in enumerate(self.design.points):
                for key in point.set:
                    at = ("design", "points", i, "set", key)
                    if not _dotted_ok(key):
                        errors.append((at, key, "expected a dotted path such as actors.us.leverage"))
                    elif key in _UNSWEEPABLE:
                        errors.append((at, key, f"cannot be swept: {_UNSWEEPABLE[key]}"))
                    elif self.parameters and key not in known:
                        errors.append((at, key, "not among the listed parameters: "
                                       + ", ".join(p.path for p in self.parameters)))
        if not errors:
            # Counted, not built: a design too large to hold is refused before any of it exists.
            n = self.planned_points()
            d = max(1, len(self.parameters))
            if n > MAX_POINTS:
                errors.append((("design",), self.design.model_dump(), f"{n:,} points; at most {MAX_POINTS:,}"))
            elif n * d > MAX_DESIGN_VALUES:
                errors.append((("design",), self.design.model_dump(),
                               f"{n:,} points x {d} parameters = {n * d:,} values; at most {MAX_DESIGN_VALUES:,}"))
        return errors

    def planned_points(self) -> int:
        """The number of design points, from the design's settings alone (nothing is generated)."""
        d = self.design
        k = len(self.parameters)
        if isinstance(d, GridDesign):
            return math.prod(len(p.values) if p.values is not None else (p.steps or 1) for p in self.parameters)
        if isinstance(d, LatinHypercubeDesign):
            return d.samples
        if isinstance(d, SobolDesign):
            return d.base_samples * (2 * k + 2 if d.second_order else k + 2)
        if isinstance(d, MorrisDesign):
            return d.trajectories * (k + 1)
        return len(d.points)

    def semantic_warnings(self) -> list[tuple[Key, Any, str]]:
        """Legal but doubtful design settings."""
        warnings: list[tuple[Key, Any, str]] = []
        if isinstance(self.design, SobolDesign) and self.design.base_samples & (self.design.base_samples - 1):
            warnings.append((("design", "base_samples"), self.design.base_samples,
                             "legal but doubtful: Sobol' sequences keep their balance only for powers of two"))
        if isinstance(self.design, MorrisDesign) and self.design.levels % 2:
            warnings.append((("design", "levels"), self.design.levels,
                             "legal but doubtful: Morris designs use an even number of levels"))
        return warnings


def _dotted_ok(text: str) -> bool:
    return bool(text) and all(seg and (seg.replace("_", "a").isalnum()) for seg in text.split("."))


# ------------------------------------------------------------------------------------------ resolved sweep


@dataclass(frozen=True)
class Parameter:
    """A swept parameter, resolved against the base scenario.

    Attributes
    ----------
    name : str
        Label for reports (the path unless the file names it).
    path : str
        Dotted path; ``keys`` is the same split into mapping keys and list indices.
    values : tuple or None
        Values to try (grid), or None for a continuous range.
    low, high : float or None
        Ends of the range, or the smallest and largest numeric value listed.
    """

    name: str
    path: str
    keys: Key
    values: tuple[Any, ...] | None
    low: float | None
    high: float | None

    @property
    def column(self) -> str:
        """Column name in the results table."""
        return "param." + self.path

    def manifest(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "low": self.low, "high": self.high,
                "values": list(self.values) if self.values is not None else None}


@dataclass
class Sweep:
    """A validated sweep: its spec, base scenario and design points.

    Attributes
    ----------
    points : list of tuple
        One tuple per design point, the value of each parameter in order (design order).
    labels : list of str or None
        Labels of explicit points (None where not labelled); None for other designs.
    """

    spec: SweepSpec
    path: Path
    base_path: Path
    base_data: dict[str, Any]
    base_scenario: Scenario
    base_hash: str
    parameters: list[Parameter]
    points: list[tuple[Any, ...]]
    design: dict[str, Any]
    salib_problem: dict[str, Any] | None
    horizon_days: int
    survival_days: list[int]
    labels: list[str | None] | None = None
    warnings: list[LocatedMessage] = field(default_factory=list)
    planned: int | None = None  # the number of points when they were not built (load_sweep(build=False))
    set_values: dict[str, Any] = field(default_factory=dict)  # --set values put into the base scenario

    @property
    def n_points(self) -> int:
        return self.planned if self.planned is not None else len(self.points)

    def overrides(self, point: int) -> tuple[tuple[Key, Any], ...]:
        """The (keys, value) pairs a design point sets in the base scenario."""
        return tuple((p.keys, v) for p, v in zip(self.parameters, self.points[point], strict=True))

    def resolved(self) -> dict[str, Any]:
        """The sweep file as validated, with defaults filled in and the base file made absolute."""
        data = self.spec.model_dump(mode="json")
        data["base_file"] = str(self.base_path.resolve())
        return data

    def hash(self) -> str:
        """SHA-256 of the resolved sweep (comments and layout of the file do not count)."""
        return canonical_hash(self.resolved())


def canonical_hash(data: Any) -> str:
    """SHA-256 of data's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of a validated scenario (every field, defaults included)."""
    return canonical_hash(scenario.model_dump(mode="json", by_alias=True))


# ------------------------------------------------------------------------------------------ paths
# Resolving and setting paths (split_path, apply) is shared with --set: see sim.scenario.overrides.


def _dotted(keys: Key) -> str:
    return ".".join(str(k) for k in keys)


# ------------------------------------------------------------------------------------------ loading


def load_sweep(path: str | PathLike[str], *, build: bool = True, replications: int | None = None,
               set_values: Mapping[str, Any] | None = None) -> Sweep:
    """Read and validate a sweep file, its base scenario, every path, value and design point.

    ``replications`` replaces the file's ``replications`` (``--replications``); ``set_values`` sets
    values in the base scenario by dotted path (``--set``, see :mod:`sim.scenario.overrides`) before any
    point is built. Both are validated like the file, and errors name the option.

    Work is bounded whatever the design's size: each parameter is checked at its ends (and at one value
    of each other kind it lists), not at every value, and at most :data:`MAX_CHECKED_POINTS` points are
    checked as a whole. With ``build=False`` (``--dry-run``) the points are counted, not generated.

    Raises
    ------
    SweepError
        With every problem found, each located in the sweep file (or, for a broken base scenario, in the
        base scenario's file).
    """
    from . import designs

    path = Path(path)
    try:
        data, marks = read_yaml(path)
        if replications is not None:
            data = {**data, "replications": replications}
            marks.set(("replications",), Pos(REPLICATIONS_OPTION, None, None))
        spec, spec_warnings = validate(SweepSpec, data, marks)
    except ScenarioError as exc:
        raise SweepError(exc.errors) from None
    warnings = list(spec_warnings)

    base_path = path.parent / spec.base
    if not base_path.is_file():
        raise SweepError([locate(marks, ("base",), spec.base,
                                 f"no such file: {base_path} (paths are relative to the sweep file)")])
    try:
        base_data, base_marks = resolve_extends(base_path)
        base_scenario, _ = validate(Scenario, base_data, base_marks)
    except ScenarioError as exc:
        lead = locate(marks, ("base",), spec.base, f"the base scenario has {len(exc.errors)} error(s), below")
        raise SweepError([lead, *exc.errors]) from None
    set_values = dict(set_values or {})
    set_pairs: list[tuple[Key, Any]] = []
    if set_values:
        dump = base_scenario.model_dump(by_alias=True)
        try:
            base_scenario, set_warnings = overrides.set_values(base_scenario, set_values,
                                                               origin=overrides.SET_OPTION)
        except ScenarioError as exc:
            lead = locate(marks, ("base",), spec.base, f"{overrides.SET_OPTION} makes the base scenario invalid "
                          f"({len(exc.errors)} error(s), below)")
            raise SweepError([lead, *exc.errors]) from None
        warnings.extend(set_warnings)
        set_pairs, _ = overrides.resolve(dump, set_values, overrides.SET_OPTION)
        # Workers and the checks below start from the base file's data with the values set in it.
        base_data = apply(base_data, set_pairs)
        for keys, _ in set_pairs:
            base_marks.set(keys, Pos(overrides.SET_OPTION, None, None))
    dump = base_scenario.model_dump(by_alias=True)
    horizon = spec.horizon_days or base_scenario.horizon_days

    errors: list[LocatedMessage] = []
    checker = _Checker(base_data, base_marks, marks, errors, warnings)
    parameters: list[Parameter] = []
    for i, p in enumerate(spec.parameters):
        keys, problem = split_path(dump, p.path)
        if keys is None:
            errors.append(locate(marks, ("parameters", i, "path"), p.path, problem))
            continue
        at = ("parameters", i)
        if p.values is not None:
            chosen, problem = _representatives(p.values)
            if problem:
                errors.append(locate(marks, at + ("values",), MISSING, problem))
            for j in chosen:
                checker.check({keys: (at + ("values", j), p.values[j])})
        if p.range is not None:
            lo, hi = p.range
            checker.check({keys: (at + ("range", 0), lo)})
            checker.check({keys: (at + ("range", 1), hi)})
            mid = lo + (hi - lo) * 0.371  # an interior value that is not a whole number
            checker.check({keys: (at + ("range",), mid)}, interior_of=list(p.range))
        values = tuple(p.values) if p.values is not None else None
        if p.range is not None and p.steps is not None:
            values = tuple(float(x) for x in _linspace(p.range[0], p.range[1], p.steps))
        low, high = (float(p.range[0]), float(p.range[1])) if p.range is not None else _numeric_span(values)
        parameters.append(Parameter(p.name or p.path, p.path, keys, values, low, high))

    labels: list[str | None] | None = None
    explicit_sets: list[dict[Key, tuple[Key, Any]]] = []
    if isinstance(spec.design, ExplicitDesign):
        labels = [pt.label for pt in spec.design.points]
        by_path = {p.path: p for p in parameters}
        order = [p.path for p in spec.parameters] or list(dict.fromkeys(
            k for pt in spec.design.points for k in pt.set))
        for i, pt in enumerate(spec.design.points):
            located: dict[Key, tuple[Key, Any]] = {}
            for dotted, value in pt.set.items():
                at = ("design", "points", i, "set", dotted)
                keys, problem = split_path(dump, dotted)
                if keys is None:
                    errors.append(locate(marks, at, dotted, problem, at_key=True))
                    continue
                located[keys] = (at, value)
            explicit_sets.append(located)
        if not spec.parameters:
            for dotted in order:
                keys, _ = split_path(dump, dotted)
                if keys is not None:
                    by_path[dotted] = Parameter(dotted, dotted, keys, None, None, None)
        parameters = [by_path[d] for d in order if d in by_path]

    for keys, value in set_pairs:
        # A value both set and swept would be silently replaced at every point: say so instead.
        for p in parameters:
            n = min(len(keys), len(p.keys))
            if keys[:n] == p.keys[:n]:
                errors.append(LocatedMessage(overrides.SET_OPTION, None, None, _dotted(keys), value,
                                             f"the sweep varies {p.path}; set it in the sweep file or drop "
                                             f"this {overrides.SET_OPTION}"))

    survival_days = list(spec.outcomes.survival_days)
    if "survival_days" not in spec.outcomes.model_fields_set:
        # The defaults adapt to a short horizon, as `ceasefire run` does; days the file lists must fit.
        survival_days = [d for d in survival_days if d <= horizon] or [horizon]
    for k, day in enumerate(survival_days):
        if day > horizon:
            errors.append(locate(marks, ("outcomes", "survival_days", k), day,
                                 f"is beyond the horizon ({horizon} days)"))
    if errors:
        raise SweepError(_unique(errors))

    if not build:
        return Sweep(
            spec=spec, path=path, base_path=base_path, base_data=base_data, base_scenario=base_scenario,
            base_hash=scenario_hash(base_scenario), parameters=parameters, points=[], design={},
            salib_problem=None, horizon_days=horizon, survival_days=survival_days, labels=labels,
            warnings=sorted(_unique(warnings), key=lambda m: (m.file or "", m.line or 0, m.column or 0)),
            planned=spec.planned_points(), set_values=set_values,
        )
    # Every single value is legal; now build the design and check points as a whole (cross-field rules).
    design = designs.build(spec, parameters, explicit_sets, dump)
    if isinstance(spec.design, ExplicitDesign):
        for i in _sample_indices(len(explicit_sets)):
            if explicit_sets[i]:  # a point that sets nothing is the base scenario, valid already
                checker.check(explicit_sets[i])
    else:
        checker.check_points(parameters, design.points)
    if errors:
        raise SweepError(_unique(errors))
    return Sweep(
        spec=spec, path=path, base_path=base_path, base_data=base_data, base_scenario=base_scenario,
        base_hash=scenario_hash(base_scenario), parameters=parameters, points=design.points,
        design=design.manifest, salib_problem=design.salib_problem, horizon_days=horizon,
        survival_days=survival_days, labels=labels,
        warnings=sorted(_unique(warnings), key=lambda m: (m.file or "", m.line or 0, m.column or 0)),
        set_values=set_values,
    )


def _linspace(lo: float, hi: float, n: int) -> list[float]:
    # Exact ends, and the same numbers on every platform (no accumulated steps).
    return [lo + (hi - lo) * k / (n - 1) if 0 < k < n - 1 else (lo if k == 0 else hi) for k in range(n)]


def _numeric_span(values: tuple[Any, ...] | None) -> tuple[float | None, float | None]:
    nums = [float(v) for v in values or () if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return (min(nums), max(nums)) if nums else (None, None)


def _unique(messages: list[LocatedMessage]) -> list[LocatedMessage]:
    # Keyed by the printed line: values may be mappings (distributions), which do not hash.
    return list({m.format(): m for m in messages}.values())


class _Checker:
    """Puts values into the base scenario, validates it, and locates what goes wrong in the sweep file."""

    MAX_POINT_ERRORS = 20

    def __init__(self, base: dict[str, Any], base_marks: Marks, marks: Marks, errors: list[LocatedMessage],
                 warnings: list[LocatedMessage]) -> None:
        self.base, self.base_marks, self.marks = base, base_marks, marks
        self.errors, self.warnings = errors, warnings

    def _validate(self, overrides: Iterable[tuple[Key, Any]]) -> tuple[list[LocatedMessage], list[LocatedMessage]]:
        data = apply(self.base, overrides)
        try:
            _, warns = validate(Scenario, data, self.base_marks)
        except ScenarioError as exc:
            return exc.errors, []
        return [], warns

    def check(self, located: dict[Key, tuple[Key, Any]], interior_of: list[float] | None = None) -> None:
        """Validate the base scenario with each keys -> (sweep path, value) set; locate every problem."""
        errs, warns = self._validate((keys, value) for keys, (_, value) in located.items())
        by_dotted = {_dotted(keys): at_value for keys, at_value in located.items()}
        for e in errs:
            self.errors.append(self._relocate(e, by_dotted, interior_of))
        for w in warns if interior_of is None else ():
            # The base file's own warnings are the scenario's business; keep those the swept values cause.
            if any(w.path == d or w.path.startswith(d + ".") for d in by_dotted):
                self.warnings.append(self._relocate(w, by_dotted, interior_of))

    def _relocate(self, e: LocatedMessage, by_dotted: dict[str, tuple[Key, Any]],
                  interior_of: list[float] | None) -> LocatedMessage:
        for dotted, (at, value) in by_dotted.items():
            if e.path == dotted or e.path.startswith(dotted + "."):
                inner = e.path[len(dotted) + 1:]
                message = f"{inner}: {e.message}" if inner else e.message
                if interior_of is not None:
                    return locate(self.marks, at, interior_of,
                                  f"a range needs a field that takes any number in it; {show(value)}: {message}")
                return locate(self.marks, at, value, message)
        # A rule across fields: point at the first value set, and say which field of the scenario objects.
        at, value = next(iter(by_dotted.values()))
        shown = interior_of if interior_of is not None else value
        where = e.path or "the scenario"
        return locate(self.marks, at, shown, f"makes {where} invalid: "
                      + (f"{show(e.value)}: " if e.value is not MISSING else "") + e.message)

    def check_points(self, parameters: list[Parameter], points: list[tuple[Any, ...]]) -> None:
        """Validate design points as a whole; report the first few failing points at ``design``.

        At most :data:`MAX_CHECKED_POINTS` are validated (7 ms each): all of a small design; of a larger
        one the corners where every parameter is at its low or at its high end, and points spread evenly
        through the design. A point still breaking a rule between fields fails its task, which reports it.
        """
        if len(parameters) < 2:
            return  # each parameter was checked alone at its ends
        failing = 0
        chosen = [(i, points[i]) for i in _sample_indices(len(points))]
        if len(points) > MAX_CHECKED_POINTS:
            # Corners only along ranges; a listed value stays as the first point has it (its type matters).
            pairs = list(zip(parameters, points[0], strict=True))
            lows = tuple(p.low if p.values is None and p.low is not None else pt for p, pt in pairs)
            highs = tuple(p.high if p.values is None and p.high is not None else pt for p, pt in pairs)
            chosen = [(-1, lows), (-1, highs)] + chosen[: MAX_CHECKED_POINTS - 2]
        for index, point in chosen:
            errs, _ = self._validate(zip((p.keys for p in parameters), point, strict=True))
            if not errs:
                continue
            failing += 1
            if failing <= self.MAX_POINT_ERRORS:
                values = {p.path: v for p, v in zip(parameters, point, strict=True)}
                for e in errs:
                    which = f"design point {index}" if index >= 0 else "the design's corner at these ends"
                    self.errors.append(locate(self.marks, ("design",), values,
                                              f"{which} makes {e.path or 'the scenario'} invalid: "
                                              + (f"{show(e.value)}: " if e.value is not MISSING else "")
                                              + e.message))
        if failing > self.MAX_POINT_ERRORS:
            self.errors.append(locate(self.marks, ("design",), MISSING,
                                      f"{failing - self.MAX_POINT_ERRORS} more design points are invalid"))


def _sample_indices(n: int, k: int = MAX_CHECKED_POINTS) -> list[int]:
    """All of range(n) if n <= k, else k indices spread evenly from the first to the last."""
    if n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def _representatives(values: list[Any]) -> tuple[list[int], str]:
    """Indices of the values worth validating in the scenario, and a problem with the list, if any.

    Numbers are checked at their smallest and largest, at the first float and the first integer (an
    integer field refuses 2.5 and 2.0 alike) and at every non-finite one; other values (texts,
    distributions, null) once per distinct value. So a list of 100,000 numbers costs a few checks.
    """
    chosen: dict[int, None] = {}
    finite: list[tuple[float, int]] = []
    first_float = first_int = None
    seen: dict[str, int] = {}
    for j, v in enumerate(values):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if isinstance(v, float) and not math.isfinite(v):
                if len(chosen) < 20:
                    chosen[j] = None
                continue
            finite.append((float(v), j))
            if isinstance(v, float) and first_float is None:
                first_float = j
            if isinstance(v, int) and first_int is None:
                first_int = j
        else:
            key = json.dumps(v, sort_keys=True, default=repr)
            if key not in seen:
                seen[key] = j
                if len(seen) > MAX_DISTINCT_OTHER_VALUES:
                    return list(chosen), (f"more than {MAX_DISTINCT_OTHER_VALUES} distinct values that are not "
                                          "numbers; sweep fewer")
    if finite:
        chosen[min(finite)[1]] = None
        chosen[max(finite)[1]] = None
    for j in (first_float, first_int, *seen.values()):
        if j is not None:
            chosen[j] = None
    return sorted(chosen), ""


def grid_points(parameters: list[Parameter]) -> list[tuple[Any, ...]]:
    """Every combination of the parameters' values, the first parameter varying slowest."""
    return list(itertools.product(*(p.values or () for p in parameters)))
