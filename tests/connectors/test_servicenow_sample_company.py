"""The sample company's ServiceNow instance tells the company's story, and is read back exactly.

This guards the interface between `sample_company.generate`, `sample_company.servicenow` and the
emulator: the CMDB lists the sanctioned applications under names the audit can match, owned by
the company's people; SAM's entitlements follow the contract register except where it says not.
"""

from __future__ import annotations

from collections import Counter

import pytest
from servicenow_instance import PASSWORD, USERNAME, by_sys_id, read

from connectors.servicenow.client import ServiceNowConnector
from sample_company import Company, generate, match_key
from sample_company.emulators.servicenow import ServiceNowEmulator
from sample_company.servicenow import CRITICALITY, ServiceNowInstance, servicenow_instance


@pytest.fixture(scope="module", params=["tiny", "S"])
def company(request) -> Company:
    return generate(request.param, seed=3)


@pytest.fixture(scope="module")
def instance(company) -> ServiceNowInstance:
    return servicenow_instance(company)


def rows(table) -> list[dict]:
    return table.to_pylist()


def aliases(company: Company) -> dict[str, str]:
    table = company.application_aliases
    return dict(zip(table["alias"].to_pylist(), table["application"].to_pylist(), strict=True))


def test_the_cmdb_lists_every_sanctioned_application_once_and_nothing_else(company, instance):
    sanctioned = [r["application"] for r in rows(company.applications) if r["is_sanctioned"]]

    listed = instance.business_app_applications.column("application").to_pylist()

    assert sorted(listed) == sorted(sanctioned)
    assert sorted(instance.business_app_applications.column("sys_id").to_pylist()) == sorted(
        instance.business_apps.column("sys_id").to_pylist()
    )


def test_each_cmdb_name_resolves_to_its_application_by_match_key_or_an_alias(company, instance):
    truth = {r["sys_id"]: r["application"] for r in rows(instance.business_app_applications)}
    ways = Counter()

    for app in rows(instance.business_apps):
        application = truth[app["sys_id"]]
        if app["name"] == application:
            ways["exact"] += 1
        elif match_key(app["name"]) == match_key(application):
            ways["match_key"] += 1
        else:
            assert aliases(company).get(app["name"]) == application, app["name"]
            ways["alias"] += 1

    assert ways["alias"] >= 3  # Office 365, GSuite, Adobe CC
    assert ways["exact"] > ways["match_key"] > 0


def test_owners_are_the_company_s_employees(company, instance):
    employees = {
        r["profile_email"]: f"{r['profile_first_name']} {r['profile_last_name']}"
        for r in rows(company.okta_users)
        if r["profile_user_type"] == "employee"
    }

    for app in rows(instance.business_apps):
        for role in ("owned_by", "it_application_owner", "managed_by"):
            email = app[f"{role}_email"]
            assert email is None or employees[email] == app[f"{role}_display_value"]
            assert (email is None) == (app[role] is None)
    assert all(app["it_application_owner"] for app in rows(instance.business_apps))


def test_business_owners_are_the_contract_owners_where_there_is_a_contract(company, instance):
    alias_of = aliases(company)
    by_key = {match_key(r["application"]): r["application"] for r in rows(company.applications)}
    owners: dict[str, set] = {}
    for contract in rows(company.contracts):
        product = contract["product"]
        application = alias_of.get(product) or by_key[match_key(product)]
        owners.setdefault(application, set()).add(contract["owner_email"])
    truth = {r["sys_id"]: r["application"] for r in rows(instance.business_app_applications)}

    contracted = [a for a in rows(instance.business_apps) if truth[a["sys_id"]] in owners]

    assert len(contracted) > len(rows(instance.business_apps)) // 2
    for app in contracted:
        assert app["owned_by_email"] in owners[truth[app["sys_id"]]]
    assert any(app["owned_by"] is None for app in contracted)  # Smartsheet's nobody


def test_retired_applications_are_retired_in_the_cmdb_and_the_rest_in_service(company, instance):
    retired = {r["application"] for r in rows(company.applications) if r["is_retired"]}
    truth = {r["sys_id"]: r["application"] for r in rows(instance.business_app_applications)}

    for app in rows(instance.business_apps):
        is_retired = truth[app["sys_id"]] in retired
        assert app["install_status_display_value"] == ("Retired" if is_retired else "Installed")
        assert app["operational_status_display_value"] == (
            "Retired" if is_retired else "Operational"
        )
        label = CRITICALITY[app["business_criticality"]]
        assert app["business_criticality_display_value"] == label
    assert len({app["business_criticality"] for app in rows(instance.business_apps)}) >= 3


def test_each_contract_has_one_entitlement_with_its_terms(company, instance):
    contracts = rows(company.contracts)
    licenses = rows(instance.licenses)

    assert len(licenses) == len(contracts)
    for contract, entitlement in zip(contracts, licenses, strict=True):
        assert entitlement["display_name"] == contract["product"]
        assert entitlement["vendor_display_value"] == contract["vendor"]
        assert (entitlement["start_date"], entitlement["end_date"]) == (
            contract["start_date"],
            contract["end_date"],
        )
        running = contract["start_date"] <= company.as_of <= contract["end_date"]
        assert (entitlement["install_status_display_value"] == "In use") == running


def test_rights_match_the_contracted_seats_except_for_the_listed_differences(company, instance):
    seats = {r["application"]: r["active_seats"] for r in rows(company.applications)}
    alias_of = aliases(company)
    by_key = {match_key(app): app for app in seats}
    rights = Counter()
    for entitlement in rows(instance.licenses):
        if entitlement["install_status"] == "1":
            name = entitlement["display_name"]
            rights[alias_of.get(name) or by_key[match_key(name)]] += entitlement["rights"]

    differences = {app: (seats[app], rights[app]) for app in rights if rights[app] != seats[app]}

    listed = {
        r["application"]: (r["contract_seats"], r["servicenow_rights"])
        for r in rows(instance.seat_differences)
    }
    assert differences == listed
    assert 0 < len(listed) < len(rights) / 2


def test_the_same_company_gives_the_same_instance(company, instance):
    again = servicenow_instance(generate(company.scale, seed=company.seed, as_of=company.as_of))

    for name in ("business_apps", "licenses", "business_app_applications", "seat_differences"):
        assert getattr(again, name).equals(getattr(instance, name)), name


@pytest.mark.parametrize("entity", ["business_apps", "licenses"])
def test_the_connector_reads_the_instance_back_exactly(instance, entity):
    with (
        ServiceNowEmulator(instance.tables(), username=USERNAME, password=PASSWORD) as server,
        ServiceNowConnector(
            server.base_url, username=USERNAME, password=PASSWORD, requests_per_minute=None
        ) as connector,
    ):
        table = read(connector, entity)

    assert by_sys_id(table) == by_sys_id(getattr(instance, entity))
