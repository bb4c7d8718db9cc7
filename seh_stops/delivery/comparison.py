"""The comparison file of specification, section 9.3: every region's own figures beside its
figures under the one reference definition, and the minutes of simultaneous stops.

Nothing is computed here: the figures come from ``marts.agg_seh_stops_vergelijking_maand`` as
dbt built them (the episode logic exists once, in SQL). This module lays them out: as the
``vergelijking_YYYY-MM.csv`` of every revision folder, as a text table for ``seh-stops compare``
and as the rows and the explanation the HTML report and the workbook show.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path

import duckdb

from seh_stops.delivery.table import figure
from seh_stops.warehouse import open_read_only

COMPARISON_COLUMNS = (
    "maand",
    "roaz_regio",
    "registratiestatus",
    "aantal_seh_locaties",
    "aantal_stops_regionaal",
    "totale_duur_minuten_regionaal",
    "aantal_stops_referentie",
    "totale_duur_minuten_referentie",
    "minuten_gelijktijdig_2plus",
    "minuten_gelijktijdig_helft",
)
# the values a revision compares and a `wijziging` reports (maand and region are the key)
COMPARISON_FIGURES = COMPARISON_COLUMNS[2:]


@dataclass(frozen=True)
class ComparisonRow:
    """One region's month in the comparison mart (figures None when niet_geregistreerd)."""

    maand: str
    roaz_regio: str
    registratiestatus: str
    aantal_seh_locaties: int
    aantal_stops_regionaal: int | None
    totale_duur_minuten_regionaal: int | None
    aantal_stops_referentie: int | None
    totale_duur_minuten_referentie: int | None
    minuten_gelijktijdig_2plus: int | None
    minuten_gelijktijdig_helft: int | None
    minuten_per_locatie_per_dag_regionaal: Decimal | None = None
    minuten_per_locatie_per_dag_referentie: Decimal | None = None
    procent_seh_uren_in_stop_regionaal: Decimal | None = None
    procent_seh_uren_in_stop_referentie: Decimal | None = None


@dataclass(frozen=True)
class ReferenceDefinition:
    """The reference definition valid on the month's first day (``referentie_definitie``)."""

    getelde_stoptypes: str
    minimale_stopduur_min: int
    verlenging_is_nieuwe_stop: str
    samenvoegmarge_min: int


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_MART_COLUMNS = ", ".join(field.name for field in fields(ComparisonRow))


def comparison_file_name(month: str, preliminary: bool = False) -> str:
    """``vergelijking_2023-01.csv``; a preliminary file says so in its name, like section 7's."""
    marker = "_VOORLOPIG" if preliminary else ""
    return f"vergelijking_{month}{marker}.csv"


def query_comparison(con: duckdb.DuckDBPyConnection, month: str) -> list[ComparisonRow]:
    """The ten regions' comparison figures for ``month``, in the section-5 order."""
    rows = con.execute(
        f"select {_MART_COLUMNS} from marts.agg_seh_stops_vergelijking_maand "
        "where maand = ? order by volgorde",
        [month],
    ).fetchall()
    return [ComparisonRow(*row) for row in rows]


def query_definition(con: duckdb.DuckDBPyConnection, month: str) -> ReferenceDefinition | None:
    """The reference definition that holds on the 1st of ``month`` (None if there is none)."""
    row = con.execute(
        "select getelde_stoptypes, minimale_stopduur_min, verlenging_is_nieuwe_stop, "
        "samenvoegmarge_min from reference.referentie_definitie "
        "where geldig_vanaf <= cast(? || '-01' as date) order by geldig_vanaf desc limit 1",
        [month],
    ).fetchone()
    return ReferenceDefinition(*row) if row else None


def read_comparison(warehouse: Path, month: str) -> list[ComparisonRow]:
    """:func:`query_comparison` on the warehouse file, opened read-only."""
    con = open_read_only(warehouse)
    try:
        return query_comparison(con, month)
    finally:
        con.close()


def comparison_csv(rows: Sequence[ComparisonRow]) -> str:
    """The section-9.3 CSV in the section-7 form: ``;``, LF, minimal quoting, empty figures."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COMPARISON_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.maand,
                row.roaz_regio,
                row.registratiestatus,
                row.aantal_seh_locaties,
                *(figure(getattr(row, name)) for name in COMPARISON_COLUMNS[4:]),
            ]
        )
    return buffer.getvalue()


def comparison_changes(old_csv: str | None, new_csv: str) -> list[dict[str, object]]:
    """Per region whose comparison figures changed: old and new (the ``wijzigingen`` entries
    for the comparison file). A revision without a comparison file (written before it
    existed) has ``null`` as every region's old figures."""
    old = _by_region(old_csv) if old_csv is not None else {}
    new = _by_region(new_csv)
    regions = [*new, *(regio for regio in old if regio not in new)]
    return [
        {"roaz_regio": regio, "oud": old.get(regio), "nieuw": new.get(regio)}
        for regio in regions
        if old.get(regio) != new.get(regio)
    ]


