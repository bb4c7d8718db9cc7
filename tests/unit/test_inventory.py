"""The export-day inventory: outcomes per day, fixed reasons, and only changed days verified."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime

import duckdb
import pytest

from seh_stops.lpz.contract import LOCATIONS_FILE, MANIFEST_FILE, MUTATIONS_FILE
from seh_stops.lpz.export_day import IncompleteExportDay, verify_export_day
from seh_stops.lpz.inventory import (
    GENERIC_REASON,
    CheckStatus,
    reason_phrase,
    stored_checks,
    take_inventory,
)
from seh_stops.lpz.loader import load_export_day
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import mutation_line, write_day

DAY = date(2023, 1, 10)
NEXT = date(2023, 1, 11)


class CountingSource(LocalFolderSource):
    """A local source that counts the reads of the CSV files (the costly part of a check)."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.csv_reads = 0

    def read(self, day, name):
        if name != MANIFEST_FILE:
            self.csv_reads += 1
        return super().read(day, name)


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


def outcomes(con) -> dict[date, tuple[str, str | None]]:
    return {c.export_datum: (c.status.value, c.reden) for c in stored_checks(con)}


def test_each_day_gets_its_outcome_with_a_fixed_reason(tmp_path, con):
    write_day(tmp_path, DAY, mutations=[mutation_line()])
    write_day(tmp_path, NEXT, raw={LOCATIONS_FILE: b"locatie_id\nonbekend\n"})
    (tmp_path / "2023-01-12").mkdir()
    take_inventory(con, LocalFolderSource(tmp_path))
    assert outcomes(con) == {
        DAY: ("compleet", None),
        NEXT: ("incompleet", "seh_locaties.csv: SHA-256 wijkt af van het manifest"),
        date(2023, 1, 12): ("incompleet", "manifest.json ontbreekt"),
    }
    [complete] = [c for c in stored_checks(con) if c.export_datum == DAY]
    assert complete.gegenereerd_op == "2023-01-10T23:59:00+01:00"
    assert len(complete.manifest_sha256) == 64


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"contractversie": "Jan Jansen, SEH-arts"}, "manifest.json: contractversie is niet 1"),
        ({"exportdatum": "Jan Jansen"}, "manifest.json: exportdatum is niet de dag van de map"),
        ({"gegenereerd_op": "Jan Jansen"}, "manifest.json: gegenereerd_op ongeldig"),
        (
            {"bestanden": [{"naam": "Jan Jansen.csv", "rijen": 1, "sha256": "x"}]},
            "manifest.json: bestandenlijst ongeldig",
        ),
    ],
)
def test_a_reason_never_holds_text_from_the_files(tmp_path, con, overrides, reason):
    write_day(tmp_path, DAY, manifest_overrides=overrides)
    take_inventory(con, LocalFolderSource(tmp_path))
    assert outcomes(con) == {DAY: ("incompleet", reason)}


