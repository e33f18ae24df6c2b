"""The audit marts, built by `dbt build` on a company small enough to audit by hand.

Every expected figure below is worked out from hand_audited_company.py; currency rates are read
from the project's seed so that replacing the assumed rates does not break the arithmetic.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import hand_audited_company as company
import pytest

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "currency_rates.csv"

MART_COLUMNS = {
    "applications": [
        ("application_id", "VARCHAR"),
        ("application_name", "VARCHAR"),
        ("category", "VARCHAR"),
        ("match_key", "VARCHAR"),
        ("seen_in_okta", "BOOLEAN"),
        ("seen_in_contracts", "BOOLEAN"),
        ("seen_in_spend", "BOOLEAN"),
        ("seen_in_survey", "BOOLEAN"),
        ("source_count", "INTEGER"),
        ("is_sanctioned", "BOOLEAN"),
        ("is_aligned", "BOOLEAN"),
        ("owner_email", "VARCHAR"),
        ("annual_cost_usd", "DECIMAL(18,2)"),
        ("seen_in_graph", "BOOLEAN"),
        ("seen_in_google", "BOOLEAN"),
        ("seen_in_servicenow", "BOOLEAN"),
        ("seen_in_snipeit", "BOOLEAN"),
        ("source_systems", "VARCHAR"),
        ("match_rule", "VARCHAR"),
        ("match_rules", "VARCHAR"),
    ],
    "license_utilization": [
        ("application_id", "VARCHAR"),
        ("application_name", "VARCHAR"),
        ("as_of_date", "DATE"),
        ("seats_purchased", "INTEGER"),
        ("seats_assigned", "INTEGER"),
        ("active_users_30d", "INTEGER"),
        ("active_users_60d", "INTEGER"),
        ("active_users_90d", "INTEGER"),
        ("active_users", "INTEGER"),
        ("utilization_pct", "DECIMAL(9,2)"),
        ("unused_seats", "INTEGER"),
        ("annual_license_cost_usd", "DECIMAL(18,2)"),
        ("cost_per_seat_usd", "DECIMAL(18,2)"),
        ("unused_license_cost_usd", "DECIMAL(18,2)"),
        ("over_allocated_seats", "INTEGER"),
        ("activity_window_days", "INTEGER"),
        ("exempt_seats", "INTEGER"),
        ("never_active_assigned_users", "INTEGER"),
        ("inactive_assigned_seats", "INTEGER"),
        ("unassigned_seats", "INTEGER"),
        ("is_over_allocation_risk", "BOOLEAN"),
        ("unused_license_cost_30d_usd", "DECIMAL(18,2)"),
        ("unused_license_cost_60d_usd", "DECIMAL(18,2)"),
        ("unused_license_cost_90d_usd", "DECIMAL(18,2)"),
        ("cost_per_active_user_usd", "DECIMAL(18,2)"),
    ],
    "objectives": [
        ("objective_id", "VARCHAR"),
        ("objective_name", "VARCHAR"),
        ("owner_title", "VARCHAR"),
        ("owner_name", "VARCHAR"),
        ("value_type", "VARCHAR"),
        ("business_mode", "VARCHAR"),
        ("kpi", "VARCHAR"),
        ("kpi_target", "VARCHAR"),
        ("start_quarter", "VARCHAR"),
        ("currency", "VARCHAR"),
        ("horizon_quarters", "INTEGER"),
        ("annual_value", "DECIMAL(18,2)"),
        ("annual_value_usd", "DECIMAL(18,2)"),
        ("application_count", "INTEGER"),
        ("allocated_annual_cost_usd", "DECIMAL(18,2)"),
        ("spend_share_pct", "DECIMAL(9,2)"),
    ],
    "application_objectives": [
        ("application_id", "VARCHAR"),
        ("objective_id", "VARCHAR"),
        ("contribution_weight", "DECIMAL(5,4)"),
        ("owner_title", "VARCHAR"),
        ("value_type", "VARCHAR"),
        ("business_mode", "VARCHAR"),
        ("attributed_annual_value_usd", "DECIMAL(18,2)"),
        ("allocated_annual_cost_usd", "DECIMAL(18,2)"),
    ],
    "application_roi": [
        ("application_id", "VARCHAR"),
        ("application_name", "VARCHAR"),
        ("annual_cost_usd", "DECIMAL(18,2)"),
        ("annual_benefit_usd", "DECIMAL(18,2)"),
        ("net_annual_benefit_usd", "DECIMAL(18,2)"),
        ("roi_ratio", "DECIMAL(18,4)"),
        ("payback_months", "DECIMAL(18,2)"),
        ("objective_count", "INTEGER"),
        ("license_annual_cost_usd", "DECIMAL(18,2)"),
        ("other_annual_cost_usd", "DECIMAL(18,2)"),
        ("objective_benefit_usd", "DECIMAL(18,2)"),
        ("active_users", "INTEGER"),
        ("hours_saved_per_user_per_year", "DECIMAL(9,2)"),
        ("loaded_hourly_rate_usd", "DECIMAL(18,2)"),
        ("productivity_benefit_usd", "DECIMAL(18,2)"),
        ("annual_benefit_low_usd", "DECIMAL(18,2)"),
        ("annual_benefit_high_usd", "DECIMAL(18,2)"),
        ("roi_low_ratio", "DECIMAL(18,4)"),
        ("roi_high_ratio", "DECIMAL(18,4)"),
        ("has_usage_data", "BOOLEAN"),
        ("has_contract", "BOOLEAN"),
        ("has_objective_mapping", "BOOLEAN"),
        ("confidence_grade", "VARCHAR"),
    ],
    "audit_summary": [
        ("as_of_date", "DATE"),
        ("application_count", "INTEGER"),
        ("sanctioned_application_count", "INTEGER"),
        ("shadow_application_count", "INTEGER"),
        ("total_annual_spend_usd", "DECIMAL(18,2)"),
        ("aligned_annual_spend_usd", "DECIMAL(18,2)"),
        ("unaligned_annual_spend_usd", "DECIMAL(18,2)"),
        ("unused_license_cost_usd", "DECIMAL(18,2)"),
        ("active_contract_count", "INTEGER"),
        ("aligned_spend_pct", "DECIMAL(9,2)"),
        ("license_annual_cost_usd", "DECIMAL(18,2)"),
        ("other_annual_cost_usd", "DECIMAL(18,2)"),
        ("seats_purchased", "INTEGER"),
        ("inactive_assigned_seats", "INTEGER"),
        ("unused_license_cost_30d_usd", "DECIMAL(18,2)"),
        ("unused_license_cost_90d_usd", "DECIMAL(18,2)"),
        ("over_allocation_risk_application_count", "INTEGER"),
        ("shadow_it_spend_usd", "DECIMAL(18,2)"),
        ("disputed_fact_count", "INTEGER"),
        ("invest_application_count", "INTEGER"),
        ("tolerate_application_count", "INTEGER"),
        ("migrate_application_count", "INTEGER"),
        ("eliminate_application_count", "INTEGER"),
        ("consolidation_annual_saving_usd", "DECIMAL(18,2)"),
        ("renewal_due_count", "INTEGER"),
        ("renewal_overdue_count", "INTEGER"),
        ("right_size_annual_saving_usd", "DECIMAL(18,2)"),
    ],
}


def usd_per_unit(currency: str, month: str) -> Decimal:
    """The seed's rate for `month` (YYYY-MM)."""
    with SEED.open(newline="") as seed:
        for row in csv.DictReader(seed):
            if row["currency"] == currency and row["rate_month"] == f"{month}-01":
                return Decimal(row["usd_per_unit"])
    raise KeyError((currency, month))


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def application_id(match_key: str) -> str:
    return "app_" + hashlib.md5(match_key.encode()).hexdigest()[:12]


