"""The Snipe-IT connector: reads the software licenses IT tracks, and who holds each seat."""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import pyarrow as pa
import requests

from connectors.base import Entity, Window, in_batches_of
from connectors.errors import AuthenticationError, ConfigError, RecordError, SourceError
from connectors.http import HttpConnector, HttpSettings, as_json_objects
from connectors.snipeit.entities import ENTITIES, LICENSE_SEATS, LICENSES
from connectors.snipeit.records import BadFieldError, license_row, seat_row
from connectors.snipeit.seats import SeatPage, decode_page, seat_batch
from connectors.snipeit.transport import SnipeItHttp, error_text

log = logging.getLogger(__name__)

LICENSES_PATH = "/api/v1/licenses"
#: Snipe-IT's default `MAX_RESULTS`: the most rows one page holds unless the admin raised it.
MAX_PAGE_SIZE = 500
#: Snipe-IT's default `API_THROTTLE_PER_MINUTE`, counted per user over the whole API.
PUBLISHED_REQUESTS_PER_MINUTE = 120
AUTH_HINT = " (a Snipe-IT API token, sent as 'Bearer <token>', of a user who may view licenses)"
# Snipe-IT's words for a refused permission, in the error it may send with HTTP 200.
_REFUSED = re.compile(r"unauthori[sz]ed|unauthenticated|permission|forbidden|not allowed", re.I)
_VANISHED = re.compile(r"does not exist|not found", re.I)

Rows = list[dict[str, Any]]


class _VanishedError(SourceError):
    """Snipe-IT says the record a path names does not exist (deleted while being read)."""


