"""Faults Microsoft Graph and its token endpoint really produce are survived, or reported in terms a
user can act on. Time is fake: a 30-second throttling wait takes no time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from graph_tenant import SECRET, Harness, graph_requests, harness, last_days, read

from connectors.base import Window
from connectors.errors import AuthenticationError, ConfigError, RecordError, SourceError
from connectors.graph.client import GraphConnector
from connectors.http import HttpSettings, NotFoundError
from sample_company.emulators.graph import ALL_PERMISSIONS
from sample_company.emulators.server import Fault

# A read timeout short enough for a `slow` fault to exceed it quickly.
QUICK = HttpSettings(timeout=(2.0, 0.3))


@pytest.fixture
def graph(clock) -> Iterator[Harness]:
    with harness(clock) as made:
        yield made


def three_days(graph: Harness) -> Window:
    return last_days(graph.tenant, 3)


def ids(graph: Harness, entity: str) -> set[str]:
    if entity == "sign_ins":
        window = three_days(graph)
        return {
            i for b in graph.tenant.sign_ins(window.start, window.end) for i in b["id"].to_pylist()
        }
    return set(getattr(graph.tenant, entity).column("id").to_pylist())


@pytest.mark.parametrize(
    ("fault", "entity", "first_wait"),
    [
        pytest.param(
            Fault("rate_limit", "/v1.0/users", skip=1, reset_after=30),
            "users",
            (30, 31),
            id="429-waits-Retry-After",
        ),
        pytest.param(
            Fault("server_error", "/v1.0/auditLogs", skip=2, status=503, retry_after=20),
            "sign_ins",
            (20, 21),
            id="503-waits-Retry-After-seconds",
        ),
        pytest.param(
            Fault("server_error", "/v1.0/users", skip=1, retry_after=40, retry_after_date=True),
            "users",
            (40, 41),
            id="503-waits-until-Retry-After-date",
        ),
        pytest.param(
            Fault("server_error", "/v1.0/servicePrincipals", status=500, times=3),
            "service_principals",
            (0.5, 1.0),
            id="three-500s-in-a-row-back-off",
        ),
        pytest.param(
            Fault("slow", "/v1.0/auditLogs", skip=1, delay=1.0),
            "sign_ins",
            (0.5, 1.0),
            id="reply-slower-than-the-read-timeout",
        ),
        pytest.param(
            Fault("duplicates", "/v1.0/users", times=3), "users", None, id="users-repeated"
        ),
        pytest.param(
            Fault("duplicates", "/v1.0/servicePrincipals"),
            "service_principals",
            None,
            id="service-principals-repeated",
        ),
        pytest.param(
            Fault("duplicates", "/v1.0/auditLogs", times=4),
            "sign_ins",
            None,
            id="sign-ins-repeated",
        ),
    ],
)
def test_a_transient_fault_is_survived_with_each_record_exactly_once(
    graph, clock, caplog, fault, entity, first_wait
):
    # GIVEN a fault that will hit the extraction mid-way
    caplog.set_level(logging.INFO)
    graph.emulator.faults.add(fault)

    # WHEN the entity is read, in pages small enough for every list to have several
    table = read(graph.connector(http_settings=QUICK, page_size=8), entity, three_days(graph))

    # THEN the fault happened, was waited out as the server asked, and nothing is lost or doubled
    assert graph.emulator.faults.pending() == []
    if first_wait is None:
        assert clock.sleeps == []
    else:
        assert first_wait[0] <= clock.sleeps[0] <= first_wait[1]
    assert sorted(table.column("id").to_pylist()) == sorted(ids(graph, entity))
    assert ("repeated" in caplog.text) == (fault.kind == "duplicates")


def test_a_token_endpoint_that_is_briefly_unavailable_is_waited_out(graph, clock):
    graph.emulator.faults.add(
        Fault("server_error", f"/{graph.tenant.tenant_id}/oauth2", status=503, retry_after=5)
    )

    table = read(graph.connector(), "subscribed_skus")

    assert table.num_rows == graph.tenant.subscribed_skus.num_rows
    assert 5 <= clock.sleeps[0] <= 6
    assert [r.status for r in graph.emulator.token_requests] == [503, 200]


def test_a_throttling_wait_is_capped_even_when_graph_asks_for_an_hour(graph, clock):
    graph.emulator.faults.add(Fault("rate_limit", "/v1.0/users", skip=1, reset_after=3600))

    table = read(graph.connector(http_settings=HttpSettings(max_sleep=5.0)), "users")

    assert table.num_rows == graph.tenant.users.num_rows
    assert clock.sleeps
    assert max(clock.sleeps) <= 5.0


def test_retries_stop_after_max_attempts_with_the_last_failure_named(graph, clock):
    graph.emulator.faults.add(Fault("server_error", "/v1.0/subscribedSkus", status=500, times=100))
    connector = graph.connector(http_settings=HttpSettings(max_attempts=4))

    with pytest.raises(
        SourceError, match=r"gave up on GET .*/v1.0/subscribedSkus.* after 4"
    ) as err:
        read(connector, "subscribed_skus")

    assert str(err.value).startswith("[graph] ")
    assert "HTTP 500" in str(err.value)
    assert len(clock.sleeps) == 3
    assert len(graph_requests(graph.emulator, "/v1.0/subscribedSkus")) == 4


def test_a_token_that_expires_mid_run_is_renewed_once_and_the_run_completes(graph, clock):
    # GIVEN Graph refuses the token on the second page, as it does once a token has expired
    graph.emulator.faults.add(Fault("expired_token", "/v1.0/users", skip=1))

    table = read(graph.connector(), "users")

    # THEN a new token was fetched and the refused page read again with it
    assert table.num_rows == graph.tenant.users.num_rows
    assert len(graph.emulator.token_requests) == 2
    assert [r.status for r in graph.emulator.requests].count(401) == 1
    assert clock.sleeps == []


def test_a_token_refused_again_after_renewal_fails_at_once_naming_the_env_variable(graph, clock):
    graph.emulator.faults.add(Fault("expired_token", "/v1.0/auditLogs", skip=1, times=2))
    connector = graph.connector(secret_env="ACME_GRAPH_SECRET")

    with pytest.raises(AuthenticationError) as err:
        read(connector, "sign_ins", three_days(graph))

    message = str(err.value)
    assert "ACME_GRAPH_SECRET" in message
    assert "/v1.0/auditLogs/signIns" in message
    assert "InvalidAuthenticationToken" in message
    assert SECRET not in message
    assert clock.sleeps == []  # a refused token is not retried with backoff
    assert len(graph.emulator.token_requests) == 2
    assert graph.emulator.requests[-1].status == 401


def test_a_token_is_renewed_before_it_expires_so_graph_never_refuses_it(clock):
    # GIVEN tokens valid 100 seconds, and a 150-second throttling wait in the middle of a read
    with harness(clock, token_lifetime=100) as graph:
        graph.emulator.faults.add(Fault("rate_limit", "/v1.0/users", skip=1, reset_after=150))

        table = read(graph.connector(http_settings=HttpSettings(max_sleep=200)), "users")

        # THEN the connector fetched a new token after the wait, before Graph could refuse it
        assert table.num_rows == graph.tenant.users.num_rows
        assert len(graph.emulator.token_requests) == 2
        assert 401 not in [r.status for r in graph.emulator.requests]


def test_a_wrong_client_secret_fails_at_once_naming_the_env_variable(graph):
    connector = graph.connector(client_secret="not-the-secret", secret_env="ACME_GRAPH_SECRET")

    with pytest.raises(
        AuthenticationError, match=r"ACME_GRAPH_SECRET.*its value, not its id"
    ) as err:
        read(connector, "users")

    assert "AADSTS7000215" in str(err.value)
    assert "not-the-secret" not in str(err.value)
    assert len(graph.emulator.requests) == 1  # one token request, nothing sent to Graph


@pytest.mark.parametrize(
    ("setting", "value", "aadsts"),
    [
        pytest.param("tenant_id", "contoso.example", "AADSTS90002", id="unknown-tenant"),
        pytest.param(
            "client_id", "00000000-0000-0000-0000-000000000000", "AADSTS700016", id="unknown-app"
        ),
    ],
)
def test_a_wrong_tenant_or_client_id_is_reported_as_that_setting(graph, setting, value, aadsts):
    with pytest.raises(ConfigError, match=rf"config key '{setting}'.*{aadsts}"):
        read(graph.connector(**{setting: value}), "users")


def test_a_missing_permission_is_named_with_the_endpoint_that_needs_it(clock):
    permissions = ALL_PERMISSIONS - {"AuditLog.Read.All"}
    with (
        harness(clock, permissions=permissions) as graph,
        pytest.raises(AuthenticationError) as err,
    ):
        read(graph.connector(), "sign_ins", three_days(graph))

    message = str(err.value)
    assert "HTTP 403: Authorization_RequestDenied" in message
    assert "needs the application permission AuditLog.Read.All" in message
    assert "GRAPH_CLIENT_SECRET" in message


def test_a_tenant_without_entra_id_p1_is_told_how_to_read_users_without_sign_in_activity(clock):
    with harness(clock, premium=False) as graph:
        with pytest.raises(AuthenticationError, match="set the option sign_in_activity to false"):
            read(graph.connector(), "users")

        table = read(graph.connector(sign_in_activity=False), "users")

    assert table.num_rows == graph.tenant.users.num_rows


def test_a_page_with_unusable_records_names_each_record_and_field(graph):
    users = graph.emulator._lists["users"]
    users[3] = {**users[3], "accountEnabled": "yes"}
    users[5] = {key: value for key, value in users[5].items() if key != "id"}

    with pytest.raises(RecordError) as err:
        read(graph.connector(page_size=20), "users")

    assert err.value.where == "GET /users page 1"
    assert err.value.problems == [
        (users[3]["id"], "accountEnabled", "Expected `bool | null`, got `str`"),
        ("item 6", "id", "Expected `str`, got `null`"),
    ]


@pytest.mark.parametrize(
    ("fault", "entity", "where"),
    [
        pytest.param(
            Fault("malformed", "/v1.0/users", skip=1), "users", "GET /users page 2", id="users"
        ),
        pytest.param(
            Fault("malformed", "/v1.0/auditLogs", skip=1),
            "sign_ins",
            "GET /auditLogs/signIns?$filter=createdDateTime ge 2026-10-29T00:00:00Z and "
            "createdDateTime lt 2026-10-30T00:00:00Z page 2",
            id="sign-ins",
        ),
    ],
)
def test_a_malformed_page_is_reported_with_source_endpoint_and_page(graph, fault, entity, where):
    graph.emulator.faults.add(fault)

    with pytest.raises(SourceError, match="malformed JSON") as err:
        read(graph.connector(), entity, three_days(graph))

    assert str(err.value).startswith(f"[graph] {where} returned malformed JSON")


def test_a_graph_url_that_is_not_graph_is_reported_as_looking_wrong(graph):
    connector = graph.connector(graph_base_url=f"{graph.emulator.base_url}/not-graph")

    with pytest.raises(NotFoundError, match=r"404.*base URL .*/not-graph/v1.0 looks wrong"):
        read(connector, "users")


def test_an_authority_that_is_not_one_is_reported_as_that_setting(graph):
    connector = graph.connector(authority=f"{graph.emulator.base_url}/not-login")

    with pytest.raises(ConfigError, match=r"config key 'authority'.*404"):
        read(connector, "users")


def test_the_secret_and_the_tokens_appear_in_no_log_and_no_error(graph, caplog):
    # GIVEN debug logging everywhere and a run that meets retries and a token renewal
    caplog.set_level(logging.DEBUG)
    graph.emulator.faults.add(
        Fault("server_error", "/v1.0/auditLogs", skip=1, status=503, retry_after=1),
        Fault("rate_limit", "/v1.0/auditLogs", skip=2, reset_after=2),
        Fault("slow", "/v1.0/auditLogs", skip=3, delay=1.0),
        Fault("expired_token", "/v1.0/auditLogs", skip=4),
    )
    connector = graph.connector(http_settings=QUICK)
    read(connector, "sign_ins", three_days(graph))
    # ... and then a run with a secret that is refused
    refused = graph.connector(client_secret=SECRET + "-old")
    with pytest.raises(AuthenticationError) as err:
        read(refused, "users")

    tokens = list(graph.emulator._tokens)
    assert "retry" in caplog.text  # the retries were logged...
    assert len(tokens) == 2
    for secret in (SECRET, *tokens):  # ...without the secret or a token
        assert secret not in caplog.text
        assert secret not in str(err.value)
        assert secret not in repr(connector)
    assert all(r.params["client_secret"] == "<redacted>" for r in graph.emulator.token_requests)
    assert all(
        r.headers["Authorization"] == "<redacted>"
        for r in graph.emulator.requests
        if r.method == "GET"
    )


@pytest.mark.parametrize(
    "environ",
    [pytest.param({}, id="unset"), pytest.param({"ACME_GRAPH_SECRET": "  "}, id="blank")],
)
def test_a_missing_secret_variable_is_a_config_error_naming_it(environ):
    with pytest.raises(ConfigError, match="ACME_GRAPH_SECRET"):
        GraphConnector.from_env("tenant", "client", secret_env="ACME_GRAPH_SECRET", environ=environ)


def test_a_connector_built_from_the_environment_reads_with_that_secret(graph):
    connector = GraphConnector.from_env(
        graph.tenant.tenant_id,
        graph.tenant.audit_app_id,
        secret_env="ACME_GRAPH_SECRET",
        environ={"ACME_GRAPH_SECRET": SECRET},
        graph_base_url=graph.emulator.base_url,
        authority=graph.emulator.base_url,
        requests_per_minute=None,
    )
    with connector:
        assert read(connector, "subscribed_skus").num_rows > 0


def test_plain_http_is_refused_for_anything_but_loopback():
    with pytest.raises(ConfigError, match=r"authority.*plain http"):
        GraphConnector("t", "c", SECRET, authority="http://login.example.com")
    with pytest.raises(ConfigError, match=r"base_url.*plain http"):
        GraphConnector("t", "c", SECRET, graph_base_url="http://graph.example.com")
