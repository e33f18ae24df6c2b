"""Faults a ServiceNow instance really produces are survived, or reported so a user can act.

Time is fake: retries sleep on the test's clock, so a 30-second wait takes no time.
"""

from __future__ import annotations

import base64
import logging

import pytest
from okta_org import FakeClock
from servicenow_instance import (
    PASSWORD,
    TOKEN,
    USERNAME,
    by_sys_id,
    expected,
    make_connector,
    read,
    running_emulator,
    sample_instance,
)

from connectors.errors import AuthenticationError, ConfigError, SourceError
from connectors.http import HttpSettings, NotFoundError
from connectors.servicenow.client import ServiceNowConnector
from sample_company.emulators.server import Fault

APPS = "/api/now/table/cmdb_ci_business_app"
LICENSES = "/api/now/table/alm_license"
# A read timeout short enough for a `slow` fault to exceed it quickly.
QUICK = HttpSettings(timeout=(2.0, 0.3))
SECRETS = (PASSWORD, TOKEN, base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode())


@pytest.fixture
def sn_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def instance(sn_clock):
    with running_emulator(sn_clock) as server:
        yield server


@pytest.mark.parametrize(
    ("fault", "entity", "first_wait"),
    [
        pytest.param(
            Fault("rate_limit", APPS, skip=2, reset_after=30),
            "business_apps",
            (30, 31),
            id="429-waits-Retry-After",
        ),
        pytest.param(
            Fault("server_error", LICENSES, skip=1, status=503, retry_after=20),
            "licenses",
            (20, 21),
            id="503-waits-Retry-After",
        ),
        pytest.param(
            Fault("server_error", LICENSES, skip=3, retry_after=40, retry_after_date=True),
            "licenses",
            (40, 41),
            id="503-waits-until-Retry-After-date",
        ),
        pytest.param(
            Fault("server_error", APPS, skip=1, status=500, times=3),
            "business_apps",
            (0.5, 1.0),
            id="three-500s-in-a-row-back-off",
        ),
        pytest.param(
            Fault("slow", APPS, skip=2, delay=1.0),
            "business_apps",
            (0.5, 1.0),
            id="reply-slower-than-the-read-timeout",
        ),
        pytest.param(Fault("duplicates", LICENSES, times=4), "licenses", None, id="duplicates"),
    ],
)
def test_a_transient_fault_is_survived_with_each_record_exactly_once(
    instance, sn_clock, fault, entity, first_wait
):
    # GIVEN a fault that will hit the extraction mid-way
    instance.faults.add(fault)

    # WHEN the table is read
    table = read(make_connector(instance.base_url, sn_clock, http_settings=QUICK), entity)

    # THEN the fault happened, was waited out as the server asked, and nothing is lost or doubled
    assert instance.faults.pending() == []
    if first_wait is None:
        assert sn_clock.sleeps == []
    else:
        assert first_wait[0] <= sn_clock.sleeps[0] <= first_wait[1]
    assert by_sys_id(table) == by_sys_id(expected(entity))


def test_a_rate_limit_rule_is_waited_out_until_its_reset(sn_clock):
    # GIVEN a rule of 3 requests an hour and a connector that does not pace itself
    with running_emulator(sn_clock, rate_limits={"/api/now/table": 3}) as server:
        settings = HttpSettings(max_sleep=3600.0, max_retry_time=7200.0)
        connector = make_connector(server.base_url, sn_clock, http_settings=settings)

        # WHEN it reads more pages than the rule allows
        table = read(connector, "business_apps")

    # THEN it waited for the next hour as the 429 said, once per hour, and read everything
    assert [r.status for r in server.requests].count(429) == 1
    assert 0 < sn_clock.sleeps[0] <= 3601
    assert by_sys_id(table) == by_sys_id(expected("business_apps"))


