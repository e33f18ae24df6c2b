"""The run-failure alert: always in the log, and posted to a chat webhook when one is set."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from pipelines.automation.alerts import build_failure_alert_sensor
from pipelines.automation.webhook import post_text

REFUSAL = "[okta] GET /api/v1/apps was refused (HTTP 401). Check OKTA_API_TOKEN"


@dataclass
class Webhook:
    """A chat webhook on loopback: records each POST, answers with the scripted statuses."""

    url: str
    statuses: list[int]
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook(url="", statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.received.append((self.path, dict(self.headers), body))
            status = hook.statuses.pop(0) if hook.statuses else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # the path stands for the secret part of a real webhook URL
    hook.url = f"http://127.0.0.1:{server.server_port}/services/T000/B000/s3cr3t"
    yield hook
    server.shutdown()
    server.server_close()


@dataclass
class FailedRun:
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult


@pytest.fixture(scope="module")
def failed_run() -> Iterator[FailedRun]:
    @dg.op
    def extract_okta() -> None:
        raise dg.Failure(REFUSAL, allow_retries=False)

    @dg.job(tags={"audit/trigger": "daily_refresh", "audit/as_of_date": "2026-11-02"})
    def audit_refresh() -> None:
        extract_okta()

    with dg.DagsterInstance.ephemeral() as instance:
        result = audit_refresh.execute_in_process(instance=instance, raise_on_error=False)
        yield FailedRun(instance, result)


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(record.getMessage() for record in self.records)


def alert(failed_run: FailedRun) -> Records:
    """Evaluate the sensor on the failed run and return what it logged."""
    context = dg.build_run_status_sensor_context(
        sensor_name="refresh_failure_alert",
        dagster_event=failed_run.result.get_run_failure_event(),
        dagster_instance=failed_run.instance,
        dagster_run=failed_run.result.dagster_run,
    ).for_run_failure()
    records = Records()
    context.log.addHandler(records)
    build_failure_alert_sensor()(context)
    return records


def test_a_failed_run_is_posted_to_the_webhook_as_chat_json(
    failed_run: FailedRun, webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIT_ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("AUDIT_WEBSERVER_URL", "http://dagster.example:3000/")

    logged = alert(failed_run)

    [(path, headers, body)] = webhook.received
    assert path == "/services/T000/B000/s3cr3t"
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert list(payload) == ["text"]
    run_id = failed_run.result.run_id
    assert (
        f"run {run_id} of audit_refresh failed (by daily_refresh, as of 2026-11-02)"
        in (payload["text"])
    )
    assert f"- extract_okta: {REFUSAL}" in payload["text"]
    assert f"http://dagster.example:3000/runs/{run_id}" in payload["text"]
    # the same alert is in the log, with its delivery, and the secret URL is not
    assert payload["text"] in logged.text()
    assert "delivered (HTTP 200)" in logged.text()
    assert "s3cr3t" not in logged.text()


def test_without_a_webhook_the_alert_is_still_logged(
    failed_run: FailedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUDIT_ALERT_WEBHOOK_URL", raising=False)

    logged = alert(failed_run)

    errors = [r.getMessage() for r in logged.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert REFUSAL in errors[0]
    assert "AUDIT_ALERT_WEBHOOK_URL is not set" in logged.text()


def test_a_transient_webhook_failure_is_retried_then_delivered(webhook: Webhook) -> None:
    webhook.statuses = [503, 429]
    waits: list[float] = []

    outcome = post_text(webhook.url, "audit failed", sleep=waits.append)

    assert outcome == "delivered (HTTP 200)"
    assert len(webhook.received) == 3
    assert waits == [1.0, 2.0]


def test_retries_are_capped_and_a_refusal_is_not_retried(webhook: Webhook) -> None:
    webhook.statuses = [500, 500, 500, 500, 404]

    gave_up = post_text(webhook.url, "audit failed", sleep=lambda _: None)
    refused = post_text(webhook.url, "audit failed", sleep=lambda _: None)

    assert gave_up == "not delivered after 3 attempt(s) (last: HTTP 500)"
    assert refused == "refused (HTTP 404); check the webhook URL"
    assert len(webhook.received) == 5


def test_an_unreachable_webhook_is_reported_without_its_url() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_port
    url = f"http://127.0.0.1:{port}/services/s3cr3t"

    outcome = post_text(url, "audit failed", attempts=2, sleep=lambda _: None)

    assert outcome == "not delivered after 2 attempt(s) (last: ConnectionError)"


def test_the_alert_sensor_runs_by_default() -> None:
    assert build_failure_alert_sensor().default_status == dg.DefaultSensorStatus.RUNNING
