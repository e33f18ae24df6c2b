"""The content fingerprint: what the gate audited is what gets published, and nothing else."""

from __future__ import annotations

import duckdb

from data_quality.fingerprint import table_fingerprint

ROWS = "select i as id, 'app_' || i as name, (i * 1.5)::decimal(18, 2) as cost from range(100) r(i)"


def fingerprint_of(con: duckdb.DuckDBPyConnection, select: str) -> str:
    con.execute(f"create or replace table marts.t as {select}")
    return table_fingerprint(con, "marts.t")


def test_the_fingerprint_ignores_row_order(warehouse) -> None:
    ordered = fingerprint_of(warehouse, f"{ROWS} order by id")
    reversed_ = fingerprint_of(warehouse, f"{ROWS} order by id desc")

    assert ordered == reversed_


def test_the_fingerprint_changes_when_one_value_changes(warehouse) -> None:
    before = fingerprint_of(warehouse, ROWS)
    warehouse.execute("update marts.t set cost = 1.51 where id = 1")

    assert table_fingerprint(warehouse, "marts.t") != before


def test_the_fingerprint_changes_when_identical_rows_change_alike(warehouse) -> None:
    # GIVEN two identical rows, which an XOR of row hashes alone would cancel out
    before = fingerprint_of(warehouse, "select 1 as id union all select 1 union all select 2")
    warehouse.execute("update marts.t set id = 3 where id = 1")

    assert table_fingerprint(warehouse, "marts.t") != before


def test_the_fingerprint_changes_with_a_column_type_or_name(warehouse) -> None:
    original = fingerprint_of(warehouse, "select i::integer as id from range(5) r(i)")
    retyped = fingerprint_of(warehouse, "select i::bigint as id from range(5) r(i)")
    renamed = fingerprint_of(warehouse, "select i::integer as key from range(5) r(i)")

    assert len({original, retyped, renamed}) == 3


def test_an_empty_table_has_a_fingerprint_distinct_from_a_non_empty_one(warehouse) -> None:
    empty = fingerprint_of(warehouse, f"{ROWS} limit 0")

    assert empty != fingerprint_of(warehouse, ROWS)
