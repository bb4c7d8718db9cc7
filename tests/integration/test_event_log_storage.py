"""The batched SQLite event log (orchestration/event_log.py) stores what Dagster's own SQLite
event log stores and answers the same, in one transaction per shard for a batch.

One small partitioned job (an asset with a check over a range of days, in one run, the way
the ingestion runs) runs once in an instance from the repository's ``dagster.yaml`` and once
in an instance with Dagster's default storage, both real SQLite instances on disk.
"""

import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy
from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    DagsterEventType,
    DagsterInstance,
    DailyPartitionsDefinition,
    EventRecordsFilter,
    MaterializeResult,
    asset,
    materialize,
)
from dagster._core.events import DagsterEventBatchMetadata, generate_event_batch_id
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from sqlalchemy.engine import Engine

from orchestration.event_log import BatchedSqliteEventLogStorage, SehDagsterInstance
from seh_stops import settings

DAYS = DailyPartitionsDefinition(start_date="2023-01-01", end_date="2023-01-08")
KEYS = DAYS.get_partition_keys()  # seven days
ASSET = AssetKey("day")
CHECK = AssetCheckKey(ASSET, "has_rows")
ASSET_EVENTS = (DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_CHECK_EVALUATION)


@asset(
    partitions_def=DAYS,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=[AssetCheckSpec("has_rows", asset="day")],
)
def day(context: AssetExecutionContext):
    """Per-day metadata, as the ingestion writes it, and one check result for the range."""
    for i, key in enumerate(context.partition_keys):
        context.add_asset_metadata({"rows": i, "day": key}, partition_key=key)
    yield MaterializeResult(metadata={"range/days": len(context.partition_keys)})
    yield AssetCheckResult(check_name="has_rows", passed=True, metadata={"days": 7})


class Commits:
    """Counts the commits of every SQLAlchemy engine in this process, per SQLite file."""

    def __init__(self) -> None:
        self.by_file: Counter[str] = Counter()

    def __call__(self, connection: sqlalchemy.Connection) -> None:
        self.by_file[Path(connection.engine.url.database or "").name] += 1

    def total(self) -> int:
        return sum(self.by_file.values())


@pytest.fixture
def commits() -> Iterator[Commits]:
    counter = Commits()
    sqlalchemy.event.listen(Engine, "commit", counter)
    yield counter
    sqlalchemy.event.remove(Engine, "commit", counter)


def repository_instance(home: Path) -> DagsterInstance:
    """What ``cli.runner.instance()`` opens: the repository's ``dagster.yaml`` in the home."""
    home.mkdir(parents=True)
    shutil.copyfile(settings.REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    return DagsterInstance.from_config(str(home))


def default_instance(home: Path) -> DagsterInstance:
    home.mkdir(parents=True)
    return DagsterInstance.from_config(str(home))


def run_range(instance: DagsterInstance):
    result = materialize(
        [day],
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": KEYS[0],
            "dagster/asset_partition_range_end": KEYS[-1],
        },
    )
    assert result.success
    return result


@dataclass
class Ran:
    instance: DagsterInstance
    run_id: str
    commits: int


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ran, Ran]]:
    """The same run in the repository's instance and in one with Dagster's default storage."""
    root = tmp_path_factory.mktemp("event_log")
    counter = Commits()
    sqlalchemy.event.listen(Engine, "commit", counter)
    try:
        ran = []
        for instance in (repository_instance(root / "ours"), default_instance(root / "default")):
            before = counter.total()
            result = run_range(instance)
            ran.append(Ran(instance, result.run_id, counter.total() - before))
    finally:
        sqlalchemy.event.remove(Engine, "commit", counter)
    yield ran[0], ran[1]
    for each in ran:
        each.instance.dispose()


def stored_events(ran: Ran) -> list[tuple]:
    """The run's events in order, without ids, timestamps, run ids and messages."""
    events = []
    for record in ran.instance.get_records_for_run(ran.run_id).records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        data = event.event_specific_data
        subset = getattr(data, "partitions_subset", None)
        events.append(
            (
                event.event_type_value,
                event.step_key,
                event.asset_key,
                event.partition,
                sorted(subset.get_partition_keys()) if subset else None,
                getattr(getattr(data, "materialization", data), "metadata", None)
                if event.event_type in ASSET_EVENTS
                else None,  # timings
                getattr(data, "passed", None),
            )
        )
    return events


def test_the_repository_instance_uses_the_batched_storage_in_the_default_layout(both):
    ours, default = both
    assert type(ours.instance) is SehDagsterInstance
    assert type(ours.instance.event_log_storage) is BatchedSqliteEventLogStorage
    assert type(default.instance.event_log_storage) is SqliteEventLogStorage

    def layout(instance: DagsterInstance) -> set[str]:
        root = Path(instance.root_directory)
        return {
            str(path.relative_to(root))
            .replace(ours.run_id, "<run>")
            .replace(default.run_id, "<run>")
            for path in root.rglob("*.db")
        }

    assert layout(ours.instance) == layout(default.instance)
    assert "history/runs.db" in layout(ours.instance)
    assert "history/runs/index.db" in layout(ours.instance)
    assert "history/runs/<run>.db" in layout(ours.instance)
    assert "schedules/schedules.db" in layout(ours.instance)


