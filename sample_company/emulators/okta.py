"""Okta's Management API on loopback, serving a sample company's users, apps, sign-ins and
assignment changes.

It reproduces what a client of the real API meets: `Authorization: SSWS <token>` (401 `E0000011`
otherwise), cursor pagination with `limit` and a `Link: <...>; rel="next"` header carrying
`after`, Okta's page-size maxima, the users list leaving DEPROVISIONED users out unless filtered
for (`status eq "..."`) and filtered by `lastUpdated gt "..."` (alone or joined to the status by
`and`), System Log bounded queries (`since` + `until`, finite pages) and polling queries (no
`until`, a next link forever) filtered by `eventType eq "..."` (sign-ins, or the assignment
changes `application.user_membership.add` / `.remove`, joined by `or`), the `X-Rate-Limit-*`
headers and 429 `E0000047` per rate-limit bucket, and Okta's error object. Faults are injected
through `faults` (see `server.Fault`).

    with OktaEmulator(company, token="...") as okta:
        connector = OktaConnector(okta.base_url, "...")
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from connectors.okta.entities import APP_USER_CHANGES, SSO_EVENTS
from sample_company.emulators.server import EmulatorServer, Reply
from sample_company.emulators.system_log import (
    MEMBERSHIP_EVENT_TYPES,
    Cursor,
    EventStream,
    LogEventWriter,
    MembershipEventWriter,
    last_cursor,
    matching_events,
)

#: Requests per minute per bucket of a Workforce Identity org (Okta's "Management rate limits").
PUBLISHED_RATE_LIMITS = {"/api/v1/users": 600, "/api/v1/apps": 100, "/api/v1/logs": 120}
#: (default, maximum) `limit` of each list, as documented per endpoint.
PAGE_LIMITS = {"users": (200, 200), "apps": (20, 200), "app_users": (50, 500), "logs": (100, 1000)}

_APP_USERS_PATH = re.compile(r"^/api/v1/apps/([^/]+)/users$")
_FILTER_EQ = re.compile(r'^\s*(\w+)\s+eq\s+"([^"]*)"\s*$')
_UPDATED_AFTER = re.compile(r'^\s*lastUpdated\s+gt\s+"([^"]*)"\s*$')
_EVENT_TYPE_EQ = r'eventType\s+eq\s+"([^"]*)"'
_EVENT_TYPES_FILTER = re.compile(rf"^\s*{_EVENT_TYPE_EQ}(?:\s+or\s+{_EVENT_TYPE_EQ})*\s*$")
_STREAM_CACHE_SIZE = 32
_USER_ORDER = (
    "id", "status", "created", "activated", "statusChanged", "lastLogin", "lastUpdated",
    "passwordChanged", "type", "profile", "credentials", "_links",
)  # fmt: skip
_APP_ORDER = (
    "id", "name", "label", "status", "lastUpdated", "created", "accessibility", "visibility",
    "features", "signOnMode", "credentials", "settings", "_links",
)  # fmt: skip


class OktaCompany(Protocol):
    """What the emulator serves: tables in the `connectors.okta.entities` schemas, and events.

    `sso_events(start, end)` yields the events with `start <= published < end` (naive UTC) in
    ascending `published` order, as record batches in the `sso_events` schema.
    `app_user_changes(start, end)` yields the assignment changes alike, in the `app_user_changes`
    schema.
    """

    @property
    def okta_users(self) -> pa.Table: ...

    @property
    def okta_apps(self) -> pa.Table: ...

    @property
    def okta_app_users(self) -> pa.Table: ...

    def sso_events(self, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]: ...

    def app_user_changes(self, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]: ...


class OktaEmulator(EmulatorServer):
    """An Okta org on `http://127.0.0.1:<port>` serving `company`, accepting one API token.

    `rate_limits` overrides `PUBLISHED_RATE_LIMITS` per bucket (raise them for a fast demo);
    `rate_window` is the length of a rate-limit window in seconds (Okta's is a minute).
    `trailing_empty_page` makes bounded System Log queries page on like polling ones, a next link
    on every page including empty ones, so only a client that stops at an empty page terminates.
    """

    def __init__(
        self,
        company: OktaCompany,
        token: str,
        *,
        rate_limits: Mapping[str, int] | None = None,
        rate_window: float = 60.0,
        trailing_empty_page: bool = False,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(
            rate_limits={**PUBLISHED_RATE_LIMITS, **(rate_limits or {})},
            rate_window=rate_window,
            clock=clock,
            host=host,
            port=port,
        )
        self.token = token
        self.trailing_empty_page = trailing_empty_page
        self._company = company
        users = company.okta_users
        self._users = users
        self._apps = company.okta_apps
        self._app_users = company.okta_app_users
        user_ids = users.column("id").to_pylist()
        statuses = users.column("status").to_pylist()
        self._users_by_status: dict[str, _Listing] = {
            status: _Listing(users, user_ids, [i for i, s in enumerate(statuses) if s == status])
            for status in set(statuses)
        }
        self._users_listed = _Listing(
            users, user_ids, [i for i, s in enumerate(statuses) if s != "DEPROVISIONED"]
        )
        app_ids = self._apps.column("id").to_pylist()
        self._apps_listed = _Listing(self._apps, app_ids, list(range(len(app_ids))))
        app_modes = dict(zip(app_ids, self._apps.column("sign_on_mode").to_pylist(), strict=True))
        by_app: dict[str, list[int]] = {}
        for i, app_id in enumerate(self._app_users.column("app_id").to_pylist()):
            by_app.setdefault(app_id, []).append(i)
        assigned_ids = self._app_users.column("user_id").to_pylist()
        self._assignments = {
            app_id: _Listing(self._app_users, assigned_ids, by_app.get(app_id, []))
            for app_id in app_ids
        }
        self._logins = dict(zip(user_ids, users.column("profile_login").to_pylist(), strict=True))
        self._app_user_texts: pa.Array | None = None  # rendered on the first request
        self._user_texts: dict[str, str] = {}  # each user's, rendered on its first request
        self._user_updated: list[datetime] | None = None  # each user's lastUpdated, when asked
        self._app_user_texts_lock = threading.Lock()
        names = {
            user_id: " ".join(part for part in (first, last) if part)
            for user_id, first, last in zip(
                user_ids,
                users.column("profile_first_name").to_pylist(),
                users.column("profile_last_name").to_pylist(),
                strict=True,
            )
        }
        self._log_events = LogEventWriter(names, app_modes)
        labels = dict(zip(app_ids, self._apps.column("label").to_pylist(), strict=True))
        admin = _org_admin(users)
        self._membership_events = MembershipEventWriter(
            names, self._logins, labels, (admin, self._logins.get(admin), names.get(admin))
        )
        self._streams: OrderedDict[tuple[Any, ...], EventStream] = OrderedDict()
        self._streams_lock = threading.Lock()
        self._error_ids = itertools.count(1)

    # -- the vendor hooks of EmulatorServer -----------------------------------------------------

    def authorized(self, headers: Mapping[str, str]) -> bool:
        return headers.get("Authorization") == f"SSWS {self.token}"

    def bucket(self, path: str) -> str:
        return "/".join(path.split("/")[:4])

    def rate_limit_headers(self, limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        return [
            ("X-Rate-Limit-Limit", str(limit)),
            ("X-Rate-Limit-Remaining", str(remaining)),
            ("X-Rate-Limit-Reset", str(int(-(-reset // 1)))),  # epoch seconds, rounded up
        ]

    def unauthorized(self) -> Reply:
        return self._error(401, "E0000011", "Invalid token provided")

    def rate_limited(self) -> Reply:
        return self._error(
            429, "E0000047", "API call exceeded rate limit due to too many requests."
        )

    def server_error(self, status: int) -> Reply:
        if status == 500:
            return self._error(500, "E0000009", "Internal Server Error")
        return Reply(
            status, f"<html><body>{status} Service Unavailable</body></html>", [], "text/html"
        )

    def route(self, path: str, params: dict[str, str], overlap: bool) -> Reply:
        try:
            if path == "/api/v1/users":
                return self._list_users(params, overlap)
            if path == "/api/v1/apps":
                return self._list(path, params, self._apps_listed, "apps", self._app_json, overlap)
            if match := _APP_USERS_PATH.match(path):
                return self._list_app_users(path, match.group(1), params, overlap)
            if path == "/api/v1/logs":
                return self._logs(params, overlap)
        except _BadRequestError as bad:
            return self._error(400, bad.code, bad.summary)
        return Reply(404, "<html><body>404 Not Found</body></html>", [], "text/html")

    # -- lists ------------------------------------------------------------------------------

    def _list_users(self, params: dict[str, str], overlap: bool) -> Reply:
        status, updated_after = _parse_user_filter(params.get("filter") or "")
        listing = self._users_listed
        if status is not None:
            listing = self._users_by_status.get(status, _Listing(self._users, [], []))
        if updated_after is not None:
            updated = self._users_updated()
            listing = listing.where(lambda index: updated[index] > updated_after)
        return self._list("/api/v1/users", params, listing, "users", self._user_text, overlap)

    def _users_updated(self) -> list[datetime]:
        """Each user's `lastUpdated` as its JSON says, read on the first request that filters by
        it (the JSON is rendered for the listing anyway, and kept)."""
        if self._user_updated is None:
            self._user_updated = [
                _parse_time("lastUpdated", json.loads(self._user_text(row))["lastUpdated"])
                for row in self._users.to_pylist()
            ]
        return self._user_updated

    def _user_text(self, row: dict[str, Any]) -> str:
        """A user's JSON (`_user_json`), rendered on its first request only.

        Users do not change while the emulator serves, and every refresh of the benchmark lists all
        of them: rendered each time, the stand-in vendor spent 1.3 s of the cores it shares with
        the refresh on the 50,200 users of the largest scale, as long as the refresh's own reading.
        """
        text = self._user_texts.get(row["id"])
        if text is None:
            text = self._user_texts[row["id"]] = self._user_json(row)
        return text

    def _list_app_users(
        self, path: str, app_id: str, params: dict[str, str], overlap: bool
    ) -> Reply:
        listing = self._assignments.get(app_id)
        if listing is None:
            return self._error(
                404, "E0000007", f"Not found: Resource not found: {app_id} (AppInstance)"
            )
        limit = _limit(params, *PAGE_LIMITS["app_users"])
        chosen, next_after = listing.select(params.get("after"), limit, overlap)
        texts = self._app_user_json_texts().take(chosen).to_pylist() if chosen else []
        return self._list_reply(path, params, limit, next_after, texts)

    def _list(
        self,
        path: str,
        params: dict[str, str],
        listing: _Listing,
        kind: str,
        to_json: Callable[[dict[str, Any]], str],
        overlap: bool,
    ) -> Reply:
        limit = _limit(params, *PAGE_LIMITS[kind])
        rows, next_after = listing.page(params.get("after"), limit, overlap)
        return self._list_reply(path, params, limit, next_after, [to_json(row) for row in rows])

    def _list_reply(
        self,
        path: str,
        params: dict[str, str],
        limit: int,
        next_after: str | None,
        texts: list[str],
    ) -> Reply:
        links = [self._link(path, params, "self")]
        if next_after is not None:
            extra = {"filter": params["filter"]} if params.get("filter") else {}
            links.append(self._link(path, {"after": next_after, "limit": limit, **extra}, "next"))
        return Reply(200, f"[{','.join(texts)}]", links)

    # -- System Log -------------------------------------------------------------------------

    def _logs(self, params: dict[str, str], overlap: bool) -> Reply:
        polling = not params.get("until")
        until = self.logged_by(
            _parse_time("until", params["until"]) if not polling else self._now()
        )
        since = _parse_time("since", params["since"]) if params.get("since") else None
        since = since or until - timedelta(days=7)
        event_types = _parse_event_types(params["filter"]) if params.get("filter") else None
        if params.get("sortOrder", "ASCENDING") != "ASCENDING":
            raise _BadRequestError(
                "E0000001", "Api validation failed: sortOrder (emulator: ASCENDING only)"
            )
        limit = _limit(params, *PAGE_LIMITS["logs"])
        cursor = _decode_cursor(params["after"]) if params.get("after") else None
        events, next_cursor = self._log_page(since, until, cursor, limit, event_types, overlap)
        if next_cursor is None and (polling or self.trailing_empty_page):
            # A polling query always has a next page, even past the newest event.
            last = last_cursor(events) if events.num_rows else None
            next_cursor = last or cursor or (since, "")
        links = [self._link("/api/v1/logs", params, "self")]
        if next_cursor is not None:
            query = {"since": params.get("since") or _format_time(since)}
            if not polling:
                query["until"] = params["until"]
            query |= {k: params[k] for k in ("filter", "sortOrder") if params.get(k)}
            query |= {"limit": str(limit), "after": _encode_cursor(next_cursor)}
            links.append(self._link("/api/v1/logs", query, "next"))
        membership = _is_membership(event_types)
        writer = self._membership_events if membership else self._log_events
        return Reply(200, writer.page_json(events), links)

    def _log_page(
        self,
        since: datetime,
        until: datetime,
        cursor: Cursor | None,
        limit: int,
        event_types: frozenset[str] | None,
        overlap: bool,
    ) -> tuple[pa.Table, Cursor | None]:
        """One page in (published, uuid) order, resuming the stream the last page left open.

        Assignment changes come from the company's `app_user_changes`, other events from its
        `sso_events`.
        """
        with self._streams_lock:
            stream = self._streams.pop((cursor, since, until, event_types), None)
        if stream is None:
            start = cursor[0] if cursor else since
            if _is_membership(event_types):
                batches = self._company.app_user_changes(start, until)
                schema = APP_USER_CHANGES.schema
            else:
                batches = self._company.sso_events(start, until)
                schema = SSO_EVENTS.schema
            events = matching_events(batches, start, until, cursor, event_types, schema)
            stream = EventStream(events, schema)
        page, more = stream.page(limit)
        if not more:
            return page, None
        if overlap and page.num_rows >= 2:
            return page, last_cursor(page, -2)
        next_cursor = last_cursor(page)
        with self._streams_lock:
            self._streams[(next_cursor, since, until, event_types)] = stream
            while len(self._streams) > _STREAM_CACHE_SIZE:
                self._streams.popitem(last=False)
        return page, next_cursor

    # -- Okta's JSON objects ----------------------------------------------------------------

    def _user_json(self, row: dict[str, Any]) -> str:
        """A User object: the modelled columns win, the row's payload supplies everything else."""
        extra = json.loads(row["payload"]) if row.get("payload") else {}
        activated = _format_time(row["activated"])
        modelled = {
            "id": row["id"],
            "status": row["status"],
            "created": _format_time(row["created"]),
            "activated": activated,
            "lastLogin": _format_time(row["last_login"]),
            "profile": {
                "mobilePhone": None,
                "secondEmail": None,
                **extra.get("profile", {}),
                "firstName": row["profile_first_name"],
                "lastName": row["profile_last_name"],
                "login": row["profile_login"],
                "email": row["profile_email"],
                "department": row["profile_department"],
                "title": row["profile_title"],
                "userType": row["profile_user_type"],
                "managerId": row["profile_manager_id"],
                "costCenter": row["profile_cost_center"],
            },
        }
        defaults = {
            "statusChanged": activated,
            "lastUpdated": activated or modelled["created"],
            "passwordChanged": None,
            "type": {"id": "oty1sampleusertype001"},
            "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
            "_links": {"self": {"href": f"{self.base_url}/api/v1/users/{row['id']}"}},
        }
        return json.dumps(_okta_object(modelled, defaults, extra, _USER_ORDER))

    def _app_json(self, row: dict[str, Any]) -> str:
        """An Application object: the modelled columns win, the payload supplies the rest."""
        app_url = f"{self.base_url}/api/v1/apps/{row['id']}"
        extra = json.loads(row["payload"]) if row.get("payload") else {}
        modelled = {
            "id": row["id"],
            "name": row["name"],
            "label": row["label"],
            "status": row["status"],
            "lastUpdated": _format_time(row["last_updated"]),
            "created": _format_time(row["created"]),
            "signOnMode": row["sign_on_mode"],
        }
        defaults = {
            "accessibility": {
                "selfService": False,
                "errorRedirectUrl": None,
                "loginRedirectUrl": None,
            },
            "visibility": {
                "autoSubmitToolbar": False,
                "hide": {"iOS": False, "web": False},
                "appLinks": {f"{row['name']}_link": True},
            },
            "features": [],
            "credentials": {
                "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
                "signing": {},
            },
            "settings": {"app": {}},
            "_links": {
                "appLinks": [
                    {
                        "name": f"{row['name']}_link",
                        "href": f"{self.base_url}/home/{row['name']}/{row['id']}/link",
                        "type": "text/html",
                    }
                ],
                "users": {"href": f"{app_url}/users"},
                "groups": {"href": f"{app_url}/groups"},
                "deactivate": {"href": f"{app_url}/lifecycle/deactivate"},
            },
        }
        return json.dumps(_okta_object(modelled, defaults, extra, _APP_ORDER))

    def _app_user_json_texts(self) -> pa.Array:
        """Every Application User as JSON text, in `okta_app_users` order, rendered at once.

        Assignments are the org's longest list (1.6 million at scale L) and a refresh reads them
        all every day. Rendered row by row in Python they cost this stand-in for Okta about 13 us
        each, some 20 s at L on the cores the refresh being measured runs on; DuckDB renders them
        all in about 4 s at L, once, on the first request (the links need the server's address).
        The JSON is that of `_app_user_json`, field for field (DuckDB writes characters beyond
        ASCII as they are where Python escapes them); the emulator's tests hold it to that.
        """
        with self._app_user_texts_lock:
            if self._app_user_texts is None:
                self._app_user_texts = self._render_app_users()
            return self._app_user_texts

    def _render_app_users(self) -> pa.Array:
        users = self._users
        positions = pc.index_in(self._app_users.column("user_id"), users.column("id"))
        rows = self._app_users.append_column("login", users.column("profile_login").take(positions))
        okta_time = (
            "case when {0} is null then null"
            " when microsecond({0}) % 1000 = 0 then strftime({0}, '%Y-%m-%dT%H:%M:%S.%g') || 'Z'"
            " else strftime({0}, '%Y-%m-%dT%H:%M:%S.%f') || 'Z' end"
        )
        with duckdb.connect() as con:
            con.register("app_users", rows)
            texts = con.execute(
                f"""
                select cast(to_json({{
                    'id': user_id,
                    'externalId': null,
                    'created': {okta_time.format("created")},
                    'lastUpdated': {okta_time.format("last_updated")},
                    'scope': scope,
                    'status': status,
                    'statusChanged': {okta_time.format("last_updated")},
                    'passwordChanged': null,
                    'syncState': 'DISABLED',
                    'credentials': {{'userName': login}},
                    'profile': json('{{}}'),
                    '_links': {{
                        'app': {{'href': $base || '/api/v1/apps/' || app_id}},
                        'user': {{'href': $base || '/api/v1/users/' || user_id}}
                    }}
                }}) as varchar) as text
                from app_users
                """,
                {"base": self.base_url},
            ).fetch_arrow_table()
        # one contiguous array: taking a page from many chunks would copy them all each time
        return texts.column("text").combine_chunks()

    def _app_user_json(self, app_id: str, row: dict[str, Any]) -> str:
        """An Application User as JSON text, row by row: what `_render_app_users` must equal."""
        user_id = row["user_id"]
        text = {
            name: json.dumps(value)
            for name, value in (
                ("id", user_id),
                ("created", _format_time(row["created"])),
                ("updated", _format_time(row["last_updated"])),
                ("scope", row["scope"]),
                ("status", row["status"]),
                ("login", self._logins.get(user_id)),
                ("app", f"{self.base_url}/api/v1/apps/{app_id}"),
                ("user", f"{self.base_url}/api/v1/users/{user_id}"),
            )
        }
        return (
            f'{{"id":{text["id"]},"externalId":null,"created":{text["created"]},'
            f'"lastUpdated":{text["updated"]},"scope":{text["scope"]},"status":{text["status"]},'
            f'"statusChanged":{text["updated"]},"passwordChanged":null,"syncState":"DISABLED",'
            f'"credentials":{{"userName":{text["login"]}}},"profile":{{}},'
            f'"_links":{{"app":{{"href":{text["app"]}}},"user":{{"href":{text["user"]}}}}}}}'
        )

    # -- helpers ----------------------------------------------------------------------------

    def _error(self, status: int, code: str, summary: str) -> Reply:
        body = {
            "errorCode": code,
            "errorSummary": summary,
            "errorLink": code,
            "errorId": f"oae{next(self._error_ids):019d}",
            "errorCauses": [],
        }
        return Reply(status, body)

    def _link(self, path: str, params: Mapping[str, Any], rel: str) -> tuple[str, str]:
        query = urlencode(params, quote_via=quote)
        return "Link", f'<{self.base_url}{path}{"?" + query if query else ""}>; rel="{rel}"'

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).replace(tzinfo=None)


