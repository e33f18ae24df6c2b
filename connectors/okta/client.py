"""The Okta connector: reads users, applications, assignments and SSO sign-ins with an API token."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import requests

from connectors.base import Entity, Window
from connectors.errors import ConfigError, RecordError, SourceError
from connectors.http import HttpSettings, HttpSource, NotFoundError, first_path_segments
from connectors.okta.entities import APP_USERS, APPS, ENTITIES, SSO_EVENTS, USERS
from connectors.okta.records import (
    BadFieldError,
    app_row,
    app_user_row,
    format_time,
    sso_event_row,
    user_row,
)

log = logging.getLogger(__name__)

SSO_FILTER = 'eventType eq "user.authentication.sso"'
# `GET /api/v1/users` leaves DEPROVISIONED users out unless a filter asks for them.
DEPROVISIONED_FILTER = 'status eq "DEPROVISIONED"'
#: The largest `limit` each list accepts, from Okta's API reference.
MAX_PAGE_SIZES = {
    "/api/v1/users": 200,
    "/api/v1/apps": 200,
    "/api/v1/apps/{appId}/users": 500,
    "/api/v1/logs": 1000,
}
AUTH_HINT = " (an Okta API token of a read-only administrator, sent as 'SSWS <token>')"

Rows = list[dict[str, Any]]


class OktaConnector:
    """Reads one Okta org through the Management API, page by page, into Arrow batches.

    `page_size` is the `limit` asked of the users, apps and app-users lists; by default each
    list's documented maximum (`MAX_PAGE_SIZES`), since fewer pages mean fewer rate-limited
    requests. `log_page_size` is that of the System Log (at most 1000).
    `requests_per_minute` paces every request; on top of it the client slows down by itself when
    Okta's `X-Rate-Limit-Remaining` runs low. `event_window_span` cuts an event window into bounded
    System Log queries of at most that span, which bounds the memory used to drop duplicates.
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
        event_window_span: timedelta = timedelta(days=1),
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

    def __repr__(self) -> str:
        return f"OktaConnector(base_url={self._http.base_url!r})"

    def __enter__(self) -> OktaConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def entities(self) -> Sequence[Entity]:
        return ENTITIES

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield batches of `entity` in its exact schema; nothing at all if Okta has no records.

        `window` is required for `sso_events` and ignored otherwise. Raises `AuthenticationError`
        when Okta refuses the token, `RecordError` when a page holds unusable records, and
        `SourceError` for any other failure, each naming the endpoint and page.
        """
        if entity == USERS.name:
            return self._batches(self._users(), USERS)
        if entity == APPS.name:
            return self._batches(self._apps(), APPS)
        if entity == APP_USERS.name:
            return self._batches(self._app_users(), APP_USERS)
        if entity == SSO_EVENTS.name:
            if window is None:
                raise ValueError("okta sso_events are read per time window; pass a Window")
            return self._batches(self._sso_events(_naive_utc(window)), SSO_EVENTS)
        names = ", ".join(e.name for e in ENTITIES)
        raise ValueError(f"okta has no entity '{entity}'; it offers {names}")

    def _users(self) -> Iterator[Rows]:
        seen: set[str] = set()
        for params in (
            {"limit": self._page_sizes["/api/v1/users"]},
            {"limit": self._page_sizes["/api/v1/users"], "filter": DEPROVISIONED_FILTER},
        ):
            for users, where in self._pages("/api/v1/users", params):
                yield self._rows(users, user_row, where, seen, key=lambda row: row["id"])

    def _apps(self) -> Iterator[Rows]:
        seen: set[str] = set()
        for apps, where in self._pages("/api/v1/apps", {"limit": self._page_sizes["/api/v1/apps"]}):
            yield self._rows(apps, app_row, where, seen, key=lambda row: row["id"])

    def _app_users(self) -> Iterator[Rows]:
        app_ids: list[str] = []
        for rows in self._apps():
            app_ids.extend(row["id"] for row in rows)
        for app_id in app_ids:
            path = f"/api/v1/apps/{app_id}/users"
            seen: set[tuple[str, str]] = set()
            try:
                limit = self._page_sizes["/api/v1/apps/{appId}/users"]
                for assignments, where in self._pages(path, {"limit": limit}):
                    yield self._rows(
                        assignments,
                        lambda obj, app_id=app_id: app_user_row(app_id, obj),
                        where,
                        seen,
                        key=lambda row: (row["app_id"], row["user_id"]),
                    )
            except NotFoundError:
                log.warning("okta: app %s disappeared while it was being read; skipped", app_id)

    def _sso_events(self, window: Window) -> Iterator[Rows]:
        """SSO sign-ins with `published` in the window, read as bounded System Log queries.

        Every query names both `since` and `until`: a query without `until` is a polling query,
        whose `next` link never ends. Paging stops at the first empty page or missing `next` link.
        Events read twice (Okta may repeat one across pages) are dropped with a set of the uuids
        seen within one sub-window of at most `event_window_span`, so memory is bounded by the
        number of events in that span, not in the whole window.
        """
        for part in _split(window, self._event_window_span):
            until = format_time(part.end)
            params = {
                "since": format_time(part.start),
                "until": until,
                "filter": SSO_FILTER,
                "sortOrder": "ASCENDING",
                "limit": self._page_sizes["/api/v1/logs"],
            }
            seen: set[str] = set()
            for events, where in self._pages("/api/v1/logs", params, keep_in_next={"until": until}):
                rows = self._rows(events, sso_event_row, where, seen, key=lambda row: row["uuid"])
                yield [row for row in rows if part.start <= row["published"] < part.end]

    def _pages(
        self,
        path: str,
        params: Mapping[str, Any],
        keep_in_next: Mapping[str, str] | None = None,
    ) -> Iterator[tuple[list[Any], str]]:
        """Each non-empty page of a list, following `Link: rel="next"` until it ends."""
        url: str | None = path
        query: Mapping[str, Any] | None = params
        endpoint = f"{path}?filter={params['filter']}" if "filter" in params else path
        page = 0
        while url is not None:
            page += 1
            body, response = self._http.get_json(url, query, endpoint=endpoint, page=page)
            where = f"GET {endpoint} page {page}"
            if not isinstance(body, list):
                raise SourceError(
                    self.source, f"{where} returned a JSON {type(body).__name__}, not a list"
                )
            if not body:
                return
            yield body, where
            next_url = self._http.next_link(response)
            if next_url is not None and next_url == response.url:
                raise SourceError(self.source, f"{where}: the next link repeats the same page")
            url, query = _with_params(next_url, keep_in_next or {}), None

    def _rows(
        self,
        objects: list[Any],
        to_row: Callable[[dict[str, Any]], dict[str, Any]],
        where: str,
        seen: set[Any],
        key: Callable[[dict[str, Any]], Any],
    ) -> Rows:
        rows: Rows = []
        problems: list[tuple[str, str, str]] = []
        repeated = 0
        for position, obj in enumerate(objects, start=1):
            if not isinstance(obj, dict):
                problems.append((f"item {position}", "(item)", "is not a JSON object"))
                continue
            try:
                row = to_row(obj)
            except BadFieldError as bad:
                name = obj.get("id") or obj.get("uuid") or f"item {position}"
                problems.append((str(name), bad.field, bad.reason))
                continue
            if key(row) in seen:
                repeated += 1
                continue
            seen.add(key(row))
            rows.append(row)
        if problems:
            raise RecordError(self.source, where, problems)
        if repeated:
            log.info(
                "okta: %s repeated %d record(s) already read; kept one of each", where, repeated
            )
        return rows

    def _batches(self, pages: Iterable[Rows], entity: Entity) -> Iterator[pa.RecordBatch]:
        pending: Rows = []
        total = 0
        for rows in pages:
            pending.extend(rows)
            while len(pending) >= self._batch_rows:
                yield pa.RecordBatch.from_pylist(pending[: self._batch_rows], schema=entity.schema)
                total += self._batch_rows
                del pending[: self._batch_rows]
        if pending:
            yield pa.RecordBatch.from_pylist(pending, schema=entity.schema)
            total += len(pending)
        log.info("okta: read %d %s", total, entity.name)


def _naive_utc(window: Window) -> Window:
    start, end = (
        moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        for moment in (window.start, window.end)
    )
    if start > end:
        raise ValueError(f"window starts after it ends: {window}")
    return Window(start, end)


def _split(window: Window, span: timedelta) -> Iterator[Window]:
    start = window.start
    while start < window.end:
        end = min(start + span, window.end)
        yield Window(start, end)
        start = end


def _with_params(url: str | None, required: Mapping[str, str]) -> str | None:
    """`url` with any of `required` it lacks added, so a next link cannot lose `until`."""
    if url is None or not required:
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _ in query}
    missing = [(name, value) for name, value in required.items() if name not in present]
    return urlunsplit(parts._replace(query=urlencode(query + missing))) if missing else url
