"""The business objectives the executives own, and which applications serve each one.

Objectives are valued as a share of a revenue that grows with headcount, so the figures stay
plausible from 60 to 50,000 employees. Contribution weights of one objective's applications add up
to at most 1: they split the part of the objective that software serves.
"""

# One row per application (objective) keeps these tables scannable; rows may be long.
# ruff: noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from connectors.files.schemas import APPLICATION_OBJECTIVES, OBJECTIVES
from sample_company.applications import Application
from sample_company.ids import stream
from sample_company.money import amount, convert
from sample_company.people import People
from sample_company.timeutil import quarter_label

REVENUE_PER_EMPLOYEE_USD = 250_000
QUARTERS_AHEAD = 8


@dataclass(frozen=True)
class Objective:
    owner: str
    name: str
    value_type: str
    mode: str
    kpi: str
    kpi_target: str
    revenue_share: float
    currency: str
    categories: tuple[str, ...]


_O = Objective
OBJECTIVES_CATALOGUE: tuple[Objective, ...] = (
    _O("CRO", "Grow new-logo ARR in North America", "top_line", "grow", "New-logo ARR", "+30% year on year", 0.040, "USD", ("CRM", "Sales Enablement", "Sales Intelligence", "E-signature")),
    _O("CRO", "Expand the enterprise pipeline in EMEA", "top_line", "grow", "Qualified pipeline", "+25% year on year", 0.025, "EUR", ("CRM", "Sales Intelligence", "Video Conferencing")),
    _O("CRO", "Shorten the sales cycle", "top_line", "run", "Median days to close", "under 60 days", 0.012, "USD", ("CRM", "Sales Enablement", "E-signature")),
    _O("CMO", "Increase marketing-sourced pipeline", "top_line", "grow", "Marketing-sourced share of pipeline", "40%", 0.020, "USD", ("Marketing", "Analytics", "CRM")),
    _O("CMO", "Launch the brand refresh", "top_line", "grow", "Aided brand awareness", "+10 points", 0.008, "USD", ("Design", "Marketing")),
    _O("COO", "Reduce gross revenue churn", "top_line", "run", "Gross revenue retention", "at least 92%", 0.030, "USD", ("Customer Support", "Customer Success", "Product Analytics")),
    _O("COO", "Raise customer satisfaction", "top_line", "run", "CSAT", "at least 4.5 of 5", 0.010, "USD", ("Customer Support", "Telephony", "Knowledge Management")),
    _O("COO", "Streamline procurement", "bottom_line", "run", "Purchase order cycle time", "under 3 days", 0.003, "EUR", ("Procurement", "Automation", "E-signature")),
    _O("CFO", "Close the books in five days", "bottom_line", "run", "Days to close", "5 business days", 0.004, "USD", ("Finance", "Planning")),
    _O("CFO", "Cut software spend per employee", "bottom_line", "run", "Software spend per employee", "-15% year on year", 0.006, "USD", ("Procurement", "Finance", "IT Management")),
    _O("CFO", "Automate accounts payable", "bottom_line", "grow", "Invoices processed without touch", "80%", 0.003, "EUR", ("Finance", "Travel & Expense")),
    _O("CHRO", "Scale engineering hiring", "top_line", "grow", "Offers accepted against plan", "at least 95%", 0.010, "USD", ("HR", "Video Conferencing")),
    _O("CHRO", "Lift employee engagement", "bottom_line", "run", "Engagement score", "at least 80", 0.005, "USD", ("HR", "Learning", "Collaboration", "Intranet")),
    _O("CHRO", "Reduce regretted attrition", "bottom_line", "run", "Regretted attrition", "under 6%", 0.008, "EUR", ("HR", "Learning")),
    _O("CTO", "Ship the new platform to general availability", "top_line", "grow", "Platform milestones met", "GA within the horizon", 0.035, "USD", ("Developer Tools", "Project Management", "Observability", "Design")),
    _O("CTO", "Improve service reliability", "top_line", "run", "Availability", "99.95%", 0.015, "USD", ("Observability", "Developer Tools", "Cloud Infrastructure")),
    _O("CTO", "Lower cloud cost per customer", "bottom_line", "run", "Cloud cost per customer", "-20%", 0.010, "USD", ("Cloud Infrastructure", "Data Platform", "Observability")),
    _O("CIO", "Consolidate collaboration tools", "bottom_line", "run", "Collaboration tools per category", "one per category", 0.004, "USD", ("Collaboration", "Video Conferencing", "Productivity", "File Storage")),
    _O("CIO", "Achieve SOC 2 Type II and ISO 27001", "top_line", "grow", "Certifications obtained", "both within the horizon", 0.012, "USD", ("Security", "Compliance", "IT Management")),
    _O("CIO", "Roll out AI assistants safely", "bottom_line", "grow", "Hours saved per employee", "2 hours a week", 0.010, "USD", ("AI Assistants", "Knowledge Management", "Productivity")),
    _O("CEO", "Enter the German market", "top_line", "grow", "Customers in Germany", "50 customers", 0.020, "EUR", ("CRM", "Marketing", "Sales Enablement")),
    _O("CEO", "Reach operating profitability", "bottom_line", "run", "Operating margin", "at least 5%", 0.050, "USD", ("Finance", "Planning", "Analytics")),
)  # fmt: skip


