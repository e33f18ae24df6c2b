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
import functools
import hashlib
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator, Mapping
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

from connectors.read_ahead import read_ahead
from sample_company.emulators.server import (
    SECRET_HEADERS,
    EmulatorServer,
    RecordedRequest,
    Reply,
    _Handler,
)
from sample_company.ids import mix64

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
_STREAM_CACHE_SIZE = 16
_EPOCH = datetime(1970, 1, 1)
_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)
_CHUNK_DAYS = 7  # the most days of events the emulator reads from the view at once
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
        self._writer = _ActivityWriter(workspace.customer_id)
        self._streams: OrderedDict[tuple[Any, ...], _ActivityStream] = OrderedDict()
        self._streams_lock = threading.Lock()
        self._per_day: dict[str, float] = {}  # events a day of each application, as last seen

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def start(self) -> Self:
        super().start()
        # The shared server answers GET only; the token endpoint needs POST.
        self._httpd.RequestHandlerClass = _GoogleHandler
        return self

    def stop(self) -> None:
        super().stop()
        with self._streams_lock:
            streams = list(self._streams.values())
            self._streams.clear()
        for stream in streams:  # their days drawn ahead are no longer wanted
            stream.close()

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
        end = self.logged_by(end)
        limit = _max_results(params.get("maxResults"))
        page_token = params.get("pageToken")
        after = _token_ident(page_token, application, self.workspace.customer_id)
        query = (user_key, application, start, end, params.get("eventName"))
        stream = self._stream(query, after)
        rows, starts, more = stream.page(limit)
        if after is not None and (rows.num_rows == 0 or _ident(rows, 0) != after):
            raise _BadRequestError(f"Invalid value '{page_token}' for pageToken")
        etag = _etag(f"{application}:{start}:{end}:{page_token or ''}")
        parts = [b'{"kind":"admin#reports#activities","etag":', _dumps(etag).encode()]
        if rows.num_rows:
            parts += [b',"items":[', self._writer.items(rows, starts), b"]"]
        if more:
            if overlap and len(starts) > 2:
                # A repeated record: the next page starts again at this page's last activity.
                resume = _ident(rows, int(starts[-2]))
            else:
                resume = stream.next_ident()
                with self._streams_lock:
                    self._streams[(*query, resume)] = stream
                    evicted = [
                        self._streams.popitem(last=False)[1]
                        for _ in range(len(self._streams) - _STREAM_CACHE_SIZE)
                    ]
                for dropped in evicted:  # outside the lock: each waits for its day being drawn
                    dropped.close()
            token = f"A:{resume[0]}:{resume[1]}:{application}:{self.workspace.customer_id}"
            parts += [b',"nextPageToken":', _dumps(token).encode()]
        return Reply(200, b"".join([*parts, b"}"]))

    def _stream(self, query: tuple[Any, ...], after: _Ident | None) -> _ActivityStream:
        """The query's activities from `after` on: the stream the last page left there, if kept."""
        if after is not None:
            with self._streams_lock:
                stream = self._streams.pop((*query, after), None)
            if stream is not None:
                return stream
        user_key, application, start, end, event = query
        # endTime is inclusive; event times are whole milliseconds.
        chunks = self._chunks(application, start, end + timedelta(milliseconds=1), after)
        return _ActivityStream(chunks, user_key, event)

    def _chunks(
        self, application: str, start: datetime, end: datetime, after: _Ident | None
    ) -> Iterator[pa.Table]:
        """The events of `application` in [start, end) from `after` on, newest first, in chunks
        of whole UTC days (the first and last cut by the range) of about a page of events each,
        so a long query holds only the events of the page being served, whatever its span."""
        if application not in ("token", "login"):
            return
        top = end if after is None else min(end, _EPOCH + timedelta(microseconds=after[0] + 1))
        low = datetime.combine((top - _MICROSECOND).date(), datetime.min.time())
        while top > start:
            per_day = self._per_day.get(application)  # unknown: read one day to learn it
            days = 1 if per_day is None else max(1, min(_CHUNK_DAYS, int(MAX_RESULTS / per_day)))
            low = max(low - (days - 1) * _DAY, start)
            table = self.workspace.activities(application, low, top)
            if top - low >= _DAY:  # a day or more: how many events a day the company has
                self._per_day[application] = max(1, table.num_rows) * _DAY / (top - low)
            if after is not None:
                # The token's activity and those listed after it: older, or as old and lower.
                times, qualifiers = table["id_time"], table["id_unique_qualifier"]
                at = pa.scalar(after[0], pa.int64()).cast(times.type)
                table = table.filter(
                    pc.or_(
                        pc.less(times, at),
                        pc.and_(pc.equal(times, at), pc.less_equal(qualifiers, after[1])),
                    )
                )
                after = None
            yield table
            top, low = low, low - _DAY

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


