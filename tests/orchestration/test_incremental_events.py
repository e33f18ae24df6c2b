"""Usage events by day: re-running a partition is idempotent, late events land once, a range is one
extraction, and `software-audit backfill` lands exactly the days it names.

The Okta events asset runs through Dagster (`dg.materialize` with a partition key or Dagster's
range tags) against a scripted connector serving a fixed event log, into a real DuckDB warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pytest
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from dagster_duckdb import DuckDBResource

from connectors.base import Window
from connectors.config import SourceConfig
from connectors.okta.entities import SSO_EVENTS
from pipelines import cli
from pipelines.ingest.assets import build_source_assets
from pipelines.ingest.partitions import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    DayRange,
    event_partitions,
    refresh_range,
)
from pipelines.resources import AuditSettings

NO_RETRIES = dg.RetryPolicy(max_retries=0)
FIRST_DAY = date(2026, 10, 1)
EVENTS_KEY = dg.AssetKey(["raw", "okta__sso_events"])
#: The data columns: the load's own columns (_loaded_at, _run_id) say when, not what.
DATA_COLUMNS = ", ".join(SSO_EVENTS.schema.names)


def sign_in(uuid: str, at: datetime) -> dict:
    return {
        "uuid": uuid,
        "published": at,
        "event_type": "user.authentication.sso",
        "actor_id": "u1",
        "target_app_id": "oa1",
        "outcome_result": "SUCCESS",
    }


def event_log() -> list[dict]:
    """Three sign-ins a day from 25 to 31 October 2026."""
    return [
        sign_in(f"d{day}-{n}", datetime(2026, 10, day, 8 + 4 * n))
        for day in range(25, 32)
        for n in range(3)
    ]


@dataclass
class ScriptedOkta:
    """The `sources` resource and its connector: the event log, answered per window asked."""

    events: list[dict] = field(default_factory=event_log)
    windows: list[Window] = field(default_factory=list)

    def config(self, source: str) -> SourceConfig:
        return SourceConfig(name=source, type="okta", settings={}, directory=Path())

    def connector(self, config: SourceConfig) -> ScriptedOkta:
        return self

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        assert window is not None
        self.windows.append(window)
        rows = [e for e in self.events if window.start <= e["published"] < window.end]
        yield pa.RecordBatch.from_pylist(rows, schema=SSO_EVENTS.schema)


def okta_events_asset() -> dg.AssetsDefinition:
    return build_source_assets(
        "okta", [SSO_EVENTS], NO_RETRIES, partitions_def=event_partitions(FIRST_DAY)
    )


def resources(data_dir: Path, okta: ScriptedOkta) -> dict[str, object]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "audit": AuditSettings(data_dir=str(data_dir), as_of_date="2026-10-31"),
        "sources": okta,
        "warehouse": DuckDBResource(database=str(data_dir / "warehouse.duckdb")),
    }


def load(
    data_dir: Path,
    okta: ScriptedOkta,
    *,
    partition: str | None = None,
    days: DayRange | None = None,
) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        [okta_events_asset()],
        partition_key=partition,
        tags=days.tags() if days else None,
        resources=resources(data_dir, okta),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert result.success
    return result


def raw_state(data_dir: Path) -> tuple[int, str]:
    """Row count and an order-independent checksum of raw's event data."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute(
            f"select count(*), md5(string_agg(cast(row({DATA_COLUMNS}) as varchar), '|'"
            f" order by uuid)) from raw.okta__sso_events"
        ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def days_in_raw(data_dir: Path) -> dict[str, int]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select strftime(cast(published as date), '%Y-%m-%d'), count(*)"
            " from raw.okta__sso_events group by all order by 1"
        ).fetchall()
    return dict(rows)


def test_the_range_tags_are_dagsters_own() -> None:
    # a backfill launched from the UI as one run carries these tags; the CLI and the schedules
    # must use the same, or their runs would load no partition range at all
    assert (RANGE_START_TAG, RANGE_END_TAG) == (
        ASSET_PARTITION_RANGE_START_TAG,
        ASSET_PARTITION_RANGE_END_TAG,
    )


def test_re_running_a_partition_with_unchanged_input_changes_nothing(tmp_path: Path) -> None:
    okta = ScriptedOkta()
    load(tmp_path, okta, days=DayRange(date(2026, 10, 25), date(2026, 10, 31)))
    before = raw_state(tmp_path)

    load(tmp_path, okta, partition="2026-10-30")

    assert raw_state(tmp_path) == before
    assert before[0] == 21
    # the partition read its own day, nothing more
    assert okta.windows[-1] == Window(datetime(2026, 10, 30), datetime(2026, 10, 31))


