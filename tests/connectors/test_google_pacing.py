"""Pacing keeps the connector under the Reports API quota, measured on the real clock.

The emulator's quota is 10 requests per 1-second window here (Google's are per minute), so each
test takes a second or two instead of minutes. Google sends no remaining-quota headers, so the
connector's own pace is all that keeps it clear of 429s.
"""

from __future__ import annotations

from datetime import datetime

import requests
from google_workspace import ACCESS_TOKEN, connector, emulator, expected, read

from connectors.base import Window

TEN_PER_SECOND = {"rate_limit": 10, "rate_window": 1.0}
DAY = Window(datetime(2026, 10, 29), datetime(2026, 10, 30))
REPORT = "/admin/reports/v1/activity/users/all/applications/login"


def test_a_burst_of_requests_meets_429_so_the_test_below_means_something():
    with emulator(**TEN_PER_SECOND) as google:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
        # 25 at once: over 10 in one window even if the burst straddles two windows.
        hour = {"startTime": "2026-10-29T09:00:00Z", "endTime": "2026-10-29T10:00:00Z"}
        url = f"{google.base_url}{REPORT}"
        statuses = [session.get(url, params=hour, timeout=5).status_code for _ in range(25)]

    assert 429 in statuses


def test_a_connector_paced_under_the_quota_meets_no_429():
    with emulator(**TEN_PER_SECOND) as google:
        # 420 a minute is 7 a second: under the 10 the emulator allows, with room for jitter.
        source = connector(google, None, page_size=5, requests_per_minute=420)
        table = read(source, "login_activities", DAY)

    assert table.num_rows == expected("login_activities", DAY).num_rows
    assert len(google.requests) > 10  # more than one window's worth
    assert [r.status for r in google.requests if r.status != 200] == []