def _okta_object(
    modelled: dict[str, Any],
    defaults: dict[str, Any],
    extra: dict[str, Any],
    order: tuple[str, ...],
) -> dict[str, Any]:
    """Fields in Okta's order: modelled values, else the payload's, else a default."""
    merged = {**defaults, **extra, **modelled}
    return {
        **{name: merged[name] for name in order if name in merged},
        **{name: value for name, value in merged.items() if name not in order},
    }


class _Listing:
    """Some rows of a table in a fixed order, paged by the key of the last row served.

    `keys` holds the key of every row of `table`; `indices` picks and orders the rows listed.
    """

    def __init__(self, table: pa.Table, keys: list[str], indices: list[int]) -> None:
        self._table = table
        self._all_keys = keys
        self._indices = indices
        self._keys = [keys[i] for i in indices]
        self._position = {k: position for position, k in enumerate(self._keys)}

    def page(self, after: str | None, limit: int, overlap: bool) -> tuple[list[dict], str | None]:
        chosen, next_after = self.select(after, limit, overlap)
        return (self._table.take(chosen).to_pylist() if chosen else []), next_after

    def where(self, keep: Callable[[int], bool]) -> _Listing:
        """The rows of this listing, in its order, whose position in the table `keep` accepts."""
        return _Listing(self._table, self._all_keys, [i for i in self._indices if keep(i)])

    def select(self, after: str | None, limit: int, overlap: bool) -> tuple[list[int], str | None]:
        """The positions in the table of the page's rows, and the next page's cursor (if any)."""
        if after is None:
            start = 0
        elif after in self._position:
            start = self._position[after] + 1
        else:
            raise _BadRequestError("E0000001", "Api validation failed: after: unknown cursor")
        chosen = self._indices[start : start + limit]
        end = start + len(chosen)
        if end >= len(self._indices):
            return chosen, None
        return chosen, self._keys[end - 2 if overlap and len(chosen) >= 2 else end - 1]


