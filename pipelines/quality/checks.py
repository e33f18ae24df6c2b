"""The quality gate: every mart's checks, run in one step against the candidate publication.

The step writes the candidate (the marts copied into a new, not yet visible publication), then runs
two kinds of blocking checks on each mart at once:

* `quality_gate`: the mart's great-expectations suite, validated on the candidate file itself,
  read-only, so what passes is byte for byte what gets published (its checksum is recorded), in
  the great-expectations worker (`data_quality.worker`), which imported it as the refresh began;
* `dbt_tests`: dbt's data tests on the working warehouse, in a `dbt test` process of its own;
  a mart fails when a test of it, or of any model or source it is built from, fails.

One step for all marts: one `dbt test`, one pass of the worker over the candidate. The verdict
is kept with the candidate (`audit.json`), which the publish step reads: it publishes nothing the
gate did not pass.
"""

import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from data_quality.results import SuiteResult
from data_quality.suites import SUITES
from data_quality.worker import Validation, at_low_priority, submit_database
from pipelines.publish.publication import (
    Candidate,
    Publication,
    current,
    record_audit,
    write_candidate,
)
from pipelines.publish.report import write_candidate_report
from pipelines.quality.dbt_tests import DbtTestResults, DbtTestRun
from pipelines.quality.results import record, write_report
from pipelines.resources import AuditSettings
from pipelines.transform.dbt import dbt_project

CHECK_NAME = "quality_gate"
DBT_CHECK_NAME = "dbt_tests"
PUBLISHED_TABLES: tuple[str, ...] = tuple(SUITES)


def mart_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", table])


def build_quality_checks() -> dg.AssetChecksDefinition:
    specs = [
        spec
        for table in SUITES
        for spec in (
            dg.AssetCheckSpec(
                name=CHECK_NAME,
                asset=mart_key(table),
                blocking=True,
                description=(
                    f"great-expectations suite of {table}, validated on the candidate publication:"
                    " publication waits for it to pass."
                ),
            ),
            dg.AssetCheckSpec(
                name=DBT_CHECK_NAME,
                asset=mart_key(table),
                blocking=True,
                description=(
                    f"dbt's data tests on {table} and on every model and source it is built from."
                ),
            ),
        )
    ]

    @dg.multi_asset_check(specs=specs, name="mart_quality_gate", can_subset=False)
    def mart_quality_gate(
        context: dg.AssetCheckExecutionContext, audit: AuditSettings, warehouse: DuckDBResource
    ) -> Iterator[dg.AssetCheckResult]:
        """Write the candidate, then validate it (and write its report) while dbt's tests run."""
        paths = audit.paths
        run_id = context.run.run_id
        with warehouse.get_connection() as con:
            candidate = write_candidate(
                con,
                PUBLISHED_TABLES,
                paths,
                run_id=run_id,
                as_of=audit.as_of,
                input_schema="raw",
            )
        context.log.info(f"Candidate publication {candidate.publication_id} written; auditing it")
        since = rows_checked_through(current(paths))
        context.log.info(
            "dbt's event-log tests check "
            + (
                f"the rows loaded since {since} UTC (the live publication's gate checked the rest)"
                if since
                else "every row (no live publication recorded what its gate checked)"
            )
        )
        dbt_tests = DbtTestRun(dbt_project(), audit.as_of, rows_loaded_since=since)
        started = time.monotonic()
        try:
            validation = validate_candidate(candidate)
            # dbt's tests take longest: the suites and the candidate's audit report give way to
            # them. Should the report fail, the publish step writes it or fails.
            try:
                at_low_priority(write_candidate_report, candidate.directory)
            except Exception as error:
                context.log.warning(f"audit report not written yet: {error}")
            suites = validation.result()
        except BaseException:
            dbt_tests.stop()
            raise
        tests = dbt_tests.wait(PUBLISHED_TABLES)
        # The suites' own time, in the worker: the wait for them also covered the report.
        validating = sum(result.duration_s for result in suites.values())
        context.log.info(
            f"great-expectations: {sum(len(r.checks) for r in suites.values())} expectations on"
            f" {len(suites)} tables in {validating:.1f} s; dbt's tests took"
            f" {time.monotonic() - started:.1f} s"
        )
        with warehouse.get_connection() as con:
            for table, result in suites.items():
                record(con, run_id, table, result)
            report = write_report(con, paths.validation_reports, run_id)
        record_audit(
            candidate, audit_document(suites, tests, since, rows_loaded_through(candidate))
        )
        log_outcome(context, suites, tests, dbt_tests.log_path)
        context.log.info(f"Validation report: {report}")
        for table, result in suites.items():
            yield suite_check(table, result, report)
            yield dbt_check(table, tests)

    return mart_quality_gate


def validate_candidate(candidate: Candidate) -> Validation[dict[str, SuiteResult]]:
    """Start each mart's suite on the candidate file, attached read-only under the name `marts`,
    in the great-expectations worker (imported there at the refresh's start, not here), at low
    priority: dbt's tests, which take longer, keep a core to themselves.

    Checks refer to marts as `marts.<table>` (a reconciliation may read another mart): attached
    as the catalog `marts`, the candidate's tables answer to the same names.
    """
    return submit_database(candidate.database, SUITES, "marts", low_priority=True)


