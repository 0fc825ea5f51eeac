"""Server-side SVG charts (pygal), made safe and accessible for the page.

pygal writes an inline ``<script>`` (its tooltips) and an inline ``<style>``: the script is
removed, the style gets the page's CSP nonce, and the ``<svg>`` gets ``role="img"`` with a text
label (``aria-label``) and a ``<title>``. Every chart sits beside a GOV.UK table of the same data,
which is what screen reader users read; the chart is a picture of the table.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    import pygal

# pygal is imported when a chart is first drawn, not with the module: the process that never draws one (an
# import from the command line, the worker) does not load it.


@functools.cache
def _style() -> Any:
    from pygal.style import Style

    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        font_family="Arial, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        value_font_size=14,
        legend_font_size=16,
        title_font_size=18,
        colors=("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92"),
    )


_SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _finish(svg: str, *, nonce: str) -> SafeString:
    svg = svg.replace('<style type="text/css">', f'<style type="text/css" nonce="{html.escape(nonce, quote=True)}">')
    return mark_safe(svg)  # noqa: S308 - pygal's own markup, its script removed, the label escaped (_clean)


def _clean(svg: str, *, label: str) -> str:
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg)
    safe_label = html.escape(label, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe_label}" focusable="false" ', 1)
    return re.sub(r"(<svg[^>]*>)", rf"\1<title>{safe_label}</title>", svg, count=1)


def _config(chart: pygal.graph.graph.Graph, *, unit: str) -> None:
    if unit == "percent":
        chart.range = (0, 100)
        chart.value_formatter = lambda v: f"{v:g}%"


def line(
    *, label: str, x_labels: Sequence[str], series: dict[str, list[float | None]], unit: str, nonce: str
) -> SafeString:
    """A trend: one line per series over the month ends."""
    frozen = tuple((name, tuple(values)) for name, values in series.items())
    return _finish(_line_svg(label, tuple(x_labels), frozen, unit), nonce=nonce)


def line_svg(*, label: str, x_labels: Sequence[str], series: dict[str, list[float | None]], unit: str) -> str:
    """The trend chart's SVG with no nonce, for documents (and for ``with_nonce`` on a page)."""
    return _line_svg(label, tuple(x_labels), tuple((name, tuple(values)) for name, values in series.items()), unit)


def with_nonce(svg: str, *, nonce: str) -> SafeString:
    """An SVG made by this module, ready for the page: its inline style carries the page's CSP nonce."""
    return _finish(svg, nonce=nonce)


@functools.lru_cache(maxsize=256)
def _line_svg(
    label: str, x_labels: tuple[str, ...], series: tuple[tuple[str, tuple[float | None, ...]], ...], unit: str
) -> str:
    """The chart's markup without the nonce: a pure function of its data, so drawn once per data."""
    import pygal

    chart = pygal.Line(
        style=_style(),
        disable_xml_declaration=True,
        js=[],
        width=800,
        height=360,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        x_label_rotation=0,
        show_minor_x_labels=True,
        dots_size=4,
        allow_interruptions=True,
    )
    _config(chart, unit=unit)
    chart.x_labels = list(x_labels)
    for name, values in series:
        chart.add(name, list(values))
    return _clean(chart.render(is_unicode=True), label=label)


def bars(*, label: str, x_labels: Sequence[str], values: list[float | None], unit: str, nonce: str) -> SafeString:
    """A breakdown: one bar per group."""
    return _finish(_bars_svg(label, tuple(x_labels), tuple(values), unit), nonce=nonce)


@functools.lru_cache(maxsize=256)
def _bars_svg(label: str, x_labels: tuple[str, ...], values: tuple[float | None, ...], unit: str) -> str:
    import pygal

    chart = pygal.HorizontalBar(
        style=_style(),
        disable_xml_declaration=True,
        js=[],
        width=800,
        height=max(200, 40 * len(values) + 80),
        show_legend=False,
    )
    _config(chart, unit=unit)
    chart.x_labels = list(x_labels)
    chart.add(label, list(values))
    return _clean(chart.render(is_unicode=True), label=label)
