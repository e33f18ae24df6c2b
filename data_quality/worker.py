"""great-expectations in a process of its own, for a caller that should not wait for its import.

Importing great-expectations costs about 5 s of one core. Ingestion validates each delivery as it
lands, seconds after a refresh starts: in the refresh's own process the first delivery waited for
that import. The worker imports it on the other core while the sources are extracted, then
validates files by path: a landing Parquet file, or a DuckDB file it attaches read-only (the
candidate publication), never the warehouse, so it shares no DuckDB lock with the refresh. A
validation is submitted and collected later, so the caller works meanwhile: the next source's
extraction, the candidate's report. Should the worker die, validation falls back to this process.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import duckdb

from data_quality.checks import Suite

if TYPE_CHECKING:  # results import pandas: the refresh starts this worker before that import
    from data_quality.results import SuiteResult

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_warm: Future | None = None
_VIEW = "landing_delivery"
T = TypeVar("T")


def start() -> None:
    """Start the worker, once, and have it import great-expectations meanwhile.

    Call it as early as possible: the import takes about 7 s, and the first delivery waits for it.
    """
    global _warm
    executor = _executor()
    with _lock:
        if _warm is None:
            _warm = executor.submit(_import_gx)


class Validation(Generic[T]):
    """A validation submitted to the worker; `result` waits for it.

    Should the worker die before or while it validates, `result` validates in this process instead.
    """

    def __init__(self, function: Callable[..., T], *args: object) -> None:
        self._function, self._args = function, args
        self._future: Future[T] | None
        try:
            self._future = _executor().submit(function, *args)
        except BrokenProcessPool:
            _reset()
            self._future = None

    def done(self) -> bool:
        """Whether `result` would return without waiting for the worker."""
        return self._future is None or self._future.done()

    def result(self) -> T:
        if self._future is not None:
            try:
                return self._future.result()
            except BrokenProcessPool:
                _reset()
        return self._function(*self._args)


def submit_parquet(path: Path, suite: Suite) -> Validation[SuiteResult]:
    """Start validating the Parquet file at `path` against `suite` in the worker."""
    return Validation(validate_file, str(path), suite)


def validate_parquet(path: Path, suite: Suite) -> SuiteResult:
    """Validate the Parquet file at `path` against `suite` in the worker."""
    return submit_parquet(path, suite).result()


def submit_database(
    path: Path, suites: Mapping[str, Suite], catalog: str, *, low_priority: bool = False
) -> Validation[dict[str, SuiteResult]]:
    """Start validating tables of the DuckDB file at `path` in the worker, each against its suite.

    The file is attached read-only as `catalog`, so a check can name `<catalog>.<table>` (a
    reconciliation reads another table) and reads exactly the file's bytes. With `low_priority`,
    the validation yields the CPU to the caller's other work when the cores are all busy.
    """
    return Validation(validate_database_file, str(path), dict(suites), catalog, low_priority)


def validate_database_file(
    path: str, suites: Mapping[str, Suite], catalog: str, low_priority: bool = False
) -> dict[str, SuiteResult]:
    """Validate tables of a DuckDB file, attached read-only as `catalog`, in an in-memory DuckDB."""
    from data_quality.runner import validate_table

    if low_priority:
        return at_low_priority(validate_database_file, path, suites, catalog)
    with duckdb.connect(config=_memory_config()) as con:
        con.execute(f"attach '{path}' as {catalog} (read_only)")
        results = {}
        for table, suite in suites.items():
            results[table] = validate_table(con, f"{catalog}.{table}", suite)
        return results


#: How much nicer than its caller low-priority work runs: when nothing of normal priority waits.
LOW_PRIORITY = 10


def at_low_priority(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a thread of its own, `LOW_PRIORITY` nicer than the caller.

    On Linux a thread's priority is its own, and only a privileged process can raise it again: the
    thread ends with the call, so the caller's priority is untouched. Elsewhere it runs as usual.
    """
    with ThreadPoolExecutor(max_workers=1, initializer=_lower_this_threads_priority) as thread:
        return thread.submit(function, *args).result()


def _lower_this_threads_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + LOW_PRIORITY
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))


def validate_file(path: str, suite: Suite) -> SuiteResult:
    """Validate one Parquet file through a view over it, in an in-memory DuckDB; the file's
    fingerprint stands for the view's, which would hash every row before and after."""
    from data_quality.fingerprint import file_fingerprint
    from data_quality.runner import validate_table

    with duckdb.connect(config=_memory_config()) as con:
        con.execute(f"create view {_VIEW} as select * from read_parquet('{path}')")
        return validate_table(
            con, _VIEW, suite, fingerprint_of=functools.partial(file_fingerprint, path)
        )


#: The memory limit a caller (the refresh) sets for the DuckDB databases it opens; unset, DuckDB's.
MEMORY_LIMIT_ENV = "AUDIT_DUCKDB_MEMORY_LIMIT"


def _memory_config() -> dict[str, str]:
    """An in-memory database spills to `.tmp` in the working folder past its limit: this worker's
    go to a folder of this process's own in the system's temporary folder instead (DuckDB names its
    spill files alike in every process)."""
    limit = os.environ.get(MEMORY_LIMIT_ENV)
    if not limit:
        return {}
    spill = Path(tempfile.gettempdir()) / f"software-audit-duckdb-{os.getpid()}"
    return {"memory_limit": limit, "temp_directory": str(spill)}


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
