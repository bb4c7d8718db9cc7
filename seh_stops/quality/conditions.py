"""The rows a conditional raw rule covers, as helper columns DuckDB computes with the frame.

Many raw rules hold on some rows only (a stop has one of the four stop types, only a stop
has a stoptype). A GX ``row_condition`` on a pandas frame filters the whole frame again for
every metric of every such expectation, which was most of the raw check's time on a large
frame (docs/performance.md). Instead the frame carries, per rule, a helper column: the
contract column's value on the rows the rule covers, NULL on every other row. GX's column
map expectations skip NULLs (and the pair expectation ignores rows with a missing value), so
an unconditional expectation on the helper column flags exactly the rows the conditional one
did, with the same values; an empty field stays ``''`` and is judged as before.

The conditions are NULL-safe where GX's pandas filter was: ``status != 'stop'`` in
``DataFrame.query`` holds for a missing status, so here it is ``is distinct from``. (The raw
columns are ``not null``, so this only matters for frames built by hand.)

Pure data and SQL text, no GX: ``frames`` builds the query from it, ``suites`` names the
helper columns, and both stay cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd


@dataclass(frozen=True)
class RowsOf:
    """Helper column ``name``: ``column`` where ``where`` holds (SQL on the row ``rij``)."""

    name: str
    column: str
    where: str
    rows: str  # which rows, in words, for the expectation's notes in Data Docs

    def select(self) -> str:
        """The helper column's expression in a select over the frame's rows as ``rij``."""
        return f"case when {self.where} then rij.{self.column} end as {self.name}"

    def note(self) -> str:
        return f"Column {self.name}: {self.column} on {self.rows}, null (not checked) elsewhere."


def given(column: str) -> RowsOf:
    """``column`` where it is not the empty field (a format rule on a value when given)."""
    return RowsOf(
        f"{column}_gegeven", column, f"rij.{column} is distinct from ''", "rows where it is given"
    )


# raw_seh_locaties
ACTIEF_SINDS_GEGEVEN = given("actief_sinds")
ACTIEF_SINDS_BIJ_ACTIEF = RowsOf(
    "actief_sinds_bij_actief",
    "actief_sinds",
    "rij.seh_module_actief = 'ja'",
    "rows with seh_module_actief = 'ja'",
)
ACTIEF_SINDS_BIJ_INACTIEF = RowsOf(
    "actief_sinds_bij_inactief",
    "actief_sinds",
    "rij.seh_module_actief = 'nee'",
    "rows with seh_module_actief = 'nee'",
)

# raw_seh_statusmutaties
STOPTYPE_BIJ_STOP = RowsOf(
    "stoptype_bij_stop", "stoptype", "rij.status = 'stop'", "rows with status = 'stop'"
)
STOPTYPE_BUITEN_STOP = RowsOf(
    "stoptype_buiten_stop",
    "stoptype",
    "rij.status is distinct from 'stop'",
    "rows whose status is not 'stop'",
)
INGANG_BIJ_STOP_OF_OPEN = RowsOf(
    "ingang_bij_stop_of_open",
    "ingang",
    "rij.status in ('stop', 'open')",
    "rows with status 'stop' or 'open'",
)
INGANG_GEGEVEN = given("ingang")
GEPLAND_EINDE_GEGEVEN = given("gepland_einde")
GEREGISTREERD_OP_GEGEVEN = given("geregistreerd_op")
SPECIALISME_BUITEN_SPECIALISME = RowsOf(
    "specialisme_buiten_specialisme",
    "specialisme",
    "rij.stoptype is distinct from 'specialisme'",
    "rows whose stoptype is not 'specialisme'",
)
GEPLAND_EINDE_BUITEN_STOP = RowsOf(
    "gepland_einde_buiten_stop",
    "gepland_einde",
    "rij.status is distinct from 'stop'",
    "rows whose status is not 'stop'",
)
VERVANGT_BIJ_INTREKKING = RowsOf(
    "vervangt_mutatie_id_bij_intrekking",
    "vervangt_mutatie_id",
    "rij.status = 'ingetrokken'",
    "rows with status = 'ingetrokken'",
)
VERVANGT_BUITEN_INTREKKING = RowsOf(
    "vervangt_mutatie_id_buiten_intrekking",
    "vervangt_mutatie_id",
    "rij.status is distinct from 'ingetrokken'",
    "rows whose status is not 'ingetrokken'",
)
EXPORT_DATUM_ZONDER_HERHALING = RowsOf(
    "export_datum_zonder_herhaling",
    "export_datum",
    "rij.identical_resend = false",
    "rows that are not an identical re-send (identical_resend is false)",
)

CONDITIONS: dict[str, tuple[RowsOf, ...]] = {
    "seh_locaties": (ACTIEF_SINDS_GEGEVEN, ACTIEF_SINDS_BIJ_ACTIEF, ACTIEF_SINDS_BIJ_INACTIEF),
    "seh_statusmutaties": (
        STOPTYPE_BIJ_STOP,
        INGANG_BIJ_STOP_OF_OPEN,
        INGANG_GEGEVEN,
        GEPLAND_EINDE_GEGEVEN,
        GEREGISTREERD_OP_GEGEVEN,
        STOPTYPE_BUITEN_STOP,
        SPECIALISME_BUITEN_SPECIALISME,
        GEPLAND_EINDE_BUITEN_STOP,
        VERVANGT_BIJ_INTREKKING,
        VERVANGT_BUITEN_INTREKKING,
        EXPORT_DATUM_ZONDER_HERHALING,
    ),
}
# Every helper column: sample rows leave them out (they repeat a column the row shows).
CONDITION_COLUMNS = frozenset(rows.name for table in CONDITIONS.values() for rows in table)


def select_list(table: str) -> str:
    """The helper columns of ``raw.<table>``'s frame, for a select over its rows as ``rij``."""
    return ", ".join(rows.select() for rows in CONDITIONS[table])


def with_conditions(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` (a raw frame built by hand, without them) with the helper columns added, by
    the same SQL as the warehouse query, so a test frame is validated like a real one."""
    with duckdb.connect() as local:
        local.register("rij", frame)
        helpers = local.execute(f"select {select_list(table)} from rij").df()
    frame = frame.copy()
    for name in helpers.columns:
        frame[name] = helpers[name].astype(object).where(helpers[name].notna(), None).values
    return frame
