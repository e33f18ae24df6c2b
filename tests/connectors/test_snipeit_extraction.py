"""Reading a Snipe-IT instance through the emulator gives back exactly that instance."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from snipeit_org import ESCAPED_NAME, build_instance, by_key, connectors, read, serving

from connectors.errors import ConfigError
from connectors.snipeit.entities import LICENSE_SEATS, LICENSES

ENTITIES = {"licenses": LICENSES, "license_seats": LICENSE_SEATS}


@pytest.fixture(scope="module")
def instance():
    return build_instance()


@pytest.fixture
def snipeit(instance, clock):
    with serving(instance, clock) as server:
        yield server


@pytest.fixture
def snipeit_connector(snipeit, clock):
    with connectors(snipeit, clock) as make:
        yield make


@pytest.mark.parametrize("entity", ["licenses", "license_seats"])
def test_a_snapshot_is_read_whole_across_pages_with_every_field_as_in_the_instance(
    instance, snipeit_connector, entity
):
    # GIVEN pages of 4 records, so every list but the smallest spans several pages
    table = read(snipeit_connector(page_size=4), entity)

    # THEN the batches have the entity's exact schema and hold the instance's records
    assert table.schema == ENTITIES[entity].schema
    source = getattr(instance, entity)
    assert table.num_rows == source.num_rows
    assert by_key(table) == by_key(source)


def test_lists_are_paged_by_offset_in_ascending_id_order_until_the_total(
    snipeit, snipeit_connector
):
    read(snipeit_connector(page_size=4), "licenses")

    listing = [r.params for r in snipeit.requests if r.path == "/api/v1/licenses"]
    # 23 licenses in pages of 4: six requests, the last one short, none past the total.
    assert [p["offset"] for p in listing] == ["0", "4", "8", "12", "16", "20"]
    assert {(p["limit"], p["sort"], p["order"]) for p in listing} == {("4", "id", "asc")}


def test_each_license_s_seats_are_read_from_its_own_seats_list(
    instance, snipeit, snipeit_connector
):
    read(snipeit_connector(page_size=5), "license_seats")

    first_pages = {r.path for r in snipeit.requests if r.params.get("offset") == "0"}
    license_ids = instance.licenses.column("id").to_pylist()
    assert first_pages == {"/api/v1/licenses"} | {
        f"/api/v1/licenses/{i}/seats" for i in license_ids
    }
    seat_requests = [r for r in snipeit.requests if r.path.endswith("/seats")]
    assert all(r.params["order"] == "asc" for r in seat_requests)


def test_text_snipeit_html_escapes_is_landed_as_the_admin_typed_it(snipeit, snipeit_connector):
    licenses = by_key(read(snipeit_connector(), "licenses"))

    assert licenses[8]["name"] == ESCAPED_NAME
    assert licenses[11]["notes"] == 'Renewal via "reseller"'
    assert {row["manufacturer_name"] for row in licenses.values()} >= {"O'Reilly"}


def test_text_snipeit_sends_as_empty_is_landed_as_null(snipeit_connector):
    licenses = by_key(read(snipeit_connector(), "licenses"))

    # License 2 (the first) has no order number: Snipe-IT sends "" for it, as for any null text.
    assert licenses[2]["order_number"] is None
    assert licenses[2]["notes"] is None


def test_the_payload_is_the_license_snipeit_sent_with_unmodelled_fields_but_no_product_key(
    instance, snipeit_connector
):
    table = read(snipeit_connector(), "licenses")

    payloads = {row["id"]: json.loads(row["payload"]) for row in table.to_pylist()}
    assert payloads[5]["min_amt"] == 1
    assert payloads[5]["purchase_cost"] == "197,530.86"  # the formatted cost, as Snipe-IT sent it
    assert (
        payloads[8]["name"] == "Visio Std &amp; Pro &#039;EU&#039; &lt;2024&gt; &quot;retail&quot;"
    )
    assert all("product_key" not in payload for payload in payloads.values())


def test_the_product_key_a_license_carries_is_never_landed(instance, snipeit_connector):
    table = read(snipeit_connector(), "licenses")

    landed = json.dumps(table.to_pylist(), default=str)
    assert all(key not in landed for key in instance.product_keys.values())
    assert "product_key" not in table.schema.names


def test_timestamps_written_in_the_instance_s_time_zone_land_as_utc(instance, clock):
    # GIVEN an instance whose APP_TIMEZONE is Berlin: it writes wall-clock times of Berlin
    with (
        serving(instance, clock, timezone="Europe/Berlin") as berlin,
        connectors(berlin, clock) as make,
    ):
        told = read(make(timezone="Europe/Berlin"), "licenses")
        untold = read(make(), "licenses")

    # THEN a connector told so lands UTC, and one that is not is off by Berlin's offset
    expected = instance.licenses.column("created_at").to_pylist()
    assert told.column("created_at").to_pylist() == expected
    shifts = {
        later - utc
        for later, utc in zip(untold.column("created_at").to_pylist(), expected, strict=True)
    }
    assert shifts <= {timedelta(hours=1), timedelta(hours=2)}


def test_an_unknown_time_zone_is_a_config_error(snipeit_connector):
    with pytest.raises(ConfigError, match=r"timezone.*'Mars/Olympus'"):
        snipeit_connector(timezone="Mars/Olympus")


def test_pages_larger_than_max_results_are_read_whole_at_the_server_s_page_size(instance, clock):
    # GIVEN an instance whose MAX_RESULTS is 5, asked for pages of 500
    with serving(instance, clock, max_results=5) as small, connectors(small, clock) as make:
        table = read(make(page_size=500), "licenses")
        offsets = [r.params["offset"] for r in small.requests]

    # THEN every license is read, the offset advancing by what each page really held
    assert table.num_rows == instance.licenses.num_rows
    assert offsets == ["0", "5", "10", "15", "20"]


def test_a_license_without_seats_costs_one_request_and_no_rows(
    instance, snipeit, snipeit_connector
):
    table = read(snipeit_connector(), "license_seats")

    # License 2 has no seats: one request answers total 0, and paging stops there.
    assert 2 not in set(table.column("license_id").to_pylist())
    assert [
        r.params["offset"] for r in snipeit.requests if r.path == "/api/v1/licenses/2/seats"
    ] == ["0"]


def test_the_api_url_is_accepted_as_the_base_url(instance, snipeit, snipeit_connector):
    table = read(snipeit_connector(base_url=f"{snipeit.base_url}/api/v1/"), "licenses")

    assert table.num_rows == instance.licenses.num_rows


def test_batches_stay_within_batch_rows_so_memory_does_not_grow_with_the_instance(
    snipeit_connector,
):
    batches = list(snipeit_connector(batch_rows=10).extract("license_seats"))

    assert len(batches) > 5
    assert all(0 < batch.num_rows <= 10 for batch in batches)


def test_an_entity_the_connector_does_not_offer_is_refused_before_any_call(
    snipeit, snipeit_connector
):
    with pytest.raises(ValueError, match="snipeit has no entity 'assets'"):
        snipeit_connector().extract("assets")
    assert snipeit.requests == []
