"""The emulator answers like the Reports API and Google's token endpoint, seen at the HTTP level."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pyarrow as pa
import pytest
import requests
from google_workspace import (
    ACCESS_TOKEN,
    CLIENT_EMAIL,
    FakeClock,
    emulator,
    expected,
    service_account_key,
    workspace,
)

from connectors.base import Window
from connectors.google.auth import JWT_BEARER_GRANT, ServiceAccountTokens
from connectors.google.records import format_time, parse_time
from sample_company.emulators.google import GoogleEmulator

REPORT = "/admin/reports/v1/activity/users/all/applications/login"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def google(clock) -> Iterator[GoogleEmulator]:
    with emulator(clock=clock.time) as server:
        yield server


def get(server: GoogleEmulator, path: str = REPORT, token: str = ACCESS_TOKEN, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{server.base_url}{path}", params=params, headers=headers, timeout=5)


def hour(start: str = "2026-10-29T14:00:00Z", end: str = "2026-10-29T18:00:00Z") -> dict:
    return {"startTime": start, "endTime": end}


def assertion(server: GoogleEmulator, clock: FakeClock, **overrides) -> str:
    tokens = ServiceAccountTokens(
        "google",
        service_account_key(),
        overrides.pop("subject", server.admin_email),
        secret_env="KEY",
        token_url=overrides.pop("audience", server.token_url),
        rng=random.Random(1),
    )
    return tokens.assertion(int(overrides.pop("issued_at", clock.time())))


def window(params: dict) -> Window:
    return Window(parse_time(params["startTime"]), parse_time(params["endTime"]))


def token_request(server: GoogleEmulator, **form) -> requests.Response:
    return requests.post(server.token_url, data=form, timeout=5)


def test_a_page_lists_activities_newest_first_in_googles_shape_with_a_next_page_token(google):
    response = get(google, maxResults=3, **hour())

    body = response.json()
    assert response.status_code == 200
    assert body["kind"] == "admin#reports#activities"
    times = [item["id"]["time"] for item in body["items"]]
    assert times == sorted(times, reverse=True)
    assert len(times) == 3
    item = body["items"][0]
    assert list(item) == ["kind", "id", "etag", "actor", "ipAddress", "events"]
    assert list(item["id"]) == ["time", "uniqueQualifier", "applicationName", "customerId"]
    assert item["id"]["time"].endswith("Z")
    assert len(item["id"]["time"]) == 24
    token = body["nextPageToken"]
    assert token.startswith("A:")
    assert token.endswith(f":login:{google.workspace.customer_id}")


def test_following_page_tokens_gives_every_activity_of_the_range_once(google):
    seen, token = [], None
    while True:
        body = get(google, maxResults=7, pageToken=token, **hour()).json()
        seen += [(i["id"]["time"], i["id"]["uniqueQualifier"]) for i in body.get("items", [])]
        token = body.get("nextPageToken")
        if token is None:
            break

    want = expected("login_activities", window(hour()))
    assert len(seen) == len(set(seen)) == want.num_rows


def test_end_time_is_inclusive(google):
    day = expected("login_activities", window(hour()))
    moment = format_time(day["id_time"][3].as_py())

    body = get(google, startTime=moment, endTime=moment).json()

    assert {item["id"]["time"] for item in body["items"]} == {moment}


def test_an_empty_range_has_no_items_and_no_next_page_token(google):
    body = get(google, **hour("2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z")).json()

    assert "items" not in body
    assert "nextPageToken" not in body


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"maxResults": "1001"}, id="maxResults-too-big"),
        pytest.param({"maxResults": "0"}, id="maxResults-zero"),
        pytest.param({"startTime": "2026-10-29T09:00:00"}, id="time-without-zone"),
        pytest.param({"pageToken": "A:1:2:token:C0xxxxxxx"}, id="token-of-another-application"),
    ],
)
def test_a_bad_parameter_is_a_400_in_googles_error_shape(google, params):
    response = get(google, **(hour() | params))

    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == 400
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["errors"][0]["reason"] == "invalid"


@pytest.mark.parametrize("token", ["", "ya29.unknown"])
def test_a_missing_or_unknown_token_is_a_401_auth_error(google, token):
    response = get(google, token=token, **hour())

    assert response.status_code == 401
    assert response.json()["error"]["errors"][0]["reason"] == "authError"
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_path_outside_the_api_is_a_404_page(google):
    response = get(google, path="/admin/reports/v2/nothing")

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_the_token_endpoint_exchanges_a_valid_assertion_for_a_bearer_token(google, clock):
    response = token_request(
        google, grant_type=JWT_BEARER_GRANT, assertion=assertion(google, clock)
    )

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    assert get(google, token=body["access_token"], **hour()).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "description"),
    [
        pytest.param({"audience": "https://elsewhere.test/token"}, "audience", id="wrong-aud"),
        pytest.param({"issued_at": 1_700_000_000}, "iat and exp", id="expired"),
        pytest.param({"subject": "ceo@other.example"}, "Invalid email", id="foreign-subject"),
    ],
)
def test_the_token_endpoint_refuses_an_assertion_google_would_refuse(
    google, clock, overrides, description
):
    response = token_request(
        google, grant_type=JWT_BEARER_GRANT, assertion=assertion(google, clock, **overrides)
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert description in response.json()["error_description"]


def test_the_token_endpoint_refuses_another_grant_type(google):
    response = token_request(google, grant_type="client_credentials")

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_the_assertion_is_not_recorded(google, clock):
    token_request(google, grant_type=JWT_BEARER_GRANT, assertion=assertion(google, clock))

    (recorded,) = google.requests
    assert recorded.params["assertion"] == "<redacted>"
    assert CLIENT_EMAIL not in str(recorded)


def test_a_page_token_is_honoured_by_an_emulator_that_never_served_its_query(google, clock):
    # GIVEN a first page from one emulator, and a second emulator of the same company
    first = get(google, maxResults=7, **hour()).json()
    following = get(google, maxResults=7, pageToken=first["nextPageToken"], **hour())

    with emulator(clock=clock.time) as fresh:
        resumed = get(fresh, maxResults=7, pageToken=first["nextPageToken"], **hour())

    # THEN the token alone says where the next page starts: the same page, byte for byte
    assert resumed.status_code == 200
    assert resumed.content == following.content


def test_a_well_formed_page_token_naming_no_activity_of_the_range_is_a_400(google):
    token = f"A:1793000000000000:-42:login:{google.workspace.customer_id}"

    response = get(google, pageToken=token, **hour())

    assert response.status_code == 400
    assert response.json()["error"]["message"] == f"Invalid value '{token}' for pageToken"


class CountingView:
    """The tiny company's Google view, noting each range the emulator reads from it."""

    def __init__(self) -> None:
        self.view = workspace()
        self.customer_id, self.domain = self.view.customer_id, self.view.domain
        self.ranges: list[tuple[datetime, datetime]] = []

    def activities(self, application: str, start: datetime, end: datetime) -> pa.Table:
        self.ranges.append((start, end))
        return self.view.activities(application, start, end)


