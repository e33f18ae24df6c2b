"""The finance suites: they pass sound marts and stop the corruptions that would misstate spend."""

from __future__ import annotations

import duckdb
import pytest

from data_quality.runner import validate_table
from data_quality.suites import SUITES

# Two applications costing 1000.00 in all: 600.01 split over two CFO budgets, 399.99 unaligned.
SOUND_MARTS = {
    "applications": """
        select application_id, cost::decimal(18, 2) as annual_cost_usd
        from (values ('app_erp', 600.01), ('app_wiki', 399.99)) as t(application_id, cost)
    """,
    "portfolio_matrix": """
        select quadrant, owner_title, quadrant_name, value_type, business_mode,
               objective_count::integer as objective_count,
               application_count::integer as application_count,
               value::decimal(18, 2) as objective_annual_value_usd,
               attributed::decimal(18, 2) as attributed_annual_value_usd,
               cost::decimal(18, 2) as allocated_annual_cost_usd,
               share::decimal(9, 2) as spend_share_pct
        from (values
            ('bottom_line_run', 'CFO', 'Cost, run', 'bottom_line', 'run', 1, 1, 5000.00,
             2500.00, 400.01, 40.00),
            ('bottom_line_grow', 'CFO', 'Cost, grow', 'bottom_line', 'grow', 1, 1, 1000.00,
             100.00, 200.00, 20.00),
            ('top_line_run', 'CFO', 'Value, run', 'top_line', 'run', 0, 0, 0.00, 0.00, 0.00,
             0.00),
            ('top_line_grow', 'CFO', 'Value, grow', 'top_line', 'grow', 0, 0, 0.00, 0.00, 0.00,
             0.00),
            ('unaligned', null, 'Serving no objective', null, null, 0, 1, 0.00, 0.00, 399.99,
             40.00)
        ) as t(quadrant, owner_title, quadrant_name, value_type, business_mode,
               objective_count, application_count, value, attributed, cost, share)
    """,
    "executive_alignment": """
        select 'CFO' as owner_title, 2 as objective_count,
               6000.00::decimal(18, 2) as objective_annual_value_usd,
               2600.00::decimal(18, 2) as attributed_annual_value_usd,
               600.01::decimal(18, 2) as aligned_annual_cost_usd,
               60.00::decimal(9, 2) as aligned_spend_pct,
               1000.00::decimal(18, 2) as company_annual_spend_usd,
               600.01::decimal(18, 2) as company_aligned_annual_spend_usd,
               60.00::decimal(9, 2) as company_aligned_spend_pct
    """,
    "contracts": """
        select contract_id, application_id, currency, billing_period,
               seats::integer as seats, price::decimal(18, 4) as unit_price,
               start_date::date as start_date, end_date::date as end_date, is_active,
               cost::decimal(18, 2) as annual_cost_usd,
               lines::integer as spend_line_count, has_spend
        from (values
            ('C1', 'app_erp', 'EUR', 'annual', 10, 60.0010, '2026-01-01', '2026-12-31', true,
             600.01, 1, true),
            ('C0', 'app_erp', 'EUR', 'monthly', 5, 5.0000, '2025-01-01', '2025-12-31', false,
             300.00, 0, false)
        ) as t(contract_id, application_id, currency, billing_period, seats, price,
               start_date, end_date, is_active, cost, lines, has_spend)
    """,
    "spend": """
        select spend_line_id, invoice_id, application_id, invoice_date::date as invoice_date,
               date_trunc('month', invoice_date::date)::date as billing_period_start,
               (date_trunc('month', invoice_date::date) + interval 1 month)::date
                   as billing_period_end,
               charge_start::date as charge_period_start, charge_end::date as charge_period_end,
               charge_category, charge_frequency, cost_type, 'Acme' as provider_name,
               'Acme' as publisher_name, 'Acme' as invoice_issuer_name, 'ERP' as service_name,
               'Business Applications' as service_category,
               billed::decimal(18, 2) as billed_cost, 'EUR' as billing_currency,
               usd::decimal(18, 2) as billed_cost_usd, has_contract, is_in_lookback
        from (values
            ('AP-1', 'INV-1', 'app_erp', '2026-01-01', '2026-01-01', '2027-01-01', 'Purchase',
             'Recurring', 'license', 600.00, 690.00, true, true),
            ('AP-2', 'CN-1', 'app_erp', '2026-02-10', '2026-01-01', '2027-01-01', 'Credit',
             'Recurring', 'license', -50.00, -57.50, true, true),
            ('AP-3', null, 'app_erp', '2026-03-05', '2026-03-01', '2026-04-01', 'Purchase',
             'One-Time', 'other', 20.00, 23.00, false, true)
        ) as t(spend_line_id, invoice_id, application_id, invoice_date, charge_start,
               charge_end, charge_category, charge_frequency, cost_type, billed, usd,
               has_contract, is_in_lookback)
    """,
}
FINANCE_MARTS = ("portfolio_matrix", "executive_alignment", "contracts", "spend")


