"""dbt's data tests in the quality gate: a failing test blocks exactly the marts built from it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pipelines.publish.publication import Publication
from pipelines.quality.checks import audit_document, rows_checked_through
from pipelines.quality.dbt_tests import DbtTestResults, summarise

PROJECT = "software_audit"


def node(kind: str, name: str) -> str:
    return f"{kind}.{PROJECT}.{name}"


# raw source -> staging -> two intermediates -> two marts; a third mart reads a seed only.
PARENTS = {
    node("model", "stg_okta__users"): ["source.software_audit.okta.users"],
    node("model", "int_users"): [node("model", "stg_okta__users")],
    node("model", "int_costs"): [node("seed", "currency_rates")],
    node("model", "license_utilization"): [node("model", "int_users"), node("model", "int_costs")],
    node("model", "applications"): [node("model", "int_users")],
    node("model", "spend"): [node("model", "int_costs")],
}


def manifest(tests: dict[str, list[str]]) -> dict:
    nodes = {
        node("test", name): {"name": name, "depends_on": {"nodes": tested}}
        for name, tested in tests.items()
    }
    return {"metadata": {"project_name": PROJECT}, "nodes": nodes, "parent_map": PARENTS}


def results(statuses: dict[str, str]) -> dict:
    return {
        "results": [
            {"unique_id": node("test", name), "status": status, "message": "Got 3 results"}
            for name, status in statuses.items()
        ]
    }


MARTS = ("license_utilization", "applications", "spend")


def test_a_failing_staging_test_blocks_every_mart_built_from_it_and_no_other() -> None:
    tests = {
        "unique_stg_okta__users_id": [node("model", "stg_okta__users")],
        "not_null_spend_amount": [node("model", "spend")],
    }
    outcome = summarise(
        results({"unique_stg_okta__users_id": "fail", "not_null_spend_amount": "pass"}),
        manifest(tests),
        MARTS,
    )

    assert outcome.passed == 1
    assert [t.name for t in outcome.concerning("license_utilization")] == [
        "unique_stg_okta__users_id"
    ]
    assert [t.name for t in outcome.concerning("applications")] == ["unique_stg_okta__users_id"]
    assert outcome.concerning("spend") == []
    assert outcome.concerning("license_utilization")[0].blocking


def test_a_failing_source_or_seed_test_reaches_the_marts_downstream() -> None:
    tests = {
        "source_unique_okta_users_id": ["source.software_audit.okta.users"],
        "has_currency_rate": [node("seed", "currency_rates")],
    }
    outcome = summarise(
        results({"source_unique_okta_users_id": "error", "has_currency_rate": "fail"}),
        manifest(tests),
        MARTS,
    )

    assert {t.name for t in outcome.concerning("license_utilization")} == set(tests)
    assert [t.name for t in outcome.concerning("applications")] == ["source_unique_okta_users_id"]
    assert [t.name for t in outcome.concerning("spend")] == ["has_currency_rate"]


def test_a_warning_concerns_its_marts_without_blocking_them() -> None:
    tests = {"accepted_values_spend_category": [node("model", "spend")]}
    outcome = summarise(results({"accepted_values_spend_category": "warn"}), manifest(tests), MARTS)

    [warning] = outcome.concerning("spend")
    assert not warning.blocking
    assert warning.describe() == "accepted_values_spend_category (warn): Got 3 results"


def published(tmp_path: Path, checks: dict) -> Publication:
    (tmp_path / "manifest.json").write_text(json.dumps({"checks": checks}), encoding="utf-8")
    return Publication(tmp_path.name, tmp_path)


def test_the_event_logs_are_tested_from_where_the_live_publications_gate_left_them(
    tmp_path: Path,
) -> None:
    live = published(tmp_path, {"dbt_tests": {"rows_loaded_through": "2026-10-31T06:00:00"}})

    assert rows_checked_through(live) == datetime(2026, 10, 31, 6, 0)


def test_every_row_is_tested_when_no_gate_recorded_what_it_checked(tmp_path: Path) -> None:
    # before the first publication, and for one whose gate predates the record
    assert rows_checked_through(None) is None
    assert rows_checked_through(published(tmp_path, {"dbt_tests": {"passed": 286}})) is None


def test_a_gate_records_the_rows_it_checked_as_naive_utc() -> None:
    document = audit_document(
        {},
        DbtTestResults(passed=1),
        rows_loaded_since=datetime(2026, 10, 30, 6, 0),
        rows_loaded_through=datetime(2026, 10, 31, 6, 0),
    )

    assert document["dbt_tests"]["rows_loaded_since"] == "2026-10-30T06:00:00"
    assert document["dbt_tests"]["rows_loaded_through"] == "2026-10-31T06:00:00"


def test_an_unreadable_record_of_what_was_checked_means_every_row(tmp_path: Path) -> None:
    garbage = published(tmp_path, {"dbt_tests": {"rows_loaded_through": "yesterday"}})

    assert rows_checked_through(garbage) is None
