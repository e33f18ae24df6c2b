"""End-to-end throughput of SSO sign-in extraction: the Okta connector reading the emulator.

Both run in this process, as in the demo: the emulator in a server thread, sharing the GIL with
the connector, so the figure counts the work of both sides. Rate limits are raised on both sides
so the figure is what loopback HTTP, JSON and Arrow allow. Batches are counted and dropped, as a
streaming extraction would hand them on, so memory should stay flat however many days are read.

    .venv/bin/python benchmarks/okta_throughput.py --scale S --days 180
    .venv/bin/python benchmarks/okta_throughput.py --scale S --days 180 --span-days 1
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import timedelta

import sample_company
from connectors.base import Window
from connectors.okta.client import OktaConnector
from sample_company.emulators.okta import PUBLISHED_RATE_LIMITS, OktaEmulator

TOKEN = "benchmark-token"
UNLIMITED = 1_000_000_000  # requests per minute, on both sides


def rss_mb() -> float:
    """Resident memory now (Linux), so a peak while extracting is not hidden by the setup's."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", help="sample company scale: tiny, S, M, L")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=180, help="days of sign-ins up to as_of")
    parser.add_argument("--span-days", type=float, help="event_window_span (connector default)")
    args = parser.parse_args()

    started = time.perf_counter()
    company = sample_company.generate(args.scale, seed=args.seed)
    window = Window(company.events_end - timedelta(days=args.days), company.events_end)
    print(f"company {args.scale}: generated in {time.perf_counter() - started:.1f}s")

    limits = dict.fromkeys(PUBLISHED_RATE_LIMITS, UNLIMITED)
    options = {} if args.span_days is None else {"event_window_span": timedelta(args.span_days)}
    with (
        OktaEmulator(company, TOKEN, rate_limits=limits) as okta,
        OktaConnector(okta.base_url, TOKEN, requests_per_minute=UNLIMITED, **options) as connector,
    ):
        rss_before = peak_rss = rss_mb()
        events = 0
        started = time.perf_counter()
        for batch in connector.extract("sso_events", window):
            events += batch.num_rows
            peak_rss = max(peak_rss, rss_mb())
        seconds = time.perf_counter() - started
        requests = len(okta.requests)

    print(f"events      {events}")
    print(f"requests    {requests}")
    print(f"seconds     {seconds:.2f}")
    print(f"events/s    {events / seconds:,.0f}")
    print(f"rss MB      {rss_before:.0f} before extracting, {peak_rss:.0f} at most during it")
    print(f"max rss MB  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} (process)")


if __name__ == "__main__":
    main()
