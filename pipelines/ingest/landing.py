"""Lands a connector's batches in the warehouse without ever holding a whole entity in memory.

Batches stream to a Parquet file in the landing zone first; only a complete extraction is loaded
into `raw.<source>__<entity>`, in one transaction. A source that fails half-way therefore leaves its
raw table exactly as the last good load left it, and the other sources are untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import LOAD_METADATA, Entity, Window
from data_quality.fingerprint import RowsHash, TableHash
from pipelines.ingest.fingerprints import (
    current_hash,
    rehash,
    rows_in,
    store_hash,
    stored_hash,
)


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
    # One value per column, repeated by Arrow: lists of a value per row, converted row by row,
    # cost seconds of the step's thread over L's 27 million sign-ins.
    metadata = [
        pa.scalar(source, pa.string()),
        pa.scalar(extracted_at, pa.timestamp("us")),
        pa.scalar(run_id, pa.string()),
    ]
    rows = 0
    try:
        with pq.ParquetWriter(path, schema) as writer:
            for batch in batches:
                n = batch.num_rows
                columns = [batch.column(name) for name in entity.schema.names] + [
                    pa.repeat(value, n) for value in metadata
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
    keys_once: bool = False,
) -> tuple[int, int]:
    """Load a landing file into `table` in one transaction; return (rows inserted, rows in table).

    Snapshots replace the table. Events replace the rows of their window: those of raw whose event
    time falls in `window` are deleted and the delivery's rows in it inserted, once per key. Loading
    the same delivery again changes nothing; a re-delivery with late events adds them, and a day
    is never counted twice however often it is re-loaded. `keys_once` says the delivery's audit
    found each row's key once (`gate.keys_once`): its rows are then inserted without looking for
    copies again.
    """
    # The load's instant in UTC, not `now()::timestamp`, which is the session's local time: the
    # quality gate compares `_loaded_at` with when the live publication was checked (UTC).
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    source_sql = (
        f"select *, timestamp '{loaded_at.isoformat(sep=' ')}' as _loaded_at"
        f" from read_parquet('{path}')"
    )
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists raw")
        with insertion_order_free(con):
            if entity.kind == "snapshot":
                con.execute(f"create or replace table {table} as {source_sql}")
                inserted = rehash(con, table).row_count
            else:
                if window is None:
                    raise ValueError(f"{table}: events are loaded by window, and none was given")
                inserted = _replace_window(con, source_sql, table, entity, window, keys_once)
        total = _count(con, table)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return inserted, total


@contextmanager
def insertion_order_free(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB store a delivery's rows in the order its threads finish them, not the file's.

    Keeping the order cost a checkpoint half as long as the insert itself: L's 27.8 million Okta
    sign-ins were inserted in 42-45 s either way, then checkpointed in 21 s with the order kept
    and in 0.1 s without (the file 1,746 -> 1,476 MB); M's 2.8 million in 4.5 s and 0.01 s; L's
    1.6 million Okta assignments (a snapshot) in 1.3-1.5 s and 0.01 s. Nothing reads raw in its
    stored order: every model and check orders, groups or hashes what it reads (a fingerprint is a
    sum, whatever the order), and a window's rows stay in the row groups its load wrote, which is
    what the next delete of the window and its fingerprint scans rely on. The connection's
    setting is put back after.
    """
    row = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    previous = bool(row[0]) if row else True
    con.execute("set preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"set preserve_insertion_order = {str(previous).lower()}")


#: How much write-ahead log a step lets build up before DuckDB checkpoints: more than a step's loads
#: write (at L's daily refresh, Google's 94 MB, Okta's 57 MB with its weekly re-list of
#: assignments; a load of over a row group's rows goes straight to the file), so they are
#: checkpointed once, as the step ends.
STEP_CHECKPOINT_THRESHOLD = "1GiB"


@contextmanager
def checkpointed_once(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Checkpoint the warehouse once, after every load of the block, not after each.

    Past `checkpoint_threshold` of write-ahead log (16 MiB by default), DuckDB checkpoints at the
    commit that crossed it: nearly every load of a large source did, each checkpoint writing what
    the loads before it had left, and at L's daily refresh the commits took 2.4 s of the ingest.
    Committed loads are safe in the log until then; if the block fails, closing the connection
    checkpoints instead. The threshold is the database's own setting: it is put back after.
    """
    row = con.execute("select current_setting('checkpoint_threshold')").fetchone()
    previous = row[0] if row else None
    con.execute(f"set checkpoint_threshold = '{STEP_CHECKPOINT_THRESHOLD}'")
    try:
        yield
        con.execute("checkpoint")
    finally:
        if previous is not None:
            con.execute(f"set checkpoint_threshold = '{previous}'")


def _replace_window(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    table: str,
    entity: Entity,
    window: Window,
    keys_once: bool = False,
) -> int:
    con.execute(f"create table if not exists {table} as {source_sql} limit 0")
    in_window = f"{entity.event_time} >= $start and {entity.event_time} < $end"
    bounds = {"start": window.start, "end": window.end}
    # The table's fingerprint follows the window's rows out and in (`fingerprints`): a scan of the
    # window, which DuckDB's zone maps keep to the days it holds, not of the history.
    kept = stored_hash(con, table)
    removed = rows_in(con, table, in_window, bounds) if kept else None
    con.execute(f"delete from {table} where {in_window}", bounds)
    # An event a vendor returns outside the window asked for belongs to another window's load:
    # keeping it here would land it twice once both windows are loaded. By name: a table created
    # empty for an unconfigured source (`ensure_table`) orders the load columns differently.
    #
    # A key delivered twice (an event repeated where pages meet) is kept once. Such keys are few:
    # only their rows go through the window that picks one, and the rest streams straight in. A
    # window over the whole delivery held all of it in memory, beyond DuckDB's memory limit for
    # L's 28 million sign-ins; counting the keys is an aggregate, which DuckDB spills to disk.
    delivered = f"(select * from ({source_sql}) where {in_window})"
    inserted = _insert_window(con, table, entity, delivered, bounds, keys_once)
    _refingerprint(con, table, in_window, bounds, kept, removed)
    return inserted


def _insert_window(
    con: duckdb.DuckDBPyConnection,
    table: str,
    entity: Entity,
    delivered: str,
    bounds: dict[str, datetime],
    keys_once: bool,
) -> int:
    """Insert the delivery's rows of the window (`delivered`), each key once; return how many."""
    if keys_once:
        # The audit counted each key once in the delivery. Looking for copies again cost 7-13 s
        # more than the insert alone (38-50 s) for L's 27.8 million Okta sign-ins.
        row = con.execute(f"insert into {table} by name select * from {delivered}", bounds)
        inserted = row.fetchone()
        return int(inserted[0]) if inserted else 0
    keys = ", ".join(entity.key)
    same_key = " and ".join(
        f"delivered.{column} is not distinct from repeated.{column}" for column in entity.key
    )
    row = con.execute(
        f"""
        insert into {table} by name
        with repeated as materialized (
            select {keys} from {delivered} group by all having count(*) > 1
        )
        select delivered.* from {delivered} as delivered
        anti join repeated on {same_key}
        union all by name
        select * from (
            select delivered.* from {delivered} as delivered
            semi join repeated on {same_key}
        )
        qualify row_number() over (partition by {keys} order by _extracted_at) = 1
        """,
        bounds,
    ).fetchone()
    return int(row[0]) if row else 0


def _refingerprint(
    con: duckdb.DuckDBPyConnection,
    table: str,
    in_window: str,
    bounds: dict[str, datetime],
    kept: TableHash | None,
    removed: RowsHash | None,
) -> None:
    """Store `table`'s fingerprint after a window was replaced: every row of the window now is one
    the delivery added."""
    if kept is not None and removed is not None:
        store_hash(con, table, kept.minus(removed).plus(rows_in(con, table, in_window, bounds)))
    else:
        rehash(con, table)


def rows_in_window(
    con: duckdb.DuckDBPyConnection, table: str, entity: Entity, window: Window
) -> int:
    """Rows of `table` whose event time falls in `window`: what a re-delivery of it replaces."""
    if not _exists(con, table):
        return 0
    row = con.execute(
        f"select count(*) from {table} where {entity.event_time} >= ? and {entity.event_time} < ?",
        [window.start, window.end],
    ).fetchone()
    return int(row[0]) if row else 0


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, entity: Entity) -> int:
    """Create `table` empty, in the entity's raw schema, unless it exists; return its row count."""
    schema = pa.schema(list(entity.schema) + list(LOAD_METADATA))
    con.register("empty_entity", pa.Table.from_batches([], schema=schema))
    try:
        con.execute("create schema if not exists raw")
        con.execute(f"create table if not exists {table} as select * from empty_entity")
    finally:
        con.unregister("empty_entity")
    return current_hash(con, table).row_count


def rows_landed(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The rows `table` holds; 0 if it does not exist yet."""
    return _count(con, table) if _exists(con, table) else 0


def listed_at(con: duckdb.DuckDBPyConnection, table: str) -> datetime | None:
    """When the snapshot in `table` was extracted (its rows' `_extracted_at`, one instant: a
    listing's start); None if it holds none."""
    if not _exists(con, table):
        return None
    row = con.execute(f"select max(_extracted_at) from {table}").fetchone()
    return row[0] if row else None


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else 0
