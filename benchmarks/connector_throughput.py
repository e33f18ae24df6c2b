"""Connector throughput under the vendors' rate limits: the event feeds read from the emulators.

Each feed (Okta System Log sign-ins, Microsoft Graph sign-ins, Google Reports login and token
activities) is served by its emulator with the vendor's published limit for that endpoint, and
read by the connector built from a sources file by `connectors.config.build_connector`, as the
pipeline builds it. Okta and Graph are paced by the connectors' defaults; Google, which sends no
quota headers, by the `requests_per_minute` an operator sets just under the project's quota. Each
volume (days of events up to the company's last event) is read by a fresh child process, so its
peak RSS is the connector's alone and comparable across volumes; batches are counted and dropped,
as the pipeline streams them on to Parquet. Requests and 429 refusals are counted by the emulator,
which knows what it refused. A fresh emulator serves each volume, so no run inherits the previous
one's spent quota.

`--speedup N` divides every rate-limit window by N and multiplies the connector's requests per
minute by N, so the run is N times shorter and the share of the limit is unchanged in principle;
the section written says so. The default, 1, uses the vendors' windows.

A share means little over less than a window: a run of twenty requests pays its fencepost and its
token exchange against a fraction of a minute's allowance. Google's quota allows 2.4 million events
a minute, more than the scale M company logs in 90 days, so Google is read at scale L and over more
days: `--scale` and `--days` take `feed=...` entries that override the others for that feed.

    .venv/bin/python -m benchmarks.connector_throughput --scale M google=L \
        --days 2 8 16 google=4,16,64
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import secrets
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import sample_company
from benchmarks.report import CONNECTOR_TITLE, machine, machine_lines, write_named_section
from connectors.base import Window
from connectors.config import build_connector, load_sources
from connectors.google.client import GoogleWorkspaceConnector
from connectors.graph.client import GraphConnector
from connectors.okta.client import OktaConnector
from sample_company.company import Company
from sample_company.emulators import google as google_emulator
from sample_company.emulators import graph as graph_emulator
from sample_company.emulators import okta as okta_emulator
from sample_company.emulators.server import EmulatorServer
from sample_company.google import build_google
from sample_company.graph import graph_tenant

TITLE = CONNECTOR_TITLE
DOCS = Path("docs/benchmarks.md")
MB = 2**20


@dataclass(frozen=True)
class Feed:
    """One event feed: the vendor's limit on its endpoint and the page size its connector asks."""

    source: str
    entities: tuple[str, ...]
    endpoint: str  # path prefix of the feed's requests, as the emulator records them
    limit: int  # requests per window, as the vendor publishes it
    window_s: float
    page_size: int  # events per full page: the connector asks the endpoint's maximum
    pacing: Mapping[str, float]  # the connector's requests per minute, by option name
    configured: bool = False  # pacing set in the sources file, not left to the connector

    @property
    def allowed_events_per_s(self) -> float:
        return self.limit * self.page_size / self.window_s


def _default(cls: type, option: str) -> float:
    return float(inspect.signature(cls).parameters[option].default)


FEEDS = (
    Feed(
        "okta",
        ("sso_events",),
        "/api/v1/logs",
        okta_emulator.PUBLISHED_RATE_LIMITS["/api/v1/logs"],
        60.0,
        _default(OktaConnector, "log_page_size"),
        {"requests_per_minute": _default(OktaConnector, "requests_per_minute")},
    ),
    Feed(
        "graph",
        ("sign_ins",),
        "/v1.0/auditLogs/signIns",
        *graph_emulator.PUBLISHED_RATE_LIMITS["auditLogs"],
        _default(GraphConnector, "sign_in_page_size"),
        {
            "sign_ins_requests_per_minute": _default(
                GraphConnector, "sign_ins_requests_per_minute"
            ),
        },
    ),
    Feed(
        "google",
        ("token_activities", "login_activities"),  # in a refresh's order, one shared quota
        google_emulator.QUOTA_BUCKET,
        google_emulator.DEFAULT_QUOTA_PER_MINUTE,
        60.0,
        _default(GoogleWorkspaceConnector, "page_size"),
        # Google sends no quota headers: the operator sets the pace from the project's quota
        # page, just under it (the emulator's stand-in quota, Google publishes no fixed one).
        {"requests_per_minute": google_emulator.DEFAULT_QUOTA_PER_MINUTE * 0.96},
        configured=True,
    ),
)


