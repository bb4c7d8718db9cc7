"""The chart the pages show: a region's figures over months or quarters, one line per region.

One or more panels side by side (stops, minutes) share one legend below them. Every region has
its own colour, marker shape and line style, so the chart reads without colour and in greyscale
print. A period without figures (``niet_geregistreerd``, or not in the warehouse) is a gap in
the line, never a zero; a period of a ``gedeeltelijk`` registration has an open marker.

matplotlib is imported when a chart is drawn, not with this module: the Dagster definitions
import the delivery code, so every CLI run, code server and run worker would otherwise spend
about 0.4 s importing a plotting library for a chart it never draws (docs/performance.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D

# Tableau 10: distinguishable, also in greyscale print; one per region in section-5 order
COLOURS = (
    *("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f"),
    *("#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
LINE_STYLES = ("solid", (0, (5, 2)), (0, (1, 1.5)), (0, (5, 2, 1, 2)))

Series = Mapping[str, Sequence[int | None]]  # region -> one value (None: a gap) per period

PANEL_WIDTH, PANEL_GAP, PANEL_HEIGHT = 480, 20, 250
LEGEND_COLUMNS, LEGEND_ROW = 6, 22


@dataclass(frozen=True)
class Panel:
    """One plot: its heading and a value (or gap) per region and period."""

    title: str
    series: Series


def region_style(index: int) -> dict[str, object]:
    """Colour, marker and line style of the ``index``-th region (section-5 order)."""
    return {
        "color": COLOURS[index % len(COLOURS)],
        "marker": MARKERS[index % len(MARKERS)],
        "linestyle": LINE_STYLES[index % len(LINE_STYLES)],
    }


def region_chart(
    labels: Sequence[str],
    panels: Sequence[Panel],
    partial: Mapping[str, Sequence[bool]],
    *,
    chart_id: str,
    title: str,
    description: str,
) -> Markup:
    """The panels side by side as inline SVG, with one legend of the regions that have figures.

    ``labels`` name the periods (x axis); ``partial`` marks, per region and period, figures of
    a ``gedeeltelijk`` registration. ``title`` and ``description`` are the text alternative.
    """
    from matplotlib.lines import Line2D

    from seh_stops.rendering.svg import chart_style, figure_svg, new_figure

    regions = list(panels[0].series)
    shown = [r for r in regions if any(v is not None for p in panels for v in p.series[r])]
    styles = {region: region_style(i) for i, region in enumerate(regions)}
    rows = math.ceil((len(shown) + 1) / LEGEND_COLUMNS)
    width = len(panels) * (PANEL_WIDTH + PANEL_GAP) - PANEL_GAP
    height = PANEL_HEIGHT + 14 + LEGEND_ROW * rows
    tooltips: dict[str, str] = {}
    with chart_style():
        figure = new_figure(width, height)
        for position, panel in enumerate(panels):
            left = position * (PANEL_WIDTH + PANEL_GAP) + 52
            box = (left / width, 1 - 222 / height, (PANEL_WIDTH - 72) / width, 200 / height)
            axes = figure.add_axes(box)
            _draw_panel(axes, labels, panel, partial, shown, styles, tooltips)
        handles = [
            Line2D([], [], markersize=6, linewidth=2, label=region, **styles[region])
            for region in shown
        ]
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=6,
                linestyle="none",
                color="#555555",
                markerfacecolor="white",
                label="gedeeltelijk geregistreerd",
            )
        )
        figure.legend(
            handles=_row_by_row(handles, LEGEND_COLUMNS),
            loc="upper left",
            bbox_to_anchor=(0, 1 - (PANEL_HEIGHT + 4) / height, 1, 0),
            mode="expand",
            ncol=LEGEND_COLUMNS,
            handlelength=2.6,
            columnspacing=1.2,
            borderaxespad=0,
        )
        return figure_svg(
            figure, chart_id=chart_id, title=title, description=description, tooltips=tooltips
        )


def _draw_panel(
    axes: Axes,
    labels: Sequence[str],
    panel: Panel,
    partial: Mapping[str, Sequence[bool]],
    shown: Sequence[str],
    styles: Mapping[str, dict[str, object]],
    tooltips: dict[str, str],
) -> None:
    """One panel's lines, and a marker per value that says, on hover, what it is."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    positions = range(len(labels))
    for region in shown:
        style = styles[region]
        values = [math.nan if v is None else v for v in panel.series[region]]
        axes.plot(positions, values, color=style["color"], linestyle=style["linestyle"], lw=2)
        for i, value in enumerate(panel.series[region]):
            if value is None:
                continue
            is_partial = bool(partial[region][i])
            (point,) = axes.plot(
                [i],
                [value],
                linestyle="none",
                marker=style["marker"],
                markersize=6,
                color=style["color"],
                markerfacecolor="white" if is_partial else style["color"],
                markeredgewidth=1.5,
                clip_on=False,
            )
            gid = f"punt-{len(tooltips) + 1}"
            point.set_gid(gid)
            note = " (gedeeltelijk)" if is_partial else ""
            tooltips[gid] = f"{region}, {labels[i]}: {value}{note}"
    top = nice_ceiling(
        max((v for s in panel.series.values() for v in s if v is not None), default=0)
    )
    axes.set_title(panel.title, pad=10, loc="left", x=-52 / (PANEL_WIDTH - 72))
    axes.set_xticks(list(positions), labels)
    axes.set_xlim(-0.1, len(labels) - 0.9)
    axes.set_ylim(0, top)
    axes.yaxis.set_major_locator(FixedLocator([top * tick / 4 for tick in range(5)]))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.tick_params(axis="both", length=0, pad=6)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_axisbelow(True)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k (k >= 0) that is at least ``value``; 4 at least.

    The y axis ends there and has five ticks, so the ticks are round numbers."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= value:
            return factor * magnitude
    return 10 * magnitude


def _row_by_row(handles: list[Line2D], columns: int) -> list[Line2D]:
    """``handles`` reordered so that the legend (filled column by column) reads row by row."""
    rows = math.ceil(len(handles) / columns)
    full = len(handles) % columns or columns  # columns that have a handle in the last row
    order = []
    for column in range(columns):
        for row in range(rows if column < full else rows - 1):
            order.append(row * columns + column)
    return [handles[i] for i in order]
