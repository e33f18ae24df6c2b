"""Graph's JSON becomes rows exactly: its time formats, its "never", and named problems."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from connectors.graph.records import (
    SignIn,
    User,
    decode_page,
    format_time,
    naive_utc,
    read_items,
    sign_in_batch,
    user_row,
)


def items(*objects: object) -> list[msgspec.Raw]:
    return decode_page(json.dumps({"value": list(objects)}).encode()).value


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(datetime(2026, 10, 30), "2026-10-30T00:00:00Z", id="naive-is-utc"),
        pytest.param(
            datetime(2026, 10, 30, 2, tzinfo=timezone(timedelta(hours=2))),
            "2026-10-30T00:00:00Z",
            id="aware-converted",
        ),
        pytest.param(datetime(2026, 10, 30, 0, 0, 0, 5), "2026-10-30T00:00:00.000005Z", id="µs"),
    ],
)
def test_filter_times_are_written_in_utc_with_a_z(moment, text):
    assert format_time(moment) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2020-03-13T19:15:41.6195833Z", datetime(2020, 3, 13, 19, 15, 41, 619583),
                     id="seven-digit-fraction"),
        pytest.param("2020-03-13T21:15:41+02:00", datetime(2020, 3, 13, 19, 15, 41), id="offset"),
        pytest.param("0001-01-01T00:00:00Z", None, id="graphs-never"),
    ],
)  # fmt: skip
def test_graph_timestamps_land_as_naive_utc(text, expected):
    decoded = msgspec.json.decode(json.dumps(text).encode(), type=datetime)

    assert naive_utc(decoded) == expected


def test_a_user_lands_its_licenses_as_a_list_and_a_never_as_null():
    raw = items(
        {
            "id": "u1",
            "accountEnabled": False,
            "assignedLicenses": [{"disabledPlans": [], "skuId": "sku-a"}, {"skuId": "sku-b"}],
            "signInActivity": {
                "lastSignInDateTime": "2026-10-30T08:00:00Z",
                "lastNonInteractiveSignInDateTime": "0001-01-01T00:00:00Z",
            },
        }
    )
    (user,), problems = read_items(raw, User)

    row = user_row(user, raw[0])

    assert problems == []
    assert row["assigned_licenses_sku_ids"] == ["sku-a", "sku-b"]
    assert row["sign_in_activity_last_sign_in_date_time"] == datetime(2026, 10, 30, 8)
    assert row["sign_in_activity_last_non_interactive_sign_in_date_time"] is None
    assert row["account_enabled"] is False
    assert json.loads(row["payload"])["assignedLicenses"][1] == {"skuId": "sku-b"}


def test_every_unusable_item_of_a_page_is_named_with_its_field():
    raw = items(
        {"id": "s1", "createdDateTime": "2026-10-30T08:00:00Z", "status": {"errorCode": "0"}},
        {"id": "s2", "createdDateTime": "yesterday"},
        {"createdDateTime": "2026-10-30T08:00:00Z"},
        {"id": "s4", "createdDateTime": "2026-10-30T08:00:00Z"},
    )

    sign_ins, problems = read_items(raw, SignIn)

    assert [s.id for s in sign_ins] == ["s4"]
    assert problems == [
        ("s1", "status.errorCode", "Expected `int | null`, got `str`"),
        ("s2", "createdDateTime", "Invalid RFC3339 encoded datetime"),
        ("item 3", "id", "missing"),
    ]


def test_a_sign_in_batch_flattens_the_nested_objects():
    raw = items(
        {
            "id": "s1",
            "createdDateTime": datetime(2026, 10, 30, 8, tzinfo=UTC).isoformat(),
            "status": {"errorCode": 50126, "failureReason": "Invalid password."},
            "deviceDetail": {"operatingSystem": "MacOs", "browser": "Chrome 129.0.0"},
            "location": {"countryOrRegion": "GB", "city": "London"},
        }
    )
    sign_ins, _ = read_items(raw, SignIn)

    (row,) = sign_in_batch(sign_ins).to_pylist()

    assert row["created_date_time"] == datetime(2026, 10, 30, 8)
    assert row["status_error_code"] == 50126
    assert row["device_detail_operating_system"] == "MacOs"
    assert row["location_country_or_region"] == "GB"
    assert row["is_interactive"] is None
