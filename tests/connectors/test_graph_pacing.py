"""Pacing keeps the connector under Graph's throttling limits, on a fake clock both sides share.

The emulator's limits are per 1-second window here (Graph's are per 10 seconds or a minute).
Time moves only when the connector sleeps, so requests sent without waiting fall in one instant
and every count below is exact, whatever the load on the machine.
"""

from __future__ import annotations

import requests
from graph_tenant import SECRET, UNLIMITED, harness, last_days, read

TEN_PER_SECOND = {**UNLIMITED, "auditLogs": 10, "signInActivity": 10}
SIGN_INS = "/v1.0/auditLogs/signIns"


def test_a_burst_of_requests_meets_429_so_the_tests_below_mean_something(clock):
    with harness(clock, rate_limits=TEN_PER_SECOND, rate_window=1.0) as graph:
        form = {
            "client_id": graph.tenant.audit_app_id,
            "client_secret": SECRET,
            "scope": f"{graph.emulator.base_url}/.default",
            "grant_type": "client_credentials",
        }
        url = f"{graph.emulator.base_url}/{graph.tenant.tenant_id}/oauth2/v2.0/token"
        token = requests.post(url, data=form, timeout=5).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        statuses = [
            session.get(f"{graph.emulator.base_url}{SIGN_INS}", timeout=5).status_code
            for _ in range(25)
        ]

    # Nobody slept, so all 25 fell in one window: the first 10 pass, the rest are refused.
    assert statuses == [200] * 10 + [429] * 15


def test_sign_ins_paced_under_the_server_limit_meet_no_429(clock):
    with harness(clock, rate_limits=TEN_PER_SECOND, rate_window=1.0) as graph:
        window = last_days(graph.tenant, 3)
        # 420 a minute is 7 a second: under the 10 the server allows.
        paced = graph.connector(sign_in_page_size=10, sign_ins_requests_per_minute=420)
        table = read(paced, "sign_ins", window)

    assert table.num_rows == graph.tenant.sign_in_count(window.start, window.end)
    sent = len([r for r in graph.emulator.requests if r.path == SIGN_INS])
    assert sent > 10  # more than one window's worth
    assert [r.status for r in graph.emulator.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of the pace it was given


def test_users_with_sign_in_activity_are_paced_in_their_own_lane(clock):
    with harness(clock, rate_limits=TEN_PER_SECOND, rate_window=1.0) as graph:
        # The directory lane is unpaced: only the signInActivity lane keeps under its limit.
        paced = graph.connector(page_size=5, sign_in_activity_requests_per_minute=420)
        table = read(paced, "users")

    assert table.num_rows == graph.tenant.users.num_rows
    sent = len([r for r in graph.emulator.requests if r.path == "/v1.0/users"])
    assert sent > 10  # more than one window's worth
    assert [r.status for r in graph.emulator.requests if r.status != 200] == []
    assert clock.elapsed <= sent / (0.8 * 7)  # at least 80% of the pace it was given