def test_a_data_dir_of_the_default_storage_keeps_its_history(both, tmp_path):
    default = both[1]
    home = tmp_path / "home"
    shutil.copytree(default.instance.root_directory, home)
    shutil.copyfile(settings.REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    reopened = DagsterInstance.from_config(str(home))
    assert type(reopened.event_log_storage) is BatchedSqliteEventLogStorage
    assert [r.dagster_run.run_id for r in reopened.get_run_records()] == [default.run_id]
    assert reopened.get_materialized_partitions(ASSET) == set(KEYS)
    assert stored_events(Ran(reopened, default.run_id, 0)) == stored_events(default)
    reopened.dispose()


def test_the_same_events_are_stored(both):
    ours, default = both
    events = stored_events(ours)
    assert events == stored_events(default)
    types = Counter(event[0] for event in events)
    assert types[DagsterEventType.ASSET_MATERIALIZATION_PLANNED.value] == len(KEYS)
    assert types[DagsterEventType.ASSET_MATERIALIZATION.value] == len(KEYS)
    assert types[DagsterEventType.ASSET_CHECK_EVALUATION.value] == 1
    # the batches cost fewer commits than one write at a time (about two per event)
    assert ours.commits < default.commits - 2 * len(KEYS)


def test_the_same_answers_to_the_asset_and_check_queries(both):
    ours, default = both

    def answers(ran: Ran) -> dict:
        instance = ran.instance
        latest = instance.get_latest_materialization_event(ASSET)
        storage = instance.event_log_storage
        by_partition = storage.get_latest_storage_id_by_partition(
            ASSET, DagsterEventType.ASSET_MATERIALIZATION
        )
        records = instance.fetch_materializations(ASSET, limit=100).records
        planned = instance.get_event_records(
            EventRecordsFilter(DagsterEventType.ASSET_MATERIALIZATION_PLANNED, asset_key=ASSET)
        )
        executions = storage.get_asset_check_execution_history(CHECK, limit=10)
        return {
            "latest": (latest.dagster_event.partition, latest.run_id == ran.run_id),
            "materialized": instance.get_materialized_partitions(ASSET),
            "partitions with a latest": sorted(by_partition),
            "materializations": sorted(
                (r.partition_key, r.asset_materialization.metadata["rows"].value) for r in records
            ),
            "planned": sorted(r.event_log_entry.dagster_event.partition for r in planned),
            "checks": sorted(
                (e.status.value, e.partition or "", e.run_id == ran.run_id) for e in executions
            ),
            "check evaluation": storage.get_latest_asset_check_execution_by_key([CHECK])[
                CHECK
            ].status.value,
        }

    assert answers(ours) == answers(default)
    assert answers(ours)["materialized"] == set(KEYS)
    # planned per day, evaluated once for the range (Dagster's rows, in both storages)
    assert answers(ours)["checks"] == [("PLANNED", key, True) for key in KEYS] + [
        ("SUCCEEDED", "", True)
    ]


def materializations(ran: Ran) -> list[EventLogEntry]:
    return [
        record.event_log_entry
        for record in ran.instance.get_records_for_run(ran.run_id).records
        if record.event_log_entry.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION
    ]


def counts(storage_dir: Path, run_id: str) -> tuple[int, int]:
    """The materializations of the run in its run shard and in the index shard."""
    found = []
    for shard in (run_id, "index"):
        with sqlite3.connect(storage_dir / f"{shard}.db") as db:
            [(n,)] = db.execute(
                "select count(*) from event_logs where dagster_event_type = ? and run_id = ?",
                (DagsterEventType.ASSET_MATERIALIZATION.value, run_id),
            )
        found.append(n)
    return found[0], found[1]


def test_a_batch_is_one_transaction_per_shard(both, tmp_path, commits):
    default = both[1]
    events = materializations(default)
    storage = repository_instance(tmp_path / "home").event_log_storage
    with storage.run_connection(default.run_id):
        pass  # the run's shard created (its tables, a few commits of their own)
    commits.by_file.clear()
    storage.store_event_batch(events)
    # seven events, each written to the run's shard and the index shard: two commits
    assert commits.by_file == Counter({f"{default.run_id}.db": 1, "index.db": 1})
    assert counts(Path(storage._base_dir), default.run_id) == (len(KEYS), len(KEYS))


# Fails an insert into the index shard's event log on a connection that already wrote, for the
# third day: the third event of a batch, never a single write (a fresh connection per event).
PLANTED_FAILURE = f"""
create trigger planted_failure before insert on event_logs
when total_changes() > 0 and new.partition = '{KEYS[2]}'
begin select raise(abort, 'planted failure'); end
"""


def test_a_failed_batch_stores_nothing_and_the_fallback_stores_each_event_once(
    both, tmp_path, capsys
):
    default = both[1]
    events = materializations(default)
    instance = repository_instance(tmp_path / "home")
    storage_dir = Path(instance.event_log_storage._base_dir)
    with sqlite3.connect(storage_dir / "index.db") as db:
        db.execute(PLANTED_FAILURE)

    with pytest.raises(sqlalchemy.exc.IntegrityError, match="planted failure"):
        instance.event_log_storage.store_event_batch(events)
    assert counts(storage_dir, default.run_id) == (0, 0)
    assert instance.get_materialized_partitions(ASSET) == set()

    # what Dagster does with a batch: the batch fails, then each event is stored on its own
    batch_id = generate_event_batch_id()
    for i, event in enumerate(events):
        batch = DagsterEventBatchMetadata(batch_id, i == len(events) - 1)
        instance.handle_new_event(event, batch_metadata=batch)
    assert "Exception while storing event batch: " in capsys.readouterr().err
    assert counts(storage_dir, default.run_id) == (len(KEYS), len(KEYS))
    assert instance.get_materialized_partitions(ASSET) == set(KEYS)
