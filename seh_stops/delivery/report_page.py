"""The one-page HTML report beside the CSV: the LNAZ appendix layout, the registration status
with a short Dutch explanation per region that is not ``volledig``, the normalised figures and
the twelve-month chart.

The markup is ``seh_stops/rendering/templates/report.html.j2``; this module gathers what it
shows. It shows region figures only, read from the mart: never a location, a hospital or raw
text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from seh_stops.delivery.comparison import LINES as COMPARISON_LINES
from seh_stops.delivery.comparison import ComparisonRow, ReferenceDefinition
from seh_stops.delivery.comparison import explanation as comparison_explanation
from seh_stops.delivery.due import twelve_months
from seh_stops.delivery.month_figures import RegionMonth
from seh_stops.dutch import MONTH_NAMES, day_list, month_label
from seh_stops.rendering.charts import Panel, region_chart
from seh_stops.rendering.tables import region_table
from seh_stops.rendering.templates import decimal_nl, figure, render_page

STATUS_LABELS = {
    "volledig": "volledig",
    "gedeeltelijk": "gedeeltelijk",
    "niet_geregistreerd": "niet geregistreerd",
}

# the month's table: the section-7 figures, then the normalised ones (in italics)
MONTH_LINES = (
    ("Aantal SEH-locaties", lambda r: str(r.aantal_seh_locaties)),
    ("Aantal stops", lambda r: figure(r.aantal_stops)),
    ("Totale duur stops (minuten)", lambda r: figure(r.totale_duur_minuten)),
    (
        "Minuten in stop per SEH-locatie per dag",
        lambda r: decimal_nl(r.minuten_per_locatie_per_dag),
    ),
    ("Aandeel SEH-uren in stop", lambda r: decimal_nl(r.procent_seh_uren_in_stop, " %")),
    ("Registratiestatus", lambda r: STATUS_LABELS[r.registratiestatus]),
)
NORMALISED_LINES = (3, 4)


@dataclass(frozen=True)
class ReportContext:
    """Everything the report shows beside the month's rows."""

    month: str
    rows: Sequence[RegionMonth]
    title_suffix: str  # "revisie 2" or "VOORLOPIG 1"
    preliminary: bool
    generated_on: str  # ISO timestamp, Europe/Amsterdam
    first_export_day: date | None
    last_export_day: date | None
    missing_days: Sequence[date]  # export days of the month that are not loaded
    history: Sequence[RegionMonth]  # the twelve months up to and including ``month``
    changes: Sequence[dict] = field(default_factory=list)
    previous: int | None = None  # the revision that ``changes`` compare with
    # the comparison of specification, section 9 (the second table), and its definition
    comparison: Sequence[ComparisonRow] = ()
    definition: ReferenceDefinition | None = None


