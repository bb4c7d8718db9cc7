"""Which days a night loads: new days and corrections, judged on the manifests alone."""

import json
from datetime import UTC, date, datetime

import duckdb

from seh_stops.days import contiguous_blocks
from seh_stops.lpz.contract import MANIFEST_FILE
from seh_stops.lpz.loader import ensure_raw_schema
from seh_stops.lpz.pending import loaded_versions, pending_days
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import write_day


def d(day: int) -> date:
    return date(2023, 1, day)


def loaded(con: duckdb.DuckDBPyConnection, day: date, generated_on: str) -> None:
    con.execute(
        "insert into raw.export_versies values (?, ?, ?, ?, 'test', 'archief', 'sha', now())",
        [f"{day}@{generated_on}", day, generated_on, datetime.fromisoformat(generated_on)],
    )


def test_new_and_corrected_days_are_pending_unchanged_and_stale_ones_are_not(tmp_path):
    for day in (d(1), d(2), d(3), d(4)):
        write_day(tmp_path, day, generated_on=f"{day}T23:59:00+01:00")
    con = duckdb.connect()
    ensure_raw_schema(con)
    loaded(con, d(1), "2023-01-01T23:59:00+01:00")  # the same version: unchanged
    loaded(con, d(2), "2023-01-02T20:00:00+01:00")  # the source now has a later one
    loaded(con, d(3), "2023-01-04T08:00:00+01:00")  # the source's is older: stale
    # the same instant written with another offset is the same version, not a correction
    loaded(con, d(4), "2023-01-04T22:59:00Z")
    source = LocalFolderSource(tmp_path)

    versions = loaded_versions(con)
    assert versions[d(2)] == datetime(2023, 1, 2, 19, 0, tzinfo=UTC)
    assert pending_days(source, source.list_days(), versions) == [d(2)]
    write_day(tmp_path, d(5))  # published since
    assert pending_days(source, source.list_days(), versions) == [d(2), d(5)]


def test_a_manifest_that_cannot_be_read_is_pending_so_its_load_says_why(tmp_path):
    write_day(tmp_path, d(1), generated_on="2023-01-01T23:59:00+01:00")
    con = duckdb.connect()
    ensure_raw_schema(con)
    loaded(con, d(1), "2023-01-01T23:59:00+01:00")
    source = LocalFolderSource(tmp_path)
    (tmp_path / d(1).isoformat() / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    assert pending_days(source, [d(1)], loaded_versions(con)) == [d(1)]
    manifest = {"gegenereerd_op": "2023-01-01 23:59"}  # not a contract timestamp
    (tmp_path / d(1).isoformat() / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert pending_days(source, [d(1)], loaded_versions(con)) == [d(1)]


def test_an_empty_warehouse_has_no_loaded_versions():
    assert loaded_versions(duckdb.connect()) == {}


def test_loadable_days_split_into_contiguous_ranges():
    assert contiguous_blocks([d(5), d(1), d(2), d(3)]) == [[d(1), d(2), d(3)], [d(5)]]
    assert contiguous_blocks([]) == []


def test_a_manifest_python_cannot_decode_is_pending_not_a_crash(tmp_path):
    """Found by the fuzz tests: a manifest nested thousands deep or holding a 5000-digit
    number raised RecursionError or ValueError and stopped the night's run and the sensor."""
    con = duckdb.connect()
    ensure_raw_schema(con)
    for day, content in (
        (d(1), b"[" * 100_000 + b"]" * 100_000),
        (d(2), b'{"gegenereerd_op": ' + b"9" * 5000 + b"}"),
    ):
        write_day(tmp_path, day)
        (tmp_path / day.isoformat() / MANIFEST_FILE).write_bytes(content)
        loaded(con, day, f"{day}T23:59:00+01:00")
    assert pending_days(LocalFolderSource(tmp_path), [d(1), d(2)], loaded_versions(con)) == [
        d(1),
        d(2),
    ]
