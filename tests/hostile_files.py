"""Hostile variants of the shipped scenario and sweep files, for the fuzz test and the soak benchmark.

A mutation is a list of operations, each ``(kind, where, which)``: ``where`` in [0, 1) picks a line or a
character position, ``which`` picks a hostile value or byte. Operations replace values with hostile
scalars (non-finite numbers, numbers as text, Python tags, aliases to nothing, escape sequences, huge
numbers), delete, duplicate, swap or re-indent lines, insert control characters or odd bytes, cut the
file short, nest it deeply or add an unknown key. The files are written under a copy of the shipped
``scenarios/`` and ``experiments/`` folders, so relative ``extends`` and ``base`` paths still resolve.

The "targets" files of the issue's wording have no loader in this project yet, so only scenario and
sweep files are mutated.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.yaml"))
SWEEP_FILES = sorted((ROOT / "experiments").glob("*.yaml"))

HOSTILE_VALUES = [
    ".nan", ".inf", "-.inf", "1e400", "-1e400", '"1000"', '"0.5"', "true", "false", "null", "~", "[]", "{}",
    "5e-4", "-0", "0x10", "0o17", "1_000", "2e9", "123456789012345678901234567890", "-1", "1.7", "2025-13-45",
    "!!python/object/apply:os.system ['echo owned']", "!!binary aGVsbG8=", "*nowhere", "&a [*a]",
    '"\\e[31mred\\e[0m"', '"\\u202egnp.exe"', '"\\0"', "'" + "x" * 5000 + "'", "{dist: uniform, low: 1, high: 0}",
    "{dist: normal, mean: .nan, sd: 1, low: 0, high: 1}", "{dist: beta, a: -1, b: 1}", "{dist: nope}",
    "[1, [2, [3, [4]]]]", "{a: {b: {c: {d: 1}}}}", "|\n  text", "? complex key", "<<: {x: 1}",
]
HOSTILE_BYTES = ["\t", "\x00", "\x1b", "\x07", "\u202e", "\ufeff", ":", "{", "[", "'", '"', "&", "*", "!", "%",
                 "\r", "\x85", "\u2028", "#", "-", "\\", "é"]
KINDS = ("value", "delete", "duplicate", "swap", "indent", "insert", "truncate", "nest", "unknown_key", "bytes")

Op = tuple[str, float, int]

_SCALAR = re.compile(r"^(\s*-?\s*[A-Za-z0-9_]+\s*:\s*)(\S.*?)(\s+#.*)?$")


def mutate(text: str, ops: list[Op]) -> str | bytes:
    """Apply ``ops`` in turn; returns text, or bytes once an operation has written invalid UTF-8."""
    out: str | bytes = text
    for kind, where, which in ops:
        if isinstance(out, bytes):
            break
        out = _apply(out, kind, where, which)
    return out


def _apply(text: str, kind: str, where: float, which: int) -> str | bytes:
    lines = text.split("\n")
    i = min(int(where * len(lines)), len(lines) - 1)
    if kind == "value":
        m = _SCALAR.match(lines[i])
        if m is not None:
            lines[i] = m.group(1) + HOSTILE_VALUES[which % len(HOSTILE_VALUES)]
        return "\n".join(lines)
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = (i + 1 + which) % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        lines[i] = " " * (which % 7) + lines[i].lstrip(" ")
    elif kind == "insert":
        pos = int(where * len(text))
        return text[:pos] + HOSTILE_BYTES[which % len(HOSTILE_BYTES)] + text[pos:]
    elif kind == "truncate":
        return text[: int(where * len(text))]
    elif kind == "nest":
        depth = 10 + which % 600
        lines.insert(i, "deep: " + "[" * depth + "]" * depth)
    elif kind == "unknown_key":
        lines.insert(i, f"{'  ' * (which % 3)}unexpected_{which}: 1")
    elif kind == "bytes":
        pos = int(where * len(text))
        return text[:pos].encode() + bytes([0x80 + which % 0x80, 0xFF]) + text[pos:].encode()
    return "\n".join(lines)


def random_ops(rng: random.Random, max_ops: int = 4) -> list[Op]:
    """Random operations, as the soak uses them (the fuzz test draws them with Hypothesis)."""
    return [(rng.choice(KINDS), rng.random(), rng.randrange(1000)) for _ in range(rng.randint(1, max_ops))]


def workspace(directory: Path) -> tuple[Path, Path]:
    """Copies of scenarios/ and experiments/ under ``directory``; returns the two folders."""
    scenarios = directory / "scenarios"
    experiments = directory / "experiments"
    if not scenarios.exists():
        shutil.copytree(ROOT / "scenarios", scenarios)
        shutil.copytree(ROOT / "experiments", experiments)
    return scenarios, experiments


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path
