"""ServiceNow's Table API on loopback, serving a sample company's CMDB and SAM tables.

It reproduces what a client of the real API meets: basic auth or an OAuth bearer token (401 with
ServiceNow's error object otherwise); `GET /api/now/table/{tableName}` with `sysparm_limit`
(default 10,000), `sysparm_offset`, `sysparm_query` (`ORDERBY<f>`, `ORDERBYDESC<f>`, `<f>=<v>`
and `<f>!=<v>` joined by `^`), `sysparm_fields` (dot-walks such as `owned_by.email` included),
`sysparm_display_value` (`false`, `true`, `all`), `sysparm_exclude_reference_link` and
`sysparm_suppress_pagination_header`; `{"result": [...]}` with `X-Total-Count`, and a `Link`
header (first, prev, next, last) when there is more than one page; an unknown table's 400
`Invalid table`; and a rate-limit rule per hour, as admins define them, answering with
`X-RateLimit-Limit`, `X-RateLimit-Reset` and `X-RateLimit-Rule`, and 429 with `Retry-After` past
it. Values are what ServiceNow stores (UTC date-times); display values are what the API user sees,
date-times in its time zone. Faults are injected through `faults` (see `server.Fault`); `insert`
and `delete` change a table while a client pages through it.

    tables = servicenow_instance(company).tables()
    with ServiceNowEmulator(tables, username="svc", password="...") as instance:
        connector = ServiceNowConnector(instance.base_url, username="svc", password="...")
"""

from __future__ import annotations

import base64
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa

from connectors.servicenow.entities import TABLES, TableField
from sample_company.emulators.server import EmulatorServer, Reply

#: ServiceNow publishes no limit: each instance's admins set rules per hour. This is such a rule.
DEFAULT_RATE_LIMITS = {"/api/now/table": 6000}
RATE_WINDOW = 3600.0
RATE_LIMIT_RULE = "6c3f1a2be4d94f0b8a7e5d6c2b1a0f93"  # sys_id of the emulated rule
DEFAULT_LIMIT = 10_000
TABLE_API = "/api/now/table"

_TABLE_PATH = re.compile(r"^/api/now/table/([^/]+)$")
_FIELDS = {table.table: table.fields for table in TABLES}

Record = dict[str, tuple[str, str]]  # field name -> (value, display value)


