"""The catalogue's suites for source_reconciliation and shadow_it: sound marts pass, and the
corruptions each check targets are stopped (or only warned about, for plausibility checks)."""

from __future__ import annotations

import duckdb
import pytest

from data_quality.runner import validate_table
from data_quality.suites import SUITES

# Slack's seats disputed by ServiceNow, its owner agreed; the smallest marts every check reads.
SOUND_MARTS = {
    "source_reconciliation": """
        select application_id, attribute_name, source_system, application_name, source_value,
               reference_source, reference_value, is_reference, is_in_agreement, is_disputed,
               reporting_source_count::integer as reporting_source_count,
               source_seats::integer as source_seats, reference_seats::integer as reference_seats,
               seat_difference::integer as seat_difference
        from (values
            ('app_a', 'seats_purchased', 'contracts', 'Slack', '10', 'contracts', '10', true,
             true, true, 3, 10, 10, 0),
            ('app_a', 'seats_purchased', 'servicenow', 'Slack', '12', 'contracts', '10', false,
             false, true, 3, 12, 10, 2),
            ('app_a', 'seats_purchased', 'snipeit', 'Slack', '10', 'contracts', '10', false,
             true, true, 3, 10, 10, 0),
            ('app_a', 'business_owner_email', 'contracts', 'Slack', 'ann@example.com',
             'contracts', 'ann@example.com', true, true, false, 2, null, null, null),
            ('app_a', 'business_owner_email', 'servicenow', 'Slack', 'ann@example.com',
             'contracts', 'ann@example.com', false, true, false, 2, null, null, null)
        ) as t(application_id, attribute_name, source_system, application_name, source_value,
               reference_source, reference_value, is_reference, is_in_agreement, is_disputed,
               reporting_source_count, source_seats, reference_seats, seat_difference)
    """,
    "shadow_it": """
        select application_id, application_name, source_systems, has_card_spend,
               has_recent_evidence, source_count::integer as source_count,
               lines::integer as lookback_spend_line_count,
               oauth::integer as oauth_user_count, entra::integer as entra_sign_in_user_count,
               survey::integer as survey_respondent_count,
               spend::decimal(18, 2) as lookback_spend_usd,
               card::decimal(18, 2) as lookback_card_spend_usd,
               first_seen::date as first_seen_date, last_seen::date as last_seen_date
        from (values
            ('app_b', 'Figma', 'google, spend', true, true, 2, 3, 4, 0, 0, 130.00, 130.00,
             '2025-11-02', '2026-10-20'),
            ('app_d', 'Whereby', 'graph', false, false, 1, 0, 0, 0, 0, 0.00, 0.00, null, null)
        ) as t(application_id, application_name, source_systems, has_card_spend,
               has_recent_evidence, source_count, lines, oauth, entra, survey, spend, card,
               first_seen, last_seen)
    """,
}


@pytest.fixture
def marts(warehouse) -> duckdb.DuckDBPyConnection:
    for table, select in SOUND_MARTS.items():
        warehouse.execute(f"create table marts.{table} as {select}")
    return warehouse


def validate(marts: duckdb.DuckDBPyConnection, table: str):
    return validate_table(marts, f"marts.{table}", SUITES[table])


@pytest.mark.parametrize("mart", sorted(SOUND_MARTS))
def test_sound_catalogue_marts_pass_every_check_of_their_suite(marts, mart: str) -> None:
    result = validate(marts, mart)

    assert result.failures == [], result.summary()


def test_a_seat_difference_that_is_not_source_minus_reference_is_blocked(marts) -> None:
    marts.execute(
        "update marts.source_reconciliation set seat_difference = -2"
        " where source_system = 'servicenow' and attribute_name = 'seats_purchased'"
    )

    result = validate(marts, "source_reconciliation")

    assert [c.name for c in result.blocking_failures] == ["seat_difference_reconciles"]


def test_a_disputed_fact_flagged_undisputed_on_one_row_is_blocked(marts) -> None:
    marts.execute(
        "update marts.source_reconciliation set is_disputed = false where source_system = 'snipeit'"
    )

    result = validate(marts, "source_reconciliation")

    assert [c.name for c in result.blocking_failures] == ["disputed_flag_matches_agreement"]


def test_a_fact_with_two_references_is_blocked(marts) -> None:
    marts.execute(
        "update marts.source_reconciliation set is_reference = true where source_system = 'snipeit'"
    )

    result = validate(marts, "source_reconciliation")

    assert [c.name for c in result.blocking_failures] == ["one_reference_per_fact"]


def test_a_free_sku_counted_as_seats_only_warns(marts) -> None:
    marts.execute(
        "update marts.source_reconciliation set source_seats = 1000000, seat_difference = 999990"
        " where source_system = 'snipeit' and attribute_name = 'seats_purchased'"
    )

    result = validate(marts, "source_reconciliation")

    assert result.success
    assert [c.name for c in result.failures] == ["source_seats_plausible"]


def test_a_shadow_application_seen_by_no_source_is_blocked(marts) -> None:
    marts.execute("update marts.shadow_it set source_count = 0 where application_id = 'app_d'")

    result = validate(marts, "shadow_it")

    assert [c.name for c in result.blocking_failures] == ["source_count_in_range"]


def test_recent_evidence_without_a_last_seen_date_is_blocked(marts) -> None:
    marts.execute(
        "update marts.shadow_it set has_recent_evidence = true where application_id = 'app_d'"
    )

    result = validate(marts, "shadow_it")

    assert [c.name for c in result.blocking_failures] == ["recent_evidence_is_dated"]


def test_applications_whose_source_list_disagrees_with_the_flags_are_blocked(warehouse) -> None:
    warehouse.execute(
        "create table marts.applications as select 'app_a' as application_id, 'Slack' as "
        "application_name, null::varchar as category, 'slack' as match_key, true as seen_in_okta, "
        "false as seen_in_graph, false as seen_in_google, false as seen_in_servicenow, "
        "false as seen_in_snipeit, true as seen_in_contracts, false as seen_in_spend, "
        "false as seen_in_survey, 2 as source_count, 'okta' as source_systems, "
        "true as is_sanctioned, false as is_aligned, null::varchar as owner_email, "
        "0.00::decimal(18, 2) as annual_cost_usd, 'exact' as match_rule, 'exact' as match_rules"
    )

    result = validate(warehouse, "applications")

    assert [c.name for c in result.blocking_failures] == ["source_systems_match_flags"]
