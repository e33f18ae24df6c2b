"""A three-application company for the finance marts, at AS_OF_DATE = 2026-10-31.

- Workday: a GBP annual contract in force (priced at October 2026's rate), its own invoice (not
  counted twice) and an EUR implementation fee (other cost); mapped to three objectives at equal
  weights, so its cost splits into thirds that need a cent of rounding.
- Miro: no contract; card spend in EUR in December 2025 and February 2026 (two different rates)
  and a credit note; mapped to one objective.
- Zoom: a USD monthly contract in force that nothing in the spend export pays; serves no objective.
"""

from __future__ import annotations

AS_OF_DATE = "2026-10-31"

CONTRACTS = [
    {
        "contract_id": "W1",
        "vendor": "Workday, Inc.",
        "product": "Workday",
        "category": "HR",
        "sku": "WD-PRO",
        "seats": 10,
        "unit_price": 300,
        "currency": "GBP",
        "billing_period": "annual",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "owner_email": "hr-owner@example.com",
    },
    {
        "contract_id": "Z1",
        "vendor": "Zoom Video Communications",
        "product": "Zoom",
        "category": "Video Conferencing",
        "seats": 3,
        "unit_price": 15,
        "currency": "USD",
        "billing_period": "monthly",
        "start_date": "2026-06-01",
        "end_date": "2027-05-31",
    },
]


def _spend(line_id: str, invoice_date: str, vendor: str, product: str | None, **fields) -> dict:
    line = {"line_id": line_id, "invoice_date": invoice_date, "vendor": vendor, "product": product}
    return line | fields


SPEND = [
    _spend(
        "WD-1",
        "2026-01-15",
        "Workday, Inc.",
        "Workday",
        invoice_id="INV-WD-1",
        description="WD-PRO: 10 seats",
        amount=3000,
        currency="GBP",
        cost_center="CC-PPL",
        payment_method="invoice",
        service_period_start="2026-01-01",
        service_period_end="2026-12-31",
    ),
    _spend(
        "WD-2",
        "2026-02-20",
        "Workday, Inc.",
        "Workday",
        invoice_id="INV-WD-2",
        description="Implementation services, phase 1",
        amount=1000.01,
        currency="EUR",
        cost_center="CC-PPL",
        payment_method="invoice",
    ),
    _spend("M1", "2025-12-10", "Miro", None, amount=100, currency="EUR", payment_method="card"),
    _spend("M2", "2026-02-10", "Miro", None, amount=100, currency="EUR", payment_method="card"),
    _spend(
        "M3",
        "2026-03-01",
        "Miro",
        "",
        description="Credit note: billing correction",
        amount=-10,
        currency="EUR",
        payment_method="card",
    ),
]

OBJECTIVES = [
    {
        "objective_id": "O1",
        "name": "Close the books faster",
        "owner_title": "CFO",
        "value_type": "bottom_line",
        "business_mode": "run",
        "kpi": "Days to close",
        "annual_value": 50000,
        "currency": "USD",
        "start_quarter": "2026-Q1",
        "horizon_quarters": 4,
    },
    {
        "objective_id": "O2",
        "name": "Price new markets",
        "owner_title": "CFO",
        "value_type": "top_line",
        "business_mode": "grow",
        "kpi": "New-market revenue",
        "annual_value": 80000,
        "currency": "USD",
        "start_quarter": "2026-Q2",
        "horizon_quarters": 6,
    },
    {
        "objective_id": "O3",
        "name": "Grow enterprise sales",
        "owner_title": "CRO",
        "value_type": "top_line",
        "business_mode": "grow",
        "kpi": "Enterprise ARR",
        "annual_value": 200000,
        "currency": "USD",
        "start_quarter": "2026-Q1",
        "horizon_quarters": 8,
    },
]

APPLICATION_OBJECTIVES = [
    {"application": "Workday", "objective_id": "O1", "contribution_weight": 0.3},
    {"application": "Workday", "objective_id": "O2", "contribution_weight": 0.3},
    {"application": "Workday", "objective_id": "O3", "contribution_weight": 0.3},
    {"application": "Miro", "objective_id": "O3", "contribution_weight": 0.5},
]

RAW_ROWS = {
    "files__contracts": CONTRACTS,
    "files__spend": SPEND,
    "files__objectives": OBJECTIVES,
    "files__application_objectives": APPLICATION_OBJECTIVES,
}
