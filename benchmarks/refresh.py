"""Benchmark a full and an incremental daily refresh of the sample company; compare with the floor.

    python -m benchmarks.refresh --scale S          # or: make bench SCALE=S

This process serves the sample company's systems on loopback (as `software-audit demo` does) and
runs each refresh as a child process, `python -m pipelines.cli refresh`, sampling the child's whole
process tree (dbt runs in its own processes) every 100 ms from /proc: peak RSS, and CPU per Dagster
step by interpolating the tree's cumulative CPU at each step's start and end. Stage wall times come
from Dagster's step stats (DAGSTER_HOME under the bench folder).

The company is served one day beyond the full refresh's audit date: the full refresh
(`refresh --full`) audits day D, the incremental one (`refresh --incremental`) audits D + 1,
loading the usage events of D (read again, for late events) and D + 1 only. Each runs at the daily
schedule's 06:00 (`scheduled_at`), and the emulated logs hold no event published after it. The
emulators' CPU is this process's, not the refresh's; it is reported apart.

The daily refresh is short, so one run of it is a weak verdict: its runs differ by a few percent
on a shared machine. It is measured `--daily-runs` times (3 by default), each from the data
folder the full refresh left (copied back before each run, and written to disk first, so no run
competes with the copy's write-back), with the emulators' drawn events forgotten so each run
draws the same days; the median run is reported, and every run's wall and CPU beside it.

Results: a section of docs/benchmarks.md per scale, replaced on each run, and the same on stdout.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.floor import FloorResult, export_raw, published_totals, run_floor
from benchmarks.proctree import Samples, TreeSampler
from benchmarks.report import (
    WHOLE_PROCESS,
    StageRow,
    StepTiming,
    machine,
    machine_lines,
    ratio,
    stage_rows,
    stage_table,
    stolen_cpu_s,
    write_section,
)

PROJECT_DIR = Path(__file__).resolve().parents[1]
QUIET_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "GX_ANALYTICS_ENABLED": "False",
    "DAGSTER_DISABLE_TELEMETRY": "True",
}


@dataclass(frozen=True)
class RefreshMeasure:
    """One refresh as measured from outside: its stage rows and how it ended."""

    label: str
    as_of: date
    published: bool
    rows: list[StageRow]
    wall_s: float
    emulator_cpu_s: float
    events_in_warehouse: int
    load_before: float
    stolen_s: float | None
    published_totals: dict[str, float]
    steps: list[StepTiming]
    #: Steps that failed and ran again (Dagster's retry policy): the run timed the retry too.
    retried: tuple[str, ...] = ()


def self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_child(
    command: list[str], env: dict[str, str], log: Path
) -> tuple[int, float, float, Samples]:
    """Run `command`, sample its tree; (exit code, wall s, CPU s of the tree, samples).

    The tree's total CPU comes from wait4's rusage, which counts the child and every descendant it
    reaped: exact, unlike the last /proc sample before the child exited.
    """
    with log.open("w", encoding="utf-8") as output:
        started = time.time()
        child = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=output)
        sampler = TreeSampler(child.pid).start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.time() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        samples = sampler.stop()
    return child.returncode, wall, usage.ru_utime + usage.ru_stime, samples


def step_timings(dagster_home: Path) -> tuple[str, list[StepTiming]]:
    """The latest run's steps from Dagster's own step stats."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        steps = [
            StepTiming(s.step_key, s.start_time, s.end_time)
            for s in instance.get_run_step_stats(run.run_id)
            if s.start_time is not None and s.end_time is not None
        ]
    return run.run_id, steps


#: How `pipelines.progress` prints a step that failed and is run again.
_RETRIED = re.compile(r"^\s*(\S+) failed; retrying$", re.MULTILINE)


def retried_steps(log: Path) -> tuple[str, ...]:
    """The steps a refresh's printed progress says failed and ran again, in order."""
    return tuple(_RETRIED.findall(log.read_text(encoding="utf-8", errors="replace")))


def count_events(warehouse: Path) -> int:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*) from raw.okta__sso_events").fetchone()[0]  # type: ignore[index]


def refresh_env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        **QUIET_ENV,
        "AUDIT_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
    }


def prepare_dbt(data_dir: Path, log_dir: Path) -> None:
    """Parse the dbt project for this data folder, as `make install` does for the user's.

    dbt's partial parsing is tied to the warehouse path in the profile: unprepared, the full
    refresh would time a first parse that a user's first refresh does not pay.
    """
    command = [sys.executable, "-m", "pipelines.cli", "prepare"]
    with (log_dir / "prepare.log").open("w", encoding="utf-8") as log:
        subprocess.run(
            command, env=refresh_env(data_dir), stdout=log, stderr=subprocess.STDOUT, check=True
        )