#: An activity's id as a page token names it: `id.time` in microseconds, `id.uniqueQualifier`.
_Ident = tuple[int, str]


class _ActivityStream:
    """The activities of one query not served yet, in Google's order: newest first.

    `chunks` gives the query's events newest first, a few days at a time; rows read past a page
    stay buffered, so each page resumes the query where the last one stopped instead of reading
    it again, and memory holds a page and three chunks at most (the one served, one waiting, one
    being drawn), however long the query.

    The next chunk is drawn and sorted in a thread of its own while the pages of the one before
    are served (`read_ahead`): a day of a large company's token events costs 0.2-0.4 s to draw,
    and drawn in the request that needed it, it stalled every hundredth page. Google's servers
    answer at a steady pace; an emulator that did not held a paced client to 87-89% of the quota.
    """

    def __init__(self, chunks: Iterator[pa.Table], user_key: str, event: str | None) -> None:
        self._pieces = read_ahead(_prepared(chunks, user_key, event))
        self._rows = _EMPTY
        self._starts = np.zeros(1, np.int64)  # where each buffered activity starts, then the end

    def page(self, limit: int) -> tuple[pa.Table, np.ndarray, bool]:
        """The rows of the next `limit` activities at most, where each starts (then the end),
        and whether any activity remains after them."""
        while len(self._starts) <= limit + 1:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._append(*piece)
        if len(self._starts) <= limit + 1:
            rows, starts = self._rows, self._starts
            self._rows, self._starts = _EMPTY, np.zeros(1, np.int64)
            return rows, starts, False
        stop = int(self._starts[limit])
        rows, starts = self._rows.slice(0, stop), self._starts[: limit + 1]
        self._rows, self._starts = self._rows.slice(stop), self._starts[limit:] - stop
        return rows, starts, True

    def next_ident(self) -> _Ident:
        """The id of the first activity the next page will list."""
        return _ident(self._rows, 0)

    def close(self) -> None:
        """Stop drawing ahead: the query will not be continued."""
        self._pieces.close()  # type: ignore[attr-defined]

    def _append(self, chunk: pa.Table, starts: np.ndarray) -> None:
        self._starts = np.concatenate([self._starts[:-1], starts + self._rows.num_rows])
        self._rows = pa.concat_tables([self._rows, chunk])


def _prepared(
    chunks: Iterator[pa.Table], user_key: str, event: str | None
) -> Generator[tuple[pa.Table, np.ndarray], None, None]:
    """Each chunk's activities of the query in Google's order, and where each activity starts
    (then the end); chunks left empty by the query are skipped."""
    for chunk in chunks:
        if user_key != "all":
            chunk = chunk.filter(pc.equal(chunk["actor_email"], user_key))
        if event:
            chunk = chunk.filter(pc.equal(chunk["event_name"], event))
        if chunk.num_rows == 0:
            continue
        chunk = chunk.sort_by(_ORDER).select(_EMPTY.column_names).cast(_EMPTY.schema)
        chunk = chunk.combine_chunks()
        times = chunk["id_time"].cast(pa.int64()).to_numpy()
        qualifiers = chunk["id_unique_qualifier"].chunk(0)
        new = np.ones(len(times), bool)
        same = pc.equal(qualifiers.slice(1), qualifiers.slice(0, len(times) - 1))
        new[1:] = (times[1:] != times[:-1]) | ~same.to_numpy(zero_copy_only=False)
        yield chunk, np.append(np.flatnonzero(new), len(times))


