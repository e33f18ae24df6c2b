"""The usage suites stop the corruptions of the license position they target, per SKU too."""

from __future__ import annotations

import duckdb
import pytest

from data_quality.runner import validate_table
from data_quality.suites import SUITES

SOUND_SKU_MART = """
    select application_id, sku, application_name, source as seats_purchased_source,
           attribution as active_user_attribution, date '2026-10-31' as as_of_date,
           purchased::integer as seats_purchased, assigned::integer as seats_assigned,
           active::integer as active_users, pct::decimal(9, 2) as utilization_pct,
           unused::integer as unused_seats, cost::decimal(18, 2) as annual_license_cost_usd,
           per_seat::decimal(18, 2) as cost_per_seat_usd,
           unused_cost::decimal(18, 2) as unused_license_cost_usd
    from (values
        ('app_a', 'BUSINESS', 'Slack', 'contracts', 'seat_share', 80, null, 60, 75.00, 20,
         9600.00, 120.00, 2400.00),
        ('app_a', 'ENTERPRISE', 'Slack', 'contracts', 'seat_share', 20, null, 25, 125.00, 0,
         4000.00, 200.00, 0.00),
        ('app_m', 'SPE_E3', 'Microsoft 365', 'entra', 'assigned_licenses', 50, 48, 40, 80.00, 10,
         0.00, null, 0.00)
    ) as t(application_id, sku, application_name, source, attribution, purchased, assigned,
           active, pct, unused, cost, per_seat, unused_cost)
"""


@pytest.fixture
def sku_mart(warehouse: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    warehouse.execute(f"create table marts.license_sku_utilization as {SOUND_SKU_MART}")
    return warehouse


def validate(connection: duckdb.DuckDBPyConnection, table: str):
    return validate_table(connection, f"marts.{table}", SUITES[table])


def test_a_sound_sku_mart_passes_every_check(sku_mart) -> None:
    result = validate(sku_mart, "license_sku_utilization")

    assert result.failures == [], result.summary()


def test_a_license_listed_twice_for_one_application_is_blocked(sku_mart) -> None:
    sku_mart.execute(
        "insert into marts.license_sku_utilization "
        "select * from marts.license_sku_utilization where sku = 'SPE_E3'"
    )

    result = validate(sku_mart, "license_sku_utilization")

    assert {c.name for c in result.blocking_failures} == {"application_id_sku_unique"}


def test_an_unknown_attribution_method_is_blocked(sku_mart) -> None:
    sku_mart.execute(
        "update marts.license_sku_utilization set active_user_attribution = 'guess'"
        " where sku = 'BUSINESS'"
    )

    result = validate(sku_mart, "license_sku_utilization")

    assert {c.name for c in result.blocking_failures} == {"active_user_attribution_in_set"}


def test_utilisation_past_the_ceiling_only_warns(sku_mart) -> None:
    sku_mart.execute(
        "update marts.license_sku_utilization set utilization_pct = 1500 where sku = 'ENTERPRISE'"
    )

    result = validate(sku_mart, "license_sku_utilization")

    assert result.success
    assert [c.name for c in result.failures] == ["utilization_pct_plausible"]


def test_license_utilization_blocks_a_longer_window_leaving_more_unused_cost(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute(
        """
        create table marts.license_utilization as
        select 'app_a' as application_id, 'Slack' as application_name,
               date '2026-10-31' as as_of_date, 10 as seats_purchased, 10 as seats_assigned,
               2 as active_users_30d, 3 as active_users_60d, 4 as active_users_90d,
               3 as active_users, 30.00::decimal(9, 2) as utilization_pct, 6 as unused_seats,
               1000.00::decimal(18, 2) as annual_license_cost_usd,
               100.00::decimal(18, 2) as cost_per_seat_usd,
               600.00::decimal(18, 2) as unused_license_cost_usd, 0 as over_allocated_seats,
               60 as activity_window_days, 1 as exempt_seats, 2 as never_active_assigned_users,
               5 as inactive_assigned_seats, 0 as unassigned_seats,
               true as is_over_allocation_risk,
               333.33::decimal(18, 2) as cost_per_active_user_usd,
               700.00::decimal(18, 2) as unused_license_cost_30d_usd,
               600.00::decimal(18, 2) as unused_license_cost_60d_usd,
               650.00::decimal(18, 2) as unused_license_cost_90d_usd
        """
    )

    result = validate(warehouse, "license_utilization")

    assert {c.name for c in result.blocking_failures} == {"unused_cost_60d_at_least_90d"}
