"""Faults Google really produces are survived, or reported in terms a user can act on.

Time is fake: retries sleep on the test's clock, so a 30-second wait takes no time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from google_workspace import (
    ACCESS_TOKEN,
    FakeClock,
    connector,
    emulator,
    expected,
    keys,
    last_days,
    private_key_text,
    read,
    service_account_key,
)

from connectors.base import Window
from connectors.errors import AuthenticationError, ConfigError, SourceError
from connectors.google.client import GoogleWorkspaceConnector
from connectors.http import HttpSettings
from sample_company.emulators.google import TOKEN_PATH, GoogleEmulator
from sample_company.emulators.server import Fault

REPORTS = "/admin/reports/v1/activity/users/all/applications/"
DAY = Window(datetime(2026, 10, 29), datetime(2026, 10, 30))  # a Thursday: a busy day
QUICK = HttpSettings(timeout=(2.0, 0.3))  # a read timeout a `slow` fault exceeds quickly


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def google(clock) -> Iterator[GoogleEmulator]:
    with emulator(clock=clock.time) as server:
        yield server


@pytest.mark.parametrize(
    ("fault", "first_wait"),
    [
        pytest.param(
            Fault("rate_limit", REPORTS, skip=2, retry_after=30), (30, 31), id="429-Retry-After"
        ),
        pytest.param(Fault("rate_limit", REPORTS, skip=2), (0.5, 1.0), id="429-backs-off"),
        pytest.param(
            Fault("server_error", REPORTS, skip=1, status=503, retry_after=20),
            (20, 21),
            id="503-backendError-Retry-After",
        ),
        pytest.param(
            Fault("server_error", REPORTS, skip=1, retry_after=40, retry_after_date=True),
            (40, 41),
            id="503-Retry-After-date",
        ),
        pytest.param(
            Fault("server_error", REPORTS, skip=1, status=500, times=3),
            (0.5, 1.0),
            id="three-500s-in-a-row",
        ),
        pytest.param(Fault("slow", REPORTS, skip=1, delay=1.0), (0.5, 1.0), id="slow-reply"),
        pytest.param(Fault("duplicates", REPORTS, times=4), None, id="activities-repeated"),
        pytest.param(
            Fault("expired_token", REPORTS, skip=2), None, id="token-expired-is-minted-again"
        ),
        pytest.param(
            Fault("server_error", TOKEN_PATH, status=503), (0.5, 1.0), id="token-endpoint-503"
        ),
    ],
)
def test_a_transient_fault_is_survived_with_each_event_exactly_once(
    google, clock, fault, first_wait
):
    # GIVEN a fault that will hit the extraction mid-way
    google.faults.add(fault)

    # WHEN a day of logins is read, several pages long
    source = connector(google, clock, page_size=20, http_settings=QUICK)
    table = read(source, "login_activities", DAY)

    # THEN the fault happened, was waited out as asked, and nothing is lost or doubled
    assert google.faults.pending() == []
    if first_wait is None:
        assert clock.sleeps == []
    else:
        assert first_wait[0] <= clock.sleeps[0] <= first_wait[1]
    assert sorted(keys(table)) == sorted(keys(expected("login_activities", DAY)))


def test_the_older_403_userRateLimitExceeded_is_retried_like_a_429(clock):  # noqa: N802
    with emulator(clock=clock.time, rate_limit_status=403) as google:
        google.faults.add(Fault("rate_limit", REPORTS, skip=1, times=2))

        table = read(connector(google, clock), "login_activities", DAY)

    assert [r.status for r in google.requests if r.status != 200] == [403, 403]
    assert len(clock.sleeps) == 2
    assert table.num_rows == expected("login_activities", DAY).num_rows


def test_retries_stop_after_max_attempts_naming_the_last_failure(google, clock):
    google.faults.add(Fault("server_error", REPORTS, status=503, times=100))
    source = connector(google, clock, http_settings=HttpSettings(max_attempts=4))

    with pytest.raises(SourceError, match=r"gave up on GET .*applications/login.* after 4") as err:
        read(source, "login_activities", DAY)

    assert str(err.value).startswith("[google] ")
    assert "HTTP 503" in str(err.value)
    assert len(clock.sleeps) == 3


def test_a_refused_static_token_fails_at_once_naming_its_variable(google, clock):
    google.faults.add(Fault("expired_token", REPORTS, skip=1))
    source = connector(google, clock, access_token=ACCESS_TOKEN, token_env="ACME_GOOGLE_TOKEN")

    with pytest.raises(AuthenticationError) as err:
        read(source, "login_activities", DAY)

    message = str(err.value)
    assert "ACME_GOOGLE_TOKEN" in message
    assert "HTTP 401" in message
    assert "applications/login" in message
    assert clock.sleeps == []
    assert [r.status for r in google.requests].count(401) == 1


def test_a_service_account_refused_twice_in_a_row_gives_up_naming_the_key_variable(google, clock):
    google.faults.add(Fault("expired_token", REPORTS, skip=1, times=2))
    source = connector(google, clock, key_env="ACME_GOOGLE_KEY")

    with pytest.raises(AuthenticationError, match="ACME_GOOGLE_KEY"):
        read(source, "login_activities", DAY)

    assert [r.status for r in google.requests].count(401) == 2
    assert len([r for r in google.requests if r.method == "POST"]) == 2


def test_a_key_the_emulator_does_not_know_is_refused_at_the_token_endpoint(google, clock):
    stranger = service_account_key(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    source = connector(google, clock, service_account_key=stranger, key_env="ACME_GOOGLE_KEY")

    with pytest.raises(AuthenticationError, match="Invalid JWT Signature") as err:
        read(source, "login_activities", DAY)

    assert "ACME_GOOGLE_KEY" in str(err.value)
    assert [r.method for r in google.requests] == ["POST"]


def test_a_scope_not_granted_by_domain_wide_delegation_is_named(clock):
    other = ("https://example.test/other",)
    with (
        emulator(clock=clock.time, delegated_scopes=other) as google,
        pytest.raises(AuthenticationError, match="unauthorized_client") as err,
    ):
        read(connector(google, clock), "login_activities", DAY)

    assert "admin.reports.audit.readonly" in str(err.value)


def test_a_subject_who_is_not_an_administrator_is_not_permitted(google, clock):
    source = connector(google, clock, subject="someone.else@larkspur.example")

    with pytest.raises(AuthenticationError, match=r"is not permitted \(HTTP 403: 403 Not Auth"):
        read(source, "login_activities", DAY)


def test_a_malformed_page_is_reported_with_source_endpoint_and_page(google, clock):
    google.faults.add(Fault("malformed", REPORTS, skip=2))

    with pytest.raises(SourceError, match="malformed JSON") as err:
        read(connector(google, clock, page_size=20), "login_activities", DAY)

    assert str(err.value).startswith("[google] GET ")
    assert "/admin/reports/v1/activity/users/all/applications/login page 3" in str(err.value)


def test_a_base_url_that_is_not_the_reports_api_is_reported_as_looking_wrong(google, clock):
    source = connector(google, clock, base_url=f"{google.base_url}/not-google")

    with pytest.raises(SourceError, match=r"404.*base URL .*/not-google looks wrong"):
        read(source, "token_activities", DAY)


def test_no_secret_appears_in_logs_errors_or_the_emulators_records(google, clock, caplog):
    # GIVEN debug logging and a run that meets retries, a new token, then a refused one
    caplog.set_level(logging.DEBUG)
    google.faults.add(
        Fault("server_error", REPORTS, skip=1, status=503, retry_after=1),
        Fault("rate_limit", REPORTS, skip=2),
        Fault("expired_token", REPORTS, skip=3, times=3),
    )
    source = connector(google, clock, http_settings=QUICK)

    with pytest.raises(AuthenticationError) as err:
        read(source, "login_activities", last_days(3))

    minted = google.minted_tokens()
    assert len(minted) == 2
    assert "retry" in caplog.text
    secrets = [*minted, ACCESS_TOKEN, private_key_text().splitlines()[1]]
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in str(err.value)
        assert secret not in repr(source)
    assert all(r.headers.get("Authorization") in (None, "<redacted>") for r in google.requests)
    assert all(r.params.get("assertion") in (None, "<redacted>") for r in google.requests)


@pytest.mark.parametrize(
    "environ",
    [pytest.param({}, id="unset"), pytest.param({"ACME_GOOGLE_KEY": "  "}, id="blank")],
)
def test_a_missing_credential_is_a_config_error_naming_the_variable(environ):
    with pytest.raises(ConfigError, match="ACME_GOOGLE_KEY"):
        GoogleWorkspaceConnector.from_env(key_env="ACME_GOOGLE_KEY", environ=environ)


def test_a_key_variable_that_holds_no_key_is_a_config_error_that_does_not_echo_it():
    junk = "-----BEGIN NOT A KEY----- s3cr3t"

    with pytest.raises(ConfigError, match="ACME_GOOGLE_KEY") as err:
        GoogleWorkspaceConnector.from_env(
            subject="a@b.example", key_env="ACME_GOOGLE_KEY", environ={"ACME_GOOGLE_KEY": junk}
        )

    assert "s3cr3t" not in str(err.value)


def test_a_service_account_without_a_subject_is_a_config_error():
    with pytest.raises(ConfigError, match="subject"):
        GoogleWorkspaceConnector(service_account_key=service_account_key())


def test_connectors_built_from_the_environment_read_with_the_key_json_file_or_token(
    google, clock, tmp_path
):
    key = service_account_key()
    key["token_uri"] = google.token_url
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    options = {"sleep": clock.sleep, "wall_clock": clock.time, "requests_per_minute": None}

    for environ in (
        {"GOOGLE_SERVICE_ACCOUNT_KEY": path.read_text()},
        {"GOOGLE_SERVICE_ACCOUNT_KEY": str(path)},
        {"GOOGLE_ACCESS_TOKEN": ACCESS_TOKEN},
    ):
        source = GoogleWorkspaceConnector.from_env(
            google.base_url, subject=google.admin_email, environ=environ, **options
        )
        assert read(source, "token_activities", DAY).num_rows > 0
