"""Reading the sample company's tenant through the emulator gives back exactly that tenant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pyarrow as pa
import pytest
from graph_tenant import Harness, by_key, graph_requests, harness, last_days, read

from connectors.base import Window
from connectors.errors import SourceError
from connectors.graph.entities import ENTITIES, SIGN_INS


@pytest.fixture
def graph(clock) -> Iterator[Harness]:
    with harness(clock) as made:
        yield made


def expected_sign_ins(graph: Harness, window: Window) -> pa.Table:
    batches = list(graph.tenant.sign_ins(window.start, window.end))
    return pa.Table.from_batches(batches, schema=SIGN_INS.schema)


@pytest.mark.parametrize("entity", ["subscribed_skus", "service_principals", "users"])
def test_an_inventory_is_read_whole_across_pages_with_every_field_as_in_the_tenant(graph, entity):
    # GIVEN pages of 20 records, so the users and service principals span several pages
    table = read(graph.connector(page_size=20), entity)

    # THEN the batches have the entity's schema and hold the tenant's records, field for field
    source = getattr(graph.tenant, entity)
    assert table.schema == {e.name: e.schema for e in ENTITIES}[entity]
    assert table.num_rows == source.num_rows
    assert by_key(table) == by_key(source)


def test_users_are_paged_with_top_and_followed_by_next_link_to_the_end(graph):
    read(graph.connector(page_size=20), "users")

    pages = graph_requests(graph.emulator, "/v1.0/users")
    assert len(pages) == -(-graph.tenant.users.num_rows // 20)
    assert pages[0].params["$top"] == "20"
    assert all("$skiptoken" in page.params for page in pages[1:])


def test_the_user_payload_holds_the_selected_properties_including_sign_in_activity(graph):
    table = read(graph.connector(), "users")

    payloads = [json.loads(text) for text in table.column("payload").to_pylist()]
    assert {"signInActivity", "assignedLicenses", "accountEnabled"} <= set(payloads[0])
    assert "givenName" not in payloads[0]  # not selected, so Graph does not send it
    request = graph_requests(graph.emulator, "/v1.0/users")[0]
    assert "signInActivity" in request.params["$select"].split(",")


def test_without_sign_in_activity_users_are_read_without_it(graph):
    table = read(graph.connector(sign_in_activity=False), "users")

    assert table.column("sign_in_activity_last_sign_in_date_time").null_count == table.num_rows
    assert table.column("assigned_licenses_sku_ids").to_pylist() == (
        graph.tenant.users.column("assigned_licenses_sku_ids").to_pylist()
    )
    request = graph_requests(graph.emulator, "/v1.0/users")[0]
    assert "signInActivity" not in request.params["$select"]


def test_sign_ins_of_a_window_are_exactly_the_tenants_sign_ins_in_it(graph):
    window = last_days(graph.tenant, 3)

    table = read(graph.connector(sign_in_page_size=50), "sign_ins", window)

    expected = expected_sign_ins(graph, window)
    assert table.schema == SIGN_INS.schema
    assert table.num_rows == expected.num_rows > 100
    assert by_key(table) == by_key(expected)


def test_every_sign_in_request_is_bounded_by_created_date_time(graph):
    window = last_days(graph.tenant, 2)

    read(graph.connector(), "sign_ins", window)

    first_pages = [
        r.params for r in graph_requests(graph.emulator, "/v1.0/auditLogs/signIns")
        if "$skiptoken" not in r.params
    ]  # fmt: skip
    assert [p["$filter"] for p in first_pages] == [
        "createdDateTime ge 2026-10-30T00:00:00Z and createdDateTime lt 2026-10-31T00:00:00Z",
        "createdDateTime ge 2026-10-31T00:00:00Z and createdDateTime lt 2026-11-01T00:00:00Z",
    ]
    assert all(p["$top"] == "50" for p in first_pages)


def test_a_later_window_reads_only_newer_sign_ins_and_the_two_do_not_overlap(graph):
    # GIVEN a boundary exactly on the creation time of a sign-in
    window = last_days(graph.tenant, 3)
    boundary = expected_sign_ins(graph, window).column("created_date_time")[60].as_py()
    connector = graph.connector()

    # WHEN the earlier window is read, then the later one
    earlier = read(connector, "sign_ins", Window(window.start, boundary))
    graph.emulator.clear_requests()
    later = read(connector, "sign_ins", Window(boundary, window.end))

    # THEN the second run asked only for newer sign-ins, and the two split the sign-ins exactly
    requests = graph_requests(graph.emulator, "/v1.0/auditLogs/signIns")
    assert min(_filter_start(r.params["$filter"]) for r in requests) == boundary
    earlier_ids = set(earlier.column("id").to_pylist())
    later_ids = set(later.column("id").to_pylist())
    assert not earlier_ids & later_ids
    assert earlier_ids | later_ids == set(expected_sign_ins(graph, window)["id"].to_pylist())
    assert min(later.column("created_date_time").to_pylist()) == boundary  # [start, end)


def test_sign_ins_come_newest_first_and_each_page_is_one_batch(graph):
    friday = last_days(graph.tenant, 2)  # the last day, a Saturday, has few sign-ins
    friday = Window(friday.start, friday.start + timedelta(days=1))

    batches = list(graph.connector(sign_in_page_size=25).extract("sign_ins", friday))

    assert len(batches) > 1
    assert all(0 < batch.num_rows <= 25 for batch in batches)
    created = [t for batch in batches for t in batch.column("created_date_time").to_pylist()]
    assert created == sorted(created, reverse=True)


def test_a_next_link_to_another_host_is_refused_before_it_gets_the_token(graph, monkeypatch):
    # GIVEN a Graph whose next link points at another host (same server, other name)
    elsewhere = graph.emulator.base_url.replace("127.0.0.1", "localhost")
    monkeypatch.setattr(
        graph.emulator, "_link", lambda resource, query: f"{elsewhere}/v1.0/{resource}?x=1"
    )

    with pytest.raises(SourceError, match=r"refusing to follow http://localhost/v1.0/users"):
        read(graph.connector(), "users")

    assert len(graph_requests(graph.emulator, "/v1.0/users")) == 1


@pytest.mark.parametrize(
    ("entity", "window", "message"),
    [
        pytest.param("groups", None, "graph has no entity 'groups'", id="unknown-entity"),
        pytest.param("sign_ins", None, "pass a Window", id="events-without-window"),
    ],
)
def test_a_request_the_connector_cannot_serve_is_refused_before_any_call(
    graph, entity, window, message
):
    with pytest.raises(ValueError, match=message):
        graph.connector().extract(entity, window)
    assert graph.emulator.requests == []


def _filter_start(expression: str) -> datetime:
    """X of `createdDateTime ge X and ...`, as naive UTC."""
    return datetime.fromisoformat(expression.split()[2].removesuffix("Z"))
