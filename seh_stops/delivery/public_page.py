"""LNAZ's public web page of a quarter (specification, section 10.3): one self-contained HTML
file from the Jinja2 template ``public_quarter.html.j2``, with its chart as static SVG drawn
by matplotlib (:mod:`seh_stops.rendering`).

The page holds the quarter's table (regions as columns, both definitions), each region's
registration status with a plain-Dutch explanation where it is not ``volledig``, the same
quarter a year earlier where the warehouse holds it, and the last eight quarters as a chart
with the same figures as a table beside it (its text alternative). Everything comes from the
quarter mart: region figures only, never a location, a hospital or raw text. The same figures
make the same bytes, so a rerun without changes cannot tell a revision from its copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from seh_stops.delivery.due import eight_quarters, quarter_months, year_earlier
from seh_stops.delivery.quarter_figures import RegionQuarter
from seh_stops.dutch import MONTH_NAMES
from seh_stops.rendering.charts import Panel, region_chart
from seh_stops.rendering.templates import decimal_nl, figure, render_page

TEMPLATE = "public_quarter.html.j2"
QUARTER_NAMES = ("eerste", "tweede", "derde", "vierde")
STATUS_WORDS = {
    "volledig": "volledig",
    "gedeeltelijk": "gedeeltelijk",
    "niet_geregistreerd": "niet geregistreerd",
}


@dataclass(frozen=True)
class PublicPage:
    """Everything the page shows: the quarter's rows and what surrounds them."""

    quarter: str
    rows: Sequence[RegionQuarter]
    title_suffix: str  # "revisie 2" or "voorlopig 1"
    preliminary: bool
    generated_on: str  # ISO timestamp, Europe/Amsterdam
    year_earlier: Sequence[RegionQuarter] = ()  # empty when the warehouse does not hold it
    history: Sequence[RegionQuarter] = ()  # the eight quarters up to and including ``quarter``
    changes: Sequence[dict] = field(default_factory=list)
    previous: int | None = None  # the revision that ``changes`` compare with


@dataclass(frozen=True)
class TableLine:
    """One line of a region-column table: its label, a stable key for readers, its cells."""

    label: str
    key: str
    cells: Sequence[str]


def quarter_name(quarter: str) -> str:
    """``2023-Q1`` -> ``eerste kwartaal 2023``."""
    return f"{QUARTER_NAMES[int(quarter[-1]) - 1]} kwartaal {quarter[:4]}"


