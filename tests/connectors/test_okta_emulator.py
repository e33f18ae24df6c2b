"""The emulator answers like Okta: field names, pagination, errors and rate-limit headers.

These requests are made with plain `requests`, not the connector, so a shared misreading of the
API between the two cannot hide here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import requests
from okta_org import SSO, TOKEN, UNLIMITED

from connectors.okta.entities import APP_USER_CHANGES
from sample_company.company import Company, generate
from sample_company.emulators.okta import OktaEmulator

AUTH = {"Authorization": f"SSWS {TOKEN}", "Accept": "application/json"}
BOUNDED = {"since": "2026-10-29T00:00:00.000Z", "until": "2026-10-29T06:00:00.000Z"}
OKTA_ERROR_FIELDS = {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}


def get(okta: OktaEmulator, path: str, headers: dict | None = None, **params) -> requests.Response:
    headers = AUTH if headers is None else headers
    return requests.get(okta.base_url + path, params=params, headers=headers, timeout=5)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-authorization"),
        pytest.param({"Authorization": "SSWS wrong"}, id="wrong-token"),
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, id="bearer-instead-of-SSWS"),
    ],
)
def test_a_request_without_the_ssws_token_gets_okta_s_401(okta, headers):
    response = get(okta, "/api/v1/users", headers=headers)

    assert response.status_code == 401
    assert set(response.json()) == OKTA_ERROR_FIELDS
    assert response.json()["errorCode"] == "E0000011"


def test_every_answer_reports_the_bucket_s_rate_limit_and_429_past_it(org, clock):
    with OktaEmulator(org, TOKEN, rate_limits={"/api/v1/apps": 2}, clock=clock.time) as okta:
        first = get(okta, "/api/v1/apps")
        get(okta, "/api/v1/apps/0oa00000000000000000/users")  # the same bucket as /api/v1/apps
        refused = get(okta, "/api/v1/apps")

    assert first.headers["X-Rate-Limit-Limit"] == "2"
    assert first.headers["X-Rate-Limit-Remaining"] == "1"
    assert int(first.headers["X-Rate-Limit-Reset"]) > clock.time()
    assert refused.status_code == 429
    assert refused.json()["errorCode"] == "E0000047"
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"


def test_lists_page_with_limit_and_a_link_header_carrying_after(okta):
    first = get(okta, "/api/v1/apps", limit=3)
    second = requests.get(first.links["next"]["url"], headers=AUTH, timeout=5)

    assert [app["id"] for app in first.json()] == [f"0oa{i:017d}" for i in range(3)]
    assert "after=0oa00000000000000002" in first.links["next"]["url"]
    assert first.links["self"]["url"].endswith("/api/v1/apps?limit=3")
    assert [app["id"] for app in second.json()] == [f"0oa{i:017d}" for i in range(3, 6)]


def test_the_users_list_leaves_deprovisioned_users_out_unless_filtered_for(org, okta):
    listed = get(okta, "/api/v1/users", limit=200).json()
    deprovisioned = get(okta, "/api/v1/users", limit=200, filter='status eq "DEPROVISIONED"').json()

    assert {user["status"] for user in listed} == {"ACTIVE", "SUSPENDED"}
    assert {user["status"] for user in deprovisioned} == {"DEPROVISIONED"}
    assert len(listed) + len(deprovisioned) == org.okta_users.num_rows


def test_the_users_list_filters_by_last_update_alone_or_with_the_status(org, okta):
    # the org's users were last updated when activated, a day apart
    since = org.okta_users.column("activated")[50].as_py()
    after = f'lastUpdated gt "{since.isoformat()}Z"'

    listed = get(okta, "/api/v1/users", limit=3, filter=after)
    rest = requests.get(listed.links["next"]["url"], headers=AUTH, timeout=5).json()
    gone = get(okta, "/api/v1/users", filter=f'status eq "DEPROVISIONED" and {after}').json()

    later = org.okta_users.slice(51).to_pylist()
    assert [user["id"] for user in listed.json() + rest] == [
        user["id"] for user in later if user["status"] != "DEPROVISIONED"
    ]
    assert [user["id"] for user in gone] == [
        user["id"] for user in later if user["status"] == "DEPROVISIONED"
    ]


def test_objects_carry_okta_field_names(okta):
    user = get(okta, "/api/v1/users", limit=1).json()[0]
    app = get(okta, "/api/v1/apps", limit=1).json()[0]
    assignment = get(okta, f"/api/v1/apps/{app['id']}/users", limit=1).json()[0]
    event = get(okta, "/api/v1/logs", **BOUNDED, filter=f'eventType eq "{SSO}"', limit=1).json()[0]

    assert {"id", "status", "created", "activated", "lastLogin", "profile", "_links"} <= set(user)
    assert {"login", "email", "firstName", "lastName", "userType", "managerId"} <= set(
        user["profile"]
    )
    assert {"id", "name", "label", "status", "signOnMode", "created", "lastUpdated"} <= set(app)
    assert {"id", "scope", "status", "created", "lastUpdated", "credentials"} <= set(assignment)
    assert {"uuid", "published", "eventType", "actor", "target", "outcome"} <= set(event)
    assert event["published"].endswith("Z")
    assert event["target"][0]["type"] == "AppInstance"
    assert set(event["actor"]) >= {"id", "type", "alternateId", "displayName"}


def test_a_bounded_log_query_ends_with_a_page_without_next_link(okta):
    pages, url, params = 0, okta.base_url + "/api/v1/logs", {**BOUNDED, "limit": 40}
    while url:
        response = requests.get(url, params=params, headers=AUTH, timeout=5)
        pages, url, params = pages + 1, response.links.get("next", {}).get("url"), None

    assert pages > 1
    assert response.json()


def test_a_polling_log_query_always_has_a_next_link_even_past_the_newest_event(okta):
    # No `until`: a polling query. The org's events are all in the past of the fake clock.
    response = get(okta, "/api/v1/logs", since="2030-01-01T00:00:00Z")

    assert response.json() == []
    assert "next" in response.links


def test_log_pages_resume_one_event_stream_instead_of_replaying_it(org, okta):
    url, params = okta.base_url + "/api/v1/logs", {**BOUNDED, "limit": 10}
    while url:
        response = requests.get(url, params=params, headers=AUTH, timeout=5)
        url, params = response.links.get("next", {}).get("url"), None

    assert len(okta.requests) > 3
    assert len(org.stream_calls) == 1


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        pytest.param("/api/v1/apps/0oaNOPE/users", {}, 404, "E0000007", id="unknown-app"),
        pytest.param("/api/v1/logs", {"until": "yesterday"}, 400, "E0000001", id="bad-until"),
        pytest.param("/api/v1/logs", {"filter": "severity eq 1"}, 400, "E0000053", id="bad-filter"),
        pytest.param("/api/v1/users", {"after": "00uNOPE"}, 400, "E0000001", id="bad-cursor"),
        pytest.param(
            "/api/v1/users", {"filter": 'type eq "x"'}, 400, "E0000001", id="bad-users-filter"
        ),
        pytest.param(
            "/api/v1/users",
            {"filter": 'lastUpdated gt "soon"'},
            400,
            "E0000001",
            id="bad-last-updated",
        ),
    ],
)
def test_bad_requests_get_okta_error_objects(okta, path, params, status, code):
    response = get(okta, path, **params)

    assert response.status_code == status
    assert response.json()["errorCode"] == code


def test_recorded_requests_keep_parameters_but_not_the_token(okta):
    get(okta, "/api/v1/users", limit=5)

    (recorded,) = okta.requests
    assert recorded.params == {"limit": "5"}
    assert recorded.headers["Authorization"] == "<redacted>"
    assert TOKEN not in repr(okta.requests)


def test_log_events_are_valid_json_whatever_characters_their_values_hold(org, clock):
    # GIVEN events whose text needs escaping in JSON, and a time finer than milliseconds
    rows = org.events.filter(pc.equal(org.events.column("event_type"), SSO)).slice(0, 3).to_pylist()
    moments = [datetime(2026, 10, 29, 1, 2, 3, micros) for micros in (0, 456000, 456789)]
    rows[0] |= {"target_app_id": None}
    rows[1] |= {"target_app_display_name": 'App "Ω"', "outcome_result": None}
    rows[2] |= {"uuid": 'u"1\\', "actor_alternate_id": "tab\there\nnewline"}
    for row, moment in zip(rows, moments, strict=True):
        row["published"] = moment
    odd = replace(org, events=pa.Table.from_pylist(rows, schema=org.events.schema))

    with OktaEmulator(odd, TOKEN, rate_limits=UNLIMITED, clock=clock.time) as okta:
        events = get(okta, "/api/v1/logs", **BOUNDED).json()

    # THEN Okta's JSON carries every value as it is, in time order
    assert [event["published"] for event in events] == [
        "2026-10-29T01:02:03.000Z",
        "2026-10-29T01:02:03.456Z",
        "2026-10-29T01:02:03.456789Z",
    ]
    no_app, whole_ms, finer = events
    assert finer["uuid"] == 'u"1\\'
    assert finer["actor"]["alternateId"] == "tab\there\nnewline"
    assert whole_ms["target"][0]["displayName"] == 'App "Ω"'
    assert whole_ms["outcome"] == {"result": None}
    assert [target["type"] for target in no_app["target"]] == ["AppUser"]


def test_assignments_rendered_at_once_are_the_json_okta_s_objects_give_one_by_one(org, clock):
    # GIVEN assignments whose values need escaping in JSON, times finer than milliseconds, none
    users = org.okta_users.to_pylist()
    users[0] |= {"profile_login": 'ann "Ω" \\ o\'neil\ttab'}
    users[1] |= {"profile_login": None}
    assignments = org.okta_app_users.slice(0, 4).to_pylist()
    assignments[0] |= {"user_id": users[0]["id"], "created": datetime(2026, 1, 2, 3, 4, 5, 6789)}
    assignments[1] |= {"user_id": users[1]["id"], "last_updated": None, "scope": None}
    assignments[2] |= {"created": None, "last_updated": datetime(2026, 1, 2, 3, 4, 5, 456000)}
    odd = replace(
        org,
        okta_users=pa.Table.from_pylist(users, schema=org.okta_users.schema),
        okta_app_users=pa.Table.from_pylist(assignments, schema=org.okta_app_users.schema),
    )

    with OktaEmulator(odd, TOKEN, rate_limits=UNLIMITED, clock=clock.time) as okta:
        # WHEN the list is served, all assignments rendered by DuckDB in one go
        served = okta._app_user_json_texts().to_pylist()
        # THEN each is the JSON the object-by-object rendering gives, field for field and in order
        one_by_one = [okta._app_user_json(row["app_id"], row) for row in assignments]
        listed = get(okta, f"/api/v1/apps/{assignments[0]['app_id']}/users").json()

    assert [list(json.loads(text).items()) for text in served] == [
        list(json.loads(text).items()) for text in one_by_one
    ]
    ann = next(item for item in listed if item["id"] == users[0]["id"])
    assert ann["credentials"] == {"userName": 'ann "Ω" \\ o\'neil\ttab'}
    assert ann["created"] == "2026-01-02T03:04:05.006789Z"


# -- assignment changes ----------------------------------------------------------------------

ADD = "application.user_membership.add"
REMOVE = "application.user_membership.remove"
CHANGES = f'eventType eq "{ADD}" or eventType eq "{REMOVE}"'


@pytest.fixture(scope="module")
def company() -> Company:
    return generate("tiny", seed=7)


@pytest.fixture
def company_okta(company, clock) -> Iterator[OktaEmulator]:
    with OktaEmulator(company, TOKEN, rate_limits=UNLIMITED, clock=clock.time) as server:
        yield server


def read_log(okta: OktaEmulator, **params) -> tuple[list[dict], int]:
    """Every event of a bounded query, following next links, and how many pages it took."""
    events, pages, url = [], 0, okta.base_url + "/api/v1/logs"
    while url:
        response = requests.get(url, params=params, headers=AUTH, timeout=5)
        assert response.status_code == 200, response.text
        events += response.json()
        pages, url, params = pages + 1, response.links.get("next", {}).get("url"), None
    return events, pages


def company_changes(company: Company, start: datetime, end: datetime) -> list[dict]:
    batches = company.app_user_changes(start, end)
    return pa.Table.from_batches(list(batches), schema=APP_USER_CHANGES.schema).to_pylist()


def as_row(event: dict) -> dict:
    """An assignment-change LogEvent as the `app_user_changes` row it stands for."""
    targets = {target["type"]: target for target in event["target"]}
    return {
        "uuid": event["uuid"],
        "published": datetime.fromisoformat(event["published"]).replace(tzinfo=None),
        "event_type": event["eventType"],
        "app_id": targets["AppInstance"]["id"],
        "user_id": targets["User"]["id"],
        "outcome_result": event["outcome"]["result"],
    }


@pytest.mark.parametrize("to_the_end", [True, False], ids=["to-the-end", "to-a-shared-instant"])
def test_assignment_changes_page_through_a_window_exactly_as_the_company_made_them(
    company, company_okta, to_the_end
):
    # GIVEN a window from one change's instant either to the end of the history, over the changes
    # sharing the reference day's last instant, or to that instant, leaving them out
    everything = company_changes(company, datetime(2000, 1, 1), company.events_end)
    last = everything[-1]["published"]
    shared = sum(change["published"] == last for change in everything)
    since, until = everything[40]["published"], company.events_end if to_the_end else last

    # WHEN it is read seven events a page, following the next links
    events, pages = read_log(
        company_okta,
        since=since.isoformat() + "Z",
        until=until.isoformat() + "Z",
        filter=CHANGES,
        sortOrder="ASCENDING",
        limit=7,
    )

    # THEN every change of [since, until) comes once, in (published, uuid) order, across pages
    # that cut through the changes sharing an instant
    expected = everything[40:] if to_the_end else everything[40:-shared]
    assert shared > 7
    assert [as_row(event) for event in events] == expected
    assert expected == company_changes(company, since, until)
    assert pages == -(-len(expected) // 7)


def test_an_assignment_change_is_okta_s_log_event_naming_the_user_and_the_app(
    company, company_okta
):
    change = company_changes(company, datetime(2026, 1, 1), company.events_end)[0]
    user = next(u for u in company.okta_users.to_pylist() if u["id"] == change["user_id"])
    app = next(a for a in company.okta_apps.to_pylist() if a["id"] == change["app_id"])
    published = change["published"].isoformat() + "Z"

    (event,) = get(
        company_okta,
        "/api/v1/logs",
        since=published,
        until="2027-01-01T00:00:00Z",
        limit=1,
        filter=f'eventType eq "{ADD}"',
    ).json()

    name = f"{user['profile_first_name']} {user['profile_last_name']}"
    user_target = {"id": user["id"], "alternateId": user["profile_login"], "displayName": name}
    assert event["uuid"] == change["uuid"]
    assert event["published"] == published  # microseconds, as the assignment's `created` has
    assert event["eventType"] == ADD
    assert event["displayMessage"] == "Add user to application membership"
    assert event["severity"] == "INFO"
    assert event["version"] == "0"
    assert event["outcome"] == {"result": "SUCCESS"}
    assert event["transaction"] == {"type": "WEB", "id": change["uuid"].replace("-", "")}
    assert event["debugContext"]["debugData"]["requestUri"] == f"/api/v1/apps/{app['id']}/users"
    assert event["actor"]["type"] == "User"
    assert event["actor"]["id"] in company.okta_users.column("id").to_pylist()
    assert set(event["client"]) == {"device", "zone", "ipAddress"}
    assert event["target"] == [
        # the app user's id is Okta's own; only the User target carries the user's id
        {**user_target, "type": "AppUser", "id": "0ua" + user["id"][-17:]},
        {
            "id": app["id"],
            "type": "AppInstance",
            "alternateId": app["label"],
            "displayName": app["label"],
        },
        {**user_target, "type": "User"},
    ]


@pytest.mark.parametrize(
    ("expression", "expected_types"),
    [
        pytest.param(CHANGES, {ADD}, id="add-or-remove"),
        pytest.param(f'eventType eq "{REMOVE}" or eventType eq "{ADD}"', {ADD}, id="remove-or-add"),
        pytest.param(f'eventType eq "{ADD}"', {ADD}, id="add-alone"),
        pytest.param(f'eventType eq "{REMOVE}"', set(), id="remove-alone"),
    ],
)
def test_the_membership_filter_takes_either_order_and_either_type_alone(
    company, company_okta, expression, expected_types
):
    # The sample org only ever adds assignments: asking for removals alone finds none.
    window = {"since": "2026-06-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"}

    events, _ = read_log(company_okta, **window, filter=expression, limit=50)

    expected = company_changes(company, datetime(2026, 6, 1), datetime(2026, 11, 1))
    assert {event["eventType"] for event in events} == expected_types
    assert [as_row(event) for event in events] == (expected if expected_types else [])


def test_sign_in_queries_on_the_same_org_still_get_sign_ins_only(company, company_okta):
    end = company.events_end
    window = {"since": (end - timedelta(hours=6)).isoformat() + "Z", "until": end.isoformat() + "Z"}

    events, _ = read_log(company_okta, **window, filter=f'eventType eq "{SSO}"', limit=1000)

    assert events
    assert {event["eventType"] for event in events} == {SSO}
    expected = pa.Table.from_batches(list(company.sso_events(end - timedelta(hours=6), end)))
    assert [event["uuid"] for event in events] == expected.column("uuid").to_pylist()


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param(f'eventType eq "{ADD}" or eventType eq "{SSO}"', id="changes-mixed-with-sso"),
        pytest.param(f'eventType eq "{ADD}" and eventType eq "{REMOVE}"', id="and"),
        pytest.param(f'eventType eq "{ADD}" or', id="dangling-or"),
        pytest.param(f'eventType ne "{ADD}"', id="ne"),
        pytest.param(f'target.id eq "{ADD}"', id="another-field"),
    ],
)
def test_an_unsupported_log_filter_gets_okta_s_400(company_okta, expression):
    response = get(company_okta, "/api/v1/logs", **BOUNDED, filter=expression)

    assert response.status_code == 400
    assert set(response.json()) == OKTA_ERROR_FIELDS
    assert response.json()["errorCode"] == "E0000053"
    assert expression in response.json()["errorSummary"]


def test_assignment_changes_are_valid_json_whatever_characters_names_and_labels_hold(
    company, clock
):
    # GIVEN an app label and a user's name and login that need escaping in JSON
    change = company_changes(company, datetime(2026, 1, 1), company.events_end)[0]
    apps = [
        app | {"label": 'App "Ω" \\ 1'} if app["id"] == change["app_id"] else app
        for app in company.okta_apps.to_pylist()
    ]
    users = [
        user | {"profile_first_name": "Zoë\t", "profile_login": 'o"neil@x'}
        if user["id"] == change["user_id"]
        else user
        for user in company.okta_users.to_pylist()
    ]
    odd = replace(
        company,
        okta_apps=pa.Table.from_pylist(apps, schema=company.okta_apps.schema),
        okta_users=pa.Table.from_pylist(users, schema=company.okta_users.schema),
    )

    with OktaEmulator(odd, TOKEN, rate_limits=UNLIMITED, clock=clock.time) as okta:
        (event,) = get(
            okta,
            "/api/v1/logs",
            since=change["published"].isoformat() + "Z",
            until="2027-01-01T00:00:00Z",
            filter=CHANGES,
            limit=1,
        ).json()

    # THEN the event carries every value as it is
    app_user, app, user = event["target"]
    assert app["displayName"] == app["alternateId"] == 'App "Ω" \\ 1'
    assert app_user["alternateId"] == user["alternateId"] == 'o"neil@x'
    assert user["displayName"].startswith("Zoë\t ")


def test_a_log_query_past_what_okta_has_logged_reads_up_to_it(okta):
    def published(**params) -> list[str]:
        found, url, query = [], okta.base_url + "/api/v1/logs", {**BOUNDED, **params}
        while url:
            response = requests.get(url, params=query, headers=AUTH, timeout=5)
            found += [event["published"] for event in response.json()]
            url, query = response.links.get("next", {}).get("url"), None
        return found

    everything = published(limit=1000)
    okta.logged_until = datetime(2026, 10, 29, 3, 0)  # a request made at 03:00

    logged = published(limit=1000)

    assert logged == [moment for moment in everything if moment < "2026-10-29T03:00:00"]
    assert 0 < len(logged) < len(everything)
