"""Pacing keeps the connector under Okta's rate limit, on a fake clock both sides share.

The emulator's limit is a few requests per 1-second window here (Okta's are per minute). Time
moves only when the connector sleeps, so requests sent without waiting fall in one instant and
every count below is exact, whatever the load on the machine.
"""

from __future__ import annotations

import random

import requests
from fake_clock import FakeClock
from okta_org import TOKEN, SmallOrg, read

from connectors.okta.client import OktaConnector
from sample_company.emulators.okta import OktaEmulator

USERS = "/api/v1/users"


def emulator(org: SmallOrg, clock: FakeClock, per_second: int) -> OktaEmulator:
    limits = {USERS: per_second}
    return OktaEmulator(org, TOKEN, rate_limits=limits, rate_window=1.0, clock=clock.time)


def connector(okta: OktaEmulator, clock: FakeClock, **options: object) -> OktaConnector:
    return OktaConnector(
        okta.base_url,
        TOKEN,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        wall_clock=clock.time,
        rng=random.Random(7),
        **options,
    )


def test_a_burst_of_requests_meets_429_so_the_tests_below_mean_something(org, clock):
    with emulator(org, clock, per_second=10) as okta:
        session = requests.Session()
        session.headers["Authorization"] = f"SSWS {TOKEN}"
        statuses = [
            session.get(f"{okta.base_url}{USERS}", timeout=5).status_code for _ in range(25)
        ]

    # Nobody slept, so all 25 fell in one window: the first 10 pass, the rest are refused.
    assert statuses == [200] * 10 + [429] * 15


def test_a_connector_paced_under_the_server_limit_meets_no_429(org, clock):
    with (
        emulator(org, clock, per_second=10) as okta,
        # 420 a minute is 7 a second: under the 10 the server allows.
        connector(okta, clock, page_size=5, requests_per_minute=420) as paced,
    ):
        table = read(paced, "users")

    assert table.num_rows == org.okta_users.num_rows
    sent = len(okta.requests)
    assert sent > 10  # more than one window's worth
    assert [r.status for r in okta.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of the pace it was given


def test_an_unpaced_connector_slows_down_by_itself_when_few_requests_remain(org, clock):
    with (
        emulator(org, clock, per_second=7) as okta,
        # No requests_per_minute: only X-Rate-Limit-Remaining tells the connector to slow down.
        connector(okta, clock, page_size=4, requests_per_minute=None) as unpaced,
    ):
        table = read(unpaced, "users")

    assert table.num_rows == org.okta_users.num_rows
    sent = len(okta.requests)
    assert sent > 14  # sent at once, these would have met 429 in each of two windows
    assert [r.status for r in okta.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of what the server allows
