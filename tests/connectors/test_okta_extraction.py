"""Reading an Okta org through the emulator gives back exactly that org, entity by entity."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from okta_org import (
    ALL_EVENTS,
    FIRST_DAY,
    SSO,
    TOKEN,
    UNLIMITED,
    by_key,
    expected_sso_events,
    read,
)

from connectors.base import Window
from connectors.okta import client
from connectors.okta.entities import APP_USERS, APPS, SSO_EVENTS, USERS
from connectors.okta.records import parse_time
from sample_company.emulators.okta import OktaEmulator


@pytest.mark.parametrize(
    ("entity", "source"),
    [
        pytest.param(USERS, "okta_users", id="users"),
        pytest.param(APPS, "okta_apps", id="apps"),
        pytest.param(APP_USERS, "okta_app_users", id="app_users"),
    ],
)
def test_a_snapshot_is_read_whole_across_pages_with_every_field_as_in_the_org(
    org, make_connector, entity, source
):
    # GIVEN pages of 10 records, so every list spans several pages
    table = read(make_connector(page_size=10), entity.name)

    # THEN the batches have the entity's exact schema and hold the org's records, field for field
    assert table.schema == entity.schema
    assert table.num_rows == getattr(org, source).num_rows
    assert by_key(table, entity.key) == by_key(getattr(org, source), entity.key)


def test_app_users_read_column_wise_are_exactly_those_read_one_by_one(
    org, make_connector, monkeypatch
):
    # GIVEN the connector reads the org's assignments once column-wise, as Okta sends them,
    # several pages to a batch...
    column_wise = []
    batch_of = client.app_users_batch

    def spied(pages):
        batch = batch_of(pages)
        column_wise.append((len(pages), batch is not None))
        return batch

    monkeypatch.setattr(client, "app_users_batch", spied)
    fast = read(make_connector(page_size=10, batch_rows=25), "app_users")
    # ...once with every batch refused, so each of its pages is converted on its own...
    monkeypatch.setattr(client, "app_users_batch", lambda pages: None)
    page_by_page = read(make_connector(page_size=10, batch_rows=25), "app_users")
    # ...and once with every page read assignment by assignment
    monkeypatch.setattr(client, "app_user_ids", lambda app_users: None)
    careful = read(make_connector(page_size=10, batch_rows=25), "app_users")

    # THEN every batch went the column-wise way, most of several pages, and the three readings
    # land the same table
    assert len(column_wise) > 1
    assert all(converted for _, converted in column_wise)
    assert max(pages for pages, _ in column_wise) > 1
    assert fast.num_rows == org.okta_app_users.num_rows
    assert fast.equals(page_by_page)
    assert fast.equals(careful)


def test_sso_events_of_a_window_are_exactly_the_orgs_sso_sign_ins_in_it(org, make_connector):
    # GIVEN pages of 50 events, whose boundaries fall inside groups of events of the same second
    table = read(make_connector(log_page_size=50), "sso_events", ALL_EVENTS)

    expected = expected_sso_events(org, ALL_EVENTS)
    assert table.schema == SSO_EVENTS.schema
    assert by_key(table, SSO_EVENTS.key) == by_key(expected, SSO_EVENTS.key)


def test_the_user_payload_is_the_json_okta_sent_including_fields_not_modelled(make_connector):
    table = read(make_connector(), "users")

    payloads = {row["id"]: json.loads(row["payload"]) for row in table.to_pylist()}
    nicknamed = payloads["00u00000000000000001"]
    assert nicknamed["profile"]["nickName"] == "Zed"
    assert nicknamed["_links"]["self"]["href"].endswith("/api/v1/users/00u00000000000000001")
    assert payloads["00u00000000000000002"]["profile"]["lastName"] == "Zoë Ørsted"


def test_deprovisioned_users_are_read_although_okta_lists_them_only_on_request(
    org, okta, make_connector
):
    # Okta's GET /api/v1/users leaves DEPROVISIONED users out unless a filter asks for them.
    table = read(make_connector(), "users")

    statuses = table.column("status").to_pylist()
    assert statuses.count("DEPROVISIONED") == org.okta_users.column("status").to_pylist().count(
        "DEPROVISIONED"
    )
    filters = {r.params.get("filter") for r in okta.requests if r.path == "/api/v1/users"}
    assert filters == {None, 'status eq "DEPROVISIONED"'}


def test_user_changes_are_the_users_updated_since_the_window_began_deprovisioned_too(
    org, okta, make_connector
):
    # GIVEN users updated (here: activated) a day apart; a window beginning 5 minutes after user
    # 40's update, less than the margin the connector keeps for a clock ahead of Okta's
    user = org.okta_users.to_pylist()
    since = user[40]["activated"] + timedelta(minutes=5)
    everyone = by_key(read(make_connector(), "users"), USERS.key)
    okta.clear_requests()

    changed = read(make_connector(), "user_changes", Window(since, since + timedelta(days=1)))

    # THEN exactly the users updated since 10 minutes before the window: 40 and after, the
    # deprovisioned among them too (Okta lists those only when a filter names their status)
    later = {(row["id"],) for row in user[40:]}
    assert set(by_key(changed, USERS.key)) == later
    assert any(everyone[key]["status"] == "DEPROVISIONED" for key in later)
    # AND each in the very row the whole listing reads
    assert by_key(changed, USERS.key) == {key: everyone[key] for key in later}
    updated = f'lastUpdated gt "{client.format_time(since - client.USER_CHANGES_MARGIN)}"'
    filters = {r.params.get("filter") for r in okta.requests if r.path == "/api/v1/users"}
    assert filters == {updated, f'status eq "DEPROVISIONED" and {updated}'}


def test_the_next_pages_of_users_are_requested_while_this_one_is_read(org, okta, make_connector):
    # GIVEN pages of 3 users, handed over a page at a time
    users = make_connector(page_size=3, batch_rows=3).extract("users")
    first = next(users)

    # THEN while the caller holds the first page, the next is on its way; `read_ahead` keeps at
    # most one page waiting and one being requested
    def pages() -> list[tuple[str | None, str | None]]:
        return [
            (r.params.get("filter"), r.params.get("after"))
            for r in okta.requests
            if r.path == "/api/v1/users"
        ]

    deadline = time.monotonic() + 5
    while len(pages()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.num_rows == 3
    assert 2 <= len(pages()) <= 3
    # AND reading on reads every user once, each page asked for once
    assert first.num_rows + sum(batch.num_rows for batch in users) == org.okta_users.num_rows
    assert len(pages()) == len(set(pages()))


def test_every_system_log_request_is_a_bounded_sso_query(okta, make_connector):
    read(make_connector(), "sso_events", ALL_EVENTS)

    log_requests = [r for r in okta.requests if r.path == "/api/v1/logs"]
    assert len(log_requests) > 3
    for request in log_requests:
        # A request without `until` is a polling query, whose next link never ends.
        assert request.params["until"]
        assert request.params["since"]
        assert request.params["filter"] == f'eventType eq "{SSO}"'
        assert request.params["sortOrder"] == "ASCENDING"


def test_a_later_window_reads_only_newer_events_and_the_two_do_not_overlap(
    org, okta, make_connector
):
    # GIVEN a boundary exactly on the `published` time of some events
    boundary = expected_sso_events(org, ALL_EVENTS).column("published")[700].as_py()
    first, second = Window(ALL_EVENTS.start, boundary), Window(boundary, ALL_EVENTS.end)
    connector = make_connector()

    # WHEN the first window is read, then the second
    earlier = read(connector, "sso_events", first)
    okta.clear_requests()
    later = read(connector, "sso_events", second)

    # THEN the second run asked only for newer events, and the two runs split the events exactly
    assert all(parse_time(r.params["since"]) >= boundary for r in okta.requests)
    earlier_ids = set(earlier.column("uuid").to_pylist())
    later_ids = set(later.column("uuid").to_pylist())
    assert not earlier_ids & later_ids
    assert earlier_ids | later_ids == set(expected_sso_events(org, ALL_EVENTS)["uuid"].to_pylist())
    assert min(later.column("published").to_pylist()) == boundary  # half-open: [start, end)


def test_a_long_window_is_read_as_bounded_queries_no_longer_than_the_span(okta, make_connector):
    read(make_connector(event_window_span=timedelta(hours=12)), "sso_events", ALL_EVENTS)

    first_pages = [
        r.params for r in okta.requests if r.path == "/api/v1/logs" and "after" not in r.params
    ]
    assert [(p["since"], p["until"]) for p in first_pages] == [
        (f"{FIRST_DAY + timedelta(hours=h):%Y-%m-%dT%H:%M:%S}.000Z",
         f"{FIRST_DAY + timedelta(hours=h + 12):%Y-%m-%dT%H:%M:%S}.000Z")
        for h in range(0, 72, 12)
    ]  # fmt: skip


def test_paging_stops_at_an_empty_page_even_when_it_carries_a_next_link(org, clock, make_connector):
    # GIVEN an org whose bounded queries page on like polling ones, a next link on every page
    with OktaEmulator(
        org, TOKEN, rate_limits=UNLIMITED, trailing_empty_page=True, clock=clock.time
    ) as okta:
        table = read(make_connector(base_url=okta.base_url), "sso_events", ALL_EVENTS)

    # THEN the extraction ends (following the empty page's link would repeat it) with every event
    assert table.num_rows == expected_sso_events(org, ALL_EVENTS).num_rows


def test_batches_stay_within_batch_rows_so_memory_does_not_grow_with_the_org(make_connector):
    batches = list(make_connector(batch_rows=100).extract("sso_events", ALL_EVENTS))

    assert len(batches) > 5
    assert all(0 < batch.num_rows <= 100 for batch in batches)


@pytest.mark.parametrize(
    ("entity", "window", "message"),
    [
        pytest.param("groups", None, "okta has no entity 'groups'", id="unknown-entity"),
        pytest.param("sso_events", None, "pass a Window", id="events-without-window"),
        pytest.param("user_changes", None, "pass a Window", id="user-changes-without-window"),
    ],
)
def test_a_request_the_connector_cannot_serve_is_refused_before_any_call(
    okta, make_connector, entity, window, message
):
    with pytest.raises(ValueError, match=message):
        make_connector().extract(entity, window)
    assert okta.requests == []
