"""The asset graph users see: raw → staging → intermediate → marts → checks → published."""

import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from data_quality.suites import SUITES
from pipelines.definitions import defs
from pipelines.settings import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DUCKDB_MEMORY_LIMIT_ENV,
    duckdb_memory_limit,
)
from pipelines.transform.dbt import (
    AS_OF_ENV,
    audit_date_for_dbt,
    dbt_build_args,
    dbt_cli,
    dbt_project,
    error_details,
    run_summary,
)


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dg.Definitions]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AUDIT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        yield defs()


def keys_in(definitions: dg.Definitions, group: str) -> set[dg.AssetKey]:
    specs = definitions.resolve_all_asset_specs()
    return {spec.key for spec in specs if spec.group_name == group}


def test_definitions_load_and_the_refresh_job_resolves(graph: dg.Definitions) -> None:
    job = graph.resolve_job_def("audit_refresh")

    assert job.name == "audit_refresh"


def test_the_schedules_and_sensors_are_loaded_for_the_refresh_job(graph: dg.Definitions) -> None:
    schedules = {schedule.name: schedule for schedule in graph.schedules}
    sensors = {sensor.name: sensor for sensor in graph.sensors}

    assert set(schedules) == {"daily_refresh", "weekly_full_audit"}
    assert {schedule.job_name for schedule in schedules.values()} == {"audit_refresh"}
    assert set(sensors) == {"file_drop", "refresh_failure_alert", "freshness_checks"}
    assert sensors["file_drop"].job_name == "audit_refresh"


def test_a_scheduled_run_reaches_the_assets_as_of_its_tick_date(graph: dg.Definitions) -> None:
    # The schedule sets only `as_of_date`; the job must accept that alone and keep the rest of
    # the audit settings (a run config replacing the whole resource would drop the data folder).
    schedule = next(s for s in graph.schedules if s.name == "daily_refresh")
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 11, 2, 6, tzinfo=UTC)
    )
    [request] = schedule.evaluate_tick(context).run_requests

    resolved = dg.validate_run_config(graph.resolve_job_def("audit_refresh"), request.run_config)

    audit = resolved["resources"]["audit"]["config"]
    assert audit["as_of_date"] == "2026-11-02"
    assert audit["data_dir"] == os.environ["AUDIT_DATA_DIR"]


@pytest.mark.parametrize("group", ["raw", "staging", "intermediate", "marts", "published"])
def test_every_layer_is_a_group_named_after_it(graph: dg.Definitions, group: str) -> None:
    keys = keys_in(graph, group)

    assert keys, f"no assets in group {group}"
    assert all(key.path[0] == group for key in keys)


def test_staging_models_read_only_raw_assets(graph: dg.Definitions) -> None:
    specs = {spec.key: spec for spec in graph.resolve_all_asset_specs()}
    for key in keys_in(graph, "staging"):
        upstream = {dep.asset_key for dep in specs[key].deps}
        assert upstream, f"{key.to_user_string()} has no upstream"
        assert all(dep.path[0] == "raw" for dep in upstream), key.to_user_string()


def test_each_mart_is_gated_by_a_blocking_check_and_published(graph: dg.Definitions) -> None:
    specs = {spec.key: spec for spec in graph.resolve_all_asset_specs()}
    asset_graph = graph.resolve_asset_graph()
    checks = {key: asset_graph.get_check_spec(key) for key in asset_graph.asset_check_keys}
    for table in SUITES:
        mart = dg.AssetKey(["marts", table])
        gate = dg.AssetCheckKey(mart, "quality_gate")
        assert gate in checks, table
        assert checks[gate].blocking, table
        published = specs[dg.AssetKey(["published", table])]
        assert mart in {dep.asset_key for dep in published.deps}


def test_the_dbt_command_builds_leaving_tests_to_the_gate() -> None:
    args = dbt_build_args()

    assert args[0] == "build"
    # the audit date is in the environment: vars that change daily made dbt parse all again
    assert "--vars" not in args
    assert args[args.index("--exclude") + 1].split() == [
        "resource_type:test",
        "resource_type:unit_test",
    ]


def test_workspace_points_at_the_definitions_module() -> None:
    workspace = (Path(__file__).parents[2] / "workspace.yaml").read_text(encoding="utf-8")

    assert "module_name: pipelines.definitions" in workspace


def test_the_dagster_dbt_hooks_the_dbt_resource_replaces_still_exist() -> None:
    # AuditDbtCli overrides two private members to skip start-up work; if dagster-dbt renames
    # them the overrides would silently stop applying.
    assert isinstance(inspect.getattr_static(DbtCliResource, "_cli_version"), cached_property)
    assert callable(getattr(DbtCliResource, "_initialize_dbt_core_adapter", None))
    assert dbt_cli(dbt_project())._cli_version.major == 1


