"""What the pipeline writes is readable by the service user and its group only.

The warehouse and the archive hold ``toelichting`` (free text, possibly staff names), the
deliveries the ministry's figures before they are sent. Each is checked on real files written
under a wide umask (0022, a common default), so the modes come from the code, not the umask.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.resources import WarehouseResource
from seh_stops import settings
from seh_stops.delivery.folders import write_folder
from seh_stops.lpz.export_day import verify_export_day
from seh_stops.lpz.loader import load_export_day
from seh_stops.lpz.source import LocalFolderSource
from tests.exportdays import mutation_line, write_day

DAY = date(2023, 1, 10)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def wide_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_warehouse_and_the_archive_are_private(tmp_path, wide_umask):
    exports, archive = tmp_path / "exports", tmp_path / "data" / "archive"
    write_day(exports, DAY, mutations=[mutation_line("M1")])
    warehouse = WarehouseResource(path=str(tmp_path / "data" / "warehouse.duckdb"))
    with warehouse.write_connection() as con:
        load_export_day(con, verify_export_day(LocalFolderSource(exports), DAY), archive)
    assert mode(warehouse.database_path()) == 0o640
    archived = sorted(archive.rglob("*"))
    assert archived  # the day's folder, its version folder and the three files
    for path in archived:
        assert mode(path) == (0o750 if path.is_dir() else 0o640), path
    assert mode(archive) == 0o750


def test_a_delivery_is_private(tmp_path, wide_umask):
    target = tmp_path / "levering" / "2023-01" / "definitief-1"
    write_folder(target, {"seh_stops_2023-01.csv": b"a;b\n", "toelichting.txt": b"x"})
    assert mode(target) == 0o750 and mode(target.parent) == 0o750
    assert {mode(path) for path in target.iterdir()} == {0o640}


def test_the_processes_start_with_a_private_umask(tmp_path, wide_umask):
    settings.use_data_dir(tmp_path / "data")  # what the CLI does first
    assert os.umask(0o022) == settings.PROCESS_UMASK == 0o027
    # the code location (what the daemon and the webserver load) sets it when it loads
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.umask(0o022); import orchestration.definitions; print(oct(os.umask(0)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.REPO_ROOT,
        env={**os.environ, "SEH_DATA_DIR": str(tmp_path / "data")},
    )
    assert loaded.stdout.strip().splitlines()[-1] == "0o27"


@pytest.mark.parametrize("unit", ["seh-stops-daemon.service", "seh-stops-webserver.service"])
def test_the_systemd_units_set_the_umask(unit):
    lines = (settings.REPO_ROOT / "deploy" / unit).read_text().splitlines()
    assert "UMask=0027" in lines and "User=seh-stops" in lines
