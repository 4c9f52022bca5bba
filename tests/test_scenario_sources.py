"""Every number in a shipped scenario names its source or the judgment behind it.

The project's evidence rule: each numeric value (int, float or date) in ``scenarios/*.yaml``
carries a ``#`` comment on its own line, or on the line directly above it when that line
opens a block (a comment-only line, or a key with no number of its own, such as ``calendar:``).
That comment must say where the number comes from: ``judgment: <why>`` (at least three words
of reason), a URL, or a ``[key]`` defined in the file's header as ``#   [key] outlet, title,
date, URL``. Sources must be ones users can open, so no scenario may cite the project-internal
"CONTEXT" notes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scenario_data import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
NUMERIC_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}


def _numeric_value_lines(text: str) -> set[int]:
    """0-based line numbers holding a numeric scalar value (mapping value or list item).

    Block and flow collections alike (``{initial: 0.2, certainty: 20}``, ``- {date: ...}``);
    quoted scalars are strings and do not count.
    """
    lines: set[int] = set()

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for _key, value in node.value:
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode) and node.tag in NUMERIC_TAGS:
            lines.add(node.start_mark.line)

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root)
    return lines


SOURCE_KEY = re.compile(r"^#\s+\[([\w.-]+)\]\s.*https?://", re.MULTILINE)
JUDGMENT = re.compile(r"judgment:\s*\S+\s+\S+\s+\S+")


def _says_where_from(comment: str, keys: set[str]) -> bool:
    """True if a comment gives a reasoned judgment, a URL or a source key from the header."""
    if JUDGMENT.search(comment) or re.search(r"https?://", comment):
        return True
    return any(f"[{key}]" in comment for key in keys)


def _comment_lines(text: str) -> dict[int, str]:
    """Comment text by 0-based line number, found by the YAML scanner's own rules.

    A ``#`` inside a quoted or plain scalar (``a#b``) is not a comment; the scanner skips
    comments, so a comment is any ``#`` at line start or after whitespace that lies outside
    every token's span.
    """
    token_spans: dict[int, list[tuple[int, int]]] = {}
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        start, end = token.start_mark, token.end_mark
        for line in range(start.line, end.line + 1):
            first = start.column if line == start.line else 0
            last = end.column if line == end.line else 10**9
            token_spans.setdefault(line, []).append((first, last))
    found: dict[int, str] = {}
    for number, line in enumerate(text.splitlines()):
        for column, char in enumerate(line):
            if char != "#" or (column > 0 and line[column - 1] not in " \t"):
                continue
            if not any(first <= column < last for first, last in token_spans.get(number, [])):
                found[number] = line[column:]
                break
    return found


def _source_keys(text: str, path: Path | None = None) -> set[str]:
    """Source keys defined in the file's header, and in the file it ``extends:``, if any."""
    keys = set(SOURCE_KEY.findall(text))
    base = re.search(r"^extends:\s*(\S+)", text, re.MULTILINE)
    if path is not None and base:
        parent = path.parent / base.group(1)
        if parent.is_file():
            keys |= _source_keys(parent.read_text(encoding="utf-8"), parent)
    return keys


def uncommented_numbers(text: str, path: Path | None = None) -> list[int]:
    """1-based line numbers of numeric values without a sourced or reasoned comment.

    The comment may sit on the value's line or on the line above, if that line is a comment
    alone or opens a block without a number of its own. ``path`` lets a variant cite the
    source keys of the scenario it extends.
    """
    numeric = _numeric_value_lines(text)
    comments = _comment_lines(text)
    keys = _source_keys(text, path)
    lines = text.splitlines()
    missing = []
    for line in sorted(numeric):
        if line in comments and _says_where_from(comments[line], keys):
            continue
        above = line - 1
        # A comment above covers this line only if it does not already belong to a number of its own.
        if (above >= 0 and above in comments and _says_where_from(comments[above], keys)
                and (lines[above].lstrip().startswith("#") or above not in numeric)):
            continue
        missing.append(line + 1)
    return missing


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_number_has_a_source_or_judgment(path: Path):
    text = path.read_text(encoding="utf-8")
    missing = uncommented_numbers(text, path)
    assert not missing, (
        f"{path.name}: numbers without a source or 'judgment:' comment on lines "
        + ", ".join(map(str, missing)))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_no_scenario_cites_context_notes(path: Path):
    hits = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if "CONTEXT" in line]
    assert not hits, f"{path.name}: cites CONTEXT (not openable by users) on lines {hits}"


def test_checker_sees_flow_maps_list_items_and_dates():
    text = (
        "#   [rep] Outlet, \"Title\", 1 Jan 2025, https://example.org/a\n"
        "start_date: 2025-10-19\n"
        "trust:\n"
        "  a: {initial: 0.2, certainty: 20}\n"
        "  b: {initial: 0.2}   # judgment: low, the parties fought last week\n"
        "calendar:             # [rep] announced rounds\n"
        "  - {date: 2025-10-26, venue: X}\n"
        "  - {date: 2025-10-27, venue: X}\n"
        "name: 'quoted 5'\n"
        "k: 7  # judgment: covers only this line\n"
        "m: 8\n"
        "s: 'a # not a comment' \n"
        "t: 9\n"
        "u: 1  # judgment\n"
        "v: 2  # [unknown] key not in the header\n"
        "w: 3  # see https://example.org/b\n"
    )
    # line 2 is covered by the comment line above it
    assert uncommented_numbers(text) == [4, 8, 11, 13, 14, 15]


def test_scenarios_are_found():
    assert len(SCENARIOS) >= 8
