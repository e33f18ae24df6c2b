"""Pacing keeps the connector under the instance's rate-limit rule, measured on the real clock.

ServiceNow's rules count requests per hour; here the emulator's rule allows 10 per 1-second
window, so each test takes a second or two instead of hours.
"""

from __future__ import annotations

import requests
from servicenow_instance import PASSWORD, USERNAME, by_sys_id, expected, read, running_emulator

from connectors.servicenow.client import ServiceNowConnector

TEN_PER_SECOND = {"/api/now/table": 10}


def test_a_burst_of_requests_meets_429_so_the_test_below_means_something():
    with running_emulator(rate_limits=TEN_PER_SECOND, rate_window=1.0) as instance:
        session = requests.Session()
        session.auth = (USERNAME, PASSWORD)
        # 25 at once: over 10 in one window even if the burst straddles two windows.
        url = f"{instance.base_url}/api/now/table/alm_license"
        statuses = [session.get(url, timeout=5).status_code for _ in range(25)]

    assert 429 in statuses


def test_a_connector_paced_under_the_rule_meets_no_429():
    with running_emulator(rate_limits=TEN_PER_SECOND, rate_window=1.0) as instance:
        # 420 a minute is 7 a second: under the 10 the rule allows, with room for jitter.
        connector = ServiceNowConnector(
            instance.base_url,
            username=USERNAME,
            password=PASSWORD,
            page_size=3,
            requests_per_minute=420,
        )
        table = read(connector, "business_apps")

    assert by_sys_id(table) == by_sys_id(expected("business_apps"))
    assert len(instance.requests) > 10  # more than one window's worth
    assert [r.status for r in instance.requests if r.status != 200] == []
