"""Pacing keeps the connector under ServiceNow's rate-limit rule, on a fake clock both sides share.

ServiceNow's rules count requests per hour; here the emulator's rule allows 10 per 1-second
window. Time moves only when the connector sleeps, so requests sent without waiting fall in one
instant and every count below is exact, whatever the load on the machine.
"""

from __future__ import annotations

import requests
from servicenow_instance import (
    PASSWORD,
    USERNAME,
    by_sys_id,
    expected,
    make_connector,
    read,
    running_emulator,
)

TEN_PER_SECOND = {"/api/now/table": 10}


def test_a_burst_of_requests_meets_429_so_the_test_below_means_something(clock):
    with running_emulator(clock, rate_limits=TEN_PER_SECOND, rate_window=1.0) as instance:
        session = requests.Session()
        session.auth = (USERNAME, PASSWORD)
        url = f"{instance.base_url}/api/now/table/alm_license"
        statuses = [session.get(url, timeout=5).status_code for _ in range(25)]

    # Nobody slept, so all 25 fell in one window: the first 10 pass, the rest are refused.
    assert statuses == [200] * 10 + [429] * 15


def test_a_connector_paced_under_the_rule_meets_no_429(clock):
    with (
        running_emulator(clock, rate_limits=TEN_PER_SECOND, rate_window=1.0) as instance,
        # 420 a minute is 7 a second: under the 10 the rule allows.
        make_connector(instance.base_url, clock, page_size=3, requests_per_minute=420) as paced,
    ):
        table = read(paced, "business_apps")

    assert by_sys_id(table) == by_sys_id(expected("business_apps"))
    sent = len(instance.requests)
    assert sent > 10  # more than one window's worth
    assert [r.status for r in instance.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of the pace it was given
