"""A refresh's progress on the terminal, a line per step, for operators running it from the CLI.

The run writes its full log to a file; the operator still wants to see that ingestion is done and
dbt is building. The instance tells a listener of the run's events as it stores them: polling the
run history for them instead cost 2.5 s of the refresh's own interpreter lock in a first demo.
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
    """Prints each step of run `run_id` as it starts and ends, until the context exits.

    The run must be stored by `instance` in this process (`execute_in_process`): its events reach
    the listener as they are stored, on the thread that stores them.
    """

    def __init__(self, instance: dg.DagsterInstance, run_id: str, out: TextIO) -> None:
        self._instance = instance
        self._run_id = run_id
        self._out = out
        self._open = False
        self._lock = threading.Lock()

    def __enter__(self) -> StepProgress:
        self._open = True
        self._instance.add_event_listener(self._run_id, self._on_event)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # Dagster offers no way to remove a listener: this one falls silent instead.
        with self._lock:
            self._open = False

    def _on_event(self, entry: dg.EventLogEntry) -> None:
        if entry.dagster_event_type not in STEP_EVENTS:
            return
        line = describe(entry)
        with self._lock:
            if self._open and line:
                print(line, file=self._out, flush=True)


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
