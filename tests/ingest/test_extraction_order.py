"""The order a source's entities are extracted in, so the longest audits and loads overlap the rest.

A step waits for an audit only once nothing is left to extract: the entity extracted last leaves
its audit and load with nothing to overlap, so it should be the smallest.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from connectors.okta.entities import ENTITIES
from pipelines.ingest.assets import extraction_order, raw_asset_key
from pipelines.ingest.landing import ensure_table, raw_table

BY_KEY = {raw_asset_key("okta", entity): entity for entity in ENTITIES}


def names(keys: list) -> list[str]:
    return [BY_KEY[key].name for key in keys]


def land_rows(con: duckdb.DuckDBPyConnection, name: str, rows: int) -> None:
    entity = next(entity for entity in ENTITIES if entity.name == name)
    table = raw_table("okta", entity)
    ensure_table(con, table, entity)
    column = entity.key[0]
    ids = pa.table({column: [f"{name}-{i}" for i in range(rows)]})
    con.register("ids", ids)
    con.execute(f"insert into {table} by name select * from ids")
    con.unregister("ids")


def test_events_come_first_then_the_inventories_raw_holds_most_of() -> None:
    con = duckdb.connect()
    land_rows(con, "users", 30)
    land_rows(con, "apps", 4)
    land_rows(con, "app_users", 200)
    land_rows(con, "sso_events", 5000)
    land_rows(con, "app_user_changes", 500)
    land_rows(con, "user_changes", 5)

    order = extraction_order(con, "okta", list(BY_KEY), BY_KEY)

    # the changes replayed onto the listings come last, however many: read after their listing,
    # they cover the time it took
    assert names(order) == [
        "sso_events",
        "app_users",
        "users",
        "apps",
        "app_user_changes",
        "user_changes",
    ]


def test_a_first_load_and_ties_keep_the_declaration_order() -> None:
    con = duckdb.connect()
    declared = [entity.name for entity in ENTITIES if entity.kind != "events"]
    declared.remove("user_changes")
    declared.remove("app_user_changes")

    assert names(extraction_order(con, "okta", list(BY_KEY), BY_KEY)) == [
        "sso_events",
        *declared,
        "user_changes",
        "app_user_changes",
    ]
    land_rows(con, "users", 3)
    land_rows(con, "app_users", 3)
    assert names(extraction_order(con, "okta", list(BY_KEY), BY_KEY)) == [
        "sso_events",
        "users",
        "app_users",
        "apps",
        "user_changes",
        "app_user_changes",
    ]


def test_only_the_selected_entities_are_ordered() -> None:
    con = duckdb.connect()
    land_rows(con, "app_users", 10)
    selected = [key for key in BY_KEY if BY_KEY[key].name in ("users", "app_users")]

    assert names(extraction_order(con, "okta", selected, BY_KEY)) == ["app_users", "users"]
