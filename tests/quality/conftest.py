"""Fixtures for the quality gate: a small DuckDB warehouse file with a `marts` schema.

great-expectations is imported once per session (on the first validation), so the tests stay fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("create schema marts")
        yield con