def _by_region(text: str) -> dict[str, dict[str, object]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if tuple(reader.fieldnames or ()) != COMPARISON_COLUMNS:
        raise ValueError(
            f"not a section-9.3 comparison CSV: header {reader.fieldnames!r}, "
            f"expected {';'.join(COMPARISON_COLUMNS)}"
        )
    return {
        row["roaz_regio"]: {
            column: row[column]
            if column == "registratiestatus"
            else (int(row[column]) if row[column] else None)
            for column in COMPARISON_FIGURES
        }
        for row in reader
    }


def explanation(definition: ReferenceDefinition | None) -> str:
    """One plain-Dutch paragraph: what the reference definition is and why it exists."""
    rules = "één gemeenschappelijke set regels"
    if definition is not None:
        types = ", ".join(definition.getelde_stoptypes.split())
        chaining = (
            "elke verlenging telt als nieuwe stop"
            if definition.verlenging_is_nieuwe_stop == "ja"
            else f"stops met hooguit {definition.samenvoegmarge_min} minuten ertussen "
            "tellen als één stop"
        )
        rules += (
            f" (meegeteld worden de stoptypes {types}; een stop telt vanaf "
            f"{definition.minimale_stopduur_min} minuten; {chaining})"
        )
    return (
        "Elke regio telt stops volgens haar eigen afspraak: welke soorten stop meetellen, hoe "
        "kort een stop mag zijn en wanneer twee stops samen één stop zijn, verschilt per regio. "
        "Daarom zijn de eigen cijfers van de regio's niet met elkaar te vergelijken. De "
        f"referentiedefinitie is {rules}, voor alle regio's gelijk. De cijfers volgens die "
        "definitie zijn wel tussen regio's te vergelijken; ze vervangen de eigen cijfers niet. "
        "'Tegelijk in stop' is de tijd waarin twee of meer, of minstens de helft, van de "
        "SEH-locaties van een regio tegelijk in stop stonden: dan is de toegang tot de "
        "spoedeisende hulp echt in gevaar."
    )


def _integer(value: int | None) -> str:
    return "-" if value is None else str(value)


def _decimal(value: Decimal | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.2f}".replace(".", ",") + suffix


def _difference(new: int | None, old: int | None) -> str:
    return "-" if new is None or old is None else f"{new - old:+d}"


Line = tuple[str, Callable[[ComparisonRow], str]]

# the regional and reference rows one above the other (the report's and the workbook's rows)
LINES: tuple[Line, ...] = (
    ("Aantal SEH-locaties", lambda r: str(r.aantal_seh_locaties)),
    ("Aantal stops, eigen afspraak", lambda r: _integer(r.aantal_stops_regionaal)),
    ("Aantal stops, referentie", lambda r: _integer(r.aantal_stops_referentie)),
    ("Duur stops (min), eigen afspraak", lambda r: _integer(r.totale_duur_minuten_regionaal)),
    ("Duur stops (min), referentie", lambda r: _integer(r.totale_duur_minuten_referentie)),
    (
        "Min. per locatie per dag, eigen afspraak",
        lambda r: _decimal(r.minuten_per_locatie_per_dag_regionaal),
    ),
    (
        "Min. per locatie per dag, referentie",
        lambda r: _decimal(r.minuten_per_locatie_per_dag_referentie),
    ),
    (
        "Aandeel SEH-uren in stop, eigen afspraak",
        lambda r: _decimal(r.procent_seh_uren_in_stop_regionaal, " %"),
    ),
    (
        "Aandeel SEH-uren in stop, referentie",
        lambda r: _decimal(r.procent_seh_uren_in_stop_referentie, " %"),
    ),
    ("Min. 2 of meer locaties tegelijk in stop", lambda r: _integer(r.minuten_gelijktijdig_2plus)),
    (
        "Min. helft van de locaties tegelijk in stop",
        lambda r: _integer(r.minuten_gelijktijdig_helft),
    ),
)

# the text table adds the differences, so they show at a glance
_TEXT_LINES: tuple[Line, ...] = (
    *LINES[:3],
    (
        "  verschil",
        lambda r: _difference(r.aantal_stops_referentie, r.aantal_stops_regionaal),
    ),
    *LINES[3:5],
    (
        "  verschil",
        lambda r: _difference(r.totale_duur_minuten_referentie, r.totale_duur_minuten_regionaal),
    ),
    *LINES[5:],
    ("Registratiestatus", lambda r: r.registratiestatus),
)


def comparison_table(rows: Sequence[ComparisonRow]) -> str:
    """The month laid out like ``seh-stops report``: one column per region."""
    header = ["", *(row.roaz_regio for row in rows)]
    body = [[label, *(value(row) for row in rows)] for label, value in _TEXT_LINES]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    title = f"SEH-stops per ROAZ-regio, eigen afspraak en referentiedefinitie, {rows[0].maand}"
    return "\n".join([title, "", render(header), *(render(line) for line in body)])


def month_comparison(warehouse: Path, month: str) -> list[ComparisonRow]:
    """The month's comparison rows from the warehouse; a bad or absent month raises the same
    errors as the section-7 table (``month_figures.read_month``), which say what to do."""
    from seh_stops.delivery.month_figures import read_month

    read_month(warehouse, month)
    return read_comparison(warehouse, month)


def comparison_month_csv(warehouse: Path, month: str, delivery_root: Path) -> str:
    """The month's comparison CSV as the ministry has it: the latest delivered revision's file
    when there is one, else the file computed now (like ``month_figures.month_csv``)."""
    from seh_stops.delivery.folders import latest_revision

    latest = latest_revision(delivery_root, month) if _MONTH.fullmatch(month) else None
    if latest is not None:
        delivered = latest.folder / comparison_file_name(month)
        if delivered.is_file():
            return delivered.read_text(encoding="utf-8")
    return comparison_csv(month_comparison(warehouse, month))
