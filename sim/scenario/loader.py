"""Read YAML scenario files into any pydantic model, with every error located by file, line and column.

The YAML accepted is a safe subset: mappings with string keys, lists, and the scalars of ``yaml.safe_load``
(strings, ints, floats, booleans, null, dates). Anchors and aliases are allowed (an alias is located where
its anchor is written); merge keys (``<<``) are rejected, because ``extends`` already shares settings
between files and one mechanism is easier to read. Any other tag, ``!!python/...`` included, is an error.

Errors are never raised one at a time: :class:`ScenarioError` carries all of them, sorted by position.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

__all__ = [
    "MISSING", "Loaded", "LocatedMessage", "Marks", "Pos", "ScenarioError", "ScenarioWarning",
    "load", "locate", "read_yaml", "resolve_extends", "show", "validate",
]

M = TypeVar("M", bound=BaseModel)
Key = tuple[str | int, ...]


class _Missing:
    def __repr__(self) -> str:
        return "missing"

    def __reduce__(self) -> str:
        return "MISSING"  # unpickles as the module's singleton, so `is MISSING` survives worker processes


MISSING: Any = _Missing()
"""Stands for "no value here" (a required field left out), as distinct from a YAML ``null``."""


class Pos(NamedTuple):
    """A place in a source file; line and column are 1-based."""

    file: str | None
    line: int | None
    column: int | None


_NOWHERE = Pos(None, None, None)


@dataclass(frozen=True)
class LocatedMessage:
    """One error or warning, tied to the place in a file that caused it."""

    file: str | None
    line: int | None
    column: int | None
    path: str
    value: Any
    message: str

    def format(self) -> str:
        """``file:line:col: path: value: message``, leaving out the parts that are unknown.

        The value is left out only when there is neither a path nor a value (file-level problems).
        """
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        parts = [where] if where else []
        if self.path:
            parts.append(self.path)
        if self.path or self.value is not MISSING:
            parts.append(show(self.value))
        parts.append(self.message)
        return ": ".join(parts)


def _sort_key(m: LocatedMessage) -> tuple[str, int, int]:
    return (m.file or "", m.line or 0, m.column or 0)


class ScenarioError(Exception):
    """Everything wrong with a scenario, in file order; ``str()`` gives one line per error."""

    def __init__(self, errors: Iterable[LocatedMessage]) -> None:
        self.errors: list[LocatedMessage] = sorted(errors, key=_sort_key)
        # Passing the list as the only arg keeps the exception picklable across worker processes.
        super().__init__(self.errors)

    def __str__(self) -> str:
        return "\n".join(e.format() for e in self.errors)


class ScenarioWarning(UserWarning):
    """A legal but doubtful value in a scenario (the message is located: file:line:col, or the override)."""


class Marks(Mapping[Key, Pos]):
    """Source positions of a loaded document, keyed by path (string keys, integer list indices).

    As a mapping it gives where each *value* starts; :meth:`key` gives where a mapping key is written, which
    is the better place to point at for a key that should not be there.
    """

    def __init__(self) -> None:
        self._values: dict[Key, Pos] = {}
        self._keys: dict[Key, Pos] = {}

    def __getitem__(self, path: Key) -> Pos:
        return self._values[tuple(path)]

    def __iter__(self) -> Iterator[Key]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def key(self, path: Key) -> Pos | None:
        """Where the key naming ``path`` is written, or None (the root, list items, unknown paths)."""
        return self._keys.get(tuple(path))

    def nearest(self, path: Key) -> tuple[Key, Pos]:
        """The closest ancestor of ``path`` (itself included) that exists, and its position.

        The position is that of the ancestor's key when it has one (``us:`` rather than the first line
        inside it), else of its value; a field missing from ``actors.us`` thus points at ``us:``.
        """
        path = tuple(path)
        for n in range(len(path), -1, -1):
            if path[:n] in self._values:
                return path[:n], self._keys.get(path[:n]) or self._values[path[:n]]
        return (), _NOWHERE

    def set(self, path: Key, value: Pos, key: Pos | None = None) -> None:
        """Record where the value at ``path`` starts and, for mapping entries, where its key is."""
        self._values[path] = value
        if key is not None:
            self._keys[path] = key

    def drop(self, prefix: Key) -> None:
        """Forget ``prefix`` and everything below it."""
        n = len(prefix)
        for table in (self._values, self._keys):
            for path in [p for p in table if p[:n] == prefix]:
                del table[path]

    def take(self, other: Marks, prefix: Key, *, subtree: bool = True) -> None:
        """Copy ``other``'s positions at ``prefix`` (and below it, if ``subtree``)."""
        n = len(prefix)
        for mine, theirs in ((self._values, other._values), (self._keys, other._keys)):
            for path, pos in theirs.items():
                if path == prefix or (subtree and path[:n] == prefix):
                    mine[path] = pos


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated scenario: the model, the plain data it was built from, warnings, and positions."""

    model: M
    data: dict[str, Any]
    warnings: list[LocatedMessage]
    path: Path
    marks: Marks


# --- showing values ---------------------------------------------------------------------------------------

_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def show(value: Any, limit: int = 60) -> str:
    """A short, YAML-like rendering of ``value`` for messages; strings are quoted only when ambiguous."""
    text = _show(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(v: Any) -> str:
    if v is MISSING:
        return "missing"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        # Quote what a reader could mistake for another type, or for message punctuation.
        plain = (
            v and v == v.strip() and v != "missing" and not any(c in v for c in ":#,[]{}\"'\n&*!|>%@`")
            and _RESOLVER.resolve(yaml.ScalarNode, v, (True, False)) == _STR
        )
        return v if plain else repr(v)
    if isinstance(v, BaseModel):
        return _show(v.model_dump(by_alias=True))
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_show(k)}: {_show(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple, set, frozenset)):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    if isinstance(v, date):
        return v.isoformat()
    return repr(v) if isinstance(v, float) else str(v)


def _dotted(path: Key) -> str:
    return ".".join(str(p) for p in path)


# --- reading one file -------------------------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_MAX_VALUES = 300_000  # nested aliases can expand exponentially; a 100,000-value sweep list fits

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest scenario or sweep file read; the shipped ones are under 30 KB."""

