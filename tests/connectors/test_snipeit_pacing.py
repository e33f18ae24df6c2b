"""Pacing keeps the connector under Snipe-IT's throttle, measured on the real clock.

The emulator's throttle allows 10 requests per 1-second window here (Snipe-IT's default is 120
a minute), so each test takes a second or two instead of minutes.
"""

from __future__ import annotations

import pytest
import requests
from snipeit_org import TOKEN, build_instance, read

from connectors.snipeit.client import SnipeItConnector
from sample_company.emulators.snipeit import SnipeItEmulator


@pytest.fixture(scope="module")
def instance():
    return build_instance()


def test_a_burst_of_requests_meets_429_so_the_tests_below_mean_something(instance):
    with SnipeItEmulator(instance, TOKEN, rate_limit=10, rate_window=1.0) as snipeit:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
        # 25 at once: over 10 in one window even if the burst straddles two windows.
        url = f"{snipeit.base_url}/api/v1/licenses"
        statuses = [session.get(url, timeout=5).status_code for _ in range(25)]

    assert 429 in statuses


def test_a_connector_paced_under_the_server_limit_meets_no_429(instance):
    with SnipeItEmulator(instance, TOKEN, rate_limit=10, rate_window=1.0) as snipeit:
        # 420 a minute is 7 a second: under the 10 the server allows, with room for jitter.
        connector = SnipeItConnector(snipeit.base_url, TOKEN, page_size=2, requests_per_minute=420)
        table = read(connector, "licenses")

    assert table.num_rows == instance.licenses.num_rows
    assert len(snipeit.requests) > 10  # more than one window's worth
    assert [r.status for r in snipeit.requests if r.status != 200] == []


def test_an_unpaced_connector_slows_down_by_itself_when_few_requests_remain(instance):
    with SnipeItEmulator(instance, TOKEN, rate_limit=7, rate_window=1.0) as snipeit:
        # No requests_per_minute: only X-RateLimit-Remaining and the reset tell it to slow down.
        connector = SnipeItConnector(snipeit.base_url, TOKEN, page_size=1, requests_per_minute=None)
        table = read(connector, "licenses")

    assert table.num_rows == instance.licenses.num_rows
    assert len(snipeit.requests) > 14  # a burst this long would exceed 7 in one of two windows
    assert [r.status for r in snipeit.requests if r.status != 200] == []
