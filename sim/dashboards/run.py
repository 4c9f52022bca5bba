"""The run dashboard: one scenario, many replications.

Every figure builder is a pure function of the tables of a run results directory
(``survival.csv``, ``daily.csv``, ``talks.csv``, ``trajectories.parquet``, ``timeline.json``,
``summary.json``), so tests can check that what is drawn equals what was written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .common import (
    ACCENT, PALETTE, chain_words, flatten, hex_rgba, label, need_columns, pct, read_csv,
    read_json, read_parquet, read_yaml, versions_text,
)
from .page import Page, Section, table_html

FAN_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
VIOLENCE_SERIES = (("attacks", "Attacks per day"), ("strikes", "Cross-border strikes per day"),
                   ("casualties", "Casualties per day"))
TALK_OUTCOMES = (("agreements", "agreement", "#009E73"), ("walkouts", "walk-out", "#E69F00"),
                 ("rejections", "no agreement", "#999999"))
TALK_EVENTS = (("collapses", "talks collapsed", "x", "#D55E00"), ("restarts", "talks restarted", "triangle-up",
                                                                     "#0072B2"),
               ("overrides", "delegation overruled by its capital", "diamond", "#CC79A7"))


@dataclass
class RunData:
    """The files of a run results directory, parsed.

    Attributes
    ----------
    directory : Path
    info : dict
        ``run.json``.
    summary : dict
        ``summary.json`` (see ``RunResult.summary``).
    survival : DataFrame
        ``survival.csv``: day, date, at_risk, breakdowns, p, ci_low, ci_high, share_* (one row per day 0..H).
    daily : DataFrame
        ``daily.csv``: day, date, holding, violated, broken, mean_<count>.
    talks : DataFrame
        ``talks.csv``: day, date, rounds and outcome counts summed over replications.
    trajectories : DataFrame or None
        ``trajectories.parquet``: daily series of the sampled replications.
    timeline : list of dict
        ``timeline.json``: events of replication 0.
    scenario : dict
        ``scenario.resolved.yaml``.
    """

    directory: Path
    info: dict[str, Any]
    summary: dict[str, Any]
    survival: pd.DataFrame
    daily: pd.DataFrame
    talks: pd.DataFrame
    trajectories: pd.DataFrame | None
    timeline: list[dict[str, Any]]
    scenario: dict[str, Any]


def load_run(directory: Path) -> RunData:
    """Read a run results directory.

    Raises
    ------
    DashboardError
        If a required file or column is missing.
    """
    directory = Path(directory)
    survival = read_csv(directory / "survival.csv")
    need_columns(survival, ["day", "date", "breakdowns", "p", "ci_low", "ci_high"], directory / "survival.csv")
    daily = read_csv(directory / "daily.csv")
    need_columns(daily, ["day", "date"], directory / "daily.csv")
    talks = read_csv(directory / "talks.csv", required=False)
    timeline_path = directory / "timeline.json"
    return RunData(
        directory=directory,
        info=read_json(directory / "run.json"),
        summary=read_json(directory / "summary.json"),
        survival=survival,
        daily=daily,
        talks=talks if talks is not None else pd.DataFrame(),
        trajectories=read_parquet(directory / "trajectories.parquet"),
        timeline=read_json(timeline_path) if timeline_path.exists() else [],
        scenario=read_yaml(directory / "scenario.resolved.yaml"),
    )


# ---------------------------------------------------------------------------- words


def headline(summary: dict[str, Any]) -> list[str]:
    """The opening sentences: scenario, P(hold) with CI, median time to breakdown, the commonest way it breaks.

    Parameters
    ----------
    summary : dict
        ``summary.json`` of a run.

    Returns
    -------
    list of str
        Plain-text sentences (escaped when rendered).
    """
    horizon = summary["horizon_days"]
    lo, hi = summary["p_hold_ci"]
    sentences = [
        f"{summary['replications']:,} simulated replications of this scenario over {horizon} days, "
        f"from {summary['start_date']} to {summary['horizon_date']}.",
        f"The ceasefire holds to the horizon ({summary['horizon_date']}) in {pct(summary['p_hold'])} of "
        f"replications (95% CI {pct(lo)} to {pct(hi)}).",
    ]
    q = summary.get("breakdown_day_quantiles", {})
    dates = summary.get("breakdown_date_quantiles", {})
    if q.get("q50") is not None:
        sentences.append(f"Median time to breakdown: {q['q50']} days (by {dates.get('q50')}, half of the "
                         f"ceasefires have broken down).")
    elif q.get("q10") is not None:
        sentences.append(f"Median time to breakdown: beyond the horizon (more than half hold for all {horizon} "
                         f"days); one in ten has broken down by day {q['q10']} ({dates.get('q10')}).")
    else:
        sentences.append(f"Median time to breakdown: beyond the horizon; fewer than one in ten breaks down "
                         f"within {horizon} days.")
    causes = summary.get("breakdown_causes") or {}
    if causes:
        chain, share = next(iter(causes.items()))
        sentences.append(f"Most common way it breaks: {chain_words(chain)} ({pct(share, 0)} of breakdowns).")
    else:
        sentences.append("No replication broke down.")
    return sentences


# ---------------------------------------------------------------------------- figures


def _dates_layout(fig: go.Figure, height: int, ytitle: str, yformat: str | None = None) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=60, r=20, t=50, b=40), hovermode="x unified",
                      legend=dict(orientation="h", y=-0.15))
    fig.update_yaxes(title_text=ytitle, tickformat=yformat)
    return fig


def survival_figure(survival: pd.DataFrame, horizon_days: int, report_days: list[int] | None = None) -> go.Figure:
    """Kaplan-Meier survival with its 95% band and the horizon marked.

    Parameters
    ----------
    survival : DataFrame
        ``survival.csv``: day, date, p, ci_low, ci_high.
    horizon_days : int
        Horizon [days]; a vertical line marks its date.
    report_days : list of int, optional
        Days to mark with their value (the run's ``--survival-days``).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: CI upper bound, CI lower bound (filled to the upper), the estimate, report-day markers.
    """
    x = survival["date"].astype(str).to_numpy()
    days = survival["day"].to_numpy()
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=survival["ci_high"].to_numpy(float), mode="lines", line=dict(width=0),
                             name="95% CI (upper)", showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=survival["ci_low"].to_numpy(float), mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor=hex_rgba(ACCENT, 0.2), name="95% CI", hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=x, y=survival["p"].to_numpy(float), mode="lines", line=dict(color=ACCENT, width=2.5, shape="hv"),
        name="P(still holding)", customdata=np.stack([days, survival["ci_low"], survival["ci_high"]], axis=1),
        hovertemplate="day %{customdata[0]}: %{y:.1%} (95% CI %{customdata[1]:.1%} to %{customdata[2]:.1%})"
                      "<extra></extra>"))
    marks = survival[survival["day"].isin(report_days or [])]
    if not marks.empty:
        fig.add_trace(go.Scatter(
            x=marks["date"].astype(str).to_numpy(), y=marks["p"].to_numpy(float), mode="markers+text",
            marker=dict(color=ACCENT, size=8), text=[pct(p, 0) for p in marks["p"]], textposition="top center",
            cliponaxis=False, name="reported days", hoverinfo="skip"))
    horizon_row = survival[survival["day"] == horizon_days]
    if not horizon_row.empty:
        hdate = str(horizon_row["date"].iloc[0])
        fig.add_shape(type="line", x0=hdate, x1=hdate, y0=0, y1=1, yref="paper", xref="x",
                      line=dict(color="#52606d", dash="dash"))
        fig.add_annotation(x=hdate, y=1, yref="paper", text=f"horizon, day {horizon_days}", showarrow=False,
                           xanchor="right", yanchor="bottom", font=dict(color="#52606d"))
    fig.update_yaxes(range=[0, 1.08])
    return _dates_layout(fig, 420, "P(ceasefire still holding)", ".0%")


STATUS_SERIES = (("share_holding", "holding", "#009E73"), ("share_violated", "violated, not yet broken", "#E69F00"),
                 ("share_broken", "broken down", "#D55E00"))


def status_figure(survival: pd.DataFrame) -> go.Figure:
    """Share of replications holding, violated but not broken, and broken down, day by day (stacked to 1).

    Returns
    -------
    plotly.graph_objects.Figure
        One stacked-area trace per ``share_*`` column of ``survival.csv`` present.
    """
    fig = go.Figure()
    x = survival["date"].astype(str).to_numpy()
    for col, name, color in STATUS_SERIES:
        if col in survival.columns:
            fig.add_trace(go.Scatter(x=x, y=survival[col].to_numpy(float), mode="lines", stackgroup="status",
                                     name=name, line=dict(width=0.5, color=color), fillcolor=hex_rgba(color, 0.6),
                                     hovertemplate=f"{name}: %{{y:.1%}}<extra></extra>"))
    fig.update_yaxes(range=[0, 1])
    return _dates_layout(fig, 320, "share of replications", ".0%")


def breakdown_days_figure(survival: pd.DataFrame) -> go.Figure:
    """How many replications broke down on each day (exact, from ``survival.csv``'s breakdowns column).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace: x = date, y = breakdowns that day; customdata = day.
    """
    rows = survival[survival["day"] > 0]
    fig = go.Figure(go.Bar(
        x=rows["date"].astype(str).to_numpy(), y=rows["breakdowns"].to_numpy(int), customdata=rows["day"].to_numpy(),
        marker_color="#D55E00", name="breakdowns",
        hovertemplate="day %{customdata} (%{x}): %{y:,} breakdowns<extra></extra>"))
    fig.update_layout(bargap=0)
    return _dates_layout(fig, 320, "replications breaking down that day")


def cause_tree(cause_shares: dict[str, float], n_breakdowns: int) -> pd.DataFrame:
    """Cause chains as a tree for a sunburst.

    Parameters
    ----------
    cause_shares : dict
        Chain ``"a > b > c"`` -> share of breakdowns (shares sum to 1).
    n_breakdowns : int
        Number of replications that broke down, to turn shares into counts.

    Returns
    -------
    DataFrame
        id (the chain prefix), parent (its own prefix, "" at the root), label (the last step), value
        (replications whose chain starts with this prefix, rounded to whole replications per chain; a
        node's value minus its children's is the number whose chain ends there).
    """
    # Whole counts, so that a parent's value is exactly the sum over its chains: Plotly drops a
    # "total" branch whose children add up to more than it by a rounding error.
    totals: dict[str, int] = {}
    for chain, share in cause_shares.items():
        steps = [s.strip() for s in chain.split(">") if s.strip()] or ["unrecorded"]
        count = int(round(share * n_breakdowns))
        for k in range(1, len(steps) + 1):
            key = " > ".join(steps[:k])
            totals[key] = totals.get(key, 0) + count
    rows = []
    for key, value in totals.items():
        steps = key.split(" > ")
        rows.append({"id": key, "parent": " > ".join(steps[:-1]), "label": steps[-1], "value": value})
    return pd.DataFrame(rows, columns=["id", "parent", "label", "value"])


def causes_figure(cause_shares: dict[str, float], n_breakdowns: int) -> go.Figure:
    """Sunburst of breakdown cause chains: the centre ring is the first step, outer rings what followed.

    Returns
    -------
    plotly.graph_objects.Figure
        One sunburst trace built from :func:`cause_tree` (ids, parents, values; branchvalues "total").
    """
    tree = cause_tree(cause_shares, n_breakdowns)
    words = [chain_words(i) for i in tree["id"]]
    fig = go.Figure(go.Sunburst(
        ids=[label(i) for i in tree["id"]], parents=[label(p) for p in tree["parent"]],
        labels=[label(chain_words(x)) for x in tree["label"]], values=tree["value"].to_numpy(float),
        branchvalues="total", customdata=[label(w) for w in words],
        hovertemplate="%{customdata}<br>%{value:,.0f} breakdowns (%{percentRoot:.1%} of all)<extra></extra>",
        insidetextorientation="radial"))
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def series_quantiles(trajectories: pd.DataFrame, column: str,
                     quantiles: tuple[float, ...] = FAN_QUANTILES) -> pd.DataFrame:
    """Quantiles across the sampled replications of one daily series.

    Parameters
    ----------
    trajectories : DataFrame
        Long table: replication, day, one column per series.
    column : str
        The series.
    quantiles : tuple of float
        Probabilities in [0, 1].

    Returns
    -------
    DataFrame
        Indexed by day; one column per quantile named ``q10``, ``q50``, ...
    """
    grouped = trajectories.groupby("day", sort=True)[column].quantile(list(quantiles)).unstack()
    grouped.columns = [f"q{round(100 * q)}" for q in quantiles]
    return grouped


def trust_pairs(trajectories: pd.DataFrame) -> list[tuple[str, str, str]]:
    """[(column, truster, trusted)] for every ``trust.<a>.<b>`` series, parties' mutual trust first."""
    pairs = []
    for col in trajectories.columns:
        if col.startswith("trust."):
            parts = col.split(".")
            if len(parts) == 3:
                pairs.append((col, parts[1], parts[2]))
    truster_order = {a: i for i, a in enumerate(dict.fromkeys(a for _, a, _ in pairs))}
    return sorted(pairs, key=lambda p: (p[2] not in truster_order, truster_order.get(p[1], 0)))


def actor_names(scenario: dict[str, Any]) -> dict[str, str]:
    """Actor id -> display name from the resolved scenario."""
    actors = scenario.get("actors") or {}
    return {k: str(v.get("name", k)) if isinstance(v, dict) else k for k, v in actors.items()}


def trust_figure(trajectories: pd.DataFrame, dates: pd.Series, names: dict[str, str]) -> go.Figure:
    """Trust of each actor in each other actor over time: median and 10-90% band across sampled replications.

    Parameters
    ----------
    trajectories : DataFrame
        ``trajectories.parquet``.
    dates : Series
        ISO date of each day, indexed by day.
    names : dict
        Actor id -> display name (user text; escaped here).

    Returns
    -------
    plotly.graph_objects.Figure
        Small multiples, one panel per directed pair, pairs whose trust moves most first; per panel three
        traces (``meta`` = the trajectory column): q90, q10 (filled), q50.
    """
    bands = {col: series_quantiles(trajectories, col, (0.1, 0.5, 0.9)) for col, _, _ in trust_pairs(trajectories)}

    def movement(col: str) -> float:
        q = bands[col]
        return float((q["q90"] - q["q10"]).max() + q["q50"].max() - q["q50"].min())

    # Pairs whose trust moves come first; a stable sort keeps the parties' mutual trust ahead of ties.
    pairs = sorted(trust_pairs(trajectories), key=lambda p: -round(movement(p[0]), 6))
    cols = 2
    rows = max(1, math.ceil(len(pairs) / cols))
    titles = [label(f"{names.get(a, a)} → {names.get(b, b)}") for _, a, b in pairs]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, shared_xaxes=True,
                        vertical_spacing=min(0.08, 0.5 / rows), horizontal_spacing=0.08)
    for k, (col, a, b) in enumerate(pairs):
        q = bands[col]
        x = dates.reindex(q.index).astype(str).to_numpy()
        r, c = divmod(k, cols)
        pair = label(f"{names.get(a, a)} → {names.get(b, b)}")
        first = k == 0
        fig.add_trace(go.Scatter(x=x, y=q["q90"].to_numpy(float), mode="lines", line=dict(width=0), meta=col,
                                 legendgroup="band", showlegend=False, hoverinfo="skip", name="90th percentile"),
                      row=r + 1, col=c + 1)
        fig.add_trace(go.Scatter(x=x, y=q["q10"].to_numpy(float), mode="lines", line=dict(width=0), fill="tonexty",
                                 fillcolor=hex_rgba(PALETTE[0], 0.2), legendgroup="band", showlegend=first, meta=col,
                                 name="10-90% of replications", hoverinfo="skip"), row=r + 1, col=c + 1)
        fig.add_trace(go.Scatter(x=x, y=q["q50"].to_numpy(float), mode="lines", line=dict(color=PALETTE[0]),
                                 legendgroup="median", showlegend=first, name="median", meta=col,
                                 hovertemplate=f"{pair}<br>%{{x}}: median %{{y:.2f}}<extra></extra>"),
                      row=r + 1, col=c + 1)
    fig.update_yaxes(range=[0, 1])
    fig.update_layout(height=140 + 190 * rows, margin=dict(l=50, r=20, t=90, b=40),
                      legend=dict(orientation="h", y=1.0, yanchor="top", x=0, yref="container"))
    fig.update_annotations(font_size=12)
    return fig


def violence_figure(trajectories: pd.DataFrame, daily: pd.DataFrame) -> go.Figure:
    """Fan charts of daily attacks, strikes and casualties per replication.

    Bands are the 10-90% and 25-75% ranges and the median across the sampled replications; the
    dashed line is the mean over all replications (``daily.csv``). A replication counts 0 after it
    has broken down.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per series; per panel: q90, q10 (filled), q75, q25 (filled), q50, mean.
    """
    series = [(c, t) for c, t in VIOLENCE_SERIES if c in trajectories.columns]
    fig = make_subplots(rows=len(series), cols=1, shared_xaxes=True, subplot_titles=[t for _, t in series],
                        vertical_spacing=0.07)
    dates = daily.set_index("day")["date"].astype(str)
    for k, (col, title) in enumerate(series):
        q = series_quantiles(trajectories, col)
        x = dates.reindex(q.index).to_numpy()
        first = k == 0
        row = k + 1
        for lo, hi, alpha, name in (("q10", "q90", 0.15, "10-90% of replications"),
                                    ("q25", "q75", 0.3, "25-75% of replications")):
            fig.add_trace(go.Scatter(x=x, y=q[hi].to_numpy(float), mode="lines", line=dict(width=0),
                                     showlegend=False, hoverinfo="skip", legendgroup=name, name=hi), row=row, col=1)
            fig.add_trace(go.Scatter(x=x, y=q[lo].to_numpy(float), mode="lines", line=dict(width=0), fill="tonexty",
                                     fillcolor=hex_rgba("#D55E00", alpha), showlegend=first, legendgroup=name,
                                     name=name, hoverinfo="skip"), row=row, col=1)
        fig.add_trace(go.Scatter(x=x, y=q["q50"].to_numpy(float), mode="lines", line=dict(color="#D55E00"),
                                 name="median", legendgroup="median", showlegend=first,
                                 hovertemplate=f"{title}: median %{{y:.0f}}<extra></extra>"), row=row, col=1)
        mean_col = f"mean_{col}"
        if mean_col in daily.columns:
            fig.add_trace(go.Scatter(x=daily["date"].astype(str).to_numpy(), y=daily[mean_col].to_numpy(float),
                                     mode="lines", line=dict(color="#1f2933", dash="dash", width=1.5),
                                     name="mean (all replications)", legendgroup="mean", showlegend=first,
                                     hovertemplate=f"{title}: mean %{{y:.2f}}<extra></extra>"), row=row, col=1)
    fig.update_layout(height=180 + 220 * len(series), margin=dict(l=50, r=20, t=90, b=40), hovermode="x unified",
                      legend=dict(orientation="h", y=1.0, yanchor="top", x=0, yref="container"))
    return fig


def talks_figure(talks: pd.DataFrame) -> go.Figure:
    """Talk rounds on the calendar: outcomes stacked per talk day, with collapses, restarts and overrides marked.

    Parameters
    ----------
    talks : DataFrame
        ``talks.csv``: day, date, rounds, agreements, walkouts, rejections, collapses, restarts, overrides
        (each a count of replications).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per outcome (y = that column), one marker trace per event column with any non-zero count.
    """
    fig = go.Figure()
    x = talks["date"].astype(str).to_numpy()
    for col, name, color in TALK_OUTCOMES:
        if col in talks.columns:
            fig.add_trace(go.Bar(x=x, y=talks[col].to_numpy(int), name=name, marker_color=color,
                                 customdata=talks["day"].to_numpy(),
                                 hovertemplate=f"day %{{customdata}}: %{{y:,}} rounds ended in {name}<extra></extra>"))
    for col, name, symbol, color in TALK_EVENTS:
        if col in talks.columns and talks[col].sum() > 0:
            fig.add_trace(go.Scatter(x=x, y=talks[col].to_numpy(int), mode="markers", name=name,
                                     marker=dict(symbol=symbol, size=11, color=color, line=dict(width=1, color="#fff")),
                                     hovertemplate=f"%{{y:,}} replications: {name}<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_xaxes(type="date")
    return _dates_layout(fig, 380, "replications")


_EVENT_COLORS = {"spoiler_attack": "#E69F00", "talk_round": "#0072B2", "cross_border_strike": "#D55E00",
                 "retaliation": "#CC79A7", "breakdown": "#000000", "agreement": "#009E73"}


def timeline_figure(timeline: list[dict[str, Any]], names: dict[str, str]) -> go.Figure:
    """Events of one sampled replication (replication 0) along the calendar.

    Marker area grows with casualties; hovering shows every recorded field of the event.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker trace per event type, in order of first appearance; x = date, y = event type.
    """
    fig = go.Figure()
    kinds = list(dict.fromkeys(str(e.get("event")) for e in timeline))
    for k, kind in enumerate(kinds):
        events = [e for e in timeline if str(e.get("event")) == kind]
        sizes = [8 + 2.5 * math.sqrt(float(e.get("casualties") or 0)) for e in events]
        texts = []
        for e in events:
            lines = [f"<b>{label(chain_words(kind))}</b>, day {label(e.get('day'))} ({label(e.get('date'))})"]
            for key, value in e.items():
                if key in ("event", "day", "date") or value is None:
                    continue
                shown = names.get(value, value) if key in ("actor", "target", "walked_out") else value
                if key == "cause":
                    shown = chain_words(str(value))
                lines.append(f"{label(key.replace('_', ' '))}: {label(shown)}")
            texts.append("<br>".join(lines))
        fig.add_trace(go.Scatter(
            x=[str(e.get("date")) for e in events], y=[label(chain_words(kind))] * len(events), mode="markers",
            marker=dict(size=sizes, color=_EVENT_COLORS.get(kind, PALETTE[k % len(PALETTE)]), opacity=0.8,
                        line=dict(width=0.5, color="#fff")),
            name=label(chain_words(kind)), text=texts, hovertemplate="%{text}<extra></extra>"))
    fig.update_xaxes(type="date")
    fig.update_layout(height=140 + 45 * max(len(kinds), 1), margin=dict(l=140, r=20, t=20, b=40), showlegend=False)
    return fig


def parameter_rows(scenario: dict[str, Any]) -> list[tuple[str, str]]:
    """The resolved scenario as (dotted path, value) rows, without its name and description."""
    rest = {k: v for k, v in scenario.items() if k not in ("name", "description")}
    return flatten(rest)


# ---------------------------------------------------------------------------- page


def build_page(data: RunData) -> Page:
    """Assemble the run dashboard from a loaded results directory."""
    summary = data.summary
    names = actor_names(data.scenario)
    horizon = int(summary["horizon_days"])
    report_days = [int(r["day"]) for r in summary.get("survival", [])]
    n_breakdowns = int(data.survival["breakdowns"].sum())
    sections = [
        Section("Will it hold? Survival over time",
                "Share of replications in which the ceasefire is still holding on each date (Kaplan-Meier), "
                "with its 95% confidence band. The dashed line marks the horizon.",
                survival_figure(data.survival, horizon, report_days), anchor="survival"),
        Section("Holding, violated, broken",
                "On each date, the share of replications in which the ceasefire holds cleanly, has been violated "
                "but still stands, or has broken down.",
                status_figure(data.survival), anchor="status"),
        Section("When does it break?",
                f"Number of replications (out of {summary['replications']:,}) that broke down on each day; "
                f"{summary['replications'] - n_breakdowns:,} held to the horizon and are not shown.",
                breakdown_days_figure(data.survival), anchor="breakdown-days"),
    ]
    causes = summary.get("breakdown_causes") or {}
    if causes and n_breakdowns:
        sections.append(Section(
            "How does it break?",
            "Chains of events that ended the ceasefire. The centre ring is the first step, each outer ring what "
            "followed; the size of a slice is its share of all breakdowns. Click a slice to zoom in.",
            causes_figure(causes, n_breakdowns), anchor="causes"))
    dates = data.survival.set_index("day")["date"].astype(str)
    traj = data.trajectories
    if traj is not None and not traj.empty:
        n_sampled = traj["replication"].nunique()
        if trust_pairs(traj):
            sections.append(Section(
                "Trust between the actors",
                f"How much each actor trusts each other actor (0 none, 1 full), day by day: median and the range "
                f"covering 80% of {n_sampled:,} sampled replications. Pairs whose trust changes most come first.",
                trust_figure(traj, dates, names), anchor="trust"))
        if any(c in traj.columns for c, _ in VIOLENCE_SERIES):
            sections.append(Section(
                "Daily violence",
                f"Attacks, cross-border strikes and casualties per replication per day: shaded bands cover 50% "
                f"and 80% of {n_sampled:,} sampled replications, the solid line is their median and the dashed line "
                f"the mean over all replications. A replication counts zero once its ceasefire has broken down.",
                violence_figure(traj, data.daily), anchor="violence"))
    if not data.talks.empty:
        sections.append(Section(
            "Talks along the calendar",
            "On each scheduled talk day, how many replications held a round and how it ended (stacked bars), "
            "and how many saw the talks collapse, restart, or a delegation overruled by its capital (markers).",
            talks_figure(data.talks), anchor="talks"))
    if data.timeline:
        sections.append(Section(
            "One possible future, event by event",
            "Every event in one sampled replication (replication 0), on the calendar. Larger markers mean more "
            "casualties; hover for details.",
            timeline_figure(data.timeline, names), anchor="timeline"))
    if data.scenario:
        fragment = '<div class="scroll">' + table_html(parameter_rows(data.scenario), ("parameter", "value")) + \
            "</div>"
        sections.append(Section("The scenario's parameters",
                                "Every value the simulation used, after defaults and inheritance were applied.",
                                html_fragment=fragment, anchor="parameters"))
    info = data.info
    provenance = {
        "scenario file": summary.get("scenario_file") or info.get("scenario_file"),
        "replications": f"{summary['replications']:,}",
        "seed": summary.get("seed"),
        "horizon": f"{horizon} days",
        "reproduce": info.get("reproduce"),
        "versions": versions_text(info.get("versions")),
        "results written": info.get("written"),
        "results directory": str(data.directory),
    }
    return Page(title=str(summary.get("scenario") or info.get("scenario") or "Ceasefire run"), kind="run",
                headline=headline(summary), sections=sections, subtitle=str(data.scenario.get("description") or ""),
                provenance={k: v for k, v in provenance.items() if v is not None})
