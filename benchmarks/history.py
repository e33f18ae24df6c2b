"""Does the daily refresh grow with history? Measured on one warehouse, before and after a backfill.

    python -m benchmarks.history --scale M --days 90      # or: make bench-history
    python -m benchmarks.history --scale L --backfill-memory-limit 4GiB

A company keeps years of sign-ins, and each daily refresh should cost its new day, not the years
behind it. `make bench` cannot show that: its warehouse holds the full refresh's 90 days at every
scale, so its scales grow the company, not the history. Here one warehouse is measured twice:

1. a full refresh as of D (90 days of sign-ins), the daily refresh as of D + 1, which adds its
   day, then the same daily refresh `RUNS` times;
2. a backfill (`software-audit backfill`) of `--days` older days, then the same daily refresh
   `RUNS` times again.

The measured runs all read again what the first daily refresh read (the same 30 hours of events,
each refresh at the daily schedule's 06:00, as in `make bench`): the two states do the same work
but for the history behind it. Entra ID keeps 30 days of sign-ins: its history does not grow. Okta's
and Google's do. Results: the section "Growth with history" of docs/benchmarks.md, and stdout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import mean

import yaml

from benchmarks.refresh import (
    PROJECT_DIR,
    RefreshMeasure,
    measure_refresh,
    prepare_dbt,
    refresh_env,
    run_child,
    scheduled_at,
)
from benchmarks.report import (
    OUTSIDE_STEPS,
    WHOLE_PROCESS,
    StageRow,
    machine,
    machine_lines,
    write_named_section,
)
from pipelines.settings import DUCKDB_MEMORY_LIMIT_ENV

TITLE = "Growth with history"
#: Daily refreshes measured on each history: the spread between them is the noise.
RUNS = 2
#: The sources whose connectors read back to the sources file's `start_date`; Entra ID keeps its
#: own 30 days whatever the file says.
GROWING_SOURCES = ("okta", "google")
STAGES = ("ingest", "dbt build", "quality gate", OUTSIDE_STEPS)


@dataclass(frozen=True)
class Backfill:
    """The backfill measured between the two histories, and the DuckDB memory limit it ran with."""

    first: date
    last: date
    seconds: float
    memory_limit: str | None = None

    def describe(self) -> str:
        held = f", with {DUCKDB_MEMORY_LIMIT_ENV}={self.memory_limit}" if self.memory_limit else ""
        return (
            f"{self.first}..{self.last} ({(self.last - self.first).days + 1} older days of Okta"
            f" and Google events, {self.seconds:.1f} s{held})"
        )


@dataclass(frozen=True)
class History:
    """The daily refreshes measured on one warehouse, and the history that warehouse held."""

    label: str
    sign_in_days: int
    okta_sign_ins: int
    rolled_up_rows: int
    runs: list[RefreshMeasure]

    def stage_wall_s(self, stage: str) -> float:
        return mean(_row(run, stage).wall_s for run in self.runs)

    @property
    def wall_s(self) -> float:
        return mean(run.wall_s for run in self.runs)

    @property
    def cpu_s(self) -> float:
        return mean(_row(run, WHOLE_PROCESS).cpu_s or 0.0 for run in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        return max(_row(run, WHOLE_PROCESS).peak_rss_mb or 0.0 for run in self.runs)


def _row(run: RefreshMeasure, stage: str) -> StageRow:
    """The run's row of `stage`; none (0 s) for a stage a failed run never reached."""
    return next((row for row in run.rows if row.stage == stage), StageRow(stage, 0.0, None, None))


def read_history(label: str, warehouse: Path, runs: list[RefreshMeasure]) -> History:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        days, events = con.execute(
            "select count(distinct cast(published as date)), count(*) from raw.okta__sso_events"
        ).fetchone()  # type: ignore[misc]
        rolled = con.execute(
            "select count(*) from intermediate.int_usage_events_rolled_up"
        ).fetchone()[0]  # type: ignore[index]
    return History(label, days, events, rolled, runs)


