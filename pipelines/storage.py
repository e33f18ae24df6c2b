"""Dagster's run history in SQLite, with one engine per database file instead of one per event.

Dagster's SQLite event log opens a new SQLAlchemy engine, connection and compiled statement cache
for every event it stores, and asset events are written to two files. A refresh stores about 500
events (a materialization per dbt model, check results, planned events), which cost about 25 ms
each: some 15 s of a refresh. `PooledSqliteEventLogStorage` keeps one small pool per database
file (the index and the latest runs' files) and reuses it, and remembers which of Dagster's
tables exist instead of opening one more engine to ask before each asset event (about 1.3 s of a
first refresh). The files, tables and SQL are Dagster's own, so the UI, the daemon and any Dagster
process read them as usual. Dagster already puts these files in write-ahead-log mode; commits here
use `synchronous=normal`, which in that mode stays consistent after a crash of any process (only a
power cut can lose the last events).

The storage is selected in `$DAGSTER_HOME/dagster.yaml`, written by `dagster_settings`.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's per-run SQLite event log, reusing one engine and connection per file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Same contract as Dagster's: one transaction per use, serialised by the storage's lock.
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

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
