"""Atomic publication: readers see one whole publication, and only audited content is published."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from data_quality.fingerprint import table_fingerprint
from pipelines.cli import main
from pipelines.publish.publication import (
    PublicationError,
    current,
    history,
    publish,
    rollback,
)
from pipelines.settings import Paths

TABLES = ("applications", "audit_summary")


@pytest.fixture
def warehouse(paths: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    paths.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.warehouse)) as con:
        con.execute("create schema marts")
        set_figures(con, apps=3, spend=1200.50)
        yield con


def set_figures(con: duckdb.DuckDBPyConnection, *, apps: int, spend: float) -> None:
    con.execute(
        "create or replace table marts.applications as"
        f" select 'app_' || i as application_id from range({apps}) as r(i)"
    )
    con.execute(
        "create or replace table marts.audit_summary as"
        f" select {apps} as application_count, {spend}::decimal(18,2) as total_annual_spend_usd"
    )


def audit(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {table: table_fingerprint(con, f"marts.{table}") for table in TABLES}


def publish_now(con: duckdb.DuckDBPyConnection, paths: Paths, run_id: str, keep: int = 5):
    return publish(
        con, TABLES, audit(con), paths, run_id=run_id, as_of=date(2026, 10, 31), keep=keep
    )


def read_published(paths: Paths, sql: str) -> list[tuple]:
    with duckdb.connect(str(paths.published), read_only=True) as reader:
        return reader.execute(sql).fetchall()


def test_a_publication_is_readable_at_the_stable_path(warehouse, paths: Paths) -> None:
    publication = publish_now(warehouse, paths, "run-aaaaaaaa")

    assert read_published(paths, "select count(*) from applications") == [(3,)]
    assert read_published(paths, "select run_id, as_of_date from publication") == [
        ("run-aaaaaaaa", date(2026, 10, 31))
    ]
    manifest = publication.manifest
    assert manifest["tables"]["applications"]["rows"] == 3
    assert manifest["storage_version"] == "v1.0.0"
    parquet = publication.directory / manifest["tables"]["audit_summary"]["parquet"]
    assert duckdb.sql(f"select total_annual_spend_usd from '{parquet}'").fetchall()[0][0] == (
        pytest.approx(1200.50)
    )


def test_a_reader_of_the_previous_publication_keeps_a_consistent_view(
    warehouse, paths: Paths
) -> None:
    # GIVEN a reader that opened the first publication
    publish_now(warehouse, paths, "run-11111111")
    old_reader = duckdb.connect(str(paths.published), read_only=True)
    try:
        # WHEN a new publication with other figures is switched to
        set_figures(warehouse, apps=5, spend=99.0)
        publish_now(warehouse, paths, "run-22222222")

        # THEN the old reader still sees the first one whole, and a new reader sees the second
        assert old_reader.execute("select run_id from publication").fetchall() == [
            ("run-11111111",)
        ]
        assert old_reader.execute("select count(*) from applications").fetchall() == [(3,)]
    finally:
        old_reader.close()
    assert read_published(paths, "select run_id from publication") == [("run-22222222",)]
    assert read_published(paths, "select count(*) from applications") == [(5,)]


def test_content_changed_after_the_audit_is_not_published(warehouse, paths: Paths) -> None:
    publish_now(warehouse, paths, "run-11111111")
    audited = audit(warehouse)
    set_figures(warehouse, apps=4, spend=1200.50)

    with pytest.raises(PublicationError, match=r"applications changed after it was audited"):
        publish(warehouse, TABLES, audited, paths, run_id="run-2", as_of=date(2026, 10, 31), keep=5)

    assert read_published(paths, "select run_id from publication") == [("run-11111111",)]
    assert [p.name for p in paths.publications.iterdir()] == [current(paths).publication_id]


def test_a_table_without_a_passing_audit_is_not_published(warehouse, paths: Paths) -> None:
    audited = audit(warehouse)
    del audited["audit_summary"]

    with pytest.raises(PublicationError, match="no passing quality results for"):
        publish(warehouse, TABLES, audited, paths, run_id="run-1", as_of=date(2026, 10, 31), keep=5)

    assert not paths.published.exists()


def test_rollback_switches_readers_to_the_previous_publication(warehouse, paths: Paths) -> None:
    first = publish_now(warehouse, paths, "run-11111111")
    set_figures(warehouse, apps=5, spend=99.0)
    publish_now(warehouse, paths, "run-22222222")

    restored = rollback(paths)

    assert restored.publication_id == first.publication_id
    assert read_published(paths, "select run_id from publication") == [("run-11111111",)]
    with pytest.raises(PublicationError, match="no earlier publication"):
        rollback(paths)


def test_only_the_newest_publications_are_kept(warehouse, paths: Paths) -> None:
    for run in range(4):
        set_figures(warehouse, apps=run + 1, spend=10.0)
        publish_now(warehouse, paths, f"{run}-run", keep=2)

    kept = [p.manifest["run_id"] for p in history(paths)]

    assert kept == ["2-run", "3-run"]


def test_the_rollback_command_switches_readers_back(
    warehouse, paths: Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # GIVEN two publications, as `software-audit rollback` finds them through AUDIT_DATA_DIR
    first = publish_now(warehouse, paths, "run-11111111")
    set_figures(warehouse, apps=5, spend=99.0)
    second = publish_now(warehouse, paths, "run-22222222")
    monkeypatch.setenv("AUDIT_DATA_DIR", str(paths.data_dir))

    # WHEN rolled back THEN readers get the previous publication, and are told which
    assert main(["rollback"]) == 0
    assert read_published(paths, "select run_id from publication") == [("run-11111111",)]
    assert read_published(paths, "select count(*) from applications") == [(3,)]
    assert first.publication_id in capsys.readouterr().out

    # AND `--to` switches to any kept publication, while an unknown one changes nothing
    assert main(["rollback", "--to", second.publication_id]) == 0
    assert read_published(paths, "select run_id from publication") == [("run-22222222",)]
    assert main(["rollback", "--to", "19990101T000000Z-nothing"]) == 1
    assert "no publication '19990101T000000Z-nothing'" in capsys.readouterr().err
    assert read_published(paths, "select run_id from publication") == [("run-22222222",)]


def test_a_reader_keeps_reading_a_publication_pruned_under_it(warehouse, paths: Paths) -> None:
    # GIVEN a reader of the first publication, and only one publication kept
    publish_now(warehouse, paths, "run-11111111", keep=1)
    old_reader = duckdb.connect(str(paths.published), read_only=True)
    try:
        # WHEN the next publication prunes the first one from disk
        set_figures(warehouse, apps=5, spend=99.0)
        publish_now(warehouse, paths, "run-22222222", keep=1)
        assert [p.manifest["run_id"] for p in history(paths)] == ["run-22222222"]

        # THEN the reader, which had read nothing yet, still reads the first one whole
        assert old_reader.execute(
            "select p.run_id, count(*) from publication as p, applications group by all"
        ).fetchall() == [("run-11111111", 3)]
    finally:
        old_reader.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names open files through /proc")
def test_a_publication_is_on_disk_before_readers_are_switched_to_it(
    warehouse, paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: Parquet files, the new folder and its rename were not flushed, the switch was.
    # After a power cut the link could point into a folder still named `.partial`, which the next
    # publication deletes, or at Parquet files with nothing in them.
    events: list[tuple[str, ...]] = []
    fsync, replace = os.fsync, os.replace

    def spied_fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    def spied_replace(source, destination) -> None:
        events.append(("rename", os.fspath(source), os.fspath(destination)))
        replace(source, destination)

    monkeypatch.setattr(os, "fsync", spied_fsync)
    monkeypatch.setattr(os, "replace", spied_replace)

    publication = publish_now(warehouse, paths, "run-11111111")

    final = str(publication.directory)
    renamed = events.index(("rename", final + ".partial", final))
    (switched,) = [i for i, event in enumerate(events) if event[-1] == str(paths.published)]
    flushed_before_rename = {event[1] for event in events[:renamed] if event[0] == "fsync"}
    partial = os.path.realpath(final) + ".partial"
    written = [
        partial,
        f"{partial}/parquet",
        f"{partial}/audit.duckdb",
        f"{partial}/manifest.json",
        *(f"{partial}/parquet/{table}.parquet" for table in TABLES),
    ]
    assert [path for path in written if path not in flushed_before_rename] == []
    assert ("fsync", os.path.realpath(paths.publications)) in events[renamed:switched]
