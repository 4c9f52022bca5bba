"""The compare dashboard: several scenarios run with common random numbers.

Reads a compare results directory: ``run.json`` (``"kind": "compare"``), ``survival.csv``
(long: scenario, day, date, p, ci_low, ci_high), ``differences.csv`` (scenario, baseline,
measure, day, difference, ci_low, ci_high, ci_low_independent, ci_high_independent,
width_ratio) and one run sub-directory per scenario under ``runs/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .common import (
    PALETTE, chain_words, hex_rgba, label, need_columns, pct, read_csv, read_json, versions_text,
)
from .page import Page, Section, table_html

DIFFERENCE_COLUMNS = ["scenario", "baseline", "measure", "day", "difference", "ci_low", "ci_high"]


@dataclass
class CompareData:
    """The files of a compare results directory, parsed.

    Attributes
    ----------
    directory : Path
    info : dict
        ``run.json``.
    survival : DataFrame
        Long survival table of every scenario.
    differences : DataFrame
        Paired differences against the baseline.
    summaries : dict
        Scenario name -> its run's ``summary.json`` (empty if the sub-directories are absent).
    """

    directory: Path
    info: dict[str, Any]
    survival: pd.DataFrame
    differences: pd.DataFrame
    summaries: dict[str, dict[str, Any]]


def load_compare(directory: Path) -> CompareData:
    """Read a compare results directory.

    Raises
    ------
    DashboardError
        If a required file or column is missing.
    """
    directory = Path(directory)
    info = read_json(directory / "run.json")
    survival = read_csv(directory / "survival.csv")
    need_columns(survival, ["scenario", "day", "date", "p", "ci_low", "ci_high"], directory / "survival.csv")
    differences = read_csv(directory / "differences.csv")
    if not differences.empty:
        need_columns(differences, DIFFERENCE_COLUMNS, directory / "differences.csv")
    summaries: dict[str, dict[str, Any]] = {}
    runs = directory / "runs"
    if runs.is_dir():
        def index_of(path: Path) -> int:
            match = re.match(r"(\d+)", path.name)
            return int(match.group(1)) if match else 1 << 30

        listed = [str(s) for s in info.get("scenarios") or []]
        for sub in sorted((p for p in runs.iterdir() if (p / "summary.json").exists()), key=index_of):
            summary = read_json(sub / "summary.json")
            index = index_of(sub)
            # runs/<index>_<slug>: the index names the scenario as listed in run.json (names there may
            # have been made unique, so the run's own name is only the fallback).
            name = listed[index] if index < len(listed) else str(summary.get("scenario", sub.name))
            summaries[name] = summary
    return CompareData(directory=directory, info=info, survival=survival, differences=differences,
                       summaries=summaries)


def scenario_order(data: CompareData) -> list[str]:
    """Scenario names in the order the user gave them (run.json), then any others found in survival.csv."""
    listed = [str(s) for s in data.info.get("scenarios") or []]
    return list(dict.fromkeys(listed + [str(s) for s in data.survival["scenario"].unique()]))


def survival_overlay_figure(survival: pd.DataFrame, order: list[str], horizon_days: int | None = None) -> go.Figure:
    """Every scenario's Kaplan-Meier survival curve with its 95% band, on one calendar.

    Parameters
    ----------
    survival : DataFrame
        Long table: scenario, day, date, p, ci_low, ci_high.
    order : list of str
        Scenario names, in display order (user text; escaped here).

    Returns
    -------
    plotly.graph_objects.Figure
        Per scenario three traces: CI upper, CI lower (filled), estimate (name = escaped scenario name).
    """
    fig = go.Figure()
    for k, name in enumerate(order):
        rows = survival[survival["scenario"].astype(str) == name].sort_values("day")
        if rows.empty:
            continue
        color = PALETTE[k % len(PALETTE)]
        x = rows["date"].astype(str).to_numpy()
        group = f"s{k}"
        fig.add_trace(go.Scatter(x=x, y=rows["ci_high"].to_numpy(float), mode="lines", line=dict(width=0),
                                 legendgroup=group, showlegend=False, hoverinfo="skip", name=f"{k} upper"))
        fig.add_trace(go.Scatter(x=x, y=rows["ci_low"].to_numpy(float), mode="lines", line=dict(width=0),
                                 fill="tonexty", fillcolor=hex_rgba(color, 0.15), legendgroup=group,
                                 showlegend=False, hoverinfo="skip", name=f"{k} lower"))
        fig.add_trace(go.Scatter(
            x=x, y=rows["p"].to_numpy(float), mode="lines", line=dict(color=color, width=2.5, shape="hv"),
            legendgroup=group, name=label(name), customdata=rows["day"].to_numpy(),
            hovertemplate="%{fullData.name}, day %{customdata}: %{y:.1%}<extra></extra>"))
    if horizon_days is not None:
        last = survival[survival["day"] == horizon_days]
        if not last.empty:
            hdate = str(last["date"].iloc[0])
            fig.add_shape(type="line", x0=hdate, x1=hdate, y0=0, y1=1, yref="paper",
                          line=dict(color="#52606d", dash="dash"))
            fig.add_annotation(x=hdate, y=1, yref="paper", text=f"horizon, day {horizon_days}", showarrow=False,
                               xanchor="right", yanchor="bottom", font=dict(color="#52606d"))
    fig.update_yaxes(range=[0, 1.04], tickformat=".0%", title_text="P(ceasefire still holding)")
    fig.update_layout(height=480, margin=dict(l=60, r=20, t=50, b=40), hovermode="x unified",
                      legend=dict(orientation="h", y=-0.12))
    return fig


def measure_title(measure: str, day: Any) -> str:
    """'p_hold' -> 'P(holds to the horizon)'; 'survival_d30' -> 'P(still holding on day 30)'."""
    if measure == "p_hold":
        return "P(holds to the horizon)"
    match = re.fullmatch(r"survival_d(\d+)", measure)
    if match:
        return f"P(still holding on day {match.group(1)})"
    return measure.replace("_", " ")


def _measure_order(differences: pd.DataFrame) -> list[str]:
    measures = list(dict.fromkeys(differences["measure"].astype(str)))

    def key(m: str) -> tuple[int, int]:
        match = re.fullmatch(r"survival_d(\d+)", m)
        return (0, 0) if m == "p_hold" else ((1, int(match.group(1))) if match else (2, 0))

    return sorted(measures, key=key)


def differences_figure(differences: pd.DataFrame, order: list[str]) -> go.Figure:
    """Paired differences against the baseline, in percentage points, with their 95% CIs.

    The thick bar is the paired interval (common random numbers); the thin grey bar, where present,
    is what the interval would have been with independent runs.

    Parameters
    ----------
    differences : DataFrame
        ``differences.csv``.
    order : list of str
        Scenario names in display order.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per measure; per panel an optional "independent" trace then a "paired" trace, each with
        x = 100 * difference, y = escaped scenario name (vs baseline), error bars to the CI bounds.
    """
    measures = _measure_order(differences)
    titles = []
    for m in measures:
        rows = differences[differences["measure"].astype(str) == m]
        titles.append(measure_title(m, rows["day"].iloc[0] if not rows.empty else None))
    n_scen = max(1, differences["scenario"].nunique())
    panel = 110 + 30 * n_scen  # pixels per measure, room for its title and axis title
    height = 60 + panel * len(measures)
    fig = make_subplots(rows=len(measures), cols=1, subplot_titles=titles, shared_xaxes=False,
                        vertical_spacing=(75 / height) if len(measures) > 1 else 0.0)
    rank = {name: i for i, name in enumerate(order)}
    for k, m in enumerate(measures):
        rows = differences[differences["measure"].astype(str) == m].copy()
        rows["_rank"] = [rank.get(str(s), len(rank)) for s in rows["scenario"]]
        rows = rows.sort_values("_rank", ascending=False)
        y = [label(s) for s in rows["scenario"]]
        d = 100 * rows["difference"].to_numpy(float)
        first = k == 0
        if {"ci_low_independent", "ci_high_independent"} <= set(rows.columns):
            lo_i = 100 * rows["ci_low_independent"].to_numpy(float)
            hi_i = 100 * rows["ci_high_independent"].to_numpy(float)
            if np.isfinite(lo_i).any():
                fig.add_trace(go.Scatter(
                    x=d, y=y, mode="markers", marker=dict(color="rgba(0,0,0,0)"),
                    name="95% CI had the runs been independent",
                    legendgroup="ind", showlegend=first,
                    error_x=dict(type="data", symmetric=False, array=hi_i - d, arrayminus=d - lo_i, color="#9aa5b1",
                                 thickness=1.2, width=10),
                    hoverinfo="skip"), row=k + 1, col=1)
        lo = 100 * rows["ci_low"].to_numpy(float)
        hi = 100 * rows["ci_high"].to_numpy(float)
        fig.add_trace(go.Scatter(
            x=d, y=y, mode="markers", marker=dict(color=PALETTE[1], size=10), name="difference, paired 95% CI",
            legendgroup="paired", showlegend=first,
            error_x=dict(type="data", symmetric=False, array=hi - d, arrayminus=d - lo, color=PALETTE[1],
                         thickness=3, width=0),
            customdata=np.stack([lo, hi], axis=1),
            hovertemplate="%{y}: %{x:+.1f} points (95% CI %{customdata[0]:+.1f} to %{customdata[1]:+.1f})"
                          "<extra></extra>"), row=k + 1, col=1)
        fig.add_vline(x=0, line=dict(color="#52606d", width=1), row=k + 1, col=1)
        fig.update_xaxes(title_text="difference from the baseline, percentage points" if k == len(measures) - 1
                         else None, ticksuffix=" pt", row=k + 1, col=1)
    fig.update_yaxes(automargin=True)
    fig.update_layout(height=height, margin=dict(l=220, r=20, t=60, b=50),
                      legend=dict(orientation="h", y=1.0, yanchor="top", x=0, yref="container"))
    return fig


def summary_rows(order: list[str], summaries: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(scenario, P(hold) with CI, median breakdown day, commonest cause chain) per scenario (plain text)."""
    rows = []
    for name in order:
        s = summaries.get(name)
        if s is None:
            continue
        lo, hi = s["p_hold_ci"]
        q50 = (s.get("breakdown_day_quantiles") or {}).get("q50")
        causes = s.get("breakdown_causes") or {}
        top = next(iter(causes.items()), None)
        rows.append((name, f"{pct(s['p_hold'])} ({pct(lo)} to {pct(hi)})",
                     f"day {q50}" if q50 is not None else f"beyond day {s['horizon_days']}",
                     f"{chain_words(top[0])} ({pct(top[1], 0)})" if top else "none broke down"))
    return rows


