"""Readers are never blocked: BI tools and finance read the publication while a refresh writes.

Each reader runs in its own process, as a BI server or a finance analyst's session does: DuckDB's
file locks are per process, so an in-process reader would prove nothing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from data_quality.fingerprint import table_fingerprint
from pipelines.publish.publication import publish
from pipelines.settings import Paths

SQLALCHEMY_READER = """
import sys
import sqlalchemy
engine = sqlalchemy.create_engine(
    f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True}
)
query = sqlalchemy.text("select total_annual_spend_usd from audit_summary")
with engine.connect() as connection:
    print(connection.execute(query).scalar())
"""

PARQUET_READER = """
import sys, duckdb
print(duckdb.sql(f"select total_annual_spend_usd from '{sys.argv[1]}'").fetchone()[0])
"""


@pytest.fixture
def refreshing(tmp_path: Path) -> Iterator[tuple[Paths, duckdb.DuckDBPyConnection]]:
    """A published audit, and the working warehouse held open read-write as a refresh holds it."""
    paths = Paths(tmp_path / "data")
    paths.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.warehouse)) as writer:
        writer.execute("create schema marts")
        writer.execute(
            "create table marts.audit_summary as"
            " select 1234.50::decimal(18, 2) as total_annual_spend_usd"
        )
        fingerprints = {"audit_summary": table_fingerprint(writer, "marts.audit_summary")}
        publish(
            writer,
            ("audit_summary",),
            fingerprints,
            paths,
            run_id="run-1",
            as_of=date(2026, 10, 31),
            keep=3,
        )
        writer.execute("insert into marts.audit_summary values (99)")  # the refresh goes on
        yield paths, writer


def run_reader(script: str, target: Path) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_a_bi_tool_reads_through_sqlalchemy_while_the_refresh_writes(refreshing) -> None:
    paths, _ = refreshing

    assert run_reader(SQLALCHEMY_READER, paths.published) == "1234.50"


def test_parquet_readers_read_the_same_publication(refreshing) -> None:
    paths, _ = refreshing
    parquet = paths.published.resolve().parent / "parquet" / "audit_summary.parquet"

    # decimals stay decimals in Parquet: no float rounding for finance
    assert run_reader(PARQUET_READER, parquet) == "1234.50"