class _BadRequestError(Exception):
    def __init__(self, code: str, summary: str) -> None:
        self.code = code
        self.summary = summary
        super().__init__(summary)


def _limit(params: Mapping[str, str], default: int, maximum: int) -> int:
    raw = params.get("limit")
    if not raw:
        return default
    try:
        return min(max(int(raw), 1), maximum)  # Okta clamps an oversized limit to the maximum
    except ValueError:
        raise _BadRequestError(
            "E0000001", f"Api validation failed: limit: '{raw}' is not a number"
        ) from None


def _parse_user_filter(expression: str) -> tuple[str | None, datetime | None]:
    """The status and the `lastUpdated gt` instant a users filter asks for, each optional:
    `status eq "..."`, `lastUpdated gt "..."`, or both joined by `and`."""
    status: str | None = None
    updated_after: datetime | None = None
    clauses = expression.split(" and ") if expression.strip() else []
    for clause in clauses:
        if (match := _FILTER_EQ.match(clause)) and match.group(1) == "status" and status is None:
            status = match.group(2)
        elif (match := _UPDATED_AFTER.match(clause)) and updated_after is None:
            updated_after = _parse_time("lastUpdated", match.group(1))
        else:
            raise _BadRequestError(
                "E0000001",
                f"Invalid filter '{expression}' (emulator: status eq \"...\", lastUpdated gt"
                ' "..." or both joined by and)',
            )
    return status, updated_after


