"""Seats read column-wise land exactly what the seat-by-seat reading lands, or step aside for it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from snipeit_org import build_instance, by_key, connectors, read, serving

import connectors.snipeit.client as snipeit_client
from connectors.errors import RecordError
from connectors.http import as_json_objects
from connectors.snipeit.entities import LICENSE_SEATS
from connectors.snipeit.records import seat_row
from connectors.snipeit.seats import SeatPage, decode_page, seat_batch

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def instance():
    return build_instance()


def seat(**fields: object) -> dict:
    """A seat as LicenseSeatsTransformer writes it, held by a person, with `fields` replaced."""
    return {
        "id": 1001,
        "license_id": 2,
        "updated_at": {"datetime": "2026-10-31 14:05:00", "formatted": "2026-10-31 02:05 PM"},
        "assigned_user": {
            "id": 500,
            "name": "Zo&euml; D&#039;Arcy",
            "email": "zoe@acme.example",
            "department": {"id": 7, "name": "R&amp;D", "tag_color": None},
            "company": None,
        },
        "assigned_asset": None,
        "location": {"id": 3, "name": "", "tag_color": None},
        "reassignable": True,
        "notes": "",
        "user_can_checkout": False,
        "disabled": False,
        "available_actions": {"checkout": True, "checkin": True},
        **fields,
    }


def page(*seats: dict) -> bytes:
    return json.dumps({"total": len(seats), "rows": list(seats)}).encode()


def careful(body: bytes, license_id: int, zone=UTC) -> pa.RecordBatch:
    rows = [seat_row(obj, license_id, zone) for obj in json.loads(body)["rows"]]
    return pa.RecordBatch.from_pylist(rows, schema=LICENSE_SEATS.schema)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_an_instance_s_seats_read_column_wise_are_those_read_seat_by_seat(
    instance, clock, monkeypatch, zone
):
    with serving(instance, clock, timezone=zone) as server, connectors(server, clock) as make:
        fast = read(make(timezone=zone), "license_seats")
        pages: list[bool] = []  # for each page of seats, whether it was read column-wise
        real = snipeit_client.seat_batch

        def counted(*args):
            batch = real(*args)
            pages.append(batch is not None)
            return batch

        monkeypatch.setattr(snipeit_client, "seat_batch", counted)
        read(make(timezone=zone), "license_seats")
        monkeypatch.setattr(snipeit_client, "seat_batch", lambda *args: None)
        slow = read(make(timezone=zone), "license_seats")

    # Every page of seats went column-wise (the instance holds escaped and empty text, seats of
    # people, of devices and of nobody), and landed what the careful reading lands.
    assert len(pages) > 20
    assert all(pages)
    assert fast.equals(slow)
    assert by_key(fast) == by_key(instance.license_seats)


def test_a_page_as_snipeit_sends_it_is_read_column_wise_as_it_would_be_seat_by_seat():
    body = page(seat(), seat(id=1002, assigned_user=None, location=None, notes="a &lt;b&gt;"))

    batch = seat_batch(decode_page(body).rows, 2, NEW_YORK)

    assert batch is not None
    assert batch.equals(careful(body, 2, NEW_YORK))
    first = batch.to_pylist()[0]
    assert first["assigned_user_name"] == "Zoë D'Arcy"
    assert first["assigned_user_department_name"] == "R&D"
    assert first["location_name"] is None  # sent as ""
    assert first["updated_at"] == datetime(2026, 10, 31, 18, 5)  # 14:05 in New York (EDT)


@pytest.mark.parametrize(
    "odd",
    [
        pytest.param({"id": "1001"}, id="an id sent as text"),
        pytest.param({"disabled": 0}, id="a boolean sent as 0/1 by an older Snipe-IT"),
        pytest.param({"notes": 42}, id="text sent as a number"),
        pytest.param(
            {"updated_at": {"datetime": "2026-03-08 02:30:00"}},
            id="a time New York's clocks skipped",
        ),
        pytest.param(
            {"updated_at": {"datetime": "2026-11-01 01:30:00"}},
            id="a time New York's clocks showed twice",
        ),
        pytest.param({"updated_at": {"datetime": "2026-10-31T14:05:00"}}, id="an ISO timestamp"),
    ],
)
def test_a_page_written_otherwise_is_read_seat_by_seat(odd: dict):
    body = page(seat(id=1000), seat(**odd))

    decoded = decode_page(body)
    seats = decoded.rows if isinstance(decoded, SeatPage) else decoded["rows"]

    # Column-wise steps aside; the careful reading takes the page as it always did.
    assert seat_batch(seats, 2, NEW_YORK) is None
    assert careful(body, 2, NEW_YORK).num_rows == 2


@pytest.mark.parametrize(
    ("odd", "field"),
    [
        pytest.param({"id": None}, "id", id="a seat without an id"),
        pytest.param({"license_id": 5}, "license_id", id="a seat of another license"),
        pytest.param({"updated_at": {"datetime": "2026-02-30 10:00:00"}}, "updated_at.datetime"),
    ],
)
def test_a_bad_seat_is_refused_by_name_not_landed_column_wise(odd, field):
    decoded = decode_page(page(seat(), seat(**odd)))
    assert seat_batch(decoded.rows, 2, UTC) is None

    # The connector's careful reading of the page it stepped aside from names the seat and field.
    connector = snipeit_client.SnipeItConnector("http://127.0.0.1:9", "token")
    with pytest.raises(RecordError) as refused:
        connector._read(as_json_objects(decoded.rows), lambda obj: seat_row(obj, 2, UTC), "page 1")
    assert field in str(refused.value)
