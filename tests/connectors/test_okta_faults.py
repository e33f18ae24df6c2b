"""Faults Okta really produces are survived, or reported in terms a user can act on.

Time is fake: retries sleep on the test's clock, so a 30-second rate-limit wait takes no time.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from okta_org import ALL_EVENTS, FIRST_DAY, TOKEN, expected_sso_events, read

from connectors.base import Window
from connectors.errors import AuthenticationError, ConfigError, SourceError
from connectors.http import HttpSettings
from connectors.okta.client import OktaConnector
from sample_company.emulators.server import Fault

ONE_DAY = Window(FIRST_DAY, FIRST_DAY + timedelta(days=1))
# A read timeout short enough for a `slow` fault to exceed it quickly.
QUICK = HttpSettings(timeout=(2.0, 0.3))


def expected_keys(org, entity: str) -> set:
    if entity == "users":
        return set(org.okta_users["id"].to_pylist())
    if entity == "app_users":
        table = org.okta_app_users
        return set(zip(table["app_id"].to_pylist(), table["user_id"].to_pylist(), strict=True))
    return set(expected_sso_events(org, ONE_DAY)["uuid"].to_pylist())


def keys(table, entity: str) -> list:
    if entity == "users":
        return table["id"].to_pylist()
    if entity == "app_users":
        return list(zip(table["app_id"].to_pylist(), table["user_id"].to_pylist(), strict=True))
    return table["uuid"].to_pylist()


@pytest.mark.parametrize(
    ("fault", "entity", "first_wait"),
    [
        pytest.param(
            Fault("rate_limit", "/api/v1/users", skip=2, reset_after=30),
            "users",
            (30, 31),
            id="429-waits-until-X-Rate-Limit-Reset",
        ),
        pytest.param(
            Fault("server_error", "/api/v1/logs", skip=3, status=503, retry_after=20),
            "sso_events",
            (20, 21),
            id="503-waits-Retry-After-seconds",
        ),
        pytest.param(
            Fault("server_error", "/api/v1/apps/", skip=3, retry_after=40, retry_after_date=True),
            "app_users",
            (40, 41),
            id="503-waits-until-Retry-After-date",
        ),
        pytest.param(
            Fault("server_error", "/api/v1/users", skip=1, status=500, times=3),
            "users",
            (0.5, 1.0),
            id="three-500s-in-a-row-back-off",
        ),
        pytest.param(
            Fault("slow", "/api/v1/logs", skip=1, delay=1.0),
            "sso_events",
            (0.5, 1.0),
            id="reply-slower-than-the-read-timeout",
        ),
        pytest.param(
            Fault("duplicates", "/api/v1/users", times=4), "users", None, id="users-repeated"
        ),
        pytest.param(
            Fault("duplicates", "/api/v1/apps/", times=4),
            "app_users",
            None,
            id="assignments-repeated",
        ),
        pytest.param(
            Fault("duplicates", "/api/v1/logs", times=4), "sso_events", None, id="events-repeated"
        ),
    ],
)
def test_a_transient_fault_is_survived_with_each_record_exactly_once(
    org, okta, clock, make_connector, fault, entity, first_wait
):
    # GIVEN a fault that will hit the extraction mid-way
    okta.faults.add(fault)

    # WHEN the entity is read
    table = read(make_connector(http_settings=QUICK), entity, ONE_DAY)

    # THEN the fault happened, was waited out as the server asked, and nothing is lost or doubled
    assert okta.faults.pending() == []
    if first_wait is None:
        assert clock.sleeps == []
    else:
        assert first_wait[0] <= clock.sleeps[0] <= first_wait[1]
    assert sorted(keys(table, entity)) == sorted(expected_keys(org, entity))


def test_a_rate_limit_wait_is_capped_even_when_okta_asks_for_an_hour(
    org, okta, clock, make_connector
):
    okta.faults.add(Fault("rate_limit", "/api/v1/users", skip=1, reset_after=3600))
    connector = make_connector(http_settings=HttpSettings(max_sleep=5.0))

    table = read(connector, "users")

    assert table.num_rows == org.okta_users.num_rows
    assert clock.sleeps
    assert max(clock.sleeps) <= 5.0


def test_retries_stop_after_max_attempts_with_the_last_failure_named(okta, clock, make_connector):
    okta.faults.add(Fault("server_error", "/api/v1/apps", status=500, times=100))
    connector = make_connector(http_settings=HttpSettings(max_attempts=4))

    with pytest.raises(
        SourceError, match=r"gave up on GET .*/api/v1/apps.* after 4 attempt"
    ) as err:
        read(connector, "apps")

    assert "[okta]" in str(err.value)
    assert "HTTP 500" in str(err.value)
    assert len(clock.sleeps) == 3
    assert len([r for r in okta.requests if r.path == "/api/v1/apps"]) == 4


def test_retries_stop_when_the_total_wait_would_pass_max_retry_time(okta, clock, make_connector):
    okta.faults.add(Fault("rate_limit", "/api/v1/users", times=100, reset_after=50))
    settings = HttpSettings(max_attempts=50, max_sleep=60.0, max_retry_time=120.0)

    with pytest.raises(SourceError, match="gave up"):
        read(make_connector(http_settings=settings), "users")

    assert sum(clock.sleeps) <= 120.0


@pytest.mark.parametrize(
    ("fault", "entity", "endpoint"),
    [
        pytest.param(
            Fault("expired_token", "/api/v1/users", skip=2), "users", "/api/v1/users", id="users"
        ),
        pytest.param(
            Fault("expired_token", "/api/v1/logs", skip=1), "sso_events", "/api/v1/logs", id="logs"
        ),
    ],
)
def test_a_token_that_expires_mid_run_fails_at_once_naming_the_env_variable(
    okta, clock, make_connector, fault, entity, endpoint
):
    okta.faults.add(fault)
    connector = make_connector(token_env="ACME_OKTA_TOKEN")

    with pytest.raises(AuthenticationError) as err:
        read(connector, entity, ONE_DAY)

    message = str(err.value)
    assert "ACME_OKTA_TOKEN" in message
    assert endpoint in message
    assert TOKEN not in message
    assert clock.sleeps == []  # a refused token is not retried
    assert [r.status for r in okta.requests].count(401) == 1
    assert okta.requests[-1].status == 401


def test_a_wrong_token_is_refused_on_the_first_request(okta, clock):
    connector = OktaConnector(okta.base_url, "not-the-token", sleep=clock.sleep)

    with pytest.raises(AuthenticationError, match=r"OKTA_API_TOKEN.*read-only administrator"):
        read(connector, "apps")

    assert len(okta.requests) == 1


@pytest.mark.parametrize(
    ("fault", "entity", "where"),
    [
        pytest.param(
            Fault("malformed", "/api/v1/users", skip=1), "users", "/api/v1/users page 2", id="users"
        ),
        pytest.param(
            Fault("malformed", "/api/v1/logs", skip=2),
            "sso_events",
            '/api/v1/logs?filter=eventType eq "user.authentication.sso" page 3',
            id="logs",
        ),
        pytest.param(
            Fault("malformed", "/api/v1/apps/", skip=1),
            "app_users",
            "/api/v1/apps/0oa00000000000000000/users page 2",
            id="app-users",
        ),
    ],
)
def test_a_malformed_page_is_reported_with_source_endpoint_and_page(
    okta, make_connector, fault, entity, where
):
    okta.faults.add(fault)

    with pytest.raises(SourceError, match="malformed JSON") as err:
        read(make_connector(), entity, ONE_DAY)

    assert str(err.value).startswith("[okta] GET ")
    assert where in str(err.value)


def test_a_base_url_that_is_not_okta_is_reported_as_looking_wrong(okta, make_connector):
    connector = make_connector(base_url=f"{okta.base_url}/not-okta")

    with pytest.raises(SourceError, match=r"404.*base URL .*/not-okta looks wrong"):
        read(connector, "users")


def test_the_token_appears_in_no_log_and_no_error(okta, make_connector, caplog):
    # GIVEN debug logging everywhere and a run that meets retries, then an expired token
    caplog.set_level(logging.DEBUG)
    okta.faults.add(
        Fault("server_error", "/api/v1/logs", skip=1, status=503, retry_after=1),
        Fault("rate_limit", "/api/v1/logs", skip=2, reset_after=2),
        Fault("slow", "/api/v1/logs", skip=3, delay=1.0),
        Fault("expired_token", "/api/v1/logs", skip=5),
    )
    connector = make_connector(http_settings=QUICK)

    with pytest.raises(AuthenticationError) as err:
        read(connector, "sso_events", ALL_EVENTS)

    assert "retry" in caplog.text  # the retries were logged...
    assert TOKEN not in caplog.text  # ...without the token
    assert TOKEN not in str(err.value)
    assert TOKEN not in repr(connector)
    assert all(r.headers["Authorization"] == "<redacted>" for r in okta.requests)


@pytest.mark.parametrize(
    "environ",
    [pytest.param({}, id="unset"), pytest.param({"ACME_OKTA_TOKEN": "  "}, id="blank")],
)
def test_a_missing_token_variable_is_a_config_error_naming_it(okta, environ):
    with pytest.raises(ConfigError, match="ACME_OKTA_TOKEN"):
        OktaConnector.from_env(okta.base_url, token_env="ACME_OKTA_TOKEN", environ=environ)

    assert okta.requests == []


def test_a_connector_built_from_the_environment_reads_with_that_token(okta):
    connector = OktaConnector.from_env(
        okta.base_url, token_env="ACME_OKTA_TOKEN", environ={"ACME_OKTA_TOKEN": TOKEN}
    )

    assert read(connector, "apps").num_rows > 0


def test_an_application_gone_while_its_assignments_are_read_is_skipped_with_a_warning(
    org, okta, make_connector, caplog
):
    # GIVEN an application with assignments that Okta no longer knows when its users are asked
    assigned = org.okta_app_users["app_id"].to_pylist()
    gone = next(app for app in org.okta_apps["id"].to_pylist()[1:] if app in assigned)
    okta.faults.add(Fault("server_error", f"/api/v1/apps/{gone}/users", status=404, times=10))

    with caplog.at_level(logging.WARNING, logger="connectors.okta.client"):
        table = read(make_connector(), "app_users")

    # THEN every other application's assignments are read once, and the missing one is named
    assert sorted(keys(table, "app_users")) == sorted(
        key for key in expected_keys(org, "app_users") if key[0] != gone
    )
    assert f"app {gone} disappeared" in caplog.text
    # the lists are read one after another, in the applications' order, even read a page ahead
    lists = [
        r.path.split("/")[4]
        for r in okta.requests
        if r.path.startswith("/api/v1/apps/") and r.path.endswith("/users")
    ]
    apps = org.okta_apps["id"].to_pylist()
    assert list(dict.fromkeys(lists)) == apps
    assert lists == sorted(lists, key=apps.index)
