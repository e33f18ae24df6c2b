"""The license contract register: seats, prices, terms and owners of the applications IT buys.

Seats follow the Okta assignments so that utilisation means something: an over-allocated
application has fewer seats than assigned users, every other one at least as many. Most contracts
are annual and active at `as_of`; the register also keeps some expired terms and lapsed contracts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa

from connectors.files.schemas import CONTRACTS
from sample_company.applications import Application
from sample_company.catalogue import CATEGORY_OWNER, UNOWNED
from sample_company.ids import stream
from sample_company.money import amount, convert
from sample_company.organisation import DEPARTMENTS
from sample_company.people import ACTIVE, DEPROVISIONED, People
from sample_company.timeutil import add_months, month_start

_DEPARTMENT_INDEX = {d.code: i for i, d in enumerate(DEPARTMENTS)}


@dataclass(frozen=True)
class Contract:
    app: int  # roster index
    vendor: str
    product: str
    category: str
    sku: str
    seats: int
    unit_price: Decimal  # per seat per billing period
    currency: str
    billing_period: str
    start_date: date
    end_date: date
    auto_renew: bool
    notice_period_days: int
    owner: int  # person index, -1 when nobody owns it
    owner_email: str | None
    contract_id: str = ""


def build_contracts(
    roster: list[Application], people: People, assigned: np.ndarray, seed: int, as_of: date
) -> list[Contract]:
    """The contract register, sorted by start date, with ids assigned in that order."""
    rng = stream(seed, "contracts")
    this_month = month_start(as_of)
    contracts: list[Contract] = []
    for app in roster:
        if not app.has_contract:
            continue
        users = int(assigned[app.index]) if app.in_okta else _audience_size(app, people)
        if app.is_over_allocated:
            seats = min(_nice(users * rng.uniform(0.6, 0.85), math.floor), users - 1)
        else:
            seats = _nice(users * rng.uniform(1.0, 1.35), math.ceil)
        seats = max(seats, 1)
        monthly = rng.random() < (0.25 if app.price < 25 else 0.08)
        term = 12 if monthly else int(rng.choice([12, 24, 36], p=[0.7, 0.18, 0.12]))
        if app.is_lapsed:
            start = add_months(this_month, -(12 + int(rng.integers(1, 6))))
            term = 12
        else:
            start = add_months(this_month, -int(rng.integers(0, term)))
        discount = rng.uniform(0, 0.12) + 0.08 * (seats > 100) + 0.08 * (seats > 1000)
        owner = _owner(app, people, rng)
        main = Contract(
            app=app.index,
            vendor=app.vendor,
            product=app.spellings["contracts.product"],
            category=app.category,
            sku=f"{_sku_prefix(app)}-{_plan(seats)}-{'MONTHLY' if monthly else 'ANNUAL'}",
            seats=seats,
            unit_price=_unit_price(app, discount, monthly),
            currency=app.currency,
            billing_period="monthly" if monthly else "annual",
            start_date=start,
            end_date=add_months(start, term) - timedelta(days=1),
            auto_renew=monthly or (not app.is_lapsed and rng.random() < 0.7),
            notice_period_days=30
            if monthly
            else int(rng.choice([30, 60, 90], p=[0.4, 0.35, 0.25])),
            owner=owner,
            owner_email=people.emails[owner] if owner >= 0 else None,
        )
        contracts.append(main)
        if app.has_second_sku:
            contracts.append(_second_sku(main, app, this_month, rng))
        if term == 12 and not monthly and not app.is_lapsed and rng.random() < 0.15:
            contracts.append(_previous_term(main, rng))
    contracts.sort(key=lambda c: (c.start_date, c.app, c.sku))
    return [
        Contract(**{**c.__dict__, "contract_id": f"CTR-{n:05d}"})
        for n, c in enumerate(contracts, start=1)
    ]


def contracts_table(contracts: list[Contract]) -> pa.Table:
    schema = CONTRACTS.to_entity().schema
    rows = {name: [getattr(c, name) for c in contracts] for name in schema.names}
    return pa.table({f.name: pa.array(rows[f.name], f.type) for f in schema}, schema=schema)


def active_seats(contracts: list[Contract], roster_size: int, on: date) -> np.ndarray:
    """Seats bought per roster application under contracts running on `on`."""
    seats = np.zeros(roster_size, np.int64)
    for c in contracts:
        if c.start_date <= on <= c.end_date:
            seats[c.app] += c.seats
    return seats


def _second_sku(main: Contract, app: Application, this_month: date, rng) -> Contract:
    """An add-on or premium tier for part of the users, co-terminous with the main contract."""
    elapsed = (
        (this_month.year - main.start_date.year) * 12 + this_month.month - main.start_date.month
    )
    # A lapsed main contract ended before this month: the add-on cannot start after it ended.
    term = (main.end_date.year - main.start_date.year) * 12 + main.end_date.month
    elapsed = min(elapsed, term - main.start_date.month)
    add_on = rng.random() < 0.5
    factor = 0.35 if add_on else 1.8
    return Contract(
        **{
            **main.__dict__,
            "sku": f"{_sku_prefix(app)}-{'ADDON' if add_on else 'PREMIUM'}",
            "seats": max(1, round(main.seats * rng.uniform(0.05, 0.3))),
            "unit_price": amount(float(main.unit_price) * factor),
            "start_date": add_months(main.start_date, int(rng.integers(0, elapsed + 1))),
        }
    )


def _previous_term(main: Contract, rng) -> Contract:
    """The expired term the current contract renewed, with fewer seats and a lower price."""
    start = add_months(main.start_date, -12)
    return Contract(
        **{
            **main.__dict__,
            "seats": max(1, _nice(main.seats * rng.uniform(0.8, 1.05), math.floor)),
            "unit_price": amount(float(main.unit_price) * rng.uniform(0.92, 1.0)),
            "start_date": start,
            "end_date": main.start_date - timedelta(days=1),
        }
    )


def _unit_price(app: Application, discount: float, monthly: bool) -> Decimal:
    if monthly:
        return amount(convert(app.price * (1 - discount / 2), app.currency))
    return amount(convert(app.price * 12 * (1 - discount), app.currency))


def _nice(value: float, rounding) -> int:
    """Seat counts as purchasing buys them: exact when small, then in steps of 5, 10 and 50."""
    step = 1 if value <= 20 else 5 if value <= 100 else 10 if value <= 1000 else 50
    return int(rounding(value / step) * step)


def _plan(seats: int) -> str:
    return "TEAM" if seats < 25 else "BUSINESS" if seats < 250 else "ENTERPRISE"


def _sku_prefix(app: Application) -> str:
    return app.key[:8].upper()


def _audience_size(app: Application, people: People) -> int:
    employees = ~people.is_service & (people.status == ACTIVE) & people.in_audience(app.audience)
    return max(1, round(int(employees.sum()) * app.penetration))


def _owner(app: Application, people: People, rng) -> int:
    """A manager of the department that owns the category; sometimes nobody, sometimes a leaver."""
    draw = rng.random()
    if draw < 0.08 or app.name in UNOWNED:
        return -1
    leavers = np.flatnonzero(people.status == DEPROVISIONED)
    if draw < 0.12 and len(leavers):
        return int(leavers[rng.integers(len(leavers))])
    department = _DEPARTMENT_INDEX[CATEGORY_OWNER[app.category]]
    in_department = (people.department == department) & (people.status == ACTIVE)
    managers = np.flatnonzero(in_department & people.is_manager & ~people.is_service)
    return int(managers[rng.integers(len(managers))])
