"""dbt's connection to the warehouse, as the profile sets it for every dbt command of a refresh."""

from pathlib import Path
from typing import Any

import pytest


@pytest.mark.parametrize(("given", "shown"), [(None, "2.0 GiB"), ("768MiB", "768.0 MiB")])
def test_dbt_holds_the_warehouse_to_the_refresh_memory_limit(
    dbt_harness: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: str | None,
    shown: str,
) -> None:
    # 2GiB by default, as the refresh's own connection; DuckDB's default is 80% of the RAM.
    if given is None:
        monkeypatch.delenv("AUDIT_DUCKDB_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("AUDIT_DUCKDB_MEMORY_LIMIT", given)
    dbt_harness.warehouse_path(tmp_path).parent.mkdir(parents=True)

    result = dbt_harness.run_dbt(
        tmp_path,
        "show",
        "--inline",
        "select current_setting('memory_limit') as memory_limit",
        as_of_date="2026-10-31",
    )

    assert result.returncode == 0, result.output[-3000:]
    assert f"| {shown}" in result.output
