"""History across refreshes: two `dbt build`s of one warehouse, as the orchestrator runs them.

The first refresh lands the hand-audited company as of 2026-10-31; the second lands it changed
(history_company.py) as of 2027-01-31. Snapshots, the audit history and the recommendation history
must survive from one build to the next; expected figures come from the first build's own
audit_summary and from the contracts written in the dataset, never from the history models.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import history_company as company
import pytest

from data_quality.runner import validate_table
from data_quality.suites import SUITES

# As the orchestrator runs it: unit tests are covered by test_audit_marts.py's build.
BUILD = ("build", "--exclude", "test_type:unit")


@dataclass(frozen=True)
class Refreshes:
    data_dir: Path
    first_summary: dict[str, Any]


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def aligned_share(summary: dict[str, Any]) -> Decimal:
    """The aligned share of spend in percent, to the cent, from an audit_summary row."""
    share = summary["aligned_annual_spend_usd"] * 100 / summary["total_annual_spend_usd"]
    return share.quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def refreshes(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Refreshes:
    """Two refreshes of one warehouse, keeping the first one's summary as it was published."""
    data_dir = tmp_path_factory.mktemp("history_data")
    database = dbt_harness.warehouse_path(data_dir)

    dbt_harness.write_raw_tables(database, company.FIRST_RAW_ROWS)
    first = dbt_harness.run_dbt(data_dir, *BUILD, as_of_date=company.FIRST_AS_OF_DATE)
    assert first.returncode == 0, first.output[-5000:]
    with duckdb.connect(str(database), read_only=True) as connection:
        (first_summary,) = rows(connection, "select * from marts.audit_summary")

    dbt_harness.write_raw_tables(database, company.SECOND_RAW_ROWS)
    second = dbt_harness.run_dbt(data_dir, *BUILD, as_of_date=company.SECOND_AS_OF_DATE)
    assert second.returncode == 0, second.output[-5000:]
    return Refreshes(data_dir, first_summary)


