"""The Google Workspace connector: OAuth token grants and logins from the Reports API."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import requests

from connectors.base import Entity, Window, in_batches_of
from connectors.errors import ConfigError, RecordError, SourceError
from connectors.google.activities import Page, activity_batch, decode_page
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
from connectors.http import HttpConnector, HttpSettings

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


class GoogleWorkspaceConnector(HttpConnector):
    """Reads a Google Workspace customer's OAuth token and login activity reports.

    Credentials: either `service_account_key` (the JSON key as a mapping, its text, or the path
    of the key file) with `subject`, the administrator the service account acts for through
    domain-wide delegation; or `access_token`, an OAuth access token minted elsewhere (it cannot
    be renewed, so a run must finish within its hour). `key_env` / `token_env` name the variables
    they came from, for messages. `token_url` overrides the key's `token_uri`.

    Each window is read as bounded queries of at most `event_window_span` (`startTime` and
    `endTime`), `page_size` activities a page. Each query ends on a partly filled page, so short
    spans cost requests: 180 days of the 400-person sample company take 360 requests read day by
    day, 137 a week at a time and 116 in one query. A week, as for Okta, keeps a small company
    within a fifth of the fewest requests and a larger one, whose weeks fill dozens of pages,
    within a few percent; longer spans gain little, and memory does not depend on the span.
    `requests_per_minute` paces every request; Google sends no remaining-quota headers, so
    pacing under the project's quota is what avoids 429s.
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
        event_window_span: timedelta = timedelta(days=7),
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

    def close(self) -> None:
        super().close()
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
        return self._batches(self._activities(chosen, window.naive_utc()), chosen)

    def _activities(self, entity: Entity, window: Window) -> Iterator[pa.RecordBatch]:
        """Activities of the window, read as bounded queries of at most `event_window_span`.

        Google's `endTime` is inclusive and activities come newest first, so each query's rows
        are cut to its half-open part of the window, and an activity met twice (Google may
        repeat one where pages meet) is kept once; only the ids of the previous page are kept
        for that, so memory does not grow with the span (the loader de-duplicates on the key in
        any case). Each page is read column-wise when it holds what Google normally sends, and
        activity by activity otherwise, to name any unusable field.
        """
        path = ACTIVITIES_PATH.format(application=APPLICATION_NAMES[entity.name])
        fields = token_fields if entity is TOKEN_ACTIVITIES else login_fields
        for part in window.split(self._event_window_span):
            params = {
                "startTime": format_time(part.start),
                "endTime": format_time(part.end),
                "maxResults": self._page_size,
            } | ({"customerId": self._customer_id} if self._customer_id else {})
            previous = pa.array([], pa.string())  # the activities of the previous page
            for page, where in self._pages(path, params):
                read = activity_batch(page.items, entity) if page.typed else None
                if read is None:
                    read = self._careful(page.json_items(), entity, fields, where)
                batch, owner = read
                count = len(page.items)
                keep, previous, repeated = _new_in_part(batch, owner, count, previous, part)
                if repeated:
                    log.info(
                        "google: %s repeated %d activities already read; kept one of each",
                        where,
                        repeated,
                    )
                kept_rows = keep[owner]
                if not kept_rows.all():
                    batch = batch.filter(pa.array(kept_rows))
                if batch.num_rows:
                    yield batch

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[tuple[_Items, str]]:
        """The `items` of each page of one query, following `nextPageToken` until it ends.

        While the caller turns a page into Arrow, the next page is already being fetched, one
        request in flight at a time, so pacing and order are unchanged. Near Google's quota (40
        pages a second) a serial client waited for the server a third of the time; overlapping
        the two took `make bench-connectors` from 74% to 76-80% of the quota on a loaded machine.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="google-pages") as fetcher:
            page, page_token = 1, None
            fetching = fetcher.submit(self._get, path, dict(params), page)
            while True:
                where = f"GET {path} page {page}"
                body, content = fetching.result()
                if isinstance(body, Page):
                    items, next_token = body.items or [], body.next_page_token
                elif isinstance(body, dict):
                    items, next_token = body.get("items") or [], body.get("nextPageToken")
                else:
                    raise SourceError(
                        self.source,
                        f"{where} returned a JSON {type(body).__name__}, not an object",
                    )
                if not isinstance(items, list):
                    raise SourceError(self.source, f"{where}: 'items' is not a list")
                repeated = bool(next_token) and next_token == page_token
                if next_token and not repeated:
                    query = dict(params) | {"pageToken": next_token}
                    fetching = fetcher.submit(self._get, path, query, page + 1)
                if items:
                    yield _Items(items, isinstance(body, Page), content), where
                if not next_token:
                    return
                if repeated:
                    raise SourceError(self.source, f"{where}: nextPageToken repeats the same page")
                page, page_token = page + 1, next_token

    def _get(self, path: str, query: Mapping[str, Any], page: int) -> tuple[Any, bytes]:
        """A page decoded by `decode_page`, and its body."""
        try:
            body, response = self._http.get_json(
                path, query, endpoint=path, page=page, decode=decode_page
            )
        except TokenRefusedError:
            if not self._tokens.refreshable:
                raise
            # An access token can be revoked or expire early; one new token settles which it was.
            log.info("google: the access token was refused; minting a new one")
            self._tokens.invalidate()
            body, response = self._http.get_json(
                path, query, endpoint=path, page=page, decode=decode_page
            )
        return body, response.content

    def _careful(
        self,
        activities: list[Any],
        entity: Entity,
        fields: Callable[[dict[str, Any]], Row],
        where: str,
    ) -> tuple[pa.RecordBatch, np.ndarray]:
        """A page's rows read activity by activity, or a `RecordError` naming the bad ones."""
        rows: list[Row] = []
        owner: list[int] = []
        problems: list[tuple[str, str, str]] = []
        for position, activity in enumerate(activities):
            if not isinstance(activity, dict):
                problems.append((f"item {position + 1}", "(item)", "is not a JSON object"))
                continue
            try:
                events = activity_rows(activity, fields)
            except BadFieldError as bad:
                problems.append((_name(activity, position + 1), bad.field, bad.reason))
                continue
            rows.extend(events)
            owner.extend([position] * len(events))
        if problems:
            raise RecordError(self.source, where, problems)
        return pa.RecordBatch.from_pylist(rows, schema=entity.schema), np.array(owner, np.int64)

    def _batches(
        self, batches: Iterable[pa.RecordBatch], entity: Entity
    ) -> Iterator[pa.RecordBatch]:
        """The records again in batches of `batch_rows` (the last one smaller)."""
        total = 0
        for batch in in_batches_of(self._batch_rows, batches):
            total += batch.num_rows
            yield batch
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


