"""Write, audit, publish at the raw layer: a delivery is checked before it touches its raw table.

The landing file is validated where it lies, through a view over `read_parquet` in the
great-expectations worker process (`data_quality.worker`), against its entity's raw suite
(`data_quality.suites.raw`), plus a volume check: a source that suddenly returns less than a
share of the rows raw holds (by default half), or none, is more likely broken than shrunk, and
replacing raw with it would silently drop applications, users or seats from the audit. An events
delivery replaces the days of its window, so it is compared with the rows raw holds for those
days: a re-delivery of yesterday shrinking by more than the share is refused, a first delivery of a
new day never is. Only a delivery passing every blocking check is loaded. A refused one is moved,
whole, to the quarantine folder.

After an events load, freshness compares the newest event in raw with the end of the audit date.
It only warns: a quiet weekend or a vendor's delay is not bad data, and refusing the load would
only make raw staler; the warning shows in the run log, the asset's metadata and the quarantine.

Settings (read when a step runs):

* `AUDIT_MIN_VOLUME_RATIO` (default 0.5): a snapshot delivering fewer than this share of the rows
  its raw table holds, or events fewer than this share of the rows raw holds in their window, is
  refused; 0 turns the check off (an empty delivery replacing rows is still refused).
* `AUDIT_FRESHNESS_LAG_DAYS` (default 3): the newest event may be this many days older than the
  end of the audit date before it warns.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from connectors.base import Entity, Window
from data_quality.results import CheckResult, SuiteResult
from data_quality.suites.raw import KEY_CHECK, raw_suite
from data_quality.worker import Validation, submit_parquet
from pipelines.ingest.landing import rows_in_window, rows_landed

DEFAULT_MIN_VOLUME_RATIO = 0.5
DEFAULT_FRESHNESS_LAG_DAYS = 3
_SHOWN = 3

VOLUME_WHY = (
    "A source returning far fewer rows than raw holds is more likely broken than shrunk; "
    "loading it would drop records from the whole audit."
)
FRESHNESS_WHY = (
    "Stale events understate active users and overstate unused seats; it warns because refusing "
    "the load would only make raw staler."
)


@dataclass(frozen=True)
class GateSettings:
    min_volume_ratio: float = DEFAULT_MIN_VOLUME_RATIO
    freshness_lag: timedelta = timedelta(days=DEFAULT_FRESHNESS_LAG_DAYS)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GateSettings:
        """The settings from `AUDIT_MIN_VOLUME_RATIO` and `AUDIT_FRESHNESS_LAG_DAYS`.

        Raises ValueError naming the variable when a value is not a number in its range.
        """
        env = os.environ if environ is None else environ
        ratio = _number(env, "AUDIT_MIN_VOLUME_RATIO", DEFAULT_MIN_VOLUME_RATIO, float)
        if not 0 <= ratio <= 1:
            raise ValueError(f"AUDIT_MIN_VOLUME_RATIO={ratio}: expected a share between 0 and 1")
        lag = _number(env, "AUDIT_FRESHNESS_LAG_DAYS", DEFAULT_FRESHNESS_LAG_DAYS, int)
        if lag < 0:
            raise ValueError(f"AUDIT_FRESHNESS_LAG_DAYS={lag}: expected days, 0 or more")
        return cls(ratio, timedelta(days=lag))


def _number(env: Mapping[str, str], name: str, default: float, kind: type) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{name}={value!r}: expected a {kind.__name__}") from None


def submit_audit(landing_file: Path, source: str, entity: Entity) -> Validation[SuiteResult]:
    """Start validating `landing_file` against its entity's raw suite in the worker; the step
    extracts the next entity meanwhile."""
    return submit_parquet(landing_file, raw_suite(source, entity))


def audit_delivery(
    con: duckdb.DuckDBPyConnection,
    landing_file: Path,
    source: str,
    entity: Entity,
    table: str,
    settings: GateSettings,
    window: Window | None = None,
    validation: Validation[SuiteResult] | None = None,
) -> SuiteResult:
    """Validate `landing_file` against its raw suite and its volume.

    The suite runs in the great-expectations worker (`data_quality.worker`), reading the file;
    `validation` is that run when `submit_audit` started it already. A snapshot's volume is compared
    with its whole raw table, events with the rows of `window`, the rows the delivery would replace;
    the changes replayed onto a listing (`Entity.replays_onto`) are not compared.
    """
    result = (validation or submit_audit(landing_file, source, entity)).result()
    if entity.replays_onto:
        # The changes since a listing: after the listing is read again they start over, fewer
        # by design. Their volume says nothing of the source's health.
        return replace(result, table=table)
    if window is not None:
        replaced = rows_in_window(con, table, entity, window)
    else:
        replaced = rows_landed(con, table)
    checks = [*result.checks, volume_check(result.row_count, replaced, settings)]
    return _with_checks(replace(result, table=table), checks)


def volume_check(delivered: int, in_raw: int, settings: GateSettings) -> CheckResult:
    """Blocks a delivery with no rows, or fewer than the share of the raw rows it would replace,
    when raw holds some."""
    floor = settings.min_volume_ratio * in_raw
    success = in_raw == 0 or (delivered > 0 and delivered >= floor)
    return CheckResult(
        name="volume_not_dropped",
        expectation_type="row_count_at_least_share_of_raw",
        blocking=True,
        success=success,
        why=VOLUME_WHY,
        details={
            "kwargs": {"min_volume_ratio": settings.min_volume_ratio},
            "observed_value": {"rows_delivered": delivered, "rows_in_raw": in_raw},
        },
    )


def freshness_check(
    con: duckdb.DuckDBPyConnection, table: str, entity: Entity, end: datetime, lag: timedelta
) -> CheckResult:
    """Warns when raw's newest event is older than `end` (the audit date's end) less `lag`."""
    row = con.execute(f"select max({entity.event_time}) from {table}").fetchone()
    newest = row[0] if row else None
    oldest_allowed = end - lag
    return CheckResult(
        name="newest_event_fresh",
        expectation_type="newest_event_time_at_least",
        blocking=False,
        success=newest is not None and newest >= oldest_allowed,
        why=FRESHNESS_WHY,
        details={
            "kwargs": {"min_value": oldest_allowed.isoformat(), "lag_days": lag.days},
            "observed_value": newest.isoformat() if newest else None,
        },
    )


def keys_once(result: SuiteResult) -> bool:
    """Whether the delivery's audit found each of its rows' keys once: its key check passed on as
    many rows as the delivery has (an event log's check counts each key once per content, so a
    copy of an event makes it count fewer). The load then need not look for copies itself."""
    check = next((check for check in result.checks if check.name == KEY_CHECK), None)
    return bool(
        check is not None
        and check.success
        and check.error is None
        and check.element_count is not None
        and check.element_count == result.row_count
    )


def with_check(result: SuiteResult, check: CheckResult) -> SuiteResult:
    return _with_checks(result, [*result.checks, check])


def _with_checks(result: SuiteResult, checks: list[CheckResult]) -> SuiteResult:
    success = all(check.success for check in checks if check.blocking)
    return replace(result, checks=checks, success=success)


def refuse_delivery(landing_file: Path, quarantine_file: Path) -> Path:
    """Move the refused landing file, every row of it, to `quarantine_file`."""
    quarantine_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(landing_file, quarantine_file)
    return quarantine_file


def blocked_message(result: SuiteResult, kept: Path) -> str:
    """The table, each failed blocking expectation with its row count and a sample, and the file."""
    failed = result.blocking_failures
    parts = [f"{result.table}: {len(failed)} blocking check(s) failed"]
    for check in failed:
        parts.append(f"{check.name} ({check.expectation_type}): {_extent(check, result.row_count)}")
    return (
        "; ".join(parts)
        + f". {result.table} keeps its last good data; the delivery is kept in {kept}"
    )


def _extent(check: CheckResult, rows: int) -> str:
    if check.error:
        return f"could not be evaluated: {check.error}"
    if check.unexpected_count is not None:
        examples = check.unexpected_rows or check.unexpected_sample
        shown = ", ".join(repr(e) for e in examples[:_SHOWN])
        return f"{check.unexpected_count} of {rows} rows" + (f" (sample: {shown})" if shown else "")
    return f"observed {check.details.get('observed_value')!r}"
