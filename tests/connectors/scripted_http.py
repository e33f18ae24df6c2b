"""A stand-in for the network: a `requests.Session` that replays scripted responses and errors."""

from __future__ import annotations

import json

import requests


class ScriptedSession(requests.Session):
    """Answers each GET with the next scripted response, or raises the next scripted error."""

    def __init__(self, *script: requests.Response | Exception) -> None:
        super().__init__()
        self.script = list(script)
        self.calls: list[tuple[str, object]] = []

    def get(self, url, params=None, timeout=None, **kwargs):  # type: ignore[override]
        self.calls.append((url, params))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        step.url = url
        return step


def reply(status: int = 200, body: object = None, **headers: str) -> requests.Response:
    """A response; header names are given with `_` for `-` (`Retry_After=...`)."""
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps([] if body is None else body).encode()
    response._content_consumed = True  # read already, as the body of a real response is
    response.headers.update({name.replace("_", "-"): value for name, value in headers.items()})
    return response
