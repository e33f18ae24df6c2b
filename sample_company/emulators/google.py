"""Google's Admin SDK Reports API and OAuth token endpoint on loopback, serving a sample company.

It reproduces what a client of the real services meets:

- `GET /admin/reports/v1/activity/users/{userKey|all}/applications/{applicationName}` with
  `startTime` / `endTime` (RFC 3339; `endTime` inclusive), `maxResults` (1 to 1000, default 1000),
  `pageToken`, `eventName` and `customerId`; activities newest first, grouped events, an `items`
  list left out of an empty page, and a `nextPageToken` of Google's shape (`A:<time>:<qualifier>:
  <application>:<customer>`) until the last page.
- `Authorization: Bearer <token>`, answered with Google's error object: 401 `authError` for an
  unknown or expired token, 403 `forbidden` when the delegated user is not an administrator and
  `insufficientPermissions` when the token lacks the reports scope.
- `POST /token`: the OAuth 2.0 JWT bearer grant of a service account with domain-wide delegation.
  The assertion's RS256 signature is verified with the public key of `service_account`, and its
  `aud`, `iat` / `exp`, `sub` and `scope` are checked as Google does; tokens last `token_lifetime`.
- One per-minute quota for all reports; past it, 429 `rateLimitExceeded` (or, with
  `rate_limit_status=403`, the older 403 `userRateLimitExceeded`). Google sends no remaining-quota
  headers, and a `Retry-After` only when a fault asks for one.

    with GoogleEmulator(workspace, service_account=account, admin_email=...) as google:
        connector = GoogleWorkspaceConnector(google.base_url, token_url=google.token_url, ...)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, Self, cast
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sample_company.emulators.server import (
    SECRET_HEADERS,
    EmulatorServer,
    RecordedRequest,
    Reply,
    _Handler,
)

REPORTS_SCOPE = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_PATH = "/token"
QUOTA_BUCKET = "/admin/reports/v1"
#: Queries a minute before 429. Google publishes no fixed figure; each Cloud project's quota page
#: shows its own, and this is the emulator's stand-in (raise it for a fast demo).
DEFAULT_QUOTA_PER_MINUTE = 2400
MAX_RESULTS = 1000
#: The `applicationName` values the API accepts; only `token` and `login` have events here.
APPLICATIONS = frozenset(
    {
        "access_transparency", "admin", "calendar", "chat", "chrome", "context_aware_access",
        "data_studio", "drive", "gcp", "gplus", "groups", "groups_enterprise", "jamboard",
        "keep", "login", "meet", "mobile", "rules", "saml", "token", "user_accounts",
    }
)  # fmt: skip

_PATH = re.compile(r"^/admin/reports/v1/activity/users/([^/]+)/applications/([^/]+)$")
_QUERY_CACHE_SIZE = 16
_CLOCK_SKEW = 300  # seconds an assertion's `iat` may lie in the future
_ORDER = [
    ("id_time", "descending"),
    ("id_unique_qualifier", "descending"),
    ("event_index", "ascending"),
]
_NOT_FOUND_HTML = (
    "<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title>"
    "<p><b>404.</b> <ins>That's an error.</ins><p>The requested URL was not found on this "
    "server. <ins>That's all we know.</ins></html>"
)


class GoogleWorkspaceView(Protocol):
    """What the emulator serves: `sample_company.google.GoogleWorkspace` or a test's own.

    `activities(application, start, end)` returns the events of `application` (`token`, `login`)
    with `start <= id_time < end` in the `connectors.google.entities` schema of that application.
    """

    customer_id: str
    domain: str

    def activities(self, application: str, start: datetime, end: datetime) -> pa.Table: ...


@dataclass(frozen=True)
class ServiceAccount:
    """The public half of a service account key: whose assertions the token endpoint accepts."""

    client_email: str
    public_key_pem: bytes


@dataclass(frozen=True)
class _Grant:
    subject: str | None  # None: a token given at construction, trusted as an administrator
    scopes: frozenset[str]
    expires_at: float


class _BadRequestError(Exception):
    pass


class GoogleEmulator(EmulatorServer):
    """Reports API and token endpoint on `http://127.0.0.1:<port>`, serving `workspace`.

    Credentials: `service_account` (its assertions are exchanged for tokens at `token_url`, for
    subjects of the workspace's domain and scopes in `delegated_scopes`) and/or a fixed
    `access_token`. Only `admin_email` (and the fixed token) may read reports; other subjects get
    a token but 403 on every report, as with a non-administrator in Google Workspace.
    `rate_limit` is the per-minute quota (`rate_window` seconds long), `rate_limit_status` the
    status of a quota error (429, or 403 as older Google APIs answer).
    """

    def __init__(
        self,
        workspace: GoogleWorkspaceView,
        *,
        service_account: ServiceAccount | None = None,
        access_token: str | None = None,
        admin_email: str | None = None,
        delegated_scopes: tuple[str, ...] = (REPORTS_SCOPE,),
        rate_limit: int | None = DEFAULT_QUOTA_PER_MINUTE,
        rate_window: float = 60.0,
        rate_limit_status: int = 429,
        token_lifetime: int = 3599,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(
            rate_limits={QUOTA_BUCKET: rate_limit} if rate_limit else {},
            rate_window=rate_window,
            clock=clock,
            host=host,
            port=port,
        )
        self.workspace = workspace
        self.admin_email = admin_email
        self.rate_limit_status = rate_limit_status
        self.token_lifetime = token_lifetime
        self._delegated = frozenset(delegated_scopes)
        self._accounts: dict[str, rsa.RSAPublicKey] = {}
        if service_account is not None:
            key = serialization.load_pem_public_key(service_account.public_key_pem)
            self._accounts[service_account.client_email] = cast(rsa.RSAPublicKey, key)
        self._grants: dict[str, _Grant] = {}
        if access_token:
            self._grants[access_token] = _Grant(None, frozenset({REPORTS_SCOPE}), float("inf"))
        self._grants_lock = threading.Lock()
        self._queries: OrderedDict[tuple[Any, ...], _Query] = OrderedDict()
        self._queries_lock = threading.Lock()

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def start(self) -> Self:
        super().start()
        # The shared server answers GET only; the token endpoint needs POST.
        self._httpd.RequestHandlerClass = _GoogleHandler
        return self

    def minted_tokens(self) -> list[str]:
        """Every access token the token endpoint has issued, oldest first."""
        with self._grants_lock:
            return [token for token, grant in self._grants.items() if grant.subject is not None]

    def revoke_tokens(self) -> None:
        """Forget every minted token, as when an administrator resets the service account."""
        with self._grants_lock:
            self._grants = {t: g for t, g in self._grants.items() if g.subject is None}

    # -- the vendor hooks of EmulatorServer -----------------------------------------------------

    def authorized(self, headers: Mapping[str, str]) -> bool:
        return self._grant(headers) is not None

    def bucket(self, path: str) -> str:
        return QUOTA_BUCKET

    def answer(self, path: str, params: dict[str, str], headers: Mapping[str, str]) -> Reply:
        grant = self._grant(headers)
        if grant is not None and REPORTS_SCOPE not in grant.scopes:
            return self._error(
                403, "Request had insufficient authentication scopes.", "insufficientPermissions"
            )
        if grant is not None and grant.subject not in (None, self.admin_email):
            return self._error(403, "Not Authorized to access this resource/api", "forbidden")
        return super().answer(path, params, headers)

    def unauthorized(self) -> Reply:
        reply = self._error(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "authError",
            message="Invalid Credentials",
            location="Authorization",
        )
        reply.headers.append(
            (
                "WWW-Authenticate",
                'Bearer realm="https://accounts.google.com/", error="invalid_token"',
            )
        )
        return reply

    def rate_limited(self) -> Reply:
        if self.rate_limit_status == 403:
            return self._error(
                403, "User Rate Limit Exceeded", "userRateLimitExceeded", "usageLimits"
            )
        return self._error(
            429,
            "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of "
            "service 'admin.googleapis.com' for consumer 'project_number:1'.",
            "rateLimitExceeded",
            "usageLimits",
        )

    def server_error(self, status: int) -> Reply:
        if status == 500:
            return self._error(500, "Internal error encountered.", "backendError")
        if status == 503:
            return self._error(503, "The service is currently unavailable.", "backendError")
        return Reply(status, f"<html><body>{status}</body></html>", [], "text/html")

    def route(self, path: str, params: dict[str, str], overlap: bool) -> Reply:
        match = _PATH.match(path)
        if match is None:
            return Reply(404, _NOT_FOUND_HTML, [], "text/html; charset=UTF-8")
        try:
            return self._activities(match.group(1), match.group(2), params, overlap)
        except _BadRequestError as bad:
            return self._error(400, str(bad), "invalid")

    # -- the token endpoint -----------------------------------------------------------------

    def post(self, path: str, form: Mapping[str, str]) -> Reply:
        """Answer a POST: only the token endpoint takes one."""
        if path != TOKEN_PATH:
            return Reply(404, _NOT_FOUND_HTML, [], "text/html; charset=UTF-8")
        fault = self.faults.take(path)
        if fault is not None and fault.kind == "server_error":
            return self.server_error(fault.status)
        if form.get("grant_type") != JWT_BEARER_GRANT:
            return _oauth_error(
                400, "unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type')}"
            )
        try:
            claims = self._verified_claims(form.get("assertion", ""))
        except _BadRequestError as bad:
            return _oauth_error(400, "invalid_grant", str(bad))
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes or not scopes <= self._delegated:
            return _oauth_error(
                401,
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client "
                "not authorized for any of the scopes requested.",
            )
        token = "ya29." + secrets.token_urlsafe(48)
        grant = _Grant(str(claims["sub"]), scopes, self.clock() + self.token_lifetime)
        with self._grants_lock:
            self._grants[token] = grant
        body = {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        return Reply(200, body, [("Cache-Control", "no-cache, no-store, max-age=0")])

    def _verified_claims(self, assertion: str) -> dict[str, Any]:
        try:
            header_b64, claims_b64, signature_b64 = assertion.split(".")
            header, claims = (json.loads(_unb64(part)) for part in (header_b64, claims_b64))
            signature = _unb64(signature_b64)
        except (ValueError, binascii.Error):
            raise _BadRequestError("Invalid JWT: malformed assertion") from None
        if not isinstance(claims, dict) or header.get("alg") != "RS256":
            raise _BadRequestError("Invalid JWT: expected an RS256-signed claim set")
        key = self._accounts.get(str(claims.get("iss")))
        if key is None:
            raise _BadRequestError("Invalid grant: account not found")
        try:
            key.verify(
                signature,
                f"{header_b64}.{claims_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            raise _BadRequestError("Invalid JWT Signature.") from None
        if claims.get("aud") != self.token_url:
            raise _BadRequestError(
                f"Invalid JWT: Failed audience check. The expected audience is {self.token_url}."
            )
        now, iat, exp = self.clock(), claims.get("iat"), claims.get("exp")
        if (
            not isinstance(iat, int)
            or not isinstance(exp, int)
            or exp - iat > 3600
            or exp <= now
            or iat > now + _CLOCK_SKEW
        ):
            raise _BadRequestError(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                "timeframe. Check your iat and exp values in the JWT claim."
            )
        if not str(claims.get("sub", "")).endswith("@" + self.workspace.domain):
            raise _BadRequestError("Invalid email or User ID")
        return claims

    # -- activities -------------------------------------------------------------------------

    def _activities(
        self, user_key: str, application: str, params: dict[str, str], overlap: bool
    ) -> Reply:
        if application not in APPLICATIONS:
            raise _BadRequestError(f"Invalid value '{application}' for applicationName")
        customer = params.get("customerId")
        if customer and customer != self.workspace.customer_id:
            return self._error(403, "Not Authorized to access this resource/api", "forbidden")
        end = _parse_time("endTime", params["endTime"]) if params.get("endTime") else self._now()
        start = (
            _parse_time("startTime", params["startTime"])
            if params.get("startTime")
            else end - timedelta(days=180)
        )
        if start > end:
            raise _BadRequestError("Start time must be less than or equal to the end time.")
        limit = _max_results(params.get("maxResults"))
        query = self._query(user_key, application, start, end, params.get("eventName"))
        first = query.position(params.get("pageToken"), application, self.workspace.customer_id)
        stop = min(first + limit, query.count)
        items = query.items(first, stop)
        etag = _etag(f"{application}:{start}:{end}:{first}")
        body = f'{{"kind":"admin#reports#activities","etag":{json.dumps(etag)}'
        if items:
            body += f',"items":[{",".join(items)}]'
        if stop < query.count:
            # A repeated record: the next page starts again at this page's last activity.
            resume = stop - 1 if overlap and stop - first >= 2 else stop
            token = query.token(resume, application, self.workspace.customer_id)
            body += f',"nextPageToken":{json.dumps(token)}'
        return Reply(200, body + "}")

    def _query(
        self, user_key: str, application: str, start: datetime, end: datetime, event: str | None
    ) -> _Query:
        key = (user_key, application, start, end, event)
        with self._queries_lock:
            query = self._queries.pop(key, None)
        if query is None:
            if application in ("token", "login"):
                # endTime is inclusive; event times are whole milliseconds.
                table = self.workspace.activities(
                    application, start, end + timedelta(milliseconds=1)
                )
            else:
                table = None
            query = _Query(table, user_key, event, self._etag_base())
        with self._queries_lock:
            self._queries[key] = query
            while len(self._queries) > _QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return query

    # -- helpers ----------------------------------------------------------------------------

    def _grant(self, headers: Mapping[str, str]) -> _Grant | None:
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        with self._grants_lock:
            grant = self._grants.get(token.strip())
        return grant if grant is not None and grant.expires_at > self.clock() else None

    def _error(
        self,
        status: int,
        text: str,
        reason: str,
        domain: str = "global",
        *,
        message: str | None = None,
        location: str | None = None,
    ) -> Reply:
        item: dict[str, str] = {"message": message or text, "domain": domain, "reason": reason}
        if location:
            item |= {"location": location, "locationType": "header"}
        body = {
            "error": {"code": status, "message": text, "errors": [item], "status": _STATUS[status]}
        }
        return Reply(status, body, [("Vary", "Origin, X-Origin, Referer")])

    def _etag_base(self) -> str:
        return hashlib.sha256(self.workspace.customer_id.encode()).hexdigest()[:27]

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).replace(tzinfo=None)


_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class _Query:
    """The events one query selects, newest activity first, and where each activity starts."""

    def __init__(
        self, table: pa.Table | None, user_key: str, event: str | None, etag_base: str
    ) -> None:
        if table is not None and user_key != "all":
            table = table.filter(pc.equal(table["actor_email"], user_key))
        if table is not None and event:
            table = table.filter(pc.equal(table["event_name"], event))
        if table is None or table.num_rows == 0:
            self._rows: list[dict[str, Any]] = []
            self._starts = np.zeros(1, np.int64)
        else:
            table = table.sort_by(_ORDER)
            times = table["id_time"].cast(pa.int64()).to_numpy()
            qualifiers = np.array(table["id_unique_qualifier"].to_pylist(), dtype=object)
            new = np.ones(len(times), bool)
            new[1:] = (times[1:] != times[:-1]) | (qualifiers[1:] != qualifiers[:-1])
            self._starts = np.append(np.flatnonzero(new), len(times))
            self._rows = table.to_pylist()
        self._etag_base = etag_base
        self.count = len(self._starts) - 1
        self._index = {self._ident(i): i for i in range(self.count)}

    def position(self, page_token: str | None, application: str, customer: str) -> int:
        if not page_token:
            return 0
        parts = page_token.split(":")
        if len(parts) != 5 or parts[0] != "A" or parts[3:] != [application, customer]:
            raise _BadRequestError(f"Invalid value '{page_token}' for pageToken")
        position = self._index.get((parts[1], parts[2]))
        if position is None:
            raise _BadRequestError(f"Invalid value '{page_token}' for pageToken")
        return position

    def token(self, position: int, application: str, customer: str) -> str:
        time_us, qualifier = self._ident(position)
        return f"A:{time_us}:{qualifier}:{application}:{customer}"

    def items(self, first: int, stop: int) -> list[str]:
        return [
            self._activity_json(self._rows[self._starts[i] : self._starts[i + 1]])
            for i in range(first, stop)
        ]

    def _ident(self, position: int) -> tuple[str, str]:
        row = self._rows[self._starts[position]]
        moment = row["id_time"] - datetime(1970, 1, 1)
        time_us = (moment.days * 86_400 + moment.seconds) * 1_000_000 + moment.microseconds
        return str(time_us), row["id_unique_qualifier"]

    def _activity_json(self, rows: list[dict[str, Any]]) -> str:
        """One Activity resource with its events, fields in the order Google writes them."""
        first = rows[0]
        ident = {
            "time": first["id_time"].isoformat(timespec="milliseconds") + "Z",
            "uniqueQualifier": first["id_unique_qualifier"],
            "applicationName": first["id_application_name"],
            "customerId": first["id_customer_id"],
        }
        actor = {
            "callerType": first["actor_caller_type"],
            "email": first["actor_email"],
            "profileId": first["actor_profile_id"],
        }
        events = ",".join(
            f'{{"type":{_dumps(row["event_type"])},"name":{_dumps(row["event_name"])}'
            + (f',"parameters":{row["parameters"]}' if row["parameters"] is not None else "")
            + "}"
            for row in rows
        )
        etag = _etag(f"{self._etag_base}/{first['id_unique_qualifier']}")
        return (
            f'{{"kind":"admin#reports#activity","id":{_dumps(ident)},"etag":{_dumps(etag)},'
            f'"actor":{_dumps({k: v for k, v in actor.items() if v is not None})},'
            f'"ipAddress":{_dumps(first["ip_address"])},"events":[{events}]}}'
        )


class _GoogleHandler(_Handler):
    """The shared request handler, plus POST for the OAuth token endpoint."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        emulator = cast(GoogleEmulator, self.server.emulator)
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
        path = urlsplit(self.path).path
        reply = emulator.post(path, form)
        body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        headers = {
            name: "<redacted>" if name.lower() in SECRET_HEADERS else value
            for name, value in self.headers.items()
        }
        shown = {name: "<redacted>" if name == "assertion" else v for name, v in form.items()}
        emulator.record(RecordedRequest("POST", path, shown, headers, reply.status))
        self._send(reply, body.encode())


def _oauth_error(status: int, error: str, description: str) -> Reply:
    return Reply(status, {"error": error, "error_description": description})


def _parse_time(name: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _BadRequestError(f"Invalid value '{value}' for {name}: expected RFC 3339")
    return moment.astimezone(UTC).replace(tzinfo=None)


def _max_results(raw: str | None) -> int:
    if not raw:
        return MAX_RESULTS
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_RESULTS:
        raise _BadRequestError(
            f"Invalid value '{raw}'. Values must be within the range: [1, {MAX_RESULTS}]"
        )
    return int(raw)


def _etag(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return '"' + base64.urlsafe_b64encode(digest).decode().rstrip("=")[:27] + '"'


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
