"""The value marts, built by `dbt build` on value_company.py, against figures worked out by hand.

Costs and objective values come from the hand-audited company (test_audit_marts.py derives them
from the currency seed); everything else below is recomputed here from the rules the marts
document, not read back from the warehouse.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import value_company as company
from test_audit_marts import (
    FIGMA_COST,
    OBJ2_VALUE,
    SALESFORCE_COST,
    SLACK_COST,
    TEAMS_COST,
    cents,
)

VALUE_MARTS = (
    "application_roi",
    "objective_roi",
    "application_health",
    "rationalization",
    "redundancy_groups",
    "renewals",
)
VALUE_UNIT_TESTS = {
    "test_roi_adds_productivity_to_objective_value_and_grades_completeness",
    "test_time_assigns_all_four_quadrants_with_thresholds_inclusive",
    "test_renewals_right_size_seats_and_state_by_notice_deadline",
}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    """Lands the value company's raw tables and runs `dbt build` on them once for the module."""
    data_dir = tmp_path_factory.mktemp("value_data")
    return dbt_harness.build_company(data_dir, company.RAW_ROWS, company.AS_OF_DATE)


@pytest.fixture(scope="module")
def warehouse(build: Path, dbt_harness: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    with dbt_harness.open_warehouse(build) as connection:
        yield connection


def rows(warehouse: duckdb.DuckDBPyConnection, mart: str) -> list[dict[str, Any]]:
    cursor = warehouse.execute(f"select * from marts.{mart}")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def by(warehouse: duckdb.DuckDBPyConnection, mart: str, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows(warehouse, mart)}


def test_the_value_unit_tests_ran_in_the_build_and_passed(build: Path) -> None:
    results = json.loads((build / "dbt_target" / "run_results.json").read_text())["results"]
    statuses = {
        r["unique_id"].rsplit(".", 1)[-1]: r["status"]
        for r in results
        if r["unique_id"].startswith("unit_test.")
    }
    assert {name: statuses.get(name) for name in VALUE_UNIT_TESTS} == dict.fromkeys(
        VALUE_UNIT_TESTS, "pass"
    )


@pytest.mark.parametrize("mart", VALUE_MARTS)
def test_no_value_mart_publishes_an_end_user_email(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    # contract owners may be named (renewals.owner_email); the survey's respondents may not
    respondents = {answer["respondent_email"] for answer in company.SURVEY_RESPONSES}
    owners = {"ann@example.com"}
    published = {
        value for row in rows(warehouse, mart) for value in row.values() if isinstance(value, str)
    }
    assert published & respondents <= (owners if mart == "renewals" else set())


def test_roi_publishes_every_component_and_grades_what_it_rests_on(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    roi = by(warehouse, "application_roi", "application_name")
    salesforce = roi["Salesforce"]
    objective_benefit = cents(Decimal("100000") * Decimal("0.6")) + cents(
        OBJ2_VALUE * Decimal("0.2")
    )
    # its contract starts after the audit date: a year of its license invoices prices it
    assert (salesforce["license_annual_cost_usd"], salesforce["other_annual_cost_usd"]) == (
        SALESFORCE_COST,
        0,
    )
    assert salesforce["objective_benefit_usd"] == objective_benefit
    assert salesforce["productivity_benefit_usd"] == 0  # no hours assumed for category crm
    assert salesforce["roi_ratio"] == (
        (objective_benefit - SALESFORCE_COST) / SALESFORCE_COST
    ).quantize(Decimal("0.0001"))
    assert salesforce["roi_low_ratio"] == (
        (objective_benefit / 2 - SALESFORCE_COST) / SALESFORCE_COST
    ).quantize(Decimal("0.0001"))
    assert roi["Slack"]["license_annual_cost_usd"] == SLACK_COST
    assert roi["Microsoft Teams"]["active_users"] == 2
    grades = {name: row["confidence_grade"] for name, row in roi.items()}
    # Teams has all three inputs; Slack no mapping; Salesforce no contract in force; Figma only
    # a mapping; Notion nothing
    assert grades == {
        "Microsoft Teams": "A",
        "Slack": "B",
        "Salesforce": "B",
        "Figma": "C",
        "Notion Labs Inc.": "D",
    }


def test_objective_roi_sums_its_applications_allocated_cost_and_attributed_value(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    objectives = by(warehouse, "objective_roi", "objective_id")
    design = objectives["OBJ2"]
    value = sum(cents(OBJ2_VALUE * Decimal(w)) for w in ("0.2", "0.5", "0.3"))
    cost = Decimal("125.00") + FIGMA_COST + TEAMS_COST  # Salesforce's cost split 0.2 / 0.8
    assert design["application_names"] == "Figma, Microsoft Teams, Salesforce"
    assert design["application_count"] == 3
    assert design["attributed_annual_value_usd"] == value
    assert design["allocated_annual_cost_usd"] == cost
    assert design["roi_ratio"] == ((value - cost) / cost).quantize(Decimal("0.0001"))
    assert design["payback_months"] == cents(cost / (value / 12))
    pipeline = objectives["OBJ1"]
    assert (pipeline["allocated_annual_cost_usd"], pipeline["roi_ratio"]) == (375, 159)


def test_slack_satisfaction_splits_active_from_inactive_respondents_into_its_health(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    slack = by(warehouse, "application_health", "application_name")["Slack"]
    # ann (5) signed in on the audit day; dan (2) never signed in to Slack
    assert (
        slack["response_count"],
        slack["known_user_count"],
        slack["known_respondent_count"],
    ) == (
        2,
        3,
        1,
    )
    assert slack["response_rate_pct"] == Decimal("33.33")
    assert (slack["active_satisfaction_mean"], slack["inactive_satisfaction_mean"]) == (5, 2)
    satisfaction = (Decimal("3.5") - 1) / 4 * 100
    assert slack["satisfaction_score"] == satisfaction
    assert slack["health_score"] == (satisfaction + Decimal("20")) / 2  # utilization 2 of 10


def test_time_reads_value_adoption_satisfaction_and_the_cmdb_life_cycle(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    time = by(warehouse, "rationalization", "application_name")
    slack, teams = time["Slack"], time["Microsoft Teams"]
    # Slack: no objective, but its 2 active users' productivity (2 x 12 h x $75) is worth
    # 1800 / 1050 of its cost, scoring 85.71 of value (full at 2x); 2 of 10 seats active;
    # satisfied users, in operation ("Slack Technologies")
    value = Decimal(1800) / SLACK_COST / 2 * 100
    assert slack["functional_fit_score"] == cents((value + 20) / 2)
    assert slack["technical_fit_score"] == Decimal("81.25")
    assert (slack["life_cycle_stage"], slack["time_disposition"]) == ("Operational", "Invest")
    # Teams: value far above cost, 2 of 3 assigned active; unhappy users, at end of life (the
    # later of its two CMDB records)
    assert teams["functional_fit_score"] == cents((100 + Decimal(200) / 3) / 2)
    assert teams["technical_fit_score"] == Decimal("12.5")
    assert (teams["life_cycle_stage"], teams["time_disposition"]) == ("End of Life", "Migrate")
    assert "low technical fit 12.50" in teams["disposition_reason"]


def test_collaboration_consolidates_on_the_cheaper_of_two_equally_used_applications(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    (group,) = rows(warehouse, "redundancy_groups")
    teams_id = by(warehouse, "applications", "application_name")["Microsoft Teams"]
    # active: ann (both), cat (Slack), eve (Teams); Teams kept, cat moves, no seat is free
    assert group["kept_application_id"] == teams_id["application_id"]
    assert (
        group["active_user_count"],
        group["multi_application_user_count"],
        group["users_to_migrate_count"],
        group["seats_to_add"],
    ) == (3, 1, 1, 1)
    seat_price = cents(TEAMS_COST / 2)
    assert group["removed_annual_cost_usd"] == SLACK_COST
    assert group["consolidation_annual_saving_usd"] == SLACK_COST - seat_price


def test_the_slack_renewal_is_due_with_a_right_size_to_its_active_users(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    renewals = by(warehouse, "renewals", "contract_id")
    assert set(renewals) == {"C1"}  # C2 ends after the 180-day horizon, C0 ended, C3 starts later
    slack = renewals["C1"]
    recommended = math.ceil(2 * Decimal("1.1"))
    assert str(slack["notice_deadline_date"]) == "2026-12-31"  # no notice period recorded
    assert (slack["renewal_state"], slack["is_owner_missing"]) == ("renewal_due", False)
    assert (slack["recommended_seats"], slack["seat_reduction"]) == (recommended, 10 - recommended)
    assert slack["right_size_annual_saving_usd"] == (10 - recommended) * SLACK_COST / 10
