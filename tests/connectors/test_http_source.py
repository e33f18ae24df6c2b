"""The shared HTTP layer: which failures are retried, how long it waits, and what it never reveals.

A scripted session stands in for the network, and a fake clock for time, so every wait is exact.
"""

from __future__ import annotations

import http.server
import logging
import random
import threading
from email.utils import formatdate

import pytest
import requests
from okta_org import FakeClock
from scripted_http import ScriptedSession, reply

from connectors.errors import AuthenticationError, ConfigError, SourceError
from connectors.http import HttpSettings, HttpSource

BASE = "https://acme.okta.com"
SECRET = "s3cr3t-value-9d1e"
NOW = 1_793_000_000.0


def source(
    *script: requests.Response | Exception, clock: FakeClock | None = None, **options
) -> HttpSource:
    clock = clock or FakeClock(NOW)
    return HttpSource(
        "okta",
        BASE,
        headers={"Authorization": f"SSWS {SECRET}"},
        secret_env="OKTA_API_TOKEN",
        secrets=(SECRET,),
        session=ScriptedSession(*script),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        wall_clock=clock.time,
        rng=random.Random(3),
        **options,
    )


@pytest.mark.parametrize(
    ("failure", "low", "high"),
    [
        pytest.param(
            reply(429, X_Rate_Limit_Reset=str(int(NOW) + 12), Date=formatdate(NOW, usegmt=True)),
            12,
            13,
            id="429-X-Rate-Limit-Reset",
        ),
        pytest.param(reply(503, Retry_After="7"), 7, 8, id="503-Retry-After-seconds"),
        pytest.param(
            reply(
                503,
                Retry_After=formatdate(NOW + 25, usegmt=True),
                Date=formatdate(NOW, usegmt=True),
            ),
            25,
            26,
            id="503-Retry-After-date",
        ),
        pytest.param(reply(502), 0.5, 1.0, id="502-backs-off"),
        pytest.param(requests.ReadTimeout("read timed out"), 0.5, 1.0, id="read-timeout"),
        pytest.param(
            requests.ConnectionError("connection refused"), 0.5, 1.0, id="connection-refused"
        ),
        pytest.param(
            requests.exceptions.ChunkedEncodingError("cut off"), 0.5, 1.0, id="body-cut-off"
        ),
    ],
)
def test_a_transient_failure_is_retried_after_the_wait_the_server_asked_for(failure, low, high):
    # GIVEN a local clock ten minutes off the server's: waits must follow the server's Date
    clock = FakeClock(NOW + 600)
    http = source(failure, reply(200, [{"id": 1}]), clock=clock)

    response = http.get("/api/v1/users")

    assert response.json() == [{"id": 1}]
    assert len(clock.sleeps) == 1
    assert low <= clock.sleeps[0] <= high


def test_backoff_doubles_with_jitter_and_never_exceeds_max_sleep():
    clock = FakeClock()
    http = source(
        *[reply(500)] * 7,
        reply(200),
        clock=clock,
        settings=HttpSettings(max_attempts=8, max_sleep=10),
    )

    http.get("/api/v1/apps")

    ceilings = [1, 2, 4, 8, 10, 10, 10]
    assert len(clock.sleeps) == len(ceilings)
    assert all(c / 2 <= s <= c for s, c in zip(clock.sleeps, ceilings, strict=True))


def test_the_same_seed_gives_the_same_waits():
    def waits() -> list[float]:
        clock = FakeClock()
        source(reply(500), reply(503), reply(200), clock=clock).get("/api/v1/apps")
        return clock.sleeps

    assert waits() == waits()


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        pytest.param(
            401,
            AuthenticationError,
            r"was refused \(HTTP 401: E0000011 Invalid token provided\).*OKTA_API_TOKEN",
            id="401",
        ),
        pytest.param(
            403,
            AuthenticationError,
            r"is not permitted \(HTTP 403: E0000006 .*OKTA_API_TOKEN",
            id="403",
        ),
        pytest.param(
            400, SourceError, r"failed with HTTP 400: E0000001 Api validation failed", id="400"
        ),
    ],
)
def test_a_final_failure_is_raised_at_once_with_okta_error_code(status, error, expected):
    summaries = {
        401: "Invalid token provided",
        403: "You do not have permission",
        400: "Api validation failed",
    }
    codes = {401: "E0000011", 403: "E0000006", 400: "E0000001"}
    body = {"errorCode": codes[status], "errorSummary": summaries[status], "errorCauses": []}
    clock = FakeClock()
    http = source(reply(status, body), clock=clock)

    with pytest.raises(error, match=expected):
        http.get("/api/v1/users")
    assert clock.sleeps == []


def test_requests_are_spaced_to_stay_under_requests_per_minute():
    clock = FakeClock()
    http = source(*[reply(200)] * 4, clock=clock, requests_per_minute=60)

    for _ in range(4):
        http.get("/api/v1/users")

    assert clock.sleeps == [1.0, 1.0, 1.0]


class OversleepingClock(FakeClock):
    """A clock whose sleeps last 2 ms longer than asked, as a real sleep overshoots."""

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds + 0.002)


