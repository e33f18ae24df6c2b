"""Every table the company hands out is exactly in the raw entity schema its consumer expects."""

from __future__ import annotations

import csv

import pyarrow as pa
import pytest

from connectors.files.reader import FilesConnector
from connectors.files.schemas import FILE_SPECS
from connectors.okta.entities import APP_USERS, APPS, SSO_EVENTS, USERS
from sample_company.files import write_files


@pytest.mark.parametrize(
    ("table", "entity"),
    [("okta_users", USERS), ("okta_apps", APPS), ("okta_app_users", APP_USERS)],
    ids=["users", "apps", "app_users"],
)
def test_okta_tables_have_exactly_the_entity_schema(tiny, table, entity):
    assert getattr(tiny, table).schema.equals(entity.schema)


@pytest.mark.parametrize("spec", FILE_SPECS, ids=[s.entity for s in FILE_SPECS])
def test_business_tables_have_exactly_the_file_spec_schema(tiny, spec):
    assert tiny.file_tables()[spec.entity].schema.equals(spec.to_entity().schema)


@pytest.mark.parametrize("spec", FILE_SPECS, ids=[s.entity for s in FILE_SPECS])
def test_required_business_columns_are_never_empty(tiny, spec):
    table = tiny.file_tables()[spec.entity]

    for column in (c.name for c in spec.columns if c.required):
        assert table.column(column).null_count == 0, column
        assert "" not in table.column(column).to_pylist(), column


def test_sign_in_batches_have_exactly_the_event_schema(tiny):
    batch = next(tiny.sso_events())

    assert batch.schema.equals(SSO_EVENTS.schema)


def test_entity_keys_are_unique(tiny):
    for table, key in [
        (tiny.okta_users, USERS.key),
        (tiny.okta_apps, APPS.key),
        (tiny.okta_app_users, APP_USERS.key),
        *[(tiny.file_tables()[s.entity], s.key) for s in FILE_SPECS],
    ]:
        rows = list(zip(*(table.column(k).to_pylist() for k in key), strict=True))
        assert len(set(rows)) == len(rows), key


@pytest.mark.parametrize("spec", FILE_SPECS, ids=[s.entity for s in FILE_SPECS])
def test_each_csv_file_has_the_spec_header_and_reads_back_as_the_table(tiny, tmp_path, spec):
    # GIVEN the files written where the files connector expects them
    paths = write_files(tiny, tmp_path)

    # WHEN the project's own reader parses one against its declared schema
    with paths[spec.entity].open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    batches = FilesConnector(tmp_path).extract(spec.entity)
    read_back = pa.Table.from_batches(list(batches), schema=spec.to_entity().schema)

    # THEN it has the spec's columns in order and every value survives the round trip
    assert paths[spec.entity].name == spec.file_name
    assert header == [c.name for c in spec.columns]
    assert read_back.equals(tiny.file_tables()[spec.entity])
