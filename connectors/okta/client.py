"""The Okta connector: reads users, applications, assignments and SSO sign-ins with an API token."""

from __future__ import annotations

import functools
import logging
import os
import random
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec
import pyarrow as pa
import pyarrow.compute as pc
import requests

from connectors.base import Entity, Window, in_batches_of
from connectors.errors import ConfigError, RecordError, SourceError
from connectors.http import (
    HttpConnector,
    HttpSettings,
    HttpSource,
    NotFoundError,
    as_json_objects,
    first_path_segments,
)
from connectors.okta.app_users import (
    app_user_batch,
    app_user_ids,
    app_users_batch,
    decode_app_user_page,
)
from connectors.okta.entities import (
    APP_USER_CHANGES,
    APP_USERS,
    APPS,
    ENTITIES,
    SSO_EVENTS,
    USER_CHANGES,
    USERS,
)
from connectors.okta.log_events import decode_page, sso_event_batch
from connectors.okta.records import (
    BadFieldError,
    app_row,
    app_user_change_row,
    app_user_row,
    format_time,
    sso_event_row,
    user_row,
)
from connectors.read_ahead import read_ahead

log = logging.getLogger(__name__)

SSO_FILTER = 'eventType eq "user.authentication.sso"'
#: Assignments made and removed, whoever made them (an admin, a group rule, provisioning).
MEMBERSHIP_FILTER = (
    'eventType eq "application.user_membership.add"'
    ' or eventType eq "application.user_membership.remove"'
)
#: A page holding no item: where a list ends, whatever its `next` link says.
_EMPTY_LIST = re.compile(rb"\s*\[\s*\]\s*")
# `GET /api/v1/users` leaves DEPROVISIONED users out unless a filter asks for them.
DEPROVISIONED_FILTER = 'status eq "DEPROVISIONED"'
#: How much earlier than asked the users' changes are read: a user is read in its state now, so
#: reading more costs a few users, and it covers a clock of this machine ahead of Okta's.
USER_CHANGES_MARGIN = timedelta(minutes=10)
#: The largest `limit` each list accepts, from Okta's API reference.
MAX_PAGE_SIZES = {
    "/api/v1/users": 200,
    "/api/v1/apps": 200,
    "/api/v1/apps/{appId}/users": 500,
    "/api/v1/logs": 1000,
}
AUTH_HINT = " (an Okta API token of a read-only administrator, sent as 'SSWS <token>')"

Rows = list[dict[str, Any]]


