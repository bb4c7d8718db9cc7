"""The frames the suites validate, read from the DuckDB warehouse.

GX's SQL datasource does not work on DuckDB, so every suite runs on a pandas DataFrame read
here. Rules that span rows (overlapping episodes, complete months) become helper columns,
computed here, so that a plain column expectation can state them and point at the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from seh_stops.batching import consecutive_batches
from seh_stops.lpz.contract import MUTATION_COLUMNS, TIMEZONE
from seh_stops.lpz.timestamps import parse_lpz_timestamp
from seh_stops.quality import conditions
from seh_stops.warehouse import open_read_only

_AMSTERDAM = ZoneInfo(TIMEZONE)

# The current version of each export day: the loaded version with the latest gegenereerd_op.
_CURRENT_VERSIONS = """
    select versie_id
    from raw.export_versies
    qualify row_number() over (partition by export_datum order by gegenereerd_at desc) = 1
"""


def latest_export_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest export day loaded, or None before the first load."""
    return con.execute("select max(export_datum) from raw.export_versies").fetchone()[0]


def raw_row_counts(con: duckdb.DuckDBPyConnection, days: Sequence[date]) -> dict[date, int]:
    """Rows of both raw export tables in the current version of each of ``days``."""
    rows = con.execute(
        f"""
        select export_datum, count(*)
        from (
            select versie_id, export_datum from raw.seh_locaties
            union all
            select versie_id, export_datum from raw.seh_statusmutaties
        )
        where versie_id in ({_CURRENT_VERSIONS})
          and list_contains(?::date[], export_datum)
        group by export_datum
        """,
        [list(days)],
    ).fetchall()
    return dict(rows)


def chunk_days(days: Sequence[date], rows: dict[date, int], max_rows: int) -> list[list[date]]:
    """``days`` in order, cut into runs of whole days of at most ``max_rows`` rows each (a
    single larger day is a chunk of its own); always at least one chunk, maybe empty."""
    return consecutive_batches(days, lambda day: rows.get(day, 0), max_rows) or [[]]


def raw_frame(con: duckdb.DuckDBPyConnection, table: str, days: Sequence[date]) -> pd.DataFrame:
    """The rows of ``raw.<table>`` in the current versions of ``days``, values as text.

    ``export_datum`` comes as 'YYYY-MM-DD' text, like every other raw value. The mutations
    frame gets two helper columns: ``geregistreerd_datum`` (the local date of
    geregistreerd_op) and ``identical_resend`` (the same mutation, identical in every field,
    is in an earlier export day: its registration date is naturally an earlier day). Both
    frames get the helper columns of their conditional rules (``conditions``).
    """
    if table == "seh_locaties":
        return _raw_rows(con, table, days, helpers="")
    if table != "seh_statusmutaties":
        raise ValueError(f"no raw export table {table!r}: use seh_locaties or seh_statusmutaties")
    same_content = " and ".join(f"eerder.{c} = rij.{c}" for c in MUTATION_COLUMNS)
    identical_resend = f"""
        , exists (
            select 1
            from raw.seh_statusmutaties as eerder
            where eerder.versie_id in ({_CURRENT_VERSIONS})
              and eerder.export_datum < rij.export_datum
              and {same_content}
        ) as identical_resend
    """
    frame = _raw_rows(con, table, days, helpers=identical_resend)
    frame["geregistreerd_datum"] = frame["geregistreerd_op"].map(local_date_of)
    return frame


def read_raw_frame(
    warehouse: Path, table: str, days: Sequence[date], timeout_seconds: float
) -> pd.DataFrame:
    """``raw_frame`` on a read-only connection of its own, opened for it (waiting up to
    ``timeout_seconds`` while a writing run holds the file) and closed after it: what a
    check's worker process builds (``seh_stops.quality.workers``)."""
    con = open_read_only(warehouse, timeout_seconds)
    try:
        return raw_frame(con, table, days)
    finally:
        con.close()


def _raw_rows(
    con: duckdb.DuckDBPyConnection, table: str, days: Sequence[date], helpers: str
) -> pd.DataFrame:
    """The rows with ``helpers``, then the conditional rules' helper columns (``conditions``),
    which may use ``helpers`` (``identical_resend``)."""
    return con.execute(
        f"""
        select rij.*, {conditions.select_list(table)}
        from (
            select strftime(rij.export_datum, '%Y-%m-%d') as export_datum,
                   rij.* exclude (export_datum)
                   {helpers}
            from raw.{table} as rij
            where rij.versie_id in ({_CURRENT_VERSIONS})
              and list_contains(?::date[], rij.export_datum)
        ) as rij
        order by rij.export_datum, rij.recordnummer
        """,
        [list(days)],
    ).df()


