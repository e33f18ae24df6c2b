"""Google Workspace's view of the sample company: Google logins and third-party OAuth grants.

Derived from a generated `Company` without changing it, so the other sources stay as they are:

- **Google users** are the people assigned to the Google Workspace app in Okta, from the day after
  their assignment (once activated) until they leave. They log in through Okta (SAML) on working
  days; a few password attempts fail, and some sessions end with a logout.
- **OAuth grants**: employees let third-party apps into their Google account. Sanctioned apps
  (`OAUTH_APPS` entries that are sanctioned, in Okta and in use) are granted by some of the people
  assigned to them in Okta; shadow-IT apps by the employees who named them in the software survey
  and by a few others. Each grant is one `authorize` event; some are revoked later; apps that call
  Google APIs then leave `activity` events on the days they run.

Events are drawn per day from a generator seeded by (seed, day), like the Okta sign-ins, so a day
is the same whichever window asks for it and a window yields exactly the events inside it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.google.entities import LOGIN_ACTIVITIES, TOKEN_ACTIVITIES
from sample_company.company import Company
from sample_company.ids import mix64, salt, stream
from sample_company.organisation import REGIONS
from sample_company.timeutil import US_PER_DAY

MS_PER_DAY = 86_400_000
_EPOCH = date(1970, 1, 1)
_WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.10, 0.06])  # Monday first
_LOGINS_PER_WORKING_DAY = 1.2
_FAILED_LOGIN_SHARE = 0.03
_SUSPICIOUS_FAILURE_SHARE = 0.1
_LOGOUT_SHARE = 0.3
_REVOKED_SHARE = 0.12
_SHADOW_RESPONDENT_SHARE = 0.9  # survey respondents who name a shadow app also granted it
_LEAVERS = ("DEPROVISIONED", "SUSPENDED")
_BATCH_ROWS = 8192  # events a batch holds before a new one starts (whole days at least)

_OPENID = (
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
)
_CALENDAR_RO = "https://www.googleapis.com/auth/calendar.readonly"
_CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
_DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
_DRIVE_RO = "https://www.googleapis.com/auth/drive.readonly"
_GMAIL_RO = "https://www.googleapis.com/auth/gmail.readonly"
_CONTACTS_RO = "https://www.googleapis.com/auth/contacts.readonly"
#: (api_name, method_name, product_bucket) of the calls an app makes with each API.
_APIS = {
    "calendar": ("calendar", "calendar.events.list", "CALENDAR"),
    "drive": ("drive", "drive.files.list", "DRIVE"),
    "gmail": ("gmail", "gmail.users.messages.list", "GMAIL"),
    "contacts": ("people", "people.connections.list", "CONTACTS"),
}


class OAuthApp(NamedTuple):
    application: str  # the canonical application of the company's roster
    app_name: str  # how Google names it in token events; match_key gives back the application
    client_type: str
    scopes: tuple[str, ...]
    share: float  # of the candidates (Okta assignees, or for shadow apps everyone) who grant it
    api: str | None  # the API it calls once granted, a key of _APIS
    calls_per_day: float  # mean API calls a working day per grant


_O = OAuthApp
OAUTH_APPS: tuple[OAuthApp, ...] = (
    # sanctioned: granted by some of the people assigned to them in Okta
    _O("Slack", "Slack", "WEB", (*_OPENID, _CALENDAR_RO), 0.3, "calendar", 2.0),
    _O("Zoom", "Zoom", "WEB", (*_OPENID, _CALENDAR_EVENTS), 0.35, "calendar", 3.0),
    _O("Asana", "Asana", "WEB", (*_OPENID, _DRIVE_FILE), 0.25, "drive", 0.5),
    _O("Monday.com", "monday.com", "WEB", _OPENID, 0.3, None, 0.0),
    _O("Miro", "Miro", "WEB", (*_OPENID, _DRIVE_FILE), 0.3, "drive", 0.4),
    _O("Figma", "Figma", "WEB", _OPENID, 0.5, None, 0.0),
    _O("Notion", "Notion", "WEB", (*_OPENID, _DRIVE_RO), 0.4, "drive", 0.8),
    _O("DocuSign", "DocuSign", "WEB", (*_OPENID, _DRIVE_RO), 0.2, "drive", 0.3),
    _O("HubSpot", "HubSpot", "WEB", (*_OPENID, _GMAIL_RO, _CALENDAR_RO), 0.3, "gmail", 4.0),
    _O("Gong", "Gong", "WEB", (*_OPENID, _CALENDAR_RO, _GMAIL_RO), 0.5, "calendar", 5.0),
    _O("Lucidchart", "Lucidchart", "WEB", (*_OPENID, _DRIVE_FILE), 0.3, "drive", 0.3),
    _O("Smartsheet", "Smartsheet", "WEB", (*_OPENID, _DRIVE_FILE), 0.2, "drive", 0.2),
    _O("Loom", "Loom", "NATIVE_CHROME_EXTENSION", _OPENID, 0.3, None, 0.0),
    # shadow IT: granted by survey respondents who named them, and by a few others
    _O("Trello", "Trello", "WEB", (*_OPENID, _DRIVE_RO), 0.03, "drive", 0.5),
    _O("Canva", "Canva", "WEB", (*_OPENID, _DRIVE_FILE), 0.03, "drive", 0.3),
    _O("Dropbox", "Dropbox", "WEB", (*_OPENID, _CONTACTS_RO), 0.02, "contacts", 0.2),
    _O("ChatGPT", "ChatGPT", "WEB", (*_OPENID, _DRIVE_RO), 0.05, "drive", 1.0),
    _O("Grammarly", "Grammarly", "NATIVE_CHROME_EXTENSION", _OPENID, 0.03, None, 0.0),
    _O("Calendly", "Calendly", "WEB", (*_OPENID, _CALENDAR_EVENTS), 0.02, "calendar", 6.0),
    _O("Otter.ai", "Otter.ai", "WEB", (*_OPENID, _CALENDAR_RO, _CONTACTS_RO), 0.02, "calendar", 3.0),  # noqa: E501
    _O("Fireflies.ai", "Fireflies.ai", "WEB", (*_OPENID, _CALENDAR_RO), 0.01, "calendar", 3.0),
    _O("Doodle", "Doodle", "WEB", (*_OPENID, _CALENDAR_EVENTS), 0.01, "calendar", 1.0),
    _O("Perplexity", "Perplexity", "WEB", _OPENID, 0.02, None, 0.0),
    _O("Claude", "Claude", "WEB", (*_OPENID, _DRIVE_RO), 0.02, "drive", 0.8),
    _O("Typeform", "Typeform", "WEB", (*_OPENID, _DRIVE_FILE), 0.01, "drive", 0.2),
    _O("Apollo.io", "Apollo.io", "WEB", (*_OPENID, _GMAIL_RO), 0.01, "gmail", 3.0),
    _O("Gamma", "Gamma", "WEB", _OPENID, 0.01, None, 0.0),
)  # fmt: skip

#: (event name, login_type, login_challenge_method, login_failure_type, is_suspicious) per kind.
_LOGIN_KINDS = (
    ("login_success", "saml", None, None, False),
    ("login_failure", "google_password", ("password",), "login_failure_invalid_password", False),
    ("login_failure", "google_password", ("password",), "login_failure_invalid_password", True),
    ("logout", "saml", None, None, None),
)
_SUCCESS, _FAILURE, _SUSPICIOUS_FAILURE, _LOGOUT = range(4)
_AUTHORIZE, _REVOKE, _ACTIVITY = range(3)
_TOKEN_NAMES = ("authorize", "revoke", "activity")

GOOGLE_USERS_SCHEMA = pa.schema(
    [
        pa.field("email", pa.string(), nullable=False),
        pa.field("profile_id", pa.string(), nullable=False),  # actor.profileId
        pa.field("okta_user_id", pa.string(), nullable=False),
        pa.field("active_from", pa.timestamp("us"), nullable=False),  # first day with logins
        pa.field("active_until", pa.timestamp("us"), nullable=False),  # end (exclusive)
    ]
)
OAUTH_APPS_SCHEMA = pa.schema(
    [
        pa.field("app_name", pa.string(), nullable=False),  # as in token events
        pa.field("application", pa.string(), nullable=False),  # canonical roster name
        pa.field("is_sanctioned", pa.bool_(), nullable=False),
        pa.field("client_id", pa.string(), nullable=False),
        pa.field("client_type", pa.string(), nullable=False),
        pa.field("scopes", pa.list_(pa.string()), nullable=False),
    ]
)
GRANTS_SCHEMA = pa.schema(
    [
        pa.field("email", pa.string(), nullable=False),
        pa.field("app_name", pa.string(), nullable=False),
        pa.field("authorized_at", pa.timestamp("us"), nullable=False),
        pa.field("revoked_at", pa.timestamp("us")),  # null while the grant stands
    ]
)


@dataclass(frozen=True, eq=False)
class GoogleWorkspace:
    """The Google side of the company: tables for tests, and activities streamed by whole days.

    `users`, `oauth_apps` and `grants` are truth tables (the schemas above); the activity streams
    are in the `connectors.google.entities` schemas, in ascending `id_time` order.
    """

    customer_id: str
    domain: str
    admin_email: str  # the administrator a service account acts for
    users: pa.Table
    oauth_apps: pa.Table
    grants: pa.Table
    _model: _DayModel

    @property
    def events_start(self) -> datetime:
        return datetime.combine(self._model.first_day, datetime.min.time())

    @property
    def events_end(self) -> datetime:
        return self.events_start + timedelta(days=self._model.days)

    def token_activities(self, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]:
        """OAuth token events with `start <= id_time < end` (naive UTC), in batches of days."""
        return self._model.batches("token", _us(start), _us(end))

    def login_activities(self, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]:
        """Login events with `start <= id_time < end` (naive UTC), in batches of days."""
        return self._model.batches("login", _us(start), _us(end))

    def activities(self, application: str, start: datetime, end: datetime) -> pa.Table:
        """All events of a Reports API application (`token`, `login`) in [start, end)."""
        stream_of = {"token": self.token_activities, "login": self.login_activities}[application]
        schema = {"token": TOKEN_ACTIVITIES, "login": LOGIN_ACTIVITIES}[application].schema
        return pa.Table.from_batches(list(stream_of(start, end)), schema=schema)


def build_google(company: Company) -> GoogleWorkspace:
    """Google Workspace's view of `company`; same company, same view."""
    seed = company.seed
    users = company.okta_users
    first_day = company.events_start.date()
    days = (company.events_end - company.events_start).days
    people = _google_people(company)
    rng = stream(seed, "google", "people")
    n = len(people.rows)
    region = rng.choice(len(REGIONS), n, p=[r[1] for r in REGIONS])
    center_ms = np.array([r[2] for r in REGIONS])[region] * 3_600_000
    login_rate = _LOGINS_PER_WORKING_DAY * np.exp(rng.normal(-0.06, 0.35, n))
    okta_ids = users.column("id").take(pa.array(people.rows))
    emails = users.column("profile_email").take(pa.array(people.rows))
    profile_ids = _digits(mix64(np.arange(n, dtype=np.uint64) ^ salt(seed, "google-profile")))
    sanctioned, usable = _sanctioned(company), _usable(company)
    apps = [app for app in OAUTH_APPS if app.application in usable]
    client_ids = [_client_id(seed, app.app_name) for app in apps]
    grants = _grants(company, apps, people, days, emails.to_pylist())
    model = _DayModel(
        seed=seed,
        first_day=first_day,
        days=days,
        customer_id=_customer_id(seed, company.domain),
        start=people.start,
        end=people.end,
        center_ms=center_ms.astype(np.float64),
        login_rate=login_rate,
        emails=emails.combine_chunks(),
        profile_ids=pa.array(profile_ids, pa.string()),
        user_ips=pa.array([f"203.0.113.{1 + i % 254}" for i in _bytes(seed, n)], pa.string()),
        grants=grants,
        apps=apps,
        client_ids=client_ids,
    )
    start_ts = np.datetime64(first_day, "us")
    return GoogleWorkspace(
        customer_id=model.customer_id,
        domain=company.domain,
        admin_email=_admin_email(company),
        users=pa.table(
            [
                emails,
                model.profile_ids,
                okta_ids,
                pa.array(start_ts + people.start * np.timedelta64(1, "D")),
                pa.array(start_ts + people.end * np.timedelta64(1, "D")),
            ],
            schema=GOOGLE_USERS_SCHEMA,
        ),
        oauth_apps=pa.table(
            [
                pa.array([app.app_name for app in apps], pa.string()),
                pa.array([app.application for app in apps], pa.string()),
                pa.array([app.application in sanctioned for app in apps]),
                pa.array(client_ids, pa.string()),
                pa.array([app.client_type for app in apps], pa.string()),
                pa.array([list(app.scopes) for app in apps], pa.list_(pa.string())),
            ],
            schema=OAUTH_APPS_SCHEMA,
        ),
        grants=grants.table(model, [app.app_name for app in apps]),
        _model=model,
    )


