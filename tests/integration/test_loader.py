"""Loading export days into a real DuckDB file: lineage, idempotency, corrections, archive."""

from datetime import date

import duckdb
import pytest

from seh_stops.lpz.contract import MUTATIONS_FILE
from seh_stops.lpz.export_day import (
    MAX_MALFORMED_SHARE_ENV,
    IncompleteExportDay,
    verify_export_day,
)
from seh_stops.lpz.inventory import reason_phrase
from seh_stops.lpz.loader import LoadOutcome, load_export_day
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import folder_source, mutation_line, write_day

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


def ingest_range(days, exports, warehouse, instance):
    """Materialize the ingestion asset for days[0] .. days[-1] in one run, as a backfill does."""
    from dagster import materialize

    from orchestration.assets.ingestion import lpz_export_day
    from orchestration.resources import WarehouseResource

    return materialize(
        [lpz_export_day],
        tags={
            "dagster/asset_partition_range_start": days[0].isoformat(),
            "dagster/asset_partition_range_end": days[-1].isoformat(),
        },
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "export_source": folder_source(exports),
        },
        instance=instance,
        raise_on_error=False,
    )


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

    from dagster import DagsterInstance

    data_dir = tmp_path / "data"
    monkeypatch.setenv("SEH_DATA_DIR", str(data_dir))
    first = date(2023, 1, 1)
    days = [first + timedelta(days=n) for n in range(33)]  # 2023-01-01 .. 2023-02-02
    for day in days:
        broken = ["M2;too;few"] if day == DAY else []
        write_day(tmp_path / "exports", day, mutations=[mutation_line(f"M{day:%d}"), *broken])
    instance = DagsterInstance.ephemeral()
    result = ingest_range(days, tmp_path / "exports", data_dir / "warehouse.duckdb", instance)
    assert result.success
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


def test_a_batch_of_days_loads_each_version_once_with_its_outcome(con, tmp_path):
    """One transaction for several days: new days, a correction of a loaded day, a stale and
    an unchanged version, each decided against what is loaded and what came before it."""
    from datetime import timedelta

    from seh_stops.lpz.loader import load_export_days

    exports, corrected, archive = tmp_path / "a", tmp_path / "b", tmp_path / "archive"
    other = DAY + timedelta(days=1)
    write_day(exports, DAY, mutations=[mutation_line("M1")])
    write_day(exports, other, mutations=[mutation_line("M2"), "M3;too;few"])
    write_day(
        corrected, DAY, mutations=[mutation_line("M1b")], generated_on="2023-01-12T09:00:00+01:00"
    )
    first = verify_export_day(LocalFolderSource(exports), DAY)
    second = verify_export_day(LocalFolderSource(exports), other)
    correction = verify_export_day(LocalFolderSource(corrected), DAY)
    assert load_export_day(con, first, archive).outcome is LoadOutcome.LOADED

    results = load_export_days(con, [first, second, correction, first], archive)
    assert [r.outcome for r in results] == [
        LoadOutcome.UNCHANGED,
        LoadOutcome.LOADED,
        LoadOutcome.REPLACED,
        LoadOutcome.UNCHANGED,
    ]
    assert results[1].rows == {"seh_locaties.csv": 1, "seh_statusmutaties.csv": 1}
    assert results[1].quarantined == {"seh_locaties.csv": 0, "seh_statusmutaties.csv": 1}
    assert results[3].current_version_id == correction.version_id
    assert counts(con) == {
        "export_versies": 3,
        "seh_locaties": 3,
        "seh_statusmutaties": 3,
        "quarantaine": 1,
    }
    # every version archived whole under its own folder (the days by threads of their own),
    # and nothing else: no temporary file left
    archived = {p.relative_to(archive) for p in archive.rglob("*") if p.is_file()}
    expected = set()
    for version in (first, second, correction):
        folder = archive / version.day.isoformat() / version.generated_on.replace(":", "")
        folder = folder.with_name(folder.name.replace("+", "p"))
        for name, content in version.contents.items():
            assert (folder / name).read_bytes() == content
            expected.add((folder / name).relative_to(archive))
    assert archived == expected
    between = tmp_path / "c"
    write_day(between, DAY, mutations=[mutation_line("M9")], generated_on="2023-01-11T09:00:00Z")
    older = verify_export_day(LocalFolderSource(between), DAY)
    assert load_export_days(con, [older], archive)[0].outcome is LoadOutcome.STALE