class _Items(NamedTuple):
    """The activities of one page: `Activity` structs if `typed`, else plain JSON values."""

    items: list[Any]
    typed: bool
    body: bytes

    def json_items(self) -> list[Any]:
        """The activities as plain JSON values, for the activity-by-activity reading."""
        return msgspec.json.decode(self.body)["items"] if self.typed else self.items


def _new_in_part(
    batch: pa.RecordBatch, owner: np.ndarray, count: int, previous: pa.Array, part: Window
) -> tuple[np.ndarray, pa.Array, int]:
    """Which of a page's `count` activities to keep: read for the first time, and in `part`.

    `previous` holds the ids of the previous page's activities; the page's own are returned
    for the next page, with how many activities were repeats. An activity without events has no
    rows: it is neither kept nor remembered.
    """
    first = np.flatnonzero(np.diff(owner, prepend=-1))  # the first row of each activity
    times = batch.column("id_time").cast(pa.int64()).to_numpy()[first]
    qualifiers = batch.column("id_unique_qualifier")
    if len(first) < batch.num_rows:
        qualifiers = qualifiers.take(pa.array(first))
    # A time has no "/", so "<time>/<qualifier>" names one activity.
    ids = pc.binary_join_element_wise(pa.array(times).cast(pa.string()), qualifiers, "/")
    first_here = pc.index_in(ids, value_set=ids).to_numpy() == np.arange(len(ids))
    unseen = first_here & ~pc.is_in(ids, value_set=previous).to_numpy(zero_copy_only=False)
    in_part = (times >= _us(part.start)) & (times < _us(part.end))
    keep = np.zeros(count, bool)
    keep[owner[first]] = unseen & in_part
    return keep, ids, len(ids) - int(unseen.sum())


def _us(moment: datetime) -> int:
    """Microseconds since 1970 of a naive UTC time, as Arrow holds `id_time`."""
    delta = moment - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _name(activity: dict[str, Any], position: int) -> str:
    ident = activity.get("id")
    if isinstance(ident, dict) and ident.get("time") and ident.get("uniqueQualifier"):
        return f"activity {ident['time']}/{ident['uniqueQualifier']}"
    return f"item {position}"
