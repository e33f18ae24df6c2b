"""The lander: a step's warehouse work on a thread of its own, in order, never after the step."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.lander import Lander


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        connection.execute("create table landed (n integer)")
        yield connection


def insert(con: duckdb.DuckDBPyConnection, n: int, wait_for: threading.Event | None = None) -> int:
    if wait_for is not None:
        assert wait_for.wait(5), "the step's thread never let the work go on"
    con.execute("insert into landed values (?)", [n])
    return n


def test_work_runs_beside_the_steps_thread_and_is_collected_in_submission_order(con) -> None:
    extracted = threading.Event()
    with Lander(con) as lander:
        lander.submit(insert, 1, wait_for=extracted)
        lander.submit(insert, 2)
        # the first load waits for this thread (the next extraction): nothing is done yet
        assert list(lander.landed(wait=False)) == []
        extracted.set()
        assert list(lander.landed(wait=True)) == [1, 2]
    assert con.execute("select list(n order by n) from landed").fetchone()[0] == [1, 2]


def test_a_call_runs_after_the_work_queued_before_it(con) -> None:
    with Lander(con) as lander:
        lander.submit(insert, 1)
        counted = lander.call(lambda c: c.execute("select count(*) from landed").fetchone()[0])
        assert counted == 1


def test_an_error_of_the_work_reaches_the_step_after_the_results_before_it(con) -> None:
    def fail(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("insert into missing values (1)")

    with Lander(con) as lander:
        lander.submit(insert, 1)
        lander.submit(fail)
        landed = lander.landed(wait=True)
        assert next(landed) == 1
        with pytest.raises(duckdb.CatalogException):
            next(landed)


def test_after_an_error_work_not_started_is_dropped_and_the_running_work_ends(con) -> None:
    started, release = threading.Event(), threading.Event()

    def running(con: duckdb.DuckDBPyConnection) -> None:
        started.set()
        insert(con, 1, wait_for=release)

    with pytest.raises(RuntimeError), Lander(con) as lander:  # noqa: PT012
        lander.submit(running)
        queued = lander.submit(insert, 2)
        # the running load finishes only once the queued one is dropped
        queued.add_done_callback(lambda _: release.set())
        assert started.wait(5)
        raise RuntimeError("the next extraction failed")

    assert queued.cancelled()
    # the load under way when the step failed was finished; the one queued after it never ran
    assert con.execute("select list(n) from landed").fetchone()[0] == [1]
