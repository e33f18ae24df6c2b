"""The sound sample company passes every raw suite: the gate refuses nothing a real company sends.

Every source is read through its real connector from the sample company's emulators and files,
as the demo does, so a check too strict for real data (a vendor status, a date at the edge of
the window) shows up here rather than as a refused delivery in production.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.ingest.assets import build_ingest_assets
from pipelines.ingest.partitions import FULL_HISTORY, DayRange
from pipelines.resources import AuditSettings, SourcesResource
from pipelines.sample import serve_sample_company
from pipelines.settings import Paths


def test_the_sample_company_passes_every_raw_suite(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    paths.warehouse.parent.mkdir(parents=True)
    with serve_sample_company(paths.sample, scale="tiny", seed=7) as sample:
        result = dg.materialize(
            build_ingest_assets(),
            resources={
                "audit": AuditSettings(
                    data_dir=str(paths.data_dir), as_of_date=sample.as_of.isoformat()
                ),
                "sources": SourcesResource(config_path=str(sample.sources_config)),
                "warehouse": DuckDBResource(database=str(paths.warehouse)),
            },
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            tags=DayRange(sample.as_of - FULL_HISTORY, sample.as_of).tags(),
        )

    assert result.success
    materializations = result.get_asset_materialization_events()
    # one per partition of each event table
    latest = {event.asset_key: event for event in materializations}
    assert len(latest) == sum(len(a.keys) for a in build_ingest_assets())
    for key, event in latest.items():
        metadata = event.materialization.metadata
        assert metadata["quarantine"].value == {}, key
        if key.path[-1] in ("okta__app_user_changes", "okta__user_changes"):
            # the changes since this run's own listings: none in the sample org, frozen at as_of
            assert metadata["dagster/row_count"].value == 0, key
        else:
            assert metadata["dagster/row_count"].value > 0, key
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        quarantine = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'quarantine'"
        ).fetchone()
    assert quarantine == (0,)
    assert not list(paths.quarantine.glob("**/*.parquet"))
