"""The Google Workspace connector: OAuth token grants and logins from the Reports API."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import requests

from connectors.base import Entity, Window
from connectors.errors import ConfigError, RecordError, SourceError
from connectors.google.auth import (
    REPORTS_SCOPE,
    AccessTokens,
    ServiceAccountTokens,
    StaticAccessToken,
    load_service_account_key,
)
from connectors.google.entities import APPLICATION_NAMES, ENTITIES, TOKEN_ACTIVITIES
from connectors.google.records import (
    BadFieldError,
    Row,
    activity_rows,
    format_time,
    login_fields,
    token_fields,
)
from connectors.google.transport import GoogleHttpSource, TokenRefusedError
from connectors.http import HttpSettings

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://admin.googleapis.com"
ACTIVITIES_PATH = "/admin/reports/v1/activity/users/all/applications/{application}"
MAX_PAGE_SIZE = 1000  # the largest `maxResults` activities.list accepts
KEY_ENV = "GOOGLE_SERVICE_ACCOUNT_KEY"
TOKEN_ENV = "GOOGLE_ACCESS_TOKEN"
AUTH_HINT = (
    f" (a service account key with domain-wide delegation of {REPORTS_SCOPE} acting for an "
    "administrator, or an OAuth access token with that scope)"
)


class GoogleWorkspaceConnector:
    """Reads a Google Workspace customer's OAuth token and login activity reports.

    Credentials: either `service_account_key` (the JSON key as a mapping, its text, or the path
    of the key file) with `subject`, the administrator the service account acts for through
    domain-wide delegation; or `access_token`, an OAuth access token minted elsewhere (it cannot
    be renewed, so a run must finish within its hour). `key_env` / `token_env` name the variables
    they came from, for messages. `token_url` overrides the key's `token_uri`.

    Each window is read as bounded queries of at most `event_window_span` (`startTime` and
    `endTime`), `page_size` activities a page. `requests_per_minute` paces every request; Google
    sends no remaining-quota headers, so pacing under the project's quota is what avoids 429s.
    `sleep`, `monotonic`, `wall_clock` and `rng` exist so tests control time and jitter.
    """

    source = "google"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        service_account_key: Mapping[str, Any] | str | None = None,
        subject: str | None = None,
        access_token: str | None = None,
        key_env: str = KEY_ENV,
        token_env: str = TOKEN_ENV,
        token_url: str | None = None,
        customer_id: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        requests_per_minute: float | None = 120.0,
        event_window_span: timedelta = timedelta(days=1),
        batch_rows: int = 5000,
        http_settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE or batch_rows < 1:
            raise ConfigError(
                self.source, "page_size", f"must be 1 to {MAX_PAGE_SIZE} (batch_rows >= 1)"
            )
        if event_window_span <= timedelta(0):
            raise ConfigError(self.source, "event_window_span", "must be positive")
        self._tokens = _credentials(
            self.source,
            service_account_key,
            subject,
            access_token,
            key_env=key_env,
            token_env=token_env,
            token_url=token_url,
            settings=http_settings,
            sleep=sleep,
            wall_clock=wall_clock,
            rng=rng,
        )
        self._customer_id = customer_id
        self._page_size = page_size
        self._event_window_span = event_window_span
        self._batch_rows = batch_rows
        self._http = GoogleHttpSource(
            self.source,
            base_url,
            tokens=self._tokens,
            headers={"Accept": "application/json"},
            secrets=self._tokens.secrets(),
            requests_per_minute=requests_per_minute,
            settings=http_settings,
            session=session,
            bucket_of=lambda path: "/admin/reports/v1",  # one quota for every report
            auth_hint=AUTH_HINT,
            sleep=sleep,
            monotonic=monotonic,
            wall_clock=wall_clock,
            rng=rng,
        )

    @classmethod
    def from_env(
        cls,
        base_url: str = DEFAULT_BASE_URL,
        *,
        subject: str | None = None,
        key_env: str = KEY_ENV,
        token_env: str = TOKEN_ENV,
        environ: Mapping[str, str] = os.environ,
        **options: Any,
    ) -> GoogleWorkspaceConnector:
        """A connector whose credential is the service account key in `key_env` (preferred, as
        it renews its tokens) or else the access token in `token_env`."""
        key = environ.get(key_env, "").strip()
        token = environ.get(token_env, "").strip()
        if not key and not token:
            raise ConfigError(
                cls.source,
                key_env,
                f"environment variable is not set (nor is {token_env}); set it to a service "
                "account key (JSON, or the path of the key file)",
            )
        credential = {"service_account_key": key} if key else {"access_token": token}
        return cls(
            base_url, subject=subject, key_env=key_env, token_env=token_env, **credential, **options
        )

    def __repr__(self) -> str:
        return f"GoogleWorkspaceConnector(base_url={self._http.base_url!r})"

    def __enter__(self) -> GoogleWorkspaceConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        if isinstance(self._tokens, ServiceAccountTokens):
            self._tokens.close()

    def entities(self) -> Sequence[Entity]:
        return ENTITIES

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield batches of `entity` with `id_time` in `window`; nothing if Google has none.

        Raises `AuthenticationError` when Google refuses the credential, `RecordError` when a
        page holds unusable activities, and `SourceError` for any other failure, each naming
        the endpoint and page.
        """
        chosen = next((e for e in ENTITIES if e.name == entity), None)
        if chosen is None:
            names = ", ".join(e.name for e in ENTITIES)
            raise ValueError(f"google has no entity '{entity}'; it offers {names}")
        if window is None:
            raise ValueError(f"google {entity} are read per time window; pass a Window")
        return self._batches(self._activities(chosen, _naive_utc(window)), chosen)

    def _activities(self, entity: Entity, window: Window) -> Iterator[pa.RecordBatch]:
        """Activities of the window, read as bounded queries of at most `event_window_span`.

        Google's `endTime` is inclusive and activities come newest first, so each query's rows
        are cut to its half-open part of the window, and an activity met twice (Google may
        repeat one where pages meet) is kept once; only the current part's ids are remembered.
        """
        path = ACTIVITIES_PATH.format(application=APPLICATION_NAMES[entity.name])
        fields = token_fields if entity is TOKEN_ACTIVITIES else login_fields
        for part in _split(window, self._event_window_span):
            params = {
                "startTime": format_time(part.start),
                "endTime": format_time(part.end),
                "maxResults": self._page_size,
            } | ({"customerId": self._customer_id} if self._customer_id else {})
            seen: set[tuple[datetime, str]] = set()
            for activities, where in self._pages(path, params):
                rows = self._rows(activities, fields, where, seen, part)
                if rows:
                    yield pa.RecordBatch.from_pylist(rows, schema=entity.schema)

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[tuple[list[Any], str]]:
        """The `items` of each page of one query, following `nextPageToken` until it ends."""
        page, page_token = 0, None
        while True:
            page += 1
            where = f"GET {path} page {page}"
            query = dict(params) | ({"pageToken": page_token} if page_token else {})
            body = self._get(path, query, page)
            if not isinstance(body, dict):
                raise SourceError(
                    self.source, f"{where} returned a JSON {type(body).__name__}, not an object"
                )
            items = body.get("items") or []
            if not isinstance(items, list):
                raise SourceError(self.source, f"{where}: 'items' is not a list")
            if items:
                yield items, where
            next_token = body.get("nextPageToken")
            if not next_token:
                return
            if next_token == page_token:
                raise SourceError(self.source, f"{where}: nextPageToken repeats the same page")
            page_token = next_token

    def _get(self, path: str, query: Mapping[str, Any], page: int) -> Any:
        try:
            return self._http.get_json(path, query, endpoint=path, page=page)[0]
        except TokenRefusedError:
            if not self._tokens.refreshable:
                raise
        # An access token can be revoked or expire early; one new token settles which it was.
        log.info("google: the access token was refused; minting a new one")
        self._tokens.invalidate()
        return self._http.get_json(path, query, endpoint=path, page=page)[0]

    def _rows(
        self,
        activities: list[Any],
        fields: Callable[[dict[str, Any]], Row],
        where: str,
        seen: set[tuple[datetime, str]],
        part: Window,
    ) -> list[Row]:
        """The rows of a page's new activities in `part`, or a `RecordError` naming bad ones."""
        rows: list[Row] = []
        problems: list[tuple[str, str, str]] = []
        repeated = 0
        for position, activity in enumerate(activities, start=1):
            if not isinstance(activity, dict):
                problems.append((f"item {position}", "(item)", "is not a JSON object"))
                continue
            try:
                events = activity_rows(activity, fields)
            except BadFieldError as bad:
                problems.append((_name(activity, position), bad.field, bad.reason))
                continue
            if not events:
                continue
            ident = (events[0]["id_time"], events[0]["id_unique_qualifier"])
            if ident in seen:
                repeated += 1
                continue
            seen.add(ident)
            if part.start <= ident[0] < part.end:
                rows.extend(events)
        if problems:
            raise RecordError(self.source, where, problems)
        if repeated:
            log.info(
                "google: %s repeated %d activities already read; kept one of each", where, repeated
            )
        return rows

    def _batches(
        self, batches: Iterable[pa.RecordBatch], entity: Entity
    ) -> Iterator[pa.RecordBatch]:
        """The records again in batches of `batch_rows` (the last one smaller)."""
        pending: list[pa.RecordBatch] = []
        count, total = 0, 0
        for batch in batches:
            pending.append(batch)
            count += batch.num_rows
            while count >= self._batch_rows:
                combined = pa.concat_batches(pending)
                yield combined.slice(0, self._batch_rows)
                pending, count = [combined.slice(self._batch_rows)], count - self._batch_rows
                total += self._batch_rows
        if count:
            yield pa.concat_batches(pending)
            total += count
        log.info("google: read %d %s", total, entity.name)


