"""End-to-end throughput of Google Workspace extraction: the connector reading the emulator.

Both run in this process, as in the demo: the emulator in a server thread, sharing the GIL with
the connector, so the figure counts the work of both sides. The emulator has no quota and the
connector no pacing, so the figure is what loopback HTTP, JSON and Arrow allow. Both entities are
read, as a refresh does (`token_activities`, then `login_activities`); batches are counted and
dropped, as a streaming extraction would hand them on, so memory should stay flat however many
days are read. The service account's key is a real RSA key: tokens are minted as in production.
CPU time is printed beside the elapsed time: other load on a shared machine disturbs it less.

    .venv/bin/python benchmarks/google_throughput.py --scale S --days 180
    .venv/bin/python benchmarks/google_throughput.py --scale S --days 180 --span-days 1
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import sample_company
from connectors.base import Window
from connectors.google.client import GoogleWorkspaceConnector
from connectors.google.entities import ENTITIES
from sample_company.emulators.google import GoogleEmulator, ServiceAccount
from sample_company.google import build_google

CLIENT_EMAIL = "benchmark@software-audit.iam.gserviceaccount.com"
UNLIMITED = 1_000_000_000  # requests per minute the connector may send


def rss_mb() -> float:
    """Resident memory now (Linux), so a peak while extracting is not hidden by the setup's."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", help="sample company scale: tiny, S, M, L")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=180, help="days of activities up to as_of")
    parser.add_argument("--span-days", type=float, help="event_window_span (connector default)")
    args = parser.parse_args()

    started = time.perf_counter()
    company = sample_company.generate(args.scale, seed=args.seed)
    workspace = build_google(company)
    window = Window(company.events_end - timedelta(days=args.days), company.events_end)
    print(f"company {args.scale}: generated in {time.perf_counter() - started:.1f}s")

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    options = {} if args.span_days is None else {"event_window_span": timedelta(args.span_days)}
    with GoogleEmulator(
        workspace,
        service_account=ServiceAccount(CLIENT_EMAIL, public),
        admin_email=workspace.admin_email,
        rate_limit=None,
    ) as google:
        service_account_key = {
            "type": "service_account",
            "private_key": pem.decode(),
            "client_email": CLIENT_EMAIL,
            "token_uri": google.token_url,
        }
        with GoogleWorkspaceConnector(
            google.base_url,
            service_account_key=service_account_key,
            subject=workspace.admin_email,
            requests_per_minute=UNLIMITED,
            **options,
        ) as connector:
            rss_before = peak_rss = rss_mb()
            counts = dict.fromkeys((entity.name for entity in ENTITIES), 0)
            started, cpu_started = time.perf_counter(), time.process_time()
            for entity in counts:
                for batch in connector.extract(entity, window):
                    counts[entity] += batch.num_rows
                    peak_rss = max(peak_rss, rss_mb())
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
        requests = sum(1 for request in google.requests if request.method == "GET")

    events = sum(counts.values())
    for entity, count in counts.items():
        print(f"{entity:<18}{count}")
    print(f"events      {events}")
    print(f"requests    {requests}")
    print(f"seconds     {seconds:.2f} ({cpu_seconds:.2f} of CPU, connector and emulator)")
    print(f"events/s    {events / seconds:,.0f}")
    print(f"rss MB      {rss_before:.0f} before extracting, {peak_rss:.0f} at most during it")
    print(f"max rss MB  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} (process)")


if __name__ == "__main__":
    main()
