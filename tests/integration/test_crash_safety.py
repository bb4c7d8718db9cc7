"""Crash safety: SIGKILL the pipeline anywhere, rerun it, and end exactly where one clean run ends.

The real CLI runs in a process group of its own (``seh-stops run --source ...`` then
``seh-stops deliver --month ...``) and is killed with ``os.killpg(pgid, SIGKILL)``, dbt
subprocess included, at points chosen from ``random.Random(seed)`` and spread over the three
stages: ingestion (from the ``Verifying`` line to the ``Running dbt build`` line), the dbt build
(from there to ``Done``) and the delivery (from the start of its Dagster run, seen as a new
event log in the instance, to the process's exit; the seconds before are Python importing
modules, where nothing is written). An offset is a
fraction of the stage's length in the uninterrupted reference run, so the points follow the
machine's speed. With six small days the loading itself is a fraction of a second, so most
ingestion kills land in the Dagster run around it (run and event records, the GX checks of the
raw days); since a rerun loads only the days that are not in yet, an ingestion kill that comes
after every day was loaded lands in the short stage before dbt, or in dbt.

The kills are chained to keep the test cheap: each attempt starts from whatever the previous
killed one left behind, as an operator's rerun would. The ingestion points come first, then the
dbt points, each stage's from early to late (so the kills sweep through the loading while days
are still to load), then one rerun that must finish, then the delivery points from early to
late, then a delivery that must finish. Every attempt that was not killed must succeed. At the
end:

- every table and view of the warehouse (raw, staging, intermediate, marts, reference, alerts)
  has the same content hash (rows in a fixed order) as after the uninterrupted run;
- the delivered files are the same, each manifest's SHA-256s match its files, and no delivery
  or archive file exists half written under its final name;
- the raw archive holds every file of every export day as received, and the raw tables hold no
  duplicate record;
- the Dagster instance (SQLite in the data dir) still records new runs, and the runs that the
  killed processes left STARTED were marked failed by the next command, so that none blocks
  the run queue of the UI and daemon.

What legitimately differs between two runs is left out of the hashes, and only that: the moments
of loading, verifying and finding (``geladen_at``, ``gecontroleerd_at``, ``eerst_gezien_at``,
``laatst_gezien_at``, ``verzonden_at``), the data dir's path in the lineage, and the delivery's
generation moment (``gegenereerd_op`` in the manifest, the "gegenereerd op" line of the HTML,
the workbook's document properties); see ``tests/warehouse_state.py``.

CI runs 20 points with a fixed seed (a few minutes on two busy cores). The long version:
``SEH_CRASH_POINTS=100 SEH_CRASH_SEED=7 .venv/bin/pytest tests/integration/test_crash_safety.py``.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.storage.dagster_run import ACTIVE_RUN_STATUSES

from cli.orphaned_runs import fail_orphaned_runs
from seh_stops import settings
from tests.integration.conftest import SMALL_MONTH, ReferenceRun
from tests.killable_cli import DBT_BUILD, DONE, VERIFYING, Attempt, Kill, run_cli
from tests.warehouse_state import (
    delivery_digests,
    differences,
    file_digests,
    hidden_entries,
    warehouse_digests,
)

POINTS = int(os.environ.get("SEH_CRASH_POINTS", "20"))
SEED = int(os.environ.get("SEH_CRASH_SEED", "20230316"))
# Share of the points per stage; ingestion gets the rest.
DBT_SHARE, DELIVERY_SHARE = 0.25, 0.35  # a dbt point costs the most: half a run
# what folders.write_folder writes a revision into before renaming it
UNFINISHED_FOLDER = re.compile(r"\.(revisie|voorlopig)-[0-9]+\.[0-9a-f]{32}\.tmp")
REAIMS = 3  # a point that the process outran is aimed again at half its offset
# one SQLite event log per run (<run id>.db): a new one here means a run has started
RUN_EVENT_LOGS = Path("dagster_home/history/runs")


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: a stage and a fraction of that stage's length in the reference run."""

    stage: str  # "ingestion", "dbt" or "delivery"
    fraction: float

    def kill(self, windows: dict[str, tuple[str | None, float]], data_dir: Path) -> Kill:
        marker, length = windows[self.stage]
        if self.stage == "delivery":  # no progress line: a new run's event log marks its start
            return Kill(None, self.fraction * length, data_dir / RUN_EVENT_LOGS, "*.db")
        return Kill(marker, self.fraction * length)


