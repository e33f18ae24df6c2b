"""Snipe-IT's REST API on loopback, serving a company's software licenses and their seats.

It reproduces what a client of a real instance meets: `Authorization: Bearer <token>` (401
`{"error": "Unauthorized or unauthenticated."}` otherwise, or a redirect to the login page for a
client that does not ask for JSON); `limit`/`offset` paging with `{"total", "rows"}` answers,
`limit` capped at `MAX_RESULTS` (500); licenses sorted by `created_at`, newest first, unless
`sort`/`order` say otherwise; the seats list's quirk of answering the first page again to an
offset past its end; Snipe-IT's error envelope `{"status": "error", "messages", "payload": null}`,
sent with HTTP 200 for a license that does not exist or a permission the token's user lacks;
HTML-escaped text and `""` for missing text; and the throttle, one bucket per user over the whole
API (120 a minute by default), whose middleware puts `X-RateLimit-Limit`, `X-RateLimit-Remaining`,
`X-RateLimit-Reset` (seconds), `X-RateLimit-Reset-Timestamp` and `Retry-After` on every answer.
Faults are injected through `faults` (see `server.Fault`); `duplicates` serves the page one
record early, as when a record is inserted ahead of the page between two requests.

    with SnipeItEmulator(build_snipeit(company), token="...") as snipeit:
        connector = SnipeItConnector(snipeit.base_url, "...")
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pyarrow as pa

from sample_company.emulators.server import EmulatorServer, Reply

API = "/api/v1"
#: Snipe-IT's default `API_THROTTLE_PER_MINUTE`.
PUBLISHED_RATE_LIMIT = 120
#: Snipe-IT's default `MAX_RESULTS`: the most rows a page holds, and the `limit` when none is asked.
MAX_RESULTS = 500
HIDDEN_KEY = "------------"  # what Snipe-IT shows to users without the "View License Keys" right

_SEATS_PATH = re.compile(r"^/api/v1/licenses/([^/]+)/seats$")
_LEADING_INT = re.compile(r"^\s*([+-]?\d+)")
# API `sort` values the licenses list accepts, and the column each sorts on.
_LICENSE_SORTS = {
    "id": "id",
    "name": "name",
    "purchase_cost": "purchase_cost_numeric",
    "expiration_date": "expiration_date",
    "purchase_order": "purchase_order",
    "order_number": "order_number",
    "notes": "notes",
    "purchase_date": "purchase_date",
    "license_name": "license_name",
    "license_email": "license_email",
    "free_seats_count": "free_seats_count",
    "seats": "seats",
    "termination_date": "termination_date",
    "created_at": "created_at",
    "manufacturer": "manufacturer_name",
    "supplier": "supplier_name",
    "category": "category_name",
    "company": "company_name",
}
_THROTTLE_HEADERS = frozenset(
    {
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "X-RateLimit-Reset-Timestamp",
    }
)
_ACTIONS = {"checkout": True, "checkin": True, "clone": True, "update": True, "delete": True}
_LOGIN_PAGE = (
    "<!DOCTYPE html><html><head><title>Snipe-IT Asset Management :: Login</title></head>"
    '<body><form method="POST" action="/login"><input name="username"></form></body></html>'
)


class SnipeItInstance(Protocol):
    """What the emulator serves: tables in the `connectors.snipeit.entities` schemas.

    `product_keys` holds each license's serial by license id, shown as `product_key`.
    """

    @property
    def licenses(self) -> pa.Table: ...

    @property
    def license_seats(self) -> pa.Table: ...

    @property
    def product_keys(self) -> Mapping[int, str]: ...


class SnipeItEmulator(EmulatorServer):
    """A Snipe-IT instance on `http://127.0.0.1:<port>` serving `instance`, accepting `token`.

    `unprivileged_token` authenticates a user without the Licenses "View" permission: every
    request with it is refused with Snipe-IT's HTTP 200 error envelope, `"Unauthorized."`.
    `errors` maps a path to the `messages` of the HTTP 200 error envelope it answers, e.g. a
    license deleted since it was listed. `rate_limit` is `API_THROTTLE_PER_MINUTE` (raise it for
    a fast demo), counted over windows of `rate_window` seconds; `max_results` is `MAX_RESULTS`.
    `timezone` is the instance's `APP_TIMEZONE`, the zone its timestamps are written in.
    """

    def __init__(
        self,
        instance: SnipeItInstance,
        token: str,
        *,
        unprivileged_token: str | None = None,
        rate_limit: int = PUBLISHED_RATE_LIMIT,
        rate_window: float = 60.0,
        max_results: int = MAX_RESULTS,
        show_product_keys: bool = True,
        timezone: str = "UTC",
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(
            rate_limits={API: rate_limit},
            rate_window=rate_window,
            clock=clock,
            host=host,
            port=port,
        )
        self.token = token
        self.unprivileged_token = unprivileged_token
        self.max_results = max_results
        self.show_product_keys = show_product_keys
        self.errors: dict[str, Any] = {}
        self._zone = UTC if timezone.upper() == "UTC" else ZoneInfo(timezone)
        self._licenses = instance.licenses.to_pylist()
        self._keys = dict(instance.product_keys)
        self._seats: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in self._licenses}
        self._seat_texts: dict[int, str] = {}
        for seat in sorted(instance.license_seats.to_pylist(), key=lambda seat: seat["id"]):
            self._seats.setdefault(seat["license_id"], []).append(seat)

    # -- the vendor hooks of EmulatorServer -----------------------------------------------------

    def authorized(self, headers: Mapping[str, str]) -> bool:
        return headers.get("Authorization") == f"Bearer {self.token}"

    def bucket(self, path: str) -> str:
        # Snipe-IT throttles each user over the whole API, not per endpoint.
        return API if path.startswith(API + "/") else path

    def rate_limit_headers(self, limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        seconds = str(max(0, math.ceil(reset - self.clock())))
        return [
            ("X-RateLimit-Limit", str(limit)),
            ("X-RateLimit-Remaining", str(remaining)),
            ("Retry-After", seconds),
            ("X-RateLimit-Reset", seconds),
            ("X-RateLimit-Reset-Timestamp", str(math.ceil(reset))),
        ]

    def unauthorized(self) -> Reply:
        return Reply(401, {"error": "Unauthorized or unauthenticated."})

    def rate_limited(self) -> Reply:
        return Reply(429, _envelope("Too many requests"))

    def server_error(self, status: int) -> Reply:
        if status == 500:
            return Reply(500, {"message": "Server Error"})
        if status == 503:  # `php artisan down`: maintenance mode, before any middleware
            return Reply(503, {"message": "Service Unavailable"})
        if status in (401, 403):
            return Reply(status, _envelope(status))
        title = f"{status} Bad Gateway" if status == 502 else f"{status} Gateway Time-out"
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        return Reply(status, page, [], "text/html")

    def answer(self, path: str, params: dict[str, str], headers: Mapping[str, str]) -> Reply:
        if path == "/login":
            return Reply(200, _LOGIN_PAGE, [], "text/html; charset=UTF-8")
        if not self.authorized(headers) and "json" not in headers.get("Accept", ""):
            # Laravel sends a browser-like client without a valid token to the login page.
            return Reply(302, "", [("Location", f"{self.base_url}/login")], "text/html")
        if self.unprivileged_token and (
            headers.get("Authorization") == f"Bearer {self.unprivileged_token}"
        ):
            return Reply(200, _envelope("Unauthorized."))
        return _throttle_headers_as_snipeit_sends_them(super().answer(path, params, headers))

    def route(self, path: str, params: dict[str, str], overlap: bool) -> Reply:
        if path in self.errors:
            return Reply(200, _envelope(self.errors[path]))
        if path == f"{API}/licenses":
            return Reply(200, self._license_list(params, overlap))
        if match := _SEATS_PATH.match(path):
            return self._seat_list(match.group(1), params, overlap)
        return Reply(404, _envelope("404 endpoint not found"))

    # -- lists ------------------------------------------------------------------------------

    def _license_list(self, params: dict[str, str], overlap: bool) -> dict[str, Any]:
        column = _LICENSE_SORTS.get(params.get("sort", ""), "created_at")
        descending = params.get("order") != "asc"
        ordered = sorted(
            self._licenses,
            key=lambda row: (row[column] is not None, _or_zero(row[column]), row["id"]),
            reverse=descending,
        )
        total = len(ordered)
        offset = min(_intval(params.get("offset")), total)  # past the end: an empty page
        rows = self._window(ordered, offset, params, overlap)
        return {"total": total, "rows": [self._license_json(row) for row in rows]}

    def _seat_list(self, raw_id: str, params: dict[str, str], overlap: bool) -> Reply:
        license_id = _intval(raw_id)
        if license_id not in self._seats or not raw_id.isdigit():
            message = "License does not exist or you do not have permission to view it."
            return Reply(200, _envelope(message))
        seats = self._seats[license_id]
        if params.get("order") != "asc":
            seats = seats[::-1]
        total = len(seats)
        offset = min(_intval(params.get("offset")), total)
        if offset >= total:
            offset = 0  # Snipe-IT's seats list starts over rather than answer an empty page
        rows = self._window(seats, offset, params, overlap)
        texts = ",".join(self._seat_text(row) for row in rows)
        return Reply(200, f'{{"total":{total},"rows":[{texts}]}}')

    def _seat_text(self, row: dict[str, Any]) -> str:
        """A seat's JSON as the server writes any body, rendered on its first request only.

        Seats do not change while the emulator serves, and the benchmark reads every one of them
        at each refresh: rendered each time, the stand-in vendor spent 2 s of the cores it shares
        with the refresh on the 124,000 seats of the largest scale.
        """
        text = self._seat_texts.get(row["id"])
        if text is None:
            text = json.dumps(self._seat_json(row), separators=(",", ":"))
            self._seat_texts[row["id"]] = text
        return text

    def _window(
        self, rows: list[dict[str, Any]], offset: int, params: dict[str, str], overlap: bool
    ) -> list[dict[str, Any]]:
        asked = abs(_intval(params.get("limit")))
        limit = asked if 0 < asked <= self.max_results else self.max_results
        start = offset - 1 if overlap and offset > 0 else offset
        return rows[start : start + limit]

    # -- Snipe-IT's JSON objects ------------------------------------------------------------

    def _license_json(self, row: dict[str, Any]) -> dict[str, Any]:
        """LicensesTransformer's object: the modelled columns win, the payload adds the rest."""
        key = self._keys.get(row["id"]) if self.show_product_keys else HIDDEN_KEY
        cost = row["purchase_cost_numeric"]
        modelled = {
            "id": row["id"],
            "name": _e(row["name"]),
            "company": _related(row["company_id"], row["company_name"]),
            "manufacturer": _related(row["manufacturer_id"], row["manufacturer_name"]),
            "product_key": _e(key),
            "order_number": _e(row["order_number"]),
            "purchase_order": _e(row["purchase_order"]),
            "purchase_date": _date(row["purchase_date"]),
            "termination_date": _date(row["termination_date"]),
            "depreciation": _related(row["depreciation_id"], row["depreciation_name"]),
            "purchase_cost": None if cost is None else f"{cost:,.2f}",
            "purchase_cost_numeric": None if cost is None else f"{cost:.2f}",
            "notes": _e(row["notes"]),
            "expiration_date": _date(row["expiration_date"]),
            "seats": row["seats"] or 0,
            "free_seats_count": row["free_seats_count"] or 0,
            "license_name": _e(row["license_name"]),
            "license_email": _e(row["license_email"]),
            "reassignable": bool(row["reassignable"]),
            "maintained": bool(row["maintained"]),
            "supplier": _related(row["supplier_id"], row["supplier_name"]),
            "category": _related(row["category_id"], row["category_name"]),
            "created_at": self._datetime(row["created_at"]),
            "updated_at": self._datetime(row["updated_at"]),
            "deleted_at": self._datetime(row["deleted_at"]),
            "user_can_checkout": bool(row["user_can_checkout"]),
            "available_actions": dict(_ACTIONS),
        }
        extra = json.loads(row["payload"]) if row.get("payload") else {}
        return {**modelled, **{name: v for name, v in extra.items() if name not in modelled}}

    def _seat_json(self, row: dict[str, Any]) -> dict[str, Any]:
        """LicenseSeatsTransformer's object."""
        updated = self._datetime(row["updated_at"])
        user = None
        if row["assigned_user_id"] is not None:
            department = _related(
                row["assigned_user_department_id"], row["assigned_user_department_name"]
            )
            user = {
                "id": row["assigned_user_id"],
                "name": _e(row["assigned_user_name"]),
                "email": _e(row["assigned_user_email"]),
                "department": None if department is None else {**department, "tag_color": None},
                "company": None,
                "created_at": updated,
            }
        asset = _related(row["assigned_asset_id"], row["assigned_asset_name"])
        location = _related(row["location_id"], row["location_name"])
        held = row["assigned_user_id"] is not None or row["assigned_asset_id"] is not None
        return {
            "id": row["id"],
            "license_id": row["license_id"],
            "updated_at": updated,
            "assigned_user": user,
            "assigned_asset": None if asset is None else {**asset, "created_at": updated},
            "location": None
            if location is None
            else {**location, "tag_color": None, "created_at": updated},
            "reassignable": bool(row["reassignable"]),
            "notes": _e(row["notes"]),
            "user_can_checkout": bool(row["user_can_checkout"]),
            "disabled": bool(row["disabled"]),
            "available_actions": {**_ACTIONS, "bulk_selectable": {"checkin": held}},
        }

    def _datetime(self, moment: datetime | None) -> dict[str, str] | None:
        """Helper::getFormattedDateObject: the wall clock of APP_TIMEZONE, without the zone."""
        if moment is None:
            return None
        local = moment.replace(tzinfo=UTC).astimezone(self._zone)
        return {"datetime": f"{local:%Y-%m-%d %H:%M:%S}", "formatted": f"{local:%Y-%m-%d %I:%M %p}"}