def test_reasons_of_the_csv_checks(tmp_path):
    source = LocalFolderSource(tmp_path)
    cases = {
        "seh_statusmutaties.csv: aantal rijen wijkt af": {"rijen": 5},
        "seh_statusmutaties.csv ontbreekt": "unpublished",
    }
    for reason, change in cases.items():
        folder = write_day(tmp_path, DAY)
        if change == "unpublished":
            (folder / MUTATIONS_FILE).unlink()
        else:
            manifest = json.loads((folder / MANIFEST_FILE).read_text())
            manifest["bestanden"][1].update(change)
            (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
        with pytest.raises(IncompleteExportDay) as problem:
            verify_export_day(source, DAY)
        assert reason_phrase(problem.value) == reason
        shutil.rmtree(folder)
    unknown = IncompleteExportDay(DAY, "something new, quoting 'Jan Jansen'")
    assert reason_phrase(unknown) == GENERIC_REASON


def test_only_new_changed_and_incomplete_days_are_verified_again(tmp_path, con):
    write_day(tmp_path, DAY)
    write_day(tmp_path, NEXT, raw={MUTATIONS_FILE: b"kapot"})
    source = CountingSource(tmp_path)
    first = take_inventory(con, source)
    assert first.verified == [DAY, NEXT] and first.skipped == []

    source.csv_reads = 0
    second = take_inventory(con, source)
    assert second.verified == [NEXT]  # incomplete: its files may have been fixed since
    assert second.skipped == [DAY]
    assert source.csv_reads == 2  # NEXT's two files; DAY's files were not read

    write_day(tmp_path, NEXT)  # the LPZ fixes the day
    write_day(tmp_path, DAY, generated_on="2023-01-11T09:00:00+01:00")  # and corrects DAY
    third = take_inventory(con, source)
    assert third.verified == [DAY, NEXT]
    assert outcomes(con) == {DAY: ("compleet", None), NEXT: ("compleet", None)}


def test_a_version_not_later_than_the_loaded_one_is_stale(tmp_path, con):
    write_day(tmp_path, DAY, generated_on="2023-01-11T09:00:00+01:00")
    source = LocalFolderSource(tmp_path)
    load_export_day(con, verify_export_day(source, DAY), tmp_path / "archive")
    take_inventory(con, source)
    assert outcomes(con) == {DAY: ("compleet", None)}  # the loaded version itself

    write_day(tmp_path, DAY, mutations=[mutation_line()], generated_on="2023-01-11T02:30:00+01:00")
    take_inventory(con, source)
    assert outcomes(con) == {DAY: ("verouderd", "niet later dan de geladen versie")}
    [stale] = stored_checks(con)
    assert stale.gegenereerd_op == "2023-01-11T02:30:00+01:00"

    # the same instant written with another offset is not later either
    write_day(tmp_path, DAY, mutations=[mutation_line()], generated_on="2023-01-11T08:00:00Z")
    take_inventory(con, source)
    assert outcomes(con)[DAY][0] == "verouderd"

    write_day(tmp_path, DAY, generated_on="2023-01-12T09:00:00+01:00")
    take_inventory(con, source)
    assert outcomes(con) == {DAY: ("compleet", None)}  # a real correction, to be loaded


def test_an_unsettled_day_that_leaves_the_source_leaves_the_inventory(tmp_path, con):
    write_day(tmp_path, DAY)
    write_day(tmp_path, NEXT, raw={MUTATIONS_FILE: b"kapot"})
    take_inventory(con, LocalFolderSource(tmp_path))
    shutil.rmtree(tmp_path / NEXT.isoformat())
    shutil.rmtree(tmp_path / DAY.isoformat())
    result = take_inventory(con, LocalFolderSource(tmp_path))
    assert result.removed == [NEXT]
    # a complete day keeps its row: an HTTP source only lists a window of recent days
    assert outcomes(con) == {DAY: ("compleet", None)}


def test_an_unlisted_incomplete_day_is_checked_again(tmp_path, con):
    """An HTTP source lists only recent days: older unsettled days are still followed up."""

    class RecentOnly(LocalFolderSource):
        def list_days(self, first=None, last=None):
            return [day for day in super().list_days() if day >= NEXT]

    write_day(tmp_path, DAY, raw={MUTATIONS_FILE: b"kapot"})
    take_inventory(con, LocalFolderSource(tmp_path))
    write_day(tmp_path, DAY)
    write_day(tmp_path, NEXT)
    result = take_inventory(con, RecentOnly(tmp_path))
    assert result.verified == [DAY, NEXT]
    assert outcomes(con) == {DAY: ("compleet", None), NEXT: ("compleet", None)}


def test_the_check_time_is_kept_for_days_not_verified_again(tmp_path, con):
    write_day(tmp_path, DAY)
    first_time = datetime(2023, 1, 11, 3, 0, tzinfo=UTC)
    take_inventory(con, LocalFolderSource(tmp_path), now=lambda: first_time)
    take_inventory(
        con, LocalFolderSource(tmp_path), now=lambda: datetime(2023, 1, 12, 3, 0, tzinfo=UTC)
    )
    [check] = stored_checks(con)
    assert check.gecontroleerd_at == first_time
    assert check.status == CheckStatus.COMPLETE


def test_a_day_just_loaded_from_the_same_manifest_is_not_read_again(tmp_path, con):
    write_day(tmp_path, DAY)
    write_day(tmp_path, NEXT)
    source = CountingSource(tmp_path)
    load_export_day(con, verify_export_day(source, DAY), tmp_path / "archive")
    source.csv_reads = 0
    result = take_inventory(con, source)
    assert result.verified == [NEXT] and result.skipped == [DAY]
    assert source.csv_reads == 2  # NEXT's files only: DAY's were verified by its load
    assert outcomes(con) == {DAY: ("compleet", None), NEXT: ("compleet", None)}
    [loaded_day, _] = stored_checks(con)
    assert loaded_day.gegenereerd_op == verify_export_day(source, DAY).generated_on

    write_day(tmp_path, DAY, generated_on="2023-01-12T09:00:00+01:00")  # a correction
    source.csv_reads = 0
    assert take_inventory(con, source).verified == [DAY]  # another manifest: read again
    assert source.csv_reads == 2