class _People(NamedTuple):
    rows: list[int]  # rows of okta_users that are Google users
    start: np.ndarray  # first day index with activity
    end: np.ndarray  # day index after the last one


def _google_people(company: Company) -> _People:
    """Everyone assigned to Google Workspace in Okta who is, or was, an activated employee."""
    okta_app = _okta_app_ids(company)["Google Workspace"]
    assignments = company.okta_app_users.filter(
        pc.equal(company.okta_app_users["app_id"], okta_app)
    )
    assigned = dict(
        zip(assignments["user_id"].to_pylist(), assignments["created"].to_pylist(), strict=True)
    )
    users = company.okta_users
    first = company.events_start
    days = (company.events_end - first).days
    rows, start, end = [], [], []
    for row, (user_id, user_type, activated, status, payload) in enumerate(
        zip(
            *(users[c].to_pylist() for c in ("id", "profile_user_type", "activated", "status")),
            users["payload"].to_pylist(),
            strict=True,
        )
    ):
        if user_id not in assigned or user_type != "employee" or activated is None:
            continue
        begins = max(activated, assigned[user_id])
        left = json.loads(payload)["statusChanged"] if status in _LEAVERS else None
        rows.append(row)
        start.append(max(0, (begins - first).days + 1))
        end.append(days if left is None else min(days, (_parse(left) - first).days))
    return _People(rows, np.array(start, np.int64), np.array(end, np.int64))


