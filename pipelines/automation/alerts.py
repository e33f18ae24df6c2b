"""The run-failure alert: a failed refresh is written to the log and posted to a chat webhook.

The log entry is unconditional, so a deployment without a webhook still has the alert on the
sensor's tick in the UI. The webhook URL comes from `AUDIT_ALERT_WEBHOOK_URL`, read at each alert
so it can be set or rotated without reloading the code; it is never logged. A link to the run is
added when `AUDIT_WEBSERVER_URL` says where the Dagster UI is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import dagster as dg

from pipelines.automation.schedules import AS_OF_TAG, MODE_TAG, TRIGGER_TAG
from pipelines.automation.webhook import post_text

WEBHOOK_ENV = "AUDIT_ALERT_WEBHOOK_URL"
WEBSERVER_ENV = "AUDIT_WEBSERVER_URL"
#: Chat services cap a message (Teams at about 28 KB); a step's error is cut well before that.
MAX_REASON_CHARS = 800


def failure_reason(event: dg.DagsterEvent) -> str:
    """What went wrong in a failed step, in the words of the error the step raised."""
    data = event.step_failure_data
    if data.user_failure_data and data.user_failure_data.description:
        reason = data.user_failure_data.description
    elif data.error is not None:
        error = data.error.cause or data.error
        reason = error.message
    else:
        reason = event.message or "unknown error"
    reason = reason.strip()
    return reason if len(reason) <= MAX_REASON_CHARS else reason[:MAX_REASON_CHARS] + " [...]"


def alert_text(
    run: dg.DagsterRun,
    step_failures: Sequence[dg.DagsterEvent],
    run_failure: dg.DagsterEvent,
    webserver_url: str | None = None,
) -> str:
    """The alert, readable as it is in a chat channel and in a log."""
    tags = run.tags
    how = ", ".join(
        f"{label} {tags[tag]}"
        for label, tag in (("by", TRIGGER_TAG), ("mode", MODE_TAG), ("as of", AS_OF_TAG))
        if tag in tags
    )
    context = f" ({how})" if how else ""
    lines = [f"Software audit: run {run.run_id} of {run.job_name} failed{context}."]
    if step_failures:
        lines += [f"- {event.step_key}: {failure_reason(event)}" for event in step_failures]
    else:
        lines.append(f"- {run_failure.message or 'the run failed before any step ran'}")
    lines.append("Readers still get the last good publication.")
    if webserver_url:
        lines.append(f"{webserver_url.rstrip('/')}/runs/{run.run_id}")
    return "\n".join(lines)


def build_failure_alert_sensor() -> dg.SensorDefinition:
    """Alerts on every failed run of any job in this code location.

    Not only the refresh's: a job added later fails as silently, and a failure nobody hears of
    is the one this sensor exists for.

    Running by default, unlike the schedules: an alert that has to be switched on is an alert
    nobody gets, and without a webhook configured it only writes to the log.
    """

    @dg.run_failure_sensor(
        name="refresh_failure_alert",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            f"Logs every failed run of the audit's jobs and posts it to the chat webhook in "
            f"{WEBHOOK_ENV}."
        ),
    )
    def refresh_failure_alert(context: dg.RunFailureSensorContext) -> None:
        text = alert_text(
            context.dagster_run,
            context.get_step_failure_events(),
            context.failure_event,
            os.environ.get(WEBSERVER_ENV),
        )
        context.log.error(text)
        url = os.environ.get(WEBHOOK_ENV)
        if not url:
            context.log.info(f"{WEBHOOK_ENV} is not set: the alert is in this log only.")
            return
        context.log.info(f"Alert webhook: {post_text(url, text)}.")

    return refresh_failure_alert
