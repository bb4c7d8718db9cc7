"""dbt's partial-parse state lives in the data dir it was made for, and a new data dir gets
one from a parse started ahead of the build (orchestration/dbt_parse.py), with real dbt."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb

from orchestration.dbt_parse import (
    DBT_STATE_FOLDER,
    PARSE_AHEAD_PREFIX,
    PARTIAL_PARSE_FILE,
    ParseAhead,
    dbt_executable,
    parse_state_path,
)
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


def test_a_parse_ahead_makes_the_state_of_its_data_dir_without_opening_the_warehouse(
    tmp_path, monkeypatch
):
    data = tmp_path / "data"
    _use_data_dir(monkeypatch, data)
    data.mkdir()
    # a write connection holds the warehouse the whole time, as the ingestion does
    writer = duckdb.connect(str(data / "warehouse.duckdb"))
    try:
        ahead = ParseAhead()
        assert ahead.started
        ahead.finish()
    finally:
        writer.close()
    assert parse_state_path().exists()
    assert sorted(p.name for p in (data / DBT_STATE_FOLDER).iterdir()) == [PARTIAL_PARSE_FILE]
    assert not ParseAhead().started  # the data dir has its state now

    # dbt takes the state for this data dir's warehouse, and rejects it for another's
    assert FULL_PARSE not in _dbt_parse_with(parse_state_path(), tmp_path / "same")
    monkeypatch.setenv(settings.WAREHOUSE_PATH_ENV, str(tmp_path / "other" / "warehouse.duckdb"))
    assert "profile has changed" in _dbt_parse_with(parse_state_path(), tmp_path / "other")


def test_a_parse_ahead_that_is_stopped_leaves_nothing(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _use_data_dir(monkeypatch, data)
    # what a killed CLI left: the folder of its parse, named after its (no longer running) pid
    ended = subprocess.Popen(["true"])
    ended.wait()
    (data / DBT_STATE_FOLDER / f"{PARSE_AHEAD_PREFIX}{ended.pid}").mkdir(parents=True)
    ahead = ParseAhead()
    assert ahead.started
    ahead.stop()
    assert not parse_state_path().exists()
    assert list((data / DBT_STATE_FOLDER).iterdir()) == []
    # in a data dir it made, a parse that is stopped leaves nothing at all
    fresh = tmp_path / "fresh" / "data"
    _use_data_dir(monkeypatch, fresh)
    ahead = ParseAhead()
    assert ahead.started
    ahead.stop()
    assert not (tmp_path / "fresh").exists()


def test_the_first_run_in_a_new_data_dir_builds_on_a_partial_parse(reference_run):
    """The reference run is the first `seh-stops run` in its data dir."""
    log = (reference_run.data_dir / "logs" / "dbt_build.log").read_text(encoding="utf-8")
    assert re.search(r"^Found \d+ models", log, re.MULTILINE), log[:500]  # dbt's own lines
    assert FULL_PARSE not in log
    kept = reference_run.data_dir / DBT_STATE_FOLDER
    assert sorted(p.name for p in kept.iterdir()) == [PARTIAL_PARSE_FILE]
