"""The Microsoft Graph connector: licenses, enterprise applications, users and their sign-ins."""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import msgspec
import pyarrow as pa
import pyarrow.compute as pc
import requests

from connectors.base import Entity, Window
from connectors.errors import AuthenticationError, ConfigError, RecordError, SourceError
from connectors.graph.auth import ClientCredentials
from connectors.graph.entities import ENTITIES, SIGN_INS, USERS
from connectors.graph.records import (
    INVENTORIES,
    SignIn,
    decode_page,
    format_time,
    read_items,
    sign_in_batch,
)
from connectors.http import HttpSettings, HttpSource

log = logging.getLogger(__name__)

GRAPH_BASE_URL = "https://graph.microsoft.com"
AUTHORITY = "https://login.microsoftonline.com"
#: The largest `$top` of each list (Graph's documented maxima); subscribedSkus is not paged.
MAX_PAGE_SIZES = {"directory": 999, "signInActivity": 500, "signIns": 1000}
#: What each endpoint needs, named when Graph answers 403.
PERMISSIONS = {
    "/subscribedSkus": "Organization.Read.All",
    "/servicePrincipals": "Application.Read.All",
    "/users": "User.Read.All (and AuditLog.Read.All for signInActivity)",
    "/auditLogs/signIns": "AuditLog.Read.All",
}
USER_PROPERTIES = (
    "id", "userPrincipalName", "mail", "displayName", "department", "jobTitle", "accountEnabled",
    "userType", "createdDateTime", "assignedLicenses",
)  # fmt: skip
AUTH_HINT = (
    " (the client secret of the app registration; the app needs the Microsoft Graph application"
    " permissions Organization.Read.All, Application.Read.All, User.Read.All and"
    " AuditLog.Read.All, with admin consent)"
)
# Graph's answer when signInActivity or the sign-in logs are asked of a tenant without P1/P2.
NOT_PREMIUM = "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
_QUERY_SAFE = "$,()'"


