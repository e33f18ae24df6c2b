"""Usage events by day: the partitions of the event assets and the day ranges a refresh loads.

Each event entity (Okta SSO events, Entra sign-ins, Google activities) is partitioned by UTC day,
so a daily run loads one new day (and re-reads the day before, for events delivered late), a
backfill loads a range of days, and re-loading a day replaces exactly that day. A range is one run
(`BackfillPolicy.single_run`): the connector reads the range's window once, not day by day.

`AUDIT_EVENTS_START_DATE` (default 2026-01-01) is the first day of usage history the audit keeps:
the first partition. A refresh never reads events from before it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import dagster as dg

from connectors.base import Window

START_ENV = "AUDIT_EVENTS_START_DATE"
DEFAULT_START = date(2026, 1, 1)

#: Dagster's run tags selecting a range of partitions for one run (`dagster._core.storage.tags`:
#: what the UI sets when a backfill runs as one run).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

#: Days of events a full refresh re-reads before the audit date: the longest activity window
#: (90 days), so every usage figure is recomputed from freshly extracted events. Older days stay
#: in raw as they were loaded. Not more: each day is a partition of each of the four event
#: assets, and Dagster records two events per partition a run materializes (about 11 ms each on
#: this project's SQLite run history), so 180 days cost a full refresh some 8 s, 90 days half.
FULL_HISTORY = timedelta(days=90)

#: A daily run re-reads the day before the audit date: a connector delivering yesterday's events
#: late (Okta's System Log, Entra's sign-in log take minutes to hours) replaces that day whole.
INCREMENTAL_DAYS = 2

Mode = Literal["full", "incremental"]


def events_start(environ: Mapping[str, str] | None = None) -> date:
    """The first day of usage history, from `AUDIT_EVENTS_START_DATE`; a bad value names it."""
    value = (os.environ if environ is None else environ).get(START_ENV, "").strip()
    if not value:
        return DEFAULT_START
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{START_ENV}={value!r} is not a date (YYYY-MM-DD)") from None


def event_partitions(start: date) -> dg.DailyPartitionsDefinition:
    """One partition per UTC day from `start`; today's exists already (`end_offset=1`), since a
    run as of today audits events up to the end of today."""
    return dg.DailyPartitionsDefinition(start_date=start.isoformat(), timezone="UTC", end_offset=1)


@dataclass(frozen=True)
class DayRange:
    """Consecutive days, both ends included: the partitions one run loads."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"the range starts after it ends: {self.first} > {self.last}")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def window(self) -> Window:
        """The event-time window `[first 00:00, last + 1 day 00:00)`, naive UTC."""
        return Window(
            datetime.combine(self.first, time()),
            datetime.combine(self.last + timedelta(days=1), time()),
        )

    def tags(self) -> dict[str, str]:
        """The run tags that make one run of the refresh load these partitions."""
        return {RANGE_START_TAG: self.first.isoformat(), RANGE_END_TAG: self.last.isoformat()}

    def __str__(self) -> str:
        return f"{self.first}..{self.last}" if self.days > 1 else str(self.first)


def refresh_range(mode: Mode, as_of: date, start: date) -> DayRange:
    """The days a refresh as of `as_of` loads: `full` re-reads `FULL_HISTORY`, `incremental` the
    audit date and the day before; never before the first partition `start`."""
    if as_of < start:
        raise ValueError(f"the audit date {as_of} is before {START_ENV} ({start})")
    span = FULL_HISTORY.days if mode == "full" else INCREMENTAL_DAYS - 1
    return DayRange(max(start, as_of - timedelta(days=span)), as_of)


def backfill_range(first: date, last: date, start: date) -> DayRange:
    """The days of a backfill, refused when they reach before the first partition."""
    if first < start:
        raise ValueError(f"{first} is before the first day of usage history {START_ENV}={start}")
    return DayRange(first, last)


def clamp_window(window: Window, earliest: datetime | None) -> Window:
    """`window` without what lies before `earliest` (a source's `start_date`), possibly empty."""
    if earliest is None or earliest <= window.start:
        return window
    return Window(min(earliest, window.end), window.end)
