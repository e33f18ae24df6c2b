"""Pacing keeps the connector under Okta's rate limit, measured on the real clock.

The emulator's limit is 10 requests per 1-second window here (Okta's are per minute), so each
test takes a second or two instead of minutes.
"""

from __future__ import annotations

import requests
from okta_org import TOKEN, read

from connectors.okta.client import OktaConnector
from sample_company.emulators.okta import OktaEmulator

TEN_PER_SECOND = {"/api/v1/users": 10}


def test_a_burst_of_requests_meets_429_so_the_tests_below_mean_something(org):
    with OktaEmulator(org, TOKEN, rate_limits=TEN_PER_SECOND, rate_window=1.0) as okta:
        session = requests.Session()
        session.headers["Authorization"] = f"SSWS {TOKEN}"
        # 25 at once: over 10 in one window even if the burst straddles two windows.
        statuses = [
            session.get(f"{okta.base_url}/api/v1/users", timeout=5).status_code for _ in range(25)
        ]

    assert 429 in statuses


def test_a_connector_paced_under_the_server_limit_meets_no_429(org):
    with OktaEmulator(org, TOKEN, rate_limits=TEN_PER_SECOND, rate_window=1.0) as okta:
        # 420 a minute is 7 a second: under the 10 the server allows, with room for jitter.
        connector = OktaConnector(okta.base_url, TOKEN, page_size=5, requests_per_minute=420)
        table = read(connector, "users")

    assert table.num_rows == org.okta_users.num_rows
    assert len(okta.requests) > 10  # more than one window's worth
    assert [r.status for r in okta.requests if r.status != 200] == []


def test_an_unpaced_connector_slows_down_by_itself_when_few_requests_remain(org):
    with OktaEmulator(org, TOKEN, rate_limits={"/api/v1/users": 7}, rate_window=1.0) as okta:
        # No requests_per_minute: only X-Rate-Limit-Remaining tells the connector to slow down.
        connector = OktaConnector(okta.base_url, TOKEN, page_size=4, requests_per_minute=None)
        table = read(connector, "users")

    assert table.num_rows == org.okta_users.num_rows
    assert len(okta.requests) > 14  # a burst this long would exceed 7 in one of two windows
    assert [r.status for r in okta.requests if r.status != 200] == []
