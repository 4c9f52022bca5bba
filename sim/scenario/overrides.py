"""Setting scenario values by dotted path: ``--set PATH=VALUE`` on the command line, ``Scenario.with_values``.

A path names a field of the validated scenario as the file would write it, mapping keys and list indices
joined by dots (``actors.us.leverage``, ``talks.calendar.0.day``). Every block of the scenario is present
once validated (defaults filled in), so a path must name a field that exists: a new mapping key (say a
trust entry toward an actor the file does not list) cannot be added this way, which keeps a typo from
silently adding a key. The scenario with the new values is validated like a file; every problem is
reported at once, located at the override that caused it. Sweeps resolve and set their parameters with
the same two functions (:func:`split_path`, :func:`apply`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import yaml

from .loader import (
    MISSING,
    LocatedMessage,
    Marks,
    Pos,
    ScenarioError,
    _SafeLoader,
    show,
    validate,
)

if TYPE_CHECKING:
    from .schema import Scenario

Key = tuple[str | int, ...]

SET_OPTION = "--set"
"""How the command line names an override in messages (``--set: actors.us.leverage: 2: is not in [0, 1]``)."""

LIBRARY_ORIGIN = "with_values"
"""How :meth:`Scenario.with_values` names an override in messages."""


# ------------------------------------------------------------------------------------------ paths


def split_path(dump: Any, dotted: str) -> tuple[Key | None, str]:
    """Resolve a dotted path against a validated scenario's dump.

    Returns
    -------
    keys, problem : tuple or None, str
        The path as mapping keys and list indices, or None with a one-line explanation.
    """
    node, keys = dump, []
    for seg in dotted.split("."):
        where = ".".join(str(k) for k in keys) or "the scenario"
        if isinstance(node, dict):
            if seg not in node:
                close = difflib.get_close_matches(seg, [str(k) for k in node], n=1)
                hint = f"did you mean {'.'.join([*map(str, keys), close[0]])!r}? " if close else ""
                return None, f"no field {seg!r} in {where}; {hint}there: {', '.join(map(str, node)) or 'none'}"
            keys.append(seg)
            node = node[seg]
        elif isinstance(node, (list, tuple)):
            if not seg.isdigit() or int(seg) >= len(node):
                return None, f"{where} is a list of {len(node)}; expected an index 0..{len(node) - 1}, got {seg!r}"
            keys.append(int(seg))
            node = node[int(seg)]
        else:
            return None, f"{where} is a single value ({show(node)}), it has no field {seg!r}"
    return tuple(keys), ""


def apply(base: dict[str, Any], overrides: Iterable[tuple[Key, Any]]) -> dict[str, Any]:
    """A copy of ``base`` with each (keys, value) set; only the mappings along the paths are copied.

    Intermediate mappings missing from ``base`` (blocks left at their defaults) are created.
    """
    out = dict(base)
    for keys, value in overrides:
        node: Any = out
        for k in keys[:-1]:
            child = node[k] if (isinstance(node, list) or k in node) else {}
            child = list(child) if isinstance(child, (list, tuple)) else dict(child)
            node[k] = child
            node = child
        node[keys[-1]] = value
    return out


# ------------------------------------------------------------------------------------------ parsing --set


def parse_assignments(texts: Iterable[str], origin: str = SET_OPTION) -> dict[str, Any]:
    """``["actors.us.leverage=0.8", ...]`` -> ``{"actors.us.leverage": 0.8, ...}``.

    The value is read as YAML, as in a scenario file: ``0.8`` and ``5e-4`` are numbers, ``true`` a
    boolean, ``2025-11-01`` a date, ``"0.8"`` text, ``{dist: uniform, low: 0.2, high: 0.4}`` a
    distribution.

    Raises
    ------
    ScenarioError
        With every malformed assignment (no ``=``, an empty path, a value that is not YAML, a path set
        twice), each named by ``origin``.
    """
    values: dict[str, Any] = {}
    errors: list[LocatedMessage] = []
    for text in texts:
        path, sep, raw = text.partition("=")
        path = path.strip()
        if not sep or not path:
            errors.append(_at(origin, "", text, "expected PATH=VALUE, e.g. actors.us.leverage=0.8"))
            continue
        try:
            value = yaml.load(raw, Loader=_SafeLoader) if raw.strip() else MISSING
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            errors.append(_at(origin, path, raw, f"cannot read the value as YAML: {problem}"))
            continue
        if value is MISSING:
            errors.append(_at(origin, path, MISSING, "no value after '='; write null to clear an optional field"))
        elif path in values:
            errors.append(_at(origin, path, value, f"set twice (first to {show(values[path])}); give each path once"))
        else:
            values[path] = value
    if errors:
        raise ScenarioError(errors)
    return values


def _at(origin: str, path: str, value: Any, message: str) -> LocatedMessage:
    return LocatedMessage(origin, None, None, path, value, message)


# ------------------------------------------------------------------------------------------ applying


def resolve(dump: dict[str, Any], values: Mapping[str, Any], origin: str
            ) -> tuple[list[tuple[Key, Any]], list[LocatedMessage]]:
    """The (keys, value) pairs of ``values`` whose paths exist in ``dump``, and an error for each other one."""
    pairs: list[tuple[Key, Any]] = []
    errors: list[LocatedMessage] = []
    for dotted, value in values.items():
        keys, problem = split_path(dump, str(dotted)) if isinstance(dotted, str) and dotted else (None, "")
        if keys is None:
            errors.append(_at(origin, str(dotted), value, problem or "expected a dotted path such as "
                                                                    "actors.us.leverage"))
        else:
            pairs.append((keys, value))
    return pairs, errors


def set_values(scenario: Scenario, values: Mapping[str, Any], *, origin: str = LIBRARY_ORIGIN
               ) -> tuple[Scenario, list[LocatedMessage]]:
    """A new validated scenario with ``values`` set, and the warnings the new values raise.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario; it is not changed.
    values : mapping of str to any
        Dotted path -> new value (plain Python data, as ``yaml.safe_load`` would give).
    origin : str
        Names the overrides in messages (``--set`` on the command line).

    Raises
    ------
    ScenarioError
        With every bad path and every validation error of the new scenario, all at once, each located at
        ``origin`` and the path set (errors in another field name the overrides that caused them).
    """
    schema = type(scenario)
    dump = scenario.model_dump(by_alias=True)
    pairs, errors = resolve(dump, values, origin)
    marks = Marks()
    for keys, _ in pairs:
        marks.set(keys, Pos(origin, None, None))
    data = apply(dump, pairs)
    set_paths = [".".join(map(str, keys)) for keys, _ in pairs]

    def relocate(m: LocatedMessage) -> LocatedMessage:
        if m.file is not None:  # under a path that was set: already located there
            return m
        # A rule across fields, broken by what was set: name the field and the overrides.
        told = ", ".join(f"{p}={show(v)}" for p, (_, v) in zip(set_paths, pairs, strict=True))
        return LocatedMessage(origin, None, None, m.path, m.value, f"{m.message} (after setting {told})")

    try:
        new, found = validate(schema, data, marks)
    except ScenarioError as exc:
        raise ScenarioError(errors + [relocate(e) for e in exc.errors]) from None
    if errors:
        raise ScenarioError(errors)
    # The base scenario's own warnings were given when it was loaded; keep those the new values raise.
    warnings = [w for w in found if any(w.path == p or w.path.startswith(p + ".") for p in set_paths)]
    new._source = scenario.source
    return new, warnings
