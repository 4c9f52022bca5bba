"""Short text and HTML views of a scenario for notebooks and the REPL (``repr``, ``_repr_html_``).

pydantic's own repr prints every field of every block (tens of thousands of characters); these name
the scenario, its dates, its actors by role and where it came from. ``model_dump()`` gives everything.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import Scenario

ROLES = (("party", "parties"), ("armed_group", "armed groups"), ("mediator", "mediators"))


def _actors_line(scenario: Scenario) -> str:
    parts = []
    for role, plural in ROLES:
        ids = scenario.actors_with_role(role)
        if ids:
            parts.append(f"{plural} {', '.join(ids)}")
    return "; ".join(parts)


def scenario_rows(scenario: Scenario) -> list[tuple[str, str]]:
    """(label, text) pairs shown by both views."""
    rows = [("scenario", scenario.name),
            ("start", f"{scenario.start_date.isoformat()}, horizon {scenario.horizon_days} days"),
            ("actors", _actors_line(scenario)),
            ("talk days", ", ".join(map(str, scenario.talk_days())) or "none scheduled")]
    if scenario.source:
        rows.append(("file", scenario.source))
    return rows


def scenario_repr(scenario: Scenario) -> str:
    """``Scenario('name', 2025-10-19 + 180 days, parties pk, af; ..., file x.yaml)`` on one line."""
    tail = f", file {scenario.source}" if scenario.source else ""
    return (f"Scenario({scenario.name!r}, {scenario.start_date.isoformat()} + {scenario.horizon_days} days, "
            f"{_actors_line(scenario)}{tail})")


def scenario_html(scenario: Scenario) -> str:
    return html_table(scenario_rows(scenario))


def html_table(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column HTML table, every cell escaped (scenario text is user input)."""
    body = "".join(f"<tr><th style=\"text-align:left\">{html.escape(k)}</th>"
                   f"<td style=\"text-align:left\">{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"