@dataclass(frozen=True)
class Alignment:
    app: int  # roster index
    objective_id: str
    application: str
    weight: float


def objective_id(number: int) -> str:
    return f"OBJ-{number:02d}"


def objectives_table(people: People, employees: int, seed: int, as_of: date) -> pa.Table:
    rng = stream(seed, "objectives")
    revenue = employees * REVENUE_PER_EMPLOYEE_USD
    rows = []
    for number, o in enumerate(OBJECTIVES_CATALOGUE, start=1):
        offset = int(rng.integers(0, 4))
        value = convert(revenue * o.revenue_share * rng.uniform(0.8, 1.2), o.currency)
        rows.append(
            {
                "objective_id": objective_id(number),
                "name": o.name,
                "owner_title": o.owner,
                "owner_name": people.full_names[people.executives[o.owner]],
                "value_type": o.value_type,
                "business_mode": o.mode,
                "kpi": o.kpi,
                "kpi_target": o.kpi_target,
                "annual_value": amount(round(value, -3)),
                "currency": o.currency,
                "start_quarter": quarter_label(as_of, offset),
                "horizon_quarters": int(rng.integers(2, QUARTERS_AHEAD - offset + 1)),
            }
        )
    return pa.Table.from_pylist(rows, schema=OBJECTIVES.to_entity().schema)


def build_alignments(roster: list[Application], seed: int) -> list[Alignment]:
    rng = stream(seed, "alignments")
    most = 6 + len(roster) // 150
    alignments = []
    for number, o in enumerate(OBJECTIVES_CATALOGUE, start=1):
        candidates = [
            a for a in roster if a.category in o.categories and a.is_sanctioned and not a.is_retired
        ]
        if not candidates:
            continue
        count = min(len(candidates), int(rng.integers(2, most + 1)))
        chosen = rng.choice(len(candidates), size=count, replace=False)
        share = rng.uniform(0.5, 1.0)
        weights = 0.02 + rng.dirichlet(np.ones(count)) * (share - 0.02 * count)
        for index, weight in zip(chosen, weights, strict=True):
            app = candidates[index]
            alignments.append(
                Alignment(
                    app=app.index,
                    objective_id=objective_id(number),
                    application=app.spellings["application_objectives.application"],
                    # Rounded down, so rounding can never push an objective's total above 1.
                    weight=np.floor(weight * 10_000) / 10_000,
                )
            )
    return alignments


def alignments_table(alignments: list[Alignment]) -> pa.Table:
    schema = APPLICATION_OBJECTIVES.to_entity().schema
    return pa.table(
        {
            "application": pa.array([a.application for a in alignments], pa.string()),
            "objective_id": pa.array([a.objective_id for a in alignments], pa.string()),
            "contribution_weight": pa.array(
                [amount(a.weight, 4) for a in alignments], schema.field("contribution_weight").type
            ),
        },
        schema=schema,
    )
