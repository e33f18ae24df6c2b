"""The marts' great-expectations suites as blocking asset checks, run in one step.

One step for all marts because importing great-expectations costs seconds: one import, not six.
"""

from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from data_quality.suites import SUITES
from pipelines.quality.results import record, write_report
from pipelines.settings import paths_from_env

CHECK_NAME = "quality_gate"


def mart_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", table])


def build_quality_checks() -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            name=CHECK_NAME,
            asset=mart_key(table),
            blocking=True,
            description=f"great-expectations suite of {table}: publication waits for it to pass.",
        )
        for table in SUITES
    ]

    @dg.multi_asset_check(specs=specs, name="mart_quality_gate", can_subset=True)
    def mart_quality_gate(
        context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource
    ) -> Iterator[dg.AssetCheckResult]:
        """Validate each selected mart, record the results by content fingerprint, and report."""
        from data_quality.runner import validate_table

        selected = {key.asset_key for key in context.selected_asset_check_keys}
        results = []
        with warehouse.get_connection() as con:
            for table, suite in SUITES.items():
                if mart_key(table) not in selected:
                    continue
                result = validate_table(con, f"marts.{table}", suite)
                record(con, context.run.run_id, table, result)
                if not result.success:
                    context.log.error(result.summary())
                results.append((table, result))
            report = write_report(con, paths_from_env().validation_reports, context.run.run_id)
        context.log.info(f"Validation report: {report}")
        for table, result in results:
            failed = [c for c in result.checks if not c.success]
            yield dg.AssetCheckResult(
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

    return mart_quality_gate
