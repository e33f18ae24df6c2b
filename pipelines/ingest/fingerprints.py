"""Each raw table's content fingerprint, kept up to date by the loads that change it.

A publication records the fingerprint of every raw table it was computed from. Hashing every row
of every raw table at each refresh cost 4 s at scale L, and grew with the years of sign-ins kept.
A fingerprint's parts (row count, sum and XOR of the rows' hashes) add up over any split of the
rows, so each load updates them in its own transaction from the rows it removes and the rows it
adds: a day's sign-ins, not the history.

The loader is the only writer of raw. A state that cannot be trusted (none yet, the table's columns
or DuckDB's version changed, its row count no longer matches) is computed again from the whole
table, once.
"""

from __future__ import annotations

import duckdb

from data_quality.fingerprint import RowsHash, TableHash, described, rows_hash, table_hash

STATE_TABLE = "ingest.raw_fingerprints"


def _ensure_state_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ingest")
    con.execute(
        f"""
        create table if not exists {STATE_TABLE} (
            table_name varchar primary key,
            described varchar not null,
            row_count bigint not null,
            hash_sum hugeint not null,
            hash_xor ubigint not null,
            duckdb_version varchar not null
        )
        """
    )


def stored_hash(con: duckdb.DuckDBPyConnection, table: str) -> TableHash | None:
    """The state kept for `table`, if it can be trusted for the table as it now is."""
    exists = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'ingest' and table_name = 'raw_fingerprints'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute(
        f"select described, row_count, hash_sum, hash_xor, duckdb_version from {STATE_TABLE}"
        " where table_name = ?",
        [table],
    ).fetchone()
    if row is None or row[4] != duckdb.__version__:
        return None
    state = TableHash(row[0], int(row[1]), int(row[2]), int(row[3]))
    if state.described != described(con, table)[0] or state.row_count != _count(con, table):
        return None
    return state


def store_hash(con: duckdb.DuckDBPyConnection, table: str, state: TableHash) -> None:
    _ensure_state_table(con)
    con.execute(
        f"insert or replace into {STATE_TABLE} values (?, ?, ?, ?, ?, ?)",
        [
            table,
            state.described,
            state.row_count,
            state.hash_sum,
            state.hash_xor,
            duckdb.__version__,
        ],
    )


def rehash(con: duckdb.DuckDBPyConnection, table: str) -> TableHash:
    """Hash the whole of `table` and keep its state: after a snapshot replaced it, or once when no
    state can be trusted."""
    state = table_hash(con, table)
    store_hash(con, table, state)
    return state


def rows_in(con: duckdb.DuckDBPyConnection, table: str, where: str, parameters: dict) -> RowsHash:
    """The parts of the rows of `table` that `where` keeps: what a window's load removes or adds."""
    return rows_hash(con, table, described(con, table)[1], where, parameters)


def current_hash(con: duckdb.DuckDBPyConnection, table: str) -> TableHash:
    """The table's hash: its kept state when that can be trusted, else computed and kept."""
    return stored_hash(con, table) or rehash(con, table)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else 0
