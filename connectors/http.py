"""HTTP rules every API connector shares: one session, bounded retries, pacing, no leaked secrets.

Why not urllib3's `Retry`: it sleeps for the whole `Retry-After` a server asks for, uncapped, and
reads the real clock, so one "come back in an hour" would silently stall a scheduled run and tests
would need real time. This loop caps each sleep, the attempts and the total time, and takes its
clock, sleep and random source from the caller so tests run in milliseconds and repeat exactly.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import msgspec
import requests

from connectors.errors import AuthenticationError, ConfigError, SourceError

log = logging.getLogger(__name__)

#: Statuses worth another attempt: rate limiting and the server's own transient failures.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Query parameters whose values are credentials in some APIs; their values are never logged.
SENSITIVE_PARAMS = frozenset(
    {"token", "access_token", "api_key", "apikey", "key", "secret", "client_secret", "password",
     "signature", "sig", "code"}
)  # fmt: skip

_READ_SIZE = 1 << 20  # bytes per read of a response body

# Transport failures that say nothing about the request itself, so the same GET may succeed later.
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts and retry bounds; `max_sleep` caps any single wait, even one the server asks for."""

    timeout: tuple[float, float] = (10.0, 60.0)  # (connect, read) seconds
    verify: bool | str = True  # TLS verification, or the path of a CA bundle
    max_attempts: int = 6
    backoff_base: float = 1.0  # first backoff in seconds, doubled at each attempt
    max_sleep: float = 60.0
    max_retry_time: float = 300.0  # total seconds one request may spend waiting to be retried
    low_remaining_fraction: float = 0.1  # spread requests out below this share of the limit

    def __post_init__(self) -> None:
        if min(self.timeout) <= 0 or self.max_attempts < 1 or self.backoff_base < 0:
            raise ValueError(f"invalid HTTP settings: {self}")
        if self.max_sleep < 0 or self.max_retry_time < 0:
            raise ValueError(f"invalid HTTP settings: {self}")


class NotFoundError(SourceError):
    """The server answered 404; the connector knows if the URL is wrong or a record vanished."""

    permanent = True


def first_path_segments(count: int) -> Callable[[str], str]:
    """A rate-limit bucket function: Okta, for one, meters `/api/v1/apps/*` as one bucket."""

    def bucket(path: str) -> str:
        return "/".join(path.split("/")[: count + 1])

    return bucket


class Pacer:
    """Keeps a client under a rate limit instead of bouncing off it.

    Requests are given slots `60 / requests_per_minute` seconds apart, so they average that rate
    and never exceed it. A slot follows the one before it, not the moment the sleep for it ended:
    a sleep overshoots by a fraction of a millisecond, and with the next slot counted from its end
    each overshoot was lost for good (Google paced at 96% of its quota, 26 ms apart, over 64 days
    of events: 88.2% of the quota reached before, 89.6% after). A request that comes after its
    slot takes the moment it comes. On top
    of that, when a response says few requests remain in its bucket (`X-Rate-Limit-Remaining`),
    the remaining ones are spread evenly until the bucket resets, so a long extraction never meets
    a 429.
    """

    def __init__(
        self,
        requests_per_minute: float | None,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
        low_fraction: float,
        max_sleep: float,
    ) -> None:
        if requests_per_minute is not None and requests_per_minute <= 0:
            raise ValueError("requests_per_minute must be positive (or None for no pacing)")
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._low_fraction = low_fraction
        self._max_sleep = max_sleep
        self._next_slot = float("-inf")
        self._buckets: dict[str, tuple[int, int | None, float]] = {}

    def wait(self, bucket: str) -> None:
        """Sleep until a request to `bucket` may be sent."""
        now = self._monotonic()
        delay = min(max(self._next_slot - now, self._bucket_delay(bucket, now)), self._max_sleep)
        slot = now + max(delay, 0.0)
        if delay > 0:
            log.debug("pacing: waiting %.2fs before the next request to %s", delay, bucket)
            self._sleep(delay)
        self._next_slot = slot + self._interval

    def observe(
        self, bucket: str, headers: Mapping[str, str], seconds_to_reset: float | None
    ) -> None:
        """Remember what the server said about the bucket's remaining requests."""
        remaining = _int_header(headers, "X-Rate-Limit-Remaining", "X-RateLimit-Remaining")
        if remaining is None or seconds_to_reset is None:
            return
        limit = _int_header(headers, "X-Rate-Limit-Limit", "X-RateLimit-Limit")
        self._buckets[bucket] = (remaining, limit, self._monotonic() + seconds_to_reset)

    def _bucket_delay(self, bucket: str, now: float) -> float:
        if bucket not in self._buckets:
            return 0.0
        remaining, limit, resets_at = self._buckets[bucket]
        low_water = max(1.0, (limit or 0) * self._low_fraction)
        time_left = resets_at - now
        if remaining > low_water or time_left <= 0:
            return 0.0
        return time_left / (remaining + 1)