def _credentials(
    source: str,
    service_account_key: Mapping[str, Any] | str | None,
    subject: str | None,
    access_token: str | None,
    *,
    key_env: str,
    token_env: str,
    token_url: str | None,
    settings: HttpSettings | None,
    sleep: Callable[[float], None],
    wall_clock: Callable[[], float],
    rng: random.Random | None,
) -> AccessTokens:
    if service_account_key is not None and access_token is not None:
        raise ConfigError(source, key_env, f"give a service account key or {token_env}, not both")
    if service_account_key is not None:
        key = (
            load_service_account_key(source, service_account_key, key_env)
            if isinstance(service_account_key, str)
            else service_account_key
        )
        if not subject:
            raise ConfigError(
                source, "subject", "is required with a service account: the administrator's e-mail"
            )
        return ServiceAccountTokens(
            source,
            key,
            subject,
            secret_env=key_env,
            token_url=token_url,
            settings=settings,
            sleep=sleep,
            wall_clock=wall_clock,
            rng=rng,
        )
    if not access_token or not access_token.strip():
        raise ConfigError(
            source, key_env, f"no credential: give a service account key or {token_env}"
        )
    return StaticAccessToken(access_token, token_env)


def _name(activity: dict[str, Any], position: int) -> str:
    ident = activity.get("id")
    if isinstance(ident, dict) and ident.get("time") and ident.get("uniqueQualifier"):
        return f"activity {ident['time']}/{ident['uniqueQualifier']}"
    return f"item {position}"


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
