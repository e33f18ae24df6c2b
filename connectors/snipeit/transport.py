"""The shared HTTP layer, taught three things Snipe-IT does its own way.

`connectors.http.HttpSource` is used as is, with three of its hooks overridden here rather than
changed for everyone:

- error bodies: Snipe-IT answers `{"status": "error", "messages": ..., "payload": null}`, or
  `{"error": "Unauthorized or unauthenticated."}` on a 401, which the shared parser does not know;
- `X-RateLimit-Reset` is the number of seconds until the window resets, not an epoch time; the
  epoch time is in `X-RateLimit-Reset-Timestamp`;
- `Retry-After` comes on every answer (Snipe-IT's throttle middleware adds it), where it only says
  when the window resets. It is a request to wait on a 429, or on an answer that did not pass
  through the throttle (a 503 of maintenance mode or of a proxy), never on Snipe-IT's own 500.
"""

from __future__ import annotations

from typing import Any

import requests

from connectors.errors import SourceError
from connectors.http import HttpSource

_RESET_TIMESTAMP = "X-RateLimit-Reset-Timestamp"
_RESET_SECONDS = "X-RateLimit-Reset"


class SnipeItHttp(HttpSource):
    """An `HttpSource` that reads Snipe-IT's error bodies and rate-limit headers."""

    def _raise_if_final(self, response: requests.Response, shown: str) -> None:
        try:
            super()._raise_if_final(response, shown)
        except SourceError as error:
            said = error_text(_json_or_none(response))
            if said and said not in str(error):
                # Same exception type and attributes, with what Snipe-IT said appended.
                error.args = (f"{error.args[0]}; Snipe-IT said: '{self.redact(said)}'",)
            raise

    def _seconds_to_reset(self, response: requests.Response) -> float | None:
        stamp = _number(response.headers.get(_RESET_TIMESTAMP))
        if stamp is not None:
            return max(0.0, stamp - self._server_now(response))
        seconds = _number(response.headers.get(_RESET_SECONDS))
        return None if seconds is None else max(0.0, seconds)

    def _server_wait(self, response: requests.Response) -> float | None:
        if response.status_code != 429 and _RESET_TIMESTAMP in response.headers:
            return None  # Snipe-IT's informational Retry-After: back off as for any failure
        return super()._server_wait(response)


def error_text(body: Any) -> str | None:
    """What a Snipe-IT error body says, or None if `body` is not one.

    `messages` is text, a status code, or (validation) a field -> list of messages mapping.
    """
    if not isinstance(body, dict):
        return None
    if body.get("status") == "error":
        return _messages_text(body.get("messages")) or "(no message)"
    for name in ("error", "message"):
        if isinstance(body.get(name), str) and body[name]:
            return body[name][:300]
    return None


def _messages_text(messages: Any) -> str:
    if isinstance(messages, dict):
        parts = [f"{field}: {_messages_text(problem)}" for field, problem in messages.items()]
        text = "; ".join(parts)
    elif isinstance(messages, list):
        text = " ".join(_messages_text(item) for item in messages)
    else:
        text = "" if messages is None else str(messages)
    return text[:300]


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
