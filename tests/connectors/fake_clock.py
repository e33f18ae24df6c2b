"""A clock tests control, shared by a connector and the emulator it talks to.

Not a conftest, so that test modules can import it by a name no other test folder uses.
"""

from __future__ import annotations

import threading

#: 2026-10-26 07:33:20 UTC, a whole second: rate-limit windows of whole seconds start on it.
START = 1_793_000_000.0


class FakeClock:
    """Wall and monotonic time that only move when someone sleeps; every sleep is recorded.

    Give the emulator `time` and the connector `sleep`, `monotonic` and `time`: requests sent
    without sleeping then all fall in one instant, and only the connector's own waits move time
    on, so a rate-limit window counts exactly what the connector chose to send in it. The
    emulator reads the time from its own threads, hence the lock.
    """

    def __init__(self, start: float = START) -> None:
        self.start = start
        self.sleeps: list[float] = []
        self._now = start
        self._lock = threading.Lock()

    @property
    def now(self) -> float:
        with self._lock:
            return self._now

    @now.setter
    def now(self, value: float) -> None:
        with self._lock:
            self._now = value

    @property
    def elapsed(self) -> float:
        """Seconds slept since the start (plus any jumps a test made by setting `now`)."""
        return self.now - self.start

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)
