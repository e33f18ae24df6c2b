"""The shipped suites: they build, they pass on sound marts and stop the corruptions they target."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from data_quality.checks import load_gx
from data_quality.runner import validate_table
from data_quality.suites import SUITES

# Three applications, two objectives: the smallest marts where every check has something to read.
SOUND_MARTS = {
    "applications": """
        select * from (values
            ('app_a', 'Slack', 'Collaboration', 'slack', true, true, true, true, 6, true, true,
             'it@example.com', 12000.00, true, true, false, false,
             'contracts, google, graph, okta, spend, survey', 'match_key', 'match_key'),
            ('app_b', 'Figma', null, 'figma', false, false, true, false, 1, false, false,
             null, 900.50, false, false, false, false, 'spend', 'exact', 'exact'),
            ('app_c', 'Notion', 'Docs', 'notion', false, false, false, false, 0, false, true,
             null, 0.00, false, false, false, false, null, 'override', 'exact, override')
        ) as t(application_id, application_name, category, match_key, seen_in_okta,
               seen_in_contracts, seen_in_spend, seen_in_survey, source_count, is_sanctioned,
               is_aligned, owner_email, annual_cost_usd, seen_in_graph, seen_in_google,
               seen_in_servicenow, seen_in_snipeit, source_systems, match_rule, match_rules)
    """,
    "license_utilization": """
        select application_id, application_name, date '2026-10-31' as as_of_date,
               seats_purchased::integer as seats_purchased, seats_assigned::integer as
               seats_assigned, a30::integer as active_users_30d, a60::integer as
               active_users_60d, a90::integer as active_users_90d, a60::integer as active_users,
               unused::integer as unused_seats, over::integer as over_allocated_seats,
               pct::decimal(9, 2) as utilization_pct, cost::decimal(18, 2) as
               annual_license_cost_usd, per_seat::decimal(18, 2) as cost_per_seat_usd,
               unused_cost::decimal(18, 2) as unused_license_cost_usd,
               60 as activity_window_days, exempt::integer as exempt_seats,
               never::integer as never_active_assigned_users,
               inactive::integer as inactive_assigned_seats,
               greatest(seats_purchased - seats_assigned, 0)::integer as unassigned_seats,
               seats_assigned > 0.9 * seats_purchased and seats_purchased > 0
                   as is_over_allocation_risk,
               (cost / nullif(a60, 0))::decimal(18, 2) as cost_per_active_user_usd,
               (unused_cost + 120)::decimal(18, 2) as unused_license_cost_30d_usd,
               unused_cost::decimal(18, 2) as unused_license_cost_60d_usd,
               unused_cost::decimal(18, 2) as unused_license_cost_90d_usd
        from (values
            ('app_a', 'Slack', 100, 90, 70, 80, 85, 20, 0, 80.00, 12000.00, 120.00, 2400.00,
             2, 3, 8),
            ('app_b', 'Figma', 2, 5, 4, 6, 6, 0, 3, 300.00, 900.50, 450.25, 0.00, 0, 0, 0),
            ('app_c', 'Notion', 0, 0, 0, 0, 0, 0, 0, null, 0.00, null, 0.00, 0, 0, 0)
        ) as t(application_id, application_name, seats_purchased, seats_assigned, a30, a60, a90,
               unused, over, pct, cost, per_seat, unused_cost, exempt, never, inactive)
    """,
    "objectives": """
        select objective_id, objective_name, owner_title, value_type, business_mode, kpi,
               horizon_quarters::integer as horizon_quarters,
               annual_value_usd::decimal(18, 2) as annual_value_usd,
               application_count::integer as application_count,
               allocated::decimal(18, 2) as allocated_annual_cost_usd,
               share::decimal(9, 2) as spend_share_pct
        from (values
            ('obj_1', 'Grow revenue', 'CRO', 'top_line', 'grow', 'ARR', 4, 1000000.00, 2, 6000.00,
             46.51),
            ('obj_2', 'Cut costs', 'CFO', 'bottom_line', 'run', 'Opex', 8, 250000.00, 1, 6000.00,
             46.51)
        ) as t(objective_id, objective_name, owner_title, value_type, business_mode, kpi,
               horizon_quarters, annual_value_usd, application_count, allocated, share)
    """,
    "application_objectives": """
        select application_id, objective_id, owner_title, value_type, business_mode,
               contribution_weight::decimal(5, 4) as contribution_weight,
               attributed::decimal(18, 2) as attributed_annual_value_usd,
               allocated::decimal(18, 2) as allocated_annual_cost_usd
        from (values
            ('app_a', 'obj_1', 'CRO', 'top_line', 'grow', 0.6, 600000.00, 6000.00),
            ('app_a', 'obj_2', 'CFO', 'bottom_line', 'run', 0.6, 150000.00, 6000.00),
            ('app_c', 'obj_1', 'CRO', 'top_line', 'grow', 0.4, 400000.00, 0.00)
        ) as t(application_id, objective_id, owner_title, value_type, business_mode,
               contribution_weight, attributed, allocated)
    """,
    "application_roi": """
        select application_id, application_name, cost::decimal(18, 2) as annual_cost_usd,
               benefit::decimal(18, 2) as annual_benefit_usd,
               (benefit - cost)::decimal(18, 2) as net_annual_benefit_usd,
               payback::decimal(18, 2) as payback_months,
               license::decimal(18, 2) as license_annual_cost_usd,
               (cost - license)::decimal(18, 2) as other_annual_cost_usd,
               objective::decimal(18, 2) as objective_benefit_usd,
               (benefit - objective)::decimal(18, 2) as productivity_benefit_usd,
               users::integer as active_users,
               low::decimal(18, 2) as annual_benefit_low_usd,
               high::decimal(18, 2) as annual_benefit_high_usd,
               usage as has_usage_data, contract as has_contract, mapped as has_objective_mapping,
               grade as confidence_grade
        from (values
            ('app_a', 'Slack', 12000.00, 750000.00, 0.19, 12000.00, 740000.00, 10, 375000.00,
             940000.00, true, true, true, 'A'),
            ('app_b', 'Figma', 900.50, 0.00, null, 0.00, 0.00, 0, 0.00, 0.00, false, false,
             false, 'D'),
            ('app_c', 'Notion', 0.00, 400000.00, 0.00, 0.00, 400000.00, 0, 200000.00, 500000.00,
             false, false, true, 'C')
        ) as t(application_id, application_name, cost, benefit, payback, license, objective,
               users, low, high, usage, contract, mapped, grade)
    """,
    "audit_summary": """
        select date '2026-10-31' as as_of_date, 3 as application_count,
               1 as sanctioned_application_count, 2 as shadow_application_count,
               2 as active_contract_count, 12900.50::decimal(18, 2) as total_annual_spend_usd,
               12000.00::decimal(18, 2) as aligned_annual_spend_usd,
               900.50::decimal(18, 2) as unaligned_annual_spend_usd,
               2400.00::decimal(18, 2) as unused_license_cost_usd,
               80.00::decimal(9, 2) as aligned_spend_pct,
               12000.00::decimal(18, 2) as license_annual_cost_usd,
               900.51::decimal(18, 2) as other_annual_cost_usd,
               40 as seats_purchased, 7 as inactive_assigned_seats,
               2600.00::decimal(18, 2) as unused_license_cost_30d_usd,
               2200.00::decimal(18, 2) as unused_license_cost_90d_usd,
               0 as over_allocation_risk_application_count,
               900.50::decimal(18, 2) as shadow_it_spend_usd, 1 as disputed_fact_count,
               1 as invest_application_count, 1 as tolerate_application_count,
               0 as migrate_application_count, 1 as eliminate_application_count,
               0.00::decimal(18, 2) as consolidation_annual_saving_usd,
               1 as renewal_due_count, 0 as renewal_overdue_count,
               300.00::decimal(18, 2) as right_size_annual_saving_usd
    """,
}


@pytest.fixture
def marts(warehouse) -> duckdb.DuckDBPyConnection:
    for table, select in SOUND_MARTS.items():
        warehouse.execute(f"create table marts.{table} as {select}")
    return warehouse


def test_every_shipped_check_builds_a_great_expectations_expectation() -> None:
    expectation_class = load_gx().expectations.Expectation

    for suite in SUITES.values():
        for check in suite.checks:
            assert isinstance(check.expectation(), expectation_class), check.name
            assert check.why.endswith("."), check.name


def test_declaring_suites_imports_neither_great_expectations_nor_dagster() -> None:
    code = (
        "import sys, data_quality.suites, data_quality.runner, data_quality.fingerprint;"
        "print(sorted(m for m in ('great_expectations', 'dagster') if m in sys.modules))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert imported.stdout.strip() == "[]"


@pytest.mark.parametrize("mart", sorted(SOUND_MARTS))
def test_sound_marts_pass_every_check_of_their_suite(marts, mart: str) -> None:
    result = validate_table(marts, f"marts.{mart}", SUITES[mart])

    assert result.failures == [], result.summary()
    assert result.success


def test_a_contract_with_negative_seats_stops_license_utilization(marts) -> None:
    marts.execute(
        "update marts.license_utilization set seats_purchased = -5 where application_id = 'app_b'"
    )

    result = validate_table(marts, "marts.license_utilization", SUITES["license_utilization"])

    assert not result.success
    assert "seats_purchased_non_negative" in {c.name for c in result.blocking_failures}
    assert "marts.license_utilization [BLOCKING] seats_purchased_non_negative" in result.summary()


def test_objectives_over_attributed_are_named_by_objective(marts) -> None:
    marts.execute(
        "update marts.application_objectives set contribution_weight = 0.7"
        " where application_id = 'app_c'"
    )

    result = validate_table(marts, "marts.application_objectives", SUITES["application_objectives"])

    failed = [c for c in result.failures]
    assert [c.name for c in failed] == ["weights_per_objective_at_most_one"]
    assert failed[0].unexpected_rows == [
        {"total_contribution_weight": pytest.approx(1.3), "objective_id": "obj_1"}
    ]


def test_a_summary_that_does_not_reconcile_is_blocked(marts) -> None:
    marts.execute("update marts.audit_summary set unaligned_annual_spend_usd = 900.52")
    marts.execute("insert into marts.audit_summary select * from marts.audit_summary")

    result = validate_table(marts, "marts.audit_summary", SUITES["audit_summary"])

    assert {c.name for c in result.blocking_failures} == {
        "exactly_one_row",
        "aligned_and_unaligned_spend_reconcile",
    }
    assert next(c for c in result.checks if c.name == "exactly_one_row").unexpected_sample == [2]


def test_a_summary_losing_a_disposition_or_a_cost_component_is_blocked(marts) -> None:
    marts.execute("update marts.audit_summary set eliminate_application_count = 0")
    marts.execute("update marts.audit_summary set other_annual_cost_usd = 0")

    result = validate_table(marts, "marts.audit_summary", SUITES["audit_summary"])

    assert {c.name for c in result.blocking_failures} == {
        "dispositions_cover_every_application",
        "cost_components_add_up_to_total_spend",
    }
