"""The accounts-payable export: vendor invoices for the contracts, card expenses, credit notes.

Card expenses are how shadow IT shows up: employees subscribe on a company card to tools IT never
bought (and sometimes to ones it did). Their merchant names are domain-like ("slack.com"), and the
export leaves `product` empty on card lines, as expense tools do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa

from connectors.files.schemas import SPEND
from sample_company.applications import Application
from sample_company.catalogue import CATEGORY_OWNER
from sample_company.contracts import Contract
from sample_company.ids import stream
from sample_company.money import amount, convert
from sample_company.organisation import DEPARTMENTS, EUROPE
from sample_company.people import PROVISIONED, People
from sample_company.timeutil import add_months, month_start

_COST_CENTER = {d.code: d.cost_center for d in DEPARTMENTS}
MAX_CARD_BUYERS = 40


@dataclass(frozen=True)
class SpendLine:
    app: int  # roster index
    invoice_id: str | None
    invoice_date: date
    vendor: str
    product: str | None
    description: str
    amount: Decimal
    currency: str
    cost_center: str
    payment_method: str
    service_period_start: date
    service_period_end: date


def spend_start(as_of: date) -> date:
    """The first day the AP export covers: the start of the month a year before `as_of`."""
    return add_months(month_start(as_of), -12)


def build_spend(
    roster: list[Application], people: People, contracts: list[Contract], seed: int, as_of: date
) -> list[SpendLine]:
    rng = stream(seed, "spend")
    first = spend_start(as_of)
    lines = _invoices(roster, people, contracts, first, as_of)
    lines += _credit_notes(lines, rng, as_of)
    for app in roster:
        if not app.is_sanctioned or app.is_card_bought:
            lines += _card_expenses(app, people, rng, first, as_of)
    lines.sort(key=lambda x: (x.invoice_date, x.payment_method, x.vendor, x.amount, x.cost_center))
    return lines


def spend_table(lines: list[SpendLine]) -> pa.Table:
    schema = SPEND.to_entity().schema
    columns = {name: [getattr(x, name, None) for x in lines] for name in schema.names}
    columns["line_id"] = [f"AP-{n:06d}" for n in range(1, len(lines) + 1)]
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)


def _invoices(
    roster: list[Application], people: People, contracts: list[Contract], first: date, as_of: date
) -> list[SpendLine]:
    lines = []
    for c in contracts:
        app = roster[c.app]
        months = 1 if c.billing_period == "monthly" else 12
        cost_center = (
            people.cost_center(c.owner)
            if c.owner >= 0
            else _COST_CENTER[CATEGORY_OWNER[app.category]]
        )
        billed = c.start_date
        while billed <= min(c.end_date, as_of):
            period_end = min(add_months(billed, months) - timedelta(days=1), c.end_date)
            if billed >= first:
                lines.append(
                    SpendLine(
                        app=app.index,
                        invoice_id=f"INV-{app.key[:6].upper()}-{billed:%Y%m}",
                        invoice_date=billed,
                        vendor=c.vendor,
                        product=app.spellings["spend.product"],
                        description=f"{c.sku}: {c.seats} seats",
                        amount=amount(float(c.unit_price) * c.seats),
                        currency=c.currency,
                        cost_center=cost_center,
                        payment_method="invoice",
                        service_period_start=billed,
                        service_period_end=period_end,
                    )
                )
            billed = add_months(billed, months)
    return lines


def _credit_notes(lines: list[SpendLine], rng: np.random.Generator, as_of: date) -> list[SpendLine]:
    """A couple of vendor credits against annual invoices (service credits, billing corrections)."""
    annual = [
        x for x in lines if x.service_period_end - x.service_period_start > timedelta(days=40)
    ]
    if not annual:
        return []
    notes = []
    count = max(2, len(annual) // 100)
    for index in rng.choice(len(annual), size=min(count, len(annual)), replace=False):
        original = annual[index]
        reason = ("service level credit", "billing correction")[len(notes) % 2]
        notes.append(
            SpendLine(
                **{
                    **original.__dict__,
                    "invoice_id": original.invoice_id.replace("INV-", "CN-"),
                    "invoice_date": min(
                        original.invoice_date + timedelta(days=int(rng.integers(20, 60))), as_of
                    ),
                    "description": f"Credit note: {reason}",
                    "amount": -amount(float(original.amount) * rng.uniform(0.03, 0.12)),
                }
            )
        )
    return notes


def _card_expenses(
    app: Application, people: People, rng: np.random.Generator, first: date, as_of: date
) -> list[SpendLine]:
    """Monthly or annual subscriptions some employees put on their company card."""
    candidates = ~people.is_service & (people.status != PROVISIONED)
    pool = np.flatnonzero(candidates & people.in_audience(app.audience))
    wanted = len(pool) * app.penetration * rng.uniform(0.3, 0.8)
    if app.is_sanctioned:
        wanted = len(pool) * 0.01
    count = min(len(pool), int(np.clip(round(wanted), 1, MAX_CARD_BUYERS)))
    buyers = rng.choice(pool, size=count, replace=False)
    lines = []
    for buyer in buyers:
        annual = rng.random() < 0.2
        seats = 1 if rng.random() < 0.85 else int(rng.integers(2, 6))
        currency = (
            ("EUR" if rng.random() < 0.75 else "GBP") if people.region[buyer] == EUROPE else "USD"
        )
        price = app.price * seats * (12 * 0.83 if annual else 1)
        charge = add_months(first, -int(rng.integers(0, 6))) + timedelta(
            days=int(rng.integers(0, 28)) + int(rng.integers(0, 13)) * 30
        )
        left = people.left[buyer]
        stop = as_of if np.isnat(left) else min(as_of, left.astype("datetime64[D]").item())
        months = 12 if annual else 1
        while charge <= stop:
            if charge >= first:
                lines.append(
                    SpendLine(
                        app=app.index,
                        invoice_id=None,
                        invoice_date=charge,
                        vendor=app.spellings["spend.vendor"],
                        product=None,
                        description=f"Card expense, {'annual' if annual else 'monthly'} plan",
                        amount=amount(convert(price, currency)),
                        currency=currency,
                        cost_center=people.cost_center(buyer),
                        payment_method="card",
                        service_period_start=charge,
                        service_period_end=add_months(charge, months) - timedelta(days=1),
                    )
                )
            charge = add_months(charge, months)
    return lines
