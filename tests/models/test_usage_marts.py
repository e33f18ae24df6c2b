"""The license position marts, built by `dbt build` on usage_company.py, audited by hand.

Every expected figure is worked out in usage_company.py's docstring terms: the default window of
60 days, a 30-day grace for new seats, service accounts by Okta user type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import usage_company as company

USAGE_MARTS = ("license_utilization", "license_sku_utilization")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    """Lands the company's raw tables and runs `dbt build` on them once for the module."""
    data_dir = tmp_path_factory.mktemp("usage_data")
    return dbt_harness.build_company(data_dir, company.RAW_ROWS, company.AS_OF_DATE)


@pytest.fixture(scope="module")
def warehouse(build: Path, dbt_harness: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    with dbt_harness.open_warehouse(build) as connection:
        yield connection


def rows(warehouse: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = warehouse.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def utilization(warehouse: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    return {
        row["application_name"]: row
        for row in rows(warehouse, "select * from marts.license_utilization")
    }


def skus(warehouse: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (row["application_name"], row["sku"]): row
        for row in rows(warehouse, "select * from marts.license_sku_utilization")
    }


def test_every_usage_unit_test_ran_and_passed(build: Path) -> None:
    results = json.loads((build / "dbt_target" / "run_results.json").read_text())["results"]
    usage_models = (
        "int_usage_events_rolled_up",
        "int_usage_events_unioned",
        "int_usage_events_qualified",
        "int_application_user_activity",
        "int_application_active_users_windowed",
        "int_application_seats_classified",
        "license_utilization",
    )
    # unit_test.<project>.<model>.<test>: a model may have several, and each must pass
    statuses: dict[str, list[str]] = {}
    for result in results:
        if result["unique_id"].startswith("unit_test."):
            model = result["unique_id"].split(".")[2]
            statuses.setdefault(model, []).append(result["status"])
    assert set(usage_models) <= set(statuses)
    assert {status for model in usage_models for status in statuses[model]} == {"pass"}
    # the rollup's full build, incremental run and backfill are tested apart
    assert len(statuses["int_usage_events_rolled_up"]) == 3


def test_users_active_through_okta_entra_and_google_all_count(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    zoom = utilization(warehouse)["Zoom"]
    # Ann (Okta, yesterday) and Bob (Entra, 21 days ago) in 30 days; Eve (Google, 46 days) in 60
    # The service account's daily sign-ins are nobody's use
    assert (zoom["active_users_30d"], zoom["active_users_60d"], zoom["active_users_90d"]) == (
        2,
        3,
        3,
    )
    assert (zoom["activity_window_days"], zoom["active_users"]) == (60, 3)
    # Ann and Cat through Entra (Bob's sign-in failed); Ann's Google login (Bob's failed)
    assert utilization(warehouse)["Microsoft 365"]["active_users"] == 2
    assert utilization(warehouse)["Google Workspace"]["active_users"] == 1


def test_exempt_seats_are_neither_idle_nor_unused(warehouse: duckdb.DuckDBPyConnection) -> None:
    zoom = utilization(warehouse)["Zoom"]
    # the service account and the seat provisioned 6 days ago are exempt; Dan never signed in
    assert zoom["seats_assigned"] == 6
    assert zoom["exempt_seats"] == 2
    assert zoom["never_active_assigned_users"] == 1
    assert zoom["inactive_assigned_seats"] == 1
    # 5 seats - 3 active users - 2 exempt seats
    assert zoom["unused_seats"] == 0
    assert zoom["unused_license_cost_usd"] == Decimal("0.00")


def test_unused_cost_is_priced_per_seat_for_each_window(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    position = utilization(warehouse)
    zoom = position["Zoom"]
    # 720 for 5 seats is 144 a seat; over 30 days only Ann and Bob are active: 5 - 2 - 2 = 1
    assert zoom["cost_per_seat_usd"] == Decimal("144.00")
    assert (
        zoom["unused_license_cost_30d_usd"],
        zoom["unused_license_cost_60d_usd"],
        zoom["unused_license_cost_90d_usd"],
    ) == (Decimal("144.00"), Decimal("0.00"), Decimal("0.00"))
    assert zoom["cost_per_active_user_usd"] == Decimal("240.00")
    assert zoom["utilization_pct"] == Decimal("60.00")
    microsoft = position["Microsoft 365"]
    assert microsoft["annual_license_cost_usd"] == Decimal("720.00")  # 3 x 20 x 12
    assert (microsoft["unused_seats"], microsoft["unused_license_cost_usd"]) == (
        1,
        Decimal("240.00"),
    )


def test_assignments_beyond_ninety_percent_of_seats_flag_a_compliance_risk(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    position = utilization(warehouse)
    zoom = position["Zoom"]
    assert (zoom["over_allocated_seats"], zoom["is_over_allocation_risk"]) == (1, True)
    assert zoom["unassigned_seats"] == 0
    # nobody is assigned Microsoft 365 in Okta: 3 seats bought, none handed out
    microsoft = position["Microsoft 365"]
    assert (microsoft["unassigned_seats"], microsoft["is_over_allocation_risk"]) == (3, False)


def test_skus_without_per_user_licenses_share_active_users_by_seats(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    by_sku = skus(warehouse)
    pro, business = by_sku[("Zoom", "PRO")], by_sku[("Zoom", "BUSINESS")]
    # 3 active users over 4 + 1 seats: 2.4 and 0.6, whole users by largest remainder
    assert (pro["active_users"], business["active_users"]) == (2, 1)
    assert {pro["active_user_attribution"], business["active_user_attribution"]} == {"seat_share"}
    assert (pro["unused_seats"], pro["unused_license_cost_usd"]) == (2, Decimal("240.00"))
    assert business["unused_license_cost_usd"] == Decimal("0.00")


def test_an_entra_license_counts_its_active_holders_and_its_consumed_units(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    e3 = skus(warehouse)[("Microsoft 365", "SPE_E3")]
    # Ann holds E3 and is active; Bob holds it but only failed; Cat is active without a license
    assert e3["active_user_attribution"] == "assigned_licenses"
    assert (e3["seats_purchased_source"], e3["seats_purchased"]) == ("contracts", 3)
    assert (e3["seats_assigned"], e3["active_users"], e3["unused_seats"]) == (2, 1, 2)
    assert e3["unused_license_cost_usd"] == Decimal("480.00")


@pytest.mark.parametrize("mart", USAGE_MARTS)
def test_usage_marts_publish_no_user_email(warehouse: duckdb.DuckDBPyConnection, mart: str) -> None:
    emails = {row["profile_email"].lower() for row in company.OKTA_USERS}
    values = {
        str(value).lower()
        for row in rows(warehouse, f"select * from marts.{mart}")
        for value in row.values()
    }
    assert values.isdisjoint(emails)
    assert not any("@" in value for value in values)
