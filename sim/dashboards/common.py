"""Reading results directories and the small helpers every dashboard shares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .page import esc

# Colour-blind-safe qualitative palette (Okabe & Ito 2008), one per scenario or series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
ACCENT = "#0b6e4f"


class DashboardError(Exception):
    """A results directory that cannot be turned into a dashboard (missing or malformed files)."""


def read_json(path: Path) -> Any:
    """Parse a JSON file, or raise DashboardError naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DashboardError(f"{path}: missing; is this a results directory written by ceasefire?") from None
    except json.JSONDecodeError as exc:
        raise DashboardError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None


def read_csv(path: Path, required: bool = True) -> pd.DataFrame | None:
    """Read a CSV table; None if it is optional and absent."""
    if not path.exists():
        if required:
            raise DashboardError(f"{path}: missing; is this a results directory written by ceasefire?")
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def read_parquet(path: Path) -> pd.DataFrame | None:
    """Read a Parquet table; None if absent."""
    return pd.read_parquet(path) if path.exists() else None


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping; empty if absent."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def need_columns(table: pd.DataFrame, columns: list[str], path: Path) -> None:
    """Raise DashboardError listing every missing column at once."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DashboardError(f"{path}: columns {', '.join(missing)}: missing (found: {', '.join(table.columns)})")


def pct(p: float | None, digits: int = 1) -> str:
    """0.6805 -> '68.1%'."""
    return "n/a" if p is None or not np.isfinite(p) else f"{100 * p:.{digits}f}%"


def chain_words(chain: str) -> str:
    """'talks_collapse > open_war' -> 'talks collapse → open war' (plain text, not escaped)."""
    steps = [s.strip().replace("_", " ").replace("cross border", "cross-border") for s in chain.split(">")]
    return " → ".join(s for s in steps if s)


def label(text: Any) -> str:
    """User text destined for a Plotly label: Plotly reads a small subset of HTML, so escape it."""
    return esc(text)


def hex_rgba(color: str, alpha: float) -> str:
    """'#0072B2', 0.2 -> 'rgba(0,114,178,0.2)'."""
    c = color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested mappings -> [(dotted.path, value as text)], lists of scalars kept on one line."""
    rows: list[tuple[str, str]] = []
    if isinstance(data, dict):
        if not data and prefix:
            rows.append((prefix, "{}"))
        for key, value in data.items():
            rows.extend(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and any(isinstance(v, (dict, list)) for v in data):
        for i, value in enumerate(data):
            rows.extend(flatten(value, f"{prefix}[{i}]"))
    else:
        rows.append((prefix, json.dumps(data, ensure_ascii=False) if isinstance(data, list) else
                     ("" if data is None else str(data))))
    return rows


def versions_text(versions: dict[str, Any] | None) -> str:
    """{'python': '3.12.1', ...} -> 'python 3.12.1, ...'."""
    return ", ".join(f"{k} {v}" for k, v in (versions or {}).items())
