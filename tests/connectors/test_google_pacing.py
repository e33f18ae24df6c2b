"""Pacing keeps the connector under the Reports API quota, on a fake clock both sides share.

The emulator's quota is 10 requests per 1-second window here (Google's are per minute). Time
moves only when the connector sleeps, so requests sent without waiting fall in one instant and
every count below is exact, whatever the load on the machine. Google sends no remaining-quota
headers, so the connector's own pace is all that keeps it clear of 429s.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import requests
from google_workspace import ACCESS_TOKEN, FakeClock, connector, emulator, expected, read

from connectors.base import Window

DAY = Window(datetime(2026, 10, 29), datetime(2026, 10, 30))
REPORT = "/admin/reports/v1/activity/users/all/applications/login"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_burst_of_requests_meets_429_so_the_test_below_means_something(clock):
    with emulator(rate_limit=10, rate_window=1.0, clock=clock.time) as google:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
        hour = {"startTime": "2026-10-29T09:00:00Z", "endTime": "2026-10-29T10:00:00Z"}
        url = f"{google.base_url}{REPORT}"
        statuses = [session.get(url, params=hour, timeout=5).status_code for _ in range(25)]

    # Nobody slept, so all 25 fell in one window: the first 10 pass, the rest are refused.
    assert statuses == [200] * 10 + [429] * 15


def test_a_connector_paced_under_the_quota_meets_no_429(clock):
    with (
        emulator(rate_limit=10, rate_window=1.0, clock=clock.time) as google,
        # 420 a minute is 7 a second: under the 10 the emulator allows.
        connector(google, clock, page_size=5, requests_per_minute=420) as paced,
    ):
        table = read(paced, "login_activities", DAY)

    assert table.num_rows == expected("login_activities", DAY).num_rows
    sent = len([r for r in google.requests if r.method == "GET"])
    assert sent > 10  # more than one window's worth
    assert [r.status for r in google.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of the pace it was given
