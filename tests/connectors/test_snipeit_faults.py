"""Faults Snipe-IT really produces are survived, or reported in terms a user can act on.

Time is fake: retries sleep on the test's clock, so a 30-second throttle wait takes no time.
"""

from __future__ import annotations

import logging

import pytest
from scripted_http import ScriptedSession, reply
from snipeit_org import TOKEN, TOKEN_ENV, UNLIMITED, build_instance, connectors, read, serving

from connectors.errors import AuthenticationError, ConfigError, RecordError, SourceError
from connectors.http import HttpSettings
from connectors.snipeit.client import SnipeItConnector
from sample_company.emulators.server import Fault
from sample_company.emulators.snipeit import SnipeItEmulator

# A read timeout short enough for a `slow` fault to exceed it quickly.
QUICK = HttpSettings(timeout=(2.0, 0.3))
UNPRIVILEGED = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.snipe-helpdesk-no-licenses"


@pytest.fixture(scope="module")
def instance():
    return build_instance()


@pytest.fixture
def snipeit(instance, clock):
    with serving(instance, clock, unprivileged_token=UNPRIVILEGED) as server:
        yield server


@pytest.fixture
def snipeit_connector(snipeit, clock):
    with connectors(snipeit, clock) as make:
        yield make


def ids(table) -> list[int]:
    return table.column("id").to_pylist()


@pytest.mark.parametrize(
    ("fault", "entity", "first_wait"),
    [
        pytest.param(
            Fault("rate_limit", "/api/v1/licenses", skip=2, reset_after=30),
            "licenses",
            (30, 31),
            id="429-waits-until-the-throttle-resets",
        ),
        pytest.param(
            Fault("server_error", "/api/v1/licenses/", skip=3, status=503, retry_after=20),
            "license_seats",
            (20, 21),
            id="maintenance-503-waits-Retry-After-seconds",
        ),
        pytest.param(
            Fault(
                "server_error", "/api/v1/licenses", skip=1, retry_after=40, retry_after_date=True
            ),
            "licenses",
            (40, 41),
            id="503-waits-until-Retry-After-date",
        ),
        pytest.param(
            Fault("server_error", "/api/v1/licenses", skip=1, status=500, times=3),
            "licenses",
            (0.5, 1.0),
            id="three-500s-back-off-despite-the-throttle-s-Retry-After",
        ),
        pytest.param(
            Fault("slow", "/api/v1/licenses/", skip=2, delay=1.0),
            "license_seats",
            (0.5, 1.0),
            id="reply-slower-than-the-read-timeout",
        ),
        pytest.param(
            Fault("duplicates", "/api/v1/licenses", skip=1, times=3),
            "licenses",
            None,
            id="licenses-repeated",
        ),
        pytest.param(
            Fault("duplicates", "/api/v1/licenses/", times=40),
            "license_seats",
            None,
            id="seats-repeated",
        ),
    ],
)
def test_a_transient_fault_is_survived_with_each_record_exactly_once(
    instance, snipeit, clock, snipeit_connector, fault, entity, first_wait
):
    # GIVEN a fault that will hit the extraction mid-way
    snipeit.faults.add(fault)

    # WHEN the entity is read
    table = read(snipeit_connector(http_settings=QUICK), entity)

    # THEN the fault happened, was waited out as the server asked, and nothing is lost or doubled
    assert snipeit.faults.pending() == []
    if first_wait is None:
        assert clock.sleeps == []
    else:
        assert first_wait[0] <= clock.sleeps[0] <= first_wait[1]
    assert sorted(ids(table)) == sorted(ids(getattr(instance, entity)))


def test_a_throttle_wait_is_capped_even_when_snipeit_asks_for_an_hour(
    instance, snipeit, clock, snipeit_connector
):
    snipeit.faults.add(Fault("rate_limit", "/api/v1/licenses", skip=1, reset_after=3600))

    table = read(snipeit_connector(http_settings=HttpSettings(max_sleep=5.0)), "licenses")

    assert table.num_rows == instance.licenses.num_rows
    assert clock.sleeps
    assert max(clock.sleeps) <= 5.0


