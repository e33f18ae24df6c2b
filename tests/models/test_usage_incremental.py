"""The usage event rollup is incremental, and incremental equals a full rebuild.

GIVEN the hand-audited usage company with only its older events in raw, WHEN the later days are
loaded in pieces through the real loader (`pipelines.ingest.landing`, which replaces a window of
days), one day is re-loaded with a late event and dbt runs after each load, THEN the incremental
models hold exactly what a `--full-refresh` rebuild from the same raw tables holds, and a run with
nothing newly loaded changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import usage_company as company

from connectors.base import Entity, Window
from connectors.registry import SOURCE_ENTITIES
from pipelines.ingest.landing import load_landing_file, write_landing_file

MODELS = (
    "int_usage_events_rolled_up",
    "int_usage_events_unioned",
    "int_usage_events_qualified",
    "int_application_user_activity",
)
EVENT_TABLES = {
    f"{source}__{entity.name}": (source, entity)
    for source, entities in SOURCE_ENTITIES.items()
    for entity in entities
    if entity.kind == "events"
}
SPLIT = datetime(2026, 10, 21)
LATE_EVENT = {
    "uuid": "o3",
    "published": "2026-10-31 22:00:00",
    "event_type": "user.authentication.sso",
    "actor_id": "u_bob",
    "target_app_id": "oa_zoom",
    "outcome_result": "SUCCESS",
}


REVISED_EVENT = "o2"
REPLACED_ROLLUP = "int_usage_events_aggregated"


def day(value: str) -> datetime:
    return datetime.fromisoformat(value)


def event_time(source_entity: tuple[str, Entity], row: Mapping[str, Any]) -> datetime:
    return day(row[source_entity[1].event_time])


def load_window(warehouse: Path, name: str, rows: Sequence[Mapping[str, Any]], window: Window):
    """Land `rows` of a raw events table as the pipeline does: Parquet, then the window replaced."""
    source, entity = EVENT_TABLES[name]
    typed = [
        {
            field.name: day(row[field.name])
            if pa.types.is_timestamp(field.type) and isinstance(row.get(field.name), str)
            else row.get(field.name)
            for field in entity.schema
        }
        for row in rows
        if window.start <= event_time((source, entity), row) < window.end
    ]
    landing = warehouse.parent / f"{name}.parquet"
    write_landing_file(
        [pa.RecordBatch.from_pylist(typed, schema=entity.schema)],
        entity,
        landing,
        source=source,
        run_id=f"load-{window.start:%m%d}",
        extracted_at=datetime(2026, 11, 1),
    )
    with duckdb.connect(str(warehouse)) as con:
        load_landing_file(con, landing, f"raw.{name}", entity, window)


def checksum(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, str]:
    """Row count and an order-independent digest of every column of every row."""
    row = con.execute(
        f"select count(*), md5(coalesce(string_agg(cast(t as varchar), '|'"
        f" order by cast(t as varchar)), '')) from {table} as t"
    ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def model_state(data_dir: Path, dbt_harness: Any) -> dict[str, tuple[int, str]]:
    with dbt_harness.open_warehouse(data_dir) as con:
        return {model: checksum(con, f"intermediate.{model}") for model in MODELS}


@pytest.fixture(scope="module")
def loads(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> dict:
    data_dir = tmp_path_factory.mktemp("incremental_data")
    warehouse = dbt_harness.warehouse_path(data_dir)
    run = ("run", "--select", *MODELS)

    def dbt(*args: str) -> None:
        result = dbt_harness.run_dbt(data_dir, *args, as_of_date=company.AS_OF_DATE)
        assert result.returncode == 0, result.output[-5000:]

    # GIVEN raw holding the events before SPLIT, and the models built on it
    older = {
        name: [
            row
            for row in rows
            if name not in EVENT_TABLES or event_time(EVENT_TABLES[name], row) < SPLIT
        ]
        for name, rows in company.RAW_ROWS.items()
    }
    dbt_harness.write_raw_tables(warehouse, older)
    # AND the day-by-day rollup the list rollup replaced, as a warehouse built before it holds it
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists intermediate")
        con.execute(f"create table intermediate.{REPLACED_ROLLUP} as select 1 as activity_date")
    dbt("build", "--select", f"+{MODELS[-1]}", "--exclude", "resource_type:test")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        replaced_left = con.execute(
            "select table_name from information_schema.tables where table_name = ?",
            [REPLACED_ROLLUP],
        ).fetchall()
    # WHEN the later days land in two pieces, dbt running after each
    for window in (
        Window(SPLIT, datetime(2026, 10, 31)),
        Window(datetime(2026, 10, 31), datetime(2026, 11, 1)),
    ):
        for name in EVENT_TABLES:
            load_window(warehouse, name, company.RAW_ROWS.get(name, []), window)
        dbt(*run)
    # AND the last day is delivered again, with an event that arrived late and Rec's only
    # sign-in now a failure, which leaves his successful row without a day
    last_day = Window(datetime(2026, 10, 31), datetime(2026, 11, 1))
    okta = [
        {**row, "outcome_result": "FAILURE"} if row["uuid"] == REVISED_EVENT else row
        for row in company.RAW_ROWS["okta__sso_events"]
    ]
    okta.append(LATE_EVENT)
    load_window(warehouse, "okta__sso_events", okta, last_day)
    dbt(*run)
    incremental = model_state(data_dir, dbt_harness)
    # AND dbt runs again with nothing loaded since
    dbt(*run)
    rerun = model_state(data_dir, dbt_harness)
    with dbt_harness.open_warehouse(data_dir) as con:
        late_rows = dbt_harness.rows(
            con,
            "select user_id, is_successful, activity_dates"
            " from intermediate.int_usage_events_rolled_up"
            " where source_system = 'okta' and list_contains(activity_dates, date '2026-10-31')"
            " order by user_id, is_successful",
        )
    dbt(*run, "--full-refresh")
    return {
        "replaced_left": replaced_left,
        "incremental": incremental,
        "rerun": rerun,
        "rebuilt": model_state(data_dir, dbt_harness),
        "late_rows": late_rows,
    }


def test_loading_days_in_pieces_and_reloading_one_equals_a_full_rebuild(loads) -> None:
    assert loads["incremental"] == loads["rebuilt"]


def test_a_run_with_nothing_newly_loaded_changes_no_row(loads) -> None:
    assert loads["rerun"] == loads["incremental"]


def test_a_redelivered_day_adds_late_use_once_and_takes_back_use_it_no_longer_shows(loads):
    # Bob's only Okta sign-in is the late one; Rec's, a success when first delivered, is now a
    # failure: his successful row, left without a day, is gone, not kept empty
    late_day = [date(2026, 10, 31)]
    assert loads["late_rows"] == [
        {"user_id": "u_bob", "is_successful": True, "activity_dates": late_day},
        {"user_id": "u_rec", "is_successful": False, "activity_dates": late_day},
    ]


def test_the_day_by_day_rollup_it_replaced_is_dropped_from_an_older_warehouse(loads) -> None:
    assert loads["replaced_left"] == []
