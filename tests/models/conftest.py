"""Fixtures for the dbt model tests: a warehouse holding hand-written raw tables, and dbt run on it.

The raw tables are created from the connectors' own entity schemas plus the load metadata, so the
models are tested against exactly the columns and types the pipeline lands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from connectors.base import LOAD_METADATA, Entity
from connectors.registry import SOURCE_ENTITIES

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
LOADED_AT = datetime(2026, 10, 31, 23, 0)

RAW_ENTITIES: dict[str, tuple[Entity, ...]] = SOURCE_ENTITIES

Rows = Sequence[Mapping[str, Any]]


def _coerce(value: Any, field_type: pa.DataType) -> Any:
    """Let datasets spell dates, timestamps and decimals as plain literals."""
    if value is None:
        return None
    if pa.types.is_decimal(field_type):
        return Decimal(str(value))
    if pa.types.is_date(field_type) and isinstance(value, str):
        return date.fromisoformat(value)
    if pa.types.is_timestamp(field_type) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def raw_table(source: str, entity: Entity, rows: Rows) -> pa.Table:
    """The rows of one entity as the loader lands them: entity columns, then load metadata."""
    schema = pa.schema(list(entity.schema) + list(LOAD_METADATA))
    metadata = {
        "_source": source,
        "_extracted_at": LOADED_AT,
        "_loaded_at": LOADED_AT,
        "_run_id": "test-run",
    }
    records = [
        {field.name: _coerce(row.get(field.name), field.type) for field in entity.schema} | metadata
        for row in rows
    ]
    unknown = {key for row in rows for key in row} - set(entity.schema.names)
    if unknown:
        raise ValueError(f"{source}__{entity.name}: no such columns {sorted(unknown)}")
    return pa.Table.from_pylist(records, schema=schema)


def write_raw_tables(database: Path, rows_by_table: Mapping[str, Rows]) -> None:
    """Create every raw.<source>__<entity> table, holding the rows given for it (else none)."""
    known = {f"{source}__{e.name}" for source, entities in RAW_ENTITIES.items() for e in entities}
    if unknown := set(rows_by_table) - known:
        raise ValueError(f"no such raw tables: {sorted(unknown)}")
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema if not exists raw")
        for source, entities in RAW_ENTITIES.items():
            for entity in entities:
                name = f"{source}__{entity.name}"
                table = raw_table(source, entity, rows_by_table.get(name, ()))
                connection.register("landed", table)
                connection.execute(f"create or replace table raw.{name} as select * from landed")
                connection.unregister("landed")


@dataclass(frozen=True)
class DbtResult:
    returncode: int
    output: str


def run_dbt(
    data_dir: Path, *args: str, as_of_date: str, variables: Mapping[str, Any] | None = None
) -> DbtResult:
    """Run the dbt CLI on the project as the orchestrator does: cwd dbt_project, AUDIT_DATA_DIR set.

    Artefacts and logs go under `data_dir` so parallel runs never share dbt_project/target.
    `variables` are dbt vars besides the audit date.
    """
    env = os.environ | {
        "AUDIT_DATA_DIR": str(data_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    }
    command = [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--target-path",
        str(data_dir / "dbt_target"),
        "--log-path",
        str(data_dir / "dbt_logs"),
        "--vars",
        json.dumps({"as_of_date": as_of_date, **(variables or {})}),
    ]
    completed = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return DbtResult(completed.returncode, completed.stdout + completed.stderr)


def warehouse_path(data_dir: Path) -> Path:
    return data_dir / "warehouse" / "audit.duckdb"


def build_company(data_dir: Path, raw_rows: Mapping[str, Rows], as_of_date: str) -> Path:
    """Land a test company's raw tables in a new warehouse under `data_dir` and `dbt build` it."""
    write_raw_tables(warehouse_path(data_dir), raw_rows)
    result = run_dbt(data_dir, "build", as_of_date=as_of_date)
    assert result.returncode == 0, result.output[-5000:]
    return data_dir


@contextmanager
def open_warehouse(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(warehouse_path(data_dir)), read_only=True) as connection:
        yield connection


def query_rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """The rows of `sql` as dicts keyed by column name, for readable assertions."""
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class DbtHarness:
    """What a model test module needs, handed out as a fixture rather than imported."""

    write_raw_tables: Callable[[Path, Mapping[str, Rows]], None]
    run_dbt: Callable[..., DbtResult]
    warehouse_path: Callable[[Path], Path]
    build_company: Callable[[Path, Mapping[str, Rows], str], Path]
    open_warehouse: Callable[[Path], AbstractContextManager[duckdb.DuckDBPyConnection]]
    rows: Callable[[duckdb.DuckDBPyConnection, str], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def dbt_harness() -> DbtHarness:
    return DbtHarness(
        write_raw_tables, run_dbt, warehouse_path, build_company, open_warehouse, query_rows
    )
