"""The emulator answers like ServiceNow's Table API: field shapes, paging, errors, rate limits.

These requests are made with plain `requests`, not the connector, so a shared misreading of the
API between the two cannot hide here.
"""

from __future__ import annotations

import pytest
import requests
from okta_org import FakeClock
from servicenow_instance import PASSWORD, TOKEN, USERNAME, expected, running_emulator

APPS = "/api/now/table/cmdb_ci_business_app"
LICENSES = "/api/now/table/alm_license"
ERROR_KEYS = {"error", "status"}


@pytest.fixture
def sn_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def instance(sn_clock):
    with running_emulator(sn_clock) as server:
        yield server


def get(instance, path: str, auth=(USERNAME, PASSWORD), **params) -> requests.Response:
    headers = {"Accept": "application/json"}
    return requests.get(
        instance.base_url + path, params=params, auth=auth, headers=headers, timeout=5
    )


def first_license(instance, **params) -> dict:
    fields = "sys_id,vendor,rights,sys_created_on"
    return get(instance, LICENSES, sysparm_limit=1, sysparm_fields=fields, **params).json()[
        "result"
    ][0]


def test_by_default_fields_are_stored_values_and_references_carry_a_link(instance):
    record = first_license(instance)

    assert isinstance(record["rights"], str)
    assert set(record["vendor"]) == {"link", "value"}
    assert record["vendor"]["link"].endswith(
        f"/api/now/table/core_company/{record['vendor']['value']}"
    )


def test_display_value_true_gives_labels_and_all_gives_both(instance):
    shown = first_license(instance, sysparm_display_value="true")
    both = first_license(
        instance, sysparm_display_value="all", sysparm_exclude_reference_link="true"
    )

    assert set(shown["vendor"]) == {"display_value", "link"}
    assert both["vendor"]["display_value"] == shown["vendor"]["display_value"]
    assert set(both["vendor"]) == {"display_value", "value"}
    # Date-times: the value is UTC, the display is in the API user's time zone.
    assert both["sys_created_on"]["value"] != both["sys_created_on"]["display_value"]


def test_sysparm_fields_returns_only_those_fields_dot_walks_included(instance):
    response = get(instance, APPS, sysparm_fields="sys_id,owned_by.email,no_such_field")

    records = response.json()["result"]
    assert len(records) == expected("business_apps").num_rows
    assert all(set(record) == {"sys_id", "owned_by.email"} for record in records)
    assert any("@" in record["owned_by.email"] for record in records)


def test_pages_carry_x_total_count_and_a_link_header_with_offsets(instance):
    total = expected("licenses").num_rows
    first = get(instance, LICENSES, sysparm_limit=10, sysparm_query="ORDERBYsys_id")
    middle = get(instance, LICENSES, sysparm_limit=10, sysparm_offset=10)

    assert first.headers["X-Total-Count"] == str(total)
    assert set(first.links) == {"first", "next", "last"}
    assert "sysparm_offset=10" in first.links["next"]["url"]
    assert "sysparm_query=ORDERBYsys_id" in first.links["next"]["url"]
    assert f"sysparm_offset={(total - 1) // 10 * 10}" in first.links["last"]["url"]
    assert set(middle.links) == {"first", "prev", "next", "last"}
    assert ';rel="next",<' in middle.headers["Link"]  # ServiceNow's spacing, which clients parse


def test_a_single_page_has_no_link_header_and_sorting_and_filters_apply(instance):
    rows = expected("licenses").to_pylist()
    in_use = sorted(r["sys_id"] for r in rows if r["install_status"] == "1")

    response = get(instance, LICENSES, sysparm_query="install_status=1^ORDERBYDESCsys_id")

    assert "Link" not in response.headers
    assert [r["sys_id"] for r in response.json()["result"]] == in_use[::-1]


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(None, id="none"),
        pytest.param((USERNAME, "wrong"), id="wrong-password"),
        pytest.param(("someone", PASSWORD), id="wrong-user"),
    ],
)
def test_a_request_without_the_credential_gets_servicenow_s_401(instance, auth):
    response = get(instance, LICENSES, auth=auth)

    assert response.status_code == 401
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["error"] == {
        "message": "User Not Authenticated",
        "detail": "Required to provide Auth information",
    }


def test_an_oauth_bearer_token_is_accepted(instance):
    response = requests.get(
        instance.base_url + LICENSES, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )

    assert response.status_code == 200


def test_an_unknown_table_is_a_400_invalid_table(instance):
    response = get(instance, "/api/now/table/incidentz")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"message": "Invalid table incidentz", "detail": None},
        "status": "failure",
    }


def test_every_answer_states_the_rule_and_429_says_when_to_retry(sn_clock):
    with running_emulator(sn_clock, rate_limits={"/api/now/table": 2}) as instance:
        first = get(instance, LICENSES)
        get(instance, APPS)  # the same rule covers every table
        refused = get(instance, LICENSES)

    assert first.headers["X-RateLimit-Limit"] == "2"
    assert int(first.headers["X-RateLimit-Reset"]) > sn_clock.time()
    assert first.headers["X-RateLimit-Rule"]
    assert "X-RateLimit-Remaining" not in first.headers  # ServiceNow does not say
    assert refused.status_code == 429
    assert set(refused.json()) == ERROR_KEYS
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 3600
    assert wait == int(refused.headers["X-RateLimit-Reset"]) - int(sn_clock.time())
