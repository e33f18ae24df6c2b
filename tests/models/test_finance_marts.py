"""The finance marts, built by `dbt build` on finance_company.py and checked against Python.

Expected figures are computed here independently: rates read from the project's seed, costs
annualised and split by weight with the largest remainder method in Decimal arithmetic.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import finance_company as company
import pytest

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "currency_rates.csv"
CENT = Decimal("0.01")


def usd_per_unit(currency: str, month: str) -> Decimal:
    """The seed's rate for `month` (YYYY-MM)."""
    with SEED.open(newline="") as seed:
        for row in csv.DictReader(seed):
            if row["currency"] == currency and row["rate_month"] == f"{month}-01":
                return Decimal(row["usd_per_unit"])
    raise KeyError((currency, month))


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def split_by_weight(total: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Largest remainder: floor every share to the cent, then hand out the cents left over."""
    exact = {key: total * weight / sum(weights.values()) for key, weight in weights.items()}
    floored = {
        key: (share / CENT).to_integral_value(rounding="ROUND_FLOOR")
        for key, share in exact.items()
    }
    left_over = int(total / CENT - sum(floored.values()))
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] / CENT - floored[key]), key))
    return {key: (floored[key] + (key in by_remainder[:left_over])) * CENT for key in exact}


WORKDAY_LICENSE = 10 * Decimal("300") * usd_per_unit("GBP", "2026-10")  # audit month's rate
WORKDAY_OTHER = Decimal("1000.01") * usd_per_unit("EUR", "2026-02")  # the implementation fee
WORKDAY_COST = cents(WORKDAY_LICENSE + WORKDAY_OTHER)
MIRO_LINES = {
    "M1": cents(100 * usd_per_unit("EUR", "2025-12")),
    "M2": cents(100 * usd_per_unit("EUR", "2026-02")),
    "M3": cents(-10 * usd_per_unit("EUR", "2026-03")),
}
MIRO_COST = cents(
    (100 * usd_per_unit("EUR", "2025-12"))
    + (100 * usd_per_unit("EUR", "2026-02"))
    - (10 * usd_per_unit("EUR", "2026-03"))
)
ZOOM_COST = Decimal("3") * 15 * 12
TOTAL_SPEND = WORKDAY_COST + MIRO_COST + ZOOM_COST
WORKDAY_SHARES = split_by_weight(WORKDAY_COST, dict.fromkeys(("O1", "O2", "O3"), Decimal("0.3")))


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Path:
    """Lands the finance company's raw tables and runs `dbt build` on them once for the module."""
    data_dir = tmp_path_factory.mktemp("finance_data")
    return dbt_harness.build_company(data_dir, company.RAW_ROWS, company.AS_OF_DATE)


@pytest.fixture(scope="module")
def warehouse(build: Path, dbt_harness: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    with dbt_harness.open_warehouse(build) as connection:
        yield connection


def rows(warehouse: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = warehouse.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def by_key(warehouse: duckdb.DuckDBPyConnection, mart: str, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows(warehouse, f"select * from marts.{mart}")}


def test_the_expected_shares_need_a_cent_of_rounding() -> None:
    # Guards the dataset: a cost that divides evenly would not exercise the largest remainder.
    assert WORKDAY_COST % Decimal("0.03") != 0
    assert sum(WORKDAY_SHARES.values()) == WORKDAY_COST


def test_an_application_costs_its_contract_plus_other_costs_and_never_its_own_invoice_again(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    costs = {
        row["application_name"]: row
        for row in rows(
            warehouse,
            "select application_name, costs.* from intermediate.int_application_costs_aggregated"
            " as costs inner join marts.applications using (application_id)",
        )
    }
    workday = costs["Workday"]
    assert cents(Decimal(str(workday["license_annual_cost_usd"]))) == cents(WORKDAY_LICENSE)
    assert cents(Decimal(str(workday["other_annual_cost_usd"]))) == cents(WORKDAY_OTHER)
    applications = by_key(warehouse, "applications", "application_name")
    assert applications["Workday"]["annual_cost_usd"] == WORKDAY_COST
    assert applications["Miro"]["annual_cost_usd"] == MIRO_COST
    assert applications["Zoom"]["annual_cost_usd"] == ZOOM_COST


def test_each_spend_line_is_converted_at_its_invoice_month_rate(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    spend = by_key(warehouse, "spend", "spend_line_id")
    # the same 100 EUR costs a different USD amount in December 2025 and February 2026
    assert {line: spend[line]["billed_cost_usd"] for line in MIRO_LINES} == MIRO_LINES
    assert spend["M1"]["billed_cost_usd"] != spend["M2"]["billed_cost_usd"]
    assert spend["WD-1"]["billed_cost_usd"] == cents(3000 * usd_per_unit("GBP", "2026-01"))


def test_the_spend_mart_speaks_focus(warehouse: duckdb.DuckDBPyConnection) -> None:
    spend = by_key(warehouse, "spend", "spend_line_id")
    invoice, fee, credit = spend["WD-1"], spend["WD-2"], spend["M3"]
    assert (invoice["billing_period_start"], invoice["billing_period_end"]) == (
        date(2026, 1, 1),
        date(2026, 2, 1),
    )
    assert (invoice["charge_period_start"], invoice["charge_period_end"]) == (
        date(2026, 1, 1),
        date(2027, 1, 1),
    )
    assert (invoice["billed_cost"], invoice["billing_currency"]) == (Decimal("3000.00"), "GBP")
    assert (invoice["provider_name"], invoice["invoice_issuer_name"]) == ("Workday, Inc.",) * 2
    assert (invoice["service_name"], invoice["service_category"]) == (
        "Workday",
        "Business Applications",
    )
    assert (invoice["sku_id"], invoice["cost_center"]) == ("WD-PRO", "CC-PPL")
    assert (fee["charge_category"], fee["charge_frequency"], fee["cost_type"]) == (
        "Purchase",
        "One-Time",
        "other",
    )
    assert (credit["charge_category"], credit["cost_type"]) == ("Credit", "license")


def test_spend_without_a_contract_and_contracts_without_spend_are_surfaced(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    spend = by_key(warehouse, "spend", "spend_line_id")
    assert {line for line, row in spend.items() if not row["has_contract"]} == {"M1", "M2", "M3"}
    assert spend["WD-2"]["contract_id"] == "W1"
    contracts = by_key(warehouse, "contracts", "contract_id")
    assert (contracts["Z1"]["has_spend"], contracts["Z1"]["is_active"]) == (False, True)
    assert contracts["W1"]["spend_line_count"] == 2
    assert contracts["W1"]["annual_cost_usd"] == cents(WORKDAY_LICENSE)
    assert contracts["W1"]["spend_usd"] == cents(
        3000 * usd_per_unit("GBP", "2026-01") + WORKDAY_OTHER
    )


def test_an_application_cost_splits_by_weight_into_cents_that_add_up(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    allocated = {
        row["objective_id"]: row["allocated_annual_cost_usd"]
        for row in rows(
            warehouse,
            "select objective_id, allocated_annual_cost_usd from marts.application_objectives"
            " inner join marts.applications using (application_id)"
            " where application_name = 'Workday'",
        )
    }
    assert allocated == WORKDAY_SHARES


def test_the_matrix_gives_each_executive_four_budgets_that_reconcile_to_total_spend(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    matrix = {
        (row["owner_title"], row["quadrant"]): row["allocated_annual_cost_usd"]
        for row in rows(warehouse, "select * from marts.portfolio_matrix")
    }
    assert len(matrix) == 2 * 4 + 1
    assert matrix[("CFO", "bottom_line_run")] == WORKDAY_SHARES["O1"]
    assert matrix[("CFO", "top_line_grow")] == WORKDAY_SHARES["O2"]
    assert matrix[("CRO", "top_line_grow")] == WORKDAY_SHARES["O3"] + MIRO_COST
    assert matrix[(None, "unaligned")] == ZOOM_COST
    assert matrix[("CRO", "bottom_line_run")] == 0
    assert sum(matrix.values()) == TOTAL_SPEND


def test_objectives_and_executives_report_their_share_of_total_spend(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    objectives = by_key(warehouse, "objectives", "objective_id")
    o3_cost = WORKDAY_SHARES["O3"] + MIRO_COST
    assert (
        objectives["O3"]["application_count"],
        objectives["O3"]["allocated_annual_cost_usd"],
    ) == (
        2,
        o3_cost,
    )
    assert objectives["O3"]["spend_share_pct"] == cents(100 * o3_cost / TOTAL_SPEND)
    executives = by_key(warehouse, "executive_alignment", "owner_title")
    cfo_cost = WORKDAY_SHARES["O1"] + WORKDAY_SHARES["O2"]
    assert executives["CFO"]["aligned_annual_cost_usd"] == cfo_cost
    assert executives["CFO"]["aligned_spend_pct"] == cents(100 * cfo_cost / TOTAL_SPEND)
    aligned = TOTAL_SPEND - ZOOM_COST
    assert executives["CRO"]["company_aligned_annual_spend_usd"] == aligned
    assert executives["CRO"]["company_aligned_spend_pct"] == cents(100 * aligned / TOTAL_SPEND)


def test_a_currency_without_a_rate_stops_the_build_naming_currency_and_month(
    build: Path, dbt_harness: Any, tmp_path: Path
) -> None:
    # Runs the rate tests on a copy of the built warehouse holding a line in a currency the seed
    # lacks: cheaper than a second build, and the module's warehouse stays as built.
    copy = tmp_path / "copy"
    shutil.copytree(build / "warehouse", copy / "warehouse")
    with duckdb.connect(str(dbt_harness.warehouse_path(copy))) as connection:
        connection.execute(
            "insert into intermediate.int_spend_lines_converted (spend_line_id, invoice_date,"
            " amount, currency) values ('CHF-1', date '2026-09-15', 10, 'CHF')"
        )

    result = dbt_harness.run_dbt(
        copy, "test", "--select", "test_name:has_currency_rate", as_of_date=company.AS_OF_DATE
    )

    assert result.returncode != 0
    assert "no rate into USD in currency_rates for: CHF 2026-09" in result.output