@dataclass(frozen=True)
class Extraction:
    """What the child process measured while the connector read one window."""

    events: int
    seconds: float
    cpu_s: float
    rss_before_mb: float
    peak_rss_mb: float  # the child's high-water mark (VmHWM), set-up included


@dataclass(frozen=True)
class Run:
    """One feed at one volume: the child's measure and the emulator's count of requests."""

    feed: str
    scale: str
    days: int
    extraction: Extraction
    requests: int
    refused: int
    allowed_events_per_s: float
    window_s: float  # the window the emulator enforced, speed-up applied
    emulator_cpu_s: float  # on the same cores: a real vendor's servers would not use ours

    @property
    def events_per_s(self) -> float:
        return self.extraction.events / self.extraction.seconds if self.extraction.seconds else 0.0

    @property
    def windows(self) -> float:
        """How many rate-limit windows the run lasted: a run of one or two can beat the
        sustained rate, as a fixed window lets a fresh client spend its allowance at once."""
        return self.extraction.seconds / self.window_s

    @property
    def share(self) -> float:
        return self.events_per_s / self.allowed_events_per_s


def extract(sources: str, source: str, entities: Sequence[str], start: str, end: str,
            env: Mapping[str, str]) -> dict[str, Any]:  # fmt: skip
    """Read `entities` of `source` over [start, end) in this (child) process; an `Extraction`.

    The connector is built from the sources file exactly as the pipeline's resource builds it.
    """
    connector = build_connector(load_sources(Path(sources))[source], env)
    window = Window(datetime.fromisoformat(start), datetime.fromisoformat(end))
    rss_before = _rss_mb()
    events = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    with connector:  # type: ignore[attr-defined]
        for entity in entities:
            for batch in connector.extract(entity, window):
                events += batch.num_rows
    seconds = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    return asdict(Extraction(events, seconds, cpu_s, rss_before, _status_mb("VmHWM")))


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _status_mb(field: str) -> float:
    """A memory figure of /proc/self/status. VmHWM, not getrusage's ru_maxrss: Linux carries
    ru_maxrss over fork and exec, so a spawned child would report its parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


@contextmanager
def serve(
    feed: Feed, company: Company, folder: Path, speedup: float
) -> Iterator[tuple[EmulatorServer, Path, dict[str, str]]]:
    """The feed's emulator at the vendor's limit, the sources file and the secrets' environment."""
    window = feed.window_s / speedup
    secret = secrets.token_urlsafe(24)
    pacing = {option: per_minute * speedup for option, per_minute in feed.pacing.items()}
    settings: dict[str, Any]
    server: EmulatorServer
    if feed.source == "okta":
        server = okta_emulator.OktaEmulator(company, secret, rate_window=window)
        env = {"BENCH_OKTA_API_TOKEN": secret}
        server.start()
        settings = {
            "type": "okta",
            "base_url": server.base_url,
            "token_env": "BENCH_OKTA_API_TOKEN",
        }
    elif feed.source == "graph":
        tenant = graph_tenant(company)
        server = graph_emulator.GraphEmulator(tenant, secret, rate_window=window)
        env = {"BENCH_GRAPH_CLIENT_SECRET": secret}
        server.start()
        settings = {
            "type": "graph",
            "tenant_id": tenant.tenant_id,
            "client_id": tenant.audit_app_id,
            "secret_env": "BENCH_GRAPH_CLIENT_SECRET",
            "graph_base_url": server.base_url,
            "authority": server.base_url,
        }
    else:
        workspace = build_google(company)
        account = "bench@software-audit.iam.gserviceaccount.com"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        server = google_emulator.GoogleEmulator(
            workspace,
            service_account=google_emulator.ServiceAccount(account, public),
            admin_email=workspace.admin_email,
            rate_window=window,
        )
        server.start()
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_json = {
            "type": "service_account",
            "private_key": private.decode(),
            "client_email": account,
            "token_uri": server.token_url,  # type: ignore[attr-defined]
        }
        env = {"BENCH_GOOGLE_SERVICE_ACCOUNT_KEY": json.dumps(key_json)}
        settings = {
            "type": "google",
            "base_url": server.base_url,
            "token_url": server.token_url,  # type: ignore[attr-defined]
            "subject": workspace.admin_email,
            "key_env": "BENCH_GOOGLE_SERVICE_ACCOUNT_KEY",
        }
    if speedup != 1 or feed.configured:
        settings |= pacing
    path = folder / f"{feed.source}.sources.yml"
    path.write_text(yaml.safe_dump({"sources": {feed.source: settings}}), encoding="utf-8")
    try:
        yield server, path, env
    finally:
        server.stop()