@pytest.fixture(scope="module")
def warehouse(refreshes: Refreshes, dbt_harness: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    path = dbt_harness.warehouse_path(refreshes.data_dir)
    with duckdb.connect(str(path), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def trend(warehouse: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return rows(warehouse, "select * from marts.audit_trend order by as_of_date")


def test_the_trend_keeps_the_first_refresh_and_adds_the_second(
    trend: list[dict[str, Any]], refreshes: Refreshes
) -> None:
    first, second = trend
    assert first["as_of_date"] == date.fromisoformat(company.FIRST_AS_OF_DATE)
    assert second["as_of_date"] == date.fromisoformat(company.SECOND_AS_OF_DATE)
    for figure in ("application_count", "total_annual_spend_usd", "unused_license_cost_usd"):
        assert first[figure] == refreshes.first_summary[figure], figure
    assert first["previous_as_of_date"] is None
    assert first["total_annual_spend_change_usd"] is None
    assert first["refreshed_at"] < second["refreshed_at"]


def test_the_trend_shows_each_change_since_the_previous_refresh(
    trend: list[dict[str, Any]], refreshes: Refreshes, warehouse: duckdb.DuckDBPyConnection
) -> None:
    (second_summary,) = rows(warehouse, "select * from marts.audit_summary")
    second = trend[1]
    before = refreshes.first_summary

    assert second["previous_as_of_date"] == date.fromisoformat(company.FIRST_AS_OF_DATE)
    assert second["elapsed_days"] == 92
    assert second["application_count_change"] == 1  # Zoom
    for figure in ("total_annual_spend", "aligned_annual_spend", "unused_license_cost"):
        figure_usd = f"{figure}_usd"
        assert second[f"{figure}_change_usd"] == second_summary[figure_usd] - before[figure_usd]
    assert second["aligned_spend_change_pct"] == aligned_share(second_summary) - aligned_share(
        before
    )


def test_the_contracts_snapshot_keeps_the_terms_before_and_after_the_renewal(
    warehouse: duckdb.DuckDBPyConnection, trend: list[dict[str, Any]]
) -> None:
    first_refresh, second_refresh = (row["refreshed_at"] for row in trend)
    versions = rows(
        warehouse,
        "select contract_id, seats, end_date, dbt_valid_from, dbt_valid_to"
        " from snapshots.contracts_snapshot order by contract_id, dbt_valid_from",
    )

    c1 = [v for v in versions if v["contract_id"] == "C1"]
    assert c1 == [
        {
            "contract_id": "C1",
            "seats": 10,
            "end_date": date(2026, 12, 31),
            "dbt_valid_from": first_refresh,
            "dbt_valid_to": second_refresh,
        },
        {
            "contract_id": "C1",
            "seats": 6,
            "end_date": date(2027, 12, 31),
            "dbt_valid_from": second_refresh,
            "dbt_valid_to": None,
        },
    ]
    others = {v["contract_id"]: v["dbt_valid_from"] for v in versions if v["contract_id"] != "C1"}
    assert others == {
        "C0": first_refresh,
        "C2": first_refresh,
        "C3": first_refresh,
        "Z1": second_refresh,
    }


def test_the_catalogue_and_mapping_snapshots_record_what_changed_between_refreshes(
    warehouse: duckdb.DuckDBPyConnection, trend: list[dict[str, Any]]
) -> None:
    first_refresh, second_refresh = (row["refreshed_at"] for row in trend)
    catalogue = rows(
        warehouse,
        "select application_name, dbt_valid_from from snapshots.applications_snapshot"
        " where dbt_valid_to is null",
    )
    assert {a["application_name"]: a["dbt_valid_from"] for a in catalogue} == {
        "Slack": first_refresh,
        "Microsoft Teams": first_refresh,
        "Salesforce": first_refresh,
        "Figma": first_refresh,
        "Notion Labs Inc.": first_refresh,
        "Zoom": second_refresh,
    }
    figma_weights = rows(
        warehouse,
        "select mapping.contribution_weight, mapping.dbt_valid_to"
        " from snapshots.application_objectives_snapshot as mapping"
        " inner join snapshots.applications_snapshot as applications"
        " on mapping.application_id = applications.application_id"
        " where applications.application_name = 'Figma' and mapping.objective_id = 'OBJ2'"
        " order by mapping.dbt_valid_from",
    )
    assert figma_weights == [
        {"contribution_weight": Decimal("0.5"), "dbt_valid_to": second_refresh},
        {"contribution_weight": Decimal("0.4"), "dbt_valid_to": None},
    ]


def test_savings_realized_compares_each_renewal_before_and_after(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    savings = rows(
        warehouse,
        "select contract_id, previous_contract_id, application_name, renewal_type, renewal_date,"
        " seats_before, seats_after, annual_cost_before_usd, annual_cost_after_usd,"
        " realized_annual_saving_usd, has_recommendation, recommended_seats"
        " from marts.savings_realized order by renewal_date",
    )
    # USD contracts: C0 50 seats x 80 a year; C1 10 then 6 seats x 8.75 a month. Only C1 came up
    # for renewal during a refresh, so only its renewal has a right-size recommendation before it.
    assert savings == [
        {
            "contract_id": "C1",
            "previous_contract_id": "C0",
            "application_name": "Slack",
            "renewal_type": "successor_contract",
            "renewal_date": date(2026, 1, 1),
            "seats_before": 50,
            "seats_after": 10,
            "annual_cost_before_usd": Decimal("4000.00"),
            "annual_cost_after_usd": Decimal("1050.00"),
            "realized_annual_saving_usd": Decimal("2950.00"),
            "has_recommendation": False,
            "recommended_seats": None,
        },
        {
            "contract_id": "C1",
            "previous_contract_id": "C1",
            "application_name": "Slack",
            "renewal_type": "same_contract",
            "renewal_date": date(2027, 1, 1),
            "seats_before": 10,
            "seats_after": 6,
            "annual_cost_before_usd": Decimal("1050.00"),
            "annual_cost_after_usd": Decimal("630.00"),
            "realized_annual_saving_usd": Decimal("420.00"),
            # the first refresh, two months before C1 ended, saw 2 active users: 2 x 1.1 -> 3
            "has_recommendation": True,
            "recommended_seats": 3,
        },
    ]


def test_savings_realized_passes_its_quality_suite(warehouse: duckdb.DuckDBPyConnection) -> None:
    result = validate_table(warehouse, "marts.savings_realized", SUITES["savings_realized"])

    assert result.failures == [], result.summary()


def test_the_trend_publishes_and_warns_of_spend_growing_fivefold_in_a_quarter(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Salesforce's 9,000 USD contract starts between the refreshes: real here, but worth a look.
    result = validate_table(warehouse, "marts.audit_trend", SUITES["audit_trend"])

    assert result.success, result.summary()
    assert [c.name for c in result.failures] == ["total_spend_swing_plausible"]


def test_a_trend_change_that_does_not_match_its_figures_is_blocked(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    with duckdb.connect() as scratch:
        scratch.execute("create schema marts")
        scratch.register("published", warehouse.execute("select * from marts.audit_trend").arrow())
        scratch.execute("create table marts.audit_trend as select * from published")
        scratch.execute(
            "update marts.audit_trend set total_annual_spend_change_usd = 0"
            " where previous_as_of_date is not null"
        )

        result = validate_table(scratch, "marts.audit_trend", SUITES["audit_trend"])

    assert {c.name for c in result.blocking_failures} == {"changes_reconcile_with_the_previous_row"}
