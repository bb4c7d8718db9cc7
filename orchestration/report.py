"""The monthly region table, read from the mart and laid out for people and for the ministry.

Nothing is computed here: the figures and the registration status come from
``marts.agg_seh_stops_regio_maand`` as dbt built them. This module only lays them out, like the
LNAZ appendix (regions as columns) or as the section-7 delivery CSV.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from orchestration.resources.warehouse import open_read_only

DELIVERY_COLUMNS = (
    "maand",
    "roaz_regio",
    "registratiestatus",
    "aantal_seh_locaties",
    "aantal_stops",
    "totale_duur_minuten",
    "revisie",
)
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class MonthNotAvailable(LookupError):
    """The warehouse has no figures for the asked month."""


@dataclass(frozen=True)
class RegionMonth:
    """One row of the region x month mart."""

    maand: str
    roaz_regio: str
    registratiestatus: str
    aantal_seh_locaties: int
    aantal_stops: int | None
    totale_duur_minuten: int | None


def read_month(warehouse: Path, month: str) -> list[RegionMonth]:
    """The ten regions' figures for ``month`` (YYYY-MM), in the section-5 order."""
    if not _MONTH.fullmatch(month):
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (for example 2023-01)")
    con = open_read_only(warehouse)
    try:
        rows = con.execute(
            """
            select maand, roaz_regio, registratiestatus, aantal_seh_locaties,
                   aantal_stops, totale_duur_minuten
            from marts.agg_seh_stops_regio_maand
            where maand = ?
            order by volgorde
            """,
            [month],
        ).fetchall()
        available = [
            row[0]
            for row in con.execute(
                "select distinct maand from marts.agg_seh_stops_regio_maand order by 1"
            ).fetchall()
        ]
    finally:
        con.close()
    if not rows:
        span = f"{available[0]} .. {available[-1]}" if available else "no month yet"
        raise MonthNotAvailable(
            f"no figures for {month} in the warehouse (it holds {span}); load its export days "
            "with `seh-stops run --source DIR`"
        )
    return [RegionMonth(*row) for row in rows]


def delivery_csv(rows: list[RegionMonth], revisie: int = 1) -> str:
    """The section-7 CSV: ``;``, LF, minimal quoting, empty figures when niet_geregistreerd."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(DELIVERY_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.maand,
                row.roaz_regio,
                row.registratiestatus,
                row.aantal_seh_locaties,
                _figure(row.aantal_stops),
                _figure(row.totale_duur_minuten),
                revisie,
            ]
        )
    return buffer.getvalue()


def appendix_table(rows: list[RegionMonth]) -> str:
    """The month laid out like the LNAZ appendix: one column per region."""
    labels = (
        ("Registratiestatus", lambda r: r.registratiestatus),
        ("Aantal SEH-locaties", lambda r: str(r.aantal_seh_locaties)),
        ("Aantal stops", lambda r: _figure(r.aantal_stops) or "-"),
        ("Totale duur stops (minuten)", lambda r: _figure(r.totale_duur_minuten) or "-"),
    )
    header = ["", *(row.roaz_regio for row in rows)]
    body = [[label, *(value(row) for row in rows)] for label, value in labels]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    title = f"SEH-stops per ROAZ-regio, {rows[0].maand}"
    return "\n".join([title, "", render(header), *(render(line) for line in body)])


def _figure(value: int | None) -> str:
    return "" if value is None else str(value)
