"""Okta's JSON becomes rows: times in naive UTC, typed values kept, unusable records named."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from okta_org import SSO, TOKEN, read
from scripted_http import ScriptedSession, reply

from connectors.base import Window
from connectors.errors import RecordError
from connectors.okta.client import OktaConnector
from connectors.okta.entities import SSO_EVENTS
from connectors.okta.log_events import decode_page, sso_event_batch
from connectors.okta.records import format_time, parse_time, sso_event_row

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
