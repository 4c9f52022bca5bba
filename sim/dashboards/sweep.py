"""The sweep dashboard: how the odds move across a design of parameter values.

Reads a sweep results directory: ``manifest.json`` (``"kind": "sweep"``, the swept ``parameters``
and the design), ``results.parquet`` (one row per design point; ``param.<path>`` columns, ``p_hold``
and its CI, survival and breakdown-day columns) and, if the analysis has been run,
``analysis/sobol.csv``, ``analysis/morris.csv``, ``analysis/prim_boxes.json`` and
``analysis/prim_trajectory.csv``.
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
    PALETTE, DashboardError, label, need_columns, pct, read_csv, read_json, versions_text,
)
from .page import Page, Section, table_html

HEATMAP_BINS = 10
"""Bins per axis when a heatmap parameter takes more distinct values than this (LHS, Sobol designs)."""

PREFERRED_OUTCOME = "p_hold"


@dataclass
class SweepData:
    """The files of a sweep results directory, parsed.

    Attributes
    ----------
    directory : Path
    manifest : dict
        ``manifest.json``.
    results : DataFrame
        ``results.parquet`` (or ``results.csv``), one row per design point.
    parameters : list of dict
        The swept parameters: name, path, low, high, values.
    sobol, morris : DataFrame or None
        Sensitivity indices, if the analysis wrote them.
    prim_boxes : list of dict
        PRIM boxes (empty if none).
    prim_trajectory : DataFrame or None
        The peeling trajectory.
    importance : DataFrame or None
        Feature importance per outcome and parameter (``importance.csv``), if written.
    """

    directory: Path
    manifest: dict[str, Any]
    results: pd.DataFrame
    parameters: list[dict[str, Any]]
    sobol: pd.DataFrame | None
    morris: pd.DataFrame | None
    prim_boxes: list[dict[str, Any]]
    prim_trajectory: pd.DataFrame | None
    importance: pd.DataFrame | None = None


def param_column(path: str) -> str:
    """'actors.us.leverage' or 'param.actors.us.leverage' -> 'param.actors.us.leverage'."""
    return path if path.startswith("param.") else f"param.{path}"


def load_sweep(directory: Path) -> SweepData:
    """Read a sweep results directory.

    Raises
    ------
    DashboardError
        If the manifest or results table is missing, or lacks required columns.
    """
    # The analysis package owns the reading and checking of sweep directories; reuse it.
    from ..analysis.errors import AnalysisError
    from ..analysis.sweep import read_sweep

    directory = Path(directory)
    try:
        checked = read_sweep(directory)
    except AnalysisError as exc:
        raise DashboardError(str(exc)) from None
    manifest, results = checked.manifest, checked.table
    need_columns(results, ["point", "p_hold", "p_hold_ci_low", "p_hold_ci_high"], directory / "results.parquet")
    parameters = [p for p in manifest["parameters"] if isinstance(p, dict) and p.get("path")]
    analysis = directory / "analysis"
    boxes_path = analysis / "prim_boxes.json"
    boxes = read_json(boxes_path) if boxes_path.exists() else []
    return SweepData(
        directory=directory, manifest=manifest, results=results,
        parameters=parameters,
        sobol=read_csv(analysis / "sobol.csv", required=False),
        morris=read_csv(analysis / "morris.csv", required=False),
        prim_boxes=boxes if isinstance(boxes, list) else [],
        prim_trajectory=read_csv(analysis / "prim_trajectory.csv", required=False),
        importance=read_csv(analysis / "importance.csv", required=False),
    )


def _name(p: dict[str, Any]) -> str:
    return str(p.get("name") or p["path"])


def p_hold_by_parameter_figure(results: pd.DataFrame, parameters: list[dict[str, Any]]) -> go.Figure:
    """P(hold) at each design point against each swept parameter, with 95% CIs.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per parameter; one marker trace each: x = the parameter column, y = p_hold, error bars
        to p_hold_ci_low/high, customdata = point.
    """
    cols = min(3, max(1, len(parameters)))
    rows = max(1, math.ceil(len(parameters) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[label(_name(p)) for p in parameters],
                        shared_yaxes=True, horizontal_spacing=0.06, vertical_spacing=0.5 / rows if rows > 1 else 0.1)
    p = results["p_hold"].to_numpy(float)
    lo = results["p_hold_ci_low"].to_numpy(float)
    hi = results["p_hold_ci_high"].to_numpy(float)
    for k, param in enumerate(parameters):
        x = results[param_column(param["path"])].to_numpy(float)
        fig.add_trace(go.Scatter(
            x=x, y=p, mode="markers", marker=dict(color=PALETTE[0], size=7, opacity=0.75),
            error_y=dict(type="data", symmetric=False, array=hi - p, arrayminus=p - lo, color=PALETTE[0],
                         thickness=1, width=0),
            customdata=results["point"].to_numpy(), name=label(_name(param)), showlegend=False,
            hovertemplate="point %{customdata}: " + label(_name(param)) + " = %{x:.4g}, P(hold) = %{y:.1%}"
                          "<extra></extra>"), row=k // cols + 1, col=k % cols + 1)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_yaxes(title_text="P(holds to horizon)", col=1)
    fig.update_layout(height=80 + 300 * rows, margin=dict(l=60, r=20, t=50, b=40))
    return fig


def heatmap_table(results: pd.DataFrame, x_param: dict[str, Any], y_param: dict[str, Any],
                  bins: int = HEATMAP_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean P(hold) over a grid of two parameters.

    A parameter with at most ``bins`` distinct values (a grid design) keeps its values; otherwise it is
    cut into ``bins`` equal-width bins over its swept range and the cell shows the mean over the points
    that fall in it.

    Returns
    -------
    x, y : ndarray
        Cell centres, shapes (nx,) and (ny,).
    z : ndarray, shape (ny, nx)
        Mean p_hold per cell (NaN where no point falls).
    counts : ndarray of int, shape (ny, nx)
        Design points per cell.
    """
    def axis(param: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        values = results[param_column(param["path"])].to_numpy(float)
        distinct = np.unique(values[np.isfinite(values)])
        if distinct.size <= bins:
            return distinct, np.searchsorted(distinct, values)
        low = float(param["low"]) if param.get("low") is not None else float(distinct[0])
        high = float(param["high"]) if param.get("high") is not None else float(distinct[-1])
        if not high > low:
            low, high = float(distinct[0]), float(distinct[-1])
        edges = np.linspace(low, high, bins + 1)
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
        return (edges[:-1] + edges[1:]) / 2, index

    xs, xi = axis(x_param)
    ys, yi = axis(y_param)
    sums = np.zeros((ys.size, xs.size))
    counts = np.zeros((ys.size, xs.size), dtype=int)
    np.add.at(sums, (yi, xi), results["p_hold"].to_numpy(float))
    np.add.at(counts, (yi, xi), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return xs, ys, z, counts


def heatmap_figure(results: pd.DataFrame, x_param: dict[str, Any], y_param: dict[str, Any]) -> go.Figure:
    """Heatmap of mean P(hold) over two swept parameters (see :func:`heatmap_table`).

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace: x, y cell centres, z mean p_hold, customdata design points per cell.
    """
    xs, ys, z, counts = heatmap_table(results, x_param, y_param)
    fig = go.Figure(go.Heatmap(
        x=xs, y=ys, z=z, customdata=counts, colorscale="RdYlGn", zmin=0, zmax=1,
        colorbar=dict(title=dict(text="P(hold)"), tickformat=".0%"),
        hovertemplate=label(_name(x_param)) + " %{x:.4g}, " + label(_name(y_param)) +
        " %{y:.4g}: P(hold) %{z:.1%} (%{customdata} points)<extra></extra>"))
    fig.update_xaxes(title_text=label(_name(x_param)))
    fig.update_yaxes(title_text=label(_name(y_param)))
    fig.update_layout(height=480, margin=dict(l=80, r=20, t=30, b=60))
    return fig


def parallel_figure(results: pd.DataFrame, parameters: list[dict[str, Any]]) -> go.Figure:
    """Parallel coordinates: one line per design point through every parameter and P(hold), coloured by P(hold).

    Returns
    -------
    plotly.graph_objects.Figure
        One parcoords trace; dimensions = the parameters then p_hold (and the restricted mean survival
        time, if present), values straight from the results table.
    """
    dims = [dict(label=label(_name(p)), values=results[param_column(p["path"])].to_numpy(float))
            for p in parameters]
    if "restricted_mean_survival_days" in results.columns:
        dims.append(dict(label="mean days holding", values=results["restricted_mean_survival_days"].to_numpy(float)))
    dims.append(dict(label="P(hold)", values=results["p_hold"].to_numpy(float), range=[0, 1], tickformat=".0%"))
    fig = go.Figure(go.Parcoords(
        line=dict(color=results["p_hold"].to_numpy(float), colorscale="RdYlGn", cmin=0, cmax=1, showscale=True,
                  colorbar=dict(title=dict(text="P(hold)"), tickformat=".0%")),
        dimensions=dims, labelangle=0 if len(dims) <= 5 else -25, labelside="top"))
    fig.update_layout(height=460 if len(dims) <= 5 else 520, margin=dict(l=80, r=80, t=80 if len(dims) <= 5 else 140,
                                                                           b=30))
    return fig


def _outcome_rows(table: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    outcomes = list(dict.fromkeys(table["outcome"].astype(str))) if "outcome" in table.columns else []
    outcome = PREFERRED_OUTCOME if PREFERRED_OUTCOME in outcomes else (outcomes[0] if outcomes else "")
    rows = table[table["outcome"].astype(str) == outcome] if outcome else table
    return outcome, rows


def sobol_figure(sobol: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """First-order (S1) and total (ST) Sobol indices for P(hold), with their 95% confidence half-widths.

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar traces (S1, ST); x = escaped parameter names sorted by ST, y = the indices, error bars =
        S1_conf / ST_conf.

    References
    ----------
    .. [1] Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
       Computer Physics Communications 145, 280-297.
    """
    _, rows = _outcome_rows(sobol)
    rows = rows.sort_values("ST", ascending=False)
    x = [label((names or {}).get(str(p), p)) for p in rows["parameter"]]
    fig = go.Figure()
    for col, name, color in (("S1", "first order (S1): effect alone", PALETTE[0]),
                             ("ST", "total (ST): with interactions", PALETTE[1])):
        fig.add_trace(go.Bar(x=x, y=rows[col].to_numpy(float), name=name, marker_color=color,
                             error_y=dict(type="data", array=rows[f"{col}_conf"].to_numpy(float), color="#333"),
                             hovertemplate="%{x}: %{y:.3f}<extra>" + col + "</extra>"))
    fig.update_layout(barmode="group", height=420, margin=dict(l=60, r=20, t=50, b=80),
                      legend=dict(orientation="h", y=1.0, yanchor="top", x=0, yref="container"))
    fig.update_yaxes(title_text="share of variance")
    return fig


def morris_figure(morris: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Morris elementary effects for P(hold): mu* with its 95% confidence half-width, and sigma.

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar traces (mu_star with error bars mu_star_conf, sigma); x = escaped parameter names sorted by mu_star.

    References
    ----------
    .. [1] Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for sensitivity
       analysis of large models. Environmental Modelling & Software 22, 1509-1518.
    """
    _, rows = _outcome_rows(morris)
    rows = rows.sort_values("mu_star", ascending=False)
    x = [label((names or {}).get(str(p), p)) for p in rows["parameter"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=rows["mu_star"].to_numpy(float), name="mu*: mean absolute effect",
                         marker_color=PALETTE[0],
                         error_y=dict(type="data", array=rows["mu_star_conf"].to_numpy(float), color="#333"),
                         hovertemplate="%{x}: mu* %{y:.3g}<extra></extra>"))
    if "sigma" in rows.columns:
        fig.add_trace(go.Bar(x=x, y=rows["sigma"].to_numpy(float), name="sigma: interactions / non-linearity",
                             marker_color=PALETTE[4], hovertemplate="%{x}: sigma %{y:.3g}<extra></extra>"))
    fig.update_layout(barmode="group", height=420, margin=dict(l=60, r=20, t=50, b=80),
                      legend=dict(orientation="h", y=1.0, yanchor="top", x=0, yref="container"))
    fig.update_yaxes(title_text="effect on the outcome")
    return fig


def importance_figure(importance: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Feature importance of each parameter for P(hold), as the analysis ranked it.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per method (name = method): x = escaped parameter names, ranked by the first method;
        y = score.
    """
    _, rows = _outcome_rows(importance)
    methods = list(dict.fromkeys(rows["method"].astype(str))) if "method" in rows.columns else [""]
    first = rows[rows["method"].astype(str) == methods[0]] if "method" in rows.columns else rows
    order = list(first.sort_values("score", ascending=False)["parameter"].astype(str))
    order += [p for p in dict.fromkeys(rows["parameter"].astype(str)) if p not in order]
    fig = go.Figure()
    for k, method in enumerate(methods):
        part = rows[rows["method"].astype(str) == method] if "method" in rows.columns else rows
        score = dict(zip(part["parameter"].astype(str), part["score"].astype(float), strict=True))
        fig.add_trace(go.Bar(x=[label((names or {}).get(p, p)) for p in order],
                             y=np.array([score.get(p, np.nan) for p in order]), name=label(method or "score"),
                             marker_color=PALETTE[(k + 2) % len(PALETTE)],
                             hovertemplate="%{x}: %{y:.3g}<extra>" + label(method) + "</extra>"))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.0, yanchor="top", x=0, yref="container"))
    fig.update_layout(height=400, margin=dict(l=60, r=20, t=50, b=80))
    fig.update_yaxes(title_text="importance score")
    return fig


def prim_figure(boxes: list[dict[str, Any]], parameters: list[dict[str, Any]],
                results: pd.DataFrame, max_boxes: int = 3) -> go.Figure:
    """PRIM boxes as ranges over each parameter's swept interval (0 = low end, 1 = high end).

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar trace per box: y = parameter, base = (box low - swept low) / (swept high - swept low),
        x = normalised width; customdata = the box limits in the parameter's own units.

    References
    ----------
    .. [1] Friedman, J. H., Fisher, N. I. (1999). Bump hunting in high-dimensional data. Statistics and
       Computing 9, 123-143.
    """
    by_path = {p["path"]: p for p in parameters}
    by_name = {_name(p): p for p in parameters}
    fig = go.Figure()
    for k, box in enumerate(boxes[:max_boxes]):
        names, base, width, lows, highs = [], [], [], [], []
        for key, (low, high) in (box.get("limits") or {}).items():
            key = key.removeprefix("param.")
            param = by_path.get(key) or by_name.get(key) or {"path": key, "name": key}
            column = param_column(param["path"])
            values = results[column].to_numpy(float) if column in results.columns else np.array([low, high])
            lo_p = float(param["low"]) if param.get("low") is not None else float(np.nanmin(values))
            hi_p = float(param["high"]) if param.get("high") is not None else float(np.nanmax(values))
            span = hi_p - lo_p if hi_p > lo_p else 1.0
            lo_b = lo_p if low is None else float(low)
            hi_b = hi_p if high is None else float(high)
            names.append(label(_name(param)))
            base.append((lo_b - lo_p) / span)
            width.append((hi_b - lo_b) / span)
            lows.append(lo_b)
            highs.append(hi_b)
        name = (f"box {k + 1}: density {pct(box.get('density'), 0)}, coverage {pct(box.get('coverage'), 0)}")
        fig.add_trace(go.Bar(
            y=names, x=width, base=base, orientation="h", name=name, marker_color=PALETTE[k % len(PALETTE)],
            opacity=0.75, showlegend=True, customdata=np.stack([lows, highs], axis=1) if names else None,
            hovertemplate="%{y}: %{customdata[0]:.4g} to %{customdata[1]:.4g}<extra>box " + str(k + 1) + "</extra>"))
    fig.update_xaxes(range=[-0.03, 1.03], tickvals=[0, 0.5, 1], ticktext=["low end", "middle", "high end"],
                     title_text="position within the swept range")
    fig.update_layout(barmode="group", height=160 + 60 * max(1, len(parameters)),
                      margin=dict(l=200, r=20, t=30, b=60), legend=dict(orientation="h", y=-0.25))
    return fig


def prim_trajectory_figure(trajectory: pd.DataFrame) -> go.Figure:
    """The PRIM peeling trajectory: coverage against density of each candidate box.

    Returns
    -------
    plotly.graph_objects.Figure
        One marker trace: x = coverage, y = density, colour = restricted dimensions.
    """
    color = trajectory["n_restricted_dimensions"] if "n_restricted_dimensions" in trajectory.columns else None
    fig = go.Figure(go.Scatter(
        x=trajectory["coverage"].to_numpy(float), y=trajectory["density"].to_numpy(float), mode="markers+lines",
        marker=dict(color=color.to_numpy(float) if color is not None else PALETTE[0], size=8, colorscale="Viridis",
                    showscale=color is not None, colorbar=dict(title=dict(text="restricted dims"))),
        line=dict(color="#ccc", width=1),
        hovertemplate="coverage %{x:.0%}, density %{y:.0%}<extra></extra>"))
    fig.update_xaxes(title_text="coverage (share of all cases of interest inside the box)", tickformat=".0%")
    fig.update_yaxes(title_text="density (share of the box that are cases of interest)", tickformat=".0%")
    fig.update_layout(height=380, margin=dict(l=70, r=20, t=20, b=60))
    return fig


def _find_param(parameters: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    key = wanted.removeprefix("param.")
    for p in parameters:
        if key in (p["path"], _name(p)):
            return p
    raise DashboardError(f"heatmap parameter: {wanted}: not swept; expected one of "
                         f"{', '.join(p['path'] for p in parameters)}")


def _limits_words(box: dict[str, Any], names: dict[str, str]) -> str:
    """The box's limits in words, only on the dimensions it restricts when the box says which."""
    limits = box.get("limits") or {}
    restricted = box.get("restricted")
    if isinstance(restricted, list):
        keep = {str(r).removeprefix("param.") for r in restricted}
        limits = {k: v for k, v in limits.items() if k.removeprefix("param.") in keep}
        if not limits:
            return "the whole design space"
    return "; ".join(f"{names.get(k.removeprefix('param.'), k.removeprefix('param.'))} from {v[0]:.4g} to {v[1]:.4g}"
                     for k, v in limits.items())


def _interest_words(box: dict[str, Any]) -> str:
    """'p_hold at least 0.5' from a PRIM box's outcome and threshold."""
    outcome = str(box.get("outcome") or PREFERRED_OUTCOME)
    return f"{outcome} at least {box.get('threshold')}"


def _point_words(row: pd.Series, parameters: list[dict[str, Any]]) -> str:
    """'point 3: a = 0.1, b = 2' for up to three parameters; just 'point 3' beyond (the table has the rest)."""
    words = f"point {int(row['point'])}"
    if len(parameters) <= 3:
        words += ": " + ", ".join(f"{_name(p)} = {row[param_column(p['path'])]:.4g}" for p in parameters)
    return words


def headline(data: SweepData) -> list[str]:
    """Opening sentences: the design, the range of P(hold), the most influential parameter, the PRIM box."""
    m = data.manifest
    results = data.results
    design = m.get("design") or {}
    method = str(design.get("method", "design")).replace("_", " ")
    n_rep = m.get("replications_per_point")
    horizon = m.get("horizon_days")
    names = {p["path"]: _name(p) for p in data.parameters}
    sentences = [f"{len(results):,} design points ({method})" +
                 (f", {n_rep:,} replications each" if isinstance(n_rep, int) else "") +
                 (f", horizon {horizon} days" if horizon else "") +
                 f", varying {len(names)} parameter{'s' if len(names) != 1 else ''}: {', '.join(names.values())}."]
    if len(results):
        lo_row = results.loc[results["p_hold"].idxmin()]
        hi_row = results.loc[results["p_hold"].idxmax()]
        sentences.append(
            f"P(ceasefire holds to the horizon) ranges from {pct(lo_row['p_hold'])} "
            f"({_point_words(lo_row, data.parameters)}) to {pct(hi_row['p_hold'])} "
            f"({_point_words(hi_row, data.parameters)}); median over points {pct(results['p_hold'].median())}.")
        if "breakdown_day_q50" in results.columns:
            q50 = pd.to_numeric(results["breakdown_day_q50"], errors="coerce")
            reached = q50.notna().sum()
            if reached:
                sentences.append(f"Median time to breakdown: within the horizon at {reached:,} of {len(results):,} "
                                 f"points (median over those, day {q50.median():.0f}); beyond it elsewhere.")
            else:
                sentences.append("Median time to breakdown: beyond the horizon at every point (more than half "
                                 "of the replications hold everywhere).")
    if data.sobol is not None and not data.sobol.empty:
        outcome, rows = _outcome_rows(data.sobol)
        top = rows.sort_values("ST", ascending=False).iloc[0]
        sentences.append(f"Most influential parameter for {outcome}: {names.get(top['parameter'], top['parameter'])} "
                         f"(total Sobol index "
                         f"{top['ST']:.2f} ± {top['ST_conf']:.2f}).")
    elif data.morris is not None and not data.morris.empty:
        outcome, rows = _outcome_rows(data.morris)
        top = rows.sort_values("mu_star", ascending=False).iloc[0]
        sentences.append(f"Most influential parameter for {outcome}: {names.get(top['parameter'], top['parameter'])} "
                         f"(Morris mu* "
                         f"{top['mu_star']:.3g} ± {top['mu_star_conf']:.2g}).")
    if data.prim_boxes:
        box = data.prim_boxes[0]
        limits = _limits_words(box, names)
        interest = _interest_words(box)
        sentences.append(f"Scenario discovery (PRIM; cases of interest: {interest}): the first box ({limits}) "
                         f"holds {pct(box.get('coverage'), 0)} of the cases of interest, and "
                         f"{pct(box.get('density'), 0)} of the points in it are such cases.")
    return sentences


def build_page(data: SweepData, heatmap_x: str | None = None, heatmap_y: str | None = None) -> Page:
    """Assemble the sweep dashboard.

    Raises
    ------
    DashboardError
        If a heatmap parameter is not swept.
    """
    params = data.parameters
    results = data.results
    names = {p["path"]: _name(p) for p in params}
    sections = [Section(
        "P(hold) against each parameter",
        "Each dot is one design point: the probability that the ceasefire holds to the horizon, with its 95% "
        "confidence interval, against the value of one swept parameter (the others vary too).",
        p_hold_by_parameter_figure(results, params), anchor="by-parameter")]
    if len(params) >= 2 or heatmap_x or heatmap_y:
        x_param = _find_param(params, heatmap_x) if heatmap_x else params[0]
        y_param = _find_param(params, heatmap_y) if heatmap_y else next(p for p in params if p is not x_param)
        sections.append(Section(
            f"P(hold) over {_name(x_param)} and {_name(y_param)}",
            "Mean probability that the ceasefire holds in each cell (green holds, red breaks); cells average "
            "over the other parameters. Choose the two axes with --heatmap-x and --heatmap-y.",
            heatmap_figure(results, x_param, y_param), anchor="heatmap"))
    sections.append(Section(
        "Every design point at once",
        "Each line is one design point, passing through its parameter values and its outcome, coloured by "
        "P(hold). Drag along an axis to select a range; the other lines fade.",
        parallel_figure(results, params), anchor="parallel"))
    if data.sobol is not None and not data.sobol.empty:
        sections.append(Section(
            "Which parameters matter? (Sobol)",
            "Share of the variation in the outcome due to each parameter alone (S1) and including its "
            f"interactions with others (ST), with 95% confidence intervals; outcome: {_outcome_rows(data.sobol)[0]}.",
            sobol_figure(data.sobol, names), anchor="sobol"))
    if data.morris is not None and not data.morris.empty:
        sections.append(Section(
            "Which parameters matter? (Morris screening)",
            "Mean absolute effect of changing each parameter (mu*, with 95% confidence interval) and its spread "
            f"(sigma: large means the effect depends on the other parameters); outcome: "
            f"{_outcome_rows(data.morris)[0]}.",
            morris_figure(data.morris, names), anchor="morris"))
    if data.importance is not None and not data.importance.empty and {"parameter", "score"} <= set(
            data.importance.columns):
        outcome = _outcome_rows(data.importance)[0]
        methods = ", ".join(dict.fromkeys(str(m) for m in data.importance.get("method", pd.Series(dtype=str))))
        sections.append(Section(
            "Which parameters matter? (importance ranking)",
            f"How strongly each parameter is associated with {outcome} across the design points"
            + (f" (method: {methods})" if methods else "") + "; larger means more important.",
            importance_figure(data.importance, names), anchor="importance"))
    if data.prim_boxes:
        rows = [(i + 1, _interest_words(box), pct(box.get("coverage")), pct(box.get("density")),
                 pct(box.get("mass")),
                 _limits_words(box, names))
                for i, box in enumerate(data.prim_boxes)]
        sections.append(Section(
            "Where are the outcomes of interest? (PRIM boxes)",
            "Ranges of the parameters that concentrate the cases of interest. Coverage: share of all such cases "
            "inside the box; density: share of the box's points that are such cases; mass: share of all points.",
            prim_figure(data.prim_boxes, params, results),
            html_fragment=table_html(rows, ("box", "cases of interest", "coverage", "density", "mass", "limits")),
            anchor="prim"))
    if data.prim_trajectory is not None and {"coverage", "density"} <= set(data.prim_trajectory.columns):
        sections.append(Section(
            "PRIM peeling trajectory",
            "Each point is a candidate box: peeling trades coverage for density.",
            prim_trajectory_figure(data.prim_trajectory), anchor="prim-trajectory"))
    table_cols = ["point", *[param_column(p["path"]) for p in params], "p_hold", "p_hold_ci_low", "p_hold_ci_high"]
    shown = results[[c for c in table_cols if c in results.columns]].sort_values("p_hold")
    rows = [[f"{v:.4g}" if isinstance(v, float) else v for v in r] for r in shown.itertuples(index=False)]
    sections.append(Section(
        "All design points", "Sorted from the lowest to the highest P(hold).",
        html_fragment='<div class="scroll">' + table_html(rows, [c.removeprefix("param.") for c in shown.columns]) +
        "</div>", anchor="points"))
    m = data.manifest
    provenance = {
        "sweep file": m.get("sweep_file"),
        "design": _one_line(m.get("design")),
        "seed": m.get("seed"),
        "replications per point": m.get("replications_per_point"),
        "horizon": f"{m['horizon_days']} days" if m.get("horizon_days") else None,
        "base scenario hash": m.get("base_scenario_hash"),
        "versions": versions_text(m.get("versions")),
        "results directory": str(data.directory),
    }
    sweep_name = (m.get("sweep") or {}).get("name") if isinstance(m.get("sweep"), dict) else None
    title = str(sweep_name or f"Sweep: {Path(str(m.get('sweep_file') or data.directory)).name}")
    sweep_spec = m.get("sweep") if isinstance(m.get("sweep"), dict) else {}
    return Page(title=title, kind="sweep", headline=headline(data), sections=sections,
                subtitle=str(sweep_spec.get("description") or ""),
                provenance={k: v for k, v in provenance.items() if v is not None})


def _one_line(value: Any) -> str | None:
    """A compact one-line text of a small mapping (escaped later, when rendered)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