def test_the_dbt_summary_counts_nodes_and_names_those_that_did_not_pass() -> None:
    run_results = {
        "results": [
            {"unique_id": "model.software_audit.applications", "status": "success"},
            {"unique_id": "test.software_audit.unique_applications_id.1a", "status": "pass"},
            {"unique_id": "test.software_audit.not_null_applications_name.2b", "status": "fail"},
            {"unique_id": "test.software_audit.accepted_values_x.3c", "status": "warn"},
        ]
    }

    assert run_summary(run_results) == (
        "dbt: 1 model success, 1 test fail, 1 test pass, 1 test warn; not passed: "
        "test accepted_values_x (warn), test not_null_applications_name (fail)"
    )


def test_a_failed_dbt_build_says_why_each_node_errored_and_how_to_give_duckdb_more_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the message dbt 1.11 wrote for the usage rollup of a 90-day backfill at scale L
    out_of_memory = (
        "Runtime Error in model int_usage_events_rolled_up "
        "(models/intermediate/usage/int_usage_events_rolled_up.sql)\n"
        "  Out of Memory Error: could not allocate block of size 256.0 KiB (1.9 GiB/2.0 GiB used)"
        "\n  \n  Possible solutions:\n  * Reducing the number of threads (SET threads=X)\n"
        "  * Disabling insertion-order preservation (SET preserve_insertion_order=false)\n"
        "  * Increasing the memory limit (SET memory_limit='...GB')\n  \n"
        "  See also https://duckdb.org/docs/stable/guides/performance/how_to_tune_workloads"
    )
    run_results = {
        "results": [
            {
                "unique_id": "model.software_audit.int_usage_events_rolled_up",
                "status": "error",
                "message": out_of_memory,
            },
            {
                "unique_id": "model.software_audit.spend",
                "status": "error",
                "message": 'Runtime Error in model spend\n  Binder Error: column "x" not found',
            },
            {"unique_id": "model.software_audit.applications", "status": "skipped"},
            {"unique_id": "seed.software_audit.rules", "status": "success", "message": "INSERT 4"},
        ]
    }
    monkeypatch.setenv("AUDIT_DUCKDB_MEMORY_LIMIT", "2GiB")

    rollup, spend = error_details(run_results)

    assert rollup.startswith(
        "model int_usage_events_rolled_up: Runtime Error in model int_usage_events_rolled_up "
        "(models/intermediate/usage/int_usage_events_rolled_up.sql) Out of Memory Error: could "
        "not allocate block of size 256.0 KiB (1.9 GiB/2.0 GiB used)"
    )
    assert rollup.endswith(
        "(DuckDB held 2GiB: set AUDIT_DUCKDB_MEMORY_LIMIT higher for this run, e.g. a backfill "
        "of many days of a large company)"
    )
    assert spend == 'model spend: Runtime Error in model spend Binder Error: column "x" not found'


def test_the_audit_date_is_in_dbts_environment_only_while_dbt_starts(monkeypatch) -> None:
    monkeypatch.setenv(AS_OF_ENV, "1999-01-01")
    with audit_date_for_dbt(date(2026, 10, 31)):
        assert os.environ[AS_OF_ENV] == "2026-10-31"
    assert os.environ[AS_OF_ENV] == "1999-01-01"
    monkeypatch.delenv(AS_OF_ENV)
    with audit_date_for_dbt(date(2026, 10, 31)):
        assert os.environ[AS_OF_ENV] == "2026-10-31"
    assert AS_OF_ENV not in os.environ


def test_the_warehouse_and_the_processes_a_refresh_starts_hold_to_one_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(DUCKDB_MEMORY_LIMIT_ENV, "1GiB")

    warehouse = defs().resources["warehouse"]

    with warehouse.get_connection() as con:
        assert con.execute("select current_setting('memory_limit')").fetchone() == ("1.0 GiB",)
    # dbt's profile (tests/models/test_profile.py) and great-expectations' worker
    # (tests/quality/test_worker.py) read it from the environment the refresh's processes inherit.
    assert os.environ[DUCKDB_MEMORY_LIMIT_ENV] == "1GiB"


def test_the_memory_limit_defaults_to_2_gib_and_a_wrong_one_names_the_variable() -> None:
    assert duckdb_memory_limit({}) == DEFAULT_DUCKDB_MEMORY_LIMIT == "2GiB"
    assert duckdb_memory_limit({DUCKDB_MEMORY_LIMIT_ENV: " 1500MB "}) == "1500MB"
    with pytest.raises(ValueError, match="AUDIT_DUCKDB_MEMORY_LIMIT='lots' is not an amount"):
        duckdb_memory_limit({DUCKDB_MEMORY_LIMIT_ENV: "lots"})


def test_the_great_expectations_worker_is_spawned_with_the_memory_limit(tmp_path: Path) -> None:
    # A refresh starts the worker before it loads its definitions: the worker must not miss the
    # limit the definitions would set. In a fresh process, as a refresh is.
    script = (
        "import os\n"
        "from data_quality import worker\n"
        "from pipelines.workers import start_gx_worker\n"
        "start_gx_worker()\n"
        f"print(worker._executor().submit(os.getenv, {DUCKDB_MEMORY_LIMIT_ENV!r}).result())\n"
    )
    env = {key: value for key, value in os.environ.items() if key != DUCKDB_MEMORY_LIMIT_ENV}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])

    seen = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    assert seen.stdout.strip() == DEFAULT_DUCKDB_MEMORY_LIMIT