def headline(data: CompareData, order: list[str]) -> list[str]:
    """Opening sentences: what was compared, each scenario's odds, and the largest paired difference."""
    info = data.info
    n = info.get("replications")
    horizon = info.get("horizon_days")
    sentences = [f"{len(order)} scenarios compared" + (f", {n:,} replications each" if isinstance(n, int) else "") +
                 (f" over {horizon} days" if horizon else "") +
                 ", with the same random numbers in every scenario (so differences are paired)."]
    for name, p_ci, median, cause in summary_rows(order, data.summaries):
        sentences.append(f"{name}: holds to the horizon in {p_ci}; median time to breakdown {median}; "
                         f"most common way it breaks: {cause}.")
    if not data.summaries:
        last = data.survival.sort_values("day").groupby("scenario").tail(1)
        for _, row in last.iterrows():
            sentences.append(f"{row['scenario']}: still holding on day {row['day']} in {pct(row['p'])} "
                             f"(95% CI {pct(row['ci_low'])} to {pct(row['ci_high'])}).")
    diffs = data.differences
    if not diffs.empty:
        p = diffs[diffs["measure"].astype(str) == "p_hold"]
        if not p.empty:
            row = p.loc[p["difference"].abs().idxmax()]
            sentences.append(
                f"Largest change in P(holds to the horizon): {row['scenario']} vs {row['baseline']}, "
                f"{100 * row['difference']:+.1f} percentage points (95% CI {100 * row['ci_low']:+.1f} to "
                f"{100 * row['ci_high']:+.1f}).")
    return sentences


