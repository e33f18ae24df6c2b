"""The sample company's Microsoft tenant is a faithful view of the company it is derived from.

This guards the interface between `sample_company.generate` and the Graph emulator: licenses that
follow the Microsoft contracts and the Okta assignments, the same people, and sign-ins that agree
with each user's last sign-in.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from graph_tenant import small_tenant

from connectors.graph.entities import SIGN_INS
from sample_company.graph import SIGN_IN_APPS, SKUS, graph_tenant

E3, E5, TEAMS = (SKUS[name].sku_id for name in ("SPE_E3", "SPE_E5", "TEAMS_ESSENTIALS_AAD"))


@pytest.fixture(scope="module")
def tenant():
    return small_tenant()


@pytest.fixture(scope="module")
def history(tenant) -> pa.Table:
    return pa.Table.from_batches(list(tenant.sign_ins()), schema=SIGN_INS.schema)


def skus(tenant) -> dict[str, dict]:
    return {row["sku_part_number"]: row for row in tenant.subscribed_skus.to_pylist()}


def test_the_licenses_are_the_microsoft_contracts_running_on_the_audit_date(tenant):
    # The tiny company buys 25 Microsoft 365 seats, 4 of them premium, and 15 Teams seats.
    bought = {part: row["prepaid_units_enabled"] for part, row in skus(tenant).items()}

    assert bought == {
        "SPE_E3": 25,
        "SPE_E5": 4,
        "TEAMS_ESSENTIALS_AAD": 15,
        "POWER_BI_STANDARD": 1_000_000,  # the free SKU every Power BI user gets themselves
    }
    assert {row["capability_status"] for row in skus(tenant).values()} == {"Enabled"}


def test_consumed_units_count_the_users_holding_each_license_within_what_was_bought(tenant):
    held = pc.value_counts(pc.list_flatten(tenant.users.column("assigned_licenses_sku_ids")))
    holders = {item["values"]: item["counts"] for item in held.to_pylist()}

    for row in skus(tenant).values():
        assert row["consumed_units"] == holders.get(row["sku_id"], 0)
        assert row["consumed_units"] <= row["prepaid_units_enabled"]


def test_the_users_are_the_okta_users_with_leavers_disabled(tenant):
    okta = tenant.company.okta_users.to_pylist()
    users = tenant.users.to_pylist()

    assert [u["user_principal_name"] for u in users] == [o["profile_login"] for o in okta]
    disabled = [not u["account_enabled"] for u in users]
    assert disabled == [o["status"] in ("SUSPENDED", "DEPROVISIONED") for o in okta]
    assert any(disabled)


def test_microsoft_365_licenses_go_to_people_assigned_to_office_365_in_okta(tenant):
    apps = tenant.company.okta_apps.to_pylist()
    office = next(a["id"] for a in apps if a["label"] == "Office 365")
    assignments = tenant.company.okta_app_users.to_pylist()
    assigned = {a["user_id"] for a in assignments if a["app_id"] == office}
    okta_ids = tenant.company.okta_users.column("id").to_pylist()

    holders = {
        okta_id
        for okta_id, licenses in zip(
            okta_ids, tenant.users.column("assigned_licenses_sku_ids").to_pylist(), strict=True
        )
        if {E3, E5} & set(licenses)
    }
    assert holders
    assert holders <= assigned
    services = tenant.company.okta_users.filter(
        pc.equal(tenant.company.okta_users.column("profile_user_type"), "service")
    )
    assert not holders & set(services.column("id").to_pylist())


def test_each_users_last_sign_in_is_their_latest_sign_in_of_the_history(tenant, history):
    latest = history.group_by("user_id").aggregate([("created_date_time", "max")])
    succeeded = history.filter(pc.equal(history.column("status_error_code"), 0))
    latest_ok = succeeded.group_by("user_id").aggregate([("created_date_time", "max")])
    users = {row["id"]: row for row in tenant.users.to_pylist()}

    for row in latest.to_pylist():
        assert (
            users[row["user_id"]]["sign_in_activity_last_sign_in_date_time"]
            == (row["created_date_time_max"])
        )
    for row in latest_ok.to_pylist():
        assert (
            users[row["user_id"]]["sign_in_activity_last_successful_sign_in_date_time"]
            == (row["created_date_time_max"])
        )
    assert len(latest) > 10


def test_sign_ins_go_to_the_three_microsoft_apps_of_licensed_people_only(tenant, history):
    licensed = {
        row["id"]
        for row in tenant.users.to_pylist()
        if {E3, E5, TEAMS} & set(row["assigned_licenses_sku_ids"])
    }

    assert set(history.column("app_display_name").to_pylist()) == {
        app.name for app, _ in SIGN_IN_APPS
    }
    assert set(history.column("user_id").to_pylist()) <= licensed
    failures = pc.sum(pc.not_equal(history.column("status_error_code"), 0)).as_py()
    assert 0 < failures < history.num_rows * 0.05


def test_a_leaver_signs_in_no_more_after_the_day_they_left(tenant, history):
    okta = tenant.company.okta_users
    left = pc.is_in(okta.column("status"), pa.array(["SUSPENDED", "DEPROVISIONED"]))
    leavers = set(pc.filter(tenant.users.column("id"), left).to_pylist())
    by_user = history.filter(pc.is_in(history.column("user_id"), pa.array(list(leavers))))
    last = {
        row["user_id"]: row["created_date_time_max"]
        for row in by_user.group_by("user_id").aggregate([("created_date_time", "max")]).to_pylist()
    }
    changed = {
        user_id: payload
        for user_id, payload in zip(
            tenant.users.column("id").to_pylist(), okta.column("payload").to_pylist(), strict=True
        )
        if user_id in last
    }

    for user_id, moment in last.items():
        status_changed = changed[user_id].split('"statusChanged":"')[1][:10]
        assert moment.date() < date.fromisoformat(status_changed)


def test_any_window_of_sign_ins_is_cut_from_the_same_stream(tenant):
    end = tenant.events_end
    middle = end - timedelta(days=2, hours=7, seconds=13)
    start = end - timedelta(days=5)

    def ids(a, b):
        return [i for batch in tenant.sign_ins(a, b) for i in batch.column("id").to_pylist()]

    assert ids(start, middle) + ids(middle, end) == ids(start, end)
    again = graph_tenant(tenant.company)
    assert [i for b in again.sign_ins(start, end) for i in b["id"].to_pylist()] == ids(start, end)


@pytest.mark.parametrize(
    ("ended_days_ago", "status", "units"),
    [
        pytest.param(10, "Warning", "prepaid_units_warning", id="grace-period"),
        pytest.param(60, "Suspended", "prepaid_units_suspended", id="suspended"),
    ],
)
def test_a_lapsed_contract_leaves_its_license_in_grace_then_suspended(
    tenant, ended_days_ago, status, units
):
    # GIVEN the Teams contract ended some days before the audit date
    contracts = tenant.company.contracts
    teams = pc.equal(contracts.column("product"), "Microsoft Teams")
    ended = tenant.company.as_of - timedelta(days=ended_days_ago)
    end_dates = pc.if_else(teams, pa.scalar(ended, pa.date32()), contracts.column("end_date"))
    lapsed = contracts.set_column(
        contracts.schema.get_field_index("end_date"), "end_date", end_dates
    )
    company = dataclasses.replace(tenant.company, contracts=lapsed)

    row = skus(graph_tenant(company))["TEAMS_ESSENTIALS_AAD"]

    assert row["capability_status"] == status
    assert row["prepaid_units_enabled"] == 0
    assert row[units] == 15
    assert 0 < row["consumed_units"] <= 15
