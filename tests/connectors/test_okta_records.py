"""Okta's JSON becomes rows: times in naive UTC, typed values kept, unusable records named."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from okta_org import SSO, TOKEN, read
from scripted_http import ScriptedSession, reply

from connectors.base import Window
from connectors.errors import RecordError
from connectors.okta.app_users import AppUser, app_user_batch, decode_app_user_page
from connectors.okta.client import OktaConnector
from connectors.okta.entities import APP_USERS, SSO_EVENTS
from connectors.okta.log_events import decode_page, sso_event_batch
from connectors.okta.records import app_user_row, format_time, parse_time, sso_event_row

HOUR = Window(datetime(2026, 10, 30, 9), datetime(2026, 10, 30, 10))


def scripted(*script) -> OktaConnector:
    return OktaConnector(
        "https://acme.okta.com",
        TOKEN,
        session=ScriptedSession(*script),
        requests_per_minute=None,
        sleep=lambda seconds: None,
    )


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        pytest.param("2013-06-24T16:39:18.000Z", datetime(2013, 6, 24, 16, 39, 18), id="okta-ms-Z"),
        pytest.param("2013-06-24T16:39:18Z", datetime(2013, 6, 24, 16, 39, 18), id="no-fraction"),
        pytest.param(
            "2013-06-24T18:39:18.5+02:00", datetime(2013, 6, 24, 16, 39, 18, 500000), id="offset"
        ),
        pytest.param(
            "2013-06-24T16:39:18.123456Z", datetime(2013, 6, 24, 16, 39, 18, 123456), id="micros"
        ),
    ],
)
def test_okta_timestamps_become_naive_utc(wire, expected):
    assert parse_time(wire) == expected


@pytest.mark.parametrize(
    ("moment", "wire"),
    [
        pytest.param(datetime(2026, 10, 29), "2026-10-29T00:00:00.000Z", id="okta-milliseconds"),
        pytest.param(
            datetime(2026, 10, 29, 0, 0, 0, 123456), "2026-10-29T00:00:00.123456Z", id="finer"
        ),
        pytest.param(
            datetime(2026, 10, 29, 2, tzinfo=timezone(timedelta(hours=2))),
            "2026-10-29T00:00:00.000Z",
            id="aware-converted-to-utc",
        ),
    ],
)
def test_window_bounds_are_sent_in_okta_s_format_without_losing_precision(moment, wire):
    assert format_time(moment) == wire


def test_a_page_with_unreadable_fields_is_reported_with_each_record_and_field():
    page = [
        {"id": "00u1", "created": "yesterday"},
        {"id": "00u2", "profile": "not an object"},
        {"status": "ACTIVE"},
    ]

    with pytest.raises(RecordError) as err:
        read(scripted(reply(200, page)), "users")

    assert err.value.problems == [
        ("00u1", "created", "'yesterday' is not an ISO-8601 timestamp"),
        ("00u2", "profile", "expected an object, got str"),
        ("item 3", "id", "missing"),
    ]
    assert str(err.value).startswith("[okta] GET /api/v1/users page 1: 3 bad record(s)")


def test_a_typed_custom_profile_attribute_is_kept_as_text():
    user = {"id": "00u1", "profile": {"login": "a@example.com", "costCenter": 4711}}

    table = read(scripted(reply(200, [user]), reply(200, [])), "users")

    assert table.column("profile_cost_center").to_pylist() == ["4711"]


def test_an_event_okta_returns_at_the_until_bound_is_left_for_the_next_window():
    # GIVEN Okta answers with an event published exactly at `until` (the window is half-open)
    def event(uuid: str, published: datetime) -> dict:
        return {"uuid": uuid, "published": format_time(published), "eventType": SSO}

    page = [event("inside", HOUR.start), event("at-until", HOUR.end)]

    table = read(scripted(reply(200, page)), "sso_events", HOUR)

    assert table.column("uuid").to_pylist() == ["inside"]


def log_event(uuid: str, published: str, **fields: object) -> dict:
    """A System Log LogEvent as Okta sends it, with fields the connector does not land."""
    return {
        "uuid": uuid,
        "published": published,
        "eventType": SSO,
        "actor": {"id": "00u1", "type": "User", "alternateId": "ann@example.com"},
        "client": {"device": "Computer", "ipAddress": "198.51.100.7"},
        "outcome": {"result": "SUCCESS", "reason": None},
        "target": [
            {"id": "0ua1", "type": "AppUser", "alternateId": "ann@example.com"},
            {"id": "0oa1", "type": "AppInstance", "displayName": 'Zoë\'s "App"'},
        ],
        **fields,
    }


def test_a_page_of_log_events_lands_the_same_read_column_wise_or_event_by_event():
    # GIVEN the shapes an SSO event takes: full, without actor, outcome or app, other time zones
    page = [
        log_event("e1", "2026-10-30T09:00:00.000Z"),
        log_event("e2", "2026-10-30T09:00:01Z", actor=None, outcome=None, target=[]),
        log_event("e3", "2026-10-30T11:00:02.5+02:00", target=[{"type": "AppUser", "id": "x"}]),
        log_event("e4", "2026-10-30T09:00:03.123456Z", eventType=None),
    ]

    # WHEN the page is read column-wise
    batch = sso_event_batch(decode_page(json.dumps(page).encode()))

    # THEN it holds exactly the rows the event-by-event reading makes of it
    assert batch is not None
    expected = [sso_event_row(event) for event in page]
    assert batch.to_pylist() == expected
    assert batch.schema == SSO_EVENTS.schema


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        pytest.param(
            log_event("e1", "yesterday"),
            ("e1", "published", "'yesterday' is not an ISO-8601 timestamp"),
            id="bad-time",
        ),
        pytest.param(
            log_event("e2", "2026-10-30T09:30:00.000Z", actor="ann"),
            ("e2", "actor", "expected an object, got str"),
            id="actor-not-an-object",
        ),
        pytest.param(
            log_event("", "2026-10-30T09:30:00.000Z"), ("item 1", "uuid", "missing"), id="no-uuid"
        ),
        pytest.param(
            log_event("e3", "9999-12-31T23:30:00.000-01:00"),
            ("e3", "published", "'9999-12-31T23:30:00.000-01:00' is out of range once in UTC"),
            id="past-9999-in-utc",
        ),
    ],
)
def test_an_unusable_sso_event_is_reported_with_its_uuid_and_field(event, problem):
    with pytest.raises(RecordError) as err:
        read(scripted(reply(200, [event])), "sso_events", HOUR)

    assert err.value.problems == [problem]


def test_an_sso_event_with_a_typed_value_is_landed_with_the_value_as_text():
    # GIVEN an actor id sent as a number, which the column-wise reading does not take
    event = log_event("e1", "2026-10-30T09:30:00.000Z", actor={"id": 42})

    table = read(scripted(reply(200, [event])), "sso_events", HOUR)

    assert table.column("actor_id").to_pylist() == ["42"]
    assert table.column("target_app_display_name").to_pylist() == ['Zoë\'s "App"']


APP = "0oa1"


def app_user(user_id: str, created: str | None, last_updated: str | None, **fields: object) -> dict:
    """An Application User as Okta sends it, with the fields the connector does not land."""
    return {
        "id": user_id,
        "externalId": None,
        "created": created,
        "lastUpdated": last_updated,
        "scope": "USER",
        "status": "ACTIVE",
        "statusChanged": last_updated,
        "passwordChanged": None,
        "syncState": "DISABLED",
        "credentials": {"userName": f"{user_id}@example.com"},
        "profile": {"costCenter": 4711, "groups": ["Sales"]},
        "_links": {
            "app": {"href": f"https://acme.okta.com/api/v1/apps/{APP}"},
            "user": {"href": f"https://acme.okta.com/api/v1/users/{user_id}"},
        },
        **fields,
    }


def assignment_lists(lists: dict[str, list[list[dict]]]) -> OktaConnector:
    """A connector on an org whose apps are `lists`' keys, each with its assignments' pages."""
    script = [reply(200, [{"id": app, "label": app} for app in lists])]
    for app, pages in lists.items():
        for number, page in enumerate(pages, start=1):
            link = f'<https://acme.okta.com/api/v1/apps/{app}/users?after=p{number}>; rel="next"'
            script.append(reply(200, page, **({"Link": link} if number < len(pages) else {})))
    return scripted(*script)


def app_users_read(lists: dict[str, list[list[dict]]]) -> list[dict]:
    return read(assignment_lists(lists), "app_users").to_pylist()


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(
            [
                app_user("00u1", "2025-02-01T09:00:00.000Z", "2025-03-01T09:00:00.000Z"),
                app_user("00u2", None, None, scope="GROUP"),
                app_user("00u3", "2025-02-01T11:00:00.5+02:00", "2025-03-01T04:00:00-05:00"),
                app_user(
                    "00u4", "2025-02-01T09:00:00.123456Z", "2025-03-01T09:00:00Z", status=None
                ),
                {"id": "00u5"},  # nothing but the id
            ],
            id="times-offsets-nulls",
        ),
        pytest.param(
            [app_user("00u1", None, None), app_user("00u2", None, None)], id="no-time-at-all"
        ),
    ],
)
def test_a_page_of_app_users_lands_the_same_read_column_wise_or_one_by_one(page):
    # WHEN the page is read column-wise
    batch = app_user_batch(APP, decode_app_user_page(json.dumps(page).encode()))

    # THEN it holds exactly the rows the assignment-by-assignment reading makes of it
    assert batch is not None
    assert batch.schema == APP_USERS.schema
    assert batch.to_pylist() == [app_user_row(APP, obj) for obj in page]


def test_app_users_read_column_wise_have_their_times_in_naive_utc():
    page = [
        app_user("00u3", "2025-02-01T11:00:00.5+02:00", "2025-03-01T04:00:00-05:00", status=None),
        app_user("00u2", None, None, scope="GROUP"),
    ]

    assert app_users_read({APP: [page]}) == [
        {
            "app_id": APP,
            "user_id": "00u3",
            "scope": "USER",
            "status": None,
            "created": datetime(2025, 2, 1, 9, 0, 0, 500000),
            "last_updated": datetime(2025, 3, 1, 9),
        },
        {
            "app_id": APP,
            "user_id": "00u2",
            "scope": "GROUP",
            "status": "ACTIVE",
            "created": None,
            "last_updated": None,
        },
    ]


@pytest.mark.parametrize(
    ("fields", "column", "landed"),
    [
        pytest.param({"status": 5}, "status", "5", id="number"),
        pytest.param({"scope": True}, "scope", "true", id="bool"),
    ],
)
def test_an_assignment_with_a_typed_value_is_read_one_by_one_and_lands_it_as_text(
    fields, column, landed
):
    # GIVEN a page the structs do not take as is
    page = [app_user("00u1", "2025-02-01T09:00:00.000Z", None), app_user("00u2", None, None)]
    page[1].update(fields)
    decoded = decode_app_user_page(json.dumps(page).encode())
    assert not isinstance(decoded[0], AppUser)
    assert app_user_batch(APP, decoded) is None

    # THEN the page is read as it was before there was a column-wise reading
    rows = app_users_read({APP: [page]})

    assert [row[column] for row in rows] == [page[0][column], landed]
    assert rows == [app_user_row(APP, obj) for obj in page]


def _without_id(obj: dict) -> dict:
    return {name: value for name, value in obj.items() if name != "id"}


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        pytest.param(
            app_user("00u3", "yesterday", None),
            ("00u3", "created", "'yesterday' is not an ISO-8601 timestamp"),
            id="bad-time",
        ),
        pytest.param(
            app_user("00u3", None, "2025-02-30T09:00:00.000Z"),
            ("00u3", "lastUpdated", "'2025-02-30T09:00:00.000Z' is not an ISO-8601 timestamp"),
            id="no-such-day",
        ),
        pytest.param(
            app_user("00u3", "9999-12-31T23:30:00.000-01:00", None),
            ("00u3", "created", "'9999-12-31T23:30:00.000-01:00' is out of range once in UTC"),
            id="past-9999-in-utc",
        ),
        pytest.param(
            app_user("00u3", None, None, lastUpdated=1700000000),
            ("00u3", "lastUpdated", "expected an ISO-8601 timestamp, got int"),
            id="time-as-number",
        ),
        pytest.param(
            _without_id(app_user("00u3", None, None)), ("item 2", "id", "missing"), id="no-id"
        ),
        pytest.param(app_user("", None, None), ("item 2", "id", "missing"), id="empty-id"),
    ],
)
def test_an_unusable_assignment_is_reported_with_its_endpoint_page_record_and_field(bad, problem):
    # GIVEN an app whose second page of assignments holds one unusable record among good ones
    good = app_user("00u2", "2025-02-01T09:00:00.000Z", None)
    pages = [[app_user("00u1", None, None)], [good, bad, app_user("00u4", None, None)]]

    with pytest.raises(RecordError) as err:
        read(assignment_lists({APP: pages}), "app_users")

    assert err.value.problems == [problem]
    assert str(err.value).startswith(f"[okta] GET /api/v1/apps/{APP}/users page 2: 1 bad record")


@pytest.mark.parametrize(
    "status",
    [pytest.param("ACTIVE", id="column-wise"), pytest.param(5, id="one-by-one")],
)
def test_an_assignment_repeated_where_pages_meet_is_kept_once_per_app(status, caplog):
    # GIVEN Okta repeats 00u2 on the first app's second page, and a second app also has 00u1
    first_page = [app_user("00u1", None, None), app_user("00u2", None, None, scope="GROUP")]
    second_page = [app_user("00u2", None, None, status=status), app_user("00u3", None, None)]
    lists = {APP: [first_page, second_page], "0oa2": [[app_user("00u1", None, None)]]}

    with caplog.at_level(logging.INFO, logger="connectors.okta.client"):
        rows = app_users_read(lists)

    # THEN each assignment is landed once, as first read, and the repeat is counted where it was
    assert [(row["app_id"], row["user_id"], row["scope"], row["status"]) for row in rows] == [
        (APP, "00u1", "USER", "ACTIVE"),
        (APP, "00u2", "GROUP", "ACTIVE"),
        (APP, "00u3", "USER", "ACTIVE"),
        ("0oa2", "00u1", "USER", "ACTIVE"),
    ]
    repeats = [r.getMessage() for r in caplog.records if "repeated" in r.getMessage()]
    assert repeats == [
        f"okta: GET /api/v1/apps/{APP}/users page 2 repeated 1 record(s) already read; "
        "kept one of each"
    ]


def membership_event(uuid: str, published: str, **fields: object) -> dict:
    """An `application.user_membership.add` LogEvent with the three targets Okta gives it."""
    targets = [
        {"id": "0ua9", "type": "AppUser", "alternateId": "ann@example.com"},
        {"id": "0oa1", "type": "AppInstance", "displayName": "Slack"},
        {"id": "00u1", "type": "User", "alternateId": "ann@example.com"},
    ]
    return log_event(
        uuid,
        published,
        **{"eventType": "application.user_membership.add", "target": targets, **fields},
    )


def test_an_assignment_change_names_the_user_by_the_user_target_not_the_app_user():
    # GIVEN a page of one change, as Okta sends it on the membership filter
    event = membership_event("c1", "2026-10-30T09:15:00.000Z")

    table = read(scripted(reply(200, [event])), "app_user_changes", HOUR)

    # THEN the user is the Okta user (00u1), which the listing's assignments are keyed by; the
    # AppUser target's id (0ua9) is Okta's own id of the assignment and would match nothing
    assert table.to_pylist() == [
        {
            "uuid": "c1",
            "published": datetime(2026, 10, 30, 9, 15),
            "event_type": "application.user_membership.add",
            "app_id": "0oa1",
            "user_id": "00u1",
            "outcome_result": "SUCCESS",
        }
    ]


def test_assignment_changes_are_asked_of_the_system_log_as_a_bounded_membership_query():
    session = ScriptedSession(reply(200, [membership_event("c1", "2026-10-30T09:15:00.000Z")]))
    connector = OktaConnector(
        "https://acme.okta.com", TOKEN, session=session, requests_per_minute=None
    )

    read(connector, "app_user_changes", HOUR)

    ((url, params),) = session.calls
    assert url.endswith("/api/v1/logs")
    assert params["filter"] == (
        'eventType eq "application.user_membership.add"'
        ' or eventType eq "application.user_membership.remove"'
    )
    assert (params["since"], params["until"]) == (
        "2026-10-30T09:00:00.000Z",
        "2026-10-30T10:00:00.000Z",
    )


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        pytest.param(
            membership_event("c2", "2026-10-30T09:15:00.000Z", target=[{"type": "AppUser"}]),
            ("c2", "target[AppInstance]", "missing"),
            id="no-app",
        ),
        pytest.param(
            membership_event(
                "c3",
                "2026-10-30T09:15:00.000Z",
                target=[{"id": "0oa1", "type": "AppInstance"}, {"id": "0ua9", "type": "AppUser"}],
            ),
            ("c3", "target[User]", "missing"),
            id="no-user",
        ),
        pytest.param(
            membership_event(
                "c4",
                "2026-10-30T09:15:00.000Z",
                target=[{"id": "0oa1", "type": "AppInstance"}, {"id": "", "type": "User"}],
            ),
            ("c4", "target[User].id", "missing"),
            id="empty-user-id",
        ),
        pytest.param(
            membership_event("c5", "2026-10-30T09:15:00.000Z", target="0oa1"),
            ("c5", "target", "expected a list, got str"),
            id="target-not-a-list",
        ),
    ],
)
def test_an_assignment_change_that_cannot_be_replayed_is_reported_with_its_uuid_and_field(
    event, problem
):
    # a change naming no app or no user could not be replayed onto the listing: it is not dropped
    good = membership_event("c1", "2026-10-30T09:10:00.000Z")
    with pytest.raises(RecordError) as err:
        read(scripted(reply(200, [good, event])), "app_user_changes", HOUR)

    assert err.value.problems == [problem]