def stage_windows(reference: ReferenceRun) -> dict[str, tuple[str | None, float]]:
    """Stage -> (progress line it starts with, its length in seconds), as the uninterrupted
    reference run took them. The delivery starts with its Dagster run and ends with the
    process."""
    run = reference.run
    with DagsterInstance.from_config(str(reference.data_dir / "dagster_home")) as instance:
        [delivery_run] = instance.get_runs(filters=RunsFilter(job_name="deliver_month"))
        [first_event] = instance.get_records_for_run(delivery_run.run_id, limit=1).records
    return {
        "ingestion": (VERIFYING, run.seen(DBT_BUILD) - run.seen(VERIFYING)),
        "dbt": (DBT_BUILD, run.seen(DONE) - run.seen(DBT_BUILD)),
        "delivery": (None, reference.deliver.ended_at - first_event.timestamp),
    }


def kill_points(seed: int, count: int) -> list[KillPoint]:
    """``count`` points from ``seed``, stage by stage in the pipeline's order and each stage's
    points from early to late: the kills sweep through a stage while its work is still undone
    (a day not yet loaded, a revision not yet renamed into place), instead of finding it done
    by the first attempt that got past it."""
    rng = random.Random(seed)
    dbt = round(count * DBT_SHARE)
    delivery = round(count * DELIVERY_SHARE)
    shares = {"ingestion": count - dbt - delivery, "dbt": dbt, "delivery": delivery}
    return [
        KillPoint(stage, fraction)
        for stage, number in shares.items()
        for fraction in sorted(rng.uniform(0.0, 0.95) for _ in range(number))
    ]


@dataclass(frozen=True)
class Outcome:
    """An attempt of the chain: where it was aimed, what happened, where the kill landed."""

    point: KillPoint | None
    attempt: Attempt
    landed: str  # the stage it was killed in, or "" when it was not killed


