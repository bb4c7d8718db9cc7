"""The rendering foundation: pages from templates that escape and refuse unknown names, charts
as SVG that are the same bytes for the same figures (in any process, on any machine)."""

from __future__ import annotations

import os
import subprocess
import sys

import jinja2
import pytest
from matplotlib import font_manager

from seh_stops.rendering.charts import Panel, nice_ceiling, region_chart, region_style
from seh_stops.rendering.svg import BUNDLED_FONT, STYLE, chart_style, figure_svg, new_figure
from seh_stops.rendering.templates import decimal_nl, figure, render_page
from seh_stops.settings import REPO_ROOT

LABELS = ["okt '22", "nov '22", "dec '22", "jan '23"]


def chart(chart_id: str = "verloop", title: str = "Stops per regio") -> str:
    stops = {"Oost": [3, None, 5, 14], "Noord & Zuid": [None, 2, 2, 1], "Limburg": [None] * 4}
    partial = {"Oost": [False, False, True, False], "Noord & Zuid": [False] * 4}
    partial["Limburg"] = [False] * 4
    return region_chart(
        LABELS,
        [Panel("Aantal stops", stops)],
        partial,
        chart_id=chart_id,
        title=title,
        description="Oost heeft in november geen cijfers <niet geregistreerd>.",
    )


def test_the_same_figures_make_the_same_bytes_in_another_process():
    first, second = chart(), chart()
    assert first == second
    script = (
        "import sys; sys.path.insert(0, 'tests/unit'); from test_rendering import chart; "
        "sys.stdout.write(chart())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert other == first
    assert "Date" not in first and "<metadata" not in first and "<?xml" not in first


def test_other_figures_make_another_chart():
    stops = {"Oost": [3, 4, 5, 15]}
    other = region_chart(
        LABELS,
        [Panel("Aantal stops", stops)],
        {"Oost": [False] * 4},
        chart_id="verloop",
        title="Stops per regio",
        description="d",
    )
    assert other != chart()


def test_the_chart_is_inline_svg_with_a_text_alternative_and_its_own_ids():
    svg = chart(title="Stops <per> regio")
    assert svg.startswith('<svg role="img" aria-labelledby="verloop-title verloop-desc"')
    assert '<title id="verloop-title">Stops &lt;per&gt; regio</title>' in svg
    assert "&lt;niet geregistreerd&gt;" in svg
    assert 'width="980"' not in svg and 'pt"' not in svg.split(">")[0]  # CSS pixels
    ids = [part.split('"')[0] for part in svg.split(' id="')[1:]]
    assert ids and all(i.startswith("verloop-") for i in ids)
    assert set(ids).isdisjoint(
        part.split('"')[0] for part in chart(chart_id="kwartaal").split(' id="')[1:]
    )
    for reference in svg.split("url(#")[1:]:
        assert reference.split(")")[0] in ids


def test_the_legend_names_only_regions_with_figures_and_text_stays_text():
    svg = chart()
    assert ">Oost<" in svg and ">Noord &amp; Zuid<" in svg and ">Limburg<" not in svg
    assert ">gedeeltelijk geregistreerd<" in svg and ">jan '23<" in svg


def test_every_region_differs_in_more_than_colour():
    styles = [region_style(i) for i in range(10)]
    assert len({(s["marker"], str(s["linestyle"])) for s in styles}) == 10
    assert len({s["marker"] for s in styles}) == 10


def test_text_is_laid_out_with_the_font_that_ships_with_matplotlib():
    with chart_style():
        assert font_manager.findfont(STYLE["font.family"][0]) == str(BUNDLED_FONT)


def test_a_chart_id_must_be_usable_in_html():
    with chart_style():
        figure_ = new_figure(100, 100)
        with pytest.raises(ValueError, match="chart_id"):
            figure_svg(figure_, chart_id="Verloop 1", title="t", description="d")


def test_nice_ceilings_make_round_ticks():
    assert [nice_ceiling(v) for v in (0, 4, 5, 12, 101, 240, 16485)] == [
        *(4, 4, 5, 20, 200, 250, 20000)
    ]


def test_pages_escape_what_they_show():
    page = render_page("base.html.j2", title='<script>alert("x")</script> & co')
    assert "<title>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co</title>" in page
    assert "<script>" not in page


def test_a_missing_name_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError, match="title"):
        render_page("base.html.j2")


def test_figures_read_as_in_the_delivery():
    assert figure(None) == "-" and figure(0) == "0"
    assert decimal_nl(None) == "-" and decimal_nl(2.3, " %") == "2,30 %"
