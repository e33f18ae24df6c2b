"""Listings kept for days, with the changes since replayed onto them (Okta's assignments, users).

Listing every Okta application's users costs a request per 500 assignments: 3,664 requests at
50,000 employees, 37 minutes at Okta's 100 requests a minute, for a list that changes by a few
hundred rows a day; the users' listing, 252 requests for a few dozen changed users. So a daily
refresh keeps a listing raw holds while it is younger than the source's `relist_days` (default
7), and reads instead the changes since that listing began (`Entity.replays_onto`: the System
Log's assignment changes, the users updated since); dbt replays them onto it. A full refresh, a
first load, or a listing too old lists again.

The changes are read from the start of the listing raw holds before this run, even when this run
lists again: raw keeps that listing if the new one fails its audit or its extraction, and the
changes then still cover everything since it. dbt only replays those published after the listing
raw holds began, so a longer read changes nothing but its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from connectors.errors import ConfigError

#: Days a listing is kept unless the source's `relist_days` says otherwise: weekly, so a change
#: the System Log missed (it keeps 90 days; a replay error) lasts a week at most.
DEFAULT_RELIST_DAYS = 7
#: The changes since a listing must still be in the System Log, which keeps 90 days.
MAX_RELIST_DAYS = 89


def relist_days(source: str, value: object) -> int:
    """The source's `relist_days` (default 7); a `ConfigError` naming it unless 0 to 89.

    0 lists at every run. More than 89 would replay changes Okta no longer keeps.
    """
    if value is None:
        return DEFAULT_RELIST_DAYS
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RELIST_DAYS:
        raise ConfigError(
            source,
            "relist_days",
            f"is {value!r}; expected whole days from 0 (list at every run) to {MAX_RELIST_DAYS}"
            " (the System Log keeps 90 days of the changes replayed onto a kept listing)",
        )
    return value


@dataclass(frozen=True)
class ListingPlan:
    """What a run does with a listing that changes are replayed onto.

    `relist`: list it again. `listed_at`: when the listing raw holds began (None: none yet).
    `changes_since`: where the changes to read start, that listing or else this run's start.
    """

    relist: bool
    listed_at: datetime | None
    changes_since: datetime
    reason: str


def plan_listing(
    listed: datetime | None,
    *,
    started: datetime,
    full: bool,
    relist_days: int,
) -> ListingPlan:
    """Whether to list again, and which changes to read, for a run that started at `started`."""
    changes = min(listed, started) if listed else started
    if full:
        return ListingPlan(True, listed, changes, "a full refresh lists again")
    if listed is None:
        return ListingPlan(True, None, changes, "raw holds no listing yet")
    age = started - listed
    if age >= timedelta(days=relist_days):
        return ListingPlan(
            True, listed, changes, f"the listing is {age.days} days old (relist_days {relist_days})"
        )
    return ListingPlan(
        False,
        listed,
        changes,
        f"kept the listing of {listed.isoformat(sep=' ', timespec='seconds')} UTC"
        f" (relisted every {relist_days} days); the changes since are replayed onto it",
    )
