"""Loading export days into a real DuckDB file: lineage, idempotency, corrections, archive."""

from datetime import date

import duckdb
import pytest

from orchestration.lpz.export_day import verify_export_day
from orchestration.lpz.loader import LoadOutcome, load_export_day
from orchestration.lpz.source import LocalFolderSource
from tests.exportdays import mutation_line, write_day

DAY = date(2023, 1, 10)


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def load(con, exports, archive):
    return load_export_day(con, verify_export_day(LocalFolderSource(exports), DAY), archive)


def counts(con):
    return {
        table: con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        for table in ("export_versies", "seh_locaties", "seh_statusmutaties", "quarantaine")
    }


def test_rows_land_in_raw_with_lineage_and_malformed_rows_in_quarantine(con, tmp_path):
    exports = tmp_path / "exports"
    write_day(exports, DAY, mutations=[mutation_line("M1"), "M2;too;few", mutation_line("M3")])
    result = load(con, exports, tmp_path / "archive")
    assert result.outcome is LoadOutcome.LOADED
    assert result.rows == {"seh_locaties.csv": 1, "seh_statusmutaties.csv": 2}
    assert result.quarantined == {"seh_locaties.csv": 0, "seh_statusmutaties.csv": 1}
    rows = con.execute(
        "select mutatie_id, export_datum, bestand, regelnummer, recordnummer, gegenereerd_op "
        "from raw.seh_statusmutaties order by recordnummer"
    ).fetchall()
    assert rows == [
        ("M1", DAY, "seh_statusmutaties.csv", 2, 1, "2023-01-10T23:59:00+01:00"),
        ("M3", DAY, "seh_statusmutaties.csv", 4, 3, "2023-01-10T23:59:00+01:00"),
    ]
    assert con.execute(
        "select regelnummer, recordnummer, reden, detail, ruwe_velden from raw.quarantaine"
    ).fetchall() == [(3, 2, "malformed_row", "expected 10 fields, got 3", '["M2", "too", "few"]')]


def test_reloading_the_same_version_changes_nothing(con, tmp_path):
    exports = tmp_path / "exports"
    write_day(exports, DAY, mutations=[mutation_line("M1")])
    load(con, exports, tmp_path / "archive")
    before = counts(con)
    assert load(con, exports, tmp_path / "archive").outcome is LoadOutcome.UNCHANGED
    assert counts(con) == before


def test_a_later_version_replaces_the_day_and_the_older_one_stays_archived(con, tmp_path):
    exports, archive = tmp_path / "exports", tmp_path / "archive"
    write_day(
        exports, DAY, mutations=[mutation_line("M1")], generated_on="2023-01-11T02:00:00+01:00"
    )
    load(con, exports, archive)
    write_day(
        exports,
        DAY,
        mutations=[mutation_line("M1"), mutation_line("M2")],
        generated_on="2023-01-12T02:00:00+01:00",
    )
    result = load(con, exports, archive)
    assert result.outcome is LoadOutcome.REPLACED
    assert counts(con)["export_versies"] == 2
    assert sorted(p.name for p in (archive / DAY.isoformat()).iterdir()) == [
        "2023-01-11T020000p0100",
        "2023-01-12T020000p0100",
    ]
    old = archive / DAY.isoformat() / "2023-01-11T020000p0100" / "seh_statusmutaties.csv"
    assert b"M2" not in old.read_bytes()


def test_an_older_version_is_stale_and_the_loaded_one_stays_current(con, tmp_path):
    exports, archive = tmp_path / "exports", tmp_path / "archive"
    write_day(exports, DAY, generated_on="2023-01-12T02:00:00+01:00")
    load(con, exports, archive)
    write_day(exports, DAY, generated_on="2023-01-11T02:00:00+01:00")
    result = load(con, exports, archive)
    assert result.outcome is LoadOutcome.STALE
    assert result.current_version_id == "2023-01-10@2023-01-12T02:00:00+01:00"
    assert counts(con)["export_versies"] == 1


def test_a_range_of_more_than_a_month_logs_months_and_noteworthy_days(tmp_path, monkeypatch):
    """Each log line is a Dagster event: 33 days give two month lines and one day line, for
    the day whose load quarantined a malformed row."""
    from datetime import timedelta

    from dagster import DagsterInstance, materialize

    from orchestration.assets.ingestion import lpz_export_day
    from orchestration.resources import ExportSourceResource, WarehouseResource

    data_dir = tmp_path / "data"
    monkeypatch.setenv("SEH_DATA_DIR", str(data_dir))
    first = date(2023, 1, 1)
    days = [first + timedelta(days=n) for n in range(33)]  # 2023-01-01 .. 2023-02-02
    for day in days:
        broken = ["M2;too;few"] if day == DAY else []
        write_day(tmp_path / "exports", day, mutations=[mutation_line(f"M{day:%d}"), *broken])
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [lpz_export_day],
        tags={
            "dagster/asset_partition_range_start": days[0].isoformat(),
            "dagster/asset_partition_range_end": days[-1].isoformat(),
        },
        resources={
            "warehouse": WarehouseResource(path=str(data_dir / "warehouse.duckdb")),
            "export_source": ExportSourceResource(location=str(tmp_path / "exports")),
        },
        instance=instance,
    )
    lines = [
        record.user_message
        for record in instance.all_logs(result.run_id)
        if record.step_key == "lpz_export_day" and record.dagster_event is None
    ]
    assert lines == [
        f"{DAY}: loaded {DAY}@{DAY}T23:59:00+01:00 (seh_locaties.csv: 1 "
        "rows, 0 quarantined, seh_statusmutaties.csv: 1 rows, 1 quarantined)",
        "2023-01: 31 export days (31 loaded; seh_locaties.csv: 31 rows, 0 quarantined, "
        "seh_statusmutaties.csv: 31 rows, 1 quarantined)",
        "2023-02: 2 export days (2 loaded; seh_locaties.csv: 2 rows, 0 quarantined, "
        "seh_statusmutaties.csv: 2 rows, 0 quarantined)",
    ]
