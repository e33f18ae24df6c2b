"""The sample company's Snipe-IT is consistent with the company, and is read back exactly.

This guards the interface between `sample_company.generate`, `sample_company.snipeit` and the
emulator: licenses from the company's contracts, seats held by its people, names the pipeline's
matching rule resolves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pyarrow.compute as pc
import pytest
from snipeit_org import TOKEN, UNLIMITED, by_key, read

from connectors.snipeit.client import SnipeItConnector
from sample_company.catalogue import ALIASES
from sample_company.company import generate
from sample_company.emulators.snipeit import SnipeItEmulator
from sample_company.matching import match_key
from sample_company.money import PER_USD
from sample_company.snipeit import DESKTOP_SOFTWARE, build_snipeit


@pytest.fixture(scope="module")
def company():
    return generate("S", seed=7)


@pytest.fixture(scope="module")
def view(company):
    return build_snipeit(company)


@pytest.fixture(scope="module")
def connector(view):
    with (
        SnipeItEmulator(view, TOKEN, rate_limit=UNLIMITED) as snipeit,
        SnipeItConnector(snipeit.base_url, TOKEN, page_size=50, requests_per_minute=None) as reader,
    ):
        yield reader


@pytest.mark.parametrize("entity", ["licenses", "license_seats"])
def test_each_snipeit_table_of_the_sample_company_is_read_back_exactly(view, connector, entity):
    table = read(connector, entity)

    source = view.tables()[entity]
    assert table.num_rows == source.num_rows > 0
    assert by_key(table) == by_key(source)


def test_every_license_name_resolves_to_its_application_by_the_matching_rule_or_an_alias(view):
    for license in view.licenses.to_pylist():
        application = view.applications[license["id"]]
        resolved = ALIASES.get(license["name"], license["name"])
        assert match_key(resolved) == match_key(application), license["name"]


def test_licenses_are_the_desktop_software_contracts_running_on_the_audit_date(company, view):
    running = {
        c["contract_id"]: c
        for c in company.contracts.to_pylist()
        if c["start_date"] <= company.as_of <= c["end_date"]
    }
    licenses = view.licenses.to_pylist()

    assert {view.applications[row["id"]] for row in licenses} <= set(DESKTOP_SOFTWARE)
    for license in licenses:
        contract = running[license["order_number"]]
        assert license["seats"] == contract["seats"]
        assert license["purchase_date"] == contract["start_date"]
        assert license["expiration_date"] == contract["end_date"]
        periods = 12 if contract["billing_period"] == "monthly" else 1
        yearly = contract["seats"] * contract["unit_price"] * periods
        in_usd = yearly / Decimal(str(PER_USD[contract["currency"]]))
        assert abs(license["purchase_cost_numeric"] - in_usd) < Decimal("0.01")


def test_no_license_has_more_seats_checked_out_than_bought_and_some_seats_are_free(view):
    seats = view.license_seats.to_pylist()
    held = Counter(s["license_id"] for s in seats if not s["user_can_checkout"])
    listed = Counter(s["license_id"] for s in seats)

    for license in view.licenses.to_pylist():
        assert listed[license["id"]] == license["seats"]
        assert held[license["id"]] == license["seats"] - license["free_seats_count"]
    assert sum(row["free_seats_count"] for row in view.licenses.to_pylist()) > 0


def test_seats_are_held_by_the_company_s_people_or_their_laptops(company, view):
    emails = set(company.okta_users.column("profile_email").to_pylist())
    seats = [s for s in view.license_seats.to_pylist() if not s["user_can_checkout"]]

    people = [s for s in seats if s["assigned_user_id"] is not None]
    laptops = [s for s in seats if s["assigned_asset_id"] is not None]
    assert people
    assert laptops  # the endpoint agent is licensed per device
    assert {s["assigned_user_email"] for s in people} <= emails
    assert all((s["assigned_user_id"] is None) != (s["assigned_asset_id"] is None) for s in seats)


def test_seats_of_software_in_okta_go_to_the_people_assigned_to_its_okta_app(company, view):
    okta_app = {row["application"]: row["okta_app_id"] for row in company.applications.to_pylist()}
    login = dict(
        zip(
            company.okta_users.column("id").to_pylist(),
            company.okta_users.column("profile_email").to_pylist(),
            strict=True,
        )
    )
    assigned: dict[str, set[str]] = {}
    for row in company.okta_app_users.to_pylist():
        assigned.setdefault(row["app_id"], set()).add(login[row["user_id"]])

    checked = 0
    for seat in view.license_seats.to_pylist():
        app_id = okta_app[view.applications[seat["license_id"]]]
        if seat["assigned_user_email"] is not None and app_id is not None:
            assert seat["assigned_user_email"] in assigned[app_id]
            checked += 1
    assert checked > 100


def test_the_same_company_always_gives_the_same_snipeit(company, view):
    again = build_snipeit(company)

    assert again.licenses.equals(view.licenses)
    assert again.license_seats.equals(view.license_seats)
    assert again.product_keys == view.product_keys


def test_seats_of_software_without_an_okta_app_go_to_active_people_of_its_audience(company):
    # GIVEN Adobe CC as software not run through Okta (as JetBrains is in bigger companies)
    apps = company.applications
    no_okta = pc.if_else(
        pc.equal(apps["application"], "Adobe Creative Cloud"), None, apps["okta_app_id"]
    )
    without_okta = replace(
        company,
        applications=apps.set_column(
            apps.schema.get_field_index("okta_app_id"), "okta_app_id", no_okta
        ),
    )

    view = build_snipeit(without_okta)

    # THEN its seats go to active employees of Design and Marketing, its audience
    users = {row["profile_email"]: row for row in company.okta_users.to_pylist()}
    adobe = {i for i, name in view.applications.items() if name == "Adobe Creative Cloud"}
    holders = [users[s["assigned_user_email"]] for s in view.license_seats.to_pylist()
               if s["license_id"] in adobe and s["assigned_user_email"]]  # fmt: skip
    assert holders
    assert {u["profile_department"] for u in holders} <= {"Design", "Marketing"}
    assert {u["status"] for u in holders} == {"ACTIVE"}