def build_page(data: CompareData) -> Page:
    """Assemble the compare dashboard."""
    order = scenario_order(data)
    horizon = data.info.get("horizon_days")
    sections = [Section(
        "Will it hold? The scenarios side by side",
        "Share of replications in which the ceasefire is still holding on each date, per scenario "
        "(Kaplan-Meier, shaded 95% confidence bands). Click a legend entry to hide or show a scenario.",
        survival_overlay_figure(data.survival, order, int(horizon) if horizon is not None else None),
        anchor="survival")]
    if not data.differences.empty:
        baselines = ", ".join(dict.fromkeys(str(b) for b in data.differences["baseline"]))
        sections.append(Section(
            "How much does each change matter?",
            f"Difference from the baseline ({baselines}) in the probability that the ceasefire holds, in percentage "
            "points, "
            "with 95% confidence intervals. Because every scenario uses the same random numbers, the paired "
            "interval (thick) is usually much narrower than independent runs would give (thin grey). An "
            "interval that does not cross zero is a clear difference.",
            differences_figure(data.differences, order), anchor="differences"))
    rows = summary_rows(order, data.summaries)
    if rows:
        sections.append(Section(
            "Headline numbers per scenario", "",
            html_fragment=table_html(rows, ("scenario", "P(holds to horizon), 95% CI", "median breakdown",
                                            "most common way it breaks")), anchor="table"))
    info = data.info
    provenance = {
        "scenario files": ", ".join(str(f) for f in info.get("scenario_files") or []),
        "replications per scenario": f"{info['replications']:,}" if isinstance(info.get("replications"), int) else None,
        "seed (shared)": info.get("seed"),
        "horizon": f"{horizon} days" if horizon else None,
        "versions": versions_text(info.get("versions")),
        "results directory": str(data.directory),
    }
    title = "Comparing: " + ", ".join(order) if len(order) <= 4 else f"Comparing {len(order)} scenarios"
    return Page(title=title, kind="compare", headline=headline(data, order), sections=sections,
                provenance={k: v for k, v in provenance.items() if v})
