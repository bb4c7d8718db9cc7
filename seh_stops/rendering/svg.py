"""A matplotlib figure as inline SVG that is byte-identical for the same figures, anywhere.

A revision folder is compared byte by byte, so a chart must not change when its figures do
not. matplotlib's SVG backend is deterministic once three things are fixed: the hash salt of its
clip-path ids (``svg.hashsalt``), the date in its metadata (left out), and the font whose metrics
lay out the text. The font is matplotlib's own DejaVu Sans, shipped inside the package, so a
machine's installed fonts never move a label. Text stays text (``svg.fonttype: none``): it can
be read, searched and selected, and the browser draws it in a sans-serif font.

The SVG goes inline into an HTML page: the XML prolog is dropped, every id gets the chart's own
prefix (two charts on one page never share an id) and the root carries a ``<title>`` and a
``<desc>`` that screen readers announce (``role="img"``, ``aria-labelledby``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path

import matplotlib
from markupsafe import Markup
from matplotlib import font_manager
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

FONT_FAMILY = "DejaVu Sans"
# the family the SVG names: the page's own sans-serif (DejaVu Sans is one of the widest, so a
# label that fits in the layout fits in whatever sans-serif the reader's browser has)
BROWSER_FONT = "sans-serif"
BUNDLED_FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"

# one unit of the SVG is one CSS pixel (the figure's dpi is 72 and the size is rewritten to px)
STYLE: dict[str, object] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "seh-stops",
    "svg.image_inline": True,
    "font.family": [FONT_FAMILY],
    "font.size": 11,
    "text.color": "#222222",
    "axes.edgecolor": "#bbbbbb",
    "axes.labelcolor": "#555555",
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 1,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": 11,
    "path.simplify": False,
    "figure.dpi": 72,
    "savefig.dpi": 72,
    "savefig.facecolor": "white",
}

_ID = re.compile(r'\bid="([^"]+)"')
_SIZE = re.compile(r'<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"')


@contextmanager
def chart_style() -> Iterator[None]:
    """The house style and the deterministic settings, for drawing and saving a figure.

    Raises ``RuntimeError`` when matplotlib would lay out text with another font than its own
    DejaVu Sans (then the SVG would depend on the machine): reinstall matplotlib (``make
    setup``) or delete a stale font cache (``~/.cache/matplotlib``).
    """
    with matplotlib.rc_context(STYLE):
        found = Path(font_manager.findfont(FONT_FAMILY, fallback_to_default=False))
        if found.resolve() != BUNDLED_FONT.resolve():
            raise RuntimeError(
                f"matplotlib lays out {FONT_FAMILY} with {found}, not with its own "
                f"{BUNDLED_FONT}: charts would differ between machines. Reinstall matplotlib "
                "(`make setup`) or delete the font cache in ~/.cache/matplotlib."
            )
        yield


def new_figure(width: int, height: int) -> Figure:
    """An empty figure of ``width`` x ``height`` CSS pixels, without pyplot's global state."""
    figure = Figure(figsize=(width / 72, height / 72), dpi=72)
    FigureCanvasSVG(figure)
    return figure


def figure_svg(figure: Figure, *, chart_id: str, title: str, description: str) -> Markup:
    """``figure`` as one ``<svg>`` element for an HTML page (call it inside :func:`chart_style`).

    ``chart_id`` (letters, digits, ``-``) prefixes every id in the SVG; ``title`` names the
    chart and ``description`` is its text alternative: what a reader who cannot see it needs.
    """
    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        raise ValueError(f"chart_id {chart_id!r}: use lowercase letters, digits and '-'")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML prolog or DOCTYPE inside HTML
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = _prefix_ids(svg, chart_id)
    svg = svg.replace(f"font-family: '{FONT_FAMILY}'", f"font-family: {BROWSER_FONT}")
    svg = _SIZE.sub(r'<svg\1 width="\2" height="\3"', svg, count=1)
    accessible = (
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'style="max-width: 100%; height: auto"'
    )
    svg = svg.replace("<svg", accessible, 1)
    head_end = svg.index(">") + 1
    svg = (
        svg[:head_end]
        + f'\n <title id="{chart_id}-title">{escape(title)}</title>'
        + f'\n <desc id="{chart_id}-desc">{escape(description)}</desc>'
        + svg[head_end:]
    )
    return Markup(svg.strip())


def _prefix_ids(svg: str, prefix: str) -> str:
    """Every ``id`` and every reference to it (``url(#..)``, ``href="#.."``) with ``prefix``."""
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)

    def reference(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}-{name}" if name in ids else match.group(0)

    return re.sub(r"(url\(#|href=\"#)([^)\"]+)", reference, svg)