class ServiceNowEmulator(EmulatorServer):
    """A ServiceNow instance on `http://127.0.0.1:<port>` serving `tables`.

    `tables` maps ServiceNow table names (`cmdb_ci_business_app`, `alm_license`) to tables in the
    schemas of `connectors.servicenow.entities`. Credentials accepted: `username` + `password`
    (basic auth) and/or `token` (OAuth bearer). `rate_limits` overrides `DEFAULT_RATE_LIMITS`
    (raise it for a fast demo); `rate_window` is the rule's period in seconds (an hour).
    `link_base_url` is the URL the instance writes in its `Link` headers, which is its own
    instance URL, not the custom domain a client may be using; by default the server's own.
    `user_utc_offset` is the API user's time zone, in which display values show date-times.
    """

    def __init__(
        self,
        tables: Mapping[str, pa.Table],
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        rate_limits: Mapping[str, int] | None = None,
        rate_window: float = RATE_WINDOW,
        link_base_url: str | None = None,
        user_utc_offset: timedelta = timedelta(hours=-8),
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(
            rate_limits={**DEFAULT_RATE_LIMITS, **(rate_limits or {})},
            rate_window=rate_window,
            clock=clock,
            host=host,
            port=port,
        )
        unknown = set(tables) - set(_FIELDS)
        if unknown:
            raise ValueError(f"the emulator cannot serve tables {sorted(unknown)}")
        if username is None and token is None:
            raise ValueError("give the emulator a username and password, a token, or both")
        self._basic = (
            "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
            if username is not None
            else None
        )
        self._bearer = f"Bearer {token}" if token is not None else None
        self._link_base_url = link_base_url
        self._offset = user_utc_offset
        self._records_lock = threading.Lock()
        self._records: dict[str, list[Record]] = {
            name: [self._record(name, row) for row in table.to_pylist()]
            for name, table in tables.items()
        }

    # -- changing the data while a client reads ------------------------------------------------

    def insert(self, table: str, row: Mapping[str, Any]) -> None:
        """Add a record (a row in the entity schema) as if someone created it just now."""
        record = self._record(table, row)
        with self._records_lock:
            self._records[table].append(record)

    def delete(self, table: str, sys_id: str) -> None:
        with self._records_lock:
            self._records[table] = [r for r in self._records[table] if r["sys_id"][0] != sys_id]

    # -- the vendor hooks of EmulatorServer -----------------------------------------------------

    def authorized(self, headers: Mapping[str, str]) -> bool:
        given = headers.get("Authorization")
        return given is not None and given in (self._basic, self._bearer)

    def bucket(self, path: str) -> str:
        return TABLE_API if path.startswith(TABLE_API + "/") else path

    def rate_limit_headers(self, limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        # ServiceNow says the limit, when it resets and which rule applies, not what remains.
        return [
            ("X-RateLimit-Limit", str(limit)),
            ("X-RateLimit-Reset", str(math.ceil(reset))),
            ("X-RateLimit-Rule", RATE_LIMIT_RULE),
        ]

    def answer(self, path: str, params: dict[str, str], headers: Mapping[str, str]) -> Reply:
        """The base reply, plus the `Retry-After` ServiceNow puts on every 429."""
        reply = super().answer(path, params, headers)
        names = {name for name, _ in reply.headers}
        if reply.status == 429 and "Retry-After" not in names:
            reset = dict(reply.headers).get("X-RateLimit-Reset")
            wait = float(reset) - self.clock() if reset else 1.0
            reply.headers.append(("Retry-After", str(max(1, math.ceil(wait)))))
        return reply

    def unauthorized(self) -> Reply:
        return _error(401, "User Not Authenticated", "Required to provide Auth information")

    def rate_limited(self) -> Reply:
        return _error(
            429,
            "Too Many Requests",
            f"The rate limit rule {RATE_LIMIT_RULE} allows no more requests this hour",
        )

    def server_error(self, status: int) -> Reply:
        if status == 500:
            return _error(500, "Internal Server Error", "The transaction was cancelled")
        return Reply(
            status,
            f"<html><body><h1>{status}</h1>The instance is temporarily unavailable</body></html>",
            [],
            "text/html",
        )

    def route(self, path: str, params: dict[str, str], overlap: bool) -> Reply:
        match = _TABLE_PATH.match(path)
        if match is None:
            if path.startswith("/api/"):
                return _error(400, "Requested URI does not represent any resource", None)
            return Reply(404, "<html><body>404 Not Found</body></html>", [], "text/html")
        table = match.group(1)
        if table not in self._records:
            return _error(400, f"Invalid table {table}", None)
        try:
            return self._list(path, table, params, overlap)
        except _BadRequestError as bad:
            return _error(400, str(bad), None)

    # -- the list -------------------------------------------------------------------------------

    def _list(self, path: str, table: str, params: dict[str, str], overlap: bool) -> Reply:
        limit = _number(params, "sysparm_limit", DEFAULT_LIMIT, minimum=1)
        offset = _number(params, "sysparm_offset", 0, minimum=0)
        mode = params.get("sysparm_display_value", "false").lower()
        if mode not in ("true", "false", "all"):
            mode = "false"
        with self._records_lock:
            records = list(self._records[table])
        records = _queried(records, params.get("sysparm_query", ""))
        total = len(records)
        page = records[offset : offset + limit]
        fields = [f.strip() for f in params.get("sysparm_fields", "").split(",") if f.strip()]
        links = params.get("sysparm_exclude_reference_link", "false").lower() != "true"
        result = [self._json(table, record, fields, mode, links) for record in page]
        headers = [("X-Total-Count", str(total))]
        suppressed = params.get("sysparm_suppress_pagination_header", "false").lower() == "true"
        if total > limit and not suppressed:
            step = limit - 1 if overlap and len(page) >= 2 else limit
            headers.append(("Link", self._links(path, params, offset, limit, step, total)))
        return Reply(200, {"result": result}, headers)

    def _links(
        self, path: str, params: dict[str, str], offset: int, limit: int, step: int, total: int
    ) -> str:
        """ServiceNow's `Link` header: `<url>;rel="first",<url>;rel="next",...`."""
        base = self._link_base_url or self.base_url
        offsets = {"first": 0}
        if offset > 0:
            offsets["prev"] = max(0, offset - limit)
        if offset + limit < total:
            offsets["next"] = offset + step
        offsets["last"] = (total - 1) // limit * limit
        parts = []
        for rel, at in offsets.items():
            query = {**params, "sysparm_offset": str(at), "sysparm_limit": str(limit)}
            parts.append(f'<{base}{path}?{urlencode(query)}>;rel="{rel}"')
        return ",".join(parts)

    def _json(
        self, table: str, record: Record, fields: list[str], mode: str, links: bool
    ) -> dict[str, Any]:
        by_name = {field.name: field for field in _FIELDS[table]}
        chosen = fields or list(by_name)
        answer: dict[str, Any] = {}
        for name in chosen:
            if name not in record:
                continue  # ServiceNow leaves out fields the table does not have
            value, display = record[name]
            field = by_name[name]
            link = (
                f"{self.base_url}{TABLE_API}/{field.reference}/{value}"
                if links and field.reference and value
                else None
            )
            answer[name] = _cell(value, display, link, mode)
        return answer

    def _record(self, table: str, row: Mapping[str, Any]) -> Record:
        """A row of the entity schema as ServiceNow stores it: text values and display values."""
        return {field.name: self._cell_texts(field, row) for field in _FIELDS[table]}

    def _cell_texts(self, field: TableField, row: Mapping[str, Any]) -> tuple[str, str]:
        raw = row.get(field.column)
        if raw is None:
            display = row.get(field.display_column) if field.display_column else None
            return "", display or ""
        if field.kind == "integer":
            return str(raw), f"{raw:,}"
        if field.kind == "datetime" and isinstance(raw, datetime):
            shown = raw + self._offset
            return raw.strftime("%Y-%m-%d %H:%M:%S"), shown.strftime("%Y-%m-%d %H:%M:%S")
        if field.kind == "date" and isinstance(raw, date):
            return raw.isoformat(), raw.isoformat()
        display = row.get(field.display_column) if field.display_column else raw
        return str(raw), "" if display is None else str(display)


def _cell(value: str, display: str, link: str | None, mode: str) -> Any:
    if mode == "all":
        cell = {"display_value": display, "value": value}
        return {**cell, "link": link} if link else cell
    if mode == "true":
        return {"display_value": display, "link": link} if link else display
    return {"link": link, "value": value} if link else value


def _queried(records: list[Record], expression: str) -> list[Record]:
    """The records an encoded query selects, in its order (insertion order otherwise)."""
    orders: list[tuple[str, bool]] = []
    for term in filter(None, expression.split("^")):
        if term.startswith("ORDERBYDESC"):
            orders.append((term.removeprefix("ORDERBYDESC"), True))
        elif term.startswith("ORDERBY"):
            orders.append((term.removeprefix("ORDERBY"), False))
        elif "!=" in term:
            name, value = term.split("!=", 1)
            records = [r for r in records if r.get(name, ("", ""))[0] != value]
        elif "=" in term:
            name, value = term.split("=", 1)
            records = [r for r in records if r.get(name, ("", ""))[0] == value]
        else:
            raise _BadRequestError(f"emulator: unsupported query term '{term}'")
    for name, descending in reversed(orders):
        records = sorted(records, key=lambda r, n=name: r.get(n, ("", ""))[0], reverse=descending)
    return records


def _number(params: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _BadRequestError(f"{name}: '{raw}' is not a number") from None
    if value < minimum:
        raise _BadRequestError(f"{name}: must be at least {minimum}")
    return min(value, DEFAULT_LIMIT) if name == "sysparm_limit" else value


def _error(status: int, message: str, detail: str | None) -> Reply:
    return Reply(status, {"error": {"message": message, "detail": detail}, "status": "failure"})


class _BadRequestError(Exception):
    pass
