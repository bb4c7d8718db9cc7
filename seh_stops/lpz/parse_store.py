"""Each export file parsed once per run, its parse stored on disk until it is loaded.

A run reads every export file more than once: ``seh-stops run`` verifies every day before it
starts the ingestion run (to report the days it cannot load, so the others load), and the
ingestion asset verifies every day again, because it must not trust whoever started the run,
and a day beyond its memory budget once more right before it loads it (a backfill of years
cannot keep every day's files in memory). Reading and hashing a file costs a fraction of
parsing it, so inside :func:`parse_store` the parse of a file's bytes is written once to a
Parquet file in a private folder of the data dir, under the file's name and the SHA-256 of
its bytes; every later verification that reads the same bytes takes it instead of parsing
them again, and the loader inserts the raw rows from it. The SHA-256 is the one each
verification computes to check the manifest, and a parse is a function of the bytes alone,
so each verification is as strict as before.

Keyed by content, not by day: the LPZ sends its whole location register every night, and
while it does not change its file is the same bytes night after night, parsed once for a
backfill of years (each day's rows keep their own lineage when they are loaded).

Bounded: a parse is in memory for one file at a time; what is stored is on disk, removed when
the outermost :func:`parse_store` block ends (after a crash, by the next block: the folder names
its process). Outside a block (the inventory's checks, the tests' own calls) a verification
parses into memory, and the loader stores those parses in a block of its own.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from seh_stops.durable import make_folders
from seh_stops.lpz.csv_file import ParsedFile, parse_export_csv
from seh_stops.processes import remove_leftover_folders

STORE_FOLDER_PREFIX = ".parses-"
# the columns of a stored file besides the contract's (in the contract's order before them)
LINE_COLUMNS = ("regelnummer", "recordnummer")


@dataclass(frozen=True)
class StoredFile:
    """A parsed export file on disk: its well-formed records (contract columns as text, then
    ``regelnummer`` and ``recordnummer``) and its malformed ones, each in a Parquet file."""

    name: str
    sha256: str
    well_formed_count: int
    malformed_count: int
    records_path: Path
    malformed_path: Path | None  # None when every record is well formed

    @property
    def record_count(self) -> int:
        """Data records, header and blank lines excluded: what the manifest's ``rijen`` counts."""
        return self.well_formed_count + self.malformed_count


class _Store:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stored: dict[tuple[str, str], StoredFile] = {}
        self.connection: duckdb.DuckDBPyConnection | None = None

    def writer(self) -> duckdb.DuckDBPyConnection:
        """A private in-memory DuckDB that writes the Parquet files (never the warehouse)."""
        if self.connection is None:
            self.connection = duckdb.connect()
        return self.connection


_store: ContextVar[_Store | None] = ContextVar("parse_store", default=None)


@contextmanager
def parse_store(data_dir: Path) -> Iterator[None]:
    """Store the parses of the verifications inside this block (see the module's docstring).

    A block inside another one (the ingestion asset inside ``seh-stops run``) uses the outer
    block's store, so the asset takes the runner's parses.
    """
    if _store.get() is not None:
        yield
        return
    make_folders(data_dir)
    remove_leftover_folders(data_dir, STORE_FOLDER_PREFIX)
    prefix = f"{STORE_FOLDER_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=data_dir) as folder:
        store = _Store(Path(folder))
        token = _store.set(store)
        try:
            yield
        finally:
            _store.reset(token)
            if store.connection is not None:
                store.connection.close()


def parse_export_csv_once(
    name: str, content: bytes, sha256: str, columns: tuple[str, ...]
) -> ParsedFile | StoredFile:
    """``parse_export_csv`` of ``content`` (file ``name``, whose SHA-256 is ``sha256``): inside
    a :func:`parse_store` block the stored parse of the same bytes, stored now if it is the
    first; outside one, a parse in memory. Raises
    :class:`~seh_stops.lpz.csv_file.UnreadableFile`."""
    store = _store.get()
    if store is None:
        return parse_export_csv(name, content, columns)
    return store.stored.get((name, sha256)) or stored(
        parse_export_csv(name, content, columns), sha256, columns
    )


def stored(file: ParsedFile | StoredFile, sha256: str, columns: tuple[str, ...]) -> StoredFile:
    """``file`` on disk, stored now when it is a parse in memory; call inside a block."""
    if isinstance(file, StoredFile):
        return file
    store = _store.get()
    if store is None:
        raise RuntimeError("stored() needs a parse_store() block: the loader opens one")
    key = (file.name, sha256)
    if key not in store.stored:
        store.stored[key] = _store_parse(store, file, sha256, columns)
    return store.stored[key]


def _store_parse(
    store: _Store, parsed: ParsedFile, sha256: str, columns: tuple[str, ...]
) -> StoredFile:
    """Write ``parsed`` to Parquet in ``store``'s folder."""
    stem = f"{parsed.name.removesuffix('.csv')}-{sha256}"
    records_path = store.folder / f"{stem}.parquet"
    values = list(zip(*(record.values for record in parsed.records), strict=True))
    records = pd.DataFrame(
        {
            **{
                column: pd.Series(values[position] if values else [], dtype="string")
                for position, column in enumerate(columns)
            },
            "regelnummer": pd.Series([r.line_number for r in parsed.records], dtype="int32"),
            "recordnummer": pd.Series([r.record_number for r in parsed.records], dtype="int32"),
        }
    )
    _write_parquet(store.writer(), records, records_path)
    malformed_path = None
    if parsed.malformed:
        malformed_path = store.folder / f"{stem}.malformed.parquet"
        malformed = pd.DataFrame(
            {
                "regelnummer": pd.Series([r.line_number for r in parsed.malformed], dtype="int32"),
                "recordnummer": pd.Series(
                    [r.record_number for r in parsed.malformed], dtype="int32"
                ),
                "detail": pd.Series([r.detail for r in parsed.malformed], dtype="string"),
                "ruwe_velden": pd.Series([r.fields_json for r in parsed.malformed], dtype="string"),
            }
        )
        _write_parquet(store.writer(), malformed, malformed_path)
    return StoredFile(
        name=parsed.name,
        sha256=sha256,
        well_formed_count=len(parsed.records),
        malformed_count=len(parsed.malformed),
        records_path=records_path,
        malformed_path=malformed_path,
    )


def _write_parquet(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, path: Path) -> None:
    con.register("parsed_frame", frame)
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"copy (select * from parsed_frame) to '{quoted}' (format parquet)")
    finally:
        con.unregister("parsed_frame")
