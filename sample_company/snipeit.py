"""Snipe-IT's view of the sample company: the installed software IT tracks, seat by seat.

IT records a license in Snipe-IT for each contract of desktop or installed software running on
`as_of` (Adobe CC, Office 365, JetBrains, Tableau, the CrowdStrike agent, ...), named the way
Snipe-IT admins name it: every name resolves to the application by `match_key` or by the aliases
file. Seats go to the people assigned to the application in Okta, or, for software without an
Okta app, to a share of its audience; the endpoint agent's seats go to laptops instead. Snipe-IT
refuses to check out more seats than bought, so an over-subscribed license simply has no free seat
and the people left over hold none. Purchase costs are a year of the contract, in USD (the
instance's one currency). Built from the company's tables and seed alone; the generator is
untouched, and the same company always gives the same view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.snipeit.entities import LICENSE_SEATS, LICENSES
from sample_company.catalogue import CATALOGUE
from sample_company.company import Company
from sample_company.ids import stream
from sample_company.money import PER_USD
from sample_company.organisation import DEPARTMENTS

_CENT = Decimal("0.01")
_KEY_ALPHABET = np.frombuffer(b"BCDFGHJKMPQRTVWXY2346789", np.uint8)


class SnipeItProduct(NamedTuple):
    """How IT records an application in Snipe-IT."""

    license_name: str  # as the Snipe-IT admins named the license
    manufacturer: str
    supplier: str | None  # the reseller it was bought from; None when bought direct
    per_device: bool = False  # seats are checked out to laptops, not to people


_P = SnipeItProduct

#: The installed software IT tracks in Snipe-IT, by canonical application name.
DESKTOP_SOFTWARE: dict[str, SnipeItProduct] = {
    "Adobe Creative Cloud": _P("Adobe CC", "Adobe", "CDW"),
    "Adobe Acrobat": _P("Adobe Acrobat", "Adobe", "CDW"),
    "Microsoft 365": _P("Office 365", "Microsoft", "SHI International"),
    "Microsoft 365 Copilot": _P("Microsoft 365 Copilot", "Microsoft", "SHI International"),
    "Power BI": _P("PowerBI", "Microsoft", "SHI International"),
    "JetBrains": _P("JetBrains", "JetBrains", None),
    "Tableau": _P("Tableau Software", "Salesforce", None),
    "1Password": _P("1Password", "AgileBits", None),
    "CrowdStrike Falcon": _P("CrowdStrike Falcon", "CrowdStrike", "SHI International", True),
    "TeamViewer": _P("TeamViewer", "TeamViewer", None),
    "Docker": _P("Docker", "Docker", None),
    "Postman": _P("Postman", "Postman", None),
}


@dataclass(frozen=True)
class SnipeItView:
    """What the sample company's Snipe-IT holds, in the `connectors.snipeit.entities` schemas.

    `product_keys` are the licenses' serials, which the API shows but must never be landed;
    `applications` gives the canonical application of each license id, for tests.
    """

    licenses: pa.Table
    license_seats: pa.Table
    product_keys: dict[int, str]
    applications: dict[int, str]

    def tables(self) -> dict[str, pa.Table]:
        return {"licenses": self.licenses, "license_seats": self.license_seats}


class _Person(NamedTuple):
    user_id: int  # Snipe-IT user id
    name: str
    email: str | None
    department: str | None
    created: datetime


def build_snipeit(company: Company) -> SnipeItView:
    """The Snipe-IT instance of `company` on its `as_of` date."""
    people, by_okta_id = _people(company.okta_users)
    departments = _ids(p.department for p in people if p.department)
    holders_of = _holders(company, people, by_okta_id)
    application_of = {
        row["spelling"]: row["application"]
        for row in company.application_spellings.to_pylist()
        if row["source"] == "contracts.product"
    }
    contracts = [
        contract
        for contract in company.contracts.to_pylist()
        if application_of[contract["product"]] in DESKTOP_SOFTWARE
        and contract["start_date"] <= company.as_of <= contract["end_date"]
    ]
    applications = dict(enumerate((application_of[c["product"]] for c in contracts), start=1))
    products = [DESKTOP_SOFTWARE[name] for name in applications.values()]
    ids = {
        "manufacturer": _ids(p.manufacturer for p in products),
        "supplier": _ids(p.supplier for p in products if p.supplier),
        "category": _ids(c["category"] for c in contracts),
    }
    end = datetime.combine(company.as_of, time(18))
    key_rng = stream(company.seed, "snipeit", "product-keys")
    licenses, seats, keys = [], [], {}
    for license_id, contract in enumerate(contracts, start=1):
        product = DESKTOP_SOFTWARE[applications[license_id]]
        rng = stream(company.seed, "snipeit", contract["contract_id"])
        candidates = holders_of(applications[license_id])
        chosen = [candidates[i] for i in rng.permutation(len(candidates))[: contract["seats"]]]
        created = datetime.combine(contract["start_date"], time(9)) + timedelta(
            minutes=int(rng.integers(0, 8 * 60))
        )
        first = len(seats) + 1
        for n in range(contract["seats"]):
            holder = chosen[n] if n < len(chosen) else None
            seats.append(
                _seat(first + n, license_id, holder, product, departments, created, end, rng)
            )
        license = _license(license_id, contract, product, ids, company.name, len(chosen), created)
        license["updated_at"] = max(seat["updated_at"] for seat in seats[first - 1 :])
        licenses.append(license)
        keys[license_id] = _product_key(key_rng)
    return SnipeItView(
        licenses=pa.Table.from_pylist(licenses, schema=LICENSES.schema),
        license_seats=pa.Table.from_pylist(seats, schema=LICENSE_SEATS.schema),
        product_keys=keys,
        applications=applications,
    )


def _license(
    license_id: int,
    contract: dict[str, Any],
    product: SnipeItProduct,
    ids: dict[str, dict[str, int]],
    company_name: str,
    held: int,
    created: datetime,
) -> dict[str, Any]:
    """The license IT recorded for a contract: its seats, a year of its cost, its dates."""
    return {
        "id": license_id,
        "name": product.license_name,
        "company_id": 1,
        "company_name": company_name,
        "manufacturer_id": ids["manufacturer"][product.manufacturer],
        "manufacturer_name": product.manufacturer,
        "order_number": contract["contract_id"],
        "purchase_order": f"PO-{contract['start_date']:%Y%m}-{license_id:04d}",
        "purchase_date": contract["start_date"],
        "expiration_date": contract["end_date"],
        "purchase_cost_numeric": _yearly_cost_usd(contract),
        "notes": f"SKU {contract['sku']}",
        "seats": contract["seats"],
        "free_seats_count": contract["seats"] - held,
        "license_name": company_name,
        "license_email": contract["owner_email"],
        "reassignable": True,
        "maintained": bool(contract["auto_renew"]),
        "supplier_id": ids["supplier"].get(product.supplier or ""),
        "supplier_name": product.supplier,
        "category_id": ids["category"][contract["category"]],
        "category_name": contract["category"],
        "user_can_checkout": contract["seats"] > held,
        "created_at": created,
    }


def _people(users: pa.Table) -> tuple[list[_Person], dict[str, int]]:
    """Snipe-IT's users, synchronised from Okta in Okta's order (Snipe-IT ids from 1)."""
    people, by_okta_id = [], {}
    for index, user in enumerate(users.to_pylist()):
        if user["profile_user_type"] == "service":
            continue
        by_okta_id[user["id"]] = len(people)
        name = " ".join(p for p in (user["profile_first_name"], user["profile_last_name"]) if p)
        people.append(
            _Person(
                index + 1, name, user["profile_email"], user["profile_department"], user["created"]
            )
        )
    return people, by_okta_id


def _holders(
    company: Company, people: list[_Person], by_okta_id: dict[str, int]
) -> Callable[[str], list[_Person]]:
    """A function giving the people who should hold a seat of an application, in a fixed order.

    People assigned to its Okta app (leavers included: nobody checked their seats back in), or
    for software without one, a share of its audience among the active employees.
    """
    okta_app = {row["application"]: row["okta_app_id"] for row in company.applications.to_pylist()}
    tracked = [okta_app[name] for name in DESKTOP_SOFTWARE if okta_app.get(name)]
    app_users = company.okta_app_users.select(["app_id", "user_id"])
    # Only the assignments of tracked software: a big company has millions of the others.
    app_users = app_users.filter(pc.is_in(app_users["app_id"], pa.array(tracked, pa.string())))
    assigned: dict[str, list[int]] = {}
    for row in app_users.to_pylist():
        if row["user_id"] in by_okta_id:
            assigned.setdefault(row["app_id"], []).append(by_okta_id[row["user_id"]])
    statuses = dict(
        zip(
            company.okta_users.column("id").to_pylist(),
            company.okta_users.column("status").to_pylist(),
            strict=True,
        )
    )
    active = [by_okta_id[i] for i in by_okta_id if statuses[i] == "ACTIVE"]
    catalogue = {entry.name: entry for entry in CATALOGUE}
    department_names = {d.code: d.name for d in DEPARTMENTS}

    def holders(application: str) -> list[_Person]:
        app_id = okta_app.get(application)
        if app_id is not None:
            return [people[i] for i in assigned.get(app_id, [])]
        entry = catalogue[application]
        everyone = entry.audience == "*"
        audience = set() if everyone else {department_names[c] for c in entry.audience.split()}
        members = [people[i] for i in active if everyone or people[i].department in audience]
        rng = stream(company.seed, "snipeit", "audience", application)
        share = round(len(members) * entry.penetration)
        return [members[i] for i in sorted(rng.permutation(len(members))[:share])]

    return holders


def _seat(
    seat_id: int,
    license_id: int,
    holder: _Person | None,
    product: SnipeItProduct,
    departments: dict[str, int],
    created: datetime,
    end: datetime,
    rng: np.random.Generator,
) -> dict[str, Any]:
    seat: dict[str, Any] = {
        "id": seat_id,
        "license_id": license_id,
        "reassignable": True,
        "user_can_checkout": holder is None,
        "disabled": False,
        "updated_at": created,
    }
    if holder is None:
        return seat
    start = max(created, holder.created).replace(microsecond=0)  # Snipe-IT keeps seconds
    span = max(0.0, (end - start).total_seconds())
    seat["updated_at"] = start + timedelta(seconds=int(rng.uniform(0, span)))
    if product.per_device:
        model = "MacBook Pro 16" if holder.department == "Engineering" else "MacBook Air 13"
        seat["assigned_asset_id"] = 10_000 + holder.user_id
        seat["assigned_asset_name"] = f"{model} (LSP-{holder.user_id:05d})"
    else:
        seat["assigned_user_id"] = holder.user_id
        seat["assigned_user_name"] = holder.name
        seat["assigned_user_email"] = holder.email
        seat["assigned_user_department_id"] = departments.get(holder.department or "")
        seat["assigned_user_department_name"] = holder.department
    return seat


def _yearly_cost_usd(contract: dict[str, Any]) -> Decimal:
    """A year of the contract, converted from its currency to the instance's USD."""
    periods = 12 if contract["billing_period"] == "monthly" else 1
    local = contract["seats"] * contract["unit_price"] * periods
    usd = local / Decimal(repr(PER_USD[contract["currency"]]))
    return usd.quantize(_CENT, rounding=ROUND_HALF_UP)


def _product_key(rng: np.random.Generator) -> str:
    letters = _KEY_ALPHABET[rng.integers(0, len(_KEY_ALPHABET), 25)].tobytes().decode()
    return "-".join(letters[i : i + 5] for i in range(0, 25, 5))


def _ids(names: Iterable[str]) -> dict[str, int]:
    """Snipe-IT ids for distinct names, 1 upwards in name order."""
    return {name: number for number, name in enumerate(sorted(set(names)), start=1)}
