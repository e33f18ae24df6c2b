"""The shared HTTP layer, adapted to how Google APIs say "slow down" and "token refused".

Two Google habits need more than `connectors.http.HttpSource` does by itself:

- Quota errors come as 429, but many Google APIs, the Admin SDK among them, also answer
  **403** with the reason `rateLimitExceeded` or `userRateLimitExceeded`. Those are retried like a
  429 instead of being taken for a refused credential.
- Access tokens expire after an hour and are minted anew, so the values to redact change during a
  run, and a 401 is worth one retry with a fresh token before it is final.

This wraps `HttpSource` by subclassing its two hooks (`redact`, `_raise_if_final`); the shared
module itself is left untouched.
"""

from __future__ import annotations

from typing import Any

import requests

from connectors.errors import AuthenticationError
from connectors.google.auth import AccessTokens
from connectors.http import HttpSource

#: `error.errors[].reason` values of Google's quota errors, whatever their HTTP status.
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class TokenRefusedError(AuthenticationError):
    """HTTP 401: the access token was refused; a service account may mint a new one."""


class BearerAuth(requests.auth.AuthBase):
    """Sets `Authorization: Bearer <token>` on each request, so a renewed token is used at once."""

    def __init__(self, tokens: AccessTokens) -> None:
        self._tokens = tokens

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._tokens.token()}"
        return request


class GoogleHttpSource(HttpSource):
    """`HttpSource` whose requests carry `tokens`' bearer token and that knows Google's errors."""

    def __init__(self, source: str, base_url: str, *, tokens: AccessTokens, **options: Any) -> None:
        session = options.pop("session", None) or requests.Session()
        session.auth = BearerAuth(tokens)
        super().__init__(source, base_url, secret_env=tokens.secret_env, session=session, **options)
        self._tokens = tokens

    def redact(self, text: str) -> str:
        text = super().redact(text)
        for secret in self._tokens.secrets():
            text = text.replace(secret, "***")
        return text

    def _raise_if_final(self, response: requests.Response, shown: str) -> None:
        if response.status_code == 403 and error_reasons(response) & RATE_LIMIT_REASONS:
            return  # a quota error: retried with backoff, like a 429
        try:
            super()._raise_if_final(response, shown)
        except AuthenticationError as refused:
            if response.status_code == 401:
                message = str(refused).removeprefix(f"[{self.source}] ")
                raise TokenRefusedError(self.source, message) from None
            raise


def error_reasons(response: requests.Response) -> set[str]:
    """The `reason` of each item of Google's `error.errors` list, if the body has one."""
    try:
        body = response.json()
    except ValueError:
        return set()
    error = body.get("error") if isinstance(body, dict) else None
    items = error.get("errors") if isinstance(error, dict) else None
    if not isinstance(items, list):
        return set()
    return {item["reason"] for item in items if isinstance(item, dict) and "reason" in item}