class _ActivityWriter:
    """Writes a page's activities as Activity resources, column-wise with Arrow.

    Each text piece of an activity or event is one vectorised operation over the page; the
    events' `parameters` are already JSON text. Serving 1000 activities so costs a few
    milliseconds, and the emulator, which shares the process (and the GIL) with the connector in
    the demo, does not dominate a throughput benchmark of the connector.
    """

    def __init__(self, customer_id: str) -> None:
        self._salt = np.uint64(int(hashlib.sha256(customer_id.encode()).hexdigest()[:16], 16))

    def items(self, rows: pa.Table, starts: np.ndarray) -> bytes:
        """The text inside the page's `items` array, fields in the order Google writes them."""
        column = {name: rows.column(name).combine_chunks() for name in rows.column_names}
        first = pa.array(starts[:-1])
        one = {name: column[name].take(first) for name in _ACTIVITY_COLUMNS}
        times = one["id_time"].cast(pa.int64()).to_numpy()
        heads = _join(
            _separators(len(first)),
            '{"kind":"admin#reports#activity","id":{"time":"',
            _google_times(one["id_time"]),
            'Z","uniqueQualifier":',
            *_string(one["id_unique_qualifier"]),
            ',"applicationName":',
            *_string(one["id_application_name"]),
            ',"customerId":',
            *_string(one["id_customer_id"]),
            '},"etag":',
            self._etags(times, one["id_unique_qualifier"]),
            ',"actor":',
            *_actor(one["actor_caller_type"], one["actor_email"], one["actor_profile_id"]),
            ',"ipAddress":',
            *_string(one["ip_address"]),
            ',"events":[',
        )
        events = _join(
            '{"type":',
            *_string(column["event_type"]),
            ',"name":',
            *_string(column["event_name"]),
            *_optional(',"parameters":', column["parameters"]),
            "}",
        )
        if len(first) == rows.num_rows:  # one event an activity, as in the sample company
            texts = _join(heads, events, "]}")
        else:
            owner = np.repeat(np.arange(len(first)), np.diff(starts))
            opens = np.zeros(rows.num_rows, bool)
            opens[starts[:-1]] = True
            closes = np.zeros(rows.num_rows, bool)
            closes[starts[1:] - 1] = True
            before = pc.if_else(pa.array(opens), heads.take(pa.array(owner)), ",")
            after = pc.if_else(pa.array(closes), "]}", "")
            texts = _join(before, events, after)
        # Each activity carries its separator, so the array's text is the items' JSON as it is.
        return _text(texts)

    def _etags(self, times: np.ndarray, qualifiers: pa.Array) -> pa.Array:
        """Each activity's etag, a JSON string: 27 base64url characters in quotes, derived from
        the activity's id, so it is the same on every read."""
        count = len(times)
        seed = mix64(times.astype(np.uint64) ^ mix64(_hashes(qualifiers) ^ self._salt))
        words = np.stack([mix64(seed ^ np.uint64(k)) for k in (1, 2, 3)], axis=1)
        letters = np.frombuffer(base64.urlsafe_b64encode(words.tobytes()), np.uint8)
        text = np.empty((count, 33), np.uint8)
        text[:, :3] = np.frombuffer(b'"\\"', np.uint8)
        text[:, 3:30] = letters.reshape(count, 32)[:, :27]
        text[:, 30:] = np.frombuffer(b'\\""', np.uint8)
        offsets = np.arange(0, 33 * (count + 1), 33, dtype=np.int32)
        return pa.Array.from_buffers(
            pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())]
        )


_ACTIVITY_COLUMNS = (
    "id_time",
    "id_unique_qualifier",
    "id_application_name",
    "id_customer_id",
    "actor_caller_type",
    "actor_email",
    "actor_profile_id",
    "ip_address",
)
_EMPTY = pa.table(
    {
        name: pa.array([], type)
        for name, type in (
            ("id_time", pa.timestamp("us")),
            ("id_unique_qualifier", pa.string()),
            *((name, pa.string()) for name in _ACTIVITY_COLUMNS[2:]),
            ("event_type", pa.string()),
            ("event_name", pa.string()),
            ("parameters", pa.string()),
        )
    }
)


def _ident(rows: pa.Table, row: int) -> _Ident:
    return rows["id_time"][row].value, rows["id_unique_qualifier"][row].as_py()


def _token_ident(page_token: str | None, application: str, customer: str) -> _Ident | None:
    """The activity a page token names, `A:<time>:<qualifier>:<application>:<customer>`."""
    if not page_token:
        return None
    parts = page_token.split(":")
    if len(parts) == 5 and parts[0] == "A" and parts[3:] == [application, customer]:
        try:
            return int(parts[1]), parts[2]
        except ValueError:
            pass
    raise _BadRequestError(f"Invalid value '{page_token}' for pageToken")


