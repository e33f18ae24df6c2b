"""Dagster's run history in SQLite, with one engine per database file instead of one per event.

Dagster's SQLite event log opens a new SQLAlchemy engine, connection and compiled statement cache
for every event it stores, and asset events are written to two files. A refresh stores about 500
events (a materialization per dbt model, check results, planned events), which cost about 25 ms
each: some 15 s of a refresh. `PooledSqliteEventLogStorage` keeps one small pool per database
file (the index and the latest runs' files) and reuses it, and remembers which of Dagster's
tables and asset-key columns exist instead of asking again before each asset event (about 1.3 s
of a first refresh for the tables). It also has Dagster hand it the events of a partitioned step,
and a run's planned events, in batches (`DAGSTER_EVENT_BATCH_SIZE`), each stored in one
transaction per file: a first refresh plans and materializes 91 days of each event feed, about a
thousand events. The files, tables and SQL are Dagster's own, so the UI, the daemon and any Dagster
process read them as usual. Dagster already puts these files in write-ahead-log mode; commits here
use `synchronous=normal`, which in that mode stays consistent after a crash of any process (only a
power cut can lose the last events).

The storage is selected in `$DAGSTER_HOME/dagster.yaml`, written by `dagster_settings`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

#: Database files whose engines stay open: the index plus the runs a process is writing or a UI
#: is showing. Older engines are disposed of, closing their connections.
OPEN_FILES = 8
#: Dagster hands a storage the events of a partitioned step, and a run's planned events, in
#: batches of at most this many when the variable is set (it is unset by default).
EVENT_BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"
EVENT_BATCH_SIZE = 1000


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's per-run SQLite event log, reusing one engine and connection per file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables: set[str] = set()
        self._asset_key_columns: set[str] = set()
        self._batch: dict[str, Connection] | None = None
        self._batch_thread: int | None = None
        super().__init__(base_dir, inst_data)
        # A first refresh plans and materializes each of 91 days of three event feeds: about a
        # thousand events, each its own transactions. Batched, they share one per file.
        os.environ.setdefault(EVENT_BATCH_SIZE_ENV, str(EVENT_BATCH_SIZE))

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Same contract as Dagster's: one transaction per use, serialised by the storage's lock;
        # within a batch, the batch's transaction on that file.
        if self._batch is not None and self._batch_thread == threading.get_ident():
            connection = self._batch.get(shard)
            if connection is None:
                connection = self._engine(shard).connect()
                connection.begin()
                self._batch[shard] = connection
            yield connection
            return
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store `events` as Dagster's `store_event` does, in one transaction per file.

        Should an event fail to be stored, nothing of the batch is kept, and Dagster then stores
        its events one by one. (A commit failing on one file after another committed, such as a
        full disk, would keep part of it, as Dagster's own one-event writes to two files can.)
        """
        with self._db_lock:
            self._batch, self._batch_thread = {}, threading.get_ident()
            try:
                for stored in events:
                    self.store_event(stored)
                for connection in self._batch.values():
                    connection.commit()
            finally:
                batch, self._batch, self._batch_thread = self._batch, None, None
                for connection in batch.values():
                    connection.close()  # rolls back what was not committed

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        """Whether Dagster's asset-key table has `column_name`. Dagster reads the table's schema
        before storing each asset event; a column, once there, stays (migrations add them)."""
        if column_name in self._asset_key_columns:
            return True
        exists = super()._has_asset_key_col_on_connection(conn, column_name)
        if exists:
            self._asset_key_columns.add(column_name)
        return exists

    def has_table(self, table_name: str) -> bool:
        """Whether the index holds `table_name`. Dagster asks before every asset event with tags;
        its answer opened a new engine each time. A table, once there, stays (Dagster's migrations
        add tables, never drop them), so only a missing one is asked again."""
        # Dagster's own answer, on an engine of its own: the caller may hold this storage's lock.
        if table_name in self._tables:
            return True
        exists = super().has_table(table_name)
        if exists:
            self._tables.add(table_name)
        return exists

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                # Dagster's schema set-up opens a second connection while the first is held.
                pool_size=1,
                max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _commit_without_fsync)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = engine
            while len(self._engines) > OPEN_FILES:
                self._engines.popitem(last=False)[1].dispose()
        self._engines.move_to_end(shard)
        return engine

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


def _commit_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("pragma synchronous=normal")


def dagster_settings(home: Path) -> str:
    """The `dagster.yaml` of this project's Dagster home: no telemetry, one run at a time (the
    daemon's queue, for schedules and sensors), the pooled event log."""
    return (
        "# Written by software-audit; edit freely: it is only written when missing.\n"
        "telemetry:\n"
        "  enabled: false\n"
        "# One refresh at a time: DuckDB lets one process write the warehouse.\n"
        "run_queue:\n"
        "  max_concurrent_runs: 1\n"
        "event_log_storage:\n"
        f"  module: {__name__}\n"
        f"  class: {PooledSqliteEventLogStorage.__name__}\n"
        "  config:\n"
        f"    base_dir: {home.resolve() / 'history' / 'runs'}\n"
    )
