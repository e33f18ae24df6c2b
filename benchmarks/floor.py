"""Run benchmarks/floor.sql: export the warehouse's raw tables as Parquet, then time the script.

The landing files a refresh writes are deleted once loaded, so the raw tables are exported after
the refresh instead: the same rows the pipeline's models read, in the format the floor reads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

FLOOR_SQL = Path(__file__).with_name("floor.sql")
#: The tables the floor builds, whose row counts prove it computed something.
FLOOR_TABLES = ("license_utilization", "portfolio_matrix", "application_roi")
#: Headline totals the floor and the published marts both have: how close the floor's
#: simplified rules come to the pipeline's, printed beside the timings.
TOTALS_SQL = """
select
    (select count(*) from license_utilization) as applications,
    (select sum(seats_purchased) from license_utilization) as seats_purchased,
    (select sum(active_users) from license_utilization) as active_users,
    (select round(sum(annual_cost_usd)) from application_roi) as annual_cost_usd
"""


@dataclass(frozen=True)
class FloorResult:
    seconds: float
    rows: dict[str, int]
    raw_rows: int
    totals: dict[str, float]


def export_raw(warehouse: Path, out_dir: Path) -> int:
    """Every `raw.<table>` as `<table>.parquet` in `out_dir`; returns the rows exported."""
    out_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        ]
        for table in tables:
            target = out_dir / f"{table}.parquet"
            con.execute(f"copy raw.\"{table}\" to '{target}' (format parquet)")
            total += con.execute(f'select count(*) from raw."{table}"').fetchone()[0]  # type: ignore[index]
    return total


def run_floor(raw_dir: Path, as_of: date, threads: int | None = None) -> FloorResult:
    """Time floor.sql on one fresh in-memory connection, as a user with DuckDB alone would."""
    script = FLOOR_SQL.read_text(encoding="utf-8")
    raw_rows = sum(
        duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]  # type: ignore[index]
        for path in sorted(raw_dir.glob("*.parquet"))
    )
    with duckdb.connect() as con:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        started = time.perf_counter()
        con.execute(f"set file_search_path = '{raw_dir}'")
        con.execute(f"set variable as_of = date '{as_of.isoformat()}'")
        con.execute(script)
        seconds = time.perf_counter() - started
        rows = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
            for table in FLOOR_TABLES
        }
        totals = totals_of(con)
    return FloorResult(seconds, rows, raw_rows, totals)


def totals_of(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    relation = con.sql(TOTALS_SQL)
    values = relation.fetchone() or ()
    return {name: float(value or 0) for name, value in zip(relation.columns, values, strict=True)}


def published_totals(published: Path) -> dict[str, float]:
    """The same totals from the pipeline's current publication."""
    with duckdb.connect(str(published), read_only=True) as con:
        return totals_of(con)
