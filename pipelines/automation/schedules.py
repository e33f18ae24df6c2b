"""When the audit refreshes by itself: a daily refresh and a weekly full audit.

Both run `audit_refresh`, with the range of days of usage events to load as the run's partition
range (`pipelines.ingest.partitions`): the daily run loads the audit date and re-reads the day
before (late events), the weekly full audit re-reads `FULL_HISTORY`. Both re-read the inventories
and files, but for Okta's assignments: the weekly audit lists them, and the daily runs keep that
listing and read the changes since (`pipelines.ingest.listings`). The tag `audit/refresh_mode`
keeps the two apart in the run history and in alerts.

Each run is as of its tick's date in the schedule's timezone, carried twice: as the run config of
the `audit` resource (`as_of_date`), which every asset reads, and as the tag `audit/as_of_date`
for filtering runs in the UI. A tick re-executed later audits the same day.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dagster as dg

from pipelines.ingest.partitions import DEFAULT_START, FULL_HISTORY, Mode, refresh_range
from pipelines.settings import env_flag

DAILY_CRON_ENV = "AUDIT_DAILY_CRON"
WEEKLY_CRON_ENV = "AUDIT_WEEKLY_CRON"
TIMEZONE_ENV = "AUDIT_SCHEDULE_TIMEZONE"
ENABLED_ENV = "AUDIT_SCHEDULES_ENABLED"

#: Monday to Saturday, and the full audit on Sunday at the same hour: the two never start
#: together, since two refreshes cannot write the one warehouse at once.
DEFAULT_DAILY_CRON = "0 6 * * 1-6"
DEFAULT_WEEKLY_CRON = "0 6 * * 0"
DEFAULT_TIMEZONE = "UTC"

AS_OF_TAG = "audit/as_of_date"
MODE_TAG = "audit/refresh_mode"
TRIGGER_TAG = "audit/trigger"


@dataclass(frozen=True)
class ScheduleSettings:
    """The schedules' cron expressions and timezone, and whether they start running."""

    daily_cron: str = DEFAULT_DAILY_CRON
    weekly_cron: str = DEFAULT_WEEKLY_CRON
    timezone: str = DEFAULT_TIMEZONE
    enabled: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ScheduleSettings:
        """Read the `AUDIT_*` variables; a bad timezone fails here, naming its variable."""
        env = os.environ if environ is None else environ
        timezone = env.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"{TIMEZONE_ENV}={timezone!r} is not an IANA timezone (e.g. Europe/Paris)"
            ) from error
        return cls(
            daily_cron=env.get(DAILY_CRON_ENV) or DEFAULT_DAILY_CRON,
            weekly_cron=env.get(WEEKLY_CRON_ENV) or DEFAULT_WEEKLY_CRON,
            timezone=timezone,
            enabled=env_flag(ENABLED_ENV, env),
        )


def refresh_request(
    as_of: date, mode: Mode, trigger: str, events_start: date = DEFAULT_START
) -> dg.RunRequest:
    """A run of the refresh as of `as_of`: the `audit` resource's config, and tags naming the
    mode, the trigger and the range of days of usage events the mode loads."""
    days = refresh_range(mode, as_of, events_start)
    return dg.RunRequest(
        run_config={"resources": {"audit": {"config": {"as_of_date": as_of.isoformat()}}}},
        tags={AS_OF_TAG: as_of.isoformat(), MODE_TAG: mode, TRIGGER_TAG: trigger, **days.tags()},
    )


def tick_date(context: dg.ScheduleEvaluationContext, timezone: str) -> date:
    """The calendar day of the tick in the schedule's timezone, not in UTC.

    A 01:00 tick in Sydney is still the day before in UTC. An evaluation without a tick time (a
    test from the UI) uses now.
    """
    moment = context.scheduled_execution_time or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


def build_refresh_schedule(
    name: str,
    *,
    cron: str,
    cron_env: str,
    mode: Mode,
    description: str,
    job_name: str,
    settings: ScheduleSettings,
    events_start: date,
) -> dg.ScheduleDefinition:
    status = (
        dg.DefaultScheduleStatus.RUNNING if settings.enabled else dg.DefaultScheduleStatus.STOPPED
    )
    try:

        @dg.schedule(
            name=name,
            cron_schedule=cron,
            execution_timezone=settings.timezone,
            job_name=job_name,
            default_status=status,
            description=description,
        )
        def refresh_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
            as_of = tick_date(context, settings.timezone)
            return refresh_request(as_of, mode, trigger=name, events_start=events_start)

    except dg.DagsterInvalidDefinitionError as error:
        raise ValueError(f"{cron_env}={cron!r} is not a 5-field cron expression") from error
    return refresh_schedule


def build_schedules(
    job_name: str, settings: ScheduleSettings, events_start: date = DEFAULT_START
) -> list[dg.ScheduleDefinition]:
    """The daily and weekly schedules of the job `job_name`, whose usage events are partitioned
    by day from `events_start`.

    Both start stopped unless `AUDIT_SCHEDULES_ENABLED` is true: `make dev` opens the UI on the
    sample company, whose audit date is fixed, and a clone should not start refreshing it on its
    own clock; in production, letting the daemon refresh is an operator's decision, made once in
    the environment (or with the toggle in the UI, which the instance then remembers).
    """
    return [
        build_refresh_schedule(
            "daily_refresh",
            cron=settings.daily_cron,
            cron_env=DAILY_CRON_ENV,
            mode="incremental",
            description=(
                f"Daily refresh ({settings.daily_cron}, {settings.timezone}), as of the tick's "
                "date: usage events of that day and the day before, current inventories and files."
            ),
            job_name=job_name,
            settings=settings,
            events_start=events_start,
        ),
        build_refresh_schedule(
            "weekly_full_audit",
            cron=settings.weekly_cron,
            cron_env=WEEKLY_CRON_ENV,
            mode="full",
            description=(
                f"Weekly full audit ({settings.weekly_cron}, {settings.timezone}), as of the "
                f"tick's date: usage events of the last {FULL_HISTORY.days} days read again, "
                "inventories and files."
            ),
            job_name=job_name,
            settings=settings,
            events_start=events_start,
        ),
    ]
