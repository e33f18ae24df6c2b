"""Lands a connector's batches in the warehouse without ever holding a whole entity in memory.

Batches stream to a Parquet file in the landing zone first; only a complete extraction is loaded
into `raw.<source>__<entity>`, in one transaction. A source that fails half-way therefore leaves its
raw table exactly as the last good load left it, and the other sources are untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import LOAD_METADATA, Entity, Window

#: Events re-read before the high-water mark, for sources that deliver late (Okta's System Log
#: can take a few minutes to make an event visible); duplicates are removed by the event's id.
EVENT_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class LandingResult:
    table: str
    rows_extracted: int
    rows_inserted: int
    rows_in_table: int
    window: Window | None


def raw_table(source: str, entity: Entity) -> str:
    return f"raw.{source}__{entity.name}"


def write_landing_file(
    batches: Iterable[pa.RecordBatch],
    entity: Entity,
    path: Path,
    *,
    source: str,
    run_id: str,
    extracted_at: datetime,
) -> int:
    """Stream `batches` to a Parquet file with the load metadata columns; return the row count.

    The file is removed if extraction fails, so a partial extraction can never be loaded.
    Every column is written nullable: a null where the entity declares none (a key) is for the
    raw gate to refuse, naming the rows and keeping them in quarantine, not for the writer to crash.
    """
    fields = [field.with_nullable(True) for field in entity.schema]
    schema = pa.schema(fields + [f for f in LOAD_METADATA if f.name != "_loaded_at"])
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    try:
        with pq.ParquetWriter(path, schema) as writer:
            for batch in batches:
                n = batch.num_rows
                columns = [batch.column(name) for name in entity.schema.names] + [
                    pa.array([source] * n, pa.string()),
                    pa.array([extracted_at] * n, pa.timestamp("us")),
                    pa.array([run_id] * n, pa.string()),
                ]
                writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
                rows += n
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return rows


def load_landing_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    entity: Entity,
    window: Window | None,
) -> tuple[int, int]:
    """Load a landing file into `table` in one transaction; return (rows inserted, rows in table).

    Snapshots replace the table; events are appended without the ones already there (same key).
    """
    source_sql = f"select *, now()::timestamp as _loaded_at from read_parquet('{path}')"
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists raw")
        if entity.kind == "snapshot":
            con.execute(f"create or replace table {table} as {source_sql}")
            inserted = _count(con, table)
        else:
            inserted = _append_events(con, source_sql, table, entity, window)
        total = _count(con, table)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return inserted, total


def _append_events(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    table: str,
    entity: Entity,
    window: Window | None,
) -> int:
    con.execute(f"create table if not exists {table} as {source_sql} limit 0")
    key = ", ".join(entity.key)
    join = " and ".join(f"old.{column} = new.{column}" for column in entity.key)
    # Only the rows that could collide are compared: those at or after the window's start.
    since = f"and old.{entity.event_time} >= ?" if window else ""
    params = [window.start] if window else []
    before = _count(con, table)
    con.execute(
        f"""
        insert into {table}
        select new.* from (
            select * from ({source_sql})
            qualify row_number() over (partition by {key} order by _extracted_at) = 1
        ) as new
        where not exists (select 1 from {table} as old where {join} {since})
        """,
        params,
    )
    return _count(con, table) - before


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, entity: Entity) -> int:
    """Create `table` empty, in the entity's raw schema, unless it exists; return its row count."""
    schema = pa.schema(list(entity.schema) + list(LOAD_METADATA))
    con.register("empty_entity", pa.Table.from_batches([], schema=schema))
    try:
        con.execute("create schema if not exists raw")
        con.execute(f"create table if not exists {table} as select * from empty_entity")
    finally:
        con.unregister("empty_entity")
    return _count(con, table)


def high_water_mark(con: duckdb.DuckDBPyConnection, table: str, entity: Entity) -> datetime | None:
    """The newest event time already landed, or None before the first load."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw'"
        " and table_name = ?",
        [table.removeprefix("raw.")],
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute(f"select max({entity.event_time}) from {table}").fetchone()
    return row[0] if row else None


def event_window(last_event: datetime | None, first_start: datetime, end: datetime) -> Window:
    """The window to extract: from the high-water mark (less the overlap) up to `end`."""
    start = first_start if last_event is None else max(first_start, last_event - EVENT_OVERLAP)
    return Window(start=min(start, end), end=end)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else 0
