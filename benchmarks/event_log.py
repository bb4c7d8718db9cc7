"""Dagster's SQLite event log against the batched one (orchestration/event_log.py), interleaved.

A ranged run of a daily-partitioned asset, the way the ingestion runs (one run for the range,
one planned event for it, a materialization per day with that day's metadata), in a fresh
instance of each kind: Dagster's default storage, and the repository's ``dagster.yaml``. Each
measurement is a process of its own (the batched storage switches batching on for its process),
the two kinds alternate, and the table gives the medians. Only the ``materialize`` call is
timed, not the imports. Usage (docs/performance.md):

    .venv/bin/python -m benchmarks.event_log                       # 365 and 3,653 days, 3 times
    .venv/bin/python -m benchmarks.event_log --days 365 --repeats 5 --work-dir /tmp/seh-events

``--engines`` measures, also interleaved, what reusing one SQLAlchemy engine per shard would
save against Dagster's engine per write (a single insert and commit into a WAL SQLite file),
and what not syncing the file at every commit would. ``--single`` checks that an event stored on
its own (no batch: most events of a run, the dbt build's among them) costs the same in both.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from seh_stops.settings import REPO_ROOT

KINDS = ("default", "batched")
FIRST_DAY = date(2016, 1, 1)


def one_run(kind: str, days: int, home: Path) -> float:
    """Materialize ``days`` partitions in one run in a fresh instance; the seconds it took."""
    from dagster import (
        AssetExecutionContext,
        BackfillPolicy,
        DagsterInstance,
        DailyPartitionsDefinition,
        MaterializeResult,
        asset,
        materialize,
    )

    from orchestration.partitions import one_planned_event_per_range

    last = FIRST_DAY + timedelta(days=days - 1)
    partitions = DailyPartitionsDefinition(
        start_date=FIRST_DAY.isoformat(), end_date=(last + timedelta(days=1)).isoformat()
    )

    @asset(partitions_def=partitions, backfill_policy=BackfillPolicy.single_run())
    def export_day(context: AssetExecutionContext) -> MaterializeResult:
        for key in context.partition_keys:
            context.add_asset_metadata(
                {"outcome": "loaded", "rows/mutations": 100, "rows/quarantined": 0},
                partition_key=key,
            )
        return MaterializeResult(metadata={"range/days": len(context.partition_keys)})

    home.mkdir(parents=True)
    if kind == "batched":
        shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    instance = DagsterInstance.from_config(str(home))
    started = time.perf_counter()
    with one_planned_event_per_range():
        result = materialize(
            [export_day],
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": FIRST_DAY.isoformat(),
                "dagster/asset_partition_range_end": last.isoformat(),
            },
        )
    seconds = time.perf_counter() - started
    assert result.success
    stored = len(instance.get_materialized_partitions(export_day.key))
    assert stored == days, f"{stored} partitions stored, {days} expected"
    instance.dispose()
    return seconds


def measure_run(kind: str, days: int, work: Path) -> float:
    home = work / f"{kind}-{days}"
    shutil.rmtree(home, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_EVENT_BATCH_SIZE"}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.event_log", "--one", kind, str(days), str(home)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{kind} run of {days} days failed:\n{out.stderr[-3000:]}")
    shutil.rmtree(home, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def single_writes(times: int = 20, repeats: int = 4) -> dict[str, list[float]]:
    """Milliseconds an event stored on its own (no batch: most events of a run), per storage,
    alternating: the events of a one-asset run, stored ``times`` times in a fresh instance."""
    from dagster import DagsterInstance, asset, materialize

    @asset
    def one() -> int:
        return 1

    work = Path(tempfile.mkdtemp())
    source = DagsterInstance.from_config(str(work))
    run = materialize([one], instance=source)
    events = [record.event_log_entry for record in source.get_records_for_run(run.run_id).records]
    source.dispose()
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for repeat in range(repeats):
        for kind in KINDS if repeat % 2 == 0 else KINDS[::-1]:
            home = work / f"{kind}-{repeat}"
            home.mkdir()
            if kind == "batched":
                shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
            instance = DagsterInstance.from_config(str(home))
            started = time.perf_counter()
            for _ in range(times):
                for event in events:
                    instance.event_log_storage.store_event(event)
            seconds = time.perf_counter() - started
            timings[kind].append(seconds / (times * len(events)) * 1000)
            instance.dispose()
    shutil.rmtree(work, ignore_errors=True)
    return timings


def engines(writes: int = 300, repeats: int = 3) -> list[tuple[str, float]]:
    """Milliseconds a write: an engine per write (Dagster's ``_connect``) against one engine."""
    import sqlalchemy as db
    from sqlalchemy.pool import NullPool

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder}/shard.db"
    args = {"poolclass": NullPool, "connect_args": {"timeout": 30}}
    with db.create_engine(url, **args).connect() as connection:
        connection.execute(db.text("PRAGMA journal_mode=WAL"))
        connection.execute(db.text("create table events (body text)"))
        connection.commit()
    insert = db.text("insert into events values ('an event of a few hundred bytes')")
    kept = db.create_engine(url, **args)

    def engine_per_write() -> None:
        engine = db.create_engine(url, **args)
        with engine.connect() as connection, connection.begin():
            connection.execute(insert)
        engine.dispose()

    def one_engine() -> None:
        with kept.connect() as connection, connection.begin():
            connection.execute(insert)

    def no_sync_per_commit() -> None:
        # not done: WAL with synchronous=NORMAL syncs at checkpoints, not at every commit
        # (the last commits may be lost to a power cut, never to a killed process)
        engine = db.create_engine(url, **args)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.commit()
            with connection.begin():
                connection.execute(insert)
        engine.dispose()

    variants = {
        "engine per write": engine_per_write,
        "one engine": one_engine,
        "engine per write, synchronous=NORMAL": no_sync_per_commit,
    }
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, write in variants.items():
            started = time.perf_counter()
            for _ in range(writes):
                write()
            timings[name].append((time.perf_counter() - started) / writes * 1000)
    shutil.rmtree(folder, ignore_errors=True)
    return [(name, statistics.median(values)) for name, values in timings.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, action="append")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work-dir", type=Path)
    parser.add_argument("--engines", action="store_true")
    parser.add_argument("--single", action="store_true")
    parser.add_argument("--one", nargs=3, metavar=("KIND", "DAYS", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        kind, days, home = args.one
        print(json.dumps({"seconds": one_run(kind, int(days), Path(home))}))
        return 0
    if args.single:
        for kind, values in single_writes().items():
            each = ", ".join(f"{ms:.2f}" for ms in values)
            print(f"| {kind} | {statistics.median(values):.2f} ms ({each}) |")
        return 0
    if args.engines:
        for name, ms in engines():
            print(f"| {name} | {ms:.2f} ms |")
        return 0
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="seh-event-log-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for days in args.days or [365, 3653]:
        seconds: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for repeat in range(args.repeats):
            # alternate which kind goes first, so a trend in the machine's load hits both
            order = KINDS if repeat % 2 == 0 else KINDS[::-1]
            for kind in order:
                seconds[kind].append(measure_run(kind, days, work))
                print(f"{days} days, {kind}: {seconds[kind][-1]:.1f} s", flush=True)
        medians = {kind: statistics.median(values) for kind, values in seconds.items()}
        rows.append(
            f"| {days:,} | "
            + " | ".join(
                f"{medians[kind]:.1f} s ({', '.join(f'{s:.1f}' for s in seconds[kind])})"
                for kind in KINDS
            )
            + f" | {medians['batched'] / medians['default']:.2f} |"
        )
    print(f"load after: {os.getloadavg()[0]:.1f}")
    print("| days in the run | default SQLite storage | batched storage | ratio |")
    print("|---:|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
