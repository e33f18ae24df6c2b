"""OAuth 2.0 access tokens for the Reports API: minted for a service account, or given as is.

A service account with domain-wide delegation signs a JWT (RS256) naming the administrator it acts
for (`sub`) and the scope it needs, and trades it at Google's token endpoint for an access token
of one hour (the JWT bearer grant, RFC 7523). The key never leaves this process: only the signed
assertion is sent, and neither the key nor a token is ever logged or put in a message.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from connectors.errors import AuthenticationError, ConfigError, SourceError
from connectors.http import HttpSettings

log = logging.getLogger(__name__)

#: The only scope the connector asks for: read the audit (activity) reports.
REPORTS_SCOPE = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = 3600  # seconds; Google refuses assertions valid for longer
REFRESH_MARGIN = 300.0  # seconds before expiry at which a token is replaced
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class AccessTokens(Protocol):
    """Where the connector gets the bearer token of each request."""

    #: The environment variable holding the credential, named in every authentication error.
    secret_env: str
    #: Whether `invalidate` can lead to a different token (a refused token may be replaced).
    refreshable: bool

    def token(self) -> str: ...

    def invalidate(self) -> None: ...

    def secrets(self) -> tuple[str, ...]:
        """Every secret value that must be kept out of logs and messages."""
        ...


class StaticAccessToken:
    """An access token minted elsewhere (e.g. `gcloud auth print-access-token`); never renewed."""

    refreshable = False

    def __init__(self, token: str, secret_env: str) -> None:
        self._token = token.strip()
        self.secret_env = secret_env

    def token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        """Nothing to do: the token cannot be replaced, so a refusal is final."""

    def secrets(self) -> tuple[str, ...]:
        return (self._token,)


class ServiceAccountTokens:
    """Access tokens of a service account acting for `subject` through domain-wide delegation.

    `key` is the service account's JSON key (`client_email`, `private_key`, `private_key_id`,
    `token_uri`); `token_url` overrides its `token_uri`. A token is minted on first use and again
    when it is about to expire or after `invalidate` (the API refused it).
    """

    refreshable = True

    def __init__(
        self,
        source: str,
        key: Mapping[str, Any],
        subject: str,
        *,
        secret_env: str,
        scopes: tuple[str, ...] = (REPORTS_SCOPE,),
        token_url: str | None = None,
        settings: HttpSettings | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.secret_env = secret_env
        self._source = source
        self._email = _key_field(source, key, "client_email", secret_env)
        self._private_key = _private_key(source, key, secret_env)
        self._key_id = key.get("private_key_id")
        if not subject or "@" not in subject:
            raise ConfigError(
                source, "subject", f"'{subject}' is not the e-mail of an administrator to act for"
            )
        self._subject = subject
        self._scopes = scopes
        self._token_url = _checked_token_url(
            source, token_url or key.get("token_uri") or DEFAULT_TOKEN_URL
        )
        self._settings = settings or HttpSettings()
        self._session = session or requests.Session()
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()
        self._token: str | None = None
        self._expires_at = 0.0
        self._issued: list[str] = []

    def __repr__(self) -> str:
        return f"ServiceAccountTokens(client_email={self._email!r}, subject={self._subject!r})"

    def token(self) -> str:
        if self._token is None or self._wall_clock() >= self._expires_at - REFRESH_MARGIN:
            self._token, lifetime = self._mint()
            self._expires_at = self._wall_clock() + lifetime
            self._issued.append(self._token)
        return self._token

    def invalidate(self) -> None:
        self._token = None

    def secrets(self) -> tuple[str, ...]:
        return tuple(self._issued)

    def close(self) -> None:
        self._session.close()

    def assertion(self, issued_at: int) -> str:
        """The signed JWT asking for the scopes on behalf of the subject."""
        header = {"alg": "RS256", "typ": "JWT"} | ({"kid": self._key_id} if self._key_id else {})
        claims = {
            "iss": self._email,
            "sub": self._subject,
            "scope": " ".join(self._scopes),
            "aud": self._token_url,
            "iat": issued_at,
            "exp": issued_at + ASSERTION_LIFETIME,
        }
        signing_input = f"{_b64_json(header)}.{_b64_json(claims)}".encode()
        signature = self._private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input.decode()}.{_b64(signature)}"

    def _mint(self) -> tuple[str, float]:
        """POST the assertion to the token endpoint, retrying what may succeed later."""
        attempt, waited = 0, 0.0
        while True:
            attempt += 1
            form = {"grant_type": JWT_BEARER_GRANT, "assertion": self.assertion(self._now())}
            try:
                response = self._session.post(
                    self._token_url, data=form, timeout=self._settings.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = type(exc).__name__
            else:
                if response.status_code == 200:
                    return self._read_token(response)
                if response.status_code not in _RETRY_STATUSES:
                    raise self._refusal(response)
                problem = f"HTTP {response.status_code}"
            delay = min(
                self._settings.max_sleep,
                self._settings.backoff_base * 2 ** (attempt - 1) * (0.5 + self._rng.random() / 2),
            )
            if (
                attempt >= self._settings.max_attempts
                or waited + delay > self._settings.max_retry_time
            ):
                raise SourceError(
                    self._source,
                    f"gave up on the token endpoint {self._token_url} after {attempt} "
                    f"attempt(s); last failure: {problem}",
                )
            log.warning(
                "%s: token endpoint failed (%s); retry in %.1fs", self._source, problem, delay
            )
            self._sleep(delay)
            waited += delay

    def _read_token(self, response: requests.Response) -> tuple[str, float]:
        try:
            body = response.json()
            token, lifetime = body["access_token"], float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise SourceError(
                self._source,
                f"the token endpoint {self._token_url} answered without an access token; "
                "check the configured token_url",
            ) from None
        if not isinstance(token, str) or not token:
            raise SourceError(self._source, f"the token endpoint {self._token_url} sent no token")
        return token, lifetime

    def _refusal(self, response: requests.Response) -> SourceError:
        status = response.status_code
        try:
            body = response.json()
            detail = f"{body.get('error')}: {body.get('error_description') or ''}".strip(": ")
        except (ValueError, AttributeError):
            detail = ""
        if status == 404:
            return SourceError(
                self._source,
                f"the token endpoint {self._token_url} returned HTTP 404; the token URL looks "
                "wrong: check token_url or the key's token_uri",
            )
        return AuthenticationError(
            self._source,
            f"the token endpoint refused the service account {self._email} acting for "
            f"{self._subject} (HTTP {status}{': ' + detail[:300] if detail else ''}). Check the "
            f"key in the environment variable {self.secret_env}, that domain-wide delegation "
            f"grants its client id the scope {' '.join(self._scopes)}, and that {self._subject} "
            "is an administrator allowed to read reports",
        )

    def _now(self) -> int:
        return int(self._wall_clock())


def load_service_account_key(source: str, value: str, secret_env: str) -> dict[str, Any]:
    """The key held by `secret_env`: its JSON text, or the path of the JSON key file."""
    text = value.strip()
    if not text.startswith("{"):
        path = Path(text).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                source,
                secret_env,
                f"holds neither a service account key (JSON) nor a readable key file "
                f"({type(exc).__name__})",
            ) from None
    try:
        key = json.loads(text)
    except ValueError:
        key = None
    if not isinstance(key, dict) or key.get("type", "service_account") != "service_account":
        raise ConfigError(source, secret_env, "is not a Google service account key (JSON)")
    return key


def _key_field(source: str, key: Mapping[str, Any], name: str, secret_env: str) -> str:
    value = key.get(name)
    if not isinstance(value, str) or not value:
        raise ConfigError(source, secret_env, f"the service account key has no '{name}'")
    return value


def _private_key(source: str, key: Mapping[str, Any], secret_env: str) -> rsa.RSAPrivateKey:
    pem = _key_field(source, key, "private_key", secret_env)
    try:
        private_key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        private_key = None
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ConfigError(
            source, secret_env, "the service account key's private_key is not an RSA PEM key"
        )
    return private_key


def _checked_token_url(source: str, url: str) -> str:
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ConfigError(source, "token_url", f"'{url}' is not an https URL")
    return url


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(value: Mapping[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())
