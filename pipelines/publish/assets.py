"""The published tables: one asset per mart, written together by one atomic publication."""

from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from data_quality.suites import SUITES
from pipelines.publish.publication import PublicationError, publish
from pipelines.publish.report import offer_latest_report, report_of, write_candidate_report
from pipelines.quality.checks import mart_key
from pipelines.quality.results import audited_fingerprints
from pipelines.resources import AuditSettings

PUBLISHED_TABLES: tuple[str, ...] = tuple(SUITES)


def build_publish_assets() -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="publish_audit",
        specs=[
            dg.AssetSpec(
                key=dg.AssetKey(["published", table]),
                deps=[mart_key(table)],
                group_name="published",
                kinds={"duckdb", "parquet"},
                description=f"`{table}` as finance and BI read it: published/audit.duckdb.",
            )
            for table in PUBLISHED_TABLES
        ],
        can_subset=False,
    )
    def publish_audit(
        context: dg.AssetExecutionContext, audit: AuditSettings, warehouse: DuckDBResource
    ) -> Iterator[dg.MaterializeResult]:
        """Publish every mart at once, only as audited, with its audit report, and switch readers
        to it atomically. A report that cannot be written fails the step and publishes nothing."""
        with warehouse.get_connection() as con:
            audited = audited_fingerprints(con, PUBLISHED_TABLES)
            try:
                publication = publish(
                    con,
                    PUBLISHED_TABLES,
                    audited,
                    audit.paths,
                    run_id=context.run_id,
                    as_of=audit.as_of,
                    keep=audit.keep_publications,
                    extras=write_candidate_report,
                )
            except PublicationError as error:
                raise dg.Failure(str(error), allow_retries=False) from error
        manifest = publication.manifest
        report = report_of(publication)
        offer_latest_report(audit.paths, publication)
        context.log.info(f"published {publication.publication_id} at {audit.paths.published}")
        context.log.info(f"audit report: {report}")
        for table in PUBLISHED_TABLES:
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(["published", table]),
                metadata={
                    "dagster/row_count": manifest["tables"][table]["rows"],
                    "publication_id": publication.publication_id,
                    "database": dg.MetadataValue.path(str(audit.paths.published)),
                    "parquet": dg.MetadataValue.path(
                        str(publication.directory / manifest["tables"][table]["parquet"])
                    ),
                    "fingerprint": manifest["tables"][table]["fingerprint"],
                    "audit_report": dg.MetadataValue.path(str(report)),
                },
            )

    return publish_audit