def month_names(months: Sequence[str]) -> str:
    """``['2023-01', '2023-03']`` -> ``januari en maart``."""
    names = [MONTH_NAMES[int(month[5:]) - 1] for month in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def explanation(row: RegionQuarter, quarter: str) -> str | None:
    """Why a region is not ``volledig`` in the quarter, in plain Dutch; None when it is."""
    if row.registratiestatus == "volledig":
        return None
    if row.registratiestatus == "niet_geregistreerd":
        return (
            "Geen enkele SEH-locatie van deze regio gaf in dit kwartaal haar status door aan "
            "het LPZ. Daarom zijn er geen cijfers (leeg, niet 0)."
        )
    months = dict(zip(quarter_months(quarter), row.month_statuses, strict=True))
    partial = [month for month, status in months.items() if status == "gedeeltelijk"]
    absent = [month for month, status in months.items() if status == "niet_geregistreerd"]
    parts = []
    if partial:
        parts.append(
            f"in {month_names(partial)} gaven niet op elke dag alle "
            f"{row.aantal_seh_locaties} SEH-locaties van de regio hun status door, of "
            "ontbraken er gegevens van een dag"
        )
    if absent:
        parts.append(f"over {month_names(absent)} zijn er geen gegevens van de regio")
    sentence = "; ".join(parts)
    return f"{sentence[0].upper()}{sentence[1:]}. De cijfers zijn daardoor mogelijk te laag."


def _lines(rows: Sequence[RegionQuarter], with_reference: bool = True) -> list[TableLine]:
    whole, decimal = figure, decimal_nl  # the rendering foundation's forms: "-" for no figure
    lines = [
        TableLine(
            "Registratiestatus",
            "registratiestatus",
            [STATUS_WORDS.get(r.registratiestatus, r.registratiestatus) for r in rows],
        ),
        TableLine(
            "Aantal SEH-locaties", "aantal_seh_locaties", [str(r.aantal_seh_locaties) for r in rows]
        ),
        TableLine("Aantal stops", "aantal_stops", [whole(r.aantal_stops) for r in rows]),
        TableLine(
            "Totale duur stops (minuten)",
            "totale_duur_minuten",
            [whole(r.totale_duur_minuten) for r in rows],
        ),
        TableLine(
            "Minuten stop per SEH-locatie per dag",
            "minuten_per_locatie_per_dag",
            [decimal(r.minuten_per_locatie_per_dag) for r in rows],
        ),
    ]
    if with_reference:
        lines += [
            TableLine(
                "Aantal stops (referentiedefinitie)",
                "aantal_stops_referentie",
                [whole(r.aantal_stops_referentie) for r in rows],
            ),
            TableLine(
                "Totale duur stops in minuten (referentiedefinitie)",
                "totale_duur_minuten_referentie",
                [whole(r.totale_duur_minuten_referentie) for r in rows],
            ),
            TableLine(
                "Minuten stop per SEH-locatie per dag (referentiedefinitie)",
                "minuten_per_locatie_per_dag_referentie",
                [decimal(r.minuten_per_locatie_per_dag_referentie) for r in rows],
            ),
        ]
    return lines


def _chart(page: PublicPage) -> tuple[Markup, list[str], dict[str, list[str]]]:
    """The eight-quarter chart, its quarter labels and its figures as table cells per region."""
    quarters = eight_quarters(page.quarter)
    regions = [row.roaz_regio for row in page.rows]
    by_key = {(row.kwartaal, row.roaz_regio): row for row in page.history}

    def series(attribute: str) -> dict[str, list[int | None]]:
        return {
            region: [
                getattr(by_key[(q, region)], attribute) if (q, region) in by_key else None
                for q in quarters
            ]
            for region in regions
        }

    stops, minutes = series("aantal_stops"), series("totale_duur_minuten")
    partial = {
        region: [
            (q, region) in by_key and by_key[(q, region)].registratiestatus == "gedeeltelijk"
            for q in quarters
        ]
        for region in regions
    }
    held = [q for q in quarters if any((q, region) in by_key for region in regions)]
    description = (
        f"Lijngrafiek van het aantal stops en de totale duur in minuten per ROAZ-regio over de "
        f"kwartalen {quarters[0]} tot en met {quarters[-1]}; het magazijn bevat cijfers over "
        f"{', '.join(held) or 'geen van deze kwartalen'}. Een open markering is een kwartaal "
        "met een gedeeltelijke registratie, een onderbreking een kwartaal zonder cijfers. De "
        "cijfers staan ook in de tabel onder de grafiek."
    )
    svg = region_chart(
        quarters,
        [Panel("Aantal stops", stops), Panel("Totale duur (minuten)", minutes)],
        partial,
        chart_id="kwartalen",
        title=f"SEH-stops per ROAZ-regio, {quarters[0]} tot en met {quarters[-1]}",
        description=description,
    )
    cells = {
        region: [
            "-" if stops[region][i] is None else f"{stops[region][i]} / {minutes[region][i]}"
            for i in range(len(quarters))
        ]
        for region in regions
    }
    return svg, quarters, cells


def public_page_html(page: PublicPage) -> str:
    """The page as one self-contained HTML document (no scripts, fonts or images elsewhere)."""
    chart, chart_quarters, chart_cells = _chart(page)
    statuses = [
        (row.roaz_regio, STATUS_WORDS[row.registratiestatus], explanation(row, page.quarter))
        for row in page.rows
        if row.registratiestatus != "volledig"
    ]
    return render_page(
        TEMPLATE,
        title=f"SEH-stops per ROAZ-regio, {quarter_name(page.quarter)}",
        page=page,
        quarter_name=quarter_name(page.quarter),
        regions=[row.roaz_regio for row in page.rows],
        lines=_lines(page.rows),
        statuses=statuses,
        earlier=year_earlier(page.quarter),
        earlier_name=quarter_name(year_earlier(page.quarter)),
        earlier_lines=_lines(page.year_earlier, with_reference=False),
        chart=chart,
        chart_quarters=chart_quarters,
        chart_cells=chart_cells,
        changes=[
            (change["roaz_regio"], _change_text(change["oud"]), _change_text(change["nieuw"]))
            for change in page.changes
        ],
    )


def _change_text(values: dict | None) -> str:
    if values is None:
        return "niet in de publicatie"
    status = STATUS_WORDS.get(values["registratiestatus"], values["registratiestatus"])
    if values["aantal_stops"] is None:
        return f"{status}, geen cijfers"
    return f"{values['aantal_stops']} stops, {values['totale_duur_minuten']} minuten, {status}"