def test_a_long_query_is_read_from_the_company_a_few_days_at_a_time_as_it_is_paged():
    view = CountingView()
    months = hour("2026-05-04T00:00:00Z", "2026-10-31T00:00:00Z")
    with emulator(view) as google:
        token, pages = None, 0
        while pages < 3:
            body = get(google, maxResults=50, pageToken=token, **months).json()
            token, pages = body["nextPageToken"], pages + 1

    # Three pages of 50 are a few days of the tiny company's logins, not its six months: the
    # first day, learning the company's pace, then chunks of up to a week, two of them drawn
    # ahead of the pages served (one waiting, one being drawn).
    read_from = min(start for start, _ in view.ranges)
    assert datetime(2026, 10, 31) - read_from <= timedelta(days=1 + 3 * 7)
    assert len(view.ranges) <= 6


def test_days_are_drawn_off_the_request_path_while_pages_are_served():
    """No request waits for the emulator to draw a chunk of days the one before it did not need:
    a paced client would lose that time against its quota, which Google's servers do not cost.
    The chunks are drawn in a thread of their own, one ahead of the pages served."""

    class ThreadNotingView(CountingView):
        def __init__(self) -> None:
            super().__init__()
            self.threads: list[str] = []

        def activities(self, application: str, start: datetime, end: datetime) -> pa.Table:
            self.threads.append(threading.current_thread().name)
            return super().activities(application, start, end)

    view = ThreadNotingView()
    months = hour("2026-05-04T00:00:00Z", "2026-10-31T00:00:00Z")
    with emulator(view) as google:
        token = None
        for _ in range(3):
            token = get(google, maxResults=50, pageToken=token, **months).json()["nextPageToken"]

    assert len(view.threads) >= 2
    assert set(view.threads) == {"read-ahead"}


def test_activities_past_what_google_has_logged_are_not_served_yet(google):
    def times() -> list[str]:
        found, token = [], None
        while True:
            body = get(google, maxResults=1000, pageToken=token, **hour()).json()
            found += [item["id"]["time"] for item in body.get("items", [])]
            token = body.get("nextPageToken")
            if token is None:
                return found

    everything = times()
    google.logged_until = datetime(2026, 10, 29, 16, 0)  # a request made at 16:00

    logged = times()

    assert logged == [moment for moment in everything if moment <= "2026-10-29T16:00:00.000Z"]
    assert 0 < len(logged) < len(everything)
