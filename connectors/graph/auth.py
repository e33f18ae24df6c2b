"""OAuth 2.0 client credentials against the Microsoft identity platform: one app-only token.

`HttpSource` only GETs, and the token endpoint wants a form POST with the client secret in its
body, so this module has its own small loop: the same timeouts and retry bounds (`HttpSettings`),
the secret in no log, URL or exception, and refused credentials reported as `AuthenticationError`
naming the setting to fix. The token is reused until shortly before it expires.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

import msgspec
import requests

from connectors.errors import AuthenticationError, ConfigError, SourceError
from connectors.http import RETRY_STATUSES, HttpSettings

log = logging.getLogger(__name__)

# A token is replaced this long before it expires, so no request leaves with a dying token.
REFRESH_MARGIN = 300.0
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
# AADSTS codes that say which setting is wrong; any other refusal is blamed on the secret.
_WRONG_SETTING = {
    90002: "tenant_id",  # tenant not found
    900023: "tenant_id",  # tenant id malformed
    700016: "client_id",  # application not found in the directory
    1002012: "graph_base_url",  # scope is not <resource>/.default
}


class TokenReply(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "Bearer"


class TokenError(msgspec.Struct):
    error: str = ""
    error_description: str = ""
    error_codes: list[int] = []
    correlation_id: str | None = None


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: float  # on the monotonic clock


class ClientCredentials:
    """Gets and caches an app-only token for `scope` from the tenant's v2.0 token endpoint.

    `token()` returns the cached token while it has more than `refresh_margin` seconds left
    (capped at half its lifetime, for short-lived tokens), and a new one otherwise.
    """

    def __init__(
        self,
        source: str,
        *,
        authority: str,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        scope: str,
        secret_env: str,
        settings: HttpSettings,
        session: requests.Session | None = None,
        refresh_margin: float = REFRESH_MARGIN,
        sleep: Callable[[float], None],
        monotonic: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self.source = source
        self.url = f"{_checked_authority(source, authority)}/{quote(tenant_id.strip(), safe='')}"
        self.url += "/oauth2/v2.0/token"
        self._form = {
            "client_id": client_id.strip(),
            "client_secret": client_secret,
            "scope": scope,
            "grant_type": "client_credentials",
        }
        self._secret = client_secret
        self._secret_env = secret_env
        self._settings = settings
        self._session = session or requests.Session()
        self._session.verify = settings.verify
        self._refresh_margin = refresh_margin
        self._sleep = sleep
        self._monotonic = monotonic
        self._rng = rng
        self._token: Token | None = None
        self.fetched = 0  # tokens obtained so far, for logs and tests

    def __repr__(self) -> str:
        return f"ClientCredentials(url={self.url!r}, client_id={self._form['client_id']!r})"

    def close(self) -> None:
        self._session.close()

    def token(self) -> str:
        """A token with time to spare, from the cache or freshly obtained."""
        token = self._token
        if token is None or self._monotonic() >= token.expires_at:
            token = self._token = self._fetch()
        return token.value

    def invalidate(self) -> None:
        """Forget the cached token: the API refused it, so the next call gets a new one."""
        self._token = None

    def _fetch(self) -> Token:
        attempt, waited = 0, 0.0
        while True:
            attempt += 1
            log.debug("%s: POST %s (client credentials)", self.source, self.url)
            try:
                response = self._session.post(
                    self.url,
                    data=self._form,
                    headers={"Accept": "application/json"},
                    timeout=self._settings.timeout,
                )
            except _TRANSIENT as exc:
                problem, server_wait = f"{type(exc).__name__}: {self._redact(str(exc))}", None
            else:
                if response.status_code == 200:
                    return self._accept(response)
                if response.status_code not in RETRY_STATUSES:
                    raise self._refusal(response)
                problem, server_wait = f"HTTP {response.status_code}", _retry_after(response)
            delay = self._backoff(attempt, server_wait)
            if (
                attempt >= self._settings.max_attempts
                or waited + delay > self._settings.max_retry_time
            ):
                raise SourceError(
                    self.source,
                    f"gave up getting a token from {self.url} after {attempt} attempt(s); "
                    f"last failure: {problem}",
                )
            log.warning(
                "%s: token request failed (%s); retry %d/%d in %.1fs",
                self.source, problem, attempt, self._settings.max_attempts - 1, delay,
            )  # fmt: skip
            self._sleep(delay)
            waited += delay

    def _accept(self, response: requests.Response) -> Token:
        try:
            reply = msgspec.json.decode(response.content, type=TokenReply)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise SourceError(
                self.source,
                f"the token endpoint {self.url} sent an unusable answer ({exc}); check the "
                "configured authority",
            ) from None
        lifetime = max(0, reply.expires_in)
        self.fetched += 1
        log.info("%s: got an access token valid for %ds", self.source, lifetime)
        margin = min(self._refresh_margin, lifetime / 2)
        return Token(reply.access_token, self._monotonic() + lifetime - margin)

    def _refusal(self, response: requests.Response) -> SourceError:
        """The error a refused token request deserves: which setting to check, and why."""
        try:
            error = msgspec.json.decode(response.content, type=TokenError)
        except (msgspec.ValidationError, msgspec.DecodeError):
            error = TokenError()
        detail = self._redact(
            error.error_description.splitlines()[0] if error.error_description else ""
        )
        reason = f"HTTP {response.status_code}" + (f" {error.error}" if error.error else "")
        reason += f": {detail[:300]}" if detail else ""
        key = next((_WRONG_SETTING[c] for c in error.error_codes if c in _WRONG_SETTING), None)
        if response.status_code == 404:
            return ConfigError(
                self.source, "authority", f"{self.url} answered HTTP 404; the authority looks wrong"
            )
        if key is not None:
            return ConfigError(self.source, key, f"the token request was refused ({reason})")
        if response.status_code in (400, 401, 403):
            return AuthenticationError(
                self.source,
                f"the token request to {self.url} was refused ({reason}). Check the client secret "
                f"in the environment variable {self._secret_env} (its value, not its id) and that "
                "it has not expired",
            )
        return SourceError(self.source, f"the token request to {self.url} failed ({reason})")

    def _backoff(self, attempt: int, server_wait: float | None) -> float:
        settings = self._settings
        backoff = min(settings.max_sleep, settings.backoff_base * 2 ** (attempt - 1))
        if server_wait is None:
            delay = backoff / 2 + self._rng.uniform(0, backoff / 2)
        else:
            delay = server_wait + self._rng.uniform(0, settings.backoff_base)
        return min(delay, settings.max_sleep)

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


def _retry_after(response: requests.Response) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
        server_now = parsedate_to_datetime(response.headers["Date"])
    except (KeyError, TypeError, ValueError):
        return None
    return max(0.0, (moment - server_now).total_seconds())


def _checked_authority(source: str, authority: str) -> str:
    parts = urlsplit(authority.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(source, "authority", f"'{authority}' is not an http(s) URL")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise ConfigError(
            source, "authority", f"'{authority}' is plain http; the secret is only sent over https"
        )
    return authority.strip().rstrip("/")
