"""The monthly region table, read from the mart and laid out for people and for the ministry.

Nothing is computed here: the figures and the registration status come from
``marts.agg_seh_stops_regio_maand`` as dbt built them. This module only lays them out, like the
LNAZ appendix (regions as columns) or as the section-7 delivery CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from seh_stops.days import is_month
from seh_stops.delivery.folders import latest_revision
from seh_stops.delivery.table import (
    DELIVERY_COLUMNS,
    delivery_csv,
    figure,
    region_columns_table,
)
from seh_stops.warehouse import open_read_only

__all__ = ["DELIVERY_COLUMNS", "RegionMonth", "appendix_table", "delivery_csv", "read_month"]
_COLUMNS = """
    maand, roaz_regio, registratiestatus, aantal_seh_locaties, aantal_stops,
    totale_duur_minuten, minuten_per_locatie_per_dag, procent_seh_uren_in_stop
"""


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
    # the normalised figures of the mart (NULL with the others when niet_geregistreerd)
    minuten_per_locatie_per_dag: Decimal | None = None
    procent_seh_uren_in_stop: Decimal | None = None


def read_month(warehouse: Path, month: str) -> list[RegionMonth]:
    """The ten regions' figures for ``month`` (YYYY-MM), in the section-5 order."""
    if not is_month(month):
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (for example 2023-01)")
    con = open_read_only(warehouse)
    try:
        return query_month(con, month)
    finally:
        con.close()


def query_month(con: duckdb.DuckDBPyConnection, month: str) -> list[RegionMonth]:
    """:func:`read_month` on an open connection; MonthNotAvailable names the months there are."""
    rows = query_months(con, month, month)
    if not rows:
        available = [
            row[0]
            for row in con.execute(
                "select distinct maand from marts.agg_seh_stops_regio_maand order by 1"
            ).fetchall()
        ]
        span = f"{available[0]} .. {available[-1]}" if available else "no month yet"
        raise MonthNotAvailable(
            f"no figures for {month} in the warehouse (it holds {span}); load its export days "
            "with `seh-stops run --source DIR`"
        )
    return rows


def query_months(con: duckdb.DuckDBPyConnection, first: str, last: str) -> list[RegionMonth]:
    """Every region's figures for the months ``first`` .. ``last``, by month and region."""
    rows = con.execute(
        f"select {_COLUMNS} from marts.agg_seh_stops_regio_maand "
        "where maand between ? and ? order by maand, volgorde",
        [first, last],
    ).fetchall()
    return [RegionMonth(*row) for row in rows]


def month_csv(warehouse: Path, month: str, delivery_root: Path) -> str:
    """The month's CSV as the ministry has it: the latest delivered revision's file when there
    is one, else the table computed now (``revisie`` 1, as a first delivery would be)."""
    latest = latest_revision(delivery_root, month) if is_month(month) else None
    if latest is not None:
        return latest.file(".csv").read_text(encoding="utf-8")
    return delivery_csv(read_month(warehouse, month))


def appendix_table(rows: list[RegionMonth]) -> str:
    """The month laid out like the LNAZ appendix: one column per region."""
    labels = (
        ("Registratiestatus", lambda r: r.registratiestatus),
        ("Aantal SEH-locaties", lambda r: str(r.aantal_seh_locaties)),
        ("Aantal stops", lambda r: figure(r.aantal_stops) or "-"),
        ("Totale duur stops (minuten)", lambda r: figure(r.totale_duur_minuten) or "-"),
    )
    body = [[label, *(value(row) for row in rows)] for label, value in labels]
    return region_columns_table(
        f"SEH-stops per ROAZ-regio, {rows[0].maand}", [row.roaz_regio for row in rows], body
    )
