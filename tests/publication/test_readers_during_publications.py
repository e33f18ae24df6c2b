"""Readers querying the published warehouse in a loop while publication after publication lands.

Two DuckDB readers and one SQLAlchemy (duckdb-engine) reader, each its own process, read while a
publisher process publishes three times, keeping two publications, so older ones are pruned as
they go. Each publication pauses half-written until every reader has read twice beside it: the
reads during a publication are guaranteed, not left to timing.
"""

from __future__ import annotations

import time
from pathlib import Path

from publication_processes import (
    TIMEOUT_S,
    Child,
    publish_here,
    start_publisher,
    start_reader,
    wait_for_file,
    wait_for_reads,
)
from reader_process import whole_publication

from pipelines.publish.publication import history
from pipelines.settings import Paths

FIRST = "run-0"
RUNS = ["run-1", "run-2", "run-3"]
READERS = {"duckdb-1": "duckdb", "duckdb-2": "duckdb", "sqlalchemy": "sqlalchemy"}


def read_during_publications(tmp_path: Path) -> tuple[dict[str, list[dict]], dict]:
    """Run the readers and the publisher; return each reader's reads and each run's hold window."""
    paths, logs, control = Paths(tmp_path / "data"), tmp_path / "logs", tmp_path / "control"
    control.mkdir()
    stop = control / "stop"
    publish_here(paths, [FIRST])
    children: list[Child] = []
    holds: dict[str, tuple[float, float]] = {}
    try:
        readers = {
            name: start_reader(kind, paths, stop, logs=logs, name=name)
            for name, kind in READERS.items()
        }
        children.extend(readers.values())
        publisher = start_publisher(paths, RUNS, logs=logs, keep=2, hold=control)
        children.append(publisher)
        for run_id in RUNS:
            wait_for_file(control / f"held-{run_id}", publisher)
            held_at = time.time()
            # The first read to complete may have begun before the hold; the second began after.
            wait_for_reads(list(readers.values()), 2)
            holds[run_id] = (held_at, time.time())
            (control / f"release-{run_id}").touch()
        assert publisher.process.wait(timeout=TIMEOUT_S) == 0, publisher.errors()
        wait_for_reads(list(readers.values()), 2)
        stop.touch()
        for reader in readers.values():
            assert reader.process.wait(timeout=TIMEOUT_S) == 0, reader.errors()
    finally:
        for child in children:
            child.stop()
    assert [p.manifest["run_id"] for p in history(paths)] == RUNS[-2:]
    return {name: reader.observations() for name, reader in readers.items()}, holds


def test_readers_in_other_processes_never_see_an_error_or_a_mix(tmp_path: Path) -> None:
    # GIVEN readers looping over the published warehouse WHEN three publications land
    reads, holds = read_during_publications(tmp_path)

    # THEN no read failed, and each read saw one whole publication: all tables from one run
    for name, observations in reads.items():
        assert [read["error"] for read in observations if "error" in read] == [], name
        for read in observations:
            (run_id,) = read["runs"]["publication"]
            assert {key: read[key] for key in ("runs", "rows")} == whole_publication(run_id), name

    # AND every reader saw every publication in turn, never going back to an older one
    order = [FIRST, *RUNS]
    for name, observations in reads.items():
        seen = [read["runs"]["publication"][0] for read in observations]
        assert sorted(set(seen), key=order.index) == order, name
        assert seen == sorted(seen, key=order.index), name

    # AND while a publication was half-written, every reader kept reading the previous one
    for previous, run_id in zip(order, RUNS, strict=False):
        held_at, released_at = holds[run_id]
        for name, observations in reads.items():
            during = [
                read["runs"]["publication"][0]
                for read in observations
                if held_at <= read["started"] and read["ended"] <= released_at
            ]
            assert during, f"{name} did not read while {run_id} was being written"
            assert set(during) == {previous}, name