class GraphConnector:
    """Reads one Microsoft Entra tenant through Microsoft Graph v1.0 with an app-only token.

    The token comes from the client credentials flow at `{authority}/{tenant_id}`, for the scope
    `<origin of graph_base_url>/.default`; both URLs are configurable for national clouds. It is
    renewed before it expires, and once more if Graph refuses it anyway; a second refusal fails.

    Graph meters its services separately, so requests are paced in three lanes, each under its
    published limit: the directory (`requests_per_minute`), users listed with their sign-in
    activity (`sign_in_activity_requests_per_minute`, 10 a minute at Graph) and the sign-in log
    (`sign_ins_requests_per_minute`, 5 per 10 seconds at Graph: 29 a minute leaves 0.07 s between
    requests, 0.3 s over five, for the network's jitter). `page_size` is the `$top` of the users
    and service principals lists, by default the most each allows; `sign_in_page_size` that of the
    sign-in log. `sign_in_activity=False` reads users without `signInActivity`, for tenants
    without Entra ID P1. `event_window_span` cuts an event window into bounded queries; each ends
    on a partly filled page, which at 5 requests per 10 seconds is what limits throughput: read
    day by day, a 5,000-person tenant's pages were 86% full, a week at a time 97%.
    """

    source = "graph"

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        *,
        graph_base_url: str = GRAPH_BASE_URL,
        authority: str = AUTHORITY,
        secret_env: str = "GRAPH_CLIENT_SECRET",
        page_size: int | None = None,
        sign_in_page_size: int = MAX_PAGE_SIZES["signIns"],
        sign_in_activity: bool = True,
        requests_per_minute: float | None = 600.0,
        sign_in_activity_requests_per_minute: float | None = 9.0,
        sign_ins_requests_per_minute: float | None = 29.0,
        event_window_span: timedelta = timedelta(days=7),
        http_settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        for key, value in (("tenant_id", tenant_id), ("client_id", client_id)):
            if not value or not value.strip():
                raise ConfigError(self.source, key, "is empty")
        if not client_secret or not client_secret.strip():
            raise ConfigError(self.source, secret_env, "is empty; set it to the client secret")
        users_max = MAX_PAGE_SIZES["signInActivity" if sign_in_activity else "directory"]
        self._page_size = page_size or MAX_PAGE_SIZES["directory"]
        self._users_page_size = min(self._page_size, users_max)
        self._sign_in_page_size = sign_in_page_size
        if not 1 <= self._page_size <= MAX_PAGE_SIZES["directory"]:
            raise ConfigError(self.source, "page_size", "must be between 1 and 999")
        if not 1 <= sign_in_page_size <= MAX_PAGE_SIZES["signIns"]:
            raise ConfigError(self.source, "sign_in_page_size", "must be between 1 and 1000")
        if event_window_span <= timedelta(0):
            raise ConfigError(self.source, "event_window_span", "must be positive")
        self._sign_in_activity = sign_in_activity
        self._event_window_span = event_window_span
        self._secret_env = secret_env
        settings = http_settings or HttpSettings()
        rng = rng or random.Random()
        graph_base_url = graph_base_url.strip().rstrip("/")
        self._session = session or requests.Session()
        # Graph's refusals are read here: which one lets a renewed token help, which needs P1.
        self._last_failure: requests.Response | None = None
        self._session.hooks["response"].append(self._remember_failure)
        self._credentials = credentials = ClientCredentials(
            self.source,
            authority=authority,
            tenant_id=tenant_id,
            client_id=client_id,
            client_secret=client_secret,
            scope=f"{_origin(graph_base_url)}/.default",
            secret_env=secret_env,
            settings=settings,
            sleep=sleep,
            monotonic=monotonic,
            rng=rng,
        )
        # Every attempt, retries included, carries a token with time to spare.
        self._session.auth = _Bearer(credentials)
        lanes = {
            "directory": requests_per_minute,
            "signInActivity": sign_in_activity_requests_per_minute,
            "signIns": sign_ins_requests_per_minute,
        }
        self._lanes = {
            lane: HttpSource(
                self.source,
                f"{graph_base_url}/v1.0",
                headers={"Accept": "application/json"},
                secret_env=secret_env,
                secrets=(client_secret, client_secret.strip()),
                requests_per_minute=per_minute,
                settings=settings,
                session=self._session,
                auth_hint=AUTH_HINT,
                sleep=sleep,
                monotonic=monotonic,
                wall_clock=wall_clock,
                rng=rng,
            )
            for lane, per_minute in lanes.items()
        }

    @classmethod
    def from_env(
        cls,
        tenant_id: str,
        client_id: str,
        *,
        secret_env: str = "GRAPH_CLIENT_SECRET",
        environ: Mapping[str, str] = os.environ,
        **options: Any,
    ) -> GraphConnector:
        """A connector whose client secret is read from the environment variable `secret_env`."""
        secret = environ.get(secret_env, "")
        if not secret.strip():
            raise ConfigError(cls.source, secret_env, "environment variable is not set")
        return cls(tenant_id, client_id, secret, secret_env=secret_env, **options)

    def __repr__(self) -> str:
        return f"GraphConnector(base_url={self._lanes['directory'].base_url!r})"

    def __enter__(self) -> GraphConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()
        self._credentials.close()

    def entities(self) -> Sequence[Entity]:
        return ENTITIES

    def extract(self, entity: str, window: Window | None = None) -> Iterator[pa.RecordBatch]:
        """Yield batches of `entity` in its exact schema, one per page Graph sends.

        `window` is required for `sign_ins` and ignored otherwise. Raises `AuthenticationError`
        when the tenant refuses the app, `RecordError` when a page holds unusable records, and
        `SourceError` for any other failure, each naming the endpoint and page.
        """
        if entity == "subscribed_skus":
            return self._inventory(entity, "/subscribedSkus", {}, "directory")
        if entity == "service_principals":
            return self._inventory(
                entity, "/servicePrincipals", {"$top": self._page_size}, "directory"
            )
        if entity == USERS.name:
            select = USER_PROPERTIES + (("signInActivity",) if self._sign_in_activity else ())
            lane = "signInActivity" if self._sign_in_activity else "directory"
            params = {"$select": ",".join(select), "$top": self._users_page_size}
            return self._inventory(entity, "/users", params, lane)
        if entity == SIGN_INS.name:
            if window is None:
                raise ValueError("graph sign_ins are read per time window; pass a Window")
            return self._sign_ins(window.naive_utc())
        names = ", ".join(e.name for e in ENTITIES)
        raise ValueError(f"graph has no entity '{entity}'; it offers {names}")

    def _inventory(
        self, name: str, path: str, params: Mapping[str, Any], lane: str
    ) -> Iterator[pa.RecordBatch]:
        entity, kind, to_row = INVENTORIES[name]
        seen: set[str] = set()
        total = 0
        for items, where in self._pages(path, params, lane):
            decoded, problems = read_items(items, kind)
            if problems:
                raise RecordError(self.source, where, problems)
            rows = [
                to_row(item, raw)
                for item, raw in zip(decoded, items, strict=True)
                if _first_time(item.id, seen)
            ]
            if repeated := len(decoded) - len(rows):
                log.info("graph: %s repeated %d record(s); kept one of each", where, repeated)
            if rows:
                total += len(rows)
                yield pa.RecordBatch.from_pylist(rows, schema=entity.schema)
        log.info("graph: read %d %s", total, name)

    def _sign_ins(self, window: Window) -> Iterator[pa.RecordBatch]:
        """Sign-ins created in the window, read as bounded queries of at most the span each.

        Graph lists them newest first. A sign-in repeated where one page meets the next is
        dropped; only the ids of the last two pages are kept for that, so memory does not grow
        with the window (the loader de-duplicates on the id in any case).
        """
        total = 0
        for part in window.split(self._event_window_span):
            query = (
                f"createdDateTime ge {format_time(part.start)} "
                f"and createdDateTime lt {format_time(part.end)}"
            )
            params = {"$filter": query, "$top": self._sign_in_page_size}
            recent: list[set[str]] = [set(), set()]
            for items, where in self._pages("/auditLogs/signIns", params, "signIns"):
                sign_ins, problems = read_items(items, SignIn)
                if problems:
                    raise RecordError(self.source, where, problems)
                recent = [recent[1], set()]
                fresh = [
                    s for s in sign_ins if s.id not in recent[0] and _first_time(s.id, recent[1])
                ]
                if repeated := len(sign_ins) - len(fresh):
                    log.info("graph: %s repeated %d sign-in(s); kept one of each", where, repeated)
                batch = sign_in_batch(fresh)
                created = batch.column("created_date_time")
                inside = pc.and_(pc.greater_equal(created, part.start), pc.less(created, part.end))
                batch = batch.filter(inside)
                if batch.num_rows:
                    total += batch.num_rows
                    yield batch
        log.info("graph: read %d sign_ins", total)

    def _pages(
        self, path: str, params: Mapping[str, Any], lane: str
    ) -> Iterator[tuple[list[msgspec.Raw], str]]:
        """The items of each page of a collection, following `@odata.nextLink` to the end."""
        query = urlencode(params, quote_via=quote, safe=_QUERY_SAFE)
        url: str | None = f"{path}?{query}" if query else path
        endpoint = f"{path}?$filter={params['$filter']}" if "$filter" in params else path
        page = 0
        while url is not None:
            page += 1
            where = f"GET {endpoint} page {page}"
            body = self._get_page(lane, url, path, page, endpoint)
            yield body.value, where
            if body.next_link is not None and body.next_link == url:
                raise SourceError(self.source, f"{where}: the next link repeats the same page")
            url = body.next_link

    def _get_page(self, lane: str, url: str, path: str, page: int, endpoint: str) -> Any:
        """One page; a token Graph refuses is renewed once, then the run fails."""
        http = self._lanes[lane]
        try:
            body, _ = http.get_json(url, endpoint=endpoint, page=page, decode=decode_page)
        except AuthenticationError as refused:
            if not self._token_was_refused():
                raise self._explained(refused, path) from None
            log.info("graph: Graph refused the access token; getting a new one and retrying once")
            self._credentials.invalidate()
            try:
                body, _ = http.get_json(url, endpoint=endpoint, page=page, decode=decode_page)
            except AuthenticationError as again:
                raise self._explained(again, path) from None
        return body

    def _remember_failure(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_failure = response if response.status_code in (401, 403) else None

    def _token_was_refused(self) -> bool:
        failure = self._last_failure
        return (
            failure is not None
            and failure.status_code == 401
            and _error_code(failure) == "InvalidAuthenticationToken"
        )

    def _explained(self, error: AuthenticationError, path: str) -> AuthenticationError:
        """`error` with what to do about a 403: which permission or license the tenant lacks."""
        failure = self._last_failure
        if failure is None or failure.status_code != 403:
            return error
        message = str(error).removeprefix(f"[{self.source}] ")
        if _error_code(failure) == NOT_PREMIUM:
            advice = (
                "the tenant has no Microsoft Entra ID P1/P2 license, which Graph requires for "
                "signInActivity and the sign-in log; set the option sign_in_activity to false "
                "to read users without their last sign-in"
            )
        else:
            permission = PERMISSIONS.get(path, "the permissions listed above")
            advice = f"this endpoint needs the application permission {permission}"
        return AuthenticationError(self.source, f"{message}. In short: {advice}")


class _Bearer(requests.auth.AuthBase):
    """`Authorization: Bearer <token>` on each request as it is sent, renewed when due."""

    def __init__(self, credentials: ClientCredentials) -> None:
        self._credentials = credentials

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._credentials.token()}"
        return request


def _error_code(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _origin(url: str) -> str:
    """`scheme://host[:port]`: the resource a Graph token is for, whatever path the URL has."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first_time(key: str, seen: set[str]) -> bool:
    if key in seen:
        return False
    seen.add(key)
    return True
