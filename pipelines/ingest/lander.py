"""The warehouse side of an ingest step, on a thread of its own while the step extracts.

A source's step reads its entities one after another, and each delivery is loaded once its raw
audit has passed. Loaded by the step's own thread, a delivery waited for the extraction of the
next entity to end, and the next extraction for the load: at L's daily refresh, Okta's 440,000
sign-ins took 0.8 s to load while its 50,000 users waited to be read. The lander loads deliveries
on one thread of its own, in the order they were extracted, on a DuckDB connection of its own to
the same database (DuckDB runs queries without Python's lock, so both threads progress): the
step's thread extracts meanwhile, then collects what was landed, in the same order, to log it
and report its materialization. Every write of the step goes through the lander, one at a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import duckdb

P = ParamSpec("P")
T = TypeVar("T")


class Lander:
    """Runs the step's warehouse work on one thread, in submission order."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        # A cursor is a connection of its own to the same database, usable from another thread.
        self._con = con.cursor()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lander")
        self._pending: deque[Future] = deque()

    def submit(
        self,
        work: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Future[T]:
        """Queue `work(con, ...)`; `landed` yields what it returns, in submission order."""
        future = self._thread.submit(work, self._con, *args, **kwargs)
        self._pending.append(future)
        return future

    def call(
        self,
        work: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`work(con, ...)` after everything queued before it; its result (or its error)."""
        return self._thread.submit(work, self._con, *args, **kwargs).result()

    def landed(self, *, wait: bool) -> Iterator[Any]:
        """The results of the queued work that has finished, in submission order, up to the first
        still running; with `wait`, all of it. An error of the work is raised here, after the
        results before it."""
        while self._pending and (wait or self._pending[0].done()):
            yield self._pending.popleft().result()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Let the running work end (nothing may touch the warehouse after the step); after an
        error, work not started yet is dropped, as the step's thread would not have reached it."""
        self._thread.shutdown(wait=True, cancel_futures=error is not None)
        self._pending.clear()
        self._con.close()