def describe(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        point, attempt = outcome.point, outcome.attempt
        aim = f"{point.stage} at {point.fraction:.2f}" if point else "no kill"
        landed = f"killed in {outcome.landed}" if attempt.killed else "not killed"
        lines.append(
            f"{attempt.args[0]}: {aim}, {landed} after {attempt.elapsed:.1f} s, "
            f"exit {attempt.returncode}"
        )
    return "\n".join(lines)


def delivery_runs(data_dir: Path) -> int:
    home = data_dir / "dagster_home"
    if not (home / "dagster.yaml").exists():
        return 0
    with DagsterInstance.from_config(str(home)) as instance:
        return len(instance.get_runs(filters=RunsFilter(job_name="deliver_month")))


def test_kill_points_are_deterministic_and_cover_every_stage():
    points = kill_points(SEED, POINTS)
    assert points == kill_points(SEED, POINTS)
    assert len(points) >= 20
    assert {point.stage for point in points} == {"ingestion", "dbt", "delivery"}


def test_killed_runs_and_deliveries_end_as_one_uninterrupted_run(
    reference_run: ReferenceRun, tmp_path: Path
):
    data_dir = tmp_path / "data"
    run_args = ["run", "--source", str(reference_run.exports)]
    deliver_args = ["deliver", "--month", SMALL_MONTH]
    windows = stage_windows(reference_run)
    outcomes: list[Outcome] = []

    def attempt(args: list[str], point: KillPoint | None = None) -> None:
        for _ in range(REAIMS if point else 1):
            runs_before = delivery_runs(data_dir)
            result = run_cli(args, data_dir, point.kill(windows, data_dir) if point else None)
            if not result.killed:
                landed = ""
            elif args[0] == "deliver":  # killed inside the delivery's Dagster run, or before it
                started = delivery_runs(data_dir) > runs_before
                landed = "delivery" if started else "delivery startup"
            else:
                landed = result.stage_at_kill()
            outcomes.append(Outcome(point, result, landed))
            if not result.killed:  # a rerun after a crash must succeed
                assert result.returncode == 0, describe(outcomes) + "\n" + result.output()
            if point is None or result.killed:
                return
            point = KillPoint(point.stage, point.fraction / 2)  # the process outran the kill

    run_complete = False
    for point in kill_points(SEED, POINTS):
        if point.stage == "delivery":
            if not run_complete:
                attempt(run_args)
                run_complete = True
            attempt(deliver_args, point)
        else:
            attempt(run_args, point)
            run_complete = not outcomes[-1].attempt.killed
    if not run_complete:
        attempt(run_args)
    attempt(deliver_args)

    report = describe(outcomes)
    print(report)  # shown with `pytest -s`, and in the assertion messages below
    kills = [outcome.landed for outcome in outcomes if outcome.attempt.killed]
    assert len(kills) >= min(POINTS, 20), report
    assert set(kills) >= {"ingestion", "dbt", "delivery"}, report

    # the warehouse: every table as after one uninterrupted run
    tables = warehouse_digests(data_dir / "warehouse.duckdb", data_dir)
    assert differences(reference_run.tables, tables) == {}, report
    assert_no_duplicate_raw_records(data_dir / "warehouse.duckdb")

    # the deliveries: the same files, complete, nothing else under a final name
    levering = data_dir / "levering"
    assert delivery_digests(levering) == reference_run.deliveries, report
    assert file_digests(levering).keys() == file_digests(reference_run.data_dir / "levering").keys()
    # a kill inside write_folder leaves its hidden temporary folder, which no reader looks at
    # (and whatever it holds); no other hidden file, e.g. in a revision folder
    leftovers = hidden_entries(levering)
    assert all(UNFINISHED_FOLDER.fullmatch(entry.split("/")[1]) for entry in leftovers), leftovers

    # the raw archive: every export-day file as received, none half written
    archive = data_dir / "archive"
    assert file_digests(archive) == reference_run.archive
    assert sorted(file_digests(archive).values()) == sorted(
        file_digests(reference_run.exports).values()
    )
    assert hidden_entries(archive) == [], report

    # the Dagster instance: killed runs stay recorded, new runs are recorded after them
    assert_instance_usable(data_dir / "dagster_home")


def assert_no_duplicate_raw_records(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in ("raw.seh_locaties", "raw.seh_statusmutaties", "raw.quarantaine"):
            duplicates = con.execute(
                f"select versie_id, bestand, recordnummer, count(*) from {table} "
                "group by all having count(*) > 1"
            ).fetchall()
            assert duplicates == [], (table, duplicates[:5])
    finally:
        con.close()


def assert_instance_usable(dagster_home: Path) -> None:
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs()  # newest first
        failures = {
            run.run_id: instance.get_records_for_run(
                run.run_id, of_type=DagsterEventType.RUN_FAILURE
            )
            .records[-1]
            .event_log_entry.message
            for run in runs
            if run.status == DagsterRunStatus.FAILURE
        }
    latest = {run.job_name: run.status for run in reversed(runs)}
    # the reruns that finished: the last transform (dbt) and delivery runs succeeded (the final
    # `seh-stops run` had no day left to load, so it made no ingestion run)
    assert latest["transform"] == latest["deliver_month"] == DagsterRunStatus.SUCCESS, latest
    # the runs of killed processes were marked failed by the next command, so none blocks the
    # run queue of the UI and daemon; and no run failed for another reason
    going_on = [(run.job_name, run.status) for run in runs if run.status in ACTIVE_RUN_STATUSES]
    assert going_on == []
    assert failures, "the killed runs are recorded as failed"
    assert all("is gone: it was killed or crashed" in message for message in failures.values())


SLOW_JOB = """
import pathlib, sys, time
from dagster import DagsterInstance, job, op

@op
def wait():
    pathlib.Path(sys.argv[2]).touch()
    time.sleep(600)

@job
def slow():
    wait()

with DagsterInstance.from_config(sys.argv[1]) as instance:
    slow.execute_in_process(instance=instance)
"""


def test_a_run_left_started_by_a_killed_process_is_marked_failed(tmp_path: Path):
    """What every CLI command does first (runner.instance()): a run whose process is gone would
    otherwise stay STARTED and block the run queue of the UI and daemon."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(settings.REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    started = tmp_path / "started"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_JOB, str(home), str(started)], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        with DagsterInstance.from_config(str(home)) as instance:
            assert fail_orphaned_runs(instance) == []  # its process is alive: left alone
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    with DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        assert run.status == DagsterRunStatus.STARTED
        assert fail_orphaned_runs(instance) == [run.run_id]
        assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
        [failure] = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.RUN_FAILURE
        ).records
        assert "run the same seh-stops command again" in failure.event_log_entry.message
        # what the queue counts against max_concurrent_runs
        assert instance.get_run_records(filters=RunsFilter(statuses=ACTIVE_RUN_STATUSES)) == []
        assert fail_orphaned_runs(instance) == []