def _parse_event_types(expression: str) -> frozenset[str]:
    """The types a System Log filter asks for: `eventType eq "..."`, several joined by `or`.

    The emulator keeps assignment changes and other events apart: a filter mixing them is refused.
    """
    if _EVENT_TYPES_FILTER.match(expression) is not None:
        event_types = frozenset(re.findall(_EVENT_TYPE_EQ, expression))
        if _is_membership(event_types) or not event_types & MEMBERSHIP_EVENT_TYPES:
            return event_types
    raise _BadRequestError(
        "E0000053",
        f"Invalid filter '{expression}' (emulator: only eventType eq \"...\" joined by or, "
        "assignment changes apart from other events)",
    )


def _is_membership(event_types: frozenset[str] | None) -> bool:
    """Whether a query asks for assignment changes, which the emulator serves apart."""
    return event_types is not None and event_types <= MEMBERSHIP_EVENT_TYPES


def _org_admin(users: pa.Table) -> str | None:
    """The id of the administrator who makes the org's assignments: its first active systems
    administrator, else its first active user."""
    active = users.filter(pc.equal(users.column("status"), "ACTIVE"))
    admins = active.filter(pc.equal(active.column("profile_title"), "Systems Administrator"))
    for candidates in (admins, active, users):
        if candidates.num_rows:
            return candidates.column("id")[0].as_py()
    return None


def _parse_time(name: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _BadRequestError(
            "E0000001",
            f"Api validation failed: '{name}': The date format in your query is not recognized. "
            "Please enter dates using ISO8601 string format.",
        ) from None
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _format_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # Okta shows milliseconds; finer values keep their microseconds so nothing is lost.
    precision = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=precision) + "Z"


def _encode_cursor(cursor: tuple[datetime, str]) -> str:
    raw = f"{cursor[0].isoformat()}|{cursor[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        published, uuid = raw.split("|", 1)
        return datetime.fromisoformat(published), uuid
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _BadRequestError("E0000001", "Api validation failed: after: unknown cursor") from None