def test_days_are_batched_in_order_by_the_size_of_their_files():
    from orchestration.assets.ingestion import _batches
    from seh_stops.lpz.export_day import ExportDaySummary

    def day(n: int, size: int) -> ExportDaySummary:
        return ExportDaySummary(date(2023, 1, n), "x", None, "sha", "src", size)

    days = [day(1, 4), day(2, 4), day(3, 9), day(4, 1), day(5, 1)]
    assert [[d.day.day for d in b] for b in _batches(days, 8)] == [[1, 2], [3], [4, 5]]
    assert [[d.day.day for d in b] for b in _batches(days, 100)] == [[1, 2, 3, 4, 5]]
    assert _batches([], 8) == []


def test_a_day_that_breaks_during_the_run_stops_the_load_after_the_days_before_it(
    tmp_path, monkeypatch
):
    """Three days in one batch, each verified again before loading (no memory budget); the
    LPZ overwrites the second day's mutations between the two verifications. The first day
    is loaded, the run fails naming the second, and the third waits for the next run."""
    from datetime import timedelta

    from dagster import DagsterInstance

    from orchestration.assets import ingestion

    data_dir, exports = tmp_path / "data", tmp_path / "exports"
    monkeypatch.setenv("SEH_DATA_DIR", str(data_dir))
    monkeypatch.setattr(ingestion, "KEEP_VERIFIED_BYTES", 0)
    days = [DAY + timedelta(days=n) for n in range(3)]
    for day in days:
        write_day(exports, day, mutations=[mutation_line(f"M{day:%d}")])
    calls = {day: 0 for day in days}
    verify = ingestion.verify_export_day

    def verify_while_the_lpz_rewrites(source, day):
        calls[day] += 1
        if day == days[1] and calls[day] == 2:  # after the first pass, before its load
            (exports / day.isoformat() / "seh_statusmutaties.csv").write_text("half a file")
        return verify(source, day)

    monkeypatch.setattr(ingestion, "verify_export_day", verify_while_the_lpz_rewrites)
    warehouse = data_dir / "warehouse.duckdb"
    result = ingest_range(days, exports, warehouse, DagsterInstance.ephemeral())
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert f"export day {days[1]} is incomplete" in str(failure.event_specific_data.error)
    assert "changed at the source during this run" in str(failure.event_specific_data.error)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        loaded = [
            row[0] for row in con.execute("select export_datum from raw.export_versies").fetchall()
        ]
    finally:
        con.close()
    assert loaded == [days[0]]


class CountingConnection:
    """A real DuckDB connection that counts the statements the loader sends through it."""

    def __init__(self, connection):
        self.connection = connection
        self.statements = 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self.connection.execute(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.connection, name)


def test_malformed_records_are_quarantined_in_bulk(con, tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_MALFORMED_SHARE_ENV, "1")  # let a mostly broken day load here
    exports = tmp_path / "exports"
    broken = [f"M{number};broken;{number}" for number in range(5000)]
    write_day(exports, DAY, mutations=[mutation_line("M1"), *broken])
    counting = CountingConnection(con)
    result = load_export_day(counting, verify_export_day(LocalFolderSource(exports), DAY), tmp_path)
    assert result.quarantined["seh_statusmutaties.csv"] == 5000
    assert counting.statements < 50  # not one statement per record
    assert con.execute(
        "select count(*), min(regelnummer), max(recordnummer), count(distinct ruwe_velden), "
        "any_value(detail) from raw.quarantaine"
    ).fetchone() == (5000, 3, 5001, 5000, "expected 10 fields, got 3")
    assert con.execute(
        "select ruwe_velden from raw.quarantaine where recordnummer = 5001"
    ).fetchone() == ('["M4999", "broken", "4999"]',)


def test_a_file_mostly_of_malformed_records_makes_the_day_incomplete(tmp_path):
    exports = tmp_path / "exports"
    good = [mutation_line(f"G{number}") for number in range(10)]
    write_day(exports, DAY, mutations=[*good, *(f"B{number};x" for number in range(30))])
    with pytest.raises(IncompleteExportDay) as raised:
        verify_export_day(LocalFolderSource(exports), DAY)
    assert "30 of 40 records are malformed, more than 10%" in str(raised.value)
    assert MAX_MALFORMED_SHARE_ENV in str(raised.value)
    assert reason_phrase(raised.value) == "seh_statusmutaties.csv: te veel onleesbare regels"


def test_a_few_malformed_records_always_load(tmp_path, monkeypatch):
    exports = tmp_path / "exports"
    write_day(exports, DAY, mutations=[mutation_line("G1"), *(f"B{n};x" for n in range(20))])
    assert (
        len(verify_export_day(LocalFolderSource(exports), DAY).files[MUTATIONS_FILE].malformed)
        == 20
    )
    monkeypatch.setenv(MAX_MALFORMED_SHARE_ENV, "twenty")
    with pytest.raises(ValueError, match="is not a share"):
        verify_export_day(LocalFolderSource(exports), DAY)