def measure(
    feed: Feed, company: Company, scale: str, days: int, folder: Path, speedup: float = 1.0
) -> Run:
    """Read `days` of the feed's events in a child process against a fresh emulator; `scale` is
    the company's, for the table."""
    end = company.events_end
    start = end - timedelta(days=days)
    with (
        serve(feed, company, folder, speedup) as (server, sources, env),
        ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool,
    ):
        cpu_started = time.process_time()  # the emulator's threads serve from this process
        child = pool.submit(
            extract, str(sources), feed.source, feed.entities, start.isoformat(), end.isoformat(),
            env,
        )  # fmt: skip
        extraction = Extraction(**child.result())
        emulator_cpu_s = time.process_time() - cpu_started
        sent = [
            r for r in server.requests if r.method == "GET" and r.path.startswith(feed.endpoint)
        ]
    return Run(
        feed.source,
        scale,
        days,
        extraction,
        requests=len(sent),
        refused=sum(1 for r in sent if r.status == 429),
        allowed_events_per_s=feed.allowed_events_per_s * speedup,
        window_s=feed.window_s / speedup,
        emulator_cpu_s=emulator_cpu_s,
    )


def section(runs: Sequence[Run], *, speedup: float, command: str) -> str:
    """The `## Connector throughput` section of docs/benchmarks.md."""
    scales = ", ".join(
        f"{feed} at {scale}" for feed, scale in dict.fromkeys((run.feed, run.scale) for run in runs)
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    feeds = {feed.source: feed for feed in FEEDS}
    limits = "; ".join(
        f"{name} {feeds[name].limit} requests per {feeds[name].window_s:g} s on "
        f"`{feeds[name].endpoint}`, pages of {feeds[name].page_size:,.0f}"
        for name in dict.fromkeys(run.feed for run in runs)
    )
    pacing = "; ".join(_pacing(feeds[name]) for name in dict.fromkeys(run.feed for run in runs))
    window_note = (
        "the vendors' own windows"
        if speedup == 1
        else f"every window divided by {speedup:g} and the connectors' requests per minute "
        f"multiplied by {speedup:g} (so the allowed events/s below are {speedup:g}× the vendors')"
    )
    lines = [
        f"## {TITLE}",
        "",
        f"Measured {when} by `{command}` on the sample company ({scales}), with "
        f"{window_note}. Limits (the vendors' published ones, as the emulators enforce them): "
        f"{limits}. Allowed events/s = limit × page size / window; share = achieved / allowed. "
        f"Pacing: {pacing}. Windows = the run's length in rate-limit windows; over one or two a "
        "fresh client may spend a whole window's allowance at once (the windows are fixed, as "
        "Okta's), so a short run's share can exceed 100%. "
        "Each volume is read by a fresh process from a fresh emulator; refused = requests the "
        "emulator answered 429. Peak RSS is the reading process's high-water mark, imports "
        "included; 'before' is its RSS just before the first request. The machine is shared "
        f"(load average {os.getloadavg()[0]:.2f} at the end), which lowers CPU-bound figures.",
        "",
        "| feed | scale | days | events | requests | refused (429) | wall s | CPU s "
        "| emulator CPU s | events/s | allowed events/s | share | windows | RSS before MB "
        "| peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        x = run.extraction
        lines.append(
            f"| {run.feed} | {run.scale} | {run.days} | {x.events:,} | {run.requests:,} | "
            f"{run.refused} | "
            f"{x.seconds:,.1f} | {x.cpu_s:,.1f} | {run.emulator_cpu_s:,.1f} | "
            f"{run.events_per_s:,.0f} | "
            f"{run.allowed_events_per_s:,.0f} | {run.share:.1%} | {run.windows:,.1f} | "
            f"{x.rss_before_mb:,.0f} | "
            f"{x.peak_rss_mb:,.0f} |"
        )
    lines += ["", "Machine:", "", machine_lines(machine()), ""]
    return "\n".join(lines)


def _pacing(feed: Feed) -> str:
    options = ", ".join(f"`{option}` {value:,.0f}" for option, value in feed.pacing.items())
    origin = "set in the sources file" if feed.configured else "the connector's default"
    return f"{feed.source} {options} ({origin})"


def by_feed(entries: Sequence[str], option: str) -> dict[str | None, str]:
    """`['M', 'google=L']` as `{None: 'M', 'google': 'L'}`: plain entries for every feed, `feed=`
    ones for that feed alone (of `--days`, a comma-separated list)."""
    chosen: dict[str | None, list[str]] = {}
    names = {feed.source for feed in FEEDS}
    for entry in entries:
        feed, _, value = entry.rpartition("=")
        if feed and feed not in names:
            raise ValueError(f"{option} {entry!r}: no feed {feed!r} (feeds: {sorted(names)})")
        chosen.setdefault(feed or None, []).append(value)
    if None not in chosen:
        raise ValueError(f"{option} needs a value for every feed, besides any feed=... ones")
    return {feed: ",".join(values) for feed, values in chosen.items()}


def run_all(
    scale: str | Mapping[str | None, str], days: Sequence[int] | Mapping[str | None, Sequence[int]],
    folder: Path, *, speedup: float = 1.0, feeds: Sequence[str] | None = None, seed: int = 42,
) -> list[Run]:  # fmt: skip
    """Each chosen feed at each of its volumes; `scale` and `days` may differ by feed (a mapping
    with the key None for the other feeds)."""
    scales = {None: scale} if isinstance(scale, str) else scale
    volumes = days if isinstance(days, Mapping) else {None: days}
    companies: dict[str, Company] = {}
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [feed for feed in FEEDS if feeds is None or feed.source in feeds]
    runs = []
    for feed in chosen:
        feed_scale = scales.get(feed.source, scales[None])
        if feed_scale not in companies:
            companies[feed_scale] = sample_company.generate(feed_scale, seed=seed)
        for count in volumes.get(feed.source, volumes[None]):
            run = measure(feed, companies[feed_scale], feed_scale, count, folder, speedup)
            print(
                f"{run.feed:<7} {feed_scale:<4} {count:>3} days: "
                f"{run.extraction.events:>9,} events, "
                f"{run.requests:>5} requests, {run.refused} refused, "
                f"{run.extraction.seconds:7.1f} s, {run.share:6.1%} of the limit, "
                f"peak RSS {run.extraction.peak_rss_mb:,.0f} MB",
                flush=True,
            )
            runs.append(run)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", nargs="+", default=["M", "google=L"],
        help="sample company scale (tiny, S, M, L), and feed=scale for a feed read at another",
    )  # fmt: skip
    parser.add_argument(
        "--days", nargs="+", default=["2", "8", "16", "google=4,16,64"],
        help="days of events read, each a run; feed=n,n,... for a feed read over others",
    )  # fmt: skip
    parser.add_argument("--feeds", nargs="+", choices=[feed.source for feed in FEEDS])
    parser.add_argument("--speedup", type=float, default=1.0, help="divide windows by this")
    parser.add_argument("--folder", type=Path, default=Path(".bench/connectors"))
    parser.add_argument("--docs", type=Path, default=DOCS, help="the Markdown file to update")
    args = parser.parse_args()
    try:
        scales = by_feed(args.scale, "--scale")
        days = {
            feed: [int(count) for count in value.replace(",", " ").split()]
            for feed, value in by_feed(args.days, "--days").items()
        }
    except ValueError as error:
        parser.error(str(error))
    runs = run_all(scales, days, args.folder, speedup=args.speedup, feeds=args.feeds)
    command = f"make bench-connectors SCALE='{' '.join(args.scale)}' DAYS='{' '.join(args.days)}'"
    if args.speedup != 1:
        command += f" SPEEDUP={args.speedup:g}"
    write_named_section(args.docs, TITLE, section(runs, speedup=args.speedup, command=command))
    print(f"wrote the '{TITLE}' section of {args.docs}")


if __name__ == "__main__":
    main()