def test_a_late_event_re_delivered_with_yesterday_lands_once(tmp_path: Path) -> None:
    # GIVEN the week loaded, then a connector delivering one more sign-in for 30 October
    okta = ScriptedOkta()
    load(tmp_path, okta, days=DayRange(date(2026, 10, 25), date(2026, 10, 31)))
    okta.events.append(sign_in("late", datetime(2026, 10, 30, 23, 30)))

    # WHEN the daily run re-reads yesterday and today, twice (a retried run)
    daily = DayRange(date(2026, 10, 30), date(2026, 10, 31))
    load(tmp_path, okta, days=daily)
    once = raw_state(tmp_path)
    load(tmp_path, okta, days=daily)

    # THEN the late event is there once, the other days untouched
    assert raw_state(tmp_path) == once
    assert days_in_raw(tmp_path) == {f"2026-10-{day}": 3 for day in range(25, 32)} | {
        "2026-10-30": 4
    }


def test_a_range_of_days_is_one_run_reading_the_source_once(tmp_path: Path) -> None:
    okta = ScriptedOkta()

    result = load(tmp_path, okta, days=DayRange(date(2026, 10, 27), date(2026, 10, 29)))

    assert okta.windows == [Window(datetime(2026, 10, 27), datetime(2026, 10, 30))]
    partitions = {event.partition for event in result.get_asset_materialization_events()}
    assert partitions == {"2026-10-27", "2026-10-28", "2026-10-29"}
    assert days_in_raw(tmp_path) == {"2026-10-27": 3, "2026-10-28": 3, "2026-10-29": 3}


def test_a_run_without_a_partition_refuses_to_guess_its_days(tmp_path: Path) -> None:
    result = dg.materialize(
        [okta_events_asset()],
        resources=resources(tmp_path, ScriptedOkta()),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )

    assert not result.success
    [failure] = result.get_step_failure_events()
    assert "loaded by day" in failure.step_failure_data.user_failure_data.description


def test_the_backfill_command_lands_exactly_the_days_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the refresh job reduced to the Okta events and a publication stand-in, so the command
    # runs its real path (arguments, range, run tags, Dagster, loader) in seconds
    data_dir = tmp_path / "data"
    okta = ScriptedOkta()

    @dg.asset(key=["published", "stand_in"], deps=[EVENTS_KEY])
    def published() -> None:
        """Stands in for publication, which the command reports on."""

    definitions = dg.Definitions(
        assets=[okta_events_asset(), published],
        jobs=[dg.define_asset_job("audit_refresh")],
        resources=resources(data_dir, okta),
    )
    monkeypatch.setenv("AUDIT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("AUDIT_EVENTS_START_DATE", FIRST_DAY.isoformat())
    monkeypatch.setattr("pipelines.definitions.defs", lambda: definitions)
    monkeypatch.setattr("pipelines.workers.start_gx_worker", lambda: None)
    monkeypatch.setattr("pipelines.workers.start_dbt_server", lambda: None)
    monkeypatch.setattr(cli, "start_gx_worker", lambda: None)

    # WHEN the operator backfills 27 to 29 October
    status = cli.main(
        ["backfill", "--from", "2026-10-27", "--to", "2026-10-29", "--as-of", "2026-10-31"]
    )

    # THEN those three days, and only they, are in raw, read in one extraction
    assert status == 0
    assert days_in_raw(data_dir) == {"2026-10-27": 3, "2026-10-28": 3, "2026-10-29": 3}
    assert okta.windows == [Window(datetime(2026, 10, 27), datetime(2026, 10, 30))]
    output = capsys.readouterr().out
    assert "Backfilling usage events of 2026-10-27..2026-10-29 (3 day(s))" in output


def test_a_backfill_before_the_first_day_of_history_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUDIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("AUDIT_EVENTS_START_DATE", "2026-10-01")
    monkeypatch.setattr(cli, "start_gx_worker", lambda: None)

    status = cli.main(["backfill", "--from", "2026-09-30", "--to", "2026-10-02"])

    assert status == 1
    assert "AUDIT_EVENTS_START_DATE=2026-10-01" in capsys.readouterr().err


def test_incremental_loads_the_audit_date_and_the_day_before_full_90_days_more() -> None:
    incremental = refresh_range("incremental", date(2026, 10, 31), FIRST_DAY)
    full = refresh_range("full", date(2026, 10, 31), date(2026, 1, 1))

    assert incremental == DayRange(date(2026, 10, 30), date(2026, 10, 31))
    assert full == DayRange(date(2026, 8, 2), date(2026, 10, 31))