class _Grants(NamedTuple):
    user: np.ndarray  # Google user index
    app: np.ndarray  # index into the usable apps
    day: np.ndarray
    ms: np.ndarray
    revoke_day: np.ndarray  # -1 when never revoked
    revoke_ms: np.ndarray
    habit: np.ndarray  # multiplier of the app's API calls for this grant

    def table(self, model: _DayModel, app_names: list[str]) -> pa.Table:
        base = model.start_us
        granted = base + self.day * US_PER_DAY + self.ms * 1000
        revoked = base + self.revoke_day * US_PER_DAY + self.revoke_ms * 1000
        return pa.table(
            [
                model.emails.take(pa.array(self.user)),
                pa.array(app_names, pa.string()).take(pa.array(self.app)),
                pa.array(granted.view("datetime64[us]")),
                pa.array(revoked.view("datetime64[us]"), mask=self.revoke_day < 0),
            ],
            schema=GRANTS_SCHEMA,
        )


def _grants(
    company: Company, apps: list[OAuthApp], people: _People, days: int, emails: list[str]
) -> _Grants:
    """Who granted which app and when; every grant falls in the event history."""
    rng = stream(company.seed, "google", "grants")
    index_of = {email: i for i, email in enumerate(emails)}
    row_of = {row: i for i, row in enumerate(people.rows)}
    okta_apps = _okta_app_ids(company)
    user_rows = {user_id: row for row, user_id in enumerate(company.okta_users["id"].to_pylist())}
    respondents = _survey_respondents(company)
    sanctioned = _sanctioned(company)
    users, app_rows = [], []
    for a, app in enumerate(apps):
        if app.application in sanctioned:
            assigned = company.okta_app_users.filter(
                pc.equal(company.okta_app_users["app_id"], okta_apps[app.application])
            )["user_id"].to_pylist()
            candidates = np.array(
                sorted({row_of[user_rows[u]] for u in assigned if user_rows[u] in row_of}),
                np.int64,
            )
            chosen = candidates[rng.random(len(candidates)) < app.share]
        else:
            named = np.zeros(len(emails), bool)
            named[[index_of[e] for e in respondents.get(app.application, ()) if e in index_of]] = 1
            share = np.where(named, _SHADOW_RESPONDENT_SHARE, app.share)
            chosen = np.flatnonzero(rng.random(len(emails)) < share)
        chosen = chosen[people.start[chosen] < people.end[chosen]]
        users.append(chosen)
        app_rows.append(np.full(len(chosen), a, np.int64))
    user, app_row = np.concatenate(users), np.concatenate(app_rows)
    count = len(user)
    start, end = people.start[user], people.end[user]
    day = start + np.floor(rng.random(count) * (end - start)).astype(np.int64)
    revoked = (rng.random(count) < _REVOKED_SHARE) & (day + 1 < end)
    later = day + 1 + np.floor(rng.random(count) * (end - day - 1)).astype(np.int64)
    return _Grants(
        user=user,
        app=app_row,
        day=day,
        ms=rng.integers(8 * 3_600_000, 22 * 3_600_000, count),
        revoke_day=np.where(revoked, later, -1),
        revoke_ms=rng.integers(8 * 3_600_000, 22 * 3_600_000, count),
        habit=np.exp(rng.normal(-0.125, 0.5, count)),
    )