MAX_DEPTH = 40
"""Deepest nesting of mappings and lists in one file; a scenario needs about 6 levels."""

MAX_EXTENDS = 32
"""Longest chain of files extending each other; the shipped variants use one level."""

# YAML 1.1 (what PyYAML implements) reads 5e-4 and 1.0e5 as text: its floats need a dot and a signed
# exponent. YAML 1.2 reads them as numbers, which is what anyone writing them means.
_YAML12_FLOAT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$")


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 exponent floats and a bound on nesting depth.

    The composer recurses once per level, so a file nested hundreds deep would end in a RecursionError;
    the bound turns that into a located error long before.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        collection = self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent)
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep (mappings and lists)",
                    self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1


_SafeLoader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_SafeLoader.add_implicit_resolver(_TAG + "float", _YAML12_FLOAT, list("-+0123456789."))
_RESOLVER.yaml_implicit_resolvers = _SafeLoader.yaml_implicit_resolvers  # show() quotes what would read as a number


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class _Builder:
    """Turns a composed node tree into plain Python values, recording positions and collecting errors."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks = Marks()
        self.errors: list[LocatedMessage] = []
        self._open: set[int] = set()  # nodes being built: an alias back into one of them is a loop
        self._scalars = yaml.constructor.SafeConstructor()
        self._count = 0

    def pos(self, node: yaml.Node) -> Pos:
        return Pos(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: yaml.Node, path: Key, value: Any, message: str) -> None:
        self.errors.append(LocatedMessage(*self.pos(node), _dotted(path), value, message))

    def build(self, node: yaml.Node, path: Key, key_pos: Pos | None = None) -> Any:
        self.marks.set(path, self.pos(node), key_pos)
        self._count += 1
        if self._count > _MAX_VALUES:
            raise ScenarioError([LocatedMessage(*self.pos(node), _dotted(path), MISSING,
                                                f"aliases expand to more than {_MAX_VALUES:,} values")])
        if id(node) in self._open:
            self.error(node, path, MISSING, "alias refers to a mapping or list that contains it")
            return None
        if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
            self._open.add(id(node))
            try:
                return self._mapping(node, path)
            finally:
                self._open.discard(id(node))
        if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
            self._open.add(id(node))
            try:
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag in _SCALAR_TAGS:
            try:
                return self._scalars.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. a date like 2024-13-45
                self.error(node, path, node.value, f"cannot read as {node.tag.removeprefix(_TAG)}: {exc}")
                return None
        raw = node.value if isinstance(node, yaml.ScalarNode) else MISSING
        tag = "!!" + node.tag.removeprefix(_TAG) if node.tag.startswith(_TAG) else node.tag
        self.error(node, path, raw, f"unsupported YAML tag {tag}; only plain mappings, lists and scalars "
                                    "are allowed")
        return None

    def _mapping(self, node: yaml.MappingNode, path: Key) -> dict[str, Any]:
        out: dict[str, Any] = {}
        previous: yaml.Node | None = None
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.error(key_node, path, MISSING, "merge keys (<<) are not supported; use 'extends' to "
                                                    "share settings between files")
                continue
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR):
                # Build the key aside only to show it; its own errors would be noise.
                key = _Builder(self.file).build(key_node, ())
                hint = f": write '{key_node.value}'" if isinstance(key_node, yaml.ScalarNode) else ""
                self.error(key_node, path, key, f"mapping keys must be strings; quote this key{hint}")
                continue
            sub = path + (key_node.value,)
            if node.flow_style and _cut_at_comma(key_node, value_node, previous):
                self.error(key_node, sub, key_node.value,
                           "looks like the rest of the previous value, cut at a comma: in a {...} mapping a "
                           "comma separates entries, so put text that contains commas in quotes")
                continue
            previous = value_node
            if key_node.value in out:
                first = self.marks.key(sub)
                line = f" (first set on line {first.line})" if first else ""
                self.error(key_node, sub, _Builder(self.file).build(value_node, ()), f"duplicate key{line}")
                continue
            out[key_node.value] = self.build(value_node, sub, self.pos(key_node))
        return out


def _cut_at_comma(key: yaml.ScalarNode, value: yaml.Node, previous: yaml.Node | None) -> bool:
    """Whether a flow-mapping entry is text that an unquoted comma split off the previous value.

    ``{description: a (0 none, 1 full)}`` reads as ``description: a (0 none`` plus an entry ``1 full)``
    with no colon and no value; no field of a scenario is written that way.
    """
    no_value = (isinstance(value, yaml.ScalarNode) and value.tag == _TAG + "null" and value.value == ""
                and value.start_mark.index == value.end_mark.index)
    plain_text_before = (isinstance(previous, yaml.ScalarNode) and previous.style is None
                         and previous.tag == _STR)
    return no_value and plain_text_before and key.style is None


def read_yaml(path: str | PathLike[str]) -> tuple[dict[str, Any], Marks]:
    """Read one YAML file (no ``extends`` handling) into plain data and its positions.

    Raises
    ------
    ScenarioError
        If the file is missing or unreadable, is not valid YAML, uses unsupported YAML features, has
        duplicate or non-string keys, or is not a mapping at the top level. All such problems are reported.
    """
    p = Path(path)
    shown = _display(p)
    text = _read_text(p, shown)
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem:
            what += f" ({exc.context} on line {exc.context_mark.line + 1})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ScenarioError([LocatedMessage(shown, line, col, "", MISSING, f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses; it carries no mark
        raise ScenarioError([LocatedMessage(shown, None, None, "", MISSING, f"YAML: {exc}")]) from None
    if root is None:
        raise ScenarioError([LocatedMessage(shown, 1, 1, "", MISSING, "file is empty; expected a mapping")])
    builder = _Builder(shown)
    data = builder.build(root, ())
    if not builder.errors and not isinstance(data, dict):
        builder.error(root, (), data, "the top level must be a mapping of 'key: value' lines")
    if builder.errors:
        raise ScenarioError(builder.errors)
    return data, builder.marks


def _read_text(path: Path, shown: str) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES, as UTF-8.

    The file is opened without blocking and checked to be a regular file before anything is read, so a
    FIFO, a device such as /dev/zero or a directory is refused at once instead of read for ever.
    """
    def refuse(message: str) -> ScenarioError:
        return ScenarioError([LocatedMessage(shown, None, None, "", MISSING, message)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("file not found") from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL in the name
        raise refuse(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("cannot read: a directory; expected a YAML file")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("cannot read: not a regular file; expected a YAML file")
        raise refuse(f"file is {info.st_size:,} bytes; at most {MAX_FILE_BYTES:,} are read")
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise refuse(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        raise refuse(f"file is larger than {MAX_FILE_BYTES:,} bytes, the most that is read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return_error = f"not UTF-8 text (byte {exc.start} on line {line}); save the file as UTF-8"
        raise refuse(return_error) from None


# --- extends ----------------------------------------------------------------------------------------------

def resolve_extends(path: str | PathLike[str]) -> tuple[dict[str, Any], Marks]:
    """Read a scenario file and the chain of files it ``extends``, merged into one mapping.

    ``extends: other.yaml`` names a parent file, relative to the directory of the file that names it; the
    parent may extend another file in turn. The child is merged over the parent:

    - mappings merge key by key, recursively;
    - lists and scalars in the child replace the parent's;
    - a child value of ``null`` deletes the key from the merged result (in a file that extends another,
      ``null`` therefore always means "absent", never a null value);
    - the ``extends`` key itself is removed.

    Positions follow each value to the file it came from: overridden values point into the child,
    inherited ones into the parent. A mapping both files contribute to is placed in the child.

    Raises
    ------
    ScenarioError
        For anything :func:`read_yaml` rejects, an ``extends`` that is not a path or names no file, or a
        cycle of files extending each other (the message gives the chain).
    """
    return _resolve(Path(path), ())


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Marks]:
    data, marks = read_yaml(path)
    if "extends" not in data:
        return data, marks
    ref = data.pop("extends")

    def fail(message: str) -> ScenarioError:
        return ScenarioError([locate(marks, ("extends",), ref, message)])

    if not isinstance(ref, str) or not ref.strip():
        raise fail("expected the path of another scenario file")
    parent = path.parent / ref
    seen = chain + (path.resolve(),)
    if len(seen) >= MAX_EXTENDS:
        raise fail(f"extends chain longer than {MAX_EXTENDS} files; merge some of them")
    if parent.resolve() in seen:
        loop = seen[seen.index(parent.resolve()):] + (parent.resolve(),)
        raise fail("extends cycle: " + " -> ".join(_display(p) for p in loop))
    if not parent.is_file():
        raise fail(f"no such file: {_display(parent)}")
    base, base_marks = _resolve(parent, seen)
    marks.drop(("extends",))
    base_marks.take(marks, (), subtree=False)
    return _merge(base, over=data, path=(), marks=base_marks, over_marks=marks), base_marks


def _merge(base: dict[str, Any], over: dict[str, Any], path: Key, marks: Marks, over_marks: Marks) -> dict:
    out = dict(base)
    for key, value in over.items():
        sub = path + (key,)
        if value is None:
            out.pop(key, None)
            marks.drop(sub)
        elif isinstance(value, dict):
            inherited = out.get(key)
            if not isinstance(inherited, dict):
                marks.drop(sub)
                inherited = {}
            # Merging even into an empty mapping, so nulls nested in new blocks also mean "absent".
            marks.take(over_marks, sub, subtree=False)
            out[key] = _merge(inherited, value, sub, marks, over_marks)
        else:
            marks.drop(sub)
            marks.take(over_marks, sub)
            out[key] = value
    return out


# --- locating ---------------------------------------------------------------------------------------------

def locate(marks: Marks, path: Key, value: Any, message: str, *, at_key: bool = False) -> LocatedMessage:
    """Place a message about ``path`` in its file.

    Points at the key when ``at_key`` is set, or when the value *is* the key (a reference written as a
    mapping key, such as an undefined actor id in ``trust: {xx: 0.5}``); otherwise at the value. A path
    that does not exist (a missing field) points at its nearest existing ancestor.
    """
    path = tuple(path)
    pos = None
    if at_key or (path and isinstance(value, str) and path[-1] == value):
        pos = marks.key(path)
    if pos is None:
        pos = marks[path] if path in marks else marks.nearest(path)[1]
    return LocatedMessage(pos.file, pos.line, pos.column, _dotted(path), value, message)


# --- validation -------------------------------------------------------------------------------------------

def validate(model_cls: type[M], data: dict[str, Any], marks: Marks) -> tuple[M, list[LocatedMessage]]:
    """Build ``model_cls`` from ``data`` and return it with its located warnings.

    Every pydantic error is converted and located; with them, a static ``reference_errors(data)`` on the
    model class, if any, reports cross-references checkable on raw data. After a successful build, a
    ``semantic_errors()`` method
    on the model (returning ``[(path, value, message), ...]``) is consulted for cross-reference errors, and
    ``semantic_warnings()`` (same shape) for warnings.

    Raises
    ------
    ScenarioError
        With all validation errors, or all semantic errors.
    """
    try:
        model = model_cls.model_validate(data)
    except ValidationError as exc:
        found = _join_alternatives([_convert(model_cls, data, marks, err) for err in exc.errors(include_url=False)])
        # Cross-references checkable on the raw data are reported too: all errors at once.
        raw_check = getattr(model_cls, "reference_errors", None)
        if callable(raw_check):
            seen = {e.path for e in found}
            found += [e for e in (locate(marks, p, v, m) for p, v, m in raw_check(data)) if e.path not in seen]
        raise ScenarioError(found) from None
    errors = [locate(marks, p, v, m) for p, v, m in _ask(model, "semantic_errors")]
    if errors:
        raise ScenarioError(errors)
    warnings = sorted((locate(marks, p, v, m) for p, v, m in _ask(model, "semantic_warnings")), key=_sort_key)
    return model, warnings


def load(path: str | PathLike[str], model_cls: type[M]) -> Loaded[M]:
    """Read ``path`` (following ``extends``) and validate it as ``model_cls``; see :func:`resolve_extends`.

    Raises
    ------
    ScenarioError
        With every problem found, each located in the file it comes from.
    """
    data, marks = resolve_extends(path)
    model, warnings = validate(model_cls, data, marks)
    return Loaded(model=model, data=data, warnings=warnings, path=Path(path), marks=marks)


def _ask(model: BaseModel, method: str) -> list[tuple[Key, Any, str]]:
    fn = getattr(model, method, None)
    return list(fn()) if callable(fn) else []


_ABSENT = object()


def _child(node: Any, seg: Any) -> Any:
    if isinstance(node, dict) and seg in node:
        return node[seg]
    if isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
        return node[seg]
    return _ABSENT


def _align(node: Any, loc: tuple) -> Key:
    """The segments of a pydantic ``loc`` that are real keys or indices of ``node``, in order.

    Unions add segments naming the branch tried (a tag such as ``'party'``, a type such as ``'float'`` or
    ``'function-after[...]'``); those are dropped. When a segment could be read either way, the reading
    that keeps more segments wins, then the one keeping later segments, since a tag precedes its field.
    """
    if not loc:
        return ()
    rest = _align(node, loc[1:])
    child = _child(node, loc[0])
    if child is _ABSENT:
        return rest
    kept = (loc[0],) + _align(child, loc[1:])
    return kept if len(kept) > len(rest) else rest


def _convert(model_cls: type[BaseModel], data: dict, marks: Marks, err: Any) -> tuple[LocatedMessage, Key, tuple]:
    kind, loc, ctx = err["type"], tuple(err["loc"]), err.get("ctx") or {}
    value = err.get("input", MISSING)
    at_key = False
    if kind == "missing":
        path, value, message = _align(data, loc[:-1]) + loc[-1:], MISSING, "field required"
    else:
        path = _align(data, loc)
        message = _readable(err["msg"])
    if kind == "extra_forbidden":
        at_key, message = True, _unknown_field(model_cls, data, path)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        # Point at the discriminator key itself, which is what needs fixing.
        tag_key = str(ctx.get("discriminator", "")).strip("'\"")
        if tag_key and tag_key.isidentifier():
            path += (tag_key,)
            value = ctx.get("tag", MISSING) if kind == "union_tag_invalid" else MISSING
        message = f"expected one of {ctx.get('expected_tags', '?')}"
    elif kind == "too_short":
        n = ctx.get("min_length", 1)
        message = f"is empty; expected at least {n} entr{'y' if n == 1 else 'ies'}" if not value else (
            f"expected at least {n} entries")
    elif kind == "finite_number":
        message = "expected a finite number (not .nan, .inf or beyond 1e308)"
    elif kind in _BOUND_WORDS:
        message = _range_message(model_cls, data, path, kind, ctx, message)
    return locate(marks, path, value, message, at_key=at_key), path, loc


def _join_alternatives(found: list[tuple[LocatedMessage, Key, tuple]]) -> list[LocatedMessage]:
    """Tidy the per-branch errors of unions (those whose loc had branch segments dropped).

    A branch error is dropped when another branch of the same union has errors deeper down: the input had
    that branch's shape (a mapping for a model, say), so "expected a number" from a scalar branch is noise.
    Branch errors left at the same place are joined into one message.
    """

    def superseded(path: Key, loc: tuple) -> bool:
        return len(path) < len(loc) and any(
            len(p) > len(path) and p[: len(path)] == path and other[: len(loc)] != loc for _, p, other in found
        )

    kept = [(m, len(path) < len(loc)) for m, path, loc in found if not superseded(path, loc)]
    groups: dict[tuple, list[tuple[LocatedMessage, bool]]] = {}
    for m, branch in kept:
        groups.setdefault((m.path, m.file, m.line, m.column), []).append((m, branch))
    out = []
    for items in groups.values():
        if len(items) > 1 and any(branch for _, branch in items):
            first = items[0][0]
            messages = list(dict.fromkeys(m.message for m, _ in items))
            out.append(LocatedMessage(first.file, first.line, first.column, first.path, first.value,
                                      "; or ".join(messages)))
        else:
            out.extend(m for m, _ in items)
    return out


def _readable(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if msg.startswith("Input should be "):
        msg = "expected " + msg.removeprefix("Input should be ")
    return msg


_BOUND_WORDS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}


def _range_message(model_cls: type[BaseModel], data: dict, path: Key, kind: str, ctx: dict, fallback: str) -> str:
    lo = hi = None
    lo_open = hi_open = False
    for _, meta in _types_at(model_cls, data, path):
        for item in _constraints(meta):
            if getattr(item, "ge", None) is not None:
                lo, lo_open = item.ge, False
            if getattr(item, "gt", None) is not None:
                lo, lo_open = item.gt, True
            if getattr(item, "le", None) is not None:
                hi, hi_open = item.le, False
            if getattr(item, "lt", None) is not None:
                hi, hi_open = item.lt, True
    if lo is not None and hi is not None:
        return f"is not in {'(' if lo_open else '['}{_bound(lo)}, {_bound(hi)}{')' if hi_open else ']'}"
    bound = next(iter(ctx.values()), None)
    return f"must be {_BOUND_WORDS[kind]} {_show(bound)}" if bound is not None else fallback


def _bound(value: Any) -> str:
    # Bounds read like the schema's own range messages: 1.0 -> 1, 0.5 -> 0.5.
    return f"{value:g}" if isinstance(value, float) else _show(value)


def _constraints(meta: Iterable[Any]) -> Iterator[Any]:
    for item in meta:
        yield item
        inner = getattr(item, "metadata", None)  # a Field(...) nested in Annotated keeps its bounds here
        if isinstance(inner, list):
            yield from _constraints(inner)


def _unknown_field(model_cls: type[BaseModel], data: dict, path: Key) -> str:
    owners = {tp for tp, _ in _types_at(model_cls, data, path[:-1]) if _is_model(tp)}
    if len(owners) != 1:
        return "unknown field"
    allowed = [f.alias or name for name, f in owners.pop().model_fields.items()]
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1) if path else []
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown field; {hint}allowed: {', '.join(allowed)}"


# --- walking the model's type annotations along a data path -----------------------------------------------
# Used only to word messages better (allowed field names, both ends of a range); when the walk cannot tell
# which type applies, the caller falls back to pydantic's own message.

def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _concrete(tp: Any, meta: tuple = ()) -> Iterator[tuple[Any, tuple]]:
    """The plain types behind ``tp`` (Annotated and unions unwrapped), each with its constraint metadata."""
    if hasattr(tp, "__value__"):  # a `type X = ...` alias
        yield from _concrete(tp.__value__, meta)
    elif get_origin(tp) is Annotated:
        base, *extra = get_args(tp)
        yield from _concrete(base, meta + tuple(extra))
    elif get_origin(tp) in (Union, types.UnionType):
        for arg in get_args(tp):
            if arg is not type(None):
                yield from _concrete(arg, meta)
    else:
        yield tp, meta


def _step(tp: Any, seg: Any) -> list[tuple[Any, tuple]]:
    if _is_model(tp):
        for name, f in tp.model_fields.items():
            if seg in (name, f.alias):
                return list(_concrete(f.annotation, tuple(f.metadata)))
        return []
    origin, args = get_origin(tp), get_args(tp)
    if origin is None or not args or not isinstance(origin, type):
        return []
    if issubclass(origin, Mapping) and len(args) == 2:
        return list(_concrete(args[1]))
    if issubclass(origin, tuple) and isinstance(seg, int):
        item = args[0] if args[-1] is Ellipsis else (args[seg] if seg < len(args) else None)
        return list(_concrete(item)) if item is not None else []
    if issubclass(origin, (list, set, frozenset)) and isinstance(seg, int):
        return list(_concrete(args[0]))
    return []


def _choose(cands: list[tuple[Any, tuple]], node: Any) -> list[tuple[Any, tuple]]:
    """Narrow union branches to the models that fit a mapping: matching Literal tags, most known keys."""
    models = [c for c in cands if _is_model(c[0])]
    if not isinstance(node, dict) or not models:
        return cands

    def tags_match(tp: type[BaseModel]) -> bool:
        return all(
            node[f.alias or name] in get_args(f.annotation)
            for name, f in tp.model_fields.items()
            if get_origin(f.annotation) is Literal and (f.alias or name) in node
        )

    def known(tp: type[BaseModel]) -> int:
        return sum(1 for name, f in tp.model_fields.items() if (f.alias or name) in node)

    models = [c for c in models if tags_match(c[0])] or models
    best = max(known(c[0]) for c in models)
    return [c for c in models if known(c[0]) == best]


def _types_at(model_cls: type[BaseModel], data: Any, path: Key) -> list[tuple[Any, tuple]]:
    cands, node = list(_concrete(model_cls)), data
    for seg in path:
        cands = [nxt for tp, _ in _choose(cands, node) for nxt in _step(tp, seg)]
        node = _child(node, seg)
    return _choose(cands, node)