class SnipeItConnector(HttpConnector):
    """Reads one Snipe-IT instance through its REST API, page by page, into Arrow batches.

    Both entities are full snapshots. Lists are paged with `limit`/`offset` in ascending `id`
    order until `offset` reaches the `total` Snipe-IT reports, and records are kept once by `id`:
    offset paging repeats a record when the data moves between two pages, so a page's repeats
    do not advance the offset and nothing after them is skipped.
    `page_size` is the `limit` asked (Snipe-IT caps it at its `MAX_RESULTS`, 500 by default).
    `requests_per_minute` paces every request, under Snipe-IT's default throttle of 120 a minute;
    the client also slows down by itself when `X-RateLimit-Remaining` runs low.
    `timezone` is the instance's `APP_TIMEZONE`: Snipe-IT writes timestamps in that zone, without
    saying which. `sleep`, `monotonic`, `wall_clock` and `rng` exist so tests control time.
    """

    source = "snipeit"

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        token_env: str = "SNIPEIT_API_TOKEN",
        page_size: int = MAX_PAGE_SIZE,
        requests_per_minute: float | None = 100.0,
        timezone: str = "UTC",
        batch_rows: int = 5000,
        http_settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if not token or not token.strip():
            raise ConfigError(self.source, token_env, "is empty; set it to a Snipe-IT API token")
        if page_size < 1 or batch_rows < 1:
            raise ConfigError(self.source, "page_size", "page_size and batch_rows must be >= 1")
        self._zone = _zone(self.source, timezone)
        self._token_env = token_env
        self._page_size = page_size
        self._batch_rows = batch_rows
        self._http = SnipeItHttp(
            self.source,
            _api_root(base_url),
            headers={"Authorization": f"Bearer {token.strip()}", "Accept": "application/json"},
            secret_env=token_env,
            secrets=(token, token.strip()),
            requests_per_minute=requests_per_minute,
            settings=http_settings,
            session=session,
            bucket_of=_whole_api,
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
        token_env: str = "SNIPEIT_API_TOKEN",
        environ: Mapping[str, str] = os.environ,
        **options: Any,
    ) -> SnipeItConnector:
        """A connector whose token is read from the environment variable `token_env`."""
        token = environ.get(token_env, "")
        if not token.strip():
            raise ConfigError(cls.source, token_env, "environment variable is not set")
        return cls(base_url, token, token_env=token_env, **options)

    def entities(self) -> Sequence[Entity]:
        return ENTITIES

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield batches of `entity` in its exact schema; nothing at all if Snipe-IT has none.

        `window` is ignored: both entities are snapshots. Raises `AuthenticationError` when
        Snipe-IT refuses the token or its permissions (even in an HTTP 200 error body),
        `RecordError` when a page holds unusable records, and `SourceError` otherwise, each
        naming the endpoint and page.
        """
        if entity == LICENSES.name:
            return self._batches(self._licenses(), LICENSES)
        if entity == LICENSE_SEATS.name:
            return self._batches(self._seats(), LICENSE_SEATS)
        names = ", ".join(e.name for e in ENTITIES)
        raise ValueError(f"snipeit has no entity '{entity}'; it offers {names}")

    def _licenses(self) -> Iterator[Rows]:
        params = {"sort": "id", "order": "asc"}
        for licenses, where in self._pages(LICENSES_PATH, params):
            yield self._read(licenses, lambda obj: license_row(obj, self._zone), where)

    def _seats(self) -> Iterator[Rows | pa.RecordBatch]:
        """Each license's seats, page by page: column-wise when a page holds what Snipe-IT
        normally sends (`seats`), seat by seat otherwise, naming any unusable field."""
        license_ids = [row["id"] for rows in self._licenses() for row in rows]
        for license_id in license_ids:
            path = f"{LICENSES_PATH}/{license_id}/seats"
            try:
                for seats, where in self._pages(path, {"order": "asc"}, decode=decode_page):
                    batch = seat_batch(seats, license_id, self._zone)
                    if batch is not None:
                        yield batch
                        continue
                    yield self._read(
                        as_json_objects(seats),
                        lambda obj, owner=license_id: seat_row(obj, owner, self._zone),
                        where,
                    )
            except _VanishedError as gone:
                log.warning("snipeit: license %d vanished while being read (%s)", license_id, gone)

    def _pages(
        self,
        path: str,
        params: Mapping[str, Any],
        decode: Callable[[bytes], Any] = msgspec.json.decode,
    ) -> Iterator[tuple[list[Any], str]]:
        """The records of a list not seen before, page by page, until `offset` reaches `total`.

        `decode` may read a page into typed records (`seats.SeatPage`), or else plain JSON."""
        offset, page = 0, 0
        seen: set[Any] = set()
        while True:
            page += 1
            query = {**params, "limit": self._page_size, "offset": offset}
            body, _ = self._http.get_json(path, query, endpoint=path, page=page, decode=decode)
            where = f"GET {path} page {page}"
            total, records = self._list(body, where)
            fresh = [obj for obj in records if _identity(obj) not in seen]
            seen.update(_identity(obj) for obj in fresh)
            if len(fresh) < len(records):
                log.info(
                    "snipeit: %s repeated %d record(s) already read; kept one of each",
                    where, len(records) - len(fresh),
                )  # fmt: skip
            if fresh:
                yield fresh, where
            # Repeats mean the data moved by that many records: the next ones start earlier.
            offset += len(fresh) or len(records)
            if not records or offset >= total:
                return

    def _list(self, body: Any, where: str) -> tuple[int, list[Any]]:
        """`total` and `rows` of a list page; Snipe-IT's errors come with HTTP 200 too."""
        if isinstance(body, SeatPage):
            return body.total, body.rows
        said = error_text(body) if isinstance(body, dict) and "rows" not in body else None
        if said is not None:
            raise self._refusal(said, where)
        total = body.get("total") if isinstance(body, dict) else None
        records = body.get("rows") if isinstance(body, dict) else None
        if isinstance(total, bool) or not isinstance(total, int) or not isinstance(records, list):
            shape = type(body).__name__ if not isinstance(body, dict) else f"keys {sorted(body)}"
            raise SourceError(
                self.source,
                f'{where} is not a Snipe-IT list (expected {{"total": N, "rows": [...]}}, got '
                f"{shape}); check that the base URL is the Snipe-IT root",
            )
        return total, records

    def _refusal(self, said: str, where: str) -> SourceError:
        text = self._http.redact(said)
        if _VANISHED.search(said):
            return _VanishedError(self.source, f"{where}: Snipe-IT said '{text}'")
        if _REFUSED.search(said):
            return AuthenticationError(
                self.source,
                f"{where} was refused with HTTP 200 and Snipe-IT's error '{text}'. The token in "
                f"the environment variable {self._token_env} is accepted, but its user may not "
                "read licenses: give that user the Licenses 'View' permission",
            )
        return SourceError(self.source, f"{where} failed: Snipe-IT answered the error '{text}'")

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
                name = f"id {obj['id']}" if obj.get("id") is not None else f"item {position}"
                problems.append((name, bad.field, bad.reason))
        if problems:
            raise RecordError(self.source, where, problems)
        return rows

    def _batches(
        self, pages: Iterable[Rows | pa.RecordBatch], entity: Entity
    ) -> Iterator[pa.RecordBatch]:
        """The records in batches of `batch_rows` (the last one smaller)."""
        batches = (
            page if isinstance(page, pa.RecordBatch) else _from_rows(page, entity) for page in pages
        )
        total = 0
        for batch in in_batches_of(self._batch_rows, batches):
            total += batch.num_rows
            yield batch
        log.info("snipeit: read %d %s", total, entity.name)


def _from_rows(rows: Rows, entity: Entity) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(rows, schema=entity.schema)


def _identity(obj: Any) -> Any:
    """The id a record is de-duplicated on; a record without one is always new."""
    if isinstance(obj, dict) and isinstance(obj.get("id"), (int, str)):
        return obj["id"]
    if isinstance(obj, msgspec.Struct) and getattr(obj, "id", None) is not None:
        return obj.id  # type: ignore[attr-defined]
    return object()


def _whole_api(path: str) -> str:
    """Snipe-IT throttles each user over the whole API, so there is one rate-limit bucket."""
    return "/api/v1"


def _api_root(base_url: str) -> str:
    """The instance's root URL, also when given as its API URL (`https://host/api/v1`)."""
    root = base_url.strip().rstrip("/")
    return root.removesuffix("/api/v1") or root


def _zone(source: str, name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(source, "timezone", f"'{name}' is not an IANA time zone") from None