def local_date_of(timestamp: str) -> str | None:
    """The Europe/Amsterdam date ('YYYY-MM-DD') of a contract timestamp, None if unparseable."""
    instant = parse_lpz_timestamp(timestamp)
    return instant.astimezone(_AMSTERDAM).date().isoformat() if instant else None


# The episodes mart with ``span_seconds`` and ``overlaps_earlier_episode``. An episode overlaps
# when it starts before the latest end of the location's earlier episodes under the same
# definitie (not only the previous one: a long episode can cover several later ones). Touching
# episodes (end = next start) do not overlap. A regional and a reference episode of one stop
# overlap by design (specification, section 9.1), so each definitie is checked on its own.
FCT_STOP_EPISODES_CHECKED = """
    select
        episode.*,
        epoch(episode.einde_at) - epoch(episode.begin_at) as span_seconds,
        coalesce(
            episode.begin_at < max(episode.einde_at) over (
                partition by episode.definitie, episode.locatie_id
                order by episode.begin_at, episode.einde_at, episode.episode_id
                rows between unbounded preceding and 1 preceding
            ),
            false
        ) as overlaps_earlier_episode
    from marts.fct_stop_episodes as episode
"""
CHUNK_COLUMN = "_chunk"


def fct_stop_episodes_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The whole episodes frame the suite validates, in one piece (see ``write_chunks``)."""
    return con.execute(
        f"{FCT_STOP_EPISODES_CHECKED} order by episode.locatie_id, episode.begin_at"
    ).df()


def write_chunks(
    con: duckdb.DuckDBPyConnection, query: str, key: str, max_keys: int, path: Path
) -> tuple[int, int]:
    """Write the rows of ``query`` to the Parquet file ``path``, numbered in chunks of at most
    ``max_keys`` values of ``key`` (all rows of one value in one chunk); return the number of
    chunks and of rows.

    Why: a mart's frame grows with history (13.6 million episodes of both definities at 100 x
    the Netherlands over ten years, far beyond a GiB in pandas and GX). Its helper columns
    need every row (windows over a location's history), so DuckDB computes the frame once and
    spills it here, the warehouse is closed again in seconds, and each process that validates
    holds one chunk at a time (``read_chunk``): an expectation on one row, or on the rows
    sharing a key (unique), sees the same rows.
    """
    quoted = str(path).replace("'", "''")
    con.execute(
        f"""
        copy (
            select
                *,
                (dense_rank() over (order by {key}) - 1) // {int(max_keys)} as {CHUNK_COLUMN}
            from ({query})
            order by {CHUNK_COLUMN}, {key}
        ) to '{quoted}' (format parquet)
        """
    )
    with duckdb.connect() as local:
        chunks, rows = local.execute(
            f"select coalesce(max({CHUNK_COLUMN}) + 1, 0), count(*) from read_parquet(?)",
            [str(path)],
        ).fetchone()
    return chunks, rows


def read_chunk(path: Path, chunk: int) -> pd.DataFrame:
    """Chunk number ``chunk`` of a file ``write_chunks`` wrote, without the chunk column."""
    with duckdb.connect() as local:
        local.execute("set TimeZone = 'UTC'")  # as the warehouse connections read timestamps
        return local.execute(
            f"select * exclude ({CHUNK_COLUMN}) from read_parquet(?) where {CHUNK_COLUMN} = ?",
            [str(path), chunk],
        ).df()


def agg_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The region x month mart with ``regions_in_month`` and ``previous_month_present``."""
    frame = con.execute(
        "select * from marts.agg_seh_stops_regio_maand order by maand, volgorde"
    ).df()
    return with_month_helpers(frame)


def with_month_helpers(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the completeness helpers to a frame with a ``maand`` ('YYYY-MM') column."""
    frame = frame.copy()
    frame["regions_in_month"] = frame.groupby("maand")["maand"].transform("size")
    months = set(frame["maand"])
    first = min(months, default=None)
    frame["previous_month_present"] = [
        month == first or previous_month(month) in months for month in frame["maand"]
    ]
    return frame


def previous_month(month: str) -> str | None:
    """'2023-01' -> '2022-12'; None for text that is no month (the suite reports that)."""
    try:
        year, number = (int(part) for part in month.split("-"))
    except (AttributeError, ValueError):
        return None
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"
