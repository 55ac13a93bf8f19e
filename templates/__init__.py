"""The reports: Jinja2 templates, the stylesheet and SVG charts for the village report and the batch comparison.

:mod:`.report` and :mod:`.comparison` build each report's context, :mod:`.charts` draws
the charts, :mod:`.render` turns a context into HTML and PDF, :mod:`.style` holds what
they share (number formats, stylesheet, version stamp).
"""
from .render import render_comparison_html, render_comparison_pdf, render_html, render_pdf

__all__ = ["render_comparison_html", "render_comparison_pdf", "render_html", "render_pdf"]