def _throttle_headers_as_snipeit_sends_them(reply: Reply) -> Reply:
    """One `Retry-After`, and no throttle headers on an answer the throttle never saw.

    The throttle's `Retry-After` (when its window resets) gives way to an injected fault's. A 503
    of maintenance mode is answered before the throttle middleware runs, so it has none of them.
    """
    throttled = any(name == "X-RateLimit-Limit" for name, _ in reply.headers)
    retry_afters = [value for name, value in reply.headers if name == "Retry-After"]
    fault_wait = retry_afters[1:] if throttled else retry_afters
    kept = [
        (name, value)
        for name, value in reply.headers
        if name != "Retry-After" and (reply.status != 503 or name not in _THROTTLE_HEADERS)
    ]
    if reply.status != 503 and throttled:
        kept.append(("Retry-After", (fault_wait or retry_afters)[-1]))
    elif fault_wait:
        kept.append(("Retry-After", fault_wait[-1]))
    reply.headers = kept
    return reply


def _envelope(messages: Any) -> dict[str, Any]:
    """Helper::formatStandardApiResponse('error', null, $messages)."""
    return {"status": "error", "messages": messages, "payload": None}


def _related(record_id: int | None, name: str | None) -> dict[str, Any] | None:
    return None if record_id is None else {"id": record_id, "name": _e(name)}


def _date(day: date | None) -> dict[str, str] | None:
    return None if day is None else {"date": f"{day:%Y-%m-%d}", "formatted": f"{day:%Y-%m-%d}"}


def _e(text: str | Decimal | None) -> str:
    """Laravel's e(): htmlspecialchars with ENT_QUOTES; null becomes ""."""
    if text is None:
        return ""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _or_zero(value: Any) -> Any:
    # MySQL sorts nulls first; comparing the flag first keeps None away from real values.
    return 0 if value is None else value


def _intval(value: str | None) -> int:
    """PHP's intval of a query parameter: its leading digits, else 0."""
    match = _LEADING_INT.match(value or "")
    return max(0, int(match.group(1))) if match else 0