def read_environment_once(session: requests.Session, url: str) -> None:
    """Settle once what `requests` reads from the environment for every request to `url`'s origin.

    A session that trusts the environment walks every environment variable for proxies, looks up
    the CA-bundle variables and reads `~/.netrc` again for each request: about 0.2 ms each, 0.6 s
    of the 3,664 requests that list Okta's assignments at the benchmark's largest scale. Every
    request of an `HttpSource` goes to its base URL's origin (a link elsewhere is refused), so the
    proxies `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` give for that URL, and `REQUESTS_CA_BUNDLE` or
    `CURL_CA_BUNDLE` when TLS is verified against the default bundle, hold for all of them. Proxies
    set on the session itself win over the environment's. `~/.netrc` is no longer read: each
    connector sends its own credential, which a netrc entry for the host would silently replace.
    """
    if not session.trust_env:
        return
    for scheme, proxy in requests.utils.get_environ_proxies(url).items():
        session.proxies.setdefault(scheme, proxy)
    if session.verify is True:
        session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
    session.trust_env = False


class HttpSource:
    """One `requests.Session` to one API, with retries, pacing and redaction.

    `get` returns only successful responses; everything else becomes a `SourceError` naming the
    source: `AuthenticationError` at once on 401/403 (retrying a refused credential cannot help),
    `NotFoundError` on 404, and a plain `SourceError` once retries of 429/5xx/timeouts run out.
    The credential is never logged or put in an exception: messages name `secret_env` instead.
    """

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        headers: Mapping[str, str],
        secret_env: str,
        secrets: Sequence[str] = (),
        requests_per_minute: float | None = None,
        settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        bucket_of: Callable[[str], str] | None = None,
        auth_hint: str = "",
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.source = source
        self.base_url = _checked_base_url(source, base_url)
        self.settings = settings or HttpSettings()
        self._secret_env = secret_env
        self._secrets = tuple(secret for secret in secrets if secret)
        self._bucket_of = bucket_of or first_path_segments(3)
        self._auth_hint = auth_hint
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()
        self._session = session or requests.Session()
        self._session.headers.update(headers)
        self._session.verify = self.settings.verify
        read_environment_once(self._session, self.base_url)
        self._pacer = Pacer(
            requests_per_minute,
            monotonic=monotonic,
            sleep=sleep,
            low_fraction=self.settings.low_remaining_fraction,
            max_sleep=self.settings.max_sleep,
        )

    def __repr__(self) -> str:
        return f"HttpSource(source={self.source!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    def url(self, path: str) -> str:
        """The absolute URL of an API path on this source."""
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """GET `url` (absolute, or a path below the base URL), retrying what may succeed later."""
        url = url if "://" in url else self.url(url)
        self._check_same_origin(url)
        shown = self.redact_url(_with_params(url, params))
        bucket = self._bucket_of(urlsplit(url).path)
        attempt, waited = 0, 0.0
        while True:
            attempt += 1
            self._pacer.wait(bucket)
            log.debug("%s: GET %s", self.source, shown)
            try:
                response = self._session.get(
                    url, params=params, timeout=self.settings.timeout, stream=True
                )
                _read_body(response)
            except _TRANSIENT as exc:
                problem, hint = f"{type(exc).__name__}: {self.redact(str(exc))}", None
            else:
                self._pacer.observe(bucket, response.headers, self._seconds_to_reset(response))
                if response.status_code < 400:
                    return response
                self._raise_if_final(response, shown)
                problem, hint = f"HTTP {response.status_code}", self._server_wait(response)
            delay = self._backoff(attempt, hint)
            if (
                attempt == self.settings.max_attempts
                or waited + delay > self.settings.max_retry_time
            ):
                raise SourceError(
                    self.source,
                    f"gave up on GET {shown} after {attempt} attempt(s) and {waited:.1f}s of "
                    f"waiting; last failure: {problem}",
                )
            log.warning(
                "%s: GET %s failed (%s); retry %d/%d in %.1fs",
                self.source, shown, problem, attempt, self.settings.max_attempts - 1, delay,
            )  # fmt: skip
            self._sleep(delay)
            waited += delay

    def get_json(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        endpoint: str,
        page: int,
        decode: Callable[[bytes], Any] = msgspec.json.decode,
    ) -> tuple[Any, requests.Response]:
        """GET and decode a JSON page; `endpoint` and `page` name it if the body is not JSON.

        `decode` may read the body into typed objects; it raises `ValueError` on malformed JSON.
        The body is decoded as UTF-8, JSON's encoding on the wire (RFC 8259), without guessing.
        """
        response = self.get(url, params)
        return self.decode_json(response, endpoint=endpoint, page=page, decode=decode), response

    def decode_json(
        self,
        response: requests.Response,
        *,
        endpoint: str,
        page: int,
        decode: Callable[[bytes], Any] = msgspec.json.decode,
    ) -> Any:
        """Decode a response's JSON body, as `get_json` does, naming the page if it is not JSON."""
        try:
            return decode(response.content)
        except ValueError as exc:
            raise SourceError(
                self.source,
                f"GET {endpoint} page {page} returned malformed JSON ({exc}); the response was "
                "cut off or is not JSON. Rerun the extraction; if it persists, check the base URL "
                "and any proxy in between",
            ) from None

    def next_link(self, response: requests.Response) -> str | None:
        """The `Link: <...>; rel="next"` URL, refused if it points away from this source."""
        url = response.links.get("next", {}).get("url")
        if url:
            self._check_same_origin(url)
        return url

    def redact(self, text: str) -> str:
        """`text` with every known secret replaced, for logs and error messages."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def redact_url(self, url: str) -> str:
        parts = urlsplit(url)
        query = [
            (name, "***" if name.lower() in SENSITIVE_PARAMS else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        netloc = parts.netloc.rpartition("@")[2]  # never show user:password@
        return self.redact(urlunsplit(parts._replace(netloc=netloc, query=urlencode(query))))

    def _check_same_origin(self, url: str) -> None:
        # A Link header pointing elsewhere must not receive our credential.
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            raise SourceError(
                self.source,
                f"refusing to follow {theirs.scheme}://{theirs.hostname}{theirs.path}: it is not "
                f"on {self.base_url}, and the request would carry the credential",
            )

    def _raise_if_final(self, response: requests.Response, shown: str) -> None:
        status = response.status_code
        detail = self.redact(describe_error(response))
        if status in (401, 403):
            refused = "was refused" if status == 401 else "is not permitted"
            raise AuthenticationError(
                self.source,
                f"GET {shown} {refused} (HTTP {status}{detail}). Check the credential in the "
                f"environment variable {self._secret_env}{self._auth_hint}",
            )
        if status == 404:
            raise NotFoundError(
                self.source,
                f"GET {shown} returned HTTP 404{detail}. The base URL {self.base_url} looks wrong: "
                "check the configured URL of this source",
            )
        if status not in RETRY_STATUSES:
            raise SourceError(self.source, f"GET {shown} failed with HTTP {status}{detail}")

    def _server_now(self, response: requests.Response) -> float:
        # The server's own clock, so a skewed local clock cannot stretch or skip a reset wait.
        date = response.headers.get("Date")
        if date:
            try:
                return parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError):
                pass
        return self._wall_clock()

    def _seconds_to_reset(self, response: requests.Response) -> float | None:
        reset = _int_header(response.headers, "X-Rate-Limit-Reset", "X-RateLimit-Reset")
        return None if reset is None else max(0.0, reset - self._server_now(response))

    def _server_wait(self, response: requests.Response) -> float | None:
        waits = []
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            waits.append(self._parse_retry_after(retry_after.strip(), response))
        if response.status_code == 429:
            waits.append(self._seconds_to_reset(response))
        known = [wait for wait in waits if wait is not None]
        return max(known) if known else None

    def _parse_retry_after(self, value: str, response: requests.Response) -> float | None:
        if value.isdigit():
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - self._server_now(response))
        except (TypeError, ValueError):
            return None

    def _backoff(self, attempt: int, server_wait: float | None) -> float:
        backoff = min(self.settings.max_sleep, self.settings.backoff_base * 2 ** (attempt - 1))
        if server_wait is None:
            delay = backoff / 2 + self._rng.uniform(0, backoff / 2)
        else:
            delay = server_wait + self._rng.uniform(0, self.settings.backoff_base)
        return min(delay, self.settings.max_sleep)


def describe_error(response: requests.Response) -> str:
    """`": <code> <summary>"` from common JSON error shapes (Okta, Graph, ServiceNow), else ''."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        code, summary = error.get("code"), error.get("message")
    else:
        code, summary = body.get("errorCode"), body.get("errorSummary") or body.get("message")
    text = " ".join(str(part) for part in (code, summary) if part)
    return f": {text[:300]}" if text else ""


