"""Microsoft Graph and its token endpoint on loopback, serving a sample company's Microsoft tenant.

It reproduces what a client of the real services meets: the client credentials flow at
`POST /{tenant}/oauth2/v2.0/token` (AADSTS errors for an unknown tenant, client or secret, tokens
that expire), `Authorization: Bearer` on every Graph request (401 `InvalidAuthenticationToken`
otherwise), the application permissions each endpoint needs (403 `Authorization_RequestDenied`),
Entra ID P1 for `signInActivity` and the sign-in log, `$select`/`$top`/`$filter` with Graph's
page-size limits, `@odata.nextLink` with an opaque `$skiptoken`, sign-ins newest first, 429 with
`Retry-After` per throttling scope, and Graph's error object with its `innerError`. Faults are
injected through `faults` (see `server.Fault`); they apply to the token endpoint too.

    with GraphEmulator(tenant, client_secret="...") as graph:
        connector = GraphConnector(
            tenant.tenant_id, tenant.audit_app_id, "...",
            graph_base_url=graph.base_url, authority=graph.base_url,
        )
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pyarrow as pa
import pyarrow.compute as pc

from connectors.graph.entities import SIGN_INS
from sample_company.emulators.server import (
    SECRET_HEADERS,
    EmulatorServer,
    RateLimiter,
    RecordedRequest,
    Reply,
    _Handler,
)
from sample_company.payloads import json_string

#: (requests, seconds) per throttling scope of one app in one tenant, from Graph's published
#: service limits: the sign-in log (identity and access reports), users listed with their
#: signInActivity, and the directory (whose resource-unit budget allows about this many lists).
PUBLISHED_RATE_LIMITS: dict[str, tuple[int, float]] = {
    "auditLogs": (5, 10.0),
    "signInActivity": (10, 60.0),
    "directory": (1000, 10.0),
}
#: How far back the sign-in log goes (Entra ID P1/P2) when a query does not say.
RETENTION = timedelta(days=30)
#: The application permissions (app roles) the emulator grants unless told otherwise.
ALL_PERMISSIONS = frozenset(
    {"Organization.Read.All", "Application.Read.All", "User.Read.All", "AuditLog.Read.All"}
)
#: (default, maximum) `$top` of each list; users with signInActivity are capped, not refused.
PAGE_SIZES = {"directory": (100, 999), "signInActivity": (100, 500), "signIns": (1000, 1000)}
USER_DEFAULT_PROPERTIES = (
    "businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone",
    "officeLocation", "preferredLanguage", "surname", "userPrincipalName",
)  # fmt: skip
_TOKEN_PATH = re.compile(r"^/([^/]+)/oauth2/v2\.0/token$")
_FILTER_CLAUSE = re.compile(r"^\s*createdDateTime\s+(ge|gt|le|lt)\s+(\S+)\s*$")
_NOT_PREMIUM = ("Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                "Neither tenant is B2C or tenant doesn't have premium license")  # fmt: skip
_WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/'
    'authorize", client_id="00000003-0000-0000-c000-000000000000"'
)
_UNAUTHORIZED = {
    "missing": "Access token is empty.",
    "invalid": "Access token validation failure. Invalid audience.",
    "expired": "Access token has expired or is not yet valid.",
}
_GRAPH_ERRORS = {
    500: ("UnknownError", "An unexpected error occurred."),
    502: ("BadGateway", "Bad Gateway"),
    503: ("serviceNotAvailable", "Service Unavailable"),
    504: ("GatewayTimeout", "Gateway Timeout"),
}


class GraphTenantData(Protocol):
    """What the emulator serves (see `sample_company.graph.GraphTenant`).

    The tables are in the `connectors.graph.entities` schemas, with `payload` holding each whole
    Graph object; `sign_ins(start, end)` yields the sign-ins with `start <= created_date_time <
    end` (naive UTC) as record batches in the `sign_ins` schema.
    """

    tenant_id: str
    domain: str
    audit_app_id: str

    @property
    def subscribed_skus(self) -> pa.Table: ...

    @property
    def service_principals(self) -> pa.Table: ...

    @property
    def users(self) -> pa.Table: ...

    def sign_ins(self, start: datetime, end: datetime) -> Iterator[pa.RecordBatch]: ...

    def forget_drawn_days(self) -> None: ...


@dataclass(frozen=True)
class _Issued:
    roles: frozenset[str]
    expires_at: float  # on the emulator's clock


class _BadRequestError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        super().__init__(message)


class GraphEmulator(EmulatorServer):
    """A Microsoft tenant on loopback: Graph under `/v1.0`, its token endpoint under `/{tenant}`.

    It accepts one app registration: `client_id` (default: the tenant's audit app) with
    `client_secret`, granted `permissions`. `premium=False` plays a tenant without Entra ID P1.
    `token_lifetime` is the `expires_in` of the tokens it issues. `rate_limits` overrides the
    requests per window of `PUBLISHED_RATE_LIMITS` by scope (raise them for a fast demo), and
    `rate_window` replaces every scope's window (tests use 1 second).
    """

    def __init__(
        self,
        tenant: GraphTenantData,
        client_secret: str,
        *,
        client_id: str | None = None,
        permissions: frozenset[str] = ALL_PERMISSIONS,
        premium: bool = True,
        token_lifetime: int = 3599,
        rate_limits: Mapping[str, int] | None = None,
        rate_window: float | None = None,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(rate_limits={}, clock=clock, host=host, port=port)
        limits = {
            scope: ((rate_limits or {}).get(scope, count), rate_window or window)
            for scope, (count, window) in PUBLISHED_RATE_LIMITS.items()
        }
        self.limiter = _ScopedLimits(limits, clock)  # type: ignore[assignment]
        self.tenant = tenant
        self.client_id = client_id or tenant.audit_app_id
        self.client_secret = client_secret
        self.permissions = permissions
        self.premium = premium
        self.token_lifetime = token_lifetime
        self._tenant_names = {tenant.tenant_id.lower(), tenant.domain.lower()}
        self._lists = {
            "subscribedSkus": _objects(tenant.subscribed_skus),
            "servicePrincipals": _objects(tenant.service_principals),
            "users": _objects(tenant.users),
        }
        # Each type's property names, in Graph's order, gathered once: gathered on every page, from
        # every object, they cost the emulator 4 s of the pipeline's wait for L's 50,000 users.
        self._properties = {
            resource: tuple(dict.fromkeys(name for obj in objects for name in obj))
            for resource, objects in self._lists.items()
        }
        self._tokens: dict[str, _Issued] = {}
        self._tokens_lock = threading.Lock()
        self._local = threading.local()
        self._request_ids = itertools.count(1)

    def forget_drawn_events(self) -> None:
        self.tenant.forget_drawn_days()

    def start(self) -> GraphEmulator:
        super().start()
        # The token endpoint is a form POST, which the shared handler does not answer.
        self._httpd.RequestHandlerClass = _GraphHandler  # type: ignore[union-attr]
        return self

    @property
    def token_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST"]

    # -- the vendor hooks of EmulatorServer -----------------------------------------------------

    def answer(self, path: str, params: dict[str, str], headers: Mapping[str, str]) -> Reply:
        local = self._local
        local.reason, local.roles, local.params = None, frozenset(), params
        local.request_id = str(uuid.UUID(int=next(self._request_ids)))
        local.client_request_id = headers.get("client-request-id") or local.request_id
        reply = super().answer(path, params, headers)
        if reply.status == 401 and local.reason is None:
            self._revoke(headers)  # an `expired_token` fault: this token is dead from now on
        retry_after = [value for name, value in reply.headers if name == "Retry-After"]
        extra = [] if reply.status < 400 or not retry_after else [("Retry-After", retry_after[-1])]
        if reply.status == 401:
            extra.append(("WWW-Authenticate", _WWW_AUTHENTICATE))
        kept = [(name, value) for name, value in reply.headers if name != "Retry-After"]
        return replace(reply, headers=[*kept, *extra, *self._trace_headers()])

    def authorized(self, headers: Mapping[str, str]) -> bool:
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        if scheme != "Bearer" or not token:
            self._local.reason = "missing"
            return False
        with self._tokens_lock:
            issued = self._tokens.get(token)
        if issued is None:
            self._local.reason = "invalid"
            return False
        if self.clock() >= issued.expires_at:
            self._local.reason = "expired"
            return False
        self._local.roles = issued.roles
        return True

    def bucket(self, path: str) -> str:
        if path.startswith("/v1.0/auditLogs"):
            return "auditLogs"
        if path == "/v1.0/users" and "signInActivity" in self._local.params.get("$select", ""):
            return "signInActivity"
        return "directory"

    def rate_limit_headers(self, limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        # Graph sends no quota headers, only `Retry-After` on a 429 (`answer` drops it elsewhere).
        if remaining > 0:
            return []
        return [("Retry-After", str(max(1, math.ceil(reset - self.clock()))))]

    def unauthorized(self) -> Reply:
        reason = self._local.reason or "expired"
        return self._error(401, "InvalidAuthenticationToken", _UNAUTHORIZED[reason])

    def rate_limited(self) -> Reply:
        return self._error(429, "TooManyRequests", "Too many requests.")

    def server_error(self, status: int) -> Reply:
        code, message = _GRAPH_ERRORS.get(status, ("UnknownError", "Internal Server Error"))
        return self._error(status, code, message)

    def route(self, path: str, params: dict[str, str], overlap: bool) -> Reply:
        if not path.startswith("/v1.0/"):
            return Reply(404, "<html><body>404 - File or directory not found.</body></html>",
                         [], "text/html")  # fmt: skip
        resource = path.removeprefix("/v1.0/")
        try:
            if resource == "subscribedSkus":
                return self._subscribed_skus(params)
            if resource == "servicePrincipals":
                self._require("Application.Read.All")
                return self._directory_list(resource, params, overlap)
            if resource == "users":
                return self._users(params, overlap)
            if resource == "auditLogs/signIns":
                return self._sign_ins(params, overlap)
        except _BadRequestError as bad:
            return self._error(bad.status, bad.code, str(bad))
        segment = resource.split("/")[0]
        return self._error(400, "BadRequest", f"Resource not found for the segment '{segment}'.")

    # -- directory lists ----------------------------------------------------------------------

    def _subscribed_skus(self, params: dict[str, str]) -> Reply:
        self._require("Organization.Read.All")
        if "$top" in params:
            raise _BadRequestError(
                400,
                "BadRequest",
                "The query specified in the URI is not valid. Query option 'Top' is not allowed.",
            )
        select = _select(params, self._properties["subscribedSkus"], "subscribedSku")
        objects = [_selected(o, select) for o in self._lists["subscribedSkus"]]
        return self._page("subscribedSkus", params, objects, None)

    def _users(self, params: dict[str, str], overlap: bool) -> Reply:
        self._require("User.Read.All")
        if "$filter" in params or "$search" in params:
            raise _BadRequestError(400, "Request_UnsupportedQuery", "Unsupported query (emulator).")
        if "signInActivity" in params.get("$select", ""):
            self._require("AuditLog.Read.All")
            if not self.premium:
                raise _BadRequestError(403, *_NOT_PREMIUM)
        return self._directory_list("users", params, overlap)

    def _directory_list(self, resource: str, params: dict[str, str], overlap: bool) -> Reply:
        activity = "signInActivity" in params.get("$select", "")
        default, most = PAGE_SIZES["signInActivity" if activity else "directory"]
        top = _top(params, default, 999, clamp_to=most)
        objects = self._lists[resource]
        start = _decode_offset(params["$skiptoken"]) if "$skiptoken" in params else 0
        chosen = objects[start : start + top]
        if resource == "users":
            select = _select(params, self._properties[resource], "user", USER_DEFAULT_PROPERTIES)
        else:
            select = _select(params, self._properties[resource], "servicePrincipal")
        value = [_selected(o, select) for o in chosen]
        end = start + len(chosen)
        next_start = (
            None if end >= len(objects) else end - 1 if overlap and len(chosen) > 1 else end
        )
        query = None
        if next_start is not None:
            query = {k: params[k] for k in ("$select",) if k in params}
            query |= {"$top": str(top), "$skiptoken": _encode_offset(next_start)}
        return self._page(resource, params, value, query)

    # -- sign-in log --------------------------------------------------------------------------

    def _sign_ins(self, params: dict[str, str], overlap: bool) -> Reply:
        self._require("AuditLog.Read.All")
        if not self.premium:
            raise _BadRequestError(403, *_NOT_PREMIUM)
        since, until = _parse_filter(params.get("$filter"), self._now())
        until = self.logged_by(until)
        top = _top(params, *PAGE_SIZES["signIns"])
        cursor = _decode_cursor(params["$skiptoken"]) if "$skiptoken" in params else None
        page, more = self._newest_first(since, until, cursor, top)
        query = None
        if more and page.num_rows:
            last = page.num_rows - (2 if overlap and page.num_rows > 1 else 1)
            cursor = (page.column("created_date_time")[last].value, page.column("id")[last].as_py())
            query = {k: params[k] for k in ("$filter",) if k in params}
            query |= {"$top": str(top), "$skiptoken": _encode_cursor(cursor)}
        context = f'"@odata.context":"{self.base_url}/v1.0/$metadata#auditLogs/signIns"'
        link = (
            f',"@odata.nextLink":{json.dumps(self._link("auditLogs/signIns", query))}'
            if query
            else ""
        )
        body = b"{" + (context + link + ',"value":[').encode() + _sign_ins_json(page) + b"]}"
        return Reply(200, body)

    def _newest_first(
        self, since: datetime, until: datetime, cursor: tuple[int, str] | None, top: int
    ) -> tuple[pa.Table, bool]:
        """Up to `top` sign-ins of [since, until) older than `cursor`, newest first; and whether
        more remain. Day by day backwards, so a page reads only the days it needs."""
        parts: list[pa.Table] = []
        found = 0
        upper = (
            until if cursor is None else min(until, _from_us(cursor[0]) + timedelta(microseconds=1))
        )
        while upper > since and found <= top:
            lower = max(since, _day_floor(upper - timedelta(microseconds=1)))
            batches = list(self.tenant.sign_ins(lower, upper))
            if batches:
                day = pa.Table.from_batches(batches, schema=SIGN_INS.schema)
                if cursor is not None:
                    day = day.filter(_older_than(day, cursor))
                day = day.sort_by([("created_date_time", "descending"), ("id", "descending")])
                parts.append(day)
                found += day.num_rows
            upper = lower
        table = pa.concat_tables(parts) if parts else SIGN_INS.schema.empty_table()
        return table.slice(0, top), table.num_rows > top

    # -- token endpoint -----------------------------------------------------------------------

    def token_reply(self, path: str, form: dict[str, str]) -> Reply:
        """The answer to a token request, faults applied as to any other request."""
        fault = self.faults.take(path)
        if fault is not None and fault.kind == "server_error":
            reply = self._token_error(fault.status, "temporarily_unavailable", 50196,
                                      "The server is temporarily unavailable.")  # fmt: skip
        elif fault is not None and fault.kind == "rate_limit":
            reply = self._token_error(429, "temporarily_unavailable", 50196, "Too many requests.")
            reply.headers.append(("Retry-After", str(round(fault.reset_after))))
        else:
            reply = self._issue(path, form)
        if fault is not None and fault.retry_after is not None:
            reply.headers.append(("Retry-After", str(round(fault.retry_after))))
        if fault is not None and fault.kind == "slow":
            reply.delay = fault.delay
        if fault is not None and fault.kind == "malformed":
            reply.truncate = True
        return reply

    def _issue(self, path: str, form: dict[str, str]) -> Reply:
        match = _TOKEN_PATH.match(path)
        if match is None:
            return Reply(404, "<html><body>404 Not Found</body></html>", [], "text/html")
        tenant = match.group(1)
        if tenant.lower() not in self._tenant_names:
            return self._token_error(
                400, "invalid_request", 90002, f"AADSTS90002: Tenant '{tenant}' not found."
            )
        if form.get("grant_type") != "client_credentials":
            return self._token_error(
                400, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an "
                "unsupported grant type."
            )  # fmt: skip
        if form.get("client_id") != self.client_id:
            return self._token_error(
                400,
                "unauthorized_client",
                700016,
                f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not "
                f"found in the directory '{tenant}'.",
            )
        if not secrets.compare_digest(form.get("client_secret", ""), self.client_secret):
            return self._token_error(
                401,
                "invalid_client",
                7000215,
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                "the request is the client secret value, not the client secret ID, for a secret "
                f"added to app '{self.client_id}'.",
            )
        if form.get("scope") != f"{self.base_url}/.default":
            return self._token_error(
                400,
                "invalid_scope",
                1002012,
                f"AADSTS1002012: The provided value for scope {form.get('scope')} is not valid. "
                "Client credential flows must have a scope value with /.default suffixed to the "
                "resource identifier (application ID URI).",
            )
        token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(32)
        with self._tokens_lock:
            self._tokens[token] = _Issued(self.permissions, self.clock() + self.token_lifetime)
        body = {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": token,
        }
        return Reply(200, body)

    def _token_error(self, status: int, error: str, code: int, description: str) -> Reply:
        trace = str(uuid.UUID(int=next(self._request_ids)))
        stamp = datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        body = {
            "error": error,
            "error_description": f"{description} Trace ID: {trace} Correlation ID: {trace} "
            f"Timestamp: {stamp}",
            "error_codes": [code],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": trace,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        }
        return Reply(status, body)

    # -- helpers ------------------------------------------------------------------------------

    def _require(self, permission: str) -> None:
        if permission not in self._local.roles and "Directory.Read.All" not in self._local.roles:
            raise _BadRequestError(
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
            )

    def _revoke(self, headers: Mapping[str, str]) -> None:
        token = (headers.get("Authorization") or "").partition(" ")[2]
        with self._tokens_lock:
            if token in self._tokens:
                self._tokens[token] = replace(self._tokens[token], expires_at=float("-inf"))

    def _page(
        self, resource: str, params: dict[str, str], value: list[dict], query: dict | None
    ) -> Reply:
        select = params.get("$select")
        context = f"{self.base_url}/v1.0/$metadata#{resource}" + (f"({select})" if select else "")
        body: dict[str, Any] = {"@odata.context": context}
        if query is not None:
            body["@odata.nextLink"] = self._link(resource, query)
        body["value"] = value
        return Reply(200, body)

    def _link(self, resource: str, query: Mapping[str, str]) -> str:
        return f"{self.base_url}/v1.0/{resource}?{urlencode(query, quote_via=quote, safe='$,')}"

    def _error(self, status: int, code: str, message: str) -> Reply:
        inner = {
            "date": datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "request-id": self._local.request_id,
            "client-request-id": self._local.client_request_id,
        }
        return Reply(status, {"error": {"code": code, "message": message, "innerError": inner}})

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).replace(tzinfo=None)

    def _trace_headers(self) -> list[tuple[str, str]]:
        return [
            ("request-id", self._local.request_id),
            ("client-request-id", self._local.client_request_id),
            ("Cache-Control", "no-cache"),
        ]


class _ScopedLimits:
    """Per-scope fixed windows, each scope with its own length (Graph meters per service)."""

    def __init__(self, limits: Mapping[str, tuple[int, float]], clock: Callable[[], float]):
        self._limiters = {
            scope: RateLimiter({scope: count}, window, clock)
            for scope, (count, window) in limits.items()
        }
        self._clock = clock

    def hit(self, bucket: str) -> tuple[bool, int, int, float]:
        limiter = self._limiters.get(bucket)
        if limiter is None:
            return True, 0, 0, self._clock()
        return limiter.hit(bucket)


class _GraphHandler(_Handler):
    """The shared handler, plus the token endpoint's form POST."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        emulator: GraphEmulator = self.server.emulator  # type: ignore[assignment]
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        reply = emulator.token_reply(parts.path, form)
        if isinstance(reply.body, str):
            body = reply.body.encode()
        else:
            body = json.dumps(reply.body, separators=(",", ":")).encode()
        if reply.truncate:
            body = body[: len(body) // 2]
        if reply.delay and emulator.stopping.wait(reply.delay):
            self.close_connection = True
            return
        shown = {k: "<redacted>" if k == "client_secret" else v for k, v in form.items()}
        headers = {
            name: "<redacted>" if name.lower() in SECRET_HEADERS else value
            for name, value in self.headers.items()
        }
        emulator.record(RecordedRequest("POST", parts.path, shown, headers, reply.status))
        self._send(reply, body)


# -- request parsing ------------------------------------------------------------------------------


def _top(params: Mapping[str, str], default: int, most: int, clamp_to: int | None = None) -> int:
    raw = params.get("$top")
    if raw is None:
        return default
    try:
        top = int(raw)
    except ValueError:
        raise _BadRequestError(400, "BadRequest", f"Invalid $top value '{raw}'.") from None
    if not 1 <= top <= most:
        raise _BadRequestError(
            400,
            "Request_UnsupportedQuery",
            f"Invalid page size specified: '{top}'. Must be between 1 and {most} inclusive.",
        )
    return min(top, clamp_to or most)


def _parse_filter(expression: str | None, now: datetime) -> tuple[datetime, datetime]:
    """[since, until) from `createdDateTime ge X and createdDateTime lt Y` (any of ge/gt/le/lt).

    A missing bound is that of Graph's retention: the last 30 days up to now.
    """
    since, until = datetime.min, datetime.max
    for clause in re.split(r"\s+and\s+", (expression or "").strip()) if expression else ():
        match = _FILTER_CLAUSE.match(clause)
        if match is None:
            raise _BadRequestError(400, "BadRequest", "Invalid filter clause")
        operator, literal = match.groups()
        try:
            moment = datetime.fromisoformat(literal)
        except ValueError:
            raise _BadRequestError(
                400, "BadRequest", f"Invalid filter clause: '{literal}' is not a DateTimeOffset"
            ) from None
        moment = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        tick = timedelta(microseconds=1)
        if operator in ("ge", "gt"):
            since = max(since, moment + (tick if operator == "gt" else timedelta(0)))
        else:
            until = min(until, moment + (tick if operator == "le" else timedelta(0)))
    return (
        now - RETENTION if since == datetime.min else since,
        now if until == datetime.max else until,
    )


def _objects(table: pa.Table) -> list[dict[str, Any]]:
    return [json.loads(payload) for payload in table.column("payload").to_pylist()]


def _select(
    params: Mapping[str, str],
    known: tuple[str, ...],
    kind: str,
    defaults: tuple[str, ...] | None = None,
) -> list[str]:
    """The properties to return: the `$select`ed ones and the id, else the type's defaults.

    `known` are the type's property names, in Graph's order.
    """
    if "$select" not in params:
        return list(defaults or (name for name in known if name != "signInActivity"))
    names = ["id", *(n.strip() for n in params["$select"].split(",") if n.strip() != "id")]
    for name in names:
        if name not in known:
            raise _BadRequestError(
                400,
                "BadRequest",
                f"Could not find a property named '{name}' on type 'microsoft.graph.{kind}'.",
            )
    return list(dict.fromkeys(names))


def _selected(obj: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: obj.get(name) for name in names}


def _encode_offset(offset: int) -> str:
    return _b64(f"RFNwdAIAAQAAA|{offset}")


def _decode_offset(token: str) -> int:
    try:
        return int(_unb64(token).rpartition("|")[2])
    except ValueError:
        raise _BadRequestError(400, "Request_BadRequest", "Invalid $skiptoken.") from None


def _encode_cursor(cursor: tuple[int, str]) -> str:
    return _b64(f"{cursor[0]}|{cursor[1]}")


def _decode_cursor(token: str) -> tuple[int, str]:
    try:
        micros, _, sign_in_id = _unb64(token).partition("|")
        return int(micros), sign_in_id
    except ValueError:
        raise _BadRequestError(400, "BadRequest", "Invalid $skiptoken.") from None


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(token) from None


def _older_than(table: pa.Table, cursor: tuple[int, str]) -> pa.Array:
    """Rows after `cursor` in newest-first order: created earlier, or at once with a lower id."""
    created = table.column("created_date_time").cast(pa.int64())
    at, sign_in_id = cursor
    return pc.or_(
        pc.less(created, at),
        pc.and_(pc.equal(created, at), pc.less(table.column("id"), sign_in_id)),
    )


def _day_floor(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _from_us(micros: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=micros)


# -- sign-ins as Graph's JSON ---------------------------------------------------------------------


def _sign_ins_json(page: pa.Table) -> bytes:
    """The page's sign-ins as the items of a JSON array, written column-wise with Arrow.

    The fields are those of Graph's signIn resource, in its order; risk and policy details a
    sample company has no use for are written as Graph writes them when nothing happened.
    """
    if page.num_rows == 0:
        return b""
    column = {name: page.column(name).combine_chunks() for name in page.column_names}

    def text(name: str) -> pa.Array:
        return json_string(column[name])

    created = column["created_date_time"]
    whole = bool((created.cast(pa.int64()).to_numpy() % 1_000_000 == 0).all())
    # Graph writes whole seconds without a fraction; Arrow's %S shows one unless the unit is s.
    stamp = pc.strftime(created.cast(pa.timestamp("s")) if whole else created, "%Y-%m-%dT%H:%M:%S")
    interactive = pc.fill_null(pc.if_else(column["is_interactive"], "true", "false"), "null")
    error_code = pc.fill_null(column["status_error_code"].cast(pa.string()), "null")
    objects = pc.binary_join_element_wise(
        '{"id":', text("id"),
        ',"createdDateTime":"', stamp,
        'Z","userDisplayName":', text("user_display_name"),
        ',"userPrincipalName":', text("user_principal_name"),
        ',"userId":', text("user_id"),
        ',"appId":', text("app_id"),
        ',"appDisplayName":', text("app_display_name"),
        ',"ipAddress":', text("ip_address"),
        ',"clientAppUsed":', text("client_app_used"),
        ',"correlationId":', text("id"),
        ',"conditionalAccessStatus":', text("conditional_access_status"),
        ',"isInteractive":', interactive,
        ',"riskDetail":"none","riskLevelAggregated":"none","riskLevelDuringSignIn":"none",'
        '"riskState":"none","riskEventTypes":[],"riskEventTypes_v2":[],"resourceDisplayName":',
        text("resource_display_name"),
        ',"resourceId":', text("resource_id"),
        ',"status":{"errorCode":', error_code,
        ',"failureReason":', text("status_failure_reason"),
        ',"additionalDetails":null},"deviceDetail":{"deviceId":"","displayName":"",'
        '"operatingSystem":', text("device_detail_operating_system"),
        ',"browser":', text("device_detail_browser"),
        ',"isCompliant":false,"isManaged":false,"trustType":""},"location":{"city":null,'
        '"state":null,"countryOrRegion":', text("location_country_or_region"),
        ',"geoCoordinates":null},"appliedConditionalAccessPolicies":[]}',
        "",
    )  # fmt: skip
    joined = pc.binary_join(pa.ListArray.from_arrays([0, len(objects)], objects), ",")
    return joined[0].as_py().encode()
