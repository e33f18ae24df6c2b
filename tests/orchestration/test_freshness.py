"""Freshness checks: every raw and published table has one, evaluated by a sensor, not the job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import dagster as dg
import pytest

from pipelines.automation.freshness import (
    FreshnessSettings,
    build_freshness_checks,
    build_freshness_sensor,
    check_keys,
)
from pipelines.definitions import defs


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dg.Definitions]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AUDIT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        env.setenv("AUDIT_PUBLICATION_FRESHNESS_HOURS", "50")
        yield defs()


def freshness_keys(graph: dg.Definitions) -> set[dg.AssetCheckKey]:
    asset_graph = graph.resolve_asset_graph()
    return {key for key in asset_graph.asset_check_keys if "freshness" in key.name}


def test_every_raw_and_published_table_has_a_freshness_check(graph: dg.Definitions) -> None:
    checked = {key.asset_key.path[0] for key in freshness_keys(graph)}
    tables = {
        spec.key
        for spec in graph.resolve_all_asset_specs()
        if spec.group_name in ("raw", "published")
    }

    assert checked == {"raw", "published"}
    assert {key.asset_key for key in freshness_keys(graph)} == tables


def test_the_refresh_job_leaves_freshness_to_the_sensor(graph: dg.Definitions) -> None:
    job = graph.resolve_job_def("audit_refresh")
    in_job = set(job.asset_layer.asset_graph.asset_check_keys) & freshness_keys(graph)
    sensor = graph.resolve_sensor_def("freshness_checks")

    assert not {key for key in in_job if key in job.asset_layer.executable_asset_check_keys()}
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED


def test_lags_come_from_the_environment_and_a_bad_one_is_named(monkeypatch) -> None:
    monkeypatch.setenv("AUDIT_RAW_FRESHNESS_HOURS", "6")
    monkeypatch.delenv("AUDIT_PUBLICATION_FRESHNESS_HOURS", raising=False)

    assert FreshnessSettings.from_env() == FreshnessSettings(
        timedelta(hours=6), timedelta(hours=30)
    )
    monkeypatch.setenv("AUDIT_RAW_FRESHNESS_HOURS", "daily")
    with pytest.raises(ValueError, match="AUDIT_RAW_FRESHNESS_HOURS='daily'"):
        FreshnessSettings.from_env()


@dg.asset(key=["raw", "okta__users"])
def okta_users() -> None:
    return None


def test_a_source_never_loaded_is_stale_and_one_just_loaded_is_fresh() -> None:
    settings = FreshnessSettings(timedelta(hours=1), timedelta(hours=1))
    checks = build_freshness_checks([okta_users.key], [], settings)
    [key] = check_keys(checks)
    sensor = build_freshness_sensor(checks, enabled=True)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING

    with dg.instance_for_test() as instance:
        stale = dg.materialize(
            [okta_users, *checks], instance=instance, selection=dg.AssetSelection.checks(key)
        )
        assert not stale.get_asset_check_evaluations()[0].passed
        fresh = dg.materialize([okta_users, *checks], instance=instance)
        assert fresh.get_asset_check_evaluations()[0].passed
