"""Date helpers shared by the generator's parts; all instants are naive UTC."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import numpy as np

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000


def day_start(day: date) -> np.datetime64:
    return np.datetime64(day, "us")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    next_month = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last_day))


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_label(day: date, offset: int = 0) -> str:
    """The quarter of `day` shifted by `offset` quarters, written like "2026-Q4"."""
    index = day.year * 4 + (day.month - 1) // 3 + offset
    return f"{index // 4}-Q{index % 4 + 1}"


def to_datetimes(values: np.ndarray) -> list[datetime | None]:
    """datetime64[us] values as Python datetimes, NaT as None (for JSON payloads and CSV)."""
    return [None if np.isnat(v) else v.astype(datetime) for v in values]


def okta_time(value: datetime | None) -> str | None:
    """The timestamp format of Okta's API: ISO 8601 in UTC with milliseconds."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def compact_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
