"""Posting an alert to a chat webhook (Slack or Microsoft Teams incoming webhooks).

Both accept `{"text": "..."}`. The webhook URL is a secret (whoever has it can post to the
channel), so it never appears in a log or an error: failures are described by status or
exception type only, since a `requests` exception quotes the URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

#: Worth another attempt: rate limiting and the chat service's own transient failures.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TIMEOUT = (5.0, 10.0)  # (connect, read) seconds: an alert must never hold up the daemon long
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 1.0  # doubled after each attempt: 1 s, then 2 s


def post_text(
    url: str,
    text: str,
    *,
    attempts: int = MAX_ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """POST `{"text": text}` to `url`; return what happened, in words safe to log. Never raises."""
    problem = "no attempt"
    for attempt in range(1, attempts + 1):
        try:
            response = requests.post(url, json={"text": text}, timeout=TIMEOUT)
        except requests.RequestException as error:
            problem = type(error).__name__
        else:
            if response.status_code < 300:
                return f"delivered (HTTP {response.status_code})"
            problem = f"HTTP {response.status_code}"
            if response.status_code not in RETRY_STATUSES:
                return f"refused ({problem}); check the webhook URL"
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return f"not delivered after {attempts} attempt(s) (last: {problem})"
