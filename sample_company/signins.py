"""SSO sign-in events, generated day by day with numpy so any window streams in flat memory.

Each assignment has a weekday sign-in rate (its application's habit, the user's activity and an
individual habit, calibrated to the scale's events per user); each day draws Poisson counts per
assignment from a generator seeded by (seed, day). A day is therefore the same whichever window
asks for it, and an event's uuid, derived from (day, rank in the day), is stable across calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from connectors.okta.entities import SSO_EVENTS
from sample_company.applications import Application
from sample_company.ids import repeated_string, stream, uuid_salts, uuid_strings
from sample_company.okta import OktaOrg
from sample_company.organisation import REGIONS
from sample_company.people import ACTIVE, PROVISIONED, People
from sample_company.scale import Scale
from sample_company.timeutil import US_PER_DAY

EVENT_TYPE = "user.authentication.sso"
MS_PER_DAY = 86_400_000
_EPOCH = date(1970, 1, 1)
_USAGE_RATE = {"D": 1.0, "W": 0.2, "M": 0.05}
_HABIT_MULTIPLIERS = np.array([1.8, 1.0, 0.3])  # heavy, regular and light users
_HABIT_SHARES = [0.25, 0.5, 0.25]
_WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.10, 0.06])  # Monday first
_HOLIDAY_FACTOR = 0.15
_FIXED_HOLIDAYS = {(1, 1), (7, 4), (12, 24), (12, 25), (12, 26), (12, 31)}
# Sign-in attempts to applications the user is not assigned to, per expected event.
_STRAY_SHARE = 0.002
# Weekday rate of the one user who keeps a barely adopted application alive: never zero in practice.
_CHAMPION_RATE = 0.6


@dataclass(frozen=True, eq=False)
class SignInModel:
    """Everything needed to draw any day of sign-ins; building it draws no event."""

    seed: int
    uuid_salts: tuple[np.uint64, np.uint64]
    first_day: date
    days: int
    assignment_used: np.ndarray  # per row of app_users: does this user ever sign in to the app
    user: np.ndarray  # per assignment that signs in
    app: np.ndarray  # per assignment: Okta app row
    rate: np.ndarray  # per assignment: mean events on a full working day
    start: np.ndarray  # per assignment: first day index with events
    end: np.ndarray  # per assignment: day index after the last one with events
    constant: np.ndarray  # per assignment: robots sign in every day alike
    day_factor: np.ndarray  # per day: weekday, weekend and holiday rhythm
    app_trend: np.ndarray  # per Okta app: relative change of its use over the history
    center_ms: np.ndarray  # per person: middle of their working day, ms after 00:00 UTC
    spread_ms: np.ndarray  # per person
    failure: np.ndarray  # per person: probability that a sign-in fails
    stray_users: np.ndarray
    stray_apps: np.ndarray
    stray_rate: float
    user_ids: pa.Array
    user_logins: pa.Array
    app_ids: pa.Array
    app_labels: pa.Array

    @property
    def start_us(self) -> int:
        return (self.first_day - _EPOCH).days * US_PER_DAY

    @property
    def end_us(self) -> int:
        return self.start_us + self.days * US_PER_DAY

    def batches(self, start_us: int, end_us: int) -> Iterator[pa.RecordBatch]:
        """The events with start_us <= published < end_us, one batch per day, in time order."""
        for day in self._days(start_us, end_us):
            ms, users, apps, failed, ranks = self._day(day)
            published = self.start_us + day * US_PER_DAY + ms * 1000
            keep = (published >= start_us) & (published < end_us)
            if not keep.any():
                continue
            users, apps = pa.array(users[keep]), pa.array(apps[keep])
            count = int(keep.sum())
            ordinal = (self.first_day + timedelta(days=day)).toordinal()
            yield pa.RecordBatch.from_arrays(
                [
                    uuid_strings(self.uuid_salts, ordinal, ranks[keep]),
                    pa.array(published[keep].view("datetime64[us]")),
                    repeated_string(EVENT_TYPE, count),
                    self.user_ids.take(users),
                    self.user_logins.take(users),
                    self.app_ids.take(apps),
                    self.app_labels.take(apps),
                    pa.array(["SUCCESS", "FAILURE"]).take(pa.array(failed[keep].astype(np.int8))),
                ],
                schema=SSO_EVENTS.schema,
            )

    def count(self, start_us: int, end_us: int) -> int:
        """The number of events `batches` would yield, drawing whole days only when cut."""
        total = 0
        for day in self._days(start_us, end_us):
            day_start = self.start_us + day * US_PER_DAY
            if start_us <= day_start and day_start + US_PER_DAY <= end_us:
                _, counts, strays = self._draw_counts(day)
                total += int(counts.sum()) + strays
            else:
                published = day_start + self._day(day)[0] * 1000
                total += int(((published >= start_us) & (published < end_us)).sum())
        return total

    def _days(self, start_us: int, end_us: int) -> range:
        first = max(0, (start_us - self.start_us) // US_PER_DAY)
        last = min(self.days, -((self.start_us - end_us) // US_PER_DAY))
        return range(first, max(first, last))

    def _draw_counts(self, day: int) -> tuple[np.random.Generator, np.ndarray, int]:
        rng = stream(self.seed, "sign-ins", (self.first_day + timedelta(days=day)).toordinal())
        active = (self.start <= day) & (day < self.end)
        trend = 1.0 + self.app_trend * (day / max(self.days - 1, 1) - 1.0)
        factor = np.where(self.constant, 1.0, self.day_factor[day])
        counts = rng.poisson(np.where(active, self.rate * factor * trend[self.app], 0.0))
        strays = int(rng.poisson(self.stray_rate * self.day_factor[day]))
        return rng, counts, strays

    def _day(self, day: int) -> tuple[np.ndarray, ...]:
        """(ms after midnight, person, Okta app row, failed, rank) of the day's events, in order."""
        rng, counts, strays = self._draw_counts(day)
        assignment = np.repeat(np.arange(len(counts)), counts)
        stray_users = self.stray_users[rng.integers(0, len(self.stray_users), strays)]
        users = np.concatenate([self.user[assignment], stray_users])
        apps = np.concatenate(
            [self.app[assignment], self.stray_apps[rng.integers(0, len(self.stray_apps), strays)]]
        )
        offsets = rng.standard_normal(len(users))
        ms = np.floor((self.center_ms[users] + self.spread_ms[users] * offsets) % MS_PER_DAY)
        ms = np.minimum(ms.astype(np.int64), MS_PER_DAY - 1)
        failed = rng.random(len(users)) < self.failure[users]
        failed[len(assignment) :] = True  # Okta refuses SSO to users not assigned to the app
        order = np.lexsort((apps, users, ms))
        return ms[order], users[order], apps[order], failed[order], np.arange(len(order))


