"""Reading the tiny company's Google Workspace through the emulator gives back its events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from google_workspace import (
    ACCESS_TOKEN,
    SCHEMAS,
    FakeClock,
    by_key,
    connector,
    emulator,
    expected,
    keys,
    last_days,
    read,
    workspace,
)

from connectors.base import Window
from connectors.errors import AuthenticationError
from sample_company.emulators.google import GoogleEmulator

REPORTS = "/admin/reports/v1/activity/users/all/applications/"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def google(clock) -> Iterator[GoogleEmulator]:
    with emulator(clock=clock.time) as server:
        yield server


def gets(server: GoogleEmulator) -> list:
    return [r for r in server.requests if r.method == "GET"]


@pytest.mark.parametrize("entity", ["token_activities", "login_activities"])
def test_a_week_of_each_entity_is_read_across_pages_exactly_as_the_company_has_it(
    google, clock, entity
):
    # GIVEN pages of 50 activities and one query per day
    window = last_days(7)

    table = read(connector(google, clock), entity, window)

    # THEN every event of the week is there once, field for field, in the entity's schema
    want = expected(entity, window)
    assert table.schema == SCHEMAS[entity]
    assert want.num_rows > 100
    assert by_key(table) == by_key(want)
    assert len(gets(google)) > 7  # several pages on the busy days
    assert {r.params["maxResults"] for r in gets(google)} == {"50"}


def test_a_month_read_as_one_query_of_full_pages_counts_every_event(google, clock):
    month = last_days(30)
    source = connector(google, clock, page_size=1000, event_window_span=timedelta(days=365))

    table = read(source, "token_activities", month)

    assert table.num_rows == expected("token_activities", month).num_rows
    assert len(set(keys(table))) == table.num_rows
    activities = len({key[:2] for key in keys(table)})
    assert activities > 1000
    assert len(gets(google)) == -(-activities // 1000)


def test_a_second_window_fetches_only_newer_events_and_nothing_twice(google, clock):
    source = connector(google, clock)
    earlier, later = last_days(4), last_days(2)
    first = read(source, "login_activities", Window(earlier.start, later.start))
    google.clear_requests()

    second = read(source, "login_activities", later)

    assert set(keys(first)).isdisjoint(keys(second))
    assert sorted(keys(first) + keys(second)) == sorted(keys(expected("login_activities", earlier)))
    assert min(r.params["startTime"] for r in gets(google)) == "2026-10-30T00:00:00.000Z"


def test_an_event_exactly_at_a_window_boundary_lands_in_the_later_window_only(google, clock):
    # GIVEN a boundary on the very millisecond of an event (Google's endTime is inclusive)
    day = last_days(1)
    events = expected("login_activities", day)
    boundary = events["id_time"][events.num_rows // 2].as_py()
    source = connector(google, clock)

    before = read(source, "login_activities", Window(day.start, boundary))
    after = read(source, "login_activities", Window(boundary, day.end))

    assert boundary not in before["id_time"].to_pylist()
    assert boundary in after["id_time"].to_pylist()
    assert before.num_rows + after.num_rows == events.num_rows


def test_a_window_is_cut_into_queries_of_at_most_the_configured_span(google, clock):
    source = connector(google, clock, event_window_span=timedelta(hours=12))

    table = read(source, "token_activities", last_days(2))

    assert by_key(table) == by_key(expected("token_activities", last_days(2)))
    spans = {(r.params["startTime"], r.params["endTime"]) for r in gets(google)}
    assert len(spans) == 4


def test_the_service_account_mints_one_token_for_a_run_and_renews_it_before_it_expires(clock):
    with emulator(token_lifetime=600, clock=clock.time) as google:
        source = connector(google, clock)
        read(source, "token_activities", last_days(1))
        clock.now += 400  # the token now has less than the five-minute margin left

        read(source, "token_activities", last_days(1))

    posts = [r for r in google.requests if r.method == "POST"]
    assert len(posts) == 2
    assert all(r.status == 200 for r in google.requests)


def test_a_pre_minted_access_token_reads_the_same_events_without_the_token_endpoint(google):
    source = connector(google, None, access_token=ACCESS_TOKEN)

    table = read(source, "login_activities", last_days(1))

    assert by_key(table) == by_key(expected("login_activities", last_days(1)))
    assert all(r.method == "GET" for r in google.requests)


def test_a_configured_customer_id_is_sent_and_another_customers_is_refused(google, clock):
    view = workspace()
    read(connector(google, clock, customer_id=view.customer_id), "login_activities", last_days(1))
    assert {r.params["customerId"] for r in gets(google)} == {view.customer_id}

    with pytest.raises(AuthenticationError, match="HTTP 403"):
        read(connector(google, clock, customer_id="C0other12"), "login_activities", last_days(1))
