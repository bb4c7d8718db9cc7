"""The quarterly region table, read from the quarter mart and laid out (specification, 10).

Nothing is computed here: the figures, both definitions' minutes (rounded once per quarter) and
the quarter's registration status come from ``marts.agg_seh_stops_regio_kwartaal`` as dbt built
them. This module reads them and lays them out as the section-10 CSV or as a text table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from seh_stops.delivery.due import check_quarter
from seh_stops.delivery.table import figure, region_columns_table, write_csv
from seh_stops.warehouse import open_read_only

QUARTER_MART = "marts.agg_seh_stops_regio_kwartaal"
QUARTER_COLUMNS = (
    "kwartaal",
    "roaz_regio",
    "registratiestatus",
    "aantal_seh_locaties",
    "aantal_stops",
    "totale_duur_minuten",
    "aantal_stops_referentie",
    "totale_duur_minuten_referentie",
    "revisie",
)
# The columns whose values a revision compares and a `wijziging` reports (kwartaal is fixed).
QUARTER_FIGURE_COLUMNS = QUARTER_COLUMNS[2:8]
_COLUMNS = """
    kwartaal, roaz_regio, registratiestatus, aantal_seh_locaties, aantal_stops,
    totale_duur_minuten, aantal_stops_referentie, totale_duur_minuten_referentie,
    minuten_per_locatie_per_dag, minuten_per_locatie_per_dag_referentie,
    registratiestatus_maanden
"""


class QuarterNotAvailable(LookupError):
    """The warehouse has no figures for the asked quarter."""


@dataclass(frozen=True)
class RegionQuarter:
    """One row of the region x quarter mart."""

    kwartaal: str
    roaz_regio: str
    registratiestatus: str
    aantal_seh_locaties: int
    aantal_stops: int | None
    totale_duur_minuten: int | None
    aantal_stops_referentie: int | None
    totale_duur_minuten_referentie: int | None
    minuten_per_locatie_per_dag: Decimal | None
    minuten_per_locatie_per_dag_referentie: Decimal | None
    registratiestatus_maanden: str  # the three months' statuses, comma-separated

    @property
    def month_statuses(self) -> list[str]:
        return self.registratiestatus_maanden.split(",")


def read_quarter(warehouse: Path, quarter: str) -> list[RegionQuarter]:
    """The ten regions' figures for ``quarter`` (YYYY-QN), in the section-5 order."""
    check_quarter(quarter)
    con = open_read_only(warehouse)
    try:
        return query_quarter(con, quarter)
    finally:
        con.close()


def query_quarter(con: duckdb.DuckDBPyConnection, quarter: str) -> list[RegionQuarter]:
    """:func:`read_quarter` on an open connection; QuarterNotAvailable names what there is."""
    rows = query_quarters(con, [check_quarter(quarter)])
    if not rows:
        available = available_quarters(con)
        span = f"{available[0]} .. {available[-1]}" if available else "no quarter yet"
        raise QuarterNotAvailable(
            f"no figures for {quarter} in the warehouse (it holds {span}); load its export "
            "days with `seh-stops run --source DIR`"
        )
    return rows


def query_quarters(con: duckdb.DuckDBPyConnection, quarters: Sequence[str]) -> list[RegionQuarter]:
    """Every region's figures for those of ``quarters`` the warehouse holds, by quarter and
    region."""
    if not quarters:
        return []
    rows = con.execute(
        f"select {_COLUMNS} from {QUARTER_MART} where list_contains(?, kwartaal) "
        "order by kwartaal, volgorde",
        [list(quarters)],
    ).fetchall()
    return [RegionQuarter(*row) for row in rows]


def available_quarters(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The quarters the warehouse holds figures for, oldest first."""
    return [
        row[0]
        for row in con.execute(
            f"select distinct kwartaal from {QUARTER_MART} order by 1"
        ).fetchall()
    ]


def quarter_csv(rows: Sequence[RegionQuarter], revisie: int = 1) -> str:
    """The section-10 CSV (the section-7 form): empty figures when niet_geregistreerd."""
    return write_csv(
        QUARTER_COLUMNS,
        (
            [
                row.kwartaal,
                row.roaz_regio,
                row.registratiestatus,
                row.aantal_seh_locaties,
                figure(row.aantal_stops),
                figure(row.totale_duur_minuten),
                figure(row.aantal_stops_referentie),
                figure(row.totale_duur_minuten_referentie),
                revisie,
            ]
            for row in rows
        ),
    )


def quarter_table(rows: Sequence[RegionQuarter]) -> str:
    """The quarter laid out like the LNAZ appendix: one column per region."""
    labels = (
        ("Registratiestatus", lambda r: r.registratiestatus),
        ("Aantal SEH-locaties", lambda r: str(r.aantal_seh_locaties)),
        ("Aantal stops", lambda r: figure(r.aantal_stops) or "-"),
        ("Totale duur stops (minuten)", lambda r: figure(r.totale_duur_minuten) or "-"),
        ("Aantal stops (referentie)", lambda r: figure(r.aantal_stops_referentie) or "-"),
        (
            "Totale duur (minuten, referentie)",
            lambda r: figure(r.totale_duur_minuten_referentie) or "-",
        ),
    )
    body = [[label, *(value(row) for row in rows)] for label, value in labels]
    return region_columns_table(
        f"SEH-stops per ROAZ-regio, {rows[0].kwartaal}", [row.roaz_regio for row in rows], body
    )