def build_sign_in_model(
    scale: Scale,
    seed: int,
    as_of: date,
    people: People,
    roster: list[Application],
    okta: OktaOrg,
) -> SignInModel:
    rng = stream(seed, "habits")
    first_day = as_of - timedelta(days=scale.event_days - 1)
    first_us = (first_day - _EPOCH).days * US_PER_DAY
    apps = [roster[i] for i in okta.roster_index]
    user, app = okta.assign_user, okta.assign_app
    n = len(user)

    def day_index(instants: np.ndarray, missing: int) -> np.ndarray:
        index = (instants.astype("datetime64[us]").astype(np.int64) - first_us) // US_PER_DAY
        return np.where(np.isnat(instants), missing, index)

    # Sign-ins start the day after the assignment, once the account is active, and stop on leaving.
    start = np.maximum(day_index(okta.assign_created, 0) + 1, day_index(people.activated, 0)[user])
    start = np.where(people.status[user] == PROVISIONED, scale.event_days, start)
    end = day_index(people.left, scale.event_days)[user]

    live_apps = np.array([not (a.is_unused or a.is_retired) for a in apps])
    adoption = np.array(
        [a.adoption if live else 0.0 for a, live in zip(apps, live_apps, strict=True)]
    )
    usage_rate = np.array([_USAGE_RATE[a.usage] for a in apps])
    activity = np.exp(rng.normal(0.0, 0.35, people.count))
    habit = rng.choice(_HABIT_MULTIPLIERS, n, p=_HABIT_SHARES)
    uses = rng.random(n) < adoption[app]
    robot = people.is_service[user]
    steady = (people.status[user] == ACTIVE) & ~robot
    champions = _champions(app, uses, steady & (start < scale.event_days), live_apps)
    uses[champions] = True
    rate = np.where(uses, usage_rate[app] * habit * activity[user], 0.0)
    full_time = int(((people.status == ACTIVE) & ~people.is_service).sum())
    rate *= scale.sign_ins_per_user_weekday * full_time / rate[steady].sum()
    rate[champions] = np.maximum(rate[champions], _CHAMPION_RATE)
    rate[robot] = rng.uniform(1.0, 8.0, int(robot.sum()))

    centers = np.array([r[2] for r in REGIONS]) * 3_600_000
    center_ms = np.where(people.is_service, 12 * 3_600_000, centers[people.region])
    spread_ms = np.where(people.is_service, 12 * 3_600_000, 2.4 * 3_600_000)
    failure = np.where(rng.random(people.count) < 0.03, 0.06, 0.012)
    failure = np.where(people.is_service, 0.004, failure)

    long_standing = (
        (people.status == ACTIVE) & ~people.is_service & (day_index(people.activated, 0) < 0)
    )
    # Only assignments that produce events are kept: a day's draw then touches nothing else.
    live = (rate > 0) & (start < end)
    return SignInModel(
        seed=seed,
        uuid_salts=uuid_salts(seed),
        first_day=first_day,
        days=scale.event_days,
        assignment_used=rate > 0,
        user=user[live].astype(np.int32),
        app=app[live].astype(np.int32),
        rate=rate[live],
        start=start[live].astype(np.int32),
        end=end[live].astype(np.int32),
        constant=robot[live],
        day_factor=_day_factors(first_day, scale.event_days),
        app_trend=np.array([a.trend for a in apps]),
        center_ms=center_ms.astype(np.float64),
        spread_ms=spread_ms.astype(np.float64),
        failure=failure,
        stray_users=np.flatnonzero(long_standing),
        stray_apps=np.flatnonzero(live_apps),
        stray_rate=_STRAY_SHARE * scale.sign_ins_per_user_weekday * full_time,
        user_ids=pa.array(people.ids, pa.string()),
        user_logins=pa.array(people.emails, pa.string()),
        app_ids=okta.apps.column("id").combine_chunks(),
        app_labels=okta.apps.column("label").combine_chunks(),
    )