def measure_refresh(
    label: str, as_of: date, data_dir: Path, log_dir: Path, log_name: str | None = None
) -> RefreshMeasure:
    env = refresh_env(data_dir)
    command = [
        *(sys.executable, "-m", "pipelines.cli", "refresh", f"--{label}"),
        *("--as-of", as_of.isoformat()),
    ]
    log = log_dir / f"{log_name or label}.log"
    print(f"{label} refresh as of {as_of} ...", flush=True)
    load_before = os.getloadavg()[0]
    cpu_before, stolen_before = self_cpu_s(), stolen_cpu_s()
    code, wall, cpu, samples = run_child(command, env, log)
    emulator_cpu = self_cpu_s() - cpu_before
    stolen_after = stolen_cpu_s()
    stolen = None if stolen_before is None or stolen_after is None else stolen_after - stolen_before
    _, steps = step_timings(data_dir / "dagster_home")
    rows = stage_rows(steps, samples, wall, cpu)
    events = count_events(data_dir / "warehouse" / "audit.duckdb")
    published = data_dir / "published" / "audit.duckdb"
    totals = published_totals(published) if published.exists() else {}
    print(f"  {label}: exit {code}, {wall:.1f} s wall, {cpu:.1f} s CPU; log {log}", flush=True)
    return RefreshMeasure(
        label,
        as_of,
        code == 0,
        rows,
        wall,
        emulator_cpu,
        events,
        load_before,
        stolen,
        totals,
        steps,
        retried_steps(log),
    )


def restore(saved: Path, data_dir: Path) -> None:
    """`data_dir` as `saved` holds it, written to disk before the next refresh starts: the
    kernel's write-back of a 3 GB copy would otherwise compete with the refresh measured."""
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(saved, data_dir, symlinks=True)
    os.sync()


