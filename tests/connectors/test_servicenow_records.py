"""Table API records become rows: stored values in columns, labels beside them, nothing guessed."""

from __future__ import annotations

import json
from datetime import date, datetime

import pyarrow as pa
import pytest

from connectors.servicenow.entities import BUSINESS_APPS, ENTITIES, LICENSES
from connectors.servicenow.records import BadFieldError, record_row


def pair(value: str, display: str | None = None) -> dict[str, str]:
    return {"display_value": value if display is None else display, "value": value}


def license_record(**fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "sys_id": pair("a" * 32),
        "display_name": pair("Slack"),
        "asset_tag": pair(""),
        "software_model": pair("b" * 32, "Slack"),
        "vendor": pair("c" * 32, "Slack Technologies, LLC"),
        "rights": pair("1200", "1,200"),
        "start_date": pair("2026-02-01", "02/01/2026"),
        "end_date": pair("2027-01-31", "01/31/2027"),
        "install_status": pair("1", "In use"),
        "sys_created_on": pair("2026-01-20 23:30:00", "2026-01-20 15:30:00"),
        "sys_updated_on": pair("2026-10-30 08:00:05", "2026-10-30 01:00:05"),
    }
    record.update(fields)
    return record


def test_a_reference_lands_its_sys_id_and_beside_it_the_referenced_record_s_name():
    row = record_row(license_record(), LICENSES.fields)

    assert row["vendor"] == "c" * 32
    assert row["vendor_display_value"] == "Slack Technologies, LLC"
    assert row["install_status"] == "1"
    assert row["install_status_display_value"] == "In use"


def test_numbers_dates_and_times_are_read_from_the_stored_value_not_the_user_s_display():
    row = record_row(license_record(), LICENSES.fields)

    assert row["rights"] == 1200
    assert row["start_date"] == date(2026, 2, 1)
    # The display value is in the API user's time zone; the value is UTC.
    assert row["sys_created_on"] == datetime(2026, 1, 20, 23, 30, 0)


def test_an_empty_string_which_is_how_servicenow_says_no_value_lands_as_null():
    record = license_record(software_model=pair(""), end_date={"display_value": "", "value": ""})

    row = record_row(record, LICENSES.fields)

    assert row["asset_tag"] is None
    assert row["software_model"] is None
    assert row["software_model_display_value"] is None
    assert row["end_date"] is None


def test_a_field_missing_from_the_record_lands_as_null():
    record = license_record()
    del record["vendor"]

    row = record_row(record, LICENSES.fields)

    assert row["vendor"] is None
    assert row["vendor_display_value"] is None


def test_a_record_read_without_display_values_still_lands_its_values():
    record = {name: item["value"] for name, item in license_record().items()}

    row = record_row(record, LICENSES.fields)

    assert row["rights"] == 1200
    assert row["vendor"] == "c" * 32
    assert row["vendor_display_value"] is None


def test_a_dot_walked_field_lands_with_an_underscore_for_the_dot():
    record = {"sys_id": pair("d" * 32), "owned_by.email": pair("ana.lee@larkspur.example")}

    row = record_row(record, BUSINESS_APPS.fields)

    assert row["owned_by_email"] == "ana.lee@larkspur.example"


def test_the_payload_is_the_record_as_received():
    record = license_record(u_cost_center=pair("CC-2000"))

    row = record_row(record, LICENSES.fields)

    assert json.loads(row["payload"]) == record


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        pytest.param({"rights": pair("lots")}, "rights", id="rights-not-a-number"),
        pytest.param({"start_date": pair("01/02/2026")}, "start_date", id="date-not-iso"),
        pytest.param({"sys_updated_on": pair("yesterday")}, "sys_updated_on", id="bad-datetime"),
        pytest.param({"display_name": pair(["a", "list"])}, "display_name", id="not-text"),
        pytest.param({"sys_id": pair("")}, "sys_id", id="no-sys-id"),
    ],
)
def test_an_unusable_field_is_named(fields, bad_field):
    with pytest.raises(BadFieldError) as err:
        record_row(license_record(**fields), LICENSES.fields)

    assert err.value.field == bad_field


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_each_entity_is_keyed_by_a_non_null_sys_id_and_ends_with_its_payload(entity):
    assert entity.key == ("sys_id",)
    assert entity.schema.field("sys_id").nullable is False
    assert entity.schema.names[-1] == "payload"


def test_a_row_has_exactly_the_columns_of_its_entity_schema():
    row = record_row(license_record(), LICENSES.fields)

    assert list(row) == LICENSES.entity.schema.names
    assert pa.Table.from_pylist([row], schema=LICENSES.entity.schema).num_rows == 1
