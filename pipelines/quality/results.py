"""Quality results kept in the warehouse, keyed by the content they audited.

Publication trusts a table only if its latest result passed and was computed on exactly the
content about to be published (same fingerprint), whatever run produced it: a manual or partial
run can therefore never publish an unaudited table.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from data_quality.report import RunResults, render_report
from data_quality.results import SuiteResult
from pipelines.ingest.quarantine import reason_counts

RESULTS_TABLE = "quality.suite_results"
# Runs shown in the history table of the validation report.
REPORTED_RUNS = 10


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


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int) -> list[RunResults]:
    """The stored results of the last `limit` runs of the gate, newest first."""
    rows = con.execute(
        f"""
        with runs as (
            select run_id, max(checked_at) as checked_at
            from {RESULTS_TABLE}
            group by run_id
            order by checked_at desc
            limit ?
        )
        select runs.run_id, runs.checked_at, results.table_name, results.result
        from runs
        inner join {RESULTS_TABLE} as results on runs.run_id = results.run_id
        order by runs.checked_at desc, results.checked_at
        """,
        [limit],
    ).fetchall()
    suites: dict[str, dict[str, Any]] = {}
    checked: dict[str, datetime] = {}
    for run_id, checked_at, table, result in rows:
        suites.setdefault(run_id, {})[table] = json.loads(result)
        checked[run_id] = checked_at
    return [RunResults(run_id, checked[run_id], tables) for run_id, tables in suites.items()]


def write_report(con: duckdb.DuckDBPyConnection, folder: Path, run_id: str) -> Path:
    """Write this run's validation report (with the runs before it) and make it `latest.html`."""
    folder.mkdir(parents=True, exist_ok=True)
    page = render_report(recent_runs(con, REPORTED_RUNS), reason_counts(con, REPORTED_RUNS))
    report = folder / f"{run_id}.html"
    report.write_text(page, encoding="utf-8")
    latest = folder / "latest.html.tmp"
    latest.write_text(page, encoding="utf-8")
    latest.replace(folder / "latest.html")
    return report
