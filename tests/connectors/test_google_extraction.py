"""Reading the tiny company's Google Workspace through the emulator gives back its events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
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
    # GIVEN pages of 50 activities
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


def test_by_default_a_window_is_read_as_queries_of_a_week(google, clock):
    table = read(connector(google, clock), "login_activities", last_days(30))

    assert by_key(table) == by_key(expected("login_activities", last_days(30)))
    spans = {(r.params["startTime"], r.params["endTime"]) for r in gets(google)}
    assert sorted(spans)[:2] == [
        ("2026-10-02T00:00:00.000Z", "2026-10-09T00:00:00.000Z"),
        ("2026-10-09T00:00:00.000Z", "2026-10-16T00:00:00.000Z"),
    ]
    assert len(spans) == 5  # four weeks and two days


class EventsTogether:
    """The tiny company's logins of a window as activities of two and three events: each event
    takes the id, actor and address of the first of its group."""

    def __init__(self, window: Window) -> None:
        view = workspace()
        self.customer_id, self.domain = view.customer_id, view.domain
        logins = view.activities("login", window.start, window.end)
        position = np.arange(logins.num_rows)
        index = np.array([0, 1, 0, 1, 2])[position % 5]
        first = pa.array(position - index)
        columns = {
            name: logins[name].take(first) if name in SAME_FOR_AN_ACTIVITY else logins[name]
            for name in logins.column_names
        }
        columns["event_index"] = pa.array(index, pa.int32())
        self.logins = pa.table(columns, schema=logins.schema)

    def activities(self, application: str, start: datetime, end: datetime) -> pa.Table:
        if application != "login":
            return self.logins.schema.empty_table()
        times = self.logins["id_time"]
        return self.logins.filter(pc.and_(pc.greater_equal(times, start), pc.less(times, end)))


SAME_FOR_AN_ACTIVITY = {
    "id_time", "id_unique_qualifier", "id_application_name", "id_customer_id", "actor_email",
    "actor_profile_id", "actor_caller_type", "ip_address",
}  # fmt: skip


def test_activities_of_several_events_are_served_whole_and_read_as_one_row_an_event(clock):
    window = last_days(2)
    view = EventsTogether(window)
    with emulator(view, clock=clock.time) as google:
        table = read(connector(google, clock), "login_activities", window)

    assert by_key(table) == by_key(view.logins)
    assert set(table["event_index"].to_pylist()) == {0, 1, 2}


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
