"""Quality results kept in the warehouse, keyed by the content they audited.

Publication trusts a table only if its latest result passed and was computed on exactly the
content about to be published (same fingerprint), whatever run produced it: a manual or partial
run can therefore never publish an unaudited table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from data_quality.runner import SuiteResult

RESULTS_TABLE = "quality.suite_results"


def record(con: duckdb.DuckDBPyConnection, run_id: str, table: str, result: SuiteResult) -> None:
    """Keep `result` of the suite of mart `table`, keyed by the fingerprint of what it audited."""
    con.execute("create schema if not exists quality")
    con.execute(
        f"""
        create table if not exists {RESULTS_TABLE} (
            run_id varchar not null,
            table_name varchar not null,
            fingerprint varchar not null,
            row_count bigint not null,
            success boolean not null,
            checked_at timestamp not null,
            result json not null
        )
        """
    )
    con.execute(
        f"insert into {RESULTS_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            table,
            result.fingerprint,
            result.row_count,
            result.success,
            datetime.now(UTC).replace(tzinfo=None),
            json.dumps(result.to_dict(), default=str),
        ],
    )


def audited_fingerprints(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> dict[str, str]:
    """Fingerprint of each table whose latest quality result passed."""
    exists = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'quality' and table_name = 'suite_results'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = con.execute(
        f"""
        select table_name, fingerprint, success
        from {RESULTS_TABLE}
        where table_name in (select unnest(?))
        qualify row_number() over (partition by table_name order by checked_at desc) = 1
        """,
        [list(tables)],
    ).fetchall()
    return {table: fingerprint for table, fingerprint, success in rows if success}
