"""Landing raw data: idempotent, never partial, and last good data kept when a source fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from connectors.base import Entity, Window
from connectors.errors import SourceError
from data_quality.fingerprint import table_fingerprint, table_hash
from pipelines.ingest.fingerprints import current_hash, stored_hash
from pipelines.ingest.landing import (
    checkpointed_once,
    ensure_table,
    insertion_order_free,
    load_landing_file,
    rows_in_window,
    write_landing_file,
)
from pipelines.publish.publication import input_fingerprints

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
    keys_once: bool = False,
) -> tuple[int, int]:
    path = tmp_path / "landing" / f"{entity.name}-{run_id}.parquet"
    write_landing_file(
        batches, entity, path, source="test", run_id=run_id, extracted_at=datetime(2026, 10, 2)
    )
    return load_landing_file(con, path, f"raw.test__{entity.name}", entity, window, keys_once)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        yield connection


def landed_events(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("select uuid from raw.test__events order by uuid").fetchall()
    return [uuid for (uuid,) in rows]


def test_reloading_a_window_replaces_its_events_and_leaves_the_others(con, tmp_path: Path) -> None:
    land(con, tmp_path, EVENTS, events(1, 2, 3), hours(0, 4))
    land(con, tmp_path, EVENTS, events(4, 5), hours(4, 6), "run-2")

    # GIVEN the first window delivered again with a late event (e0) and e2 twice (across pages)
    inserted, total = land(con, tmp_path, EVENTS, events(0, 1, 2, 2, 3), hours(0, 4), "run-3")

    # THEN it replaces that window once per event, and the next window is untouched
    assert (inserted, total) == (4, 6)
    assert landed_events(con) == ["e0", "e1", "e2", "e3", "e4", "e5"]


def test_an_event_delivered_outside_its_window_is_left_to_its_own_window(con, tmp_path) -> None:
    # a vendor answering with an event past the window's end: loading it here would land it
    # twice once its own window is loaded
    inserted, _ = land(con, tmp_path, EVENTS, events(1, 5), hours(0, 4))
    land(con, tmp_path, EVENTS, events(5), hours(4, 6), "run-2")

    assert inserted == 1
    assert landed_events(con) == ["e1", "e5"]


def test_an_events_delivery_needs_its_window(con, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="by window"):
        land(con, tmp_path, EVENTS, events(1))


def test_rows_carry_load_metadata(con, tmp_path: Path) -> None:
    land(con, tmp_path, APPS, apps("a"))

    row = con.execute(
        "select _source, _extracted_at, _run_id, _loaded_at is not null from raw.test__apps"
    ).fetchone()

    assert row == ("test", datetime(2026, 10, 2), "run-1", True)


@pytest.mark.parametrize("entity", [APPS, EVENTS])
def test_rows_are_stamped_with_the_load_time_in_utc_whatever_the_sessions_time_zone(
    con, tmp_path: Path, entity: Entity
) -> None:
    # The quality gate compares `_loaded_at` with when the live publication was checked, in UTC:
    # in New York's zone, `now()::timestamp` would stamp rows five hours early.
    con.execute("set TimeZone = 'America/New_York'")
    before = datetime.now(UTC).replace(tzinfo=None)
    if entity is APPS:
        land(con, tmp_path, APPS, apps("a"))
    else:
        land(con, tmp_path, EVENTS, events(1), hours(0, 4))
    after = datetime.now(UTC).replace(tzinfo=None)

    table = f"raw.test__{entity.name}"
    (loaded_at,) = con.execute(f"select distinct _loaded_at from {table}").fetchone()

    assert before <= loaded_at <= after


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


def test_the_rows_a_window_would_replace_are_counted_in_that_window_only(con, tmp_path) -> None:
    assert rows_in_window(con, "raw.test__events", EVENTS, hours(0, 24)) == 0

    land(con, tmp_path, EVENTS, events(1, 23, 30), hours(0, 48))

    assert rows_in_window(con, "raw.test__events", EVENTS, hours(0, 24)) == 2
    assert rows_in_window(con, "raw.test__events", EVENTS, hours(23, 24)) == 1


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


def test_a_key_delivered_twice_is_landed_once_null_keys_included(con, tmp_path: Path) -> None:
    rows = [
        {"uuid": "e1", "published": T0 + timedelta(hours=1)},
        {"uuid": "e1", "published": T0 + timedelta(hours=2)},
        {"uuid": None, "published": T0 + timedelta(hours=1)},
        {"uuid": None, "published": T0 + timedelta(hours=3)},
        {"uuid": "e2", "published": T0 + timedelta(hours=2)},
    ]
    batch = pa.RecordBatch.from_pylist(rows, schema=EVENTS.schema)

    inserted, total = land(con, tmp_path, EVENTS, iter([batch]), hours(0, 4))

    assert (inserted, total) == (3, 3)
    assert con.execute("select uuid from raw.test__events order by uuid").fetchall() == [
        ("e1",),
        ("e2",),
        (None,),
    ]


def test_a_delivery_whose_keys_are_each_once_lands_as_looking_for_copies_would(
    tmp_path: Path,
) -> None:
    # GIVEN the same windows loaded into two warehouses: one told each delivery's keys are once
    # (its audit counted them), one looking for copies itself; a re-delivery replaces a window
    loads = [((1, 2, 3), hours(0, 4)), ((5, 6), hours(4, 8)), ((0, 3), hours(0, 4))]
    landed = {}
    for told in (True, False):
        with duckdb.connect(str(tmp_path / f"told-{told}.duckdb")) as con:
            counts = [
                land(con, tmp_path, EVENTS, events(*at), window, f"run-{n}", keys_once=told)
                for n, (at, window) in enumerate(loads)
            ]
            rows = con.execute("select uuid, published, _run_id from raw.test__events order by 1")
            landed[told] = (counts, rows.fetchall())
            # the kept fingerprint follows the rows either way (the load times differ between
            # the two warehouses, so the fingerprints themselves do too)
            assert kept_fingerprint(con, "raw.test__events") == table_fingerprint(
                con, "raw.test__events"
            )

    # THEN the rows and the counts are the same
    assert landed[True] == landed[False]
    assert [uuid for uuid, *_ in landed[True][1]] == ["e0", "e3", "e5", "e6"]


def test_a_load_told_the_keys_are_once_trusts_it_and_looks_for_no_copies(
    con, tmp_path: Path
) -> None:
    # A copy lands twice only if the load skipped looking for copies: the audit's word is taken
    # (`gate.keys_once` says so only when the key check counted as many keys as rows).
    inserted, total = land(con, tmp_path, EVENTS, events(1, 1, 2), hours(0, 4), keys_once=True)

    assert (inserted, total) == (3, 3)
    assert landed_events(con) == ["e1", "e1", "e2"]


def test_a_delivery_larger_than_duckdbs_memory_limit_lands(tmp_path: Path) -> None:
    # Picking one row per key with a window over the whole delivery held all of it in memory:
    # a million events did not fit in 100 MB (L's 28 million sign-ins did not fit in 2 GiB).
    delivery = duckdb.sql(
        "select 'event-' || lpad(i::varchar, 12, '0') || repeat('x', 24) as uuid,"
        " timestamp '2026-10-01' + to_microseconds(i) as published from range(1000000) r(i)"
    ).to_arrow_table()
    config = {"memory_limit": "100MB", "threads": "2"}
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), config=config) as small:
        inserted, total = land(small, tmp_path, EVENTS, iter(delivery.to_batches()), hours(0, 24))

    assert (inserted, total) == (1_000_000, 1_000_000)


def kept_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    state = stored_hash(con, table)
    return state.fingerprint() if state else None


def test_each_load_keeps_the_raw_tables_fingerprint_equal_to_hashing_it_whole(
    con, tmp_path: Path
) -> None:
    land(con, tmp_path, APPS, apps("a", "b"))
    land(con, tmp_path, APPS, apps("a", "c", "d"), run_id="run-2")
    land(con, tmp_path, EVENTS, events(1, 2, 3), hours(0, 4))
    land(con, tmp_path, EVENTS, events(5, 6), hours(4, 8), run_id="run-2")
    # a re-delivery of the first window: an event gone, one late, one repeated where pages meet
    land(con, tmp_path, EVENTS, events(1, 3, 3, 0), hours(0, 4), run_id="run-3")
    # an empty window
    land(con, tmp_path, EVENTS, events(), hours(10, 12), run_id="run-4")

    for table in ("raw.test__apps", "raw.test__events"):
        assert kept_fingerprint(con, table) == table_fingerprint(con, table), table
    assert input_fingerprints(con, "raw") == {
        table: {"fingerprint": table_fingerprint(con, table), "rows": rows}
        for table, rows in (("raw.test__apps", 3), ("raw.test__events", 5))
    }


@pytest.mark.parametrize(
    "change",
    [
        "delete from raw.test__events where uuid = 'e1'",
        "alter table raw.test__events add column note varchar",
        "update ingest.raw_fingerprints set duckdb_version = '0.0.1'",
        "delete from ingest.raw_fingerprints",
    ],
    ids=["rows removed by hand", "column added", "another duckdb", "no state (older warehouse)"],
)
def test_a_fingerprint_that_cannot_be_trusted_is_taken_again_from_the_whole_table(
    con, tmp_path: Path, change: str
) -> None:
    land(con, tmp_path, EVENTS, events(1, 2, 3), hours(0, 4))
    con.execute(change)

    assert kept_fingerprint(con, "raw.test__events") is None
    assert current_hash(con, "raw.test__events").fingerprint() == table_fingerprint(
        con, "raw.test__events"
    )
    # and the next load keeps it from there
    land(con, tmp_path, EVENTS, events(5), hours(4, 8), run_id="run-2")
    assert kept_fingerprint(con, "raw.test__events") == table_fingerprint(con, "raw.test__events")


def test_a_load_updates_the_fingerprint_from_its_window_without_hashing_the_history(
    con, tmp_path: Path
) -> None:
    land(con, tmp_path, EVENTS, events(1, 2, 3), hours(0, 4))
    # a mark on the kept sum that only a load working from the kept state carries forward
    con.execute("update ingest.raw_fingerprints set hash_sum = hash_sum + 1")
    marked = stored_hash(con, "raw.test__events")
    assert marked is not None

    land(con, tmp_path, EVENTS, events(5, 6), hours(4, 8), run_id="run-2")

    kept = stored_hash(con, "raw.test__events")
    whole = table_hash(con, "raw.test__events")
    assert kept is not None
    assert (kept.row_count, kept.hash_sum, kept.hash_xor) == (
        whole.row_count,
        whole.hash_sum + 1,
        whole.hash_xor,
    )


def wal_bytes(tmp_path: Path) -> int:
    wal = tmp_path / "warehouse.duckdb.wal"
    return wal.stat().st_size if wal.exists() else 0


def threshold(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]


def test_a_steps_loads_are_checkpointed_once_when_they_are_all_in(con, tmp_path: Path) -> None:
    # A threshold any load crosses: outside the block, each commit checkpoints.
    con.execute("set checkpoint_threshold = '1KiB'")
    land(con, tmp_path, APPS, apps("a1", "a2"))
    assert wal_bytes(tmp_path) == 0

    with checkpointed_once(con):
        land(con, tmp_path, EVENTS, events(1, 2), hours(0, 4))
        land(con, tmp_path, APPS, apps("a1", "a2", "a3"), run_id="run-2")
        assert wal_bytes(tmp_path) > 0, "a load inside the block was checkpointed at its commit"

    assert wal_bytes(tmp_path) == 0
    assert threshold(con) == "1.0 KiB"


def test_a_failed_step_keeps_its_committed_loads_and_the_threshold(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"

    def step(con: duckdb.DuckDBPyConnection) -> None:
        with checkpointed_once(con):
            land(con, tmp_path, EVENTS, events(1, 2), hours(0, 4))
            raise SourceError("test", "the next entity failed")

    with duckdb.connect(str(database)) as con:
        with pytest.raises(SourceError):
            step(con)
        assert threshold(con) == "16.0 MiB"
    with duckdb.connect(str(database)) as con:
        assert landed_events(con) == ["e1", "e2"]


def insertion_order_kept(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    return bool(row[0]) if row else True


@pytest.mark.parametrize("kept_before", [True, False])
def test_a_load_puts_the_sessions_insertion_order_setting_back(
    con, tmp_path: Path, kept_before: bool
) -> None:
    # The load inserts without keeping the delivery's order (its checkpoint then costs nothing);
    # the connection is the step's, whose other statements keep their own setting.
    con.execute(f"set preserve_insertion_order = {str(kept_before).lower()}")
    land(con, tmp_path, EVENTS, events(1, 2), hours(0, 4))
    land(con, tmp_path, EVENTS, events(2, 3), hours(2, 4), run_id="run-2", keys_once=True)

    assert landed_events(con) == ["e1", "e2", "e3"]
    assert insertion_order_kept(con) is kept_before


def test_the_insertion_order_setting_is_put_back_when_the_insert_fails(con) -> None:
    inside: list[bool] = []

    def failing_insert() -> None:
        with insertion_order_free(con):
            inside.append(insertion_order_kept(con))
            con.execute("insert into raw.no_such_table values (1)")

    with pytest.raises(duckdb.CatalogException):
        failing_insert()

    assert inside == [False]
    assert insertion_order_kept(con) is True
