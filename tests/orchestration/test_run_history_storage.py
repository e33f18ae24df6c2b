"""The pooled run-history storage writes Dagster's own files, readable by Dagster's own storage.

It overrides a private method of Dagster's SQLite event log (`_connect`): if an upgrade renames
it, the pooled engines stay unused and these tests fail rather than the speed-up silently vanish.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines.storage import OPEN_FILES, PooledSqliteEventLogStorage, dagster_settings

ASSETS = 30


@dg.multi_asset(specs=[dg.AssetSpec(f"table_{n}") for n in range(ASSETS)])
def tables():
    for n in range(ASSETS):
        yield dg.MaterializeResult(asset_key=f"table_{n}", metadata={"rows": n})


@dg.asset
def one_table() -> None:
    return None


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "dagster.yaml").write_text(dagster_settings(tmp_path), encoding="utf-8")
    return tmp_path


def instance_at(home: Path, settings: str | None = None) -> dg.DagsterInstance:
    if settings is not None:
        (home / "dagster.yaml").write_text(settings, encoding="utf-8")
    return dg.DagsterInstance.from_config(str(home))


def calls_to(monkeypatch: pytest.MonkeyPatch, owner: type, method: str) -> list[tuple]:
    """The arguments (after the storage) of each call to `owner.method`, which still runs."""
    calls: list[tuple] = []
    original = getattr(owner, method)

    def recorded(storage: object, *args: object) -> object:
        calls.append(args)
        return original(storage, *args)

    monkeypatch.setattr(owner, method, recorded)
    return calls


def test_the_settings_select_the_pooled_storage_and_no_telemetry(home: Path) -> None:
    settings = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))

    assert settings["telemetry"] == {"enabled": False}
    with instance_at(home) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def test_a_run_is_stored_through_reused_engines_and_read_back_by_dagsters_own_storage(
    home: Path,
) -> None:
    with instance_at(home) as instance:
        result = dg.materialize([tables], instance=instance)
        storage = instance.event_log_storage
        assert set(storage._engines) == {"index", result.run_id}
        written = [record.dagster_event_type for record in instance.all_logs(result.run_id)]

    with instance_at(home, "telemetry:\n  enabled: false\n") as plain:
        assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
        read = [record.dagster_event_type for record in plain.all_logs(result.run_id)]
        latest = plain.get_latest_materialization_event(dg.AssetKey(f"table_{ASSETS - 1}"))

    assert read == written
    assert read.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == ASSETS
    assert latest is not None
    assert latest.asset_materialization.metadata["rows"].value == ASSETS - 1


def test_only_the_latest_run_files_keep_an_open_engine(home: Path) -> None:
    with instance_at(home) as instance:
        run_ids = [dg.materialize([one_table], instance=instance).run_id for _ in range(OPEN_FILES)]
        engines = list(instance.event_log_storage._engines)

    assert len(engines) == OPEN_FILES
    assert "index" in engines
    assert run_ids[0] not in engines
    assert run_ids[-1] in engines


def test_a_table_found_once_is_not_looked_up_again(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dagster asks whether its asset-tags table exists before storing each tagged asset event."""
    asked = calls_to(monkeypatch, SqliteEventLogStorage, "has_table")
    with instance_at(home) as instance:
        storage = instance.event_log_storage
        found = [storage.has_table("asset_event_tags") for _ in range(3)]
        missing = [storage.has_table("no_such_table") for _ in range(2)]

    assert found == [True, True, True]
    assert missing == [False, False]
    assert asked == [("asset_event_tags",), ("no_such_table",), ("no_such_table",)]


DAYS = dg.DailyPartitionsDefinition(start_date="2026-01-01", end_date="2026-01-11")


@dg.multi_asset(  # as the extract steps declare their event feeds: a range of days, one run
    specs=[dg.AssetSpec("events_by_day", partitions_def=DAYS)],
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def events_by_day() -> None:
    return None


def materialize_ten_days(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [events_by_day],
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": "2026-01-01",
            "dagster/asset_partition_range_end": "2026-01-10",
        },
    )


def test_a_partitioned_steps_events_are_stored_in_batches_dagster_reads_back(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = calls_to(monkeypatch, PooledSqliteEventLogStorage, "store_event_batch")
    with instance_at(home) as instance:
        run_id = materialize_ten_days(instance).run_id

    with instance_at(home, "telemetry:\n  enabled: false\n") as plain:
        kinds = [record.dagster_event_type for record in plain.all_logs(run_id)]
        materialized = plain.get_materialized_partitions(dg.AssetKey("events_by_day"))

    # the run's planned events, then its materializations
    assert [len(events) for (events,) in batches] == [10, 10]
    assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 10
    assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 10
    assert materialized == {f"2026-01-{day:02d}" for day in range(1, 11)}


def test_a_batch_that_fails_keeps_none_of_its_events(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dagster then stores the batch's events one by one: none may be there twice."""
    stored: list[str] = []
    store = PooledSqliteEventLogStorage.store_event

    def failing_on_the_third(storage: PooledSqliteEventLogStorage, event: object) -> None:
        if storage._batch is not None and len(stored) == 2:
            raise OSError("disk full")
        stored.append("event")
        store(storage, event)

    with instance_at(home) as instance:
        run_id = dg.materialize([one_table], instance=instance).run_id
        storage = instance.event_log_storage
        before = len(instance.all_logs(run_id))
        batch = list(instance.all_logs(run_id))[:4]
        monkeypatch.setattr(PooledSqliteEventLogStorage, "store_event", failing_on_the_third)
        with pytest.raises(OSError, match="disk full"):
            storage.store_event_batch(batch)
        after = len(instance.all_logs(run_id))

    assert stored == ["event", "event"]
    assert after == before


def test_an_asset_key_column_found_once_is_not_looked_up_again(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dagster reads its asset-key table's columns before storing each asset event."""
    asked = calls_to(monkeypatch, SqliteEventLogStorage, "_has_asset_key_col_on_connection")
    with instance_at(home) as instance:
        dg.materialize([tables], instance=instance)

    assert [column for _connection, column in asked] == ["last_materialization_timestamp"]
