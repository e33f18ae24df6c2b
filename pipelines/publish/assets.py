"""The published tables: one asset per mart, written together by one atomic publication."""

from collections.abc import Iterator

import dagster as dg

from pipelines.publish.publication import (
    Candidate,
    PublicationError,
    find_candidate,
    publish_candidate,
)
from pipelines.publish.report import (
    REPORT,
    offer_latest_report,
    report_of,
    write_candidate_report,
)
from pipelines.quality.checks import PUBLISHED_TABLES, mart_key
from pipelines.resources import AuditSettings


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
        context: dg.AssetExecutionContext, audit: AuditSettings
    ) -> Iterator[dg.MaterializeResult]:
        """Publish the candidate the gate passed, whole, with its audit report, and switch readers
        to it atomically. A report that cannot be written fails the step and publishes nothing."""
        run = context.run
        candidate = find_candidate(audit.paths, [run.run_id, run.parent_run_id, run.root_run_id])
        try:
            candidate, verdict, audited = passed(candidate)
            publication = publish_candidate(
                candidate,
                audited,
                audit.paths,
                keep=audit.keep_publications,
                audited_sha256=verdict["database_sha256"],
                checks=verdict,
                # the gate wrote the report while dbt's tests ran, unless that failed
                extras=None if has_report(candidate) else write_candidate_report,
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


def passed(candidate: Candidate | None) -> tuple[Candidate, dict, dict[str, str]]:
    """The candidate, the gate's verdict on it, and its tables' fingerprints, if all passed.

    Refuses a run that wrote no candidate (publishing on its own, say from the UI) or whose
    candidate the gate did not audit: nothing unaudited is ever published.
    """
    if candidate is None:
        raise PublicationError(
            "this run has no candidate publication: run the quality gate (mart_quality_gate) first"
        )
    verdict = candidate.audit
    if verdict is None:
        raise PublicationError(f"candidate {candidate.publication_id} was never audited")
    failed = [table for table, result in verdict["tables"].items() if not result["success"]]
    if failed:
        raise PublicationError(f"the quality gate failed {failed}: refusing to publish")
    audited = {table: result["fingerprint"] for table, result in verdict["tables"].items()}
    return candidate, verdict, audited


def has_report(candidate: Candidate) -> bool:
    return (candidate.directory / REPORT).exists()
