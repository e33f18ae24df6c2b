"""The shared HTTP layer, plus ServiceNow's error detail in the messages it raises.

ServiceNow's error body is `{"error": {"message", "detail"}, "status": "failure"}`. The shared
layer reports `message`; `detail` often carries the actionable half ("Required to provide Auth
information", which ACL refused a read), so it is added here rather than lost.
"""

from __future__ import annotations

import requests

from connectors.errors import SourceError
from connectors.http import HttpSource


class ServiceNowHttp(HttpSource):
    """`HttpSource` whose final errors also quote ServiceNow's `error.detail`, redacted."""

    def _raise_if_final(self, response: requests.Response, shown: str) -> None:
        try:
            super()._raise_if_final(response, shown)
        except SourceError as error:
            detail = error_detail(response)
            if detail and detail not in str(error):
                error.args = (f"{error.args[0]} ServiceNow says: {self.redact(detail)}",)
            raise


def error_detail(response: requests.Response) -> str | None:
    """`error.detail` of a ServiceNow error body, if the body is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    detail = error.get("detail") if isinstance(error, dict) else None
    return str(detail)[:300] if detail else None