def _read_body(response: requests.Response) -> None:
    """Read the whole body now, as `requests` does unless streaming, but in large reads.

    `requests` reads a body 10 KB at a time, which on a page of 1000 System Log events costs
    about as much as decoding it. Its own `_content` attribute keeps the body, so `.content` and
    `.json()` work as usual; read errors are the ones a non-streamed GET raises.
    """
    response._content = b"".join(response.iter_content(_READ_SIZE))


def _checked_base_url(source: str, base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(source, "base_url", f"'{base_url}' is not an http(s) URL")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(
            source, "base_url", f"'{base_url}' is plain http; credentials are only sent over https"
        )
    return base_url.strip().rstrip("/")


def _with_params(url: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return url
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


def _int_header(headers: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


class HttpConnector:
    """What every API connector built on `HttpSource` shares: it closes its session as a context
    manager, and its repr shows where it reads, never a credential."""

    _http: HttpSource

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._http.base_url!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()


def decode_typed(decoder: msgspec.json.Decoder, body: bytes) -> Any:
    """A page as `decoder`'s types (structs holding only the fields landed, the fast path); as
    plain JSON values if it does not have them, for the careful, record-by-record reading that
    names what is wrong. Either every item is a struct or none is. Raises `msgspec.DecodeError`
    (a `ValueError`) if the body is not JSON at all."""
    try:
        return decoder.decode(body)
    except msgspec.ValidationError:
        return msgspec.json.decode(body)


def as_json_objects(items: list[Any]) -> list[Any]:
    """Structs `decode_typed` read back as JSON objects under the vendor's field names, for the
    careful reading when the column-wise one steps aside (decoded JSON passes through as is)."""
    return msgspec.to_builtins(items)
