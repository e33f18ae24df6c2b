"""A refresh's progress on the terminal, a line per step, for operators running it from the CLI.

The run writes its full log to a file; the operator still wants to see that ingestion is done and
dbt is building. A thread reads the run's step events from the run history while the run goes on.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TextIO

import dagster as dg

STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.STEP_UP_FOR_RETRY,
}


class StepProgress:
    """Prints each step of run `run_id` as it starts and ends, until the context exits."""

    def __init__(
        self, instance: dg.DagsterInstance, run_id: str, out: TextIO, every_s: float = 0.5
    ) -> None:
        self._instance = instance
        self._run_id = run_id
        self._out = out
        self._every_s = every_s
        self._cursor: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="refresh-progress", daemon=True)

    def __enter__(self) -> StepProgress:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()

    def _follow(self) -> None:
        while not self._stop.wait(self._every_s):
            self.poll()

    def poll(self) -> None:
        """Print the step events since the last poll."""
        connection = self._instance.get_records_for_run(
            self._run_id, cursor=self._cursor, of_type=STEP_EVENTS
        )
        for record in connection.records:
            line = describe(record.event_log_entry)
            if line:
                print(line, file=self._out, flush=True)
        if connection.records:
            self._cursor = connection.cursor


def describe(entry: dg.EventLogEntry) -> str | None:
    event = entry.dagster_event
    if event is None:
        return None
    step = event.step_key
    if event.event_type == dg.DagsterEventType.STEP_START:
        return f"  {step} ..."
    if event.event_type == dg.DagsterEventType.STEP_SUCCESS:
        seconds = event.event_specific_data.duration_ms / 1000
        return f"  {step} done in {seconds:.1f} s"
    if event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY:
        return f"  {step} failed; retrying"
    if event.event_type == dg.DagsterEventType.STEP_FAILURE:
        return f"  {step} FAILED"
    return None
