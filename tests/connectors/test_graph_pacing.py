"""Pacing keeps the connector under Graph's throttling limits, measured on the real clock.

The emulator's limits are per 1-second window here (Graph's are per 10 seconds or a minute), so
each test takes a second or two instead of minutes.
"""

from __future__ import annotations

import requests
from graph_tenant import SECRET, UNLIMITED, last_days, read, small_tenant

from connectors.graph.client import GraphConnector
from sample_company.emulators.graph import GraphEmulator

TEN_PER_SECOND = {**UNLIMITED, "auditLogs": 10, "signInActivity": 10}


def emulator(limits: dict[str, int]) -> GraphEmulator:
    return GraphEmulator(small_tenant(), SECRET, rate_limits=limits, rate_window=1.0)


def connector(graph: GraphEmulator, **options: object) -> GraphConnector:
    tenant = small_tenant()
    return GraphConnector(
        tenant.tenant_id,
        tenant.audit_app_id,
        SECRET,
        graph_base_url=graph.base_url,
        authority=graph.base_url,
        **options,
    )


def test_a_burst_of_requests_meets_429_so_the_tests_below_mean_something():
    tenant = small_tenant()
    with emulator(TEN_PER_SECOND) as graph:
        form = {
            "client_id": tenant.audit_app_id,
            "client_secret": SECRET,
            "scope": f"{graph.base_url}/.default",
            "grant_type": "client_credentials",
        }
        url = f"{graph.base_url}/{tenant.tenant_id}/oauth2/v2.0/token"
        token = requests.post(url, data=form, timeout=5).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        # 25 at once: over 10 in one window even if the burst straddles two windows.
        statuses = [
            session.get(f"{graph.base_url}/v1.0/auditLogs/signIns", timeout=5).status_code
            for _ in range(25)
        ]

    assert 429 in statuses


def test_sign_ins_paced_under_the_server_limit_meet_no_429():
    window = last_days(small_tenant(), 3)
    # 420 a minute is 7 a second: under the 10 the server allows, with room for jitter.
    options = {"sign_in_page_size": 10, "sign_ins_requests_per_minute": 420}
    with emulator(TEN_PER_SECOND) as graph, connector(graph, **options) as paced:
        table = read(paced, "sign_ins", window)

    assert table.num_rows == small_tenant().sign_in_count(window.start, window.end)
    sign_in_requests = [r for r in graph.requests if r.path == "/v1.0/auditLogs/signIns"]
    assert len(sign_in_requests) > 10  # more than one window's worth
    assert [r.status for r in graph.requests if r.status != 200] == []


def test_users_with_sign_in_activity_are_paced_in_their_own_lane():
    # The directory lane is unpaced: only the signInActivity lane keeps under its limit.
    options = {"page_size": 5, "requests_per_minute": None}
    with (
        emulator(TEN_PER_SECOND) as graph,
        connector(graph, sign_in_activity_requests_per_minute=420, **options) as paced,
    ):
        table = read(paced, "users")

    assert table.num_rows == small_tenant().users.num_rows
    assert len([r for r in graph.requests if r.path == "/v1.0/users"]) > 10
    assert [r.status for r in graph.requests if r.status != 200] == []
