"""Assemble one self-contained HTML page from Plotly figures.

The page works with no network: plotly.js is embedded once, each figure travels as JSON
in a ``<script type="application/json">`` block, and a small inline script draws them with
``Plotly.newPlot``. Text that comes from users (scenario names, descriptions, actor and
parameter names) is escaped for HTML; JSON is escaped so that no string inside it can close
the script element that carries it.

When every plot is drawn the page sets ``<body data-rendered="N">``; script errors are
collected in ``<body data-errors="[...]">``. Tests read both from the serialised DOM.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

TEMPLATE_NAME = "plotly_white"


@dataclass
class Section:
    """One titled block of the page: a heading, a caption in words, and a figure or an HTML fragment.

    Attributes
    ----------
    title : str
        Heading (plain text; escaped when rendered).
    caption : str
        How to read the block (plain text; escaped when rendered).
    figure : plotly.graph_objects.Figure or None
        The plot, if any.
    html_fragment : str
        Pre-escaped HTML shown under the figure (e.g. a parameter table). Build it with :func:`table_html`.
    anchor : str
        ``id`` of the section, used by the table of contents.
    """

    title: str
    caption: str
    figure: go.Figure | None = None
    html_fragment: str = ""
    anchor: str = ""


@dataclass
class Page:
    """Everything a dashboard shows.

    Attributes
    ----------
    title : str
        Browser tab and top heading (plain text).
    kind : str
        "run", "compare" or "sweep"; shown as a label.
    headline : list of str
        Sentences in words that open the page (plain text).
    sections : list of Section
    provenance : dict
        Seed, replications, versions and the like, shown at the foot (plain values).
    subtitle : str
        A description shown under the title (plain text, e.g. the scenario's description).
    """

    title: str
    kind: str
    headline: list[str]
    sections: list[Section] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    subtitle: str = ""


def esc(text: Any) -> str:
    """Escape any value for HTML text or attribute content."""
    return html.escape("" if text is None else str(text), quote=True)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` appear in JSON only inside strings, so replacing them with their
    ``\\u`` escapes keeps the JSON equal while no ``</script>`` or ``<!--`` can end the element.
    """
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figure_json(fig: go.Figure) -> str:
    """A figure as compact JSON without its template (the page supplies one shared template)."""
    spec = json.loads(pio.to_json(fig, validate=False, pretty=False, engine="json"))
    spec.get("layout", {}).pop("template", None)
    return json.dumps(spec, separators=(",", ":"), allow_nan=False)


def template_json() -> str:
    """The shared Plotly template, as JSON."""
    spec = pio.templates[TEMPLATE_NAME].to_plotly_json()
    return json.dumps(spec, separators=(",", ":"), allow_nan=False)


def table_html(rows: Sequence[Sequence[Any]], header: Sequence[str], css_class: str = "data") -> str:
    """An escaped HTML table."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --rule: #d9e2ec; --accent: #0b6e4f; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
.kind { text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; color: var(--muted); }
h1 { font-size: 1.7rem; margin: .2rem 0 .6rem; }
.subtitle { color: var(--muted); margin: -.2rem 0 .8rem; max-width: 60rem; }
.headline { font-size: 1.15rem; background: #f0f4f8; border-left: 5px solid var(--accent); padding: .8rem 1rem;
            margin: 0 0 1.2rem; }
.headline p { margin: .3rem 0; }
nav.toc { font-size: .9rem; margin-bottom: 1rem; color: var(--muted); }
nav.toc a { color: var(--accent); margin-right: .9rem; white-space: nowrap; }
section { margin: 2rem 0; border-top: 1px solid var(--rule); padding-top: .8rem; }
h2 { font-size: 1.25rem; margin: .2rem 0 .3rem; }
.caption { color: var(--muted); margin: 0 0 .5rem; max-width: 60rem; }
.plot { width: 100%; min-height: 360px; }
table.data { border-collapse: collapse; font-size: .85rem; width: 100%; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: .2rem .5rem; text-align: left;
                               vertical-align: top; }
table.data td:last-child { font-variant-numeric: tabular-nums; }
.scroll { max-height: 32rem; overflow: auto; }
footer { color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule); margin-top: 2rem;
         padding-top: .6rem; }
footer code { word-break: break-all; }
"""

# Runs before plotly.js so that an error while loading it is recorded too.
_ERROR_HOOK = """
(function () {
  var errors = [];
  function record(message) {
    errors.push(String(message));
    document.body.setAttribute("data-errors", JSON.stringify(errors));
  }
  window.__dashboardRecordError = record;
  var consoleError = console.error;
  console.error = function () {
    record(Array.prototype.join.call(arguments, " "));
    return consoleError.apply(console, arguments);
  };
  window.addEventListener("error", function (e) { record(e.message || e); });
  window.addEventListener("unhandledrejection", function (e) { record(e.reason && e.reason.message || e.reason); });
})();
"""

_RENDER = """
(function () {
  var template = JSON.parse(document.getElementById("plotly-template").textContent);
  var config = {responsive: true, displaylogo: false, toImageButtonOptions: {format: "png", scale: 2}};
  var nodes = document.querySelectorAll('script[type="application/json"][data-figure]');
  var pending = [];
  nodes.forEach(function (node) {
    var target = document.getElementById(node.getAttribute("data-figure"));
    var spec = JSON.parse(node.textContent);
    var layout = spec.layout || {};
    layout.template = template;
    pending.push(Plotly.newPlot(target, spec.data || [], layout, config));
  });
  Promise.all(pending).then(function () {
    document.body.setAttribute("data-rendered", String(pending.length));
    document.body.setAttribute("data-render-ms", String(Math.round(performance.now())));
  }, function (e) { window.__dashboardRecordError(e && e.message || e); });
})();
"""


def render(page: Page) -> str:
    """The complete HTML document for a page.

    Parameters
    ----------
    page : Page

    Returns
    -------
    str
        A self-contained HTML document (plotly.js included once, no network needed).
    """
    parts: list[str] = []
    toc: list[str] = []
    figures: list[str] = []
    for index, section in enumerate(page.sections):
        anchor = section.anchor or f"section-{index}"
        toc.append(f'<a href="#{esc(anchor)}">{esc(section.title)}</a>')
        block = [f'<section id="{esc(anchor)}">', f"<h2>{esc(section.title)}</h2>"]
        if section.caption:
            block.append(f'<p class="caption">{esc(section.caption)}</p>')
        if section.figure is not None:
            div_id = f"plot-{index}"
            block.append(f'<div class="plot" id="{div_id}"></div>')
            figures.append(f'<script type="application/json" data-figure="{div_id}">'
                           f"{script_json(figure_json(section.figure))}</script>")
        if section.html_fragment:
            block.append(section.html_fragment)
        block.append("</section>")
        parts.append("\n".join(block))
    headline = "".join(f"<p>{esc(s)}</p>" for s in page.headline)
    prov = table_html([(k, v) for k, v in page.provenance.items()], ("", ""), css_class="data")
    generated = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="ceasefire-sim dashboard ({esc(page.kind)})">',
        f"<title>{esc(page.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<script>{_ERROR_HOOK}</script>",
        "<main>",
        '<header class="top">',
        f'<div class="kind">ceasefire-sim &middot; {esc(page.kind)} dashboard</div>',
        f"<h1>{esc(page.title)}</h1>",
        f'<p class="subtitle">{esc(page.subtitle)}</p>' if page.subtitle else "",
        "</header>",
        f'<div class="headline">{headline}</div>',
        f'<nav class="toc">{" ".join(toc)}</nav>',
        *parts,
        f"<footer><p>Generated {esc(generated)}. Hover over any plot for exact values; "
        "the camera icon saves a plot as PNG.</p>",
        prov,
        "</footer>",
        "</main>",
        f'<script type="application/json" id="plotly-template">{script_json(template_json())}</script>',
        *figures,
        f"<script>{get_plotlyjs()}</script>",
        f"<script>{_RENDER}</script>",
        "</body></html>",
    ])
