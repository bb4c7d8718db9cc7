"""Dagster's SQLite event log, with a batch of events written in one transaction per shard.

Dagster's SQLite event log opens a new engine, connection and transaction for every write to a
shard, and one event is two to four such writes (its run's shard, the index shard, the asset
check executions): about 9 ms an event on a quiet machine, and the largest cost of a long
backfill, whose ingestion run writes a materialization per day (docs/performance.md). Dagster
can hand a storage a whole batch (the planned events of a new run, the per-partition
materializations of one output: events that carry ``DagsterEventBatchMetadata``), but its
SQLite storage stores a batch one event at a time. ``BatchedSqliteEventLogStorage`` writes a
batch with the upstream ``store_event`` code, each shard in one open transaction, committed once
at the end. Everything else, the files included, is Dagster's own SQLite storage.

The local ``dagster.yaml`` selects it through ``SehDagsterInstance``: an instance class is the
one place of the configuration that is told the instance's home directory, so the storage keeps
Dagster's default layout under whichever ``DAGSTER_HOME`` a process uses (the CLI's data dir,
``dagster dev``, the run workers), and an existing data dir keeps its run history.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import yaml
from dagster import DagsterInstance
from dagster._config import StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef, _event_logs_directory
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    SqliteRunStorage,
    SqliteScheduleStorage,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine, Transaction
from sqlalchemy.pool import NullPool

# Dagster hands a storage a batch only with this variable above 0 (read at every event, in
# ``handle_new_event``); below that it calls ``store_event`` for each event. A batch holds at most
# this many events in memory: the per-partition materializations of a ten-year range are 3,653
# small events, so 1,000 keeps a batch to a few MB while a year's range is one batch.
BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"
DEFAULT_BATCH_SIZE = "1000"

MODULE = __name__


class _OpenBatch:
    """The connections a batch has opened, one per shard, each inside one transaction."""

    def __init__(self, storage: BatchedSqliteEventLogStorage) -> None:
        self._storage = storage
        self._open: dict[str, tuple[Engine, Connection, Transaction]] = {}

    def connection(self, shard: str) -> Connection:
        if shard not in self._open:
            engine = create_engine(
                self._storage.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            self._storage.initialize_shard(shard, engine)
            connection = engine.connect()
            self._open[shard] = (engine, connection, connection.begin())
        return self._open[shard][1]

    def commit(self) -> None:
        """Commit every shard, the run's first (the order a single ``store_event`` writes in)."""
        try:
            for _engine, _connection, transaction in self._open.values():
                transaction.commit()
        finally:
            self.close()

    def rollback(self) -> None:
        try:
            for _engine, _connection, transaction in self._open.values():
                if transaction.is_active:
                    transaction.rollback()
        finally:
            self.close()

    def close(self) -> None:
        for engine, connection, _transaction in self._open.values():
            connection.close()
            engine.dispose()
        self._open.clear()


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite event log, storing a batch of events in one transaction per
    shard (see the module's docstring for why).

    Constructing it sets ``DAGSTER_EVENT_BATCH_SIZE`` (unless the environment already sets it):
    the storage is built in every process that writes events (the CLI, ``dagster dev``, the
    daemon, each run worker), before the first event, and there is no other hook that reaches
    all of them; Dagster reads the variable at every event.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        os.environ.setdefault(BATCH_SIZE_ENV, DEFAULT_BATCH_SIZE)
        # The batch open in this thread, if any: another thread (the UI's event watcher) never
        # sees it and waits on the storage's lock, as it would for a single write.
        self._batch_state = threading.local()
        self._has_asset_check_table = False
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> Mapping[str, Any]:
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> BatchedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def initialize_shard(self, shard: str, engine: Engine) -> None:
        """Create the shard's tables the first time this process writes to it (as upstream)."""
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        batch: _OpenBatch | None = getattr(self._batch_state, "batch", None)
        if batch is None:
            with super()._connect(shard) as connection:
                yield connection
        else:
            # Inside a batch this thread already holds the lock; every write of the batch to
            # this shard goes into the batch's one transaction (``index_transaction`` sees it
            # open and does not begin another).
            yield batch.connection(shard)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store the events with upstream's ``store_event``, all of them or none.

        On an error every shard's transaction is rolled back before the error goes on, so
        Dagster's fallback (storing the events one by one) stores each event once. A commit is
        per shard: only a failure of a later shard's commit itself (a full disk, not a busy
        database: the write locks are already held) can leave an earlier shard's events stored.
        """
        with self._db_lock:
            batch = _OpenBatch(self)
            self._batch_state.batch = batch
            try:
                for event in events:
                    self.store_event(event)
            except BaseException:
                self._batch_state.batch = None
                batch.rollback()
                raise
            self._batch_state.batch = None
            batch.commit()

    def has_table(self, table_name: str) -> bool:
        # Upstream opens a new engine on the index shard to look for a table at every asset
        # event (``_store_asset_event_tags``): 3,653 times in a ten-year backfill. A table that
        # is there stays there (only a migration adds one), so a found table is remembered.
        if table_name not in self._tables_found and super().has_table(table_name):
            self._tables_found.add(table_name)
        return table_name in self._tables_found

    @property
    def supports_asset_checks(self) -> bool:
        # Upstream opens a new engine to look for the table at every asset check event; once
        # the table is there it stays (only a migration adds it).
        if not self._has_asset_check_table:
            self._has_asset_check_table = super().supports_asset_checks
        return self._has_asset_check_table


class SehSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage under the instance's home, with the batched event log:
    runs in ``history/runs.db``, event logs in ``history/runs/``, schedules in ``schedules/``."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        # Upstream's constructor with the event log swapped: calling it would open (and on a
        # fresh home create) the index shard a second time with Dagster's own class.
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = BatchedSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> SehSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        return event_log_storage_data(self.base_dir)


def event_log_storage_data(home: str) -> ConfigurableClassData:
    return ConfigurableClassData(
        MODULE,
        BatchedSqliteEventLogStorage.__name__,
        yaml.dump({"base_dir": _event_logs_directory(home)}, default_flow_style=False),
    )


class SehDagsterInstance(DagsterInstance):
    """A Dagster instance whose default storage is ``SehSqliteStorage`` under its home.

    Only the defaults change: a ``storage:`` block in ``dagster.yaml`` (deploy/dagster.yaml's
    PostgreSQL) still wins, and so does Dagster's own ``DAGSTER_EVENT_BATCH_SIZE`` setting.
    """

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        defaults = dict(InstanceRef.config_defaults(base_dir))
        defaults["storage"] = ConfigurableClassData(
            MODULE,
            SehSqliteStorage.__name__,
            yaml.dump({"base_dir": base_dir}, default_flow_style=False),
        )
        defaults["event_log_storage"] = event_log_storage_data(base_dir)
        return defaults
