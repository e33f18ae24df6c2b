"""The tiny sample company's Microsoft tenant, its emulator and connectors wired to fake time.

Not a conftest, so that test modules can import it by a name no other test folder uses.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pyarrow as pa
from okta_org import FakeClock

from connectors.base import Window
from connectors.graph.client import GraphConnector
from connectors.http import HttpSettings
from sample_company.company import generate
from sample_company.emulators.graph import GraphEmulator
from sample_company.graph import GraphTenant, graph_tenant

SECRET = "graph~SeCrEt.never-logged_8Q"
# No throttling unless a test asks for it: a fake clock never lets a window pass by itself.
UNLIMITED = {"auditLogs": 1_000_000, "signInActivity": 1_000_000, "directory": 1_000_000}
NO_PACING = {
    "requests_per_minute": None,
    "sign_in_activity_requests_per_minute": None,
    "sign_ins_requests_per_minute": None,
}


@functools.cache
def small_tenant() -> GraphTenant:
    """The tiny company's tenant: 63 users, 4 SKUs, some 6,000 sign-ins over 180 days."""
    return graph_tenant(generate("tiny", seed=7))


def last_days(tenant: GraphTenant, days: int) -> Window:
    return Window(tenant.events_end - timedelta(days=days), tenant.events_end)


@dataclass
class Harness:
    """An emulator of `tenant` and the connectors made against it, all on `clock`."""

    tenant: GraphTenant
    emulator: GraphEmulator
    clock: FakeClock
    made: list[GraphConnector] = field(default_factory=list)

    def connector(self, **overrides: object) -> GraphConnector:
        """A connector with small pages, fake time, seeded jitter and no pacing."""
        options: dict = {
            "graph_base_url": self.emulator.base_url,
            "authority": self.emulator.base_url,
            "page_size": 20,
            "sign_in_page_size": 50,
            # A query a day (the default is a week), so a few days of sign-ins take several.
            "event_window_span": timedelta(days=1),
            "http_settings": HttpSettings(timeout=(2.0, 2.0)),
            "sleep": self.clock.sleep,
            "monotonic": self.clock.monotonic,
            "wall_clock": self.clock.time,
            "rng": random.Random(7),
            **NO_PACING,
        }
        options.update(overrides)
        secret = str(options.pop("client_secret", SECRET))
        client_id = str(options.pop("client_id", self.tenant.audit_app_id))
        tenant_id = str(options.pop("tenant_id", self.tenant.tenant_id))
        connector = GraphConnector(tenant_id, client_id, secret, **options)
        self.made.append(connector)
        return connector


@contextmanager
def harness(clock: FakeClock, **emulator_options: object) -> Iterator[Harness]:
    tenant = small_tenant()
    options: dict = {"rate_limits": UNLIMITED, "clock": clock.time, **emulator_options}
    with GraphEmulator(tenant, SECRET, **options) as emulator:
        made = Harness(tenant, emulator, clock)
        try:
            yield made
        finally:
            for connector in made.made:
                connector.close()


def read(connector: GraphConnector, entity: str, window: Window | None = None) -> pa.Table:
    schema = {e.name: e.schema for e in connector.entities()}[entity]
    return pa.Table.from_batches(list(connector.extract(entity, window)), schema=schema)


def by_key(table: pa.Table, key: str = "id") -> dict[str, dict]:
    """Rows by id, without `payload` (what Graph sent is checked apart)."""
    rows = [{k: v for k, v in row.items() if k != "payload"} for row in table.to_pylist()]
    keyed = {row[key]: row for row in rows}
    assert len(keyed) == len(rows), "duplicate keys"
    return keyed


def graph_requests(emulator: GraphEmulator, path: str) -> list:
    return [r for r in emulator.requests if r.method == "GET" and r.path == path]
