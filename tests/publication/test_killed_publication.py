"""A refresh killed (SIGKILL) in the middle of publishing: nothing it half-wrote reaches readers.

SIGKILL leaves the process no chance to clean up, like an out-of-memory kill or an operator's
`kill -9`. The publisher is stopped half-way through writing its candidate, at a known point (see
`publisher_process.py`), and killed there; a power cut is the flushing test's business.
"""

from __future__ import annotations

import signal
from pathlib import Path

import duckdb
from publication_processes import TIMEOUT_S, publish_here, start_publisher, wait_for_file
from reader_process import QUERY, summarize, whole_publication

from pipelines.publish.publication import current, history
from pipelines.settings import Paths


def read_published(paths: Paths) -> dict:
    with duckdb.connect(str(paths.published), read_only=True) as reader:
        return summarize(reader.execute(QUERY).fetchall())


def test_a_publication_killed_half_way_leaves_the_last_good_one_in_place(tmp_path: Path) -> None:
    # GIVEN a good publication, and a refresh killed while it writes the next one
    paths, control = Paths(tmp_path / "data"), tmp_path / "control"
    control.mkdir()
    publish_here(paths, ["run-good"])
    publisher = start_publisher(paths, ["run-killed"], logs=tmp_path / "logs", hold=control)
    try:
        wait_for_file(control / "held-run-killed", publisher)
        (partial,) = paths.publications.glob("*.partial")
        assert (partial / "audit.duckdb").exists()
        publisher.process.send_signal(signal.SIGKILL)
        assert publisher.process.wait(timeout=TIMEOUT_S) == -signal.SIGKILL
    finally:
        publisher.stop()

    # THEN readers get the good publication, whole, and the half-written one is no publication
    assert read_published(paths) == whole_publication("run-good")
    assert partial.exists()
    assert [p.manifest["run_id"] for p in history(paths)] == ["run-good"]
    assert current(paths).manifest["run_id"] == "run-good"

    # WHEN the next refresh publishes
    publish_here(paths, ["run-next"])

    # THEN it succeeds, clears what the killed one left, and readers get the new publication
    assert list(paths.publications.glob("*.partial")) == []
    assert [p.manifest["run_id"] for p in history(paths)] == ["run-good", "run-next"]
    assert read_published(paths) == whole_publication("run-next")