@pytest.fixture
def marts(warehouse) -> duckdb.DuckDBPyConnection:
    for table, select in SOUND_MARTS.items():
        warehouse.execute(f"create table marts.{table} as {select}")
    return warehouse


def failed_checks(marts: duckdb.DuckDBPyConnection, mart: str) -> dict[str, bool]:
    """The failed checks of the mart's suite, each with whether it blocks publication."""
    result = validate_table(marts, f"marts.{mart}", SUITES[mart])
    return {check.name: check.blocking for check in result.failures}


def test_the_new_finance_marts_are_published() -> None:
    assert set(FINANCE_MARTS) <= set(SUITES)


@pytest.mark.parametrize("mart", FINANCE_MARTS)
def test_sound_finance_marts_pass_every_check_of_their_suite(marts, mart: str) -> None:
    assert failed_checks(marts, mart) == {}


def test_a_matrix_one_cent_off_total_spend_is_blocked(marts) -> None:
    marts.execute(
        "update marts.portfolio_matrix set allocated_annual_cost_usd = 399.98"
        " where quadrant = 'unaligned'"
    )

    assert failed_checks(marts, "portfolio_matrix") == {
        "budgets_reconcile_to_total_spend_to_the_cent": True
    }


def test_a_matrix_without_its_unaligned_bucket_is_blocked(marts) -> None:
    marts.execute("delete from marts.portfolio_matrix where quadrant = 'unaligned'")

    assert failed_checks(marts, "portfolio_matrix") == {
        "exactly_one_unaligned_bucket": True,
        "budgets_reconcile_to_total_spend_to_the_cent": True,
    }


def test_executives_that_do_not_add_up_to_the_company_aligned_spend_are_blocked(marts) -> None:
    marts.execute("update marts.executive_alignment set company_aligned_annual_spend_usd = 600.00")

    assert failed_checks(marts, "executive_alignment") == {
        "executives_add_up_to_the_company_aligned_spend": True
    }


def test_a_contract_flagged_as_paid_without_spend_lines_is_blocked(marts) -> None:
    marts.execute("update marts.contracts set has_spend = true where contract_id = 'C0'")

    assert failed_checks(marts, "contracts") == {"has_spend_matches_its_spend_lines": True}


def test_a_refund_labelled_as_a_purchase_is_blocked(marts) -> None:
    marts.execute(
        "update marts.spend set charge_category = 'Purchase' where spend_line_id = 'AP-2'"
    )

    assert failed_checks(marts, "spend") == {"credits_are_exactly_the_negative_lines": True}


def test_a_spend_line_without_a_usd_amount_is_blocked(marts) -> None:
    marts.execute("update marts.spend set billed_cost_usd = null where spend_line_id = 'AP-1'")

    assert failed_checks(marts, "spend") == {"billed_cost_usd_not_null": True}


def test_a_spend_line_naming_no_application_only_warns(marts) -> None:
    marts.execute("update marts.spend set application_id = null where spend_line_id = 'AP-3'")

    result = validate_table(marts, "marts.spend", SUITES["spend"])

    assert result.success
    assert failed_checks(marts, "spend") == {"application_id_resolved": False}
