"""Hand-made findings for the alert tests: ``marts.dq_bevindingen`` in a scratch DuckDB file.

The table has the mart's schema (one row per finding); the rows are written here, so the alert
tests do not depend on the dbt project.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from seh_stops.alerts.digest import FINDING_COLUMNS, Bevinding

FINDINGS_DDL = """
create schema if not exists marts;
create or replace table marts.dq_bevindingen (
    bevinding_id varchar not null,
    soort varchar not null,
    ernst varchar not null,
    roaz_regio varchar,
    export_datum date,
    maand varchar,
    aantal integer,
    detail varchar not null,
    advies varchar not null,
    eerst_gezien_at timestamptz not null,
    laatst_gezien_at timestamptz not null,
    is_open boolean not null
);
"""

SEEN = datetime(2023, 2, 1, 5, 10, tzinfo=UTC)


def finding(bevinding_id: str, **overrides: object) -> Bevinding:
    """A finding with plausible values; pass the columns a test is about."""
    values: dict[str, object] = {
        "bevinding_id": bevinding_id,
        "soort": "regio_niet_geregistreerd",
        "ernst": "kritiek",
        "roaz_regio": "Euregio",
        "export_datum": None,
        "maand": "2023-01",
        "aantal": 31,
        "detail": "Euregio heeft in januari 2023 op geen enkele dag SEH-stops geregistreerd.",
        "advies": "Vraag de ROAZ Euregio of de SEH's de stops in het LPZ gaan registreren.",
        "eerst_gezien_at": SEEN,
        "laatst_gezien_at": SEEN,
        "is_open": True,
    }
    values.update(overrides)
    return Bevinding(**values)


# Three findings as the January 2023 story would have them: a region that did not register, an
# export day that is missing (no region), and a region that registered only partly.
EUREGIO = finding("regio_niet_geregistreerd|Euregio|2023-01")
MISSING_DAY = finding(
    "exportdag_ontbreekt|2023-01-17",
    soort="exportdag_ontbreekt",
    roaz_regio=None,
    export_datum=date(2023, 1, 17),
    maand=None,
    aantal=1,
    detail="De export van 17 januari 2023 is niet ontvangen.",
    advies="Vraag het LPZ de export van 17 januari 2023 alsnog te leveren.",
)
MIDDEN = finding(
    "regio_gedeeltelijk|Midden|2023-01",
    soort="regio_gedeeltelijk",
    ernst="waarschuwing",
    roaz_regio="Midden",
    aantal=2,
    detail="In Midden registreerden 2 van de 5 SEH-locaties geen stops in januari 2023.",
    advies="Vraag de ziekenhuizen in Midden hun SEH-locaties in het LPZ te activeren.",
)


def write_findings(path: Path, findings: list[Bevinding]) -> None:
    """Replace the findings table in the DuckDB file at ``path`` by ``findings``."""
    with duckdb.connect(str(path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(FINDINGS_DDL)
        con.executemany(
            f"insert into marts.dq_bevindingen values ({', '.join('?' * len(FINDING_COLUMNS))})",
            [[getattr(f, column) for column in FINDING_COLUMNS] for f in findings],
        )


def ledger_rows(path: Path) -> list[tuple[str, str]]:
    """The ledger as (bevinding_id, gebeurtenis), oldest first; empty when there is none."""
    with duckdb.connect(str(path)) as con:
        exists = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'alerts' and table_name = 'verzonden_bevindingen'"
        ).fetchone()[0]
        if not exists:
            return []
        return con.execute(
            "select bevinding_id, gebeurtenis from alerts.verzonden_bevindingen "
            "order by verzonden_at, bevinding_id"
        ).fetchall()
