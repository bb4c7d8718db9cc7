"""dbt's partial-parse state lives in the data dir it was made for (orchestration/dbt_parse.py),
with real dbt: a later parse there starts from it, a parse for another warehouse does not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from orchestration.dbt_parse import PARTIAL_PARSE_FILE, dbt_executable, parse_state_path
from seh_stops import settings
from seh_stops.settings import DBT_PROJECT_DIR

FULL_PARSE = "Unable to do partial parsing"


def _use_data_dir(monkeypatch, data: Path) -> None:
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(data))
    monkeypatch.setenv(settings.WAREHOUSE_PATH_ENV, str(data / "warehouse.duckdb"))


def _dbt_parse_with(state: Path, target: Path) -> str:
    """dbt's own output of a parse that starts from ``state``, as a dbt build would."""
    target.mkdir(parents=True)
    shutil.copyfile(state, target / PARTIAL_PARSE_FILE)
    done = subprocess.run(
        [dbt_executable(), "parse", "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_state_a_run_kept_is_taken_for_its_own_warehouse_only(
    reference_run, tmp_path, monkeypatch
):
    _use_data_dir(monkeypatch, reference_run.data_dir)
    state = parse_state_path()
    assert state.exists()
    assert FULL_PARSE not in _dbt_parse_with(state, tmp_path / "same")
    monkeypatch.setenv(settings.WAREHOUSE_PATH_ENV, str(tmp_path / "other" / "warehouse.duckdb"))
    assert "profile has changed" in _dbt_parse_with(state, tmp_path / "other")