def test_a_sleep_that_overshoots_does_not_slow_the_pace():
    # 2,400 a minute: a slot every 25 ms. Each sleep overshoots by 2 ms; counted from the end of
    # the sleeps, the slots would drift to 27 ms apart, 93% of the rate asked.
    clock = OversleepingClock(NOW)
    http = source(*[reply(200)] * 201, clock=clock, requests_per_minute=2400)
    sent = []
    for _ in range(201):
        http.get("/api/v1/logs")
        sent.append(clock.monotonic())

    assert clock.elapsed == pytest.approx(200 * 0.025 + 0.002, abs=1e-3)
    # never faster than asked: any 41 requests in a row span at least 40 slots
    assert min(b - a for a, b in zip(sent, sent[40:], strict=False)) >= 40 * 0.025 - 1e-6


def test_a_request_after_its_slot_is_not_followed_by_a_burst():
    # A slow reader leaves 10 s between requests: the next slot counts from when it came.
    clock = FakeClock(NOW)
    http = source(*[reply(200)] * 3, clock=clock, requests_per_minute=60)
    http.get("/api/v1/users")
    clock.now += 10.0
    http.get("/api/v1/users")
    http.get("/api/v1/users")

    assert clock.sleeps == [1.0]


def test_requests_spread_out_when_few_remain_before_the_bucket_resets():
    # GIVEN Okta says 3 of 100 requests remain and the bucket resets in 40 s
    clock = FakeClock(NOW)
    low = reply(
        200,
        X_Rate_Limit_Limit="100",
        X_Rate_Limit_Remaining="3",
        X_Rate_Limit_Reset=str(int(NOW) + 40),
        Date=formatdate(NOW, usegmt=True),
    )
    http = source(low, reply(200), reply(200), clock=clock)

    http.get("/api/v1/apps")
    http.get("/api/v1/apps/0oa1/users")  # same bucket: /api/v1/apps*
    http.get("/api/v1/users")  # another bucket: not slowed

    assert clock.sleeps == [10.0]  # 40 s shared by the 3 remaining requests and the reset


def test_a_next_link_to_another_host_is_refused_so_the_token_is_not_sent_there():
    http = source(reply(200, Link='<https://evil.example.com/api/v1/users?after=x>; rel="next"'))
    response = http.get("/api/v1/users")

    with pytest.raises(SourceError, match=r"refusing to follow https://evil\.example\.com"):
        http.next_link(response)


def test_secrets_are_redacted_from_messages_and_logged_urls(caplog):
    caplog.set_level(logging.DEBUG)
    echo = {"errorCode": "E0000001", "errorSummary": f"bad token {SECRET}"}
    http = source(reply(200), reply(400, echo))

    http.get("/api/v1/users", {"api_key": "k3y", "limit": 2})
    with pytest.raises(SourceError) as err:
        http.get("/api/v1/users")

    assert SECRET not in str(err.value)
    assert "bad token ***" in str(err.value)
    assert "api_key=%2A%2A%2A&limit=2" in caplog.text
    assert "k3y" not in caplog.text


@pytest.mark.parametrize(
    "base_url",
    [
        pytest.param("acme.okta.com", id="no-scheme"),
        pytest.param("http://acme.okta.com", id="plain-http-off-loopback"),
    ],
)
def test_a_base_url_that_would_leak_or_cannot_work_is_a_config_error(base_url):
    with pytest.raises(ConfigError, match="base_url"):
        HttpSource("okta", base_url, headers={}, secret_env="OKTA_API_TOKEN")


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every GET with an empty JSON list and records its request line and credential."""

    def do_GET(self) -> None:
        self.server.seen.append((self.requestline, self.headers.get("Authorization")))
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback():
    """Start recording servers on loopback; each has `.url` and `.seen`."""
    servers = []

    def start() -> http.server.ThreadingHTTPServer:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        server.seen, server.url = [], f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def loopback_source(base_url: str) -> HttpSource:
    return HttpSource(
        "okta",
        base_url,
        headers={"Authorization": f"SSWS {SECRET}"},
        secret_env="OKTA_API_TOKEN",
        settings=HttpSettings(max_attempts=1),
    )


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_the_proxy_the_environment_names_carries_every_request(loopback, monkeypatch, variable):
    proxy, vendor = loopback(), loopback()
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, proxy.url)
    http_source = loopback_source(vendor.url)
    http_source.get("/api/v1/users", {"limit": 2})
    http_source.get("/api/v1/apps")
    assert [line for line, _ in proxy.seen] == [
        f"GET {vendor.url}/api/v1/users?limit=2 HTTP/1.1",
        f"GET {vendor.url}/api/v1/apps HTTP/1.1",
    ]
    assert vendor.seen == []


def test_a_host_no_proxy_names_is_reached_directly(loopback, monkeypatch):
    proxy, vendor = loopback(), loopback()
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    loopback_source(vendor.url).get("/api/v1/users")
    assert [line for line, _ in vendor.seen] == ["GET /api/v1/users HTTP/1.1"]
    assert proxy.seen == []


def test_a_netrc_entry_for_the_host_does_not_replace_the_connectors_credential(
    loopback, monkeypatch, tmp_path
):
    vendor = loopback()
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    loopback_source(vendor.url).get("/api/v1/users")
    assert vendor.seen == [("GET /api/v1/users HTTP/1.1", f"SSWS {SECRET}")]


def test_a_ca_bundle_the_environment_names_verifies_the_vendors_certificate(monkeypatch, tmp_path):
    bundle = tmp_path / "company-ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    assert source()._session.verify == str(bundle)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.setenv("CURL_CA_BUNDLE", str(bundle))
    assert source()._session.verify == str(bundle)
    assert source(settings=HttpSettings(verify=False))._session.verify is False
