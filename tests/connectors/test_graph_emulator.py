"""The emulator answers like Microsoft Graph and its token endpoint: shapes, paging, errors, limits.

These requests are made with plain `requests`, not the connector, so a shared misreading of the
API between the two cannot hide here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import requests
from graph_tenant import SECRET, Harness, harness

GRAPH_ERROR_FIELDS = {"code", "message", "innerError"}
TOKEN_ERROR_FIELDS = {
    "error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id",
    "error_uri",
}  # fmt: skip


@pytest.fixture
def graph(clock) -> Iterator[Harness]:
    with harness(clock) as made:
        yield made


def token_request(graph: Harness, **changes: str) -> requests.Response:
    form = {
        "client_id": graph.tenant.audit_app_id,
        "client_secret": SECRET,
        "scope": f"{graph.emulator.base_url}/.default",
        "grant_type": "client_credentials",
    }
    tenant = changes.pop("tenant", graph.tenant.tenant_id)
    url = f"{graph.emulator.base_url}/{tenant}/oauth2/v2.0/token"
    return requests.post(url, data={**form, **changes}, timeout=5)


def get(graph: Harness, path: str, *, token: str | None = None, **params: str) -> requests.Response:
    token = token if token is not None else token_request(graph).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{graph.emulator.base_url}{path}", params, headers=headers, timeout=5)


def test_the_client_credentials_flow_issues_a_bearer_token_with_its_lifetime(graph):
    reply = token_request(graph)

    assert reply.status_code == 200
    assert set(reply.json()) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert reply.json()["token_type"] == "Bearer"
    assert reply.json()["expires_in"] == 3599


@pytest.mark.parametrize(
    ("changes", "status", "error", "code"),
    [
        pytest.param({"client_secret": "wrong"}, 401, "invalid_client", 7000215, id="secret"),
        pytest.param({"tenant": "contoso.example"}, 400, "invalid_request", 90002, id="tenant"),
        pytest.param({"client_id": "someone-else"}, 400, "unauthorized_client", 700016, id="app"),
        pytest.param({"scope": "https://graph.microsoft.com/User.Read"}, 400, "invalid_scope",
                     1002012, id="scope"),
    ],
)  # fmt: skip
def test_a_refused_token_request_gets_the_identity_platforms_error(
    graph, changes, status, error, code
):
    reply = token_request(graph, **changes)

    assert reply.status_code == status
    assert set(reply.json()) == TOKEN_ERROR_FIELDS
    assert reply.json()["error"] == error
    assert reply.json()["error_codes"] == [code]
    assert reply.json()["error_description"].startswith(f"AADSTS{code}:")


@pytest.mark.parametrize("token", ["", "not-a-token-it-issued"], ids=["none", "unknown"])
def test_graph_without_a_valid_bearer_token_answers_401_with_its_error_object(graph, token):
    reply = get(graph, "/v1.0/users", token=token)

    assert reply.status_code == 401
    error = reply.json()["error"]
    assert set(error) == GRAPH_ERROR_FIELDS
    assert error["code"] == "InvalidAuthenticationToken"
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert error["innerError"]["request-id"] == reply.headers["request-id"]
    assert reply.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_token_is_refused_once_it_has_expired(graph, clock):
    token = token_request(graph).json()["access_token"]
    clock.sleep(3600)

    reply = get(graph, "/v1.0/subscribedSkus", token=token)

    assert reply.status_code == 401
    assert reply.json()["error"]["message"] == "Access token has expired or is not yet valid."


def test_users_are_paged_by_next_link_with_an_opaque_skiptoken(graph):
    first = get(graph, "/v1.0/users", **{"$top": "25", "$select": "id,displayName"}).json()

    link = first["@odata.nextLink"]
    assert link.startswith(f"{graph.emulator.base_url}/v1.0/users?")
    assert "$skiptoken=" in link
    assert "$select=id,displayName" in link
    assert [set(user) for user in first["value"]] == [{"id", "displayName"}] * 25
    assert first["@odata.context"].endswith("/v1.0/$metadata#users(id,displayName)")


def test_users_without_select_come_with_graphs_default_properties_only(graph):
    user = get(graph, "/v1.0/users").json()["value"][0]

    assert "signInActivity" not in user
    assert "assignedLicenses" not in user
    assert {"id", "displayName", "userPrincipalName", "businessPhones"} <= set(user)


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        pytest.param("/v1.0/users", {"$top": "1000"}, 400,
                     "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
                     id="top-above-999"),
        pytest.param("/v1.0/users", {"$select": "id,favouriteColour"}, 400,
                     "Could not find a property named 'favouriteColour' on type "
                     "'microsoft.graph.user'.", id="unknown-property"),
        pytest.param("/v1.0/subscribedSkus", {"$top": "5"}, 400,
                     "The query specified in the URI is not valid. Query option 'Top' is not "
                     "allowed.", id="skus-are-not-paged"),
        pytest.param("/v1.0/auditLogs/signIns", {"$filter": "userId eq 'x'"}, 400,
                     "Invalid filter clause", id="unsupported-filter"),
        pytest.param("/v1.0/groups", {}, 400, "Resource not found for the segment 'groups'.",
                     id="unknown-resource"),
    ],
)  # fmt: skip
def test_a_request_graph_would_refuse_is_refused_with_graphs_message(
    graph, path, params, status, message
):
    reply = get(graph, path, **params)

    assert reply.status_code == status
    assert reply.json()["error"]["message"] == message


def test_a_path_outside_graph_is_404(graph):
    assert get(graph, "/not-graph/v1.0/users").status_code == 404


def test_sign_ins_come_newest_first_within_the_filter_and_page_on_with_it(graph):
    query = "createdDateTime ge 2026-10-29T00:00:00Z and createdDateTime lt 2026-10-31T00:00:00Z"

    first = get(graph, "/v1.0/auditLogs/signIns", **{"$filter": query, "$top": "40"}).json()

    created = [sign_in["createdDateTime"] for sign_in in first["value"]]
    assert len(created) == 40
    assert created == sorted(created, reverse=True)
    assert "2026-10-29T00:00:00Z" <= created[-1] < created[0] < "2026-10-31T00:00:00Z"
    assert first["value"][0]["status"] == {
        "errorCode": 0, "failureReason": "Other.", "additionalDetails": None,
    }  # fmt: skip
    link = first["@odata.nextLink"]
    assert "$filter=" in link
    assert "$skiptoken=" in link
    assert "$top=40" in link


def test_throttling_answers_429_with_retry_after_in_seconds(clock):
    with harness(clock, rate_limits={"auditLogs": 2}) as graph:
        token = token_request(graph).json()["access_token"]
        statuses = [get(graph, "/v1.0/auditLogs/signIns", token=token) for _ in range(3)]

    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].json()["error"]["code"] == "TooManyRequests"
    assert 1 <= int(statuses[2].headers["Retry-After"]) <= 10
    assert "Retry-After" not in statuses[1].headers


def test_the_secret_never_reaches_the_request_log(graph):
    token_request(graph)

    (recorded,) = graph.emulator.token_requests
    assert recorded.params["client_secret"] == "<redacted>"


def test_sign_ins_past_what_entra_has_logged_are_not_served_yet(graph):
    def created(query: str) -> list[str]:
        url = graph.emulator.base_url + "/v1.0/auditLogs/signIns"
        found, params = [], {"$filter": query}
        token = token_request(graph).json()["access_token"]
        while url:
            body = requests.get(
                url, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=5
            ).json()
            found += [sign_in["createdDateTime"] for sign_in in body["value"]]
            url, params = body.get("@odata.nextLink"), None
        return found

    query = "createdDateTime ge 2026-10-29T00:00:00Z and createdDateTime lt 2026-10-30T00:00:00Z"
    everything = created(query)
    graph.emulator.logged_until = datetime(2026, 10, 29, 9, 0)  # a request made at 09:00

    logged = created(query)

    assert logged == [moment for moment in everything if moment < "2026-10-29T09:00:00"]
    assert 0 < len(logged) < len(everything)