def test_retries_stop_after_max_attempts_with_the_last_failure_named(
    snipeit, clock, snipeit_connector
):
    snipeit.faults.add(Fault("server_error", "/api/v1/licenses", status=500, times=100))

    with pytest.raises(SourceError, match=r"gave up on GET .*/api/v1/licenses.* after 4 attempt"):
        read(snipeit_connector(http_settings=HttpSettings(max_attempts=4)), "licenses")

    assert len(clock.sleeps) == 3
    assert len(snipeit.requests) == 4


def test_a_token_that_expires_mid_run_fails_at_once_naming_the_env_variable(
    snipeit, clock, snipeit_connector
):
    snipeit.faults.add(Fault("expired_token", "/api/v1/licenses/", skip=3))

    with pytest.raises(AuthenticationError) as err:
        read(snipeit_connector(), "license_seats")

    message = str(err.value)
    assert message.startswith("[snipeit] GET ")
    assert "/seats" in message
    assert TOKEN_ENV in message
    assert "; Snipe-IT said: 'Unauthorized or unauthenticated.'" in message
    assert TOKEN not in message
    assert clock.sleeps == []  # a refused token is not retried
    assert [r.status for r in snipeit.requests].count(401) == 1
    assert snipeit.requests[-1].status == 401


def test_a_wrong_token_is_refused_on_the_first_request(snipeit, clock):
    connector = SnipeItConnector(snipeit.base_url, "not-the-token", sleep=clock.sleep)

    with pytest.raises(AuthenticationError, match=r"SNIPEIT_API_TOKEN.*may view licenses"):
        read(connector, "licenses")

    assert len(snipeit.requests) == 1


def test_a_token_whose_user_may_not_view_licenses_fails_although_snipeit_answers_200(
    snipeit, clock, snipeit_connector
):
    # GIVEN a valid token of a user without the Licenses "View" permission: Snipe-IT says so in
    # an error envelope sent with HTTP 200
    with pytest.raises(AuthenticationError) as err:
        read(snipeit_connector(token=UNPRIVILEGED), "licenses")

    message = str(err.value)
    assert "GET /api/v1/licenses page 1" in message
    assert "'Unauthorized.'" in message
    assert TOKEN_ENV in message
    assert "Licenses 'View' permission" in message
    assert [r.status for r in snipeit.requests] == [200]


def test_a_403_is_an_authentication_error_at_once(snipeit, clock, snipeit_connector):
    snipeit.faults.add(Fault("server_error", "/api/v1/licenses", status=403))

    with pytest.raises(AuthenticationError, match=r"is not permitted \(HTTP 403\)") as err:
        read(snipeit_connector(), "licenses")

    assert TOKEN_ENV in str(err.value)
    assert clock.sleeps == []


def test_any_other_error_snipeit_answers_with_200_is_reported_with_its_messages(
    snipeit, snipeit_connector
):
    # Validation messages come as a field -> messages mapping.
    snipeit.errors["/api/v1/licenses"] = {"limit": ["The limit must be an integer."]}

    with pytest.raises(SourceError) as err:
        read(snipeit_connector(), "licenses")

    assert not isinstance(err.value, AuthenticationError)
    assert str(err.value) == (
        "[snipeit] GET /api/v1/licenses page 1 failed: Snipe-IT answered the error "
        "'limit: The limit must be an integer.'"
    )


def test_a_license_deleted_before_its_seats_are_read_is_skipped_with_a_warning(
    instance, snipeit, snipeit_connector, caplog
):
    snipeit.errors["/api/v1/licenses/11/seats"] = (
        "License does not exist or you do not have permission to view it."
    )

    table = read(snipeit_connector(), "license_seats")

    seats = instance.license_seats
    expected = [i for i, owner in zip(ids(seats), seats["license_id"].to_pylist(), strict=True)
                if owner != 11]  # fmt: skip
    assert sorted(ids(table)) == sorted(expected)
    assert "license 11 vanished" in caplog.text


@pytest.mark.parametrize(
    ("fault", "entity", "where"),
    [
        pytest.param(
            Fault("malformed", "/api/v1/licenses", skip=1),
            "licenses",
            "/api/v1/licenses page 2",
            id="licenses",
        ),
        pytest.param(
            Fault("malformed", "/api/v1/licenses/14/seats", skip=1),
            "license_seats",
            "/api/v1/licenses/14/seats page 2",
            id="seats",
        ),
    ],
)
def test_a_malformed_page_is_reported_with_source_endpoint_and_page(
    snipeit, snipeit_connector, fault, entity, where
):
    snipeit.faults.add(fault)

    with pytest.raises(SourceError, match="malformed JSON") as err:
        read(snipeit_connector(), entity)

    assert str(err.value).startswith("[snipeit] GET ")
    assert where in str(err.value)


