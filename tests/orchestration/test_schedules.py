"""The schedules: when they tick, which audit date each run gets, and that they start stopped."""

from datetime import UTC, date, datetime

import dagster as dg
import pytest

from pipelines.automation.schedules import (
    AS_OF_TAG,
    MODE_TAG,
    TRIGGER_TAG,
    ScheduleSettings,
    build_schedules,
)
from pipelines.ingest.partitions import RANGE_END_TAG, RANGE_START_TAG, event_partitions


def schedules(
    events_start: date = date(2026, 1, 1), **env: str
) -> dict[str, dg.ScheduleDefinition]:
    built = build_schedules("audit_refresh", ScheduleSettings.from_env(env), events_start)
    return {schedule.name: schedule for schedule in built}


def partition_range(request: dg.RunRequest) -> tuple[str, str]:
    return request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]


def evaluate(schedule: dg.ScheduleDefinition, at: datetime) -> dg.RunRequest:
    context = dg.build_schedule_context(scheduled_execution_time=at)
    [request] = schedule.evaluate_tick(context).run_requests
    return request


def test_without_settings_a_daily_refresh_and_a_weekly_full_audit_tick_in_utc_apart() -> None:
    built = schedules()

    assert built["daily_refresh"].cron_schedule == "0 6 * * 1-6"
    assert built["weekly_full_audit"].cron_schedule == "0 6 * * 0"
    assert {schedule.execution_timezone for schedule in built.values()} == {"UTC"}
    assert {schedule.job_name for schedule in built.values()} == {"audit_refresh"}


def test_cron_and_timezone_come_from_the_environment() -> None:
    built = schedules(
        AUDIT_DAILY_CRON="30 5 * * *",
        AUDIT_WEEKLY_CRON="0 2 * * 6",
        AUDIT_SCHEDULE_TIMEZONE="Europe/Paris",
    )

    assert built["daily_refresh"].cron_schedule == "30 5 * * *"
    assert built["weekly_full_audit"].cron_schedule == "0 2 * * 6"
    assert built["daily_refresh"].execution_timezone == "Europe/Paris"


def test_the_daily_run_is_incremental_and_as_of_its_tick_date_in_tag_and_run_config() -> None:
    request = evaluate(schedules()["daily_refresh"], datetime(2026, 11, 2, 6, tzinfo=UTC))

    assert request.tags[AS_OF_TAG] == "2026-11-02"
    assert request.tags[MODE_TAG] == "incremental"
    assert request.tags[TRIGGER_TAG] == "daily_refresh"
    assert request.run_config == {"resources": {"audit": {"config": {"as_of_date": "2026-11-02"}}}}


def test_the_weekly_run_is_a_full_audit() -> None:
    request = evaluate(schedules()["weekly_full_audit"], datetime(2026, 11, 8, 6, tzinfo=UTC))

    assert request.tags[MODE_TAG] == "full"
    assert request.tags[AS_OF_TAG] == "2026-11-08"


def test_the_daily_run_loads_the_events_of_its_day_and_the_day_before() -> None:
    # the day before is read again: a connector delivering yesterday's events late
    request = evaluate(schedules()["daily_refresh"], datetime(2026, 11, 2, 6, tzinfo=UTC))

    assert partition_range(request) == ("2026-11-01", "2026-11-02")


def test_the_weekly_run_loads_90_days_of_events_from_the_first_partition_at_most() -> None:
    weekly = evaluate(schedules()["weekly_full_audit"], datetime(2026, 11, 8, 6, tzinfo=UTC))
    young = evaluate(
        schedules(events_start=date(2026, 10, 1))["weekly_full_audit"],
        datetime(2026, 11, 8, 6, tzinfo=UTC),
    )

    assert partition_range(weekly) == ("2026-08-10", "2026-11-08")
    assert partition_range(young) == ("2026-10-01", "2026-11-08")


def test_each_run_request_is_one_run_over_partitions_the_definitions_hold() -> None:
    # a range Dagster does not know (a typo in the tag, a day before the first partition) would
    # fail the run at launch, not here: the tags must name existing partitions of the job
    partitions = event_partitions(date(2026, 1, 1))
    for name, at in [("daily_refresh", 2), ("weekly_full_audit", 8)]:
        request = evaluate(schedules()[name], datetime(2026, 11, at, 6, tzinfo=UTC))
        first, last = partition_range(request)
        assert partitions.has_partition_key(first)
        assert partitions.has_partition_key(last)


def test_the_audit_date_is_the_tick_day_where_the_schedule_runs_not_in_utc() -> None:
    # GIVEN a schedule in New York, ticking at 22:30 local time on 1 November (03:30 UTC on the 2nd)
    built = schedules(AUDIT_SCHEDULE_TIMEZONE="America/New_York")

    # WHEN it ticks THEN the audit is as of New York's date, not UTC's
    request = evaluate(built["daily_refresh"], datetime(2026, 11, 2, 3, 30, tzinfo=UTC))

    assert request.tags[AS_OF_TAG] == "2026-11-01"


def test_schedules_start_stopped_unless_the_environment_enables_them() -> None:
    stopped = schedules()
    running = schedules(AUDIT_SCHEDULES_ENABLED="true")

    assert {s.default_status for s in stopped.values()} == {dg.DefaultScheduleStatus.STOPPED}
    assert {s.default_status for s in running.values()} == {dg.DefaultScheduleStatus.RUNNING}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AUDIT_DAILY_CRON", "every day at six"),
        ("AUDIT_WEEKLY_CRON", "0 6 * *"),
        ("AUDIT_SCHEDULE_TIMEZONE", "Mars/Olympus_Mons"),
        ("AUDIT_SCHEDULES_ENABLED", "ture"),
    ],
    ids=["daily cron", "weekly cron", "timezone", "switch"],
)
def test_a_bad_setting_fails_at_load_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ValueError, match=variable):
        schedules(**{variable: value})
