"""The great-expectations worker validates a Parquet file, or the tables of a DuckDB file, as this
process would, by path."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from data_quality import worker
from data_quality.suites.common import Suite, non_negative, not_null, unique


@pytest.fixture
def delivery(tmp_path: Path) -> Path:
    path = tmp_path / "contracts.parquet"
    duckdb.sql(
        "select 'c' || i as contract_id, case when i = 3 then -5 else i end as seats"
        " from range(6) r(i)"
    ).write_parquet(str(path))
    return path


SUITE = Suite(
    "contracts",
    (not_null("contract_id"), non_negative("seats", why="seats")),
    key=("contract_id",),
)


def test_the_worker_finds_what_this_process_finds(delivery: Path) -> None:
    worker.start()

    remote = worker.validate_parquet(delivery, SUITE)
    local = worker.validate_file(str(delivery), SUITE)

    assert dataclasses.replace(remote, duration_s=0) == dataclasses.replace(local, duration_s=0)
    failed = {check.name: check for check in remote.checks if not check.success}
    assert set(failed) == {"seats_non_negative"}
    assert failed["seats_non_negative"].unexpected_count == 1
    assert failed["seats_non_negative"].unexpected_rows == [{"seats": -5, "contract_id": "c3"}]


def test_a_dead_worker_falls_back_to_this_process(delivery: Path) -> None:
    worker.start()
    pool = worker._executor()
    for process in list(pool._processes.values()):
        process.kill()

    result = worker.validate_parquet(delivery, SUITE)

    assert not result.success
    assert worker._executor() is not pool


def test_the_worker_validates_the_tables_of_a_database_file_read_only(tmp_path: Path) -> None:
    database = tmp_path / "candidate.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(
            "create table contracts as select 'c' || i as contract_id,"
            " case when i = 3 then -5 else i end as seats from range(6) r(i)"
        )
        con.execute("create table renewals as select 'c1' as contract_id, 2 as seats")
    worker.start()

    results = worker.submit_database(
        database, {"contracts": SUITE, "renewals": SUITE}, "marts", low_priority=True
    ).result()

    assert {table: result.success for table, result in results.items()} == {
        "contracts": False,
        "renewals": True,
    }
    assert results["contracts"].table == "marts.contracts"
    failed = [check.name for check in results["contracts"].checks if not check.success]
    assert failed == ["seats_non_negative"]
    # The worker let go of the file: a writer, which DuckDB admits only alone, can open it.
    with duckdb.connect(str(database)) as con:
        assert con.execute("select count(*) from contracts").fetchone() == (6,)


def niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's"
)
def test_low_priority_work_runs_niced_and_leaves_the_callers_priority_alone() -> None:
    before = niceness()

    during = worker.at_low_priority(niceness)

    assert during == min(before + worker.LOW_PRIORITY, 19)
    assert niceness() == before
    with pytest.raises(ZeroDivisionError):  # an error reaches the caller
        worker.at_low_priority(lambda: 1 / 0)


def test_a_refresh_memory_limit_holds_the_workers_duckdb_and_spills_outside_the_project(
    delivery: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(worker.MEMORY_LIMIT_ENV, "256MiB")
    monkeypatch.chdir(tmp_path)

    config = worker._memory_config()
    result = worker.validate_file(str(delivery), SUITE)

    assert config["memory_limit"] == "256MiB"
    assert not Path(config["temp_directory"]).is_relative_to(tmp_path)
    assert Path(config["temp_directory"]).name.endswith(f"-{os.getpid()}")
    # DuckDB took the settings (an unknown one would raise) and the validation ran as before.
    assert {check.name for check in result.checks if not check.success} == {"seats_non_negative"}
    assert not (tmp_path / ".tmp").exists()


def test_the_workers_duckdb_is_held_to_the_limit_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A limit far too small for 300,000 rows: the validation's own connection must run out of it.
    path = tmp_path / "large.parquet"
    duckdb.sql("select 'c' || i as contract_id, i as seats from range(300000) r(i)").write_parquet(
        str(path)
    )
    monkeypatch.setenv(worker.MEMORY_LIMIT_ENV, "1MB")
    # The row checks read only the rows they question, a scan in next to no memory; a key check
    # must hold the keys to compare them.
    suite = Suite(
        "contracts", (*SUITE.checks, unique("contract_id", why="One row per contract.")), SUITE.key
    )

    # A file's rows are not hashed (its fingerprint is its footer's), and a check that cannot
    # read its relation is a failed check carrying the error, not an exception.
    result = worker.validate_file(str(path), suite)
    assert not result.success
    assert [check.name for check in result.checks] == [check.name for check in suite.checks]
    assert all("Out of Memory" in (check.error or "") for check in result.checks)

    with pytest.raises(duckdb.OutOfMemoryException):
        worker.validate_database_file(str(_database_of(path, tmp_path)), {"t": SUITE}, "marts")


def _database_of(parquet: Path, folder: Path) -> Path:
    database = folder / "candidate.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"create table t as select * from read_parquet('{parquet}')")
    return database
