"""The CLI's dbt worker (orchestration/dbt_worker.py) with real dbt: it parses without opening
the warehouse, runs a build on the manifest it parsed, hands back dbt's output and exit code,
parses again where its manifest is not exact, and leaves nothing behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import duckdb

from orchestration.dbt_parse import DBT_STATE_FOLDER, PARTIAL_PARSE_FILE
from orchestration.dbt_worker import (
    SOCKET_NAME,
    WORKER_ENV,
    WORKER_PREFIX,
    DbtWorker,
    executable_for_runs,
)
from seh_stops import settings
from seh_stops.settings import DBT_PROJECT_DIR

FULL_PARSE = "Unable to do partial parsing"
PARSES_ITSELF = "seh-stops-dbt: dbt parses for this command"
# a seed of twenty rows and its own tests: a real build that takes a second
SEED = "dq_bevindingsoorten"
ONLY_ITS_TESTS = ("--indirect-selection", "cautious")


def _use_data_dir(monkeypatch, data: Path) -> None:
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(data))
    monkeypatch.setenv(settings.WAREHOUSE_PATH_ENV, str(data / "warehouse.duckdb"))


def _wait_for_socket(worker: DbtWorker) -> None:
    deadline = time.monotonic() + 120
    while not (worker.folder / SOCKET_NAME).exists():
        assert time.monotonic() < deadline, "the worker did not listen"
        time.sleep(0.05)


def _dagster_dbt_env(target: Path) -> dict[str, str]:
    """The environment dagster-dbt gives a dbt command with its own target path."""
    return {
        **os.environ,
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "PYTHONUNBUFFERED": "1",
    }


def _dbt(*args: str, target: Path) -> subprocess.CompletedProcess[str]:
    """``dbt <args>`` as dagster-dbt starts it: the executable of the definitions, from the
    project folder, with its own target path, output and errors on one pipe."""
    return subprocess.run(
        [executable_for_runs(), "--log-level-file", "none", *args],
        cwd=DBT_PROJECT_DIR,
        env=_dagster_dbt_env(target),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )


def test_the_worker_parses_while_the_warehouse_is_written_then_builds_on_its_manifest(
    tmp_path, monkeypatch
):
    data = tmp_path / "data"
    _use_data_dir(monkeypatch, data)
    data.mkdir()
    # a write connection holds the warehouse while the worker parses, as the ingestion does
    writer = duckdb.connect(str(data / "warehouse.duckdb"))
    with DbtWorker() as worker:
        assert executable_for_runs().endswith("/seh-stops-dbt")
        _wait_for_socket(worker)
        time.sleep(1)
        writer.close()
        done = _dbt("build", "--select", SEED, *ONLY_ITS_TESTS, target=tmp_path / "target")
        assert done.returncode == 0, done.stdout
        # dbt's own lines, through the pipe of the process dagster-dbt started
        assert re.search(rf"OK loaded seed file reference\.{SEED}", done.stdout), done.stdout
        assert PARSES_ITSELF not in done.stdout
        assert FULL_PARSE not in done.stdout
        assert (tmp_path / "target" / "run_results.json").exists()
        # the worker's parse state is where the build's own would be, for the caller to keep
        handed_over = (tmp_path / "target" / PARTIAL_PARSE_FILE).read_bytes()
        assert handed_over == (worker.folder / PARTIAL_PARSE_FILE).read_bytes()
        # one command per worker: the next one is plain dbt
        again = _dbt("--version", target=tmp_path / "again")
        assert again.returncode == 0 and "Core" in again.stdout, again.stdout
    rows = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        (count,) = rows.execute(f"select count(*) from reference.{SEED}").fetchall()[0]
    finally:
        rows.close()
    assert count > 0
    assert os.environ.get(WORKER_ENV) is None
    assert not (data / DBT_STATE_FOLDER).exists()


def test_a_build_that_fails_fails_with_dbts_exit_code(tmp_path, monkeypatch):
    _use_data_dir(monkeypatch, tmp_path / "data")
    with DbtWorker() as worker:
        _wait_for_socket(worker)
        # a staging view over a raw table that no ingestion has made yet
        done = _dbt("build", "--select", "stg_lpz__export_controles", target=tmp_path / "t")
    assert done.returncode == 1, done.stdout
    assert "ERROR creating sql view model staging.stg_lpz__export_controles" in done.stdout
    assert PARSES_ITSELF not in done.stdout


def test_ctrl_c_to_the_client_stops_dbt_in_the_worker(tmp_path, monkeypatch):
    _use_data_dir(monkeypatch, tmp_path / "data")
    with DbtWorker() as worker:
        _wait_for_socket(worker)
        client = subprocess.Popen(
            [executable_for_runs(), "--log-level-file", "none", "build", "--select", SEED],
            cwd=DBT_PROJECT_DIR,
            env=_dagster_dbt_env(tmp_path / "t"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert client.stdout is not None
        first = client.stdout.readline()  # dbt has started, in the worker
        assert "Running with dbt" in first, first
        client.send_signal(signal.SIGINT)  # what dagster-dbt sends when a run is stopped
        output = client.stdout.read()
        code = client.wait(timeout=120)
        assert worker._process is not None and worker._process.wait(timeout=30) == 0
    assert code != 0, output
    assert "KeyboardInterrupt" in output, output  # dbt in the worker got the Ctrl-C
    assert "OK loaded seed file" not in output, output


def test_a_command_the_manifest_does_not_fit_parses_itself(tmp_path, monkeypatch):
    _use_data_dir(monkeypatch, tmp_path / "data")
    with DbtWorker() as worker:
        _wait_for_socket(worker)
        done = _dbt(
            "build", "--select", SEED, *ONLY_ITS_TESTS, "--vars", "{note: 1}", target=tmp_path / "t"
        )
    assert done.returncode == 0, done.stdout
    assert f"{PARSES_ITSELF}: --vars changes what dbt parses" in done.stdout
    assert re.search(r"Found \d+ models", done.stdout), done.stdout


def test_a_worker_in_a_data_dir_deeper_than_a_socket_path_may_be(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "data"
    _use_data_dir(monkeypatch, deep)
    with DbtWorker() as worker:
        assert len(str(worker.folder / SOCKET_NAME)) > 108  # AF_UNIX's limit
        _wait_for_socket(worker)
        done = _dbt("--version", target=tmp_path / "t")
        assert done.returncode == 0 and "Core" in done.stdout, done.stdout
        assert PARSES_ITSELF not in done.stdout
        # it ran in the worker, which serves one command and ends
        assert worker._process is not None and worker._process.wait(timeout=30) == 0


def test_without_a_worker_the_client_is_dbt(tmp_path, monkeypatch):
    client = Path(executable_for_runs()).with_name("seh-stops-dbt")
    for env in ({}, {WORKER_ENV: str(tmp_path / "no-worker-here")}):
        done = subprocess.run(
            [str(client), "--version"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert re.search(r"Core:\s+- installed: \d+\.\d+\.\d+", done.stdout), done.stdout


def test_a_worker_that_is_stopped_leaves_nothing(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _use_data_dir(monkeypatch, data)
    # what a killed CLI left: the folder of its worker, named after its (no longer running) pid
    ended = subprocess.Popen(["true"])
    ended.wait()
    (data / DBT_STATE_FOLDER / f"{WORKER_PREFIX}{ended.pid}").mkdir(parents=True)
    worker = DbtWorker()
    _wait_for_socket(worker)
    assert oct(worker.folder.stat().st_mode & 0o777) == "0o700"
    worker.stop()
    assert list((data / DBT_STATE_FOLDER).iterdir()) == []
    # in a data dir it made, a worker that is stopped leaves nothing at all
    fresh = tmp_path / "fresh" / "data"
    _use_data_dir(monkeypatch, fresh)
    DbtWorker().stop()
    assert not (tmp_path / "fresh").exists()


def test_the_cli_run_built_on_the_manifest_its_worker_parsed(reference_run):
    """The reference run is the first `seh-stops run` in its data dir."""
    log = (reference_run.data_dir / "logs" / "dbt_build.log").read_text(encoding="utf-8")
    assert re.search(r"^\d+ of \d+ OK created sql table model", log, re.MULTILINE), log[:500]
    assert PARSES_ITSELF not in log
    assert FULL_PARSE not in log
    kept = reference_run.data_dir / DBT_STATE_FOLDER
    assert sorted(p.name for p in kept.iterdir()) == [PARTIAL_PARSE_FILE]
