"""Fixtures: the small Okta org, its emulator on loopback, and connectors wired to fake time."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest
from okta_org import TOKEN, UNLIMITED, FakeClock, SmallOrg, build_org

from connectors.http import HttpSettings
from connectors.okta.client import OktaConnector
from sample_company.emulators.okta import OktaEmulator


@pytest.fixture(scope="session")
def org() -> SmallOrg:
    return build_org()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def okta(org: SmallOrg, clock: FakeClock) -> Iterator[OktaEmulator]:
    org.stream_calls.clear()
    with OktaEmulator(org, TOKEN, rate_limits=UNLIMITED, clock=clock.time) as server:
        yield server


@pytest.fixture
def make_connector(okta: OktaEmulator, clock: FakeClock) -> Iterator[Callable[..., OktaConnector]]:
    """Connectors on the emulator with small pages, fake time, seeded jitter and no pacing."""
    made: list[OktaConnector] = []

    def make(**overrides: object) -> OktaConnector:
        options: dict = {
            "page_size": 10,
            "log_page_size": 50,
            "requests_per_minute": None,
            "http_settings": HttpSettings(timeout=(2.0, 2.0)),
            "sleep": clock.sleep,
            "monotonic": clock.monotonic,
            "wall_clock": clock.time,
            "rng": random.Random(7),
        }
        options.update(overrides)
        connector = OktaConnector(str(options.pop("base_url", okta.base_url)), TOKEN, **options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()
