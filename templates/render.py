"""Render a run's results to a self-contained HTML report and to PDF (same HTML).

Both come from one context built by :func:`report_context`, so they cannot disagree.
Jinja2 autoescapes every user-supplied string (site and group names, sources). The PDF
renderer's URL fetcher accepts ``data:`` URIs only: nothing a site file says can make a
report read a local file or the network.

The contexts are built in :mod:`.report` (a village) and :mod:`.comparison` (a batch).
"""
from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .comparison import comparison_context
from .report import report_context
from .style import _old_objects_frozen

@functools.cache
def _env() -> Environment:
    """The templates' environment, built once per process (Jinja compiles each template once)."""
    return Environment(loader=PackageLoader("p2p_size.templates", ""), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "j2"], default=True))




# ----------------------------------------------------------------------------- renderers
# One context, two media: the templates show each chart (charts.Chart, drawn once) as
# inline SVG on screen and as the same SVG in an <img> in print; the rest is the same.
def _render(template: str, context: dict, medium: str) -> str:
    return _env().get_template(template).render(**context, medium=medium)


@_old_objects_frozen
def render_html(result, context: dict | None = None) -> str:
    """The self-contained HTML report (inline CSS and SVG, no scripts, no network)."""
    return _render("report.html.j2", context or report_context(result), "screen")


def _write_pdf(html: str, path: Path) -> Path:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(str(path))
    return Path(path)


@_old_objects_frozen
def render_pdf(result, path: Path, context: dict | None = None) -> Path:
    """The same report as PDF through WeasyPrint; only ``data:`` URIs may be fetched.

    Pass the ``context`` the HTML was rendered from: the charts are then built once.
    """
    return _write_pdf(_render("report.html.j2", context or report_context(result), "print"), path)



@_old_objects_frozen
def render_comparison_html(rows, context: dict | None = None) -> str:
    """The batch comparison report as self-contained HTML."""
    return _render("comparison.html.j2", context or comparison_context(rows), "screen")


@_old_objects_frozen
def render_comparison_pdf(rows, path: Path, context: dict | None = None) -> Path:
    """The batch comparison report as PDF (same context; only ``data:`` URIs fetched)."""
    return _write_pdf(_render("comparison.html.j2", context or comparison_context(rows), "print"), path)
