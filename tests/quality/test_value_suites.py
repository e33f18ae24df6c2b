"""The value suites pass on sound marts and stop the corruptions they target."""

from __future__ import annotations

import duckdb
import pytest

from data_quality.runner import validate_table
from data_quality.suites import SUITES

SOUND_VALUE_MARTS = {
    "objective_roi": """
        select objective_id, name as objective_name, apps::integer as application_count,
               weight::decimal(9, 4) as total_contribution_weight,
               value::decimal(18, 2) as annual_value_usd,
               attributed::decimal(18, 2) as attributed_annual_value_usd,
               cost::decimal(18, 2) as allocated_annual_cost_usd,
               (attributed - cost)::decimal(18, 2) as net_annual_benefit_usd,
               payback::decimal(18, 2) as payback_months
        from (values
            ('obj_1', 'Grow revenue', 2, 1.0, 1000.00, 1000.01, 100.00, 1.20),
            ('obj_2', 'Cut costs', 0, 0.0, 500.00, 0.00, 0.00, null)
        ) as t(objective_id, name, apps, weight, value, attributed, cost, payback)
    """,
    "application_health": """
        select application_id, responses::integer as response_count,
               users::integer as known_user_count,
               known::integer as known_respondent_count,
               rate::decimal(9, 2) as response_rate_pct, mean::decimal(9, 2) as satisfaction_mean,
               active::integer as active_response_count,
               (responses - active)::integer as inactive_response_count,
               ((mean - 1) * 25)::decimal(9, 2) as satisfaction_score,
               health::decimal(9, 2) as health_score
        from (values
            ('app_a', 4, 10, 3, 30.00, 4.25, 2, 79.69),
            ('app_b', 0, 0, 0, null, null, 0, null)
        ) as t(application_id, responses, users, known, rate, mean, active, health)
    """,
    "rationalization": """
        select application_id, disposition as time_disposition,
               'scores and thresholds' as disposition_reason,
               cost::decimal(18, 2) as annual_cost_usd, value::decimal(9, 2) as value_score,
               adoption::decimal(9, 2) as adoption_score,
               functional::decimal(9, 2) as functional_fit_score,
               satisfaction::decimal(9, 2) as satisfaction_score,
               life_cycle::decimal(9, 2) as life_cycle_score,
               technical::decimal(9, 2) as technical_fit_score
        from (values
            ('app_a', 'Invest', 100.00, 100.00, 80.00, 90.00, 75.00, 100.00, 87.50),
            ('app_b', 'Eliminate', 900.50, 0.00, null, 0.00, null, null, 50.00)
        ) as t(application_id, disposition, cost, value, adoption, functional, satisfaction,
               life_cycle, technical)
    """,
    "redundancy_groups": """
        select category as redundancy_group_id, kept as kept_application_id,
               apps::integer as application_count, active::integer as active_user_count,
               multi::integer as multi_application_user_count,
               migrating::integer as users_to_migrate_count, seats::integer as seats_to_add,
               cost::decimal(18, 2) as annual_cost_usd,
               removed::decimal(18, 2) as removed_annual_cost_usd,
               added::decimal(18, 2) as added_seat_cost_usd,
               (removed - added)::decimal(18, 2) as consolidation_annual_saving_usd
        from (values
            ('Collaboration', 'app_a', 2, 100, 30, 10, 4, 13000.00, 1000.00, 480.00),
            ('Design', 'app_c', 3, 0, 0, 0, 0, 300.00, 0.00, 0.00)
        ) as t(category, kept, apps, active, multi, migrating, seats, cost, removed, added)
    """,
    "renewals": """
        select contract_id, application_id, state as renewal_state,
               end_date::date as end_date, deadline::date as notice_deadline_date,
               owner is null as is_owner_missing, seats::integer as seats,
               recommended::integer as recommended_seats, cut::integer as seat_reduction,
               cost::decimal(18, 2) as annual_cost_usd,
               saving::decimal(18, 2) as right_size_annual_saving_usd
        from (values
            ('K1', 'app_a', 'renewal_due', '2027-01-31', '2027-01-01', 'it@example.com', 100,
             42, 58, 12000.00, 6960.00),
            ('K2', 'app_b', 'overdue', '2026-11-15', '2026-10-16', null, 10, null, 0, 1000.00,
             0.00)
        ) as t(contract_id, application_id, state, end_date, deadline, owner, seats,
               recommended, cut, cost, saving)
    """,
}


@pytest.fixture
def marts(warehouse) -> duckdb.DuckDBPyConnection:
    for table, select in SOUND_VALUE_MARTS.items():
        warehouse.execute(f"create table marts.{table} as {select}")
    return warehouse


def blocked(marts: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        c.name for c in validate_table(marts, f"marts.{table}", SUITES[table]).blocking_failures
    }


def test_every_value_mart_is_published_with_a_suite() -> None:
    assert set(SOUND_VALUE_MARTS) | {"application_roi"} <= set(SUITES)


@pytest.mark.parametrize("mart", sorted(SOUND_VALUE_MARTS))
def test_sound_value_marts_pass_every_check_of_their_suite(marts, mart: str) -> None:
    result = validate_table(marts, f"marts.{mart}", SUITES[mart])

    assert result.failures == [], result.summary()


def test_a_disposition_outside_time_is_blocked(marts) -> None:
    marts.execute("update marts.rationalization set time_disposition = 'Retire'")

    assert blocked(marts, "rationalization") == {"time_disposition_in_set"}


def test_a_renewal_state_outside_the_three_and_a_saving_above_cost_are_blocked(marts) -> None:
    marts.execute("update marts.renewals set renewal_state = 'late' where contract_id = 'K2'")
    marts.execute(
        "update marts.renewals set right_size_annual_saving_usd = 13000 where contract_id = 'K1'"
    )

    assert blocked(marts, "renewals") == {"renewal_state_in_set", "saving_within_contract_cost"}


def test_a_consolidation_saving_that_does_not_follow_from_its_costs_is_blocked(marts) -> None:
    marts.execute("update marts.redundancy_groups set consolidation_annual_saving_usd = 1000")

    assert blocked(marts, "redundancy_groups") == {"saving_is_removed_minus_added"}


def test_more_respondents_than_users_is_blocked(marts) -> None:
    marts.execute("update marts.application_health set known_user_count = 2")

    assert blocked(marts, "application_health") == {"respondents_within_users"}


def test_an_objective_credited_beyond_its_value_is_blocked(marts) -> None:
    marts.execute(
        "update marts.objective_roi set attributed_annual_value_usd = 1000.02,"
        " net_annual_benefit_usd = 900.02 where objective_id = 'obj_1'"
    )

    assert blocked(marts, "objective_roi") == {"attributed_value_within_the_objective_value"}
