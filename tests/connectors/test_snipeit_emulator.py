"""The emulator answers like Snipe-IT: fields, paging quirks, errors and throttle headers.

These requests are made with plain `requests`, not the connector, so a shared misreading of the
API between the two cannot hide here.
"""

from __future__ import annotations

import json

import pytest
import requests
from snipeit_org import TOKEN, build_instance, serving

from sample_company.emulators.server import Fault
from sample_company.emulators.snipeit import SnipeItEmulator

AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
THROTTLE = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"}


@pytest.fixture(scope="module")
def instance():
    return build_instance()


@pytest.fixture
def snipeit(instance, clock):
    with serving(instance, clock) as server:
        yield server


def get(server, path: str, headers: dict | None = None, **params) -> requests.Response:
    headers = AUTH if headers is None else headers
    return requests.get(server.base_url + path, params=params, headers=headers, timeout=5)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Accept": "application/json"}, id="no-authorization"),
        pytest.param({**AUTH, "Authorization": "Bearer wrong"}, id="wrong-token"),
        pytest.param({**AUTH, "Authorization": TOKEN}, id="token-without-Bearer"),
    ],
)
def test_a_request_without_the_bearer_token_gets_snipeit_s_401(snipeit, headers):
    response = get(snipeit, "/api/v1/licenses", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized or unauthenticated."}


def test_a_client_that_does_not_ask_for_json_is_sent_to_the_login_page(snipeit):
    response = get(snipeit, "/api/v1/licenses", headers={"Authorization": "Bearer wrong"})

    assert [r.status_code for r in response.history] == [302]
    assert response.status_code == 200
    assert response.url.endswith("/login")
    assert response.headers["Content-Type"].startswith("text/html")


def test_every_answer_carries_the_throttle_s_headers_and_429_past_the_limit(instance, clock):
    with SnipeItEmulator(instance, TOKEN, rate_limit=2, clock=clock.time) as snipeit:
        first = get(snipeit, "/api/v1/licenses")
        get(snipeit, "/api/v1/licenses/2/seats")  # the same bucket: the throttle is per user
        refused = get(snipeit, "/api/v1/licenses")

    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    # Seconds to the window's reset, and the same as an epoch time.
    seconds = int(first.headers["X-RateLimit-Reset"])
    assert 0 < seconds <= 60
    assert first.headers["Retry-After"] == str(seconds)
    assert int(first.headers["X-RateLimit-Reset-Timestamp"]) == pytest.approx(
        clock.time() + seconds, abs=1
    )
    assert refused.status_code == 429
    assert refused.json() == {"status": "error", "messages": "Too many requests", "payload": None}
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_licenses_come_newest_first_unless_sort_and_order_say_otherwise(instance, snipeit):
    default = get(snipeit, "/api/v1/licenses").json()
    by_id = get(snipeit, "/api/v1/licenses", sort="id", order="asc").json()

    created = {row["id"]: row["created_at"] for row in instance.licenses.to_pylist()}
    newest_first = sorted(created, key=lambda i: created[i], reverse=True)
    assert [row["id"] for row in default["rows"]] == newest_first
    assert [row["id"] for row in by_id["rows"]] == sorted(created)
    assert default["total"] == by_id["total"] == instance.licenses.num_rows


def test_limit_is_capped_at_max_results_and_defaults_to_it(instance, clock):
    with serving(instance, clock, max_results=5) as snipeit:
        over = get(snipeit, "/api/v1/licenses", limit=50).json()
        unset = get(snipeit, "/api/v1/licenses").json()
        asked = get(snipeit, "/api/v1/licenses", limit=3).json()

    assert [len(page["rows"]) for page in (over, unset, asked)] == [5, 5, 3]


def test_an_offset_past_the_end_is_an_empty_page_of_licenses_but_the_first_page_of_seats(
    snipeit,
):
    licenses = get(snipeit, "/api/v1/licenses", offset=999).json()
    first = get(snipeit, "/api/v1/licenses/14/seats", order="asc", limit=3).json()
    past = get(snipeit, "/api/v1/licenses/14/seats", order="asc", limit=3, offset=999).json()

    assert licenses["rows"] == []
    assert licenses["total"] == 23
    assert past == first  # LicenseSeatsController resets an offset >= total to 0


def test_a_page_of_seats_is_the_same_bytes_each_time_it_is_asked_for(snipeit):
    # Seats are rendered once and kept: the page asked again must be what rendering gives.
    pages = [
        get(snipeit, "/api/v1/licenses/14/seats", order="asc", limit=5, offset=5).content
        for _ in range(2)
    ]
    rows = snipeit._seats[14][5:10]
    rendered = {"total": len(snipeit._seats[14]), "rows": [snipeit._seat_json(r) for r in rows]}
    assert pages[0] == pages[1] == json.dumps(rendered, separators=(",", ":")).encode()


def test_the_seats_of_a_license_that_does_not_exist_are_an_error_sent_with_200(snipeit):
    response = get(snipeit, "/api/v1/licenses/9999/seats")

    assert response.status_code == 200
    assert response.json() == {
        "status": "error",
        "messages": "License does not exist or you do not have permission to view it.",
        "payload": None,
    }


def test_objects_carry_snipeit_s_fields_with_escaped_text_and_empty_strings(snipeit):
    licenses = {row["id"]: row for row in get(snipeit, "/api/v1/licenses").json()["rows"]}
    seats = get(snipeit, "/api/v1/licenses/14/seats", order="asc").json()["rows"]

    escaped = licenses[8]
    assert escaped["name"] == "Visio Std &amp; Pro &#039;EU&#039; &lt;2024&gt; &quot;retail&quot;"
    assert escaped["purchase_date"] == {"date": "2025-03-03", "formatted": "2025-03-03"}
    assert set(escaped["created_at"]) == {"datetime", "formatted"}
    assert licenses[2]["order_number"] == ""  # e(null)
    assert licenses[29]["purchase_cost"] is None
    assert {"product_key", "free_seats_count", "user_can_checkout", "available_actions"} <= set(
        escaped
    )
    assert {"id", "license_id", "assigned_user", "assigned_asset", "location", "updated_at"} <= set(
        seats[0]
    )
    people = [seat["assigned_user"] for seat in seats if seat["assigned_user"]]
    assert people
    assert {"id", "name", "email", "department"} <= set(people[0])


def test_an_unknown_endpoint_gets_snipeit_s_404(snipeit):
    response = get(snipeit, "/api/v1/softwares")

    assert response.status_code == 404
    assert response.json()["messages"] == "404 endpoint not found"


def test_maintenance_mode_answers_without_throttle_headers_and_with_its_own_retry_after(snipeit):
    snipeit.faults.add(Fault("server_error", "/api/v1/licenses", status=503, retry_after=25))

    response = get(snipeit, "/api/v1/licenses")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "25"
    assert THROTTLE & set(response.headers) == {"Retry-After"}


def test_a_server_error_carries_the_throttle_s_retry_after_like_every_answer(snipeit):
    snipeit.faults.add(Fault("server_error", "/api/v1/licenses", status=500))

    response = get(snipeit, "/api/v1/licenses")

    assert response.status_code == 500
    assert set(response.headers) >= THROTTLE
    assert response.headers["Retry-After"] == response.headers["X-RateLimit-Reset"]


def test_recorded_requests_keep_parameters_but_not_the_token(snipeit):
    get(snipeit, "/api/v1/licenses", limit=5)

    (recorded,) = snipeit.requests
    assert recorded.params == {"limit": "5"}
    assert recorded.headers["Authorization"] == "<redacted>"
    assert TOKEN not in repr(snipeit.requests)
