"""The one-page HTML report beside the CSV: the LNAZ appendix layout, the registration status
with a short Dutch explanation per region that is not ``volledig``, the normalised figures and
the twelve-month chart.

It shows region figures only, read from the mart: never a location, a hospital or raw text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from html import escape

from seh_stops.delivery.chart import twelve_month_chart
from seh_stops.delivery.comparison import ComparisonRow, ReferenceDefinition, comparison_html
from seh_stops.delivery.due import twelve_months
from seh_stops.delivery.month_figures import RegionMonth
from seh_stops.dutch import MONTH_NAMES, day_list

STATUS_LABELS = {
    "volledig": "volledig",
    "gedeeltelijk": "gedeeltelijk",
    "niet_geregistreerd": "niet geregistreerd",
}


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


def decimal_nl(value: Decimal | None, suffix: str = "") -> str:
    """A decimal with a Dutch decimal comma, ``-`` when there is no figure."""
    return "-" if value is None else f"{value:.2f}".replace(".", ",") + suffix


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
    """The complete HTML document (one A4 page in landscape when printed)."""
    title = f"SEH-stops per ROAZ-regio, {month_name(context.month)}"
    parts = [
        "<!doctype html>",
        '<html lang="nl"><head><meta charset="utf-8">',
        f"<title>{escape(title)} ({escape(context.title_suffix)})</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(_meta_line(context))}</p>',
    ]
    if context.preliminary:
        parts.append(
            '<p class="voorlopig">VOORLOPIG &ndash; dit is geen definitieve levering. De maand '
            "was bij het maken nog niet compleet; de definitieve cijfers volgen als revisie 1.</p>"
        )
    parts.append(_table(context.rows))
    if context.comparison:
        parts.append(comparison_html(context.comparison, context.definition))
    parts.append(_status_section(context))
    if context.changes:
        parts.append(_changes_section(context))
    parts += [
        f"<h2>Verloop over twaalf maanden</h2>{_chart(context)}",
        f'<p class="toelichting">{_FOOTNOTE}</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _meta_line(context: ReportContext) -> str:
    source = ""
    if context.first_export_day and context.last_export_day:
        source = f" · LPZ-exportdagen {context.first_export_day} t/m {context.last_export_day}"
    moment = datetime.fromisoformat(context.generated_on)
    when = f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}, {moment:%H:%M}"
    return f"{context.title_suffix.capitalize()} · gegenereerd op {when}{source}"


def _table(rows: Sequence[RegionMonth]) -> str:
    lines = [
        ("Aantal SEH-locaties", lambda r: str(r.aantal_seh_locaties)),
        ("Aantal stops", lambda r: _integer(r.aantal_stops)),
        ("Totale duur stops (minuten)", lambda r: _integer(r.totale_duur_minuten)),
        (
            "Minuten in stop per SEH-locatie per dag",
            lambda r: decimal_nl(r.minuten_per_locatie_per_dag),
        ),
        ("Aandeel SEH-uren in stop", lambda r: decimal_nl(r.procent_seh_uren_in_stop, " %")),
        ("Registratiestatus", lambda r: STATUS_LABELS[r.registratiestatus]),
    ]
    head = "".join(f'<th scope="col">{escape(r.roaz_regio)}</th>' for r in rows)
    body = []
    for index, (label, value) in enumerate(lines):
        css = ' class="genormaliseerd"' if index in (3, 4) else ""
        cells = "".join(
            f'<td class="{escape(r.registratiestatus)}">{escape(value(r))}</td>' for r in rows
        )
        body.append(f'<tr{css}><th scope="row">{escape(label)}</th>{cells}</tr>')
    return f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _status_section(context: ReportContext) -> str:
    parts = ["<h2>Registratiestatus</h2>"]
    if context.missing_days:
        parts.append(
            f"<p>Niet alle exportdagen van de maand zijn geladen: "
            f"{escape(day_list(context.missing_days))} ontbreken. De stops van die dagen "
            "kunnen ontbreken in de cijfers.</p>"
        )
    items = [
        f"<li><strong>{escape(row.roaz_regio)}</strong> "
        f"({escape(STATUS_LABELS[row.registratiestatus])}): {escape(text)}</li>"
        for row in context.rows
        if (text := explanation(row, bool(context.missing_days)))
    ]
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    else:
        parts.append("<p>Alle regio's registreerden de hele maand volledig.</p>")
    return "".join(parts)


def _changes_section(context: ReportContext) -> str:
    def figures(values: dict | None) -> str:
        if values is None:
            return "-"
        return (
            f"{STATUS_LABELS.get(values['registratiestatus'], values['registratiestatus'])}, "
            f"{_integer(values['aantal_stops'])} stops, "
            f"{_integer(values['totale_duur_minuten'])} minuten"
        )

    items = "".join(
        f"<li><strong>{escape(change['roaz_regio'])}</strong>: {escape(figures(change['oud']))}"
        f" &rarr; {escape(figures(change['nieuw']))}</li>"
        for change in context.changes
    )
    return f"<h2>Gewijzigd ten opzichte van revisie {context.previous}</h2><ul>{items}</ul>"


def _chart(context: ReportContext) -> str:
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
    return twelve_month_chart(
        months, series("aantal_stops"), series("totale_duur_minuten"), partial
    )


def _integer(value: int | None) -> str:
    return "-" if value is None else str(value)


_FOOTNOTE = (
    "Een stop telt in de maand waarin hij begint, zijn minuten in de maanden waarin ze vallen; "
    "wat als stop telt, volgt de afspraken van elke regio. Minuten per SEH-locatie per dag = "
    "totale duur / (aantal SEH-locaties &times; dagen in de maand); aandeel SEH-uren = totale "
    "duur / (aantal SEH-locaties &times; uren in de maand). Het verloop toont de cijfers zoals "
    "ze nu in het datawarehouse staan. Een leeg vak (-) betekent: niet geregistreerd. Deze "
    "levering bevat geen cijfers per locatie of ziekenhuis."
)

_CSS = """
@page { size: A4 landscape; margin: 10mm; }
body { font-family: sans-serif; font-size: 12px; color: #222; margin: 16px; max-width: 1040px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 14px; margin: 16px 0 6px; }
.meta { color: #555; margin: 0 0 10px; }
.voorlopig { background: #b00020; color: #fff; font-weight: bold; padding: 8px 10px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 4px 6px; }
thead th { background: #eef2f7; font-size: 11px; width: 8%; }
tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
td { text-align: right; font-variant-numeric: tabular-nums; }
tr.genormaliseerd td, tr.genormaliseerd th { background: #fafafa; font-style: italic; }
td.niet_geregistreerd { color: #888; }
td.gedeeltelijk { background: #fff6df; }
ul { margin: 0; padding-left: 18px; }
.toelichting { color: #555; font-size: 10px; margin-top: 8px; }
"""
