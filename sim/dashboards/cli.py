"""``ceasefire dashboard RESULTS_DIR [-o FILE.html] [--png DIR] [--heatmap-x PATH --heatmap-y PATH]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def dashboard(
    results_dir: Annotated[Path, typer.Argument(help="A run, compare or sweep results directory.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="HTML file to write (default RESULTS_DIR/dashboard.html).")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Also save every figure as PNG in this directory "
                                                           "(needs kaleido and Chromium or Chrome).")] = None,
    heatmap_x: Annotated[str | None, typer.Option("--heatmap-x", help="Sweep: parameter path on the heatmap's "
                                                                      "x axis (default: the first swept).")] = None,
    heatmap_y: Annotated[str | None, typer.Option("--heatmap-y", help="Sweep: parameter path on the heatmap's "
                                                                      "y axis (default: the second swept).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing dashboard file.")] = False,
) -> None:
    """Write one self-contained HTML dashboard (works offline) for a results directory."""
    from ..cli import err, fail, out
    from . import DashboardError, build_page
    from .export import ExportError, export_png
    from .page import render

    import os

    from ..outdir import FolderLock, OutputError, check_new_file

    if not results_dir.is_dir():
        try:
            build_page(results_dir, heatmap_x=heatmap_x, heatmap_y=heatmap_y)
        except DashboardError as exc:  # says what is wrong with it
            fail(str(exc))
            return
    target = output if output is not None else results_dir / "dashboard.html"
    try:
        check_new_file(target, overwrite=overwrite, option="--output" if output is not None else "dashboard")
        # Held while reading and writing: a run replacing the folder meanwhile fails at once, and so do we.
        lock = FolderLock(results_dir, option="RESULTS_DIR").acquire()
    except OutputError as exc:
        fail(str(exc))
        return
    try:
        try:
            page = build_page(results_dir, heatmap_x=heatmap_x, heatmap_y=heatmap_y)
        except DashboardError as exc:
            fail(str(exc))
            return
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(render(page), encoding="utf-8")
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        lock.release()
    out.print(f"Dashboard written to {target} ({target.stat().st_size / 1e6:.1f} MB)", markup=False)
    if png is not None:
        try:
            files = export_png(page, png)
        except ExportError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
        out.print(f"{len(files)} PNG images written to {png}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``dashboard`` command to the ``ceasefire`` CLI."""
    app.command(name="dashboard")(dashboard)
