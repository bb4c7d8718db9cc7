"""Each export file parsed once per run, stored on disk (seh_stops/lpz/parse_store.py): real
export-day folders through the real folder source, real Parquet files, a real DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import duckdb
import pytest

from seh_stops.lpz import parse_store
from seh_stops.lpz.contract import LOCATIONS_FILE, MUTATIONS_FILE
from seh_stops.lpz.csv_file import ParsedFile
from seh_stops.lpz.export_day import verify_export_day
from seh_stops.lpz.loader import load_export_days
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import location_line, mutation_line, write_day

DAY = date(2023, 1, 10)
# a record that breaks the header's field count, and one with a quoted separator and quote
MUTATIONS = [mutation_line("M1"), "M2;too;few", mutation_line("M3", toelichting='"a;b ""c"""')]


@pytest.fixture
def parses(monkeypatch):
    """The files ``parse_store`` parses, by name, in order."""
    parsed: list[str] = []
    parse = parse_store.parse_export_csv

    def counting(name, content, columns):
        parsed.append(name)
        return parse(name, content, columns)

    monkeypatch.setattr(parse_store, "parse_export_csv", counting)
    return parsed


def stored_rows(path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            "select * from read_parquet(?) order by recordnummer", [str(path)]
        ).fetchall()


def test_the_second_verification_takes_the_first_ones_stored_parse(tmp_path, parses):
    write_day(tmp_path / "exports", DAY, mutations=MUTATIONS)
    source = LocalFolderSource(tmp_path / "exports")
    alone = verify_export_day(source, DAY)  # outside a block: a parse in memory
    assert isinstance(alone.files[MUTATIONS_FILE], ParsedFile)
    parses.clear()
    with parse_store.parse_store(tmp_path / "data"):
        first = verify_export_day(source, DAY)
        second = verify_export_day(source, DAY)
        prefix = f"{parse_store.STORE_FOLDER_PREFIX}{os.getpid()}-"
        folders = list((tmp_path / "data").glob(f"{prefix}*"))
        assert len(folders) == 1
        mutations = first.files[MUTATIONS_FILE]
        expected = alone.files[MUTATIONS_FILE]
        assert second.files[MUTATIONS_FILE] is mutations
        assert sorted(parses) == [LOCATIONS_FILE, MUTATIONS_FILE]  # each parsed once
        assert (mutations.well_formed_count, mutations.malformed_count) == (2, 1)
        assert mutations.record_count == expected.record_count == 3
        assert stored_rows(mutations.records_path) == [
            (*record.values, record.line_number, record.record_number)
            for record in expected.records
        ]
        [bad] = expected.malformed
        assert stored_rows(mutations.malformed_path) == [
            (bad.line_number, bad.record_number, bad.detail, bad.fields_json)
        ]
    assert not any(folder.exists() for folder in folders)  # removed when the block ends


def test_a_nested_block_uses_the_outer_store(tmp_path, parses):
    write_day(tmp_path / "exports", DAY, mutations=MUTATIONS)
    source = LocalFolderSource(tmp_path / "exports")
    with parse_store.parse_store(tmp_path / "data"):
        outer = verify_export_day(source, DAY)
        with parse_store.parse_store(tmp_path / "elsewhere"):
            inner = verify_export_day(source, DAY)
        assert inner.files == outer.files
        assert outer.files[MUTATIONS_FILE].records_path.exists()  # the inner end removed nothing
    assert len(parses) == 2
    assert not (tmp_path / "elsewhere").exists()


def test_the_same_bytes_on_two_days_are_parsed_once_and_loaded_with_each_days_lineage(
    tmp_path, parses, monkeypatch
):
    """The location register is the same bytes night after night: one parse, and each day's
    rows in raw carry that day's own version and line numbers."""
    monkeypatch.setenv("SEH_DATA_DIR", str(tmp_path / "data"))
    days = [DAY, DAY + timedelta(days=1)]
    register = [location_line("SEH0001"), location_line("SEH0002", regio="Zuid")]
    for day in days:
        write_day(
            tmp_path / "exports", day, locations=register, mutations=[mutation_line(f"M{day:%d}")]
        )
    source = LocalFolderSource(tmp_path / "exports")
    with parse_store.parse_store(tmp_path / "data"):
        export_days = [verify_export_day(source, day) for day in days]
        assert parses.count(LOCATIONS_FILE) == 1 and parses.count(MUTATIONS_FILE) == 2
        with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
            results = load_export_days(con, export_days, tmp_path / "archive")
            rows = con.execute(
                "select versie_id, export_datum, bestand, regelnummer, recordnummer, locatie_id, "
                "roaz_regio from raw.seh_locaties order by export_datum, recordnummer"
            ).fetchall()
            mutations = con.execute(
                "select export_datum, mutatie_id from raw.seh_statusmutaties order by export_datum"
            ).fetchall()
    assert [result.rows[LOCATIONS_FILE] for result in results] == [2, 2]
    assert rows == [
        (export_day.version_id, export_day.day, LOCATIONS_FILE, line, line - 1, locatie, regio)
        for export_day in export_days
        for line, locatie, regio in ((2, "SEH0001", "Noord"), (3, "SEH0002", "Zuid"))
    ]
    assert mutations == [(days[0], "M10"), (days[1], "M11")]


def test_bytes_changed_at_the_source_are_parsed_anew(tmp_path, parses):
    """A corrected file (new bytes, new manifest) between two verifications is parsed again:
    a stored parse is taken only for the same bytes."""
    exports = tmp_path / "exports"
    write_day(exports, DAY, mutations=[mutation_line("M1")])
    source = LocalFolderSource(exports)
    with parse_store.parse_store(tmp_path / "data"):
        before = verify_export_day(source, DAY)
        write_day(
            exports,
            DAY,
            mutations=[mutation_line("M1"), mutation_line("M9")],
            generated_on="2023-01-11T09:00:00+01:00",
        )
        after = verify_export_day(source, DAY)
        ids = [row[0] for row in stored_rows(after.files[MUTATIONS_FILE].records_path)]
    assert ids == ["M1", "M9"]
    assert before.files[MUTATIONS_FILE].record_count == 1
    assert parses.count(MUTATIONS_FILE) == 2
    assert parses.count(LOCATIONS_FILE) == 1  # its bytes did not change


def test_a_killed_runs_stored_parses_are_removed_by_the_next_block(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = data_dir / f"{parse_store.STORE_FOLDER_PREFIX}{int(dead.stdout)}-abc"
    live = data_dir / f"{parse_store.STORE_FOLDER_PREFIX}{os.getppid()}-def"
    for folder in (left, live):
        folder.mkdir()
        (folder / "seh_statusmutaties-0.parquet").write_bytes(b"stored rows")
    with parse_store.parse_store(data_dir):
        pass
    assert not left.exists()
    assert live.exists()  # a running process's folder stays
