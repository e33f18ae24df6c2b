"""The emulator serves the real sample company, and the connector reads it back exactly.

This guards the interface between `sample_company.generate` and the emulator: tables in the
entity schemas, and `sso_events(start, end)` streaming a window of the event history.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pyarrow as pa
import pytest
from okta_org import TOKEN, UNLIMITED, by_key, read

from connectors.base import Window
from connectors.okta import client
from connectors.okta.client import OktaConnector
from connectors.okta.entities import APP_USER_CHANGES, ENTITIES, SSO_EVENTS
from connectors.okta.records import parse_time
from sample_company.company import Company, generate
from sample_company.emulators.okta import OktaEmulator

KEYS = {entity.name: entity.key for entity in ENTITIES}


@pytest.fixture(scope="module")
def company() -> Company:
    return generate("tiny", seed=7)


@pytest.fixture(scope="module")
def connector(company) -> Iterator[OktaConnector]:
    with (
        OktaEmulator(company, TOKEN, rate_limits=UNLIMITED) as okta,
        OktaConnector(okta.base_url, TOKEN, requests_per_minute=None) as connector,
    ):
        yield connector


@pytest.mark.parametrize("entity", ["users", "apps", "app_users"])
def test_each_okta_table_of_the_sample_company_is_read_back_exactly(company, connector, entity):
    table = read(connector, entity)

    source = company.okta_tables()[entity]
    assert by_key(table, KEYS[entity]) == by_key(source, KEYS[entity])


def test_fields_the_generator_put_in_the_user_payload_reach_the_landed_payload(company, connector):
    landed = {row["id"]: json.loads(row["payload"]) for row in read(connector, "users").to_pylist()}

    for row in company.okta_users.to_pylist():
        generated = json.loads(row["payload"])
        assert landed[row["id"]]["profile"] | generated["profile"] == landed[row["id"]]["profile"]


def test_two_days_of_sign_ins_are_read_back_exactly(company, connector):
    window = Window(company.events_end - timedelta(days=2), company.events_end)

    table = read(connector, "sso_events", window)

    expected = pa.Table.from_batches(
        list(company.sso_events(window.start, window.end)), schema=SSO_EVENTS.schema
    )
    assert table.num_rows > 0
    assert by_key(table, SSO_EVENTS.key) == by_key(expected, SSO_EVENTS.key)


def test_the_assignment_changes_of_a_month_are_read_back_exactly(company, connector):
    # the sample org's changes are the assignments it made, each at its creation
    window = Window(company.events_end - timedelta(days=30), company.events_end)

    table = read(connector, "app_user_changes", window)

    expected = pa.Table.from_batches(
        list(company.app_user_changes(window.start, window.end)), schema=APP_USER_CHANGES.schema
    )
    assert table.num_rows > 0
    assert by_key(table, APP_USER_CHANGES.key) == by_key(expected, APP_USER_CHANGES.key)


def test_the_users_updated_since_a_moment_are_read_back_as_the_listing_reads_them(connector):
    users = read(connector, "users")
    listed = by_key(users, KEYS["users"])
    updated = {
        (row["id"],): parse_time(json.loads(row["payload"])["lastUpdated"])
        for row in users.to_pylist()
    }
    since = sorted(updated.values())[len(updated) // 2]

    table = read(connector, "user_changes", Window(since, since + timedelta(days=1)))

    # the connector reads from USER_CHANGES_MARGIN earlier, for clocks
    expected = {
        key: row for key, row in listed.items() if updated[key] > since - client.USER_CHANGES_MARGIN
    }
    assert 0 < len(expected) < len(listed)
    assert by_key(table, KEYS["users"]) == expected