@functools.lru_cache(maxsize=4)  # full pages all have the same size
def _separators(count: int) -> pa.Array:
    """What comes before each of `count` activities in a JSON array: nothing, then commas."""
    return pa.array([""] + [","] * (count - 1), pa.string())


def _join(*parts: pa.Array | str) -> pa.Array:
    """The parts end to end, row by row; a `str` part is the same for every row."""
    merged: list[pa.Array | str] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part  # fewer parts, less work per row
        else:
            merged.append(part)
    return pc.binary_join_element_wise(*merged, "")


def _string(values: pa.Array) -> tuple[pa.Array | str, ...]:
    """The `_join` parts writing each value as a JSON string (`null` for a null)."""
    if values.null_count == 0 and not _needs_escaping(values):
        return '"', values, '"'  # the usual case: quotes around the text as it is
    return (_json_texts(values).fill_null("null"),)


def _optional(name: str, values: pa.Array) -> tuple[pa.Array | str, ...]:
    """The `_join` parts writing `name` then each value (JSON text); nothing for a null."""
    if values.null_count == 0:
        return name, values
    return (_join(name, values).fill_null(""),)


def _actor(caller_type: pa.Array, email: pa.Array, profile_id: pa.Array) -> tuple[Any, ...]:
    """The `_join` parts writing each activity's `actor`; its null fields are left out."""
    fields = {"callerType": caller_type, "email": email, "profileId": profile_id}
    if not any(values.null_count or _needs_escaping(values) for values in fields.values()):
        return (
            '{"callerType":"', caller_type, '","email":"', email, '","profileId":"', profile_id,
            '"}',
        )  # fmt: skip
    pairs = [_join(f'"{name}":', _json_texts(values)) for name, values in fields.items()]
    joined = pc.binary_join_element_wise(*pairs, ",", null_handling="skip")
    return "{", joined.fill_null(""), "}"


def _needs_escaping(values: pa.Array) -> bool:
    """Whether some value has a character JSON escapes (checked on Arrow's buffer)."""
    data = values.buffers()[2]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    return bool(((raw < 0x20) | (raw == ord('"')) | (raw == ord("\\"))).any())


def _json_texts(values: pa.Array) -> pa.Array:
    """Each value as a JSON string, as `json.dumps(value, ensure_ascii=False)` writes it; a
    null stays null."""
    if _needs_escaping(values):
        return pa.array([None if v is None else _dumps(v) for v in values.to_pylist()], pa.string())
    return _join('"', values, '"')


def _google_times(times: pa.Array) -> pa.Array:
    """RFC 3339 in UTC with milliseconds, without the `Z`, as Google writes `id.time`."""
    text = pc.utf8_replace_slice(times.cast(pa.string()), start=10, stop=11, replacement="T")
    return pc.utf8_slice_codeunits(text, 0, 23)  # Arrow writes microseconds; Google, milliseconds


def _hashes(values: pa.Array) -> np.ndarray:
    """A 64-bit hash of each string of `values`, computed on Arrow's buffers, not per value."""
    offsets = np.frombuffer(values.buffers()[1], np.int32, len(values) + 1, values.offset * 4)
    data = values.buffers()[2]
    chars = np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]] if data else np.zeros(0)
    lengths = np.diff(offsets)
    position = np.arange(len(chars)) - np.repeat(offsets[:-1] - offsets[0], lengths)
    terms = mix64((position.astype(np.uint64) << np.uint64(8)) | chars.astype(np.uint64))
    sums = np.concatenate([np.zeros(1, np.uint64), np.cumsum(terms, dtype=np.uint64)])
    ends = offsets - offsets[0]
    return mix64((sums[ends[1:]] - sums[ends[:-1]]) ^ lengths.astype(np.uint64))


def _text(values: pa.Array) -> bytes:
    """The values of a string array end to end, as UTF-8: a copy of its data buffer."""
    offsets = np.frombuffer(values.buffers()[1], np.int32)
    start, end = offsets[values.offset], offsets[values.offset + len(values)]
    return values.buffers()[2][start:end].to_pybytes()


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
