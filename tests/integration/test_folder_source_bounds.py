"""The folder source reads real folders and regular files only, within the size caps.

Real links, a real FIFO (``os.mkfifo``) and a link to ``/dev/zero``: each makes its day
incomplete with a clear reason (and a fixed phrase in the inventory), never a crash or a hang,
and the other days are unaffected.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import duckdb
import pytest

from seh_stops.lpz.contract import MANIFEST_FILE, MUTATIONS_FILE
from seh_stops.lpz.export_day import IncompleteExportDay, verify_export_day
from seh_stops.lpz.inventory import CheckStatus, reason_phrase, take_inventory
from seh_stops.lpz.limits import MAX_CSV_BYTES_ENV, RefusedFile
from seh_stops.lpz.pending import pending_days
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import location_line, stop_line, write_day

DAY, OTHER = date(2023, 1, 9), date(2023, 1, 10)
REGISTER = [location_line("SEH0001", "Noord")]


def write(folder: Path, day: date) -> Path:
    write_day(
        folder,
        day,
        locations=REGISTER,
        mutations=[stop_line("M1", "SEH0001", f"{day}T10:00:00", f"{day}T11:00:00")],
    )
    return folder / day.isoformat()


def incomplete_reason(source: LocalFolderSource, day: date) -> IncompleteExportDay:
    with pytest.raises(IncompleteExportDay) as raised:
        verify_export_day(source, day)
    return raised.value


@pytest.fixture
def exports(tmp_path) -> Path:
    folder = tmp_path / "exports"
    write(folder, OTHER)  # a sound day beside the hostile one
    return folder


def test_a_csv_linked_to_a_file_outside_the_source_is_refused(exports, tmp_path):
    # the outside file is the day's own, so its hash matches: only the link gives it away
    outside = tmp_path / "outside"
    day_folder = write(outside, DAY)
    inside = exports / DAY.isoformat()
    inside.mkdir()
    for name in (MANIFEST_FILE, "seh_locaties.csv"):
        (inside / name).write_bytes((day_folder / name).read_bytes())
    (inside / MUTATIONS_FILE).symlink_to(day_folder / MUTATIONS_FILE)
    source = LocalFolderSource(exports)
    problem = incomplete_reason(source, DAY)
    assert "seh_statusmutaties.csv: refused: a symbolic link" in str(problem)
    assert reason_phrase(problem) == "seh_statusmutaties.csv is een symbolische link"
    assert verify_export_day(source, OTHER).day == OTHER


def test_a_day_folder_that_is_a_link_is_refused(exports, tmp_path):
    elsewhere = write(tmp_path / "elsewhere", DAY)
    (exports / DAY.isoformat()).symlink_to(elsewhere, target_is_directory=True)
    source = LocalFolderSource(exports)
    assert source.list_days() == [DAY, OTHER]  # listed, so that it is reported
    problem = incomplete_reason(source, DAY)
    assert "the export-day folder is a symbolic link" in str(problem)
    assert reason_phrase(problem) == "exportmap is een symbolische link"


def test_a_manifest_linked_to_dev_zero_is_refused_without_reading(exports):
    folder = exports / DAY.isoformat()
    folder.mkdir()
    (folder / MANIFEST_FILE).symlink_to("/dev/zero")
    with pytest.raises(RefusedFile, match=r"manifest\.json: refused: a symbolic link"):
        LocalFolderSource(exports).read(DAY, MANIFEST_FILE)


def test_a_fifo_is_refused_instead_of_blocking(exports):
    folder = exports / DAY.isoformat()
    folder.mkdir()
    os.mkfifo(folder / MANIFEST_FILE)  # nobody ever writes to it
    outcome: list[BaseException] = []

    def verify() -> None:
        try:
            verify_export_day(LocalFolderSource(exports), DAY)
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    reader = threading.Thread(target=verify, daemon=True)
    reader.start()
    reader.join(60)
    assert not reader.is_alive(), "reading the FIFO blocks"
    (problem,) = outcome
    assert isinstance(problem, IncompleteExportDay)
    assert "not a regular file" in str(problem)
    assert reason_phrase(problem) == "manifest.json is geen gewoon bestand"


def test_a_file_beyond_the_cap_is_refused(exports, monkeypatch):
    folder = write(exports, DAY)
    size = (folder / MUTATIONS_FILE).stat().st_size
    monkeypatch.setenv(MAX_CSV_BYTES_ENV, str(size - 1))
    problem = incomplete_reason(LocalFolderSource(exports), DAY)
    assert f"larger than {size - 1} bytes" in str(problem) and MAX_CSV_BYTES_ENV in str(problem)
    assert reason_phrase(problem) == "seh_statusmutaties.csv is groter dan toegestaan"
    monkeypatch.setenv(MAX_CSV_BYTES_ENV, str(size))
    assert verify_export_day(LocalFolderSource(exports), DAY).day == DAY


def test_pending_and_the_inventory_report_refused_days_without_failing(exports, tmp_path):
    folder = exports / DAY.isoformat()
    folder.mkdir()
    os.mkfifo(folder / MANIFEST_FILE)
    source = LocalFolderSource(exports)
    assert pending_days(source, source.list_days(), {}) == [DAY, OTHER]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        checks = {check.export_datum: check for check in take_inventory(con, source).checks}
    finally:
        con.close()
    assert checks[DAY].status == CheckStatus.INCOMPLETE
    assert checks[DAY].reden == "manifest.json is geen gewoon bestand"
    assert checks[OTHER].status == CheckStatus.COMPLETE