class OktaConnector(HttpConnector):
    """Reads one Okta org through the Management API, page by page, into Arrow batches.

    `page_size` is the `limit` asked of the users, apps and app-users lists; by default each
    list's documented maximum (`MAX_PAGE_SIZES`), since fewer pages mean fewer rate-limited
    requests. `log_page_size` is that of the System Log (at most 1000).
    `requests_per_minute` paces every request; on top of it the client slows down by itself when
    Okta's `X-Rate-Limit-Remaining` runs low. `event_window_span` cuts an event window into bounded
    System Log queries of at most that span. Each query ends on a partly filled page, so shorter
    spans cost more requests (read day by day, 180 days of a 400-person org take 30% more); a
    week, Okta's own default span for a query, costs a few percent.
    `sleep`, `monotonic`, `wall_clock` and `rng` exist so tests control time and jitter.
    """

    source = "okta"

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        page_size: int | None = None,
        log_page_size: int = MAX_PAGE_SIZES["/api/v1/logs"],
        requests_per_minute: float | None = 300.0,
        token_env: str = "OKTA_API_TOKEN",
        event_window_span: timedelta = timedelta(days=7),
        batch_rows: int = 5000,
        http_settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if not token or not token.strip():
            raise ConfigError(self.source, token_env, "is empty; set it to an Okta API token")
        if min(page_size or 1, log_page_size, batch_rows) < 1:
            raise ConfigError(self.source, "page_size", "page sizes and batch_rows must be >= 1")
        if event_window_span <= timedelta(0):
            raise ConfigError(self.source, "event_window_span", "must be positive")
        self._page_sizes = {path: page_size or most for path, most in MAX_PAGE_SIZES.items()}
        self._page_sizes["/api/v1/logs"] = log_page_size
        self._event_window_span = event_window_span
        self._batch_rows = batch_rows
        self._http = HttpSource(
            self.source,
            base_url,
            headers={"Authorization": f"SSWS {token.strip()}", "Accept": "application/json"},
            secret_env=token_env,
            secrets=(token, token.strip()),
            requests_per_minute=requests_per_minute,
            settings=http_settings,
            session=session,
            bucket_of=first_path_segments(3),  # Okta meters /api/v1/apps/* as one bucket
            auth_hint=AUTH_HINT,
            sleep=sleep,
            monotonic=monotonic,
            wall_clock=wall_clock,
            rng=rng,
        )

    @classmethod
    def from_env(
        cls,
        base_url: str,
        *,
        token_env: str = "OKTA_API_TOKEN",
        environ: Mapping[str, str] = os.environ,
        **options: Any,
    ) -> OktaConnector:
        """A connector whose token is read from the environment variable `token_env`."""
        token = environ.get(token_env, "")
        if not token.strip():
            raise ConfigError(cls.source, token_env, "environment variable is not set")
        return cls(base_url, token, token_env=token_env, **options)

    def entities(self) -> Sequence[Entity]:
        return ENTITIES

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield batches of `entity` in its exact schema; nothing at all if Okta has no records.

        `window` is required for `sso_events`, `app_user_changes` (the changes published in it)
        and `user_changes` (the users updated since it began), and ignored otherwise. Raises
        `AuthenticationError` when Okta refuses the token, `RecordError` when a page holds
        unusable records, and `SourceError` for any other failure, each naming the endpoint and
        page.
        """
        if entity == USERS.name:
            return self._batches(_from_rows(self._users(), USERS), USERS)
        if entity == APPS.name:
            return self._batches(_from_rows(self._apps(), APPS), APPS)
        if entity == APP_USERS.name:
            return self._batches(self._app_users(), APP_USERS)
        windowed = (SSO_EVENTS.name, APP_USER_CHANGES.name, USER_CHANGES.name)
        if entity in windowed and window is None:
            raise ValueError(f"okta {entity} are read per time window; pass a Window")
        if entity == USER_CHANGES.name:
            since = window.naive_utc().start - USER_CHANGES_MARGIN
            return self._batches(_from_rows(self._users(since), USER_CHANGES), USER_CHANGES)
        if entity == SSO_EVENTS.name:
            return self._batches(self._sso_events(window.naive_utc()), SSO_EVENTS)
        if entity == APP_USER_CHANGES.name:
            changes = self._app_user_changes(window.naive_utc())
            return self._batches(_from_rows(changes, APP_USER_CHANGES), APP_USER_CHANGES)
        names = ", ".join(e.name for e in ENTITIES)
        raise ValueError(f"okta has no entity '{entity}'; it offers {names}")

    def _users(self, updated_since: datetime | None = None) -> Iterator[Rows]:
        """Every user, or those updated after `updated_since` (Okta's `lastUpdated gt` filter,
        which reads Okta's current data, unlike `search`, which may lag behind it)."""
        seen: set[str] = set()
        updated = f'lastUpdated gt "{format_time(updated_since)}"' if updated_since else None
        limit = {"limit": self._page_sizes["/api/v1/users"]}
        for filters in (
            [updated] if updated else [],
            [DEPROVISIONED_FILTER, *([updated] if updated else [])],
        ):
            params = {**limit, "filter": " and ".join(filters)} if filters else limit
            # Each list is read on its own, a page ahead: a listing is 252 pages at L.
            for users, where in self._pages("/api/v1/users", params, ahead=True):
                yield self._rows(users, user_row, where, seen, key=lambda row: row["id"])

    def _apps(self) -> Iterator[Rows]:
        seen: set[str] = set()
        for apps, where in self._pages("/api/v1/apps", {"limit": self._page_sizes["/api/v1/apps"]}):
            yield self._rows(apps, app_row, where, seen, key=lambda row: row["id"])

    def _app_users(self) -> Iterator[pa.RecordBatch]:
        """Each application's assignments, its lists read one after another, a page ahead.

        An org has hundreds of applications, most with a page or two of users: read one list at a
        time, each page waited for Okta, then for its decoding. The requests run in a thread of
        their own, in the same order, so the next page is on its way while this one is decoded.
        Pages holding what Okta normally sends are converted column-wise, several at a time (up
        to `batch_rows` assignments); any other page is read assignment by assignment, in its
        turn, to name any unusable field. A user Okta lists twice for one app (where pages meet)
        is kept once; the user ids seen are kept per app, so memory is bounded by the longest
        list and `batch_rows`, not by the org.
        """
        app_ids: list[str] = []
        for rows in self._apps():
            app_ids.extend(row["id"] for row in rows)
        limit = self._page_sizes["/api/v1/apps/{appId}/users"]

        def responses() -> Generator[tuple[str, requests.Response | None, int], None, None]:
            for app_id in app_ids:
                path = f"/api/v1/apps/{app_id}/users"
                try:
                    for response, page in self._responses(path, {"limit": limit}, {}, path):
                        yield app_id, response, page
                except NotFoundError:
                    yield app_id, None, 0

        seen: set[str] = set()  # the user ids read of the current app
        current = None
        pending: list[tuple[str, list[Any], str]] = []  # pages of `AppUser`s not converted yet
        pending_rows = 0
        for app_id, response, page in read_ahead(responses()):
            if response is None:
                log.warning("okta: app %s disappeared while it was being read; skipped", app_id)
                continue
            if app_id != current:
                current, seen = app_id, set()
            endpoint = f"/api/v1/apps/{app_id}/users"
            assignments, where = self._page(response, endpoint, page, decode_app_user_page)
            if not assignments:
                continue
            ids = app_user_ids(assignments)
            if ids is None:
                # Not what Okta normally sends: read assignment by assignment, in its turn.
                yield from self._app_user_batches(pending)
                pending, pending_rows = [], 0
                rows = self._read(
                    as_json_objects(assignments),
                    lambda obj, app_id=app_id: app_user_row(app_id, obj),
                    where,
                )
                batch = pa.RecordBatch.from_pylist(rows, schema=APP_USERS.schema)
                first = self._first_seen(batch.column("user_id").to_pylist(), seen, where)
                yield batch if all(first) else batch.filter(pa.array(first, pa.bool_()))
                continue
            first = self._first_seen(ids, seen, where)
            kept = assignments
            if not all(first):
                kept = [a for a, new in zip(assignments, first, strict=True) if new]
            if kept:
                pending.append((app_id, kept, where))
                pending_rows += len(kept)
            if pending_rows >= self._batch_rows:
                yield from self._app_user_batches(pending)
                pending, pending_rows = [], 0
        yield from self._app_user_batches(pending)

    def _app_user_batches(
        self, pages: list[tuple[str, list[Any], str]]
    ) -> Iterator[pa.RecordBatch]:
        """Pages of `AppUser`s (application id, assignments, where read) as one batch; page by
        page if one is not usable column-wise, and that one assignment by assignment."""
        if not pages:
            return
        batch = app_users_batch([(app_id, app_users) for app_id, app_users, _ in pages])
        if batch is not None:
            yield batch
            return
        for app_id, app_users, where in pages:
            batch = app_user_batch(app_id, app_users)
            if batch is None:
                rows = self._read(
                    as_json_objects(app_users),
                    lambda obj, app_id=app_id: app_user_row(app_id, obj),
                    where,
                )
                batch = pa.RecordBatch.from_pylist(rows, schema=APP_USERS.schema)
            yield batch

    def _sso_events(self, window: Window) -> Iterator[pa.RecordBatch]:
        """SSO sign-ins with `published` in the window, read as bounded System Log queries.

        Every query names both `since` and `until`: a query without `until` is a polling query,
        whose `next` link never ends. Paging stops at the first empty page or missing `next` link.
        An event Okta repeats where one page meets the next is dropped; only the uuids of the
        previous page are kept for that, so memory does not grow with the window (the loader
        de-duplicates on the uuid in any case). Each page is read column-wise when it holds what
        Okta normally sends, and record by record otherwise, to name any unusable field.
        """
        for part in window.split(self._event_window_span):
            params = self._log_query(part, SSO_FILTER)
            previous = pa.array([], pa.string())  # the uuids of the previous page
            pages = self._pages(
                "/api/v1/logs",
                params,
                keep_in_next={"until": params["until"]},
                decode=decode_page,
                ahead=True,
            )
            for events, where in pages:
                batch = sso_event_batch(events)
                if batch is None:
                    rows = self._read(as_json_objects(events), sso_event_row, where)
                    batch = pa.RecordBatch.from_pylist(rows, schema=SSO_EVENTS.schema)
                uuid = batch.column("uuid")
                first = _unseen(uuid, previous)
                previous = uuid
                self._log_repeats(where, len(first) - first.true_count)
                published = batch.column("published")
                keep = pc.and_(
                    first,
                    pc.and_(pc.greater_equal(published, part.start), pc.less(published, part.end)),
                )
                yield batch if pc.all(keep).as_py() else batch.filter(keep)

    def _app_user_changes(self, window: Window) -> Iterator[Rows]:
        """Assignments added and removed with `published` in the window, record by record.

        A few hundred a day even in a large org, against the millions of sign-ins: no column-wise
        path. Bounded queries as for sign-ins; an event repeated where pages meet is kept once.
        """
        seen: set[str] = set()
        for part in window.split(self._event_window_span):
            params = self._log_query(part, MEMBERSHIP_FILTER)
            pages = self._pages("/api/v1/logs", params, keep_in_next={"until": params["until"]})
            for events, where in pages:
                rows = self._rows(events, app_user_change_row, where, seen, lambda row: row["uuid"])
                yield [row for row in rows if part.start <= row["published"] < part.end]

    def _log_query(self, part: Window, event_filter: str) -> dict[str, Any]:
        """A bounded System Log query of `part`: `until` set, or Okta would poll on forever."""
        return {
            "since": format_time(part.start),
            "until": format_time(part.end),
            "filter": event_filter,
            "sortOrder": "ASCENDING",
            "limit": self._page_sizes["/api/v1/logs"],
        }

    def _pages(
        self,
        path: str,
        params: Mapping[str, Any],
        keep_in_next: Mapping[str, str] | None = None,
        decode: Callable[[bytes], Any] = msgspec.json.decode,
        ahead: bool = False,
    ) -> Iterator[tuple[list[Any], str]]:
        """Each non-empty page of a list, following `Link: rel="next"` until it ends.

        With `ahead`, the next page is requested while this one is decoded (`read_ahead`): the
        link is in the headers, so it is known before the body is read. Only for a list read on
        its own: the requests of a list read inside another's pages would overtake each other.
        """
        endpoint = f"{path}?filter={params['filter']}" if "filter" in params else path
        responses = self._responses(path, params, keep_in_next or {}, endpoint)
        for response, page in read_ahead(responses) if ahead else responses:
            body, where = self._page(response, endpoint, page, decode)
            if not body:
                return
            yield body, where

    def _page(
        self,
        response: requests.Response,
        endpoint: str,
        page: int,
        decode: Callable[[bytes], Any],
    ) -> tuple[list[Any], str]:
        """A list's page as its items, and where it was read; a `SourceError` unless a list."""
        body = self._http.decode_json(response, endpoint=endpoint, page=page, decode=decode)
        where = f"GET {endpoint} page {page}"
        if not isinstance(body, list):
            raise SourceError(
                self.source, f"{where} returned a JSON {type(body).__name__}, not a list"
            )
        return body, where

    def _responses(
        self, path: str, params: Mapping[str, Any], keep_in_next: Mapping[str, str], endpoint: str
    ) -> Generator[tuple[requests.Response, int], None, None]:
        """The responses of a list and their page numbers, until a page is empty or the last."""
        url: str | None = path
        query: Mapping[str, Any] | None = params
        page = 0
        while url is not None:
            page += 1
            response = self._http.get(url, query)
            yield response, page
            if _EMPTY_LIST.fullmatch(response.content):
                return
            next_url = self._http.next_link(response)
            if next_url is not None and next_url == response.url:
                raise SourceError(
                    self.source, f"GET {endpoint} page {page}: the next link repeats the same page"
                )
            url, query = _with_params(next_url, keep_in_next), None

    def _rows(
        self,
        objects: list[Any],
        to_row: Callable[[dict[str, Any]], dict[str, Any]],
        where: str,
        seen: set[Any],
        key: Callable[[dict[str, Any]], Any],
    ) -> Rows:
        rows = self._read(objects, to_row, where)
        first = self._first_seen([key(row) for row in rows], seen, where)
        return [row for row, keep in zip(rows, first, strict=True) if keep]

    def _read(
        self, objects: list[Any], to_row: Callable[[dict[str, Any]], dict[str, Any]], where: str
    ) -> Rows:
        """Every object of a page as a row, or a `RecordError` naming each unusable one."""
        rows: Rows = []
        problems: list[tuple[str, str, str]] = []
        for position, obj in enumerate(objects, start=1):
            if not isinstance(obj, dict):
                problems.append((f"item {position}", "(item)", "is not a JSON object"))
                continue
            try:
                rows.append(to_row(obj))
            except BadFieldError as bad:
                name = obj.get("id") or obj.get("uuid") or f"item {position}"
                problems.append((str(name), bad.field, bad.reason))
        if problems:
            raise RecordError(self.source, where, problems)
        return rows

    def _first_seen(self, keys: list[Any], seen: set[Any], where: str) -> list[bool]:
        """For each key, whether it is new; repeats (Okta may send one twice) are counted."""
        first = []
        for key in keys:
            new = key not in seen
            if new:
                seen.add(key)
            first.append(new)
        self._log_repeats(where, len(first) - sum(first))
        return first

    def _log_repeats(self, where: str, repeated: int) -> None:
        if repeated:
            log.info(
                "okta: %s repeated %d record(s) already read; kept one of each", where, repeated
            )

    def _batches(
        self, batches: Iterable[pa.RecordBatch], entity: Entity
    ) -> Iterator[pa.RecordBatch]:
        """The records again in batches of `batch_rows` (the last one smaller)."""
        total = 0
        for batch in in_batches_of(self._batch_rows, batches):
            total += batch.num_rows
            yield batch
        log.info("okta: read %d %s", total, entity.name)


def _unseen(keys: pa.Array, previous: pa.Array) -> pa.Array:
    """Which keys are read for the first time: not on the previous page, nor before on this one."""
    first_here = pc.equal(pc.index_in(keys, value_set=keys), _positions(len(keys)))
    return pc.and_(first_here, pc.invert(pc.is_in(keys, value_set=previous)))


@functools.lru_cache(maxsize=4)
def _positions(length: int) -> pa.Array:
    """0 .. length - 1, made once per page length (nearly always the page size) rather than
    converted from Python integers on every page: 27,000 pages at L's full refresh."""
    return pa.array(range(length), pa.int32())


def _from_rows(pages: Iterable[Rows], entity: Entity) -> Iterator[pa.RecordBatch]:
    for rows in pages:
        yield pa.RecordBatch.from_pylist(rows, schema=entity.schema)


def _with_params(url: str | None, required: Mapping[str, str]) -> str | None:
    """`url` with any of `required` it lacks added, so a next link cannot lose `until`."""
    if url is None or not required:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _ in query}
    missing = [(name, value) for name, value in required.items() if name not in present]
    return urlunsplit(parts._replace(query=urlencode(query + missing))) if missing else url
