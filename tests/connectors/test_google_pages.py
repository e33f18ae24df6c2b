"""Pages read column-wise (the fast path) land exactly what reading activity by activity lands.

`records.activity_rows` is the reference: it is the careful reading, which names bad fields. The
fast path must give the same rows for every page it accepts, and hand back any page it cannot.
"""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa
import pytest
import requests
from google_workspace import ACCESS_TOKEN, emulator, read
from scripted_http import ScriptedSession, reply

from connectors.base import Entity, Window
from connectors.google.activities import activity_batch, decode_page
from connectors.google.client import GoogleWorkspaceConnector
from connectors.google.entities import LOGIN_ACTIVITIES, TOKEN_ACTIVITIES
from connectors.google.records import activity_rows, login_fields, token_fields

REPORTS = "/admin/reports/v1/activity/users/all/applications/"
ENTITY = {"token": TOKEN_ACTIVITIES, "login": LOGIN_ACTIVITIES}


def careful(body: bytes, entity: Entity) -> pa.Table:
    fields = token_fields if entity is TOKEN_ACTIVITIES else login_fields
    items = json.loads(body).get("items", [])
    rows = [row for item in items for row in activity_rows(item, fields)]
    return pa.Table.from_pylist(rows, schema=entity.schema)


def column_wise(body: bytes, entity: Entity) -> pa.Table:
    read = activity_batch(decode_page(body).items, entity)
    assert read is not None, "the fast path refused the page"
    return pa.Table.from_batches([read[0]])


def assert_same(fast: pa.Table, reference: pa.Table) -> None:
    assert fast.schema == reference.schema
    assert fast.to_pylist() == reference.to_pylist()  # row by row, in order, value for value


@pytest.mark.parametrize("application", ["token", "login"])
def test_the_emulators_pages_read_column_wise_give_the_rows_of_the_careful_reading(application):
    with emulator() as google:
        response = requests.get(
            f"{google.base_url}{REPORTS}{application}",
            params={"startTime": "2026-10-20T00:00:00Z", "endTime": "2026-10-31T00:00:00Z"},
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
            timeout=5,
        )

    entity = ENTITY[application]
    reference = careful(response.content, entity)
    assert reference.num_rows > 300
    assert_same(column_wise(response.content, entity), reference)


def odd_page() -> dict:
    """Everything the Reports API may send that the sample company does not."""
    calendly = [
        {"name": "app_name", "value": "Calendly ✓"},
        {"name": "client_id", "value": "123-abc.apps.googleusercontent.com"},
        {"name": "scope", "value": "openid"},  # one scope sent as `value`
        {"name": "scope_data", "multiMessageValue": [{"parameter": [{"name": "x", "value": "y"}]}]},
        {"name": "redirect", "value": "https://calendly.com/?a=1&b=<2>"},
        {"name": "weight", "multiIntValue": [2.5e-7]},  # not modelled, and a float
    ]
    use = [
        {"name": "num_response_bytes", "intValue": 52311},  # a number, not Google's string
        {"name": "api_name", "value": "calendar"},
        {"name": "api_name", "value": "gmail"},  # sent twice: the last counts
        {"name": "num_response_bytes", "intValue": "-7"},
    ]
    login = [
        {"name": "login_type", "value": "google_password"},
        {"name": "login_challenge_method", "multiValue": ["password", "totp"]},
        {"name": "is_suspicious", "boolValue": False},
    ]
    return {
        "kind": "admin#reports#activities",
        "items": [
            {
                "id": {"time": "2026-10-29T16:03:22.123+02:00", "uniqueQualifier": "-1"},
                "actor": {"email": "ana@acme.example"},
                "events": [
                    {"type": "auth", "name": "authorize", "parameters": calendly},
                    {"type": "auth", "name": "activity", "parameters": use},
                    {"name": "revoke", "parameters": None},
                    {"name": "activity", "parameters": []},
                    {"name": "login_success", "parameters": login},
                ],
            },
            {"id": {"time": "2026-10-29T12:00:00Z", "uniqueQualifier": "2"}, "events": []},
            {"id": {"time": "2026-10-29T11:00:00Z", "uniqueQualifier": "3"}},
            {
                "id": {"time": "2026-10-29T10:00:00.5Z", "uniqueQualifier": "4"},
                "ipAddress": "2001:db8::1",
                "events": [{"type": "login", "name": "logout"}],
            },
        ],
    }


@pytest.mark.parametrize(
    "dump",
    [
        pytest.param(lambda page: json.dumps(page, ensure_ascii=False), id="spaced"),
        pytest.param(lambda page: json.dumps(page, indent=2), id="pretty-and-escaped"),
        pytest.param(lambda page: json.dumps(page, separators=(",", ":")), id="compact"),
    ],
)
@pytest.mark.parametrize("entity", [TOKEN_ACTIVITIES, LOGIN_ACTIVITIES], ids=lambda e: e.name)
def test_unusual_pages_read_column_wise_give_the_rows_of_the_careful_reading(dump, entity):
    body = dump(odd_page()).encode()

    fast = column_wise(body, entity)

    assert_same(fast, careful(body, entity))
    assert fast["event_index"].to_pylist() == [0, 1, 2, 3, 4, 0]
    parameters = fast["parameters"].to_pylist()
    assert parameters[2:4] == [None, "[]"]
    assert '"value":"https://calendly.com/?a=1&b=<2>"' in parameters[0]  # compact, unescaped


def test_a_page_the_fast_path_cannot_take_is_read_the_careful_way_with_the_same_result():
    # GIVEN an id Google would send as text sent as a number, which only the careful way takes
    item = odd_page()["items"][3]
    item["id"] |= {"customerId": 1234567}
    body = {"kind": "admin#reports#activities", "items": [item]}
    source = GoogleWorkspaceConnector(
        access_token=ACCESS_TOKEN,
        session=ScriptedSession(reply(body=body)),
        requests_per_minute=None,
    )

    table = read(source, "login_activities", Window(datetime(2026, 10, 29), datetime(2026, 10, 30)))

    assert table["id_customer_id"].to_pylist() == ["1234567"]
    assert table["id_time"].to_pylist() == [datetime(2026, 10, 29, 10, 0, 0, 500000)]
