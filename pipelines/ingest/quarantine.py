"""`quarantine.rows`: every bad row found at ingestion, with the reason, never silently dropped.

A delivery refused by a blocking raw check leaves raw unchanged; its landing file is kept whole in
`data/quarantine/<source>/<entity>/<run_id>.parquet`, and the rows the checks named (up to the
runner's sample per check) are recorded here with the check and why it blocks. A connector's bad
records (`RecordError`) are recorded with their field and problem. Warnings are recorded too,
`blocking = false`: the load went ahead, but someone should look.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from data_quality.results import CheckResult

QUARANTINE_TABLE = "quarantine.rows"


@dataclass(frozen=True)
class Where:
    """Which delivery the rows came from."""

    run_id: str
    source: str
    entity: str
    raw_table: str


def ensure_quarantine(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists quarantine")
    con.execute(
        f"""
        create table if not exists {QUARANTINE_TABLE} (
            run_id varchar not null,
            source varchar not null,
            entity varchar not null,
            raw_table varchar not null,
            check_name varchar not null,
            reason varchar not null,
            blocking boolean not null,
            record json,
            detected_at timestamp not null
        )
        """
    )


def quarantine_failures(
    con: duckdb.DuckDBPyConnection, where: Where, checks: Sequence[CheckResult]
) -> Counter[str]:
    """Record the rows each failed check names; return the rows each check found, by check."""
    rows, counts = [], Counter[str]()
    for check in checks:
        if check.success:
            continue
        reason = f"{check.name}: {check.why}"
        for record in _records(check):
            rows.append((check.name, reason, check.blocking, record))
        counts[check.name] = check.unexpected_count or len(_records(check))
    _insert(con, where, rows)
    return counts


def quarantine_problems(
    con: duckdb.DuckDBPyConnection, where: Where, problems: Sequence[tuple[str, str, str]]
) -> Counter[str]:
    """Record a connector's bad records (record, field, reason); return their count by field."""
    rows = [
        (f"record_error:{field}", f"{field}: {reason}", True, {"record": record, "field": field})
        for record, field, reason in problems
    ]
    _insert(con, where, rows)
    return Counter(check for check, *_ in rows)


def reason_counts(con: duckdb.DuckDBPyConnection, runs: int) -> list[dict[str, Any]]:
    """Rows quarantined per table and reason over the last `runs` runs that quarantined any."""
    exists = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'quarantine' and table_name = 'rows'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    cursor = con.execute(
        f"""
        with runs as (
            select run_id, max(detected_at) as detected_at from {QUARANTINE_TABLE}
            group by run_id order by detected_at desc limit ?
        )
        select q.run_id, max(q.detected_at) as detected_at, q.raw_table, q.check_name,
               any_value(q.reason) as reason, bool_or(q.blocking) as blocking, count(*) as row_count
        from {QUARANTINE_TABLE} as q inner join runs using (run_id)
        group by q.run_id, q.raw_table, q.check_name
        order by max(runs.detected_at) desc, q.raw_table, q.check_name
        """,
        [runs],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _records(check: CheckResult) -> list[Any]:
    """The offending rows if GX named them, else the values, else what the check observed."""
    if check.unexpected_rows:
        return list(check.unexpected_rows)
    if check.unexpected_sample:
        return [{"value": value} for value in check.unexpected_sample]
    observed = {"observed": check.details.get("observed_value")} if check.details else {}
    return [{**observed, "error": check.error} if check.error else observed]


def _insert(
    con: duckdb.DuckDBPyConnection, where: Where, rows: list[tuple[str, str, bool, Any]]
) -> None:
    if not rows:
        return
    ensure_quarantine(con)
    detected_at = datetime.now(UTC).replace(tzinfo=None)
    con.executemany(
        f"insert into {QUARANTINE_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                where.run_id,
                where.source,
                where.entity,
                where.raw_table,
                check,
                reason,
                blocking,
                json.dumps(record, default=str),
                detected_at,
            )
            for check, reason, blocking, record in rows
        ],
    )
