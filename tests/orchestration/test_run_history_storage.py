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
    asked: list[str] = []
    lookup = SqliteEventLogStorage.has_table

    def counted(storage: SqliteEventLogStorage, table: str) -> bool:
        asked.append(table)
        return lookup(storage, table)

    monkeypatch.setattr(SqliteEventLogStorage, "has_table", counted)
    with instance_at(home) as instance:
        storage = instance.event_log_storage
        found = [storage.has_table("asset_event_tags") for _ in range(3)]
        missing = [storage.has_table("no_such_table") for _ in range(2)]

    assert found == [True, True, True]
    assert missing == [False, False]
    assert asked == ["asset_event_tags", "no_such_table", "no_such_table"]