def test_a_base_url_that_is_not_snipeit_is_reported_as_looking_wrong(snipeit, snipeit_connector):
    connector = snipeit_connector(base_url=f"{snipeit.base_url}/not-snipe-it")

    with pytest.raises(SourceError, match=r"404.*base URL .*/not-snipe-it looks wrong") as err:
        read(connector, "licenses")

    assert str(err.value).endswith("; Snipe-IT said: '404 endpoint not found'")


def test_the_token_and_the_product_keys_appear_in_no_log_and_no_error(
    instance, snipeit, snipeit_connector, caplog
):
    # GIVEN debug logging everywhere and a run that meets retries, then an expired token
    caplog.set_level(logging.DEBUG)
    snipeit.faults.add(
        Fault("server_error", "/api/v1/licenses/", skip=1, status=503, retry_after=1),
        Fault("rate_limit", "/api/v1/licenses/", skip=2, reset_after=2),
        Fault("slow", "/api/v1/licenses/", skip=3, delay=1.0),
        Fault("expired_token", "/api/v1/licenses/", skip=5),
    )
    connector = snipeit_connector(http_settings=QUICK)

    with pytest.raises(AuthenticationError) as err:
        read(connector, "license_seats")

    assert "retry" in caplog.text  # the retries were logged...
    assert TOKEN not in caplog.text  # ...without the token
    assert all(key not in caplog.text for key in instance.product_keys.values())
    assert TOKEN not in str(err.value)
    assert TOKEN not in repr(connector)
    assert all(r.headers["Authorization"] == "<redacted>" for r in snipeit.requests)


@pytest.mark.parametrize(
    "environ",
    [pytest.param({}, id="unset"), pytest.param({TOKEN_ENV: "  "}, id="blank")],
)
def test_a_missing_token_variable_is_a_config_error_naming_it(snipeit, environ):
    with pytest.raises(ConfigError, match=TOKEN_ENV):
        SnipeItConnector.from_env(snipeit.base_url, token_env=TOKEN_ENV, environ=environ)

    assert snipeit.requests == []


def test_a_connector_built_from_the_environment_reads_with_that_token(instance, clock):
    with SnipeItEmulator(instance, TOKEN, rate_limit=UNLIMITED, clock=clock.time) as server:
        connector = SnipeItConnector.from_env(
            server.base_url, token_env=TOKEN_ENV, environ={TOKEN_ENV: TOKEN}
        )
        assert read(connector, "licenses").num_rows == instance.licenses.num_rows


def test_a_page_that_is_not_a_snipeit_list_is_reported_with_what_it_held():
    session = ScriptedSession(reply(200, {"data": [], "meta": {}}))
    connector = SnipeItConnector(
        "https://assets.example.com", TOKEN, session=session, requests_per_minute=None
    )

    with pytest.raises(SourceError) as err:
        read(connector, "licenses")

    assert str(err.value).startswith("[snipeit] GET /api/v1/licenses page 1 is not a Snipe-IT list")
    assert "keys ['data', 'meta']" in str(err.value)


def test_unusable_records_are_reported_each_with_its_field():
    page = {
        "total": 3,
        "rows": [
            {"id": 7, "name": "Adobe CC", "purchase_date": {"date": "31/12/2025"}},
            "not a license",
            {"id": 9, "seats": "many"},
        ],
    }
    session = ScriptedSession(reply(200, page))
    connector = SnipeItConnector(
        "https://assets.example.com", TOKEN, session=session, requests_per_minute=None
    )

    with pytest.raises(RecordError) as err:
        read(connector, "licenses")

    assert err.value.where == "GET /api/v1/licenses page 1"
    assert [(record, field) for record, field, _ in err.value.problems] == [
        ("id 7", "purchase_date.date"),
        ("item 2", "(item)"),
        ("id 9", "seats"),
    ]