def _champions(
    app: np.ndarray, uses: np.ndarray, eligible: np.ndarray, live_apps: np.ndarray
) -> np.ndarray:
    """One assignment per live application nobody happens to use, so that only the applications
    meant to be unused (or retired) end up without sign-ins."""
    users_per_app = np.bincount(app[uses & eligible], minlength=len(live_apps))
    bounds = np.searchsorted(app, np.arange(len(live_apps) + 1))  # assignments are sorted by app
    champions = []
    for row in np.flatnonzero(live_apps & (users_per_app == 0)):
        candidates = bounds[row] + np.flatnonzero(eligible[bounds[row] : bounds[row + 1]])
        if len(candidates):
            champions.append(candidates[0])
    return np.array(champions, dtype=np.int64)


def _day_factors(first_day: date, days: int) -> np.ndarray:
    factors = np.empty(days)
    for index in range(days):
        day = first_day + timedelta(days=index)
        factors[index] = _HOLIDAY_FACTOR if _is_holiday(day) else _WEEKDAY_FACTOR[day.weekday()]
    return factors


def _is_holiday(day: date) -> bool:
    """Fixed-date holidays plus US Thanksgiving (fourth Thursday of November) and its Friday."""
    if (day.month, day.day) in _FIXED_HOLIDAYS:
        return True
    if day.month != 11:
        return False
    first_thursday = 1 + (3 - date(day.year, 11, 1).weekday()) % 7
    thanksgiving = first_thursday + 21
    return day.day in (thanksgiving, thanksgiving + 1)
