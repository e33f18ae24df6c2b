"""A reader of the published audit in a process of its own, as finance or a BI server reads it.

    python reader_process.py duckdb|sqlalchemy PUBLISHED STOP_FILE

Reads, then reads again until STOP_FILE exists (so at least once). Each read opens the published
warehouse read-only, asks every table which runs wrote its rows, closes it, and prints one JSON
line: {"started", "ended", "runs": {table: [run ids]}, "rows": {table: count}}, or {"started",
"ended", "error"} when the read failed. Each read opens a new connection, as a BI tool whose pool
is recycled does: a connection kept open keeps the publication it opened.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
from publisher_process import ROWS, TABLES

QUERY = " union all ".join(
    f"select '{table}' as table_name, run_id, count(*) as row_count from {table} group by run_id"
    for table in ("publication", *TABLES)
)
READER_TIMEOUT_S = 120
#: A breath between reads, so that three readers do not starve the publisher of the machine's CPUs.
PAUSE_S = 0.05


def summarize(rows: Iterable[tuple[str, str, int]]) -> dict:
    """Which run ids each table holds, and how many rows it has in all."""
    runs: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for table, run_id, count in rows:
        runs.setdefault(table, []).append(run_id)
        counts[table] = counts.get(table, 0) + int(count)
    return {"runs": {table: sorted(ids) for table, ids in runs.items()}, "rows": counts}


def whole_publication(run_id: str) -> dict:
    """What a read of the publication of `run_id` finds: every table, all its rows, that run."""
    return {
        "runs": {table: [run_id] for table in ("publication", *TABLES)},
        "rows": {"publication": 1, **ROWS},
    }


def duckdb_reader(published: Path) -> Callable[[], dict]:
    def read() -> dict:
        with duckdb.connect(str(published), read_only=True) as con:
            return summarize(con.execute(QUERY).fetchall())

    return read


def sqlalchemy_reader(published: Path) -> Callable[[], dict]:
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    engine = sqlalchemy.create_engine(
        f"duckdb:///{published}", connect_args={"read_only": True}, poolclass=NullPool
    )
    query = sqlalchemy.text(QUERY)

    def read() -> dict:
        with engine.connect() as connection:
            return summarize(connection.execute(query).fetchall())

    return read


def main() -> None:
    kind, published, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    read = {"duckdb": duckdb_reader, "sqlalchemy": sqlalchemy_reader}[kind](published)
    deadline = time.monotonic() + READER_TIMEOUT_S
    while True:
        started = time.time()
        try:
            observation = read()
        except Exception as error:
            observation = {"error": repr(error)}
        print(json.dumps({"started": started, "ended": time.time(), **observation}), flush=True)
        if stop.exists() or time.monotonic() > deadline:
            break
        time.sleep(PAUSE_S)


if __name__ == "__main__":
    main()