def test_retries_stop_after_max_attempts_with_the_last_failure_named(instance, sn_clock):
    instance.faults.add(Fault("server_error", LICENSES, status=500, times=100))
    connector = make_connector(
        instance.base_url, sn_clock, http_settings=HttpSettings(max_attempts=3)
    )

    with pytest.raises(SourceError, match=r"\[servicenow\] gave up on GET .*alm_license") as err:
        read(connector, "licenses")

    assert "after 3 attempt(s)" in str(err.value)
    assert "HTTP 500" in str(err.value)
    assert len(sn_clock.sleeps) == 2


def test_a_credential_that_expires_mid_run_fails_at_once_naming_the_env_variable(
    instance, sn_clock
):
    instance.faults.add(Fault("expired_token", LICENSES, skip=2))
    connector = make_connector(
        instance.base_url, sn_clock, auth="oauth", token=TOKEN, token_env="ACME_SN_TOKEN"
    )

    with pytest.raises(AuthenticationError) as err:
        read(connector, "licenses")

    message = str(err.value)
    assert "ACME_SN_TOKEN" in message
    assert LICENSES in message
    assert "ServiceNow says: Required to provide Auth information" in message
    assert sn_clock.sleeps == []  # a refused credential is not retried
    assert [r.status for r in instance.requests] == [200, 200, 401]


def test_a_wrong_password_is_refused_on_the_first_request_naming_both_variables(instance, sn_clock):
    connector = make_connector(instance.base_url, sn_clock, password="not-the-password")

    with pytest.raises(AuthenticationError) as err:
        read(connector, "business_apps")

    assert "SERVICENOW_PASSWORD" in str(err.value)
    assert "SERVICENOW_USERNAME" in str(err.value)
    assert "User Not Authenticated" in str(err.value)
    assert len(instance.requests) == 1


def test_no_secret_reaches_the_logs_or_the_error(instance, sn_clock, caplog):
    instance.faults.add(
        Fault("server_error", APPS, status=500, times=2), Fault("expired_token", APPS, skip=2)
    )

    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as err:
        read(make_connector(instance.base_url, sn_clock), "business_apps")

    text = caplog.text + str(err.value) + repr(err.value)
    assert "retry" in caplog.text  # the retries were logged, so the logs were looked at
    for secret in SECRETS:
        assert secret not in text


def test_a_malformed_page_is_reported_with_source_endpoint_and_page(instance, sn_clock):
    instance.faults.add(Fault("malformed", LICENSES, skip=1))

    with pytest.raises(SourceError) as err:
        read(make_connector(instance.base_url, sn_clock), "licenses")

    message = str(err.value)
    assert message.startswith("[servicenow]")
    assert f"GET {LICENSES} page 2 returned malformed JSON" in message


def test_a_table_the_instance_lacks_is_reported_with_servicenow_s_message(sn_clock):
    tables = {"cmdb_ci_business_app": sample_instance().business_apps}
    with (
        running_emulator(sn_clock, tables=tables) as server,
        pytest.raises(SourceError, match="HTTP 400: Invalid table alm_license"),
    ):
        read(make_connector(server.base_url, sn_clock), "licenses")


def test_a_base_url_with_a_wrong_path_is_called_wrong(instance, sn_clock):
    connector = make_connector(instance.base_url + "/now/nav_to.do", sn_clock)

    with pytest.raises(NotFoundError, match=r"base URL .* looks wrong"):
        read(connector, "licenses")


def test_credentials_are_sent_over_https_only():
    with pytest.raises(ConfigError, match="plain http"):
        ServiceNowConnector("http://larkspur.service-now.com", username="u", password="p")


def test_from_env_reads_the_named_variables_and_names_a_missing_one(instance):
    environ = {"SN_USER": USERNAME, "SN_PASSWORD": PASSWORD}
    connector = ServiceNowConnector.from_env(
        instance.base_url,
        username_env="SN_USER",
        password_env="SN_PASSWORD",
        environ=environ,
        requests_per_minute=None,
    )
    assert read(connector, "licenses").num_rows == expected("licenses").num_rows

    with pytest.raises(ConfigError) as err:
        ServiceNowConnector.from_env(instance.base_url, auth="oauth", environ=environ)
    assert err.value.key == "SERVICENOW_TOKEN"