def month_name(month: str) -> str:
    """``2023-01`` -> ``januari 2023``."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def explanation(row: RegionMonth, days_missing: bool) -> str | None:
    """Why a region is not ``volledig``, in one Dutch sentence; None when it is."""
    if row.registratiestatus == "niet_geregistreerd":
        return (
            "geen enkele SEH-locatie van deze regio registreerde in deze maand haar status in "
            "het LPZ; er zijn daarom geen cijfers (leeg, niet 0)."
        )
    if row.registratiestatus != "gedeeltelijk":
        return None
    locations = f"niet op elke dag registreerden alle {row.aantal_seh_locaties} SEH-locaties"
    if days_missing:
        return (
            f"niet alle exportdagen van de maand zijn geladen (zie boven), of {locations} van "
            "de regio hun status in het LPZ; de cijfers zijn mogelijk te laag."
        )
    return f"{locations} van de regio hun status in het LPZ; de cijfers zijn mogelijk te laag."


def report_html(context: ReportContext) -> str:
    """The complete HTML document (one A4 page in landscape when printed).

    The same context gives the same bytes: a revision folder is compared byte by byte."""
    heading = f"SEH-stops per ROAZ-regio, {month_name(context.month)}"
    labels, panels, partial = chart_series(context)
    return render_page(
        "report.html.j2",
        title=f"{heading} ({context.title_suffix})",
        heading=heading,
        meta=_meta_line(context),
        preliminary=context.preliminary,
        table=region_table(
            context.rows,
            MONTH_LINES,
            line_css=lambda i: "genormaliseerd" if i in NORMALISED_LINES else None,
        ),
        comparison=region_table(
            context.comparison,
            COMPARISON_LINES,
            line_css=lambda i: "referentie" if i % 2 == 0 and i > 0 else None,
            css="vergelijking",
        )
        if context.comparison
        else None,
        comparison_explanation=comparison_explanation(context.definition),
        missing_days=day_list(context.missing_days) if context.missing_days else None,
        explanations=[
            (row.roaz_regio, STATUS_LABELS[row.registratiestatus], text)
            for row in context.rows
            if (text := explanation(row, bool(context.missing_days)))
        ],
        changes=[
            (change["roaz_regio"], _change_figures(change["oud"]), _change_figures(change["nieuw"]))
            for change in context.changes
        ],
        previous=context.previous,
        chart=region_chart(
            labels,
            panels,
            partial,
            chart_id="verloop",
            title=f"Verloop over twaalf maanden, {labels[0]} t/m {labels[-1]}",
            description=_chart_description(context, panels),
        ),
        chart_labels=labels,
        chart_panels=panels,
    )


def chart_series(context: ReportContext) -> tuple[list[str], list[Panel], dict[str, list[bool]]]:
    """The chart's month labels, its two panels (stops, minutes) and the partial months.

    A month the warehouse does not hold for a region, or in which it is ``niet_geregistreerd``,
    has no value (a gap in the line, never a zero)."""
    months = twelve_months(context.month)
    by_key = {(row.maand, row.roaz_regio): row for row in context.history}
    regions = [row.roaz_regio for row in context.rows]

    def series(attribute: str) -> dict[str, list[int | None]]:
        return {
            region: [
                getattr(by_key[(month, region)], attribute) if (month, region) in by_key else None
                for month in months
            ]
            for region in regions
        }

    partial = {
        region: [
            (month, region) in by_key
            and by_key[(month, region)].registratiestatus == "gedeeltelijk"
            for month in months
        ]
        for region in regions
    }
    panels = [
        Panel("Aantal stops", series("aantal_stops")),
        Panel("Totale duur stops (minuten)", series("totale_duur_minuten")),
    ]
    return [month_label(month) for month in months], panels, partial


def _chart_description(context: ReportContext, panels: Sequence[Panel]) -> str:
    """The chart's text alternative: what it shows and how to read it, without colour."""
    empty = [r for r, values in panels[0].series.items() if all(v is None for v in values)]
    text = (
        "Twee lijngrafieken: links het aantal stops, rechts de totale duur van de stops in "
        "minuten, per maand. Elke regio heeft een eigen lijn met een eigen kleur, markering en "
        "lijnsoort. Een onderbreking in een lijn is een maand zonder cijfers (niet "
        "geregistreerd of niet in het datawarehouse), een open markering een maand die "
        "gedeeltelijk geregistreerd is. De cijfers staan ook in een tabel voor voorleessoftware."
    )
    if empty:
        text += f" Geen cijfers in deze twaalf maanden: {', '.join(empty)}."
    return text


def _meta_line(context: ReportContext) -> str:
    source = ""
    if context.first_export_day and context.last_export_day:
        source = f" · LPZ-exportdagen {context.first_export_day} t/m {context.last_export_day}"
    moment = datetime.fromisoformat(context.generated_on)
    when = f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}, {moment:%H:%M}"
    return f"{context.title_suffix.capitalize()} · gegenereerd op {when}{source}"


def _change_figures(values: dict | None) -> str:
    if values is None:
        return "-"
    return (
        f"{STATUS_LABELS.get(values['registratiestatus'], values['registratiestatus'])}, "
        f"{figure(values['aantal_stops'])} stops, "
        f"{figure(values['totale_duur_minuten'])} minuten"
    )