class _Draw(NamedTuple):
    """The events drawn for one or more days, in order: arrays of one value per event."""

    day: np.ndarray  # day index
    rank: np.ndarray  # position in its day's events
    ms: np.ndarray  # milliseconds into the day
    who: np.ndarray  # Google user (logins) or grant (token events)
    kind: np.ndarray  # _LOGIN_KINDS index, or _AUTHORIZE / _REVOKE / _ACTIVITY
    response_bytes: np.ndarray  # of API calls (token events)

    @classmethod
    def of(
        cls,
        day: int,
        ms: np.ndarray,
        who: np.ndarray,
        kind: np.ndarray,
        response_bytes: np.ndarray | None = None,
    ) -> _Draw:
        count = len(ms)
        filler = np.zeros(count, np.int64) if response_bytes is None else response_bytes
        return cls(np.full(count, day, np.int64), np.arange(count), ms, who, kind, filler)

    @classmethod
    def concat(cls, drawn: list[_Draw]) -> _Draw:
        return cls(*(np.concatenate(arrays) for arrays in zip(*drawn, strict=True)))


@dataclass(frozen=True, eq=False)
class _DayModel:
    """Everything needed to draw any day of logins and token events; building it draws none."""

    seed: int
    first_day: date
    days: int
    customer_id: str
    start: np.ndarray  # per Google user
    end: np.ndarray
    center_ms: np.ndarray
    login_rate: np.ndarray
    emails: pa.Array
    profile_ids: pa.Array
    user_ips: pa.Array
    grants: _Grants
    apps: list[OAuthApp]
    client_ids: list[str]

    @property
    def start_us(self) -> int:
        return (self.first_day - _EPOCH).days * US_PER_DAY

    def batches(self, application: str, start_us: int, end_us: int) -> Iterator[pa.RecordBatch]:
        """The events of `application` (`token`, `login`) with start_us <= id_time < end_us.

        Days are drawn one by one and built into Arrow together, up to `_BATCH_ROWS` events a
        batch, since building a batch costs about as much for one day as for many.
        """
        draw, build = {
            "token": (self._token_draw, self._token_batch),
            "login": (self._login_draw, self._login_batch),
        }[application]
        first = max(0, (start_us - self.start_us) // US_PER_DAY)
        last = min(self.days, -((self.start_us - end_us) // US_PER_DAY))
        drawn: list[_Draw] = []
        for day in range(first, max(first, last)):
            drawn.append(draw(day))
            if day + 1 < last and sum(len(d.ms) for d in drawn) < _BATCH_ROWS:
                continue
            batch = build(_Draw.concat(drawn))
            since = self.start_us + (day + 1 - len(drawn)) * US_PER_DAY
            if start_us > since or end_us < self.start_us + (day + 1) * US_PER_DAY:
                # The window starts or ends within a day.
                times = batch.column("id_time")
                keep = pc.and_(pc.greater_equal(times, _ts(start_us)), pc.less(times, _ts(end_us)))
                batch = batch.filter(keep)
            drawn = []
            if batch.num_rows:
                yield batch

    def _login_draw(self, day: int) -> _Draw:
        rng = stream(self.seed, "google-logins", self._ordinal(day))
        factor = _WEEKDAY_FACTOR[(self.first_day + timedelta(days=day)).weekday()]
        active = (self.start <= day) & (day < self.end)
        counts = rng.poisson(np.where(active, self.login_rate * factor, 0.0))
        user = np.repeat(np.arange(len(counts)), counts)
        ms = self._times(user, rng)
        failed = rng.random(len(user)) < _FAILED_LOGIN_SHARE
        suspicious = failed & (rng.random(len(user)) < _SUSPICIOUS_FAILURE_SHARE)
        kind = np.where(suspicious, _SUSPICIOUS_FAILURE, np.where(failed, _FAILURE, _SUCCESS))
        logs_out = ~failed & (rng.random(len(user)) < _LOGOUT_SHARE)
        later = np.floor(rng.exponential(3 * 3_600_000, int(logs_out.sum()))).astype(np.int64)
        user = np.concatenate([user, user[logs_out]])
        ms = np.concatenate([ms, np.minimum(ms[logs_out] + later, MS_PER_DAY - 1)])
        kind = np.concatenate([kind, np.full(int(logs_out.sum()), _LOGOUT)])
        order = np.lexsort((kind, user, ms))
        return _Draw.of(day, ms[order], user[order], kind[order])

    def _login_batch(self, drawn: _Draw) -> pa.RecordBatch:
        users = pa.array(drawn.who)
        columns = self._activity_columns(drawn, "login", users, self.user_ips.take(users))
        columns += self._login_kinds.take(pa.array(drawn.kind)).columns
        return pa.RecordBatch.from_arrays(columns, schema=LOGIN_ACTIVITIES.schema)

    def _token_draw(self, day: int) -> _Draw:
        grants = self.grants
        rng = stream(self.seed, "google-tokens", self._ordinal(day))
        factor = _WEEKDAY_FACTOR[(self.first_day + timedelta(days=day)).weekday()]
        running = (
            (grants.day < day)
            & ((grants.revoke_day < 0) | (day < grants.revoke_day))
            & (day < self.end[grants.user])
        )
        counts = rng.poisson(np.where(running, self._calls[grants.app] * grants.habit * factor, 0))
        used = np.repeat(np.arange(len(counts)), counts)
        granted = np.flatnonzero(grants.day == day)
        revoked = np.flatnonzero(grants.revoke_day == day)
        grant = np.concatenate([granted, revoked, used])
        kind = np.concatenate(
            [
                np.full(len(granted), _AUTHORIZE),
                np.full(len(revoked), _REVOKE),
                np.full(len(used), _ACTIVITY),
            ]
        )
        ms = np.concatenate(
            [grants.ms[granted], grants.revoke_ms[revoked], self._times(grants.user[used], rng)]
        )
        response_bytes = rng.integers(400, 250_000, len(grant))
        order = np.lexsort((kind, grant, ms))
        return _Draw.of(day, ms[order], grant[order], kind[order], response_bytes[order])

    def _token_batch(self, drawn: _Draw) -> pa.RecordBatch:
        grants, kind, response_bytes = self.grants, drawn.kind, drawn.response_bytes
        app = pa.array(grants.app[drawn.who])
        users = pa.array(grants.user[drawn.who])
        is_activity = pa.array(kind == _ACTIVITY)
        per_app = self._token_apps.take(app)
        # Authorising and revoking happen in the user's browser; API calls come from the app.
        ips = pc.if_else(is_activity, per_app["server_ip"], self.user_ips.take(users))
        columns = self._activity_columns(drawn, "token", users, ips)
        slot = self._token_slots.take(pa.array(grants.app[drawn.who] * 3 + kind))
        byte_counts = pa.array(response_bytes, mask=kind != _ACTIVITY, type=pa.int64())
        parameters = pc.if_else(
            is_activity,
            pc.binary_join_element_wise(
                slot["prefix"], pa.array(response_bytes).cast(pa.string()), slot["suffix"], ""
            ),
            slot["prefix"],
        )
        columns += [
            pa.repeat("auth", len(kind)),
            slot["event_name"],
            *per_app.select(["app_name", "client_id", "client_type"]).columns,
            *slot.select(["scope", "api_name", "method_name"]).columns,
            byte_counts,
            slot["product_bucket"],
            parameters,
        ]
        return pa.RecordBatch.from_arrays(columns, schema=TOKEN_ACTIVITIES.schema)

    def _activity_columns(
        self, drawn: _Draw, application: str, users: pa.Array, ips: pa.Array
    ) -> list[pa.Array]:
        """The columns every activity has, up to `event_name` (excluded)."""
        count = len(drawn.ms)
        ordinal = (self.first_day.toordinal() + drawn.day).astype(np.uint64)
        keys = (ordinal << np.uint64(32)) | drawn.rank.astype(np.uint64)
        qualifiers = mix64(keys ^ self._salts[application]).view(np.int64)
        times = self.start_us + drawn.day * US_PER_DAY + drawn.ms * 1000
        return [
            pa.array(times.view("datetime64[us]")),
            pa.array(qualifiers).cast(pa.string()),
            pa.array(np.zeros(count, np.int32)),
            pa.repeat(application, count),
            pa.repeat(self.customer_id, count),
            self.emails.take(users),
            self.profile_ids.take(users),
            pa.repeat("USER", count),
            ips,
        ]

    def _times(self, user: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        offsets = rng.standard_normal(len(user)) * 2.4 * 3_600_000
        ms = np.floor((self.center_ms[user] + offsets) % MS_PER_DAY).astype(np.int64)
        return np.minimum(ms, MS_PER_DAY - 1)

    @cached_property
    def _salts(self) -> dict[str, np.uint64]:
        """What makes each application's `uniqueQualifier`s its own."""
        return {app: salt(self.seed, f"google-{app}") for app in ("token", "login")}

    @cached_property
    def _calls(self) -> np.ndarray:
        """Mean API calls a working day per grant, by app."""
        return np.array([app.calls_per_day for app in self.apps])

    @cached_property
    def _login_kinds(self) -> pa.RecordBatch:
        """The login columns from `event_type` on, one row per kind of login event."""
        name, login_type, challenge, failure, suspicious = zip(*_LOGIN_KINDS, strict=True)
        return pa.RecordBatch.from_pydict(
            {
                "event_type": pa.array(["login"] * len(_LOGIN_KINDS), pa.string()),
                "event_name": pa.array(name, pa.string()),
                "login_type": pa.array(login_type, pa.string()),
                "login_challenge_method": pa.array(
                    [list(c) if c else None for c in challenge], pa.list_(pa.string())
                ),
                "login_failure_type": pa.array(failure, pa.string()),
                "is_suspicious": pa.array(suspicious, pa.bool_()),
                "parameters": pa.array(
                    [_login_parameters(*kind) for kind in _LOGIN_KINDS], pa.string()
                ),
            }
        )

    @cached_property
    def _token_apps(self) -> pa.RecordBatch:
        """What a token event shows of its app, one row per app."""
        return pa.RecordBatch.from_pydict(
            {
                "app_name": pa.array([a.app_name for a in self.apps], pa.string()),
                "client_id": pa.array(self.client_ids, pa.string()),
                "client_type": pa.array([a.client_type for a in self.apps], pa.string()),
                "server_ip": pa.array(
                    [f"192.0.2.{10 + a}" for a in range(len(self.apps))], pa.string()
                ),
            }
        )

    @cached_property
    def _token_slots(self) -> pa.RecordBatch:
        """What a token event shows of its (app, kind) slot, row `app * 3 + kind`; an API call's
        parameters are cut where its byte count goes."""
        slots = [(a, k) for a in range(len(self.apps)) for k in (_AUTHORIZE, _REVOKE, _ACTIVITY)]
        apis = [_APIS.get(a.api or "", (None, None, None)) for a in self.apps]
        prefix, suffix = zip(*(self._render_parameters(a, k) for a, k in slots), strict=True)

        def api(i: int) -> pa.Array:
            return pa.array([apis[a][i] if k == _ACTIVITY else None for a, k in slots], pa.string())

        return pa.RecordBatch.from_pydict(
            {
                "event_name": pa.array([_TOKEN_NAMES[k] for _, k in slots], pa.string()),
                "scope": pa.array(
                    [list(self.apps[a].scopes) if k != _ACTIVITY else None for a, k in slots],
                    pa.list_(pa.string()),
                ),
                "api_name": api(0),
                "method_name": api(1),
                "product_bucket": api(2),
                "prefix": pa.array(prefix, pa.string()),
                "suffix": pa.array(suffix, pa.string()),
            }
        )

    def _render_parameters(self, app_index: int, kind: int) -> tuple[str, str]:
        app = self.apps[app_index]
        client = [
            {"name": "client_id", "value": self.client_ids[app_index]},
            {"name": "app_name", "value": app.app_name},
            {"name": "client_type", "value": app.client_type},
        ]
        if kind != _ACTIVITY:
            scope_data = [
                {
                    "parameter": [
                        {"name": "scope_name", "value": scope},
                        {"name": "product_bucket", "multiValue": [_bucket(scope)]},
                    ]
                }
                for scope in app.scopes
            ]
            parameters = [
                *client,
                {"name": "scope", "multiValue": list(app.scopes)},
                *([{"name": "scope_data", "multiMessageValue": scope_data}] * (kind == _AUTHORIZE)),
            ]
            return _json(parameters), ""
        api_name, method, bucket = _APIS.get(app.api or "", ("", "", "OTHER"))
        marker = "@@bytes@@"
        parameters = [
            {"name": "api_name", "value": api_name},
            *client,
            {"name": "method_name", "value": method},
            {"name": "num_response_bytes", "intValue": marker},
            {"name": "product_bucket", "value": bucket},
        ]
        prefix, suffix = _json(parameters).split(marker)
        return prefix, suffix

    def _ordinal(self, day: int) -> int:
        return (self.first_day + timedelta(days=day)).toordinal()


def _login_parameters(
    name: str,
    login_type: str,
    challenge: tuple[str, ...] | None,
    failure: str | None,
    suspicious: bool | None,
) -> str:
    parameters: list[dict] = [{"name": "login_type", "value": login_type}]
    if challenge:
        parameters.append({"name": "login_challenge_method", "multiValue": list(challenge)})
    if failure:
        parameters.append({"name": "login_failure_type", "value": failure})
    if suspicious is not None:
        parameters.append({"name": "is_suspicious", "boolValue": suspicious})
    return _json(parameters)


def _okta_app_ids(company: Company) -> dict[str, str]:
    apps = company.applications
    return {
        name: okta_id
        for name, okta_id in zip(
            apps["application"].to_pylist(), apps["okta_app_id"].to_pylist(), strict=True
        )
        if okta_id is not None
    }


def _sanctioned(company: Company) -> set[str]:
    """Applications in Okta that people really use (not unused, not retired)."""
    apps = company.applications.to_pylist()
    return {
        a["application"]
        for a in apps
        if a["is_sanctioned"] and a["in_okta"] and not (a["is_unused"] or a["is_retired"])
    }


def _usable(company: Company) -> set[str]:
    """The OAuth apps this company can show: sanctioned ones in use, and its shadow IT."""
    shadow = {a["application"] for a in company.applications.to_pylist() if not a["is_sanctioned"]}
    return _sanctioned(company) | shadow


def _survey_respondents(company: Company) -> dict[str, set[str]]:
    """Canonical application -> e-mails of the survey respondents who named it."""
    spellings = company.application_spellings.filter(
        pc.equal(company.application_spellings["source"], "survey_responses.application")
    )
    canonical = dict(
        zip(spellings["spelling"].to_pylist(), spellings["application"].to_pylist(), strict=True)
    )
    named: dict[str, set[str]] = {}
    survey = company.survey_responses
    for email, spelling in zip(
        survey["respondent_email"].to_pylist(), survey["application"].to_pylist(), strict=True
    ):
        named.setdefault(canonical[spelling], set()).add(email)
    return named


def _admin_email(company: Company) -> str:
    """The CIO: the administrator who delegates report reading to the service account."""
    users = company.okta_users
    for title, status, email in zip(
        *(users[c].to_pylist() for c in ("profile_title", "status", "profile_email")), strict=True
    ):
        if title == "CIO" and status == "ACTIVE":
            return email
    raise ValueError("the sample company has no active CIO")


def _customer_id(seed: int, domain: str) -> str:
    """A Workspace customer id in Google's shape: `C0` and seven base-36 characters."""
    digest = hashlib.sha256(f"{seed}:{domain}:customer".encode()).digest()
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "C0" + "".join(alphabet[b % 36] for b in digest[:7])


def _client_id(seed: int, app_name: str) -> str:
    """An OAuth client id in Google's shape: `<project number>-<32 chars>.apps.googleuser...`."""
    digest = hashlib.sha256(f"{seed}:{app_name}:client".encode()).hexdigest()
    project = int(digest[:12], 16) % 10**12
    alphabet = "0123456789abcdefghijklmnopqrstuv"
    tail = "".join(alphabet[int(c, 16) * 2 % 32] for c in digest[12:44])
    return f"{project:012d}-{tail}.apps.googleusercontent.com"


def _digits(values: np.ndarray) -> list[str]:
    """21-digit Google profile ids starting with 1, unique for distinct values."""
    return [f"1{int(v) % 10**20:020d}" for v in values]


def _bytes(seed: int, count: int) -> list[int]:
    return stream(seed, "google", "ips").integers(0, 254, count).tolist()


def _bucket(scope: str) -> str:
    for part, bucket in (
        ("calendar", "CALENDAR"),
        ("drive", "DRIVE"),
        ("gmail", "GMAIL"),
        ("contacts", "CONTACTS"),
    ):
        if part in scope:
            return bucket
    return "IDENTITY"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _ts(us: int) -> pa.Scalar:
    return pa.scalar(us, pa.timestamp("us"))


def _us(moment: datetime) -> int:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
