"""The one `Definitions` of the audit, assembled when Dagster loads it (never at import)."""

import os

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.automation.alerts import build_failure_alert_sensor
from pipelines.automation.file_drop import ENABLED_ENV as FILE_DROP_ENABLED_ENV
from pipelines.automation.file_drop import build_file_drop_sensor
from pipelines.automation.freshness import ENABLED_ENV as FRESHNESS_ENABLED_ENV
from pipelines.automation.freshness import (
    FreshnessSettings,
    build_freshness_checks,
    build_freshness_sensor,
    check_keys,
)
from pipelines.automation.schedules import ScheduleSettings, build_schedules
from pipelines.ingest.assets import build_ingest_assets
from pipelines.ingest.partitions import event_partitions, events_start
from pipelines.publish.assets import build_publish_assets
from pipelines.quality.checks import build_quality_checks
from pipelines.resources import AuditSettings, SourcesResource
from pipelines.settings import env_flag, hold_duckdb_to_memory_limit, paths_from_env
from pipelines.transform.dbt import build_dbt_assets, dbt_cli, dbt_project, prepare_manifest

AUDIT_REFRESH = "audit_refresh"


def refresh_job(freshness: list[dg.AssetChecksDefinition]):
    """Every asset and check but freshness, which a sensor evaluates between refreshes."""
    return dg.define_asset_job(
        AUDIT_REFRESH,
        selection=dg.AssetSelection.all() - dg.AssetSelection.checks(*check_keys(freshness)),
        description=(
            "Audit refresh: extract every source (usage events for the run's range of days), "
            "build the model, check, publish."
        ),
    )


@dg.definitions
def defs() -> dg.Definitions:
    paths = paths_from_env()
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    duckdb_config = hold_duckdb_to_memory_limit()
    settings = {
        "data_dir": str(paths.data_dir),
        "as_of_date": os.environ.get("AUDIT_AS_OF_DATE", ""),
    }
    project = dbt_project()
    prepare_manifest(project)
    sources_config = os.environ.get("AUDIT_SOURCES_CONFIG") or str(paths.sample / "sources.yml")
    first_day = events_start()
    ingest = build_ingest_assets(event_partitions(first_day))
    publish = build_publish_assets()
    freshness = build_freshness_checks(
        [key for assets in ingest for key in assets.keys],
        list(publish.keys),
        FreshnessSettings.from_env(),
    )
    audit_refresh = refresh_job(freshness)
    return dg.Definitions(
        assets=[*ingest, build_dbt_assets(project), publish],
        asset_checks=[build_quality_checks(), *freshness],
        jobs=[audit_refresh],
        schedules=build_schedules(AUDIT_REFRESH, ScheduleSettings.from_env(), first_day),
        sensors=[
            build_file_drop_sensor(paths, AUDIT_REFRESH, enabled=env_flag(FILE_DROP_ENABLED_ENV)),
            build_failure_alert_sensor(),
            build_freshness_sensor(freshness, enabled=env_flag(FRESHNESS_ENABLED_ENV)),
        ],
        resources={
            # Values set here are defaults a run may override: a schedule sets `as_of_date`.
            "audit": AuditSettings.configure_at_launch(**settings),
            "sources": SourcesResource(config_path=sources_config),
            "warehouse": DuckDBResource(
                database=str(paths.warehouse), connection_config=duckdb_config
            ),
            "dbt": dbt_cli(project),
        },
        # DuckDB takes one writer per file: steps run one after the other in one process.
        executor=dg.in_process_executor,
    )
