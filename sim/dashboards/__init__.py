"""Self-contained, offline HTML dashboards for run, compare and sweep results directories.

Dashboards read results and never run the model. One call::

    from sim.dashboards import write_dashboard
    write_dashboard("results/baseline")          # -> results/baseline/dashboard.html

detects the kind of directory from ``run.json`` (``"kind": "run"`` or ``"compare"``) or
``manifest.json`` (``"kind": "sweep"``).
"""

from __future__ import annotations

import os
from pathlib import Path

from .common import DashboardError, read_json
from .page import Page, render

__all__ = ["DashboardError", "build_page", "detect_kind", "write_dashboard"]

KINDS = ("run", "compare", "sweep")


def detect_kind(results_dir: str | os.PathLike[str]) -> str:
    """The kind of a results directory: "run", "compare" or "sweep".

    Raises
    ------
    DashboardError
        If the directory has neither ``run.json`` nor ``manifest.json`` with a known "kind".
    """
    directory = Path(results_dir)
    if not directory.is_dir():
        raise DashboardError(f"{directory}: not a directory")
    for name in ("run.json", "manifest.json"):
        path = directory / name
        if path.exists():
            info = read_json(path)
            kind = info.get("kind") if isinstance(info, dict) else None
            if kind in KINDS:
                return str(kind)
            raise DashboardError(f"{path}: kind: {kind!r}: expected one of {', '.join(KINDS)}")
    raise DashboardError(f"{directory}: no run.json or manifest.json; not a ceasefire results directory")


def build_page(results_dir: str | os.PathLike[str], *, heatmap_x: str | None = None,
               heatmap_y: str | None = None) -> Page:
    """The dashboard of a results directory, before rendering.

    Parameters
    ----------
    results_dir : path
        A run, compare or sweep results directory.
    heatmap_x, heatmap_y : str, optional
        Sweep only: the two parameters (dotted paths, with or without the ``param.`` prefix) of the
        heatmap; default the first two swept parameters.
    """
    directory = Path(results_dir)
    kind = detect_kind(directory)
    if kind == "run":
        from . import run

        return run.build_page(run.load_run(directory))
    if kind == "compare":
        from . import compare

        return compare.build_page(compare.load_compare(directory))
    from . import sweep

    return sweep.build_page(sweep.load_sweep(directory), heatmap_x=heatmap_x, heatmap_y=heatmap_y)


def write_dashboard(results_dir: str | os.PathLike[str], output: str | os.PathLike[str] | None = None, *,
                    heatmap_x: str | None = None, heatmap_y: str | None = None) -> Path:
    """Write the dashboard of a results directory as one self-contained HTML file.

    Parameters
    ----------
    results_dir : path
        A run, compare or sweep results directory.
    output : path, optional
        The HTML file to write; default ``<results_dir>/dashboard.html``.
    heatmap_x, heatmap_y : str, optional
        Sweep only; see :func:`build_page`.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DashboardError
        If the directory is not a readable results directory, or a heatmap parameter is not swept.
    """
    directory = Path(results_dir)
    page = build_page(directory, heatmap_x=heatmap_x, heatmap_y=heatmap_y)
    target = Path(output) if output is not None else directory / "dashboard.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # the pid keeps two writers apart
    try:
        tmp.write_text(render(page), encoding="utf-8")
        os.replace(tmp, target)  # a reader never sees half a page
    finally:
        tmp.unlink(missing_ok=True)
    return target
