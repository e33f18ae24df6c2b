"""Landing raw data: idempotent, never partial, and last good data kept when a source fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from connectors.base import Entity, Window
from connectors.errors import SourceError
from pipelines.ingest.landing import (
    EVENT_OVERLAP,
    ensure_table,
    event_window,
    high_water_mark,
    load_landing_file,
    write_landing_file,
)

EVENTS = Entity(
    name="events",
    kind="events",
    event_time="published",
    key=("uuid",),
    schema=pa.schema([("uuid", pa.string()), ("published", pa.timestamp("us"))]),
)
APPS = Entity(name="apps", key=("id",), schema=pa.schema([("id", pa.string())]))
T0 = datetime(2026, 10, 1)


def events(*hours: int) -> Iterator[pa.RecordBatch]:
    yield pa.RecordBatch.from_pylist(
        [{"uuid": f"e{h}", "published": T0 + timedelta(hours=h)} for h in hours],
        schema=EVENTS.schema,
    )


def apps(*ids: str) -> Iterator[pa.RecordBatch]:
    yield pa.RecordBatch.from_pylist([{"id": i} for i in ids], schema=APPS.schema)


def hours(start: int, end: int) -> Window:
    return Window(T0 + timedelta(hours=start), T0 + timedelta(hours=end))


def land(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    entity: Entity,
    batches: Iterator[pa.RecordBatch],
    window: Window | None = None,
    run_id: str = "run-1",
) -> tuple[int, int]:
    path = tmp_path / "landing" / f"{entity.name}-{run_id}.parquet"
    write_landing_file(
        batches, entity, path, source="test", run_id=run_id, extracted_at=datetime(2026, 10, 2)
    )
    return load_landing_file(con, path, f"raw.test__{entity.name}", entity, window)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


def test_reloading_an_overlapping_window_adds_only_new_events(con, tmp_path: Path) -> None:
    land(con, tmp_path, EVENTS, events(1, 2, 3), hours(0, 4))

    # e3 was landed already, e4 comes twice in the same extraction (a duplicate across pages)
    inserted, total = land(con, tmp_path, EVENTS, events(3, 4, 4, 5), hours(3, 6), "run-2")

    assert (inserted, total) == (2, 5)
    landed = con.execute("select uuid from raw.test__events order by uuid").fetchall()
    assert [uuid for (uuid,) in landed] == ["e1", "e2", "e3", "e4", "e5"]


def test_rows_carry_load_metadata(con, tmp_path: Path) -> None:
    land(con, tmp_path, APPS, apps("a"))

    row = con.execute(
        "select _source, _extracted_at, _run_id, _loaded_at is not null from raw.test__apps"
    ).fetchone()

    assert row == ("test", datetime(2026, 10, 2), "run-1", True)


def test_a_snapshot_replaces_the_previous_one(con, tmp_path: Path) -> None:
    land(con, tmp_path, APPS, apps("a", "b"))

    inserted, total = land(con, tmp_path, APPS, apps("c"), run_id="run-2")

    assert (inserted, total) == (1, 1)
    assert con.execute("select id from raw.test__apps").fetchall() == [("c",)]


def test_a_source_failing_half_way_leaves_the_last_good_data(con, tmp_path: Path) -> None:
    land(con, tmp_path, APPS, apps("a"))

    def failing() -> Iterator[pa.RecordBatch]:
        yield from apps("new")
        raise SourceError("test", "page 2 is malformed")

    with pytest.raises(SourceError):
        land(con, tmp_path, APPS, failing(), run_id="run-2")

    assert con.execute("select id from raw.test__apps").fetchall() == [("a",)]
    assert not (tmp_path / "landing" / "apps-run-2.parquet").exists()


def test_the_next_window_starts_an_overlap_before_the_newest_event(con, tmp_path: Path) -> None:
    end = T0 + timedelta(days=2)
    assert high_water_mark(con, "raw.test__events", EVENTS) is None
    assert event_window(None, T0, end) == Window(T0, end)

    land(con, tmp_path, EVENTS, events(1, 30))
    newest = high_water_mark(con, "raw.test__events", EVENTS)

    assert newest == T0 + timedelta(hours=30)
    assert event_window(newest, T0, end) == Window(newest - EVENT_OVERLAP, end)


def test_a_source_the_company_does_not_run_gets_empty_tables_in_its_schema(con) -> None:
    # GIVEN no Okta, say: the models still need the table to exist
    assert ensure_table(con, "raw.test__events", EVENTS) == 0

    columns = [
        name
        for (name,) in con.execute("select column_name from (describe raw.test__events)").fetchall()
    ]

    assert columns == ["uuid", "published", "_source", "_extracted_at", "_loaded_at", "_run_id"]


def test_ensuring_a_table_keeps_what_it_holds(con, tmp_path: Path) -> None:
    land(con, tmp_path, APPS, apps("a"))

    assert ensure_table(con, "raw.test__apps", APPS) == 1
