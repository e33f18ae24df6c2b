"""The sample company's ServiceNow instance, its emulator, and connectors wired to fake time.

Not a conftest, so that test modules can import it by a name no other test folder uses.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from okta_org import FakeClock

from connectors.http import HttpSettings
from connectors.servicenow.client import ServiceNowConnector
from sample_company import generate
from sample_company.emulators.servicenow import ServiceNowEmulator
from sample_company.servicenow import ServiceNowInstance, servicenow_instance

USERNAME = "svc_software_audit"
PASSWORD = "Pa55-servicenow-secret-never-logged-7d1e"
TOKEN = "oauth-servicenow-token-never-logged-93ab"
PAGE_SIZE = 7
# No rate limiting unless a test asks for it: a fake clock never lets an hour pass by itself.
UNLIMITED = {"/api/now/table": 1_000_000}


@functools.cache
def sample_instance() -> ServiceNowInstance:
    """The tiny sample company's instance: 33 business applications, 37 entitlements."""
    return servicenow_instance(generate("tiny", seed=5))


def expected(entity: str) -> pa.Table:
    instance = sample_instance()
    return instance.business_apps if entity == "business_apps" else instance.licenses


@contextmanager
def running_emulator(
    clock: FakeClock | None = None, **options: Any
) -> Iterator[ServiceNowEmulator]:
    """The emulator serving the sample instance, accepting PASSWORD and TOKEN, unlimited."""
    settings: dict[str, Any] = {
        "username": USERNAME,
        "password": PASSWORD,
        "token": TOKEN,
        "rate_limits": UNLIMITED,
    }
    if clock is not None:
        settings["clock"] = clock.time
    settings.update(options)
    tables = settings.pop("tables", sample_instance().tables())
    with ServiceNowEmulator(tables, **settings) as server:
        yield server


def make_connector(base_url: str, clock: FakeClock, **overrides: Any) -> ServiceNowConnector:
    """A connector with small pages, fake time, seeded jitter and no pacing."""
    options: dict[str, Any] = {
        "username": USERNAME,
        "password": PASSWORD,
        "page_size": PAGE_SIZE,
        "requests_per_minute": None,
        "http_settings": HttpSettings(timeout=(2.0, 2.0)),
        "sleep": clock.sleep,
        "monotonic": clock.monotonic,
        "wall_clock": clock.time,
        "rng": random.Random(7),
    }
    options.update(overrides)
    return ServiceNowConnector(base_url, **options)


def read(connector: ServiceNowConnector, entity: str) -> pa.Table:
    schema = {e.name: e.schema for e in connector.entities()}[entity]
    return pa.Table.from_batches(list(connector.extract(entity)), schema=schema)


def by_sys_id(table: pa.Table) -> dict[str, dict]:
    """Rows keyed by sys_id, without `payload` (what ServiceNow sent, checked apart)."""
    rows = table.drop_columns(["payload"]).to_pylist()
    keyed = {row["sys_id"]: row for row in rows}
    assert len(keyed) == len(rows), "duplicate sys_ids"
    return keyed
