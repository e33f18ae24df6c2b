"""The content fingerprint: what the gate audited is what gets published, and nothing else; and a
landing file's, which shows nothing rewrote it while it was validated."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from data_quality import runner
from data_quality.fingerprint import file_fingerprint, table_fingerprint
from data_quality.suites.common import Suite, not_null
from data_quality.worker import validate_file

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


def _write(path: Path, select: str) -> None:
    duckdb.sql(select).write_parquet(str(path))


def test_a_files_fingerprint_holds_while_it_is_untouched_and_changes_when_rewritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "delivery.parquet"
    _write(path, ROWS)
    before = file_fingerprint(path)

    assert file_fingerprint(path) == before
    _write(path, ROWS.replace("1.5", "2.5"))
    assert file_fingerprint(path) != before


def test_a_rewrite_within_one_clock_tick_is_told_by_the_files_footer(tmp_path: Path) -> None:
    # Same size, same inode, and the modification time set back: only the footer's column
    # statistics differ, as they would after a rewrite the file system's clock did not see.
    path = tmp_path / "delivery.parquet"
    plain = {"compression": "none", "use_dictionary": False}
    pq.write_table(pa.table({"id": pa.array([1, 2, 3], pa.int64())}), path, **plain)
    before, stat = file_fingerprint(path), os.stat(path)

    pq.write_table(pa.table({"id": pa.array([4, 5, 6], pa.int64())}), path, **plain)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert (os.stat(path).st_size, os.stat(path).st_ino) == (stat.st_size, stat.st_ino)
    assert file_fingerprint(path) != before


def test_a_landing_file_is_validated_without_hashing_its_rows(tmp_path, monkeypatch) -> None:
    path = tmp_path / "delivery.parquet"
    _write(path, ROWS)

    def no_content_hash(*_args: object) -> str:
        raise AssertionError("the file's rows were hashed")

    monkeypatch.setattr(runner, "table_fingerprint", no_content_hash)
    result = validate_file(str(path), Suite("t", (not_null("id"),), key=("id",)))

    assert result.success
    assert result.fingerprint == file_fingerprint(path)


def test_a_file_rewritten_while_it_is_validated_fails_the_suite(tmp_path, monkeypatch) -> None:
    path = tmp_path / "delivery.parquet"
    _write(path, ROWS)
    run = runner._Engine.run

    def run_then_rewrite(engine: runner._Engine, *args: object) -> None:
        run(engine, *args)
        _write(path, ROWS.replace("1.5", "2.5"))

    monkeypatch.setattr(runner._Engine, "run", run_then_rewrite)
    result = validate_file(str(path), Suite("t", (not_null("id"),), key=("id",)))

    assert not result.success
    assert [check.name for check in result.blocking_failures] == [
        "table_unchanged_during_validation"
    ]