def median_run(runs: list[RefreshMeasure]) -> RefreshMeasure:
    """The run of median wall time (of two, the slower): the one reported."""
    return sorted(runs, key=lambda run: run.wall_s)[len(runs) // 2]


def whole_cpu_s(run: RefreshMeasure) -> float:
    return next(row.cpu_s for row in run.rows if row.stage == WHOLE_PROCESS) or 0.0


def runs_line(runs: list[RefreshMeasure], reported: RefreshMeasure) -> str:
    """Every run of a refresh measured more than once, and which one the table shows."""
    walls = ", ".join(f"{run.wall_s:.1f}" for run in runs)
    cpus = ", ".join(f"{whole_cpu_s(run):.1f}" for run in runs)
    retries = "".join(
        f" Run {number} retried {', '.join(run.retried)} (a step failed and ran again: see its"
        f" logs, kept in incremental-{number}-run)."
        for number, run in enumerate(runs, start=1)
        if run.retried
    )
    return (
        f"Run {len(runs)} times from the same state (the data folder the full refresh left, "
        "copied back before each run; the emulators' drawn events forgotten): "
        f"{walls} s wall, {cpus} s CPU; the table is the median run's ({reported.wall_s:.1f} s)."
        f"{retries}\n"
    )


def totals_table(floor: dict[str, float], published: dict[str, float]) -> str:
    """The floor's headline totals beside the publication's: the floor's rules are simplified
    (see floor.sql), so they should be close, not equal; far apart would mean it skips work."""
    lines = ["| headline total | pipeline | floor |", "|---|---:|---:|"]
    for name, value in floor.items():
        mine = published.get(name)
        lines.append(f"| {name} | {'–' if mine is None else f'{mine:,.0f}'} | {value:,.0f} |")
    return "\n".join(lines)


def section(
    scale: str,
    generate_s: float,
    measures: list[RefreshMeasure],
    floor: FloorResult,
    floor_incremental: FloorResult,
    daily_runs: list[RefreshMeasure] | None = None,
) -> str:
    """The Markdown section of one scale: a table per refresh, the floor and the machine."""
    parts = [
        f"## Scale {scale}\n",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench SCALE={scale}`. "
        f"Sample company generated and served in {generate_s:.1f} s (not part of any refresh).\n",
    ]
    floors = {"full": floor, "incremental": floor_incremental}
    for measure in measures:
        floor_of = floors[measure.label]
        parts.append(
            f"### {measure.label.capitalize()} refresh (audit date {measure.as_of}, "
            f"{measure.events_in_warehouse:,} Okta sign-in events in the warehouse after it"
            f"{'' if measure.published else '; NOT PUBLISHED: see the log'}"
            f"{'; retried ' + ', '.join(measure.retried) if measure.retried else ''})\n"
        )
        parts.append(stage_table(measure.rows, floor_of.seconds) + "\n")
        if measure.label == "incremental" and daily_runs and len(daily_runs) > 1:
            parts.append(runs_line(daily_runs, measure))
        extracts = ", ".join(
            f"{step.step_key.removeprefix('extract_')} {step.end - step.start:.1f} s"
            for step in measure.steps
            if step.step_key.startswith("extract_")
        )
        parts.append(f"Ingest by source: {extracts}.\n")
        parts.append(
            f"Floor (benchmarks/floor.sql on the same raw rows, {floor_of.raw_rows:,} of them, "
            f"as Parquet): **{floor_of.seconds:.2f} s**; whole refresh / floor = "
            f"**{ratio(measure.wall_s, floor_of.seconds)}**. The sample company's API emulators, "
            f"in the bench process, used {measure.emulator_cpu_s:.1f} s CPU on the same cores "
            "(not counted above). Load average (1 min) when it started: "
            f"{measure.load_before:.2f}"
            + (
                ""
                if measure.stolen_s is None
                else f"; CPU time the hypervisor took for other guests while it ran: "
                f"{measure.stolen_s:.1f} s"
            )
            + ".\n"
        )
        parts.append(totals_table(floor_of.totals, measure.published_totals) + "\n")
    parts.append(
        "Wall times per stage are Dagster's step stats (ingest sums the `extract_<source>` steps)."
        " CPU per stage is the process tree's user + system CPU between the step's start and end,"
        " from /proc samples every 100 ms (dbt's processes included; every 50 ms before"
        " 2026-12-01 11:15 UTC); the whole-process CPU is"
        " exact (wait4). Peak RSS is the highest sampled sum of RSS over the tree (pages shared"
        " between processes counted once per process). The floor runs in the bench process on"
        " one DuckDB connection with DuckDB's default threads.\n"
    )
    parts.append("Machine:\n\n" + machine_lines(machine()) + "\n")
    return "\n".join(parts)


def scheduled_at(as_of: date) -> datetime:
    """When the default daily schedule starts the refresh as of `as_of`, naive UTC.

    At 06:00 the logs hold the audit date's first six hours, and the day before whole, which a
    daily refresh reads again (`INCREMENTAL_DAYS`) though the one before it read its first six
    hours: 24 hours of new events and 6 read again. Logs holding both days whole would give the
    benchmark's daily refresh 48 hours to read, 24 of them again.
    """
    from pipelines.automation.schedules import DEFAULT_DAILY_CRON, DEFAULT_TIMEZONE

    minute, hour = (int(field) for field in DEFAULT_DAILY_CRON.split()[:2])
    local = datetime.combine(as_of, dt_time(hour, minute), ZoneInfo(DEFAULT_TIMEZONE))
    return local.astimezone(UTC).replace(tzinfo=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", help="tiny, S or M (L: see docs/benchmarks.md)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--bench-dir", type=Path, default=PROJECT_DIR / ".bench")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "docs" / "benchmarks.md")
    parser.add_argument(
        "--daily-runs", type=int, default=3, help="runs of the daily refresh; the median is shown"
    )
    args = parser.parse_args(argv)
    if args.daily_runs < 1:
        parser.error("--daily-runs must be at least 1")

    import sample_company
    from pipelines.sample import serve_sample_company

    root = args.bench_dir.resolve() / args.scale
    data_dir = root / "data"
    # A full refresh starts from nothing: no warehouse, no run history, no publications.
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "dagster_home").mkdir(parents=True)
    log_dir = root / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    served_through = sample_company.DEFAULT_AS_OF
    full_as_of = served_through - timedelta(days=1)

    prepare_dbt(data_dir, log_dir)
    started = time.perf_counter()
    with serve_sample_company(
        root / "sample", scale=args.scale, seed=args.seed, as_of=served_through
    ) as sample:
        os.environ["AUDIT_SOURCES_CONFIG"] = str(sample.sources_config)
        generate_s = time.perf_counter() - started
        print(f"Sample company {args.scale} served in {generate_s:.1f} s", flush=True)
        # Each refresh runs at its schedule's time of day: the vendors' logs reach no further.
        sample.log_until(scheduled_at(full_as_of))
        full = measure_refresh("full", full_as_of, data_dir, log_dir)
        warehouse = data_dir / "warehouse" / "audit.duckdb"
        export_raw(warehouse, root / "raw-full")
        floor_full = run_floor(root / "raw-full", full_as_of)
        sample.log_until(scheduled_at(served_through))
        after_full = root / "data-after-full"
        shutil.rmtree(after_full, ignore_errors=True)
        data_dir.rename(after_full)
        daily_runs = []
        for run in range(1, args.daily_runs + 1):
            restore(after_full, data_dir)
            for server in sample.logs:
                server.forget_drawn_events()
            daily_runs.append(
                measure_refresh(
                    "incremental", served_through, data_dir, log_dir, f"incremental-{run}"
                )
            )
            # The run's own logs (the next restore replaces them): why a step failed, if one did.
            kept = log_dir / f"incremental-{run}-run"
            shutil.rmtree(kept, ignore_errors=True)
            if (data_dir / "logs").is_dir():
                shutil.copytree(data_dir / "logs", kept)
    shutil.rmtree(after_full)
    incremental = median_run(daily_runs)
    export_raw(warehouse, root / "raw-incremental")
    floor_incremental = run_floor(root / "raw-incremental", served_through)

    text = section(
        args.scale, generate_s, [full, incremental], floor_full, floor_incremental, daily_runs
    )
    write_section(args.output, args.scale, text)
    print()
    print(text)
    print(f"Written to {args.output}")
    published = full.published and all(run.published for run in daily_runs)
    return 0 if published else 1


if __name__ == "__main__":
    sys.exit(main())
