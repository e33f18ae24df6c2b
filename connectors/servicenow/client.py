"""The ServiceNow connector: reads CMDB business applications and SAM entitlements by Table API."""

from __future__ import annotations

import base64
import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import pyarrow as pa
import requests

from connectors.base import Entity, Window
from connectors.errors import ConfigError, RecordError, SourceError
from connectors.http import HttpConnector, HttpSettings
from connectors.servicenow.entities import ENTITIES, TABLES, ServiceNowTable
from connectors.servicenow.records import BadFieldError, record_row
from connectors.servicenow.transport import ServiceNowHttp

log = logging.getLogger(__name__)

TABLE_PATH = "/api/now/table/{table}"
#: The largest `sysparm_limit` worth asking for; ServiceNow's default and usual cap is 10,000.
MAX_PAGE_SIZE = 10_000
AuthMode = Literal["basic", "oauth"]


class ServiceNowConnector(HttpConnector):
    """Reads one ServiceNow instance through the Table API, page by page, into Arrow batches.

    Each table is read in `sys_id` order with `sysparm_offset` paging, following the offsets of
    ServiceNow's `Link: rel="next"` header. Offset paging repeats a record when one is added
    before the current page during the read and skips one when a record is removed: repeats are
    dropped by `sys_id`, and a count that ends up different from `X-Total-Count` is logged.
    `auth` is "basic" (`username` and `password`) or "oauth" (a bearer `token`); the `*_env`
    arguments only name the variables that hold them, for messages. `requests_per_minute` paces
    every request: ServiceNow's rate limits are rules each instance sets per hour, and its
    responses say nothing about the requests left, so the client cannot pace itself from them.
    `extra_fields` adds fields per entity name to the request; they land in `payload` only.
    `sleep`, `monotonic`, `wall_clock` and `rng` exist so tests control time and jitter.
    """

    source = "servicenow"

    def __init__(
        self,
        base_url: str,
        *,
        auth: AuthMode = "basic",
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        username_env: str = "SERVICENOW_USERNAME",
        password_env: str = "SERVICENOW_PASSWORD",
        token_env: str = "SERVICENOW_TOKEN",
        page_size: int = 1000,
        requests_per_minute: float | None = 60.0,
        extra_fields: Mapping[str, Sequence[str]] | None = None,
        http_settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigError(self.source, "page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
        unknown = set(extra_fields or {}) - {entity.name for entity in ENTITIES}
        if unknown:
            raise ConfigError(self.source, "extra_fields", f"unknown entities {sorted(unknown)}")
        self._page_size = page_size
        self._extra_fields = {name: tuple(fields) for name, fields in (extra_fields or {}).items()}
        header, secrets, secret_env, hint = _credentials(
            auth, username, password, token, username_env, password_env, token_env
        )
        self._http = ServiceNowHttp(
            self.source,
            base_url,
            headers={"Authorization": header, "Accept": "application/json"},
            secret_env=secret_env,
            secrets=secrets,
            requests_per_minute=requests_per_minute,
            settings=http_settings,
            session=session,
            auth_hint=hint,
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
        auth: AuthMode = "basic",
        username_env: str = "SERVICENOW_USERNAME",
        password_env: str = "SERVICENOW_PASSWORD",
        token_env: str = "SERVICENOW_TOKEN",
        environ: Mapping[str, str] = os.environ,
        **options: Any,
    ) -> ServiceNowConnector:
        """A connector whose credential is read from the named environment variables."""
        needed = (username_env, password_env) if auth == "basic" else (token_env,)
        for variable in needed:
            if not environ.get(variable, "").strip():
                raise ConfigError(cls.source, variable, "environment variable is not set")
        return cls(
            base_url,
            auth=auth,
            username=environ.get(username_env),
            password=environ.get(password_env),
            token=environ.get(token_env),
            username_env=username_env,
            password_env=password_env,
            token_env=token_env,
            **options,
        )

    def entities(self) -> Sequence[Entity]:
        return ENTITIES

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield one batch per page of `entity`, the whole table (`window` is ignored).

        Raises `AuthenticationError` when ServiceNow refuses the credential or the user's roles,
        `RecordError` when a page holds unusable records, and `SourceError` for any other
        failure, each naming the table endpoint and page.
        """
        for table in TABLES:
            if table.entity.name == entity:
                return self._read_table(table)
        names = ", ".join(e.name for e in ENTITIES)
        raise ValueError(f"servicenow has no entity '{entity}'; it offers {names}")

    def _read_table(self, table: ServiceNowTable) -> Iterator[pa.RecordBatch]:
        path = TABLE_PATH.format(table=table.table)
        fields = [field.name for field in table.fields]
        fields += [f for f in self._extra_fields.get(table.entity.name, ()) if f not in fields]
        params = {
            "sysparm_query": "ORDERBYsys_id",  # a stable order, so offsets mean the same rows
            "sysparm_fields": ",".join(fields),
            "sysparm_display_value": "all",  # stored values and labels alike
            "sysparm_exclude_reference_link": "true",
            "sysparm_limit": self._page_size,
            "sysparm_offset": 0,
        }
        seen: set[str] = set()
        totals: list[int | None] = []  # X-Total-Count of each page
        while True:
            page = len(totals) + 1
            where = f"GET {path} page {page}"
            body, response = self._http.get_json(path, params, endpoint=path, page=page)
            records = self._result(body, where)
            totals.append(_total_count(response))
            if not records:
                break
            rows = self._rows(records, table, where, seen)
            yield pa.RecordBatch.from_pylist(rows, schema=table.entity.schema)
            offset = self._next_offset(response, where)
            if offset is None:
                break
            if offset <= params["sysparm_offset"]:
                raise SourceError(self.source, f"{where}: the next link does not move forward")
            params = {**params, "sysparm_offset": offset}
        self._check_count(table, len(seen), totals[0], totals[-1])
        log.info("servicenow: read %d %s", len(seen), table.entity.name)

    def _result(self, body: Any, where: str) -> list[Any]:
        result = body.get("result") if isinstance(body, dict) else None
        if not isinstance(result, list):
            raise SourceError(
                self.source, f"{where} returned no 'result' list; is the base URL an instance?"
            )
        return result

    def _rows(
        self, records: list[Any], table: ServiceNowTable, where: str, seen: set[str]
    ) -> list[dict[str, Any]]:
        """The page's records as rows, without those an earlier page already held."""
        rows, problems = [], []
        for position, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                problems.append((f"item {position}", "(item)", "is not a JSON object"))
                continue
            try:
                rows.append(record_row(record, table.fields))
            except BadFieldError as bad:
                problems.append((_record_name(record, position), bad.field, bad.reason))
        if problems:
            raise RecordError(self.source, where, problems)
        fresh = [row for row in rows if row["sys_id"] not in seen]
        seen.update(row["sys_id"] for row in fresh)
        if len(fresh) < len(rows):
            log.info(
                "servicenow: %s repeated %d record(s) already read; kept one of each",
                where, len(rows) - len(fresh),
            )  # fmt: skip
        return fresh

    def _next_offset(self, response: requests.Response, where: str) -> int | None:
        """The `sysparm_offset` of ServiceNow's next link, requested on our own base URL.

        Only the offset is taken from the link: an instance behind a custom domain writes its
        links with its own host name, which must not receive the credential.
        """
        url = response.links.get("next", {}).get("url")
        if not url:
            return None
        offsets = parse_qs(urlsplit(url).query).get("sysparm_offset", [])
        try:
            return int(offsets[0])
        except (IndexError, ValueError):
            raise SourceError(
                self.source, f"{where}: the next link has no usable sysparm_offset"
            ) from None

    def _check_count(
        self, table: ServiceNowTable, read: int, first: int | None, last: int | None
    ) -> None:
        if first is None or (read == first and first == last):
            return
        log.warning(
            "servicenow: read %d record(s) of %s but X-Total-Count said %s at the start and %s "
            "at the end: records were added or removed during the read (offset paging may then "
            "miss one), or ACLs hide some from this user. The next extraction corrects the former",
            read, table.table, first, last,
        )  # fmt: skip


def _credentials(
    auth: str,
    username: str | None,
    password: str | None,
    token: str | None,
    username_env: str,
    password_env: str,
    token_env: str,
) -> tuple[str, tuple[str, ...], str, str]:
    """(Authorization header, secrets to redact, variable to name, hint) for `auth`."""
    if auth == "basic":
        if not (username or "").strip():
            raise ConfigError("servicenow", username_env, "is empty; set it to the user name")
        if not password:
            raise ConfigError("servicenow", password_env, "is empty; set it to the password")
        encoded = base64.b64encode(f"{username.strip()}:{password}".encode()).decode()
        hint = (
            f" and the user name in {username_env} (basic auth of a user with read access to "
            "cmdb_ci_business_app and alm_license)"
        )
        return f"Basic {encoded}", (password, encoded), password_env, hint
    if auth == "oauth":
        if not (token or "").strip():
            raise ConfigError("servicenow", token_env, "is empty; set it to an OAuth token")
        hint = (
            " (an OAuth bearer token, which expires: issue a fresh one for a user with read "
            "access to cmdb_ci_business_app and alm_license)"
        )
        return f"Bearer {token.strip()}", (token, token.strip()), token_env, hint
    raise ConfigError("servicenow", "auth", f"'{auth}' is not 'basic' or 'oauth'")


def _total_count(response: requests.Response) -> int | None:
    try:
        return int(response.headers["X-Total-Count"])
    except (KeyError, ValueError):
        return None


def _record_name(record: dict[str, Any], position: int) -> str:
    sys_id = record.get("sys_id")
    if isinstance(sys_id, dict):
        sys_id = sys_id.get("value")
    return sys_id if isinstance(sys_id, str) and sys_id else f"item {position}"
