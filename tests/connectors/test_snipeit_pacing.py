"""Pacing keeps the connector under Snipe-IT's throttle, on a fake clock both sides share.

The emulator's throttle allows a few requests per 1-second window here (Snipe-IT's default is
120 a minute). Time moves only when the connector sleeps, so requests sent without waiting fall
in one instant and every count below is exact, whatever the load on the machine.
"""

from __future__ import annotations

import pytest
import requests
from snipeit_org import TOKEN, build_instance, connectors, read, serving


@pytest.fixture(scope="module")
def instance():
    return build_instance()


def test_a_burst_of_requests_meets_429_so_the_tests_below_mean_something(instance, clock):
    with serving(instance, clock, rate_limit=10, rate_window=1.0) as snipeit:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
        url = f"{snipeit.base_url}/api/v1/licenses"
        statuses = [session.get(url, timeout=5).status_code for _ in range(25)]

    # Nobody slept, so all 25 fell in one window: the first 10 pass, the rest are refused.
    assert statuses == [200] * 10 + [429] * 15


def test_a_connector_paced_under_the_server_limit_meets_no_429(instance, clock):
    with (
        serving(instance, clock, rate_limit=10, rate_window=1.0) as snipeit,
        connectors(snipeit, clock) as make,
    ):
        # 420 a minute is 7 a second: under the 10 the server allows.
        table = read(make(page_size=2, requests_per_minute=420), "licenses")

    assert table.num_rows == instance.licenses.num_rows
    sent = len(snipeit.requests)
    assert sent > 10  # more than one window's worth
    assert [r.status for r in snipeit.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of the pace it was given


def test_an_unpaced_connector_slows_down_by_itself_when_few_requests_remain(instance, clock):
    with (
        serving(instance, clock, rate_limit=7, rate_window=1.0) as snipeit,
        connectors(snipeit, clock) as make,
    ):
        # No requests_per_minute: only X-RateLimit-Remaining and the reset tell it to slow down.
        table = read(make(page_size=1, requests_per_minute=None), "licenses")

    assert table.num_rows == instance.licenses.num_rows
    sent = len(snipeit.requests)
    assert sent > 14  # sent at once, these would have met 429 in each of two windows
    assert [r.status for r in snipeit.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of what the server allows
