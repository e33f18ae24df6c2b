"""A small Snipe-IT instance in the entity schemas, and helpers to serve and read it.

Not a conftest, so that test modules can import it by a name no other test folder uses. The
instance holds what trips clients up: text Snipe-IT HTML-escapes, licenses without seats, seats
held by people, by devices and by nobody, missing values, and fields only the payload carries.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pyarrow as pa

from connectors.http import HttpSettings
from connectors.snipeit.client import SnipeItConnector
from connectors.snipeit.entities import LICENSE_SEATS, LICENSES
from sample_company.emulators.snipeit import SnipeItEmulator

# Snipe-IT's personal access tokens are long JWTs; this one is only long.
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.snipe-SeCrEt-never-logged.4c2f"
TOKEN_ENV = "ACME_SNIPEIT_TOKEN"
# No throttling unless a test asks for it: a fake clock never lets a minute pass by itself.
UNLIMITED = 1_000_000
ESCAPED_NAME = "Visio Std & Pro 'EU' <2024> \"retail\""


@dataclass
class SmallInstance:
    """A Snipe-IT instance in the shape `sample_company.snipeit.build_snipeit` produces."""

    licenses: pa.Table
    license_seats: pa.Table
    product_keys: dict[int, str]


def build_instance(licenses: int = 23, seed: int = 5) -> SmallInstance:
    rng = random.Random(seed)
    license_rows, seat_rows, keys = [], [], {}
    seat_id = 1000
    for i in range(licenses):
        license_id = 3 * i + 2  # neither contiguous nor starting at 1
        seats = [0, 1, 5, 12, 57, 3, 9][i % 7]
        created = datetime(2024, 1, 1) + timedelta(days=rng.randrange(900), seconds=i * 7)
        held = 0
        for n in range(seats):
            seat_id += 1
            holder = (n + i) % 4  # 0: a person, 1: a laptop, 2 and 3: nobody
            held += holder < 2
            seat_rows.append(_seat(seat_id, license_id, holder, n, created))
        license_rows.append(
            {
                "id": license_id,
                "name": ESCAPED_NAME if i == 2 else "Zoë Ørsted Tools" if i == 5 else f"Tool {i}",
                "company_id": 1 if i % 3 else None,
                "company_name": "Acme & Sons" if i % 3 else None,
                "manufacturer_id": 10 + i % 4,
                "manufacturer_name": ["Adobe", "Microsoft", "JetBrains", "O'Reilly"][i % 4],
                "order_number": f"ORD-{i:03d}" if i % 5 else None,
                "purchase_order": f"PO-{i:04d}",
                "purchase_date": date(2025, 1 + i % 12, 1 + i),
                "termination_date": date(2027, 1, 31) if i == 7 else None,
                "expiration_date": None if i % 6 == 1 else date(2026, 1 + i % 12, 15),
                "depreciation_id": 2 if i == 4 else None,
                "depreciation_name": "3 years" if i == 4 else None,
                "purchase_cost_numeric": None if i == 9 else Decimal(f"{(i + 1) * 98765.43:.2f}"),
                "notes": 'Renewal via "reseller"' if i == 3 else None,
                "seats": seats,
                "free_seats_count": seats - held,
                "license_name": "Acme & Sons",
                "license_email": None if i == 8 else f"it+{i}@acme.example",
                "reassignable": i % 2 == 0,
                "maintained": i % 3 == 0,
                "supplier_id": 20 + i % 2 if i % 4 else None,
                "supplier_name": ["CDW", "SHI"][i % 2] if i % 4 else None,
                "category_id": 30 + i % 3,
                "category_name": ["Design", "Productivity", "Developer Tools"][i % 3],
                "user_can_checkout": seats > held,
                "created_at": created,
                "updated_at": created + timedelta(days=3, hours=i),
                "deleted_at": None,
                "payload": json.dumps({"min_amt": i, "termination_notice": "90 days"})
                if i == 1
                else None,
            }
        )
        keys[license_id] = f"KEY{license_id:05d}-SeCrEt-{rng.randrange(10**6):06d}"
    return SmallInstance(
        licenses=pa.Table.from_pylist(license_rows, schema=LICENSES.schema),
        license_seats=pa.Table.from_pylist(seat_rows, schema=LICENSE_SEATS.schema),
        product_keys=keys,
    )


def _seat(seat_id: int, license_id: int, holder: int, n: int, created: datetime) -> dict:
    row = {
        "id": seat_id,
        "license_id": license_id,
        "reassignable": True,
        "user_can_checkout": holder >= 2,
        "disabled": False,
        "updated_at": created + timedelta(days=n + 1),
    }
    if holder == 0:
        row |= {
            "assigned_user_id": 500 + n,
            "assigned_user_name": f"Person {n}" if n != 2 else "Zoë D'Arcy",
            "assigned_user_email": f"person{n}@acme.example",
            "assigned_user_department_id": None if n == 4 else 7,
            "assigned_user_department_name": None if n == 4 else "R&D",
            "location_id": 3,
            "location_name": "HQ <Berlin>",
        }
    elif holder == 1:
        row |= {"assigned_asset_id": 9000 + n, "assigned_asset_name": f"LAPTOP-{n:04d}"}
    if n == 1:
        row["notes"] = "reserved for the 'new hire'"
    return row


def read(connector: SnipeItConnector, entity: str) -> pa.Table:
    schema = {e.name: e.schema for e in connector.entities()}[entity]
    return pa.Table.from_batches(list(connector.extract(entity)), schema=schema)


def by_key(table: pa.Table) -> dict[int, dict]:
    """Rows by `id`, without `payload` (that is what Snipe-IT sent, checked apart)."""
    rows = [{k: v for k, v in row.items() if k != "payload"} for row in table.to_pylist()]
    keyed = {row["id"]: row for row in rows}
    assert len(keyed) == len(rows), "duplicate ids"
    return keyed


@contextmanager
def serving(instance: SmallInstance, clock, **options) -> Iterator[SnipeItEmulator]:
    """The instance on a loopback emulator, unthrottled and on `clock` unless told otherwise."""
    options = {"rate_limit": UNLIMITED, "clock": clock.time, **options}
    with SnipeItEmulator(instance, TOKEN, **options) as server:
        yield server


@contextmanager
def connectors(server: SnipeItEmulator, clock) -> Iterator[Callable[..., SnipeItConnector]]:
    """Makes connectors on `server` with small pages, fake time, seeded jitter and no pacing."""
    made: list[SnipeItConnector] = []

    def make(**overrides: object) -> SnipeItConnector:
        options: dict = {
            "token_env": TOKEN_ENV,
            "page_size": 4,
            "requests_per_minute": None,
            "http_settings": HttpSettings(timeout=(2.0, 2.0)),
            "sleep": clock.sleep,
            "monotonic": clock.monotonic,
            "wall_clock": clock.time,
            "rng": random.Random(7),
        }
        options.update(overrides)
        token = str(options.pop("token", TOKEN))
        connector = SnipeItConnector(
            str(options.pop("base_url", server.base_url)), token, **options
        )
        made.append(connector)
        return connector

    try:
        yield make
    finally:
        for connector in made:
            connector.close()