def reach_back(sources_config: Path, first_day: date) -> None:
    """Let the sample company's Okta and Google connectors read back to `first_day`."""
    config = yaml.safe_load(sources_config.read_text(encoding="utf-8"))
    for source in GROWING_SOURCES:
        config["sources"][source]["start_date"] = first_day
    sources_config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def history_section(
    scale: str,
    backfill: Backfill,
    first_daily: RefreshMeasure,
    before: History,
    after: History,
) -> str:
    """The Markdown section: the daily refresh on each history, stage by stage, and the growth."""
    header = (
        "| history | days of Okta sign-ins | Okta sign-ins | rolled-up usage rows | daily refresh s"
        " (each run) | mean s | "
        + " | ".join(f"{stage} s" for stage in STAGES)
        + " | CPU s | peak RSS MB |"
    )
    lines = [header, "|---|" + "---:|" * (7 + len(STAGES))]
    for history in (before, after):
        runs = ", ".join(f"{run.wall_s:.1f}" for run in history.runs)
        stages = " | ".join(f"{history.stage_wall_s(stage):.1f}" for stage in STAGES)
        lines.append(
            f"| {history.label} | {history.sign_in_days} | {history.okta_sign_ins:,} | "
            f"{history.rolled_up_rows:,} | {runs} | {history.wall_s:.1f} | {stages} | "
            f"{history.cpu_s:.1f} | {history.peak_rss_mb:,.0f} |"
        )
    grown = after.okta_sign_ins / before.okta_sign_ins if before.okta_sign_ins else float("nan")
    change = after.wall_s - before.wall_s
    share = change / before.wall_s if before.wall_s else float("nan")
    runs = [first_daily, *before.runs, *after.runs]
    unpublished = sum(not run.published for run in runs)
    return "\n".join(
        [
            f"## {TITLE}\n",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench-history "
            f"SCALE={scale}` (benchmarks/history.py): one warehouse of the sample company at scale"
            f" {scale}. After the full refresh, the daily refresh as of {first_daily.as_of} added"
            f" its day ({first_daily.wall_s:.1f} s), then ran again {len(before.runs)} times on"
            f" the full refresh's history, and {len(after.runs)} times after a backfill of"
            f" {backfill.describe()}. These runs read the same events; only the history behind"
            " them differs. Entra ID keeps 30 days of sign-ins, so its history does not grow.\n",
            "\n".join(lines) + "\n",
            f"Okta sign-ins ×{grown:.1f}: the daily refresh changed by {change:+.1f} s"
            f" ({share:+.0%}) on average."
            + (f" {unpublished} run(s) NOT PUBLISHED: see the logs." if unpublished else "")
            + "\n",
            "Stage walls are means over the runs, as `make bench` measures them; peak RSS is the"
            " highest of the runs.\n",
            "Machine:\n\n" + machine_lines(machine()) + "\n",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M", help="tiny, S, M or L")
    parser.add_argument("--days", type=int, default=90, help="older days of history to backfill")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--backfill-memory-limit",
        help=f"{DUCKDB_MEMORY_LIMIT_ENV} for the backfill's run only, as the README advises for a"
        " long range of a large company (90 days at scale L need more than the default 2GiB)",
    )
    parser.add_argument("--bench-dir", type=Path, default=PROJECT_DIR / ".bench")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)

    import sample_company
    from pipelines.ingest.partitions import FULL_HISTORY, START_ENV
    from pipelines.sample import serve_sample_company

    root = args.bench_dir.resolve() / f"history-{args.scale}"
    data_dir, log_dir = root / "data", root / "logs"
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "dagster_home").mkdir(parents=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    served_through = sample_company.DEFAULT_AS_OF
    full_as_of = served_through - timedelta(days=1)
    # The full refresh loads FULL_HISTORY back from its audit date; the backfill the days before.
    last = full_as_of - FULL_HISTORY - timedelta(days=1)
    first = last - timedelta(days=args.days - 1)
    os.environ[START_ENV] = first.isoformat()
    warehouse = data_dir / "warehouse" / "audit.duckdb"

    prepare_dbt(data_dir, log_dir)
    with serve_sample_company(
        root / "sample", scale=args.scale, seed=args.seed, as_of=served_through
    ) as sample:
        reach_back(sample.sources_config, first)
        os.environ["AUDIT_SOURCES_CONFIG"] = str(sample.sources_config)
        sample.log_until(scheduled_at(full_as_of))
        if not measure_refresh("full", full_as_of, data_dir, log_dir).published:
            print("the full refresh failed: see its log", file=sys.stderr)
            return 1
        sample.log_until(scheduled_at(served_through))
        first_daily = measure_refresh("incremental", served_through, data_dir, log_dir)
        daily = [
            measure_refresh("incremental", served_through, data_dir, log_dir) for _ in range(RUNS)
        ]
        before = read_history(f"{FULL_HISTORY.days} days (full refresh)", warehouse, daily)
        print(f"backfill {first}..{last} ...", flush=True)
        command = [
            *(sys.executable, "-m", "pipelines.cli", "backfill"),
            *("--from", first.isoformat(), "--to", last.isoformat()),
            *("--as-of", served_through.isoformat()),
        ]
        started = time.perf_counter()
        env = refresh_env(data_dir)
        if args.backfill_memory_limit:
            env[DUCKDB_MEMORY_LIMIT_ENV] = args.backfill_memory_limit
        code, *_ = run_child(command, env, log_dir / "backfill.log")
        backfill = Backfill(first, last, time.perf_counter() - started, args.backfill_memory_limit)
        print(f"  backfill: exit {code}, {backfill.seconds:.1f} s", flush=True)
        if code != 0:
            print("the backfill failed: see its log", file=sys.stderr)
            return 1
        daily = [
            measure_refresh("incremental", served_through, data_dir, log_dir) for _ in range(RUNS)
        ]
        after = read_history(f"+{args.days} days (backfill)", warehouse, daily)

    text = history_section(args.scale, backfill, first_daily, before, after)
    write_named_section(args.output, TITLE, text)
    print()
    print(text)
    print(f"Written to {args.output}")
    runs = [first_daily, *before.runs, *after.runs]
    return 0 if all(run.published for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
