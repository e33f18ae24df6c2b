"""great-expectations in a process of its own, for a caller that should not wait for its import.

Importing great-expectations costs about 5 s of one core. Ingestion validates each delivery as it
lands, seconds after a refresh starts: in the refresh's own process the first delivery waited for
that import. The worker imports it on the other core while the sources are extracted, then
validates landing files by path: it reads the Parquet file, never the warehouse, so it shares no
DuckDB lock with the refresh. Should the worker die, validation falls back to this process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import duckdb

from data_quality.checks import Suite
from data_quality.results import SuiteResult

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_warm: Future | None = None
_VIEW = "landing_delivery"


def start() -> None:
    """Start the worker, once, and have it import great-expectations meanwhile.

    Call it as early as possible: the import takes about 7 s, and the first delivery waits for it.
    """
    global _warm
    executor = _executor()
    with _lock:
        if _warm is None:
            _warm = executor.submit(_import_gx)


def validate_parquet(path: Path, suite: Suite) -> SuiteResult:
    """Validate the Parquet file at `path` against `suite` in the worker."""
    try:
        return _executor().submit(validate_file, str(path), suite).result()
    except BrokenProcessPool:
        _reset()
        return validate_file(str(path), suite)


def validate_file(path: str, suite: Suite) -> SuiteResult:
    """Validate one Parquet file through a view over it, in an in-memory DuckDB."""
    from data_quality.runner import validate_table

    with duckdb.connect() as con:
        con.execute(f"create view {_VIEW} as select * from read_parquet('{path}')")
        return validate_table(con, _VIEW, suite)


def _import_gx() -> None:
    """Import great-expectations and make the validator's context: the first validation's cost."""
    from data_quality.runner import warm_up

    warm_up()


def _exit_without_teardown() -> None:
    """Tearing great-expectations' modules down took the worker 4-5 s at exit, and every command
    waited for it: the worker holds nothing to flush or close, so it ends as soon as it is told.
    """
    atexit.register(os._exit, 0)  # registered first, so it runs after every other exit handler


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            # spawn, not fork: the refresh's process has threads (Dagster's, the emulators').
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_without_teardown,
            )
        return _pool


def _reset() -> None:
    global _pool, _warm
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _warm = None, None