def rows_loaded_through(candidate: Candidate) -> datetime:
    """Every raw row loaded before this instant (naive UTC, as `_loaded_at`) was in the warehouse
    when `candidate` was written, so its gate's dbt tests saw it: loads end before the gate starts,
    and DuckDB lets no other process write while the gate's own connection or `dbt test` holds the
    file."""
    return candidate.created_at.astimezone(UTC).replace(tzinfo=None)


def rows_checked_through(live: Publication | None) -> datetime | None:
    """The raw rows the live publication's gate left checked: those loaded before the instant it
    recorded. None (check every row) before the first publication, for one published by a version
    that did not record it, or by a path that ran no dbt tests.

    Induction keeps this sound: the first gate checks every row, and each later one the rows
    loaded since the gate of the publication then live, which passed. After a rollback the live
    publication is an older one: more rows are checked again, never fewer.
    """
    if live is None:
        return None
    # An unreadable record only makes this gate check every row.
    try:
        recorded = live.manifest.get("checks", {}).get("dbt_tests", {}).get("rows_loaded_through")
        return datetime.fromisoformat(recorded) if recorded else None
    except (OSError, ValueError, TypeError):
        return None


def audit_document(
    suites: Mapping[str, SuiteResult],
    tests: DbtTestResults,
    rows_loaded_since: datetime | None = None,
    rows_loaded_through: datetime | None = None,
) -> dict:
    """The gate's verdict on each table, as the publish step and the manifest read it.

    `rows_loaded_since` and `rows_loaded_through` bound the raw rows whose event-log tests this gate
    ran (since None: all of them); the next gate starts from `rows_loaded_through` once this
    candidate is published.
    """
    tables = {}
    for table, result in suites.items():
        concerning = [t for t in tests.concerning(table) if t.blocking]
        tables[table] = {
            "fingerprint": result.fingerprint,
            "rows": result.row_count,
            "expectations": len(result.checks),
            "suite_passed": result.success,
            "failed_checks": [c.name for c in result.checks if not c.success],
            "failed_dbt_tests": [t.name for t in concerning],
            "success": result.success and not concerning and tests.error is None,
        }
    return {
        "tables": tables,
        "dbt_tests": {
            "passed": tests.passed,
            "not_passed": [{"name": t.name, "status": t.status} for t in tests.not_passed],
            "error": tests.error,
            "rows_loaded_since": rows_loaded_since.isoformat() if rows_loaded_since else None,
            "rows_loaded_through": rows_loaded_through.isoformat() if rows_loaded_through else None,
        },
    }


def log_outcome(
    context: dg.AssetCheckExecutionContext,
    suites: Mapping[str, SuiteResult],
    tests: DbtTestResults,
    dbt_log: Path,
) -> None:
    for result in suites.values():
        if not result.success:
            context.log.error(result.summary())
    if tests.error:
        context.log.error(tests.error)
    for outcome in tests.not_passed:
        log = context.log.error if outcome.blocking else context.log.warning
        log(f"dbt test {outcome.describe()}")
    context.log.info(
        f"dbt tests: {tests.passed} passed, {len(tests.not_passed)} not passed (log: {dbt_log})"
    )


def suite_check(table: str, result: SuiteResult, report: Path) -> dg.AssetCheckResult:
    failed = [c for c in result.checks if not c.success]
    return dg.AssetCheckResult(
        asset_key=mart_key(table),
        check_name=CHECK_NAME,
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=result.summary() if failed else None,
        metadata={
            "fingerprint": result.fingerprint,
            "dagster/row_count": result.row_count,
            "expectations": len(result.checks),
            "failed_blocking": sum(1 for c in failed if c.blocking),
            "failed_warnings": sum(1 for c in failed if not c.blocking),
            "failures": dg.MetadataValue.json([c.name for c in failed]),
            "validation_report": dg.MetadataValue.path(str(report)),
        },
    )


def dbt_check(table: str, tests: DbtTestResults) -> dg.AssetCheckResult:
    concerning = tests.concerning(table)
    blocking = [t for t in concerning if t.blocking]
    if tests.error:
        description = f"dbt's tests could not run: {tests.error}"
    elif concerning:
        described = "\n".join(f"- {t.describe()}" for t in concerning)
        description = f"dbt tests of {table} or what it is built from did not pass:\n{described}"
    else:
        description = None
    return dg.AssetCheckResult(
        asset_key=mart_key(table),
        check_name=DBT_CHECK_NAME,
        passed=not blocking and tests.error is None,
        severity=dg.AssetCheckSeverity.ERROR
        if blocking or tests.error
        else dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "tests_in_lineage_not_passed": dg.MetadataValue.json(
                [{"name": t.name, "status": t.status} for t in concerning]
            ),
        },
    )
