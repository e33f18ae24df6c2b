"""Reports API activities become rows: one per event, typed parameters, unusable ones named."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from google_workspace import ACCESS_TOKEN, read
from scripted_http import ScriptedSession, reply

from connectors.base import Window
from connectors.errors import RecordError, SourceError
from connectors.google.client import GoogleWorkspaceConnector
from connectors.google.records import format_time, parse_time

DAY = Window(datetime(2026, 10, 29), datetime(2026, 10, 30))


def scripted(*script) -> GoogleWorkspaceConnector:
    return GoogleWorkspaceConnector(
        access_token=ACCESS_TOKEN,
        session=ScriptedSession(*script),
        requests_per_minute=None,
        sleep=lambda seconds: None,
    )


def activity(time="2026-10-29T14:03:22.123Z", qualifier="-42", *events, **fields) -> dict:
    return {
        "kind": "admin#reports#activity",
        "id": {"time": time, "uniqueQualifier": qualifier, "applicationName": "token",
               "customerId": "C03az79cb"},
        "actor": {"callerType": "USER", "email": "ana@acme.example", "profileId": "1093"},
        "ipAddress": "203.0.113.9",
        "events": list(events) or [{"type": "auth", "name": "authorize", "parameters": []}],
    } | fields  # fmt: skip


def page(*items, next_token=None) -> dict:
    body: dict = {"kind": "admin#reports#activities"}
    if items:
        body["items"] = list(items)
    return body | ({"nextPageToken": next_token} if next_token else {})


def test_each_event_of_an_activity_is_a_row_with_its_position_and_the_activitys_fields():
    authorize = {"type": "auth", "name": "authorize", "parameters": [
        {"name": "app_name", "value": "Calendly"},
        {"name": "client_id", "value": "123-abc.apps.googleusercontent.com"},
        {"name": "client_type", "value": "WEB"},
        {"name": "scope", "multiValue": ["openid", "https://www.googleapis.com/auth/calendar"]},
        {"name": "scope_data", "multiMessageValue": [{"parameter": [{"name": "scope_name",
                                                                     "value": "openid"}]}]},
    ]}  # fmt: skip
    use = {"type": "auth", "name": "activity", "parameters": [
        {"name": "app_name", "value": "Calendly"},
        {"name": "num_response_bytes", "intValue": "52311"},
        {"name": "api_name", "value": "calendar"},
    ]}  # fmt: skip
    source = scripted(
        reply(body=page(activity("2026-10-29T16:03:22.123+02:00", "7", authorize, use)))
    )

    rows = read(source, "token_activities", DAY).to_pylist()

    assert [(r["event_index"], r["event_name"]) for r in rows] == [
        (0, "authorize"),
        (1, "activity"),
    ]
    first, second = rows
    assert first["id_time"] == datetime(2026, 10, 29, 14, 3, 22, 123000)
    assert first["id_unique_qualifier"] == second["id_unique_qualifier"] == "7"
    assert first["actor_email"] == second["actor_email"] == "ana@acme.example"
    assert first["scope"] == ["openid", "https://www.googleapis.com/auth/calendar"]
    assert first["client_type"] == "WEB"
    assert first["num_response_bytes"] is None
    assert json.loads(first["parameters"]) == authorize["parameters"]  # unmodelled ones kept
    assert second["num_response_bytes"] == 52311
    assert second["api_name"] == "calendar"
    assert second["scope"] is None


def test_login_parameters_keep_their_types():
    failure = {"type": "login", "name": "login_failure", "parameters": [
        {"name": "login_type", "value": "google_password"},
        {"name": "login_challenge_method", "value": "password"},
        {"name": "login_failure_type", "value": "login_failure_invalid_password"},
        {"name": "is_suspicious", "boolValue": True},
    ]}  # fmt: skip
    source = scripted(reply(body=page(activity("2026-10-29T08:00:00Z", "1", failure))))

    (row,) = read(source, "login_activities", DAY).to_pylist()

    assert row["login_challenge_method"] == ["password"]  # one value sent as `value`
    assert row["is_suspicious"] is True
    assert row["login_failure_type"] == "login_failure_invalid_password"


def test_activities_outside_the_window_or_without_events_give_no_rows():
    source = scripted(
        reply(
            body=page(
                activity("2026-10-30T00:00:00.000Z", "1"),  # endTime is inclusive at Google
                activity("2026-10-29T12:00:00Z", "2", events=[]),
                activity("2026-10-29T11:00:00Z", "3"),
            )
        )
    )

    table = read(source, "token_activities", DAY)

    assert table["id_unique_qualifier"].to_pylist() == ["3"]


def test_every_unusable_activity_of_a_page_is_named_with_its_field():
    source = scripted(
        reply(
            body=page(
                activity(None, "1"),
                activity("yesterday", "2"),
                activity("2026-10-29T11:00:00Z", "3", actor={"email": ["two"]}),
                activity(
                    "2026-10-29T11:00:00Z",
                    "4",
                    {
                        "name": "activity",
                        "parameters": [{"name": "num_response_bytes", "intValue": "many"}],
                    },
                ),
                "not an object",
            )
        )
    )

    with pytest.raises(RecordError) as err:
        read(source, "token_activities", DAY)

    fields = [(record, field) for record, field, _ in err.value.problems]
    assert fields == [
        ("item 1", "id.time"),
        ("activity yesterday/2", "id.time"),
        ("activity 2026-10-29T11:00:00Z/3", "actor.email"),
        ("activity 2026-10-29T11:00:00Z/4", "events[0].parameters[num_response_bytes].intValue"),
        ("item 5", "(item)"),
    ]
    assert "applications/token page 1" in str(err.value)


def test_a_next_page_token_that_repeats_is_an_error_not_an_endless_loop():
    source = scripted(
        reply(body=page(activity(qualifier="1"), next_token="A:1")),
        reply(body=page(activity(qualifier="2"), next_token="A:1")),
    )

    with pytest.raises(SourceError, match="nextPageToken repeats"):
        read(source, "token_activities", DAY)


def test_a_body_that_is_not_an_object_is_reported_with_its_page():
    with pytest.raises(SourceError, match=r"page 1 returned a JSON list, not an object"):
        read(scripted(reply(body=[])), "login_activities", DAY)


@pytest.mark.parametrize(
    ("wire", "moment"),
    [
        pytest.param("2026-10-29T14:03:22.123Z", datetime(2026, 10, 29, 14, 3, 22, 123000)),
        pytest.param("2026-10-29T16:03:22+02:00", datetime(2026, 10, 29, 14, 3, 22)),
    ],
)
def test_times_are_read_as_naive_utc_and_written_as_rfc_3339_with_milliseconds(wire, moment):
    assert parse_time(wire) == moment
    assert format_time(moment) == moment.isoformat(timespec="milliseconds") + "Z"
