"""A loopback HTTP server that plays a vendor API, shared by every vendor emulator.

The base class owns what all vendors have in common: a `ThreadingHTTPServer` on 127.0.0.1 with an
ephemeral port in a background thread, a log of every request (credentials redacted), per-bucket
rate limits on fixed windows, and a fault plan tests fill to make the next matching requests fail
the ways real APIs do. A vendor subclass says how to authenticate, how errors look and what each
path answers.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)

FaultKind = Literal[
    "rate_limit", "server_error", "slow", "malformed", "expired_token", "duplicates"
]
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


@dataclass(frozen=True)
class Fault:
    """A failure the server injects into requests whose path starts with `path`.

    The first `skip` matching requests are served normally, then `times` of them fail:
    `rate_limit` answers 429 with the bucket reset `reset_after` seconds away; `server_error`
    answers `status`; `slow` waits `delay` seconds before answering; `malformed` cuts the JSON body
    in half; `expired_token` answers 401 as if the credential had just expired; `duplicates` makes
    the page's next link start one record early, so the next page repeats a record.
    `retry_after` adds a `Retry-After` header, in seconds or (`retry_after_date`) as an HTTP date.
    """

    kind: FaultKind
    path: str = "/"
    skip: int = 0
    times: int = 1
    status: int = 503
    delay: float = 0.0
    reset_after: float = 30.0
    retry_after: float | None = None
    retry_after_date: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; secret headers are replaced by `<redacted>`."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    status: int


@dataclass
class Reply:
    """What a route answers: a JSON-able body (or raw text) with its status and extra headers."""

    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering
    truncate: bool = False  # send only the first half of the body


class FaultPlan:
    """Faults waiting to fire, consumed in order by the requests they match. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[list[Any]] = []  # [fault, skips left, firings left]

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend([fault, fault.skip, fault.times] for fault in faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return [fault for fault, _, left in self._faults if left > 0]

    def take(self, path: str) -> Fault | None:
        """The fault this request must suffer, if any; every matching fault counts the request."""
        chosen = None
        with self._lock:
            for entry in self._faults:
                fault, skips, left = entry
                if left <= 0 or not path.startswith(fault.path):
                    continue
                if skips > 0:
                    entry[1] -= 1
                elif chosen is None:
                    entry[2] -= 1
                    chosen = fault
        return chosen


class RateLimiter:
    """Per-bucket request counts over fixed windows aligned on the clock, like Okta's minutes."""

    def __init__(self, limits: Mapping[str, int], window: float, clock: Callable[[], float]):
        self._limits = dict(limits)
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def hit(self, bucket: str) -> tuple[bool, int, int, float]:
        """Count one request: (allowed, limit, remaining, reset as epoch seconds)."""
        limit = self._limits.get(bucket)
        now = self._clock()
        start = now - now % self._window
        reset = start + self._window
        if limit is None:
            return True, 0, 0, reset
        with self._lock:
            window_start, count = self._counts.get(bucket, (start, 0))
            count = count + 1 if window_start == start else 1
            self._counts[bucket] = (start, count)
        return count <= limit, limit, max(0, limit - count), reset


class EmulatorServer:
    """Base of the vendor emulators; use as `with VendorEmulator(...) as server: server.base_url`.

    Subclasses implement `authorized`, `bucket`, `route` and the vendor's error replies.
    """

    def __init__(
        self,
        *,
        rate_limits: Mapping[str, int],
        rate_window: float = 60.0,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.clock = clock
        #: The newest instant (naive UTC) the vendor's logs reach: a query past it reads up to it,
        #: as a log holds nothing from after the request. None: the sample's whole history is
        #: logged already. A benchmark sets it to each refresh's scheduled time.
        self.logged_until: datetime | None = None
        self.faults = FaultPlan()
        self.limiter = RateLimiter(rate_limits, rate_window, clock)
        self._address = (host, port)
        self._httpd: ThreadingHTTPServer | None = None
        self._base_url: str | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the emulator is not running; call start() or use it in a with")
        return self._base_url

    def logged_by(self, end: datetime) -> datetime:
        """`end`, or the newest logged instant if that is earlier (`logged_until`)."""
        return end if self.logged_until is None else min(end, self.logged_until)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def forget_drawn_events(self) -> None:
        """Drop the events drawn so far and kept for the next pages, if the emulator keeps any:
        a benchmark repeating a refresh has each repeat draw them as the first did."""

    def start(self) -> Self:
        httpd = _Server(self._address, _Handler)
        httpd.emulator = self
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self._base_url = f"http://{host}:{port}"
        self.stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()  # releases requests sleeping in a `slow` fault
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._base_url = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what a vendor subclass provides -------------------------------------------------------

    def authorized(self, headers: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def bucket(self, path: str) -> str:
        """The rate-limit bucket a path is counted in."""
        raise NotImplementedError

    def route(self, path: str, params: dict[str, str], overlap: bool) -> Reply:
        """Answer an authorised, allowed GET. `overlap`: repeat a record on the next page."""
        raise NotImplementedError

    def unauthorized(self) -> Reply:
        raise NotImplementedError

    def rate_limited(self) -> Reply:
        raise NotImplementedError

    def server_error(self, status: int) -> Reply:
        raise NotImplementedError

    def rate_limit_headers(self, limit: int, remaining: int, reset: float) -> list[tuple[str, str]]:
        return []

    # -- request handling -----------------------------------------------------------------------

    def answer(self, path: str, params: dict[str, str], headers: Mapping[str, str]) -> Reply:
        """The reply to one GET, with faults, authentication and rate limits applied."""
        fault = self.faults.take(path)
        if fault is not None and fault.kind == "expired_token":
            return self.unauthorized()
        if not self.authorized(headers):
            return self.unauthorized()
        allowed, limit, remaining, reset = self.limiter.hit(self.bucket(path))
        limit_headers = self.rate_limit_headers(limit, remaining, reset) if limit else []
        if not allowed:
            reply = self.rate_limited()
        elif fault is not None and fault.kind == "rate_limit":
            reply = self.rate_limited()
            limit_headers = self.rate_limit_headers(limit or 1, 0, self.clock() + fault.reset_after)
        elif fault is not None and fault.kind == "server_error":
            reply = self.server_error(fault.status)
        else:
            reply = self.route(
                path, params, overlap=fault is not None and fault.kind == "duplicates"
            )
        reply = replace(reply, headers=[*reply.headers, *limit_headers])
        if fault is not None and fault.retry_after is not None:
            reply.headers.append(("Retry-After", self._retry_after(fault.retry_after, fault)))
        if fault is not None and fault.kind == "slow":
            reply.delay = fault.delay
        if fault is not None and fault.kind == "malformed":
            reply.truncate = True
        return reply

    def _retry_after(self, seconds: float, fault: Fault) -> str:
        if fault.retry_after_date:
            return formatdate(self.clock() + seconds, usegmt=True)
        return str(round(seconds))

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is part of the tests, not a server failure.
        log.debug("emulator: connection from %s ended abruptly", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go out as two writes; no 40 ms ACK stall
    server: _Server

    def do_GET(self) -> None:
        emulator = self.server.emulator
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        reply = emulator.answer(parts.path, params, self.headers)
        if isinstance(reply.body, (bytes, str)):
            body = reply.body.encode() if isinstance(reply.body, str) else reply.body
        else:
            body = json.dumps(reply.body, separators=(",", ":")).encode()
        if reply.truncate:
            body = body[: len(body) // 2]
        if reply.delay and emulator.stopping.wait(reply.delay):
            self.close_connection = True  # shutting down: drop the request unanswered
            return
        headers = {
            name: "<redacted>" if name.lower() in SECRET_HEADERS else value
            for name, value in self.headers.items()
        }
        # Recorded before replying, so a test that has its answer also sees its record.
        emulator.record(RecordedRequest("GET", parts.path, params, headers, reply.status))
        self._send(reply, body)

    def _send(self, reply: Reply, body: bytes) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("emulator: the client left before the reply was written")

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header follows the emulator's clock, which tests may control.
        return formatdate(
            self.server.emulator.clock() if timestamp is None else timestamp, usegmt=True
        )

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("emulator: " + format, *args)
