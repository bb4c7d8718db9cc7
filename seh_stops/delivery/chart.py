"""The twelve-month chart of the report as inline SVG, drawn here (no plotting dependency).

Two panels side by side, stops and minutes per month, one line per region in a fixed colour;
a month in which a region is ``niet_geregistreerd`` (or that the warehouse does not hold) is a
gap in its line, never a zero; a month in which it is ``gedeeltelijk`` is an open dot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

# Tableau 10: distinguishable, also in greyscale print; one colour per region in section-5 order.
COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
MONTH_ABBREVIATIONS = (
    *("jan", "feb", "mrt", "apr", "mei", "jun"),
    *("jul", "aug", "sep", "okt", "nov", "dec"),
)

Series = dict[str, list[int | None]]  # region -> one value (or gap) per month


def month_label(month: str) -> str:
    """``2023-01`` -> ``jan '23``."""
    year, number = month.split("-")
    return f"{MONTH_ABBREVIATIONS[int(number) - 1]} '{year[2:]}"


def twelve_month_chart(
    months: Sequence[str], stops: Series, minutes: Series, partial: dict[str, list[bool]]
) -> str:
    """The SVG: stops and minutes per region over ``months``, with one shared legend.

    ``partial`` marks, per region and month, figures of a ``gedeeltelijk`` registration.
    """
    regions = [region for region in stops if any(v is not None for v in stops[region])]
    colours = {region: COLOURS[i % len(COLOURS)] for i, region in enumerate(stops)}
    panel_height, per_row, column_width = 250, 6, 163
    keys = [
        f'<rect width="14" height="4" y="5" fill="{colours[region]}"/>'
        f'<text x="20" y="11">{escape(region)}</text>'
        for region in regions
    ]
    keys.append(
        '<circle cx="7" cy="7" r="3" fill="#fff" stroke="#555" stroke-width="1.5"/>'
        '<text x="20" y="11">gedeeltelijk geregistreerd</text>'
    )
    legend = [
        f'<g transform="translate({(i % per_row) * column_width},'
        f'{panel_height + 14 + (i // per_row) * 22})">{key}</g>'
        for i, key in enumerate(keys)
    ]
    width, height = 980, panel_height + 14 + 22 * math.ceil(len(keys) / per_row)
    panels = [
        _panel("Aantal stops", months, stops, partial, colours, 0, panel_height),
        _panel("Totale duur stops (minuten)", months, minutes, partial, colours, 1, panel_height),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="11" role="img" '
        f'aria-label="Aantal stops en totale duur per regio per maand, {escape(months[0])} tot '
        f'en met {escape(months[-1])}">' + "".join(panels) + "".join(legend) + "</svg>"
    )


def _panel(
    title: str,
    months: Sequence[str],
    series: Series,
    partial: dict[str, list[bool]],
    colours: dict[str, str],
    position: int,
    height: int,
) -> str:
    left, width = position * 500, 480
    plot_left, plot_top, plot_bottom = 48, 22, height - 28
    plot_width = width - plot_left - 24
    values = [v for line in series.values() for v in line if v is not None]
    top = _nice_ceiling(max(values, default=0))
    step = plot_width / max(len(months) - 1, 1)

    def x(index: int) -> float:
        return plot_left + index * step

    def y(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top

    parts = [f'<g transform="translate({left},0)">']
    parts.append(f'<text x="0" y="12" font-size="13" font-weight="bold">{escape(title)}</text>')
    for tick in range(5):
        value = top * tick / 4
        parts.append(
            f'<line x1="{plot_left}" x2="{plot_left + plot_width}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{plot_left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="#555">'
            f"{value:g}</text>"
        )
    for index, month in enumerate(months):
        parts.append(
            f'<text x="{x(index):.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
            f'fill="#555">{escape(month_label(month))}</text>'
        )
    for region, line in series.items():
        colour = colours[region]
        for segment in _segments(line):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
            for i, v in segment:
                fill = "#fff" if partial[region][i] else colour
                note = " (gedeeltelijk)" if partial[region][i] else ""
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{fill}" '
                    f'stroke="{colour}" stroke-width="1.5"><title>{escape(region)}, '
                    f"{escape(month_label(months[i]))}: {v}{note}</title></circle>"
                )
    parts.append("</g>")
    return "".join(parts)


def _segments(line: Sequence[int | None]) -> list[list[tuple[int, int]]]:
    """Runs of consecutive months with a value: a gap breaks the line."""
    segments: list[list[tuple[int, int]]] = [[]]
    for index, value in enumerate(line):
        if value is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((index, value))
    return [segment for segment in segments if segment]


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k (k >= 0) that is at least ``value``; 4 at least."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude
