"""PNG export of a dashboard's figures through kaleido (optional).

Kaleido 1.x draws figures in a headless Chrome or Chromium that it finds on the system. Where
Debian's ``/usr/bin/chromium`` (or another Chromium) is installed it is used; where kaleido or a
browser is missing, :class:`ExportError` says which, and how to get it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import plotly.graph_objects as go

from .page import TEMPLATE_NAME, Page

SYSTEM_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                   "/usr/bin/google-chrome-stable")


class ExportError(Exception):
    """PNG export is not possible here (kaleido or a Chromium-based browser is missing, or drawing failed)."""


def find_browser() -> str | None:
    """The browser kaleido should drive: ``$BROWSER_PATH`` if set, else a system Chromium or Chrome."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in SYSTEM_BROWSERS:
        if Path(candidate).exists():
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "figure"


def export_png(page: Page, out_dir: str | os.PathLike[str], width: int = 1200, scale: float = 2.0) -> list[Path]:
    """Write every figure of a dashboard as a PNG file.

    Parameters
    ----------
    page : Page
        The dashboard (see :func:`sim.dashboards.build_page`).
    out_dir : path
        Directory for the images, created if needed; files are named ``NN_<section>.png``.
    width : int
        Image width [CSS pixels]; the height is each figure's own.
    scale : float
        Pixel density multiplier.

    Returns
    -------
    list of Path
        The files written, in page order.

    Raises
    ------
    ExportError
        If kaleido is not installed, no Chromium or Chrome is found, or the browser fails.
    """
    try:
        import kaleido  # noqa: F401  (checked here so the message can say what to install)
    except ImportError:
        raise ExportError("PNG export needs kaleido: pip install 'kaleido>=1,<2' "
                          "(it also needs Chromium or Chrome, e.g. apt-get install chromium)") from None
    browser = find_browser()
    if browser is None:
        raise ExportError("PNG export needs Chromium or Chrome and none was found: install one "
                          "(Debian/Ubuntu: apt-get install chromium) or set BROWSER_PATH to its executable")
    import plotly.io as pio

    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    sections = [s for s in page.sections if s.figure is not None]
    # The page applies its template in the browser; the images get the same one here.
    figures = [go.Figure(s.figure).update_layout(template=TEMPLATE_NAME) for s in sections]
    paths = [target / f"{i + 1:02d}_{_slug(s.anchor or s.title)}.png" for i, s in enumerate(sections)]
    heights = [int(f.layout.height or 450) for f in figures]
    # kaleido's browser driver (choreographer) reads BROWSER_PATH to choose the executable; set it for
    # this call only.
    previous = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = browser
    try:
        # One browser session for all figures: starting Chromium dominates the cost of a figure.
        pio.write_images(figures, paths, format="png", width=width, height=heights, scale=scale)
    except Exception as exc:  # kaleido raises several types (browser start, timeouts, JS errors)
        raise ExportError(f"PNG export with {browser} failed: {type(exc).__name__}: {exc}") from None
    finally:
        if previous is None:
            os.environ.pop("BROWSER_PATH", None)
        else:
            os.environ["BROWSER_PATH"] = previous
    return paths
