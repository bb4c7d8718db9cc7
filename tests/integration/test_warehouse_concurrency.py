"""Reading the warehouse while a run writes it: readers wait, never fail, never see half a build.

DuckDB lets one process write a file; while it does, others cannot even open it read-only, and
while readers have it open, a writer cannot open it. A read loop (``open_read_only`` and a
query on the marts, as the UI, sensors, checks and ``seh-stops report`` do) runs in this process
while ``seh-stops run`` loads more days in another one. The reader must never fail with a lock
error, the run must succeed in spite of the reader, and every read must show the marts of
either the state before the run or the state after it: never a mix of a rebuilt
``fct_stop_episodes`` with a stale ``agg_seh_stops_regio_maand``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta

import duckdb
import pytest

from cli.runner import run_pipeline
from orchestration.dbt_parse import dbt_executable
from orchestration.resources import WarehouseResource
from seh_stops import settings
from seh_stops.warehouse import open_read_only
from tests.exportdays import location_line, mutation_line, write_day

FIRST = date(2023, 1, 2)
DAYS = [FIRST + timedelta(days=offset) for offset in range(7)]  # 2023-01-02 .. 2023-01-08
REGISTER = [location_line("SEH0001", "Noord"), location_line("SEH0002", "Oost")]

READ = """
select
    (select count(*) from raw.export_versies),
    (select count(*) from marts.fct_stop_episodes where definitie = 'regionaal'),
    (select coalesce(sum(aantal_stops), 0) from marts.agg_seh_stops_regio_maand),
    (select coalesce(sum(totale_duur_seconden), 0) from marts.agg_seh_stops_regio_maand)
"""


def publish_days(exports) -> None:
    """One 40-minute full stop per day, alternating between a Noord and an Oost location."""
    for number, day in enumerate(DAYS, start=1):
        location = "SEH0001" if number % 2 else "SEH0002"
        start, end = f"{day}T10:00:00+01:00", f"{day}T10:40:00+01:00"
        stop = mutation_line(
            f"M{number}", location, ingang=start, gepland_einde=end, geregistreerd_op=start
        )
        write_day(exports, day, locations=REGISTER, mutations=[stop])


def read_state(warehouse) -> tuple[int, int, int, int]:
    con = open_read_only(warehouse, timeout_seconds=120)
    try:
        return con.execute(READ).fetchone()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A warehouse with the first two days loaded and the marts built."""
    root = tmp_path_factory.mktemp("concurrency")
    data_dir = settings.use_data_dir(root / "data")
    exports = root / "exports"
    publish_days(exports)
    first = run_pipeline(str(exports), DAYS[0], DAYS[1], progress=lambda message: None)
    assert first.checks_failed == []
    return root, data_dir, exports, data_dir / "warehouse.duckdb"


def hold_read_only(warehouse, seconds: float) -> subprocess.Popen:
    """Another process that keeps a read-only connection open for ``seconds``."""
    code = (
        "import duckdb, sys, time\n"
        f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
        "print('holding', flush=True)\n"
        f"time.sleep({seconds})\n"
        "con.close()\n"
    )
    reader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "holding"
    return reader


def test_a_write_connection_waits_for_a_reader_to_close(built):
    warehouse = built[3]
    reader = hold_read_only(warehouse, 1.5)
    started = time.monotonic()
    with WarehouseResource(path=str(warehouse)).write_connection() as con:
        assert con.execute("select count(*) from raw.export_versies").fetchone() == (2,)
    assert time.monotonic() - started > 0.5
    assert reader.wait(timeout=30) == 0


def test_dbt_waits_for_a_reader_instead_of_failing(built, tmp_path):
    """dbt-duckdb fails at once on a held file unless the profile's ``retries`` says wait."""
    warehouse = built[3]
    env = {**os.environ, settings.WAREHOUSE_PATH_ENV: str(warehouse)}
    con = duckdb.connect(str(warehouse), read_only=True)
    dbt = subprocess.Popen(
        [
            dbt_executable(),
            "run",
            "--select",
            "stg_lpz__export_versies",
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in dbt.stdout:
            output.append(line)
            if "Concurrency:" in line:  # dbt opens the warehouse right after saying this
                time.sleep(3)
                break
    finally:
        con.close()
    output.append(dbt.stdout.read())
    assert dbt.wait(timeout=120) == 0, "".join(output)


def test_a_read_loop_never_fails_while_a_run_writes(built):
    root, data_dir, exports, warehouse = built
    before = read_state(warehouse)
    assert before[:2] == (2, 2)

    # the writer: a real `seh-stops run` of the other five days, in its own process
    env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    log = root / "run.log"
    with log.open("w") as output:
        writer = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "run",
                "--source",
                str(exports),
                "--from",
                DAYS[2].isoformat(),
                "--to",
                DAYS[-1].isoformat(),
                "--data-dir",
                str(data_dir),
            ],
            cwd=settings.REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # the reader: short read-only connections in a loop, as the UI and sensors use them
        states, errors, waits = [], [], []
        deadline = time.monotonic() + 300
        while writer.poll() is None and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                states.append(read_state(warehouse))
            except Exception as exc:  # any failure of the reader fails the test below
                errors.append(f"{type(exc).__name__}: {exc}")
            waits.append(time.monotonic() - started)
            time.sleep(0.1)  # a busy UI: several reads a second
        returncode = writer.wait(timeout=60)
    after = read_state(warehouse)

    assert errors == [], errors[:3]
    assert returncode == 0, log.read_text()
    assert after[:2] == (7, 7)
    # each read shows the marts of before or after the run, never a mix
    marts = {state[1:] for state in states}
    assert marts <= {before[1:], after[1:]}, marts
    # the raw layer only grows, and the marts never run ahead of it
    raw_counts = [state[0] for state in states]
    assert raw_counts == sorted(raw_counts)
    assert all(state[1:] == before[1:] or state[0] == 7 for state in states)
    # the loop did read while the run was going, and had to wait for the writer
    assert len(states) >= 10, len(states)
    assert max(waits) > 0.5, max(waits)