SLACK_COST = Decimal("10") * Decimal("8.75") * 12  # C1 only: C0 expired, S1 is C1's invoice
TEAMS_COST = cents(2 * Decimal("100") * usd_per_unit("EUR", "2026-10"))
FIGMA_COST = cents(Decimal("100") * usd_per_unit("GBP", "2026-05") + 20 - 10)  # F1 + F3 + F4
SALESFORCE_COST = Decimal("500")  # contract C3 starts after the audit date: priced by spend S2
OBJ2_VALUE = cents(Decimal("20000") * usd_per_unit("EUR", "2026-10"))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    """Lands the hand-written raw tables and runs `dbt build` on them once for the module."""
    data_dir = tmp_path_factory.mktemp("audit_data")
    return dbt_harness.build_company(data_dir, company.RAW_ROWS, company.AS_OF_DATE)


@pytest.fixture(scope="module")
def warehouse(build: Path, dbt_harness: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    with dbt_harness.open_warehouse(build) as connection:
        yield connection


def rows(warehouse: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = warehouse.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def one(warehouse: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    (row,) = rows(warehouse, sql)
    return row


def by_name(warehouse: duckdb.DuckDBPyConnection, mart: str) -> dict[str, dict[str, Any]]:
    return {row["application_name"]: row for row in rows(warehouse, f"select * from marts.{mart}")}


def test_the_not_null_test_of_several_columns_names_each_column_holding_nulls(
    build: Path, dbt_harness: Any, tmp_path: Path
) -> None:
    # One test node checks all the not-null columns of a node (dbt's per-node overhead, not the
    # query, is what a test costs); its failing rows must still say which column broke.
    results = json.loads((build / "dbt_target" / "run_results.json").read_text())["results"]
    (result,) = [
        r
        for r in results
        if r["unique_id"].startswith("test.software_audit.not_null_columns_currency_rates.")
    ]
    assert result["status"] == "pass"
    # a copy keeps the shared warehouse clean; the file name is the catalog the SQL refers to
    database = tmp_path / dbt_harness.warehouse_path(build).name
    shutil.copy(dbt_harness.warehouse_path(build), database)
    with duckdb.connect(str(database)) as connection:
        connection.execute("insert into seeds.currency_rates (currency) values ('EUR'), ('GBP')")
        failing = connection.execute(result["compiled_code"]).fetchall()
    assert sorted(failing) == [("rate_month", 2), ("usd_per_unit", 2)]


def test_the_build_ran_every_unit_test_and_they_all_passed(build: Path) -> None:
    # Guards against unit tests silently dropped from `dbt build` (e.g. a YAML typo).
    results = json.loads((build / "dbt_target" / "run_results.json").read_text())["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 10
    assert {r["status"] for r in unit_tests} == {"pass"}


@pytest.mark.parametrize("mart", sorted(MART_COLUMNS))
def test_each_mart_publishes_the_agreed_columns_and_types(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    columns = warehouse.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [mart],
    ).fetchall()
    assert columns == MART_COLUMNS[mart]


def test_spellings_across_sources_and_the_alias_file_make_one_application_each(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    applications = by_name(warehouse, "applications")
    assert sorted(applications) == [
        "Figma",
        "Microsoft Teams",
        "Notion Labs Inc.",
        "Salesforce",
        "Slack",
    ]
    assert applications["Slack"]["application_id"] == application_id("slack")
    assert applications["Microsoft Teams"]["match_key"] == "microsoftteams"
    assert applications["Notion Labs Inc."]["match_key"] == "notion"


def test_sanctioned_applications_are_those_in_okta_or_under_contract(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    applications = by_name(warehouse, "applications")
    sanctioned = {name for name, row in applications.items() if row["is_sanctioned"]}
    assert sanctioned == {"Slack", "Microsoft Teams", "Salesforce"}
    assert applications["Slack"]["source_count"] == 4
    assert applications["Figma"]["source_count"] == 2  # spend and survey
    assert applications["Slack"]["owner_email"] == "ann@example.com"  # C1, not expired C0


def test_annual_cost_comes_from_active_contracts_else_from_a_year_of_spend(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    applications = by_name(warehouse, "applications")
    assert applications["Slack"]["annual_cost_usd"] == SLACK_COST
    assert applications["Microsoft Teams"]["annual_cost_usd"] == TEAMS_COST
    assert applications["Figma"]["annual_cost_usd"] == FIGMA_COST
    assert applications["Salesforce"]["annual_cost_usd"] == SALESFORCE_COST
    assert applications["Notion Labs Inc."]["annual_cost_usd"] == 0


def test_slack_utilisation_counts_users_active_in_the_window_against_seats_bought(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    slack = by_name(warehouse, "license_utilization")["Slack"]
    # GIVEN sign-ins on the audit day (u1), 30 days before (u3) and 60 days before (u2)
    # THEN each window excludes its first day, and the 60-day window gives 2 of 10 seats
    assert (slack["active_users_30d"], slack["active_users_60d"], slack["active_users_90d"]) == (
        1,
        2,
        3,
    )
    assert slack["seats_purchased"] == 10
    assert slack["seats_assigned"] == 3  # u1, u2, u3; not deprovisioned u4 nor staged u5
    assert slack["utilization_pct"] == Decimal("20.00")
    assert slack["unused_seats"] == 8
    assert slack["cost_per_seat_usd"] == Decimal("105.00")
    assert slack["unused_license_cost_usd"] == Decimal("840.00")


def test_seats_assigned_beyond_those_bought_are_over_allocated_only_where_seats_are_bought(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    utilization = by_name(warehouse, "license_utilization")
    assert utilization["Microsoft Teams"]["over_allocated_seats"] == 1  # 3 assigned, 2 bought
    # Salesforce has an assignment but no contract in force: no seat count to exceed
    assert utilization["Salesforce"]["over_allocated_seats"] == 0
    assert utilization["Salesforce"]["utilization_pct"] is None


def test_application_cost_and_objective_value_are_split_by_contribution_weight(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    links = {
        (row["application_id"], row["objective_id"]): row
        for row in rows(warehouse, "select * from marts.application_objectives")
    }
    salesforce, teams = application_id("salesforce"), application_id("microsoftteams")
    figma = application_id("figma")
    # the mapping to the unknown OBJ9 is dropped
    assert sorted(links) == sorted(
        [(salesforce, "OBJ1"), (salesforce, "OBJ2"), (teams, "OBJ2"), (figma, "OBJ2")]
    )
    assert links[(salesforce, "OBJ1")]["allocated_annual_cost_usd"] == Decimal("375.00")
    assert links[(salesforce, "OBJ2")]["allocated_annual_cost_usd"] == Decimal("125.00")
    salesforce_obj2_value = cents(OBJ2_VALUE * Decimal("0.2"))
    assert links[(salesforce, "OBJ2")]["attributed_annual_value_usd"] == salesforce_obj2_value
    # "MS Teams" (0.1) and "Microsoft Teams" (0.3) state one contribution: the larger weight
    assert links[(teams, "OBJ2")]["contribution_weight"] == Decimal("0.3")


def test_roi_weighs_attributed_value_against_annual_cost(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    roi = by_name(warehouse, "application_roi")
    benefit = Decimal("100000") * Decimal("0.6") + OBJ2_VALUE * Decimal("0.2")
    salesforce = roi["Salesforce"]
    assert salesforce["annual_benefit_usd"] == cents(benefit)
    assert salesforce["net_annual_benefit_usd"] == cents(benefit - SALESFORCE_COST)
    assert salesforce["roi_ratio"] == ((benefit - SALESFORCE_COST) / SALESFORCE_COST).quantize(
        Decimal("0.0001")
    )
    assert salesforce["payback_months"] == cents(SALESFORCE_COST / (benefit / 12))
    # Slack serves no objective; its benefit is the productivity of its 2 active users
    # (collaboration: 12 hours a year each at the default $75 an hour)
    slack_benefit = 2 * 12 * Decimal("75")
    assert roi["Slack"]["annual_benefit_usd"] == cents(slack_benefit)
    assert roi["Slack"]["roi_ratio"] == ((slack_benefit - SLACK_COST) / SLACK_COST).quantize(
        Decimal("0.0001")
    )
    assert roi["Slack"]["payback_months"] == cents(SLACK_COST / (slack_benefit / 12))
    assert roi["Notion Labs Inc."]["roi_ratio"] is None


def test_the_summary_splits_total_spend_into_aligned_and_unaligned(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    summary = one(warehouse, "select * from marts.audit_summary")
    aligned = TEAMS_COST + FIGMA_COST + SALESFORCE_COST
    assert summary["total_annual_spend_usd"] == SLACK_COST + aligned
    assert summary["aligned_annual_spend_usd"] == aligned
    assert summary["unaligned_annual_spend_usd"] == SLACK_COST
    assert summary["unused_license_cost_usd"] == Decimal("840.00") + TEAMS_COST
    assert (
        summary["application_count"],
        summary["sanctioned_application_count"],
        summary["shadow_application_count"],
        summary["active_contract_count"],
    ) == (5, 3, 2, 2)
    assert str(summary["as_of_date"]) == company.AS_OF_DATE


CONTACT_MARTS = ("contracts", "renewals", "objectives", "applications", "source_reconciliation")


def test_owner_contacts_are_published_as_null_when_the_company_withholds_them(
    build: Path, dbt_harness: Any, tmp_path: Path
) -> None:
    withheld = tmp_path / "withheld"
    dbt_harness.warehouse_path(withheld).parent.mkdir(parents=True)
    shutil.copy(dbt_harness.warehouse_path(build), dbt_harness.warehouse_path(withheld))

    result = dbt_harness.run_dbt(
        withheld,
        "run",
        "--select",
        " ".join(CONTACT_MARTS),
        as_of_date=company.AS_OF_DATE,
        variables={"publish_owner_contacts": False},
    )
    assert result.returncode == 0, result.output[-3000:]

    contacts = {
        "contracts": "count(owner_email)",
        "renewals": "count(owner_email)",
        "objectives": "count(owner_name)",
        "applications": "count(owner_email)",
        "source_reconciliation": "count(source_value) filter"
        " (where attribute_name = 'business_owner_email')",
    }
    flags = {
        "renewals": "count(*) filter (where is_owner_missing)",
        "source_reconciliation": "count(*) filter (where is_disputed)",
    }

    def figures(data_dir: Path, expressions: dict[str, str]) -> dict[str, int]:
        with dbt_harness.open_warehouse(data_dir) as con:
            return {
                mart: con.execute(f"select {sql} from marts.{mart}").fetchone()[0]
                for mart, sql in expressions.items()
            }

    published = figures(build, contacts)
    # the hand-audited company names owners on contracts only (objectives by title alone)
    assert all(published[mart] > 0 for mart in ("contracts", "renewals", "applications"))
    assert figures(withheld, contacts) == dict.fromkeys(contacts, 0)
    assert figures(withheld, flags) == figures(build, flags)
