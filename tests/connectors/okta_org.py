"""A small Okta org in the entity schemas, and helpers to read it.

Not a conftest, so that test modules can import it by a name no other test folder uses.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
from fake_clock import FakeClock as FakeClock  # other modules import it from here

from connectors.base import Window
from connectors.okta.client import OktaConnector
from connectors.okta.entities import APP_USERS, APPS, SSO_EVENTS, USERS

TOKEN = "00sEcReT-okta-token-never-logged-4f9c"
SSO = "user.authentication.sso"
FIRST_DAY = datetime(2026, 10, 29)
ALL_EVENTS = Window(FIRST_DAY, FIRST_DAY + timedelta(days=3))
# No rate limiting unless a test asks for it: a fake clock never lets a minute pass by itself.
UNLIMITED = {"/api/v1/users": 1_000_000, "/api/v1/apps": 1_000_000, "/api/v1/logs": 1_000_000}


@dataclass
class SmallOrg:
    """An Okta org in the shape `sample_company.generate` produces, small enough to read whole."""

    okta_users: pa.Table
    okta_apps: pa.Table
    okta_app_users: pa.Table
    events: pa.Table
    stream_calls: list[tuple[datetime, datetime]] = field(default_factory=list)

    def sso_events(self, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]:
        self.stream_calls.append((start, end))
        published = self.events.column("published")
        mask = pc.and_(pc.greater_equal(published, start), pc.less(published, end))
        yield from self.events.filter(mask).to_batches(max_chunksize=250)


def build_org(users: int = 57, apps: int = 7, events: int = 800, seed: int = 11) -> SmallOrg:
    rng = random.Random(seed)
    user_rows = []
    for i in range(users):
        status = "DEPROVISIONED" if i % 7 == 3 else "SUSPENDED" if i % 11 == 5 else "ACTIVE"
        created = datetime(2024, 1, 1) + timedelta(days=i, microseconds=i * 1000)
        user_rows.append(
            {
                "id": f"00u{i:017d}",
                "status": status,
                "created": created,
                "activated": created + timedelta(hours=1),
                "last_login": None if i % 5 == 0 else datetime(2026, 10, 1, 8, i % 60, 7, 123000),
                "profile_login": f"user{i}@example.com",
                "profile_email": f"user{i}@example.com",
                "profile_first_name": f"First{i}",
                "profile_last_name": "Zoë Ørsted" if i == 2 else f"Last{i}",
                "profile_department": ["Sales", "Engineering", "Finance"][i % 3],
                "profile_title": "Engineer",
                "profile_user_type": "service" if i == 9 else "employee",
                "profile_manager_id": None if i == 0 else "00u00000000000000000",
                "profile_cost_center": f"CC{i % 4}",
                "payload": json.dumps({"profile": {"nickName": "Zed"}}) if i == 1 else None,
            }
        )
    modes = ["SAML_2_0", "OPENID_CONNECT", "BOOKMARK", "AUTO_LOGIN"]
    app_rows = [
        {
            "id": f"0oa{i:017d}",
            "name": f"app_{i}",
            "label": f"App {i}",
            "status": "INACTIVE" if i == 4 else "ACTIVE",
            "sign_on_mode": modes[i % len(modes)],
            "created": datetime(2023, 5, 1 + i),
            "last_updated": datetime(2026, 1, 1 + i, 12, 30),
            "payload": None,
        }
        for i in range(apps)
    ]
    assignment_rows = [
        {
            "app_id": app["id"],
            "user_id": user["id"],
            "scope": "GROUP" if u % 2 else "USER",
            "status": "ACTIVE",
            "created": datetime(2025, 2, 1),
            "last_updated": datetime(2025, 3, 1, 9),
        }
        for a, app in enumerate(app_rows)
        if a != 6  # one app nobody is assigned to
        for u, user in enumerate(user_rows)
        if (u + a) % 3 == 0
    ]
    event_rows = []
    for n in range(events):
        # Whole seconds with several events each: ties in `published` straddle page boundaries.
        published = FIRST_DAY + timedelta(seconds=rng.randrange(3 * 86_400) // 400 * 400)
        user, app = user_rows[rng.randrange(users)], app_rows[rng.randrange(apps)]
        event_rows.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "published": published,
                "event_type": SSO if n % 50 else "user.session.start",
                "actor_id": user["id"],
                "actor_alternate_id": user["profile_login"],
                "target_app_id": app["id"],
                "target_app_display_name": app["label"],
                "outcome_result": "FAILURE" if n % 17 == 0 else "SUCCESS",
            }
        )
    event_rows.sort(key=lambda row: row["published"])  # stable: ties stay in random uuid order
    return SmallOrg(
        okta_users=pa.Table.from_pylist(user_rows, schema=USERS.schema),
        okta_apps=pa.Table.from_pylist(app_rows, schema=APPS.schema),
        okta_app_users=pa.Table.from_pylist(assignment_rows, schema=APP_USERS.schema),
        events=pa.Table.from_pylist(event_rows, schema=SSO_EVENTS.schema),
    )


def expected_sso_events(org: SmallOrg, window: Window) -> pa.Table:
    published = org.events.column("published")
    mask = pc.and_(
        pc.and_(pc.greater_equal(published, window.start), pc.less(published, window.end)),
        pc.equal(org.events.column("event_type"), SSO),
    )
    return org.events.filter(mask)


def read(connector: OktaConnector, entity: str, window: Window | None = None) -> pa.Table:
    schema = {e.name: e.schema for e in connector.entities()}[entity]
    return pa.Table.from_batches(list(connector.extract(entity, window)), schema=schema)


def by_key(table: pa.Table, key: tuple[str, ...]) -> dict[tuple, dict]:
    """Rows keyed by the entity key, without `payload` (that is what Okta sent, checked apart)."""
    rows = [{k: v for k, v in row.items() if k != "payload"} for row in table.to_pylist()]
    keyed = {tuple(row[k] for k in key): row for row in rows}
    assert len(keyed) == len(rows), "duplicate keys"
    return keyed
