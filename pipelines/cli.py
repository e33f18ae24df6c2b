"""`software-audit`: the commands operators run outside the Dagster UI."""

from __future__ import annotations

import argparse
import atexit
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.settings import PROJECT_DIR, Paths, paths_from_env
from pipelines.workers import start_dbt_server, start_gx_worker

if TYPE_CHECKING:  # imports Dagster: only once the workers are started
    from pipelines.ingest.partitions import DayRange

#: The dagster.yaml this command wrote before it selected the pooled event log storage.
OLD_DAGSTER_SETTINGS = "telemetry:\n  enabled: false\n"


def prepare_environment(paths: Paths) -> None:
    """Pin the data folder and Dagster's home so runs are kept and visible in the UI later."""
    os.environ["AUDIT_DATA_DIR"] = str(paths.data_dir)
    os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "True")
    from pipelines.storage import dagster_settings

    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    # A user's own settings are kept; the file earlier versions wrote is brought up to date.
    if not settings.exists() or settings.read_text(encoding="utf-8") == OLD_DAGSTER_SETTINGS:
        settings.write_text(dagster_settings(home), encoding="utf-8")


def refresh(paths: Paths, verbose: bool, mode: str = "auto", days: DayRange | None = None) -> bool:
    """Run a refresh with the persistent Dagster instance; print failures. True if published.

    `mode` chooses the days of usage events to load (see `pipelines.refresh`); `days`, a
    backfill's range, overrides it.
    """
    import dagster as dg

    from pipelines.refresh import run_refresh

    with dg.DagsterInstance.get() as instance:
        try:
            outcome = run_refresh(
                instance,
                mode=mode,  # type: ignore[arg-type]
                days=days,
                log_dir=None if verbose else paths.data_dir / "logs",
                progress=None if verbose else sys.stdout,
            )
        except ValueError as error:  # a bad audit date or range, named before anything runs
            print(error, file=sys.stderr)
            return False
    for warning in outcome.warnings:
        print(warning)
    for failure in outcome.failures:
        print(failure, file=sys.stderr)
    if outcome.log_file and not outcome.published:
        print(f"Full log: {outcome.log_file}", file=sys.stderr)
    return outcome.published


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    start_gx_worker()
    paths = paths_from_env()
    from pipelines.sample import serve_sample_company_apart

    print(f"Sample company ({args.scale}, seed {args.seed}) -> {paths.data_dir}", flush=True)

    def load_pipeline() -> None:
        """Dagster's and the definitions' imports, while the sample company is generated."""
        prepare_environment(paths)
        import pipelines.definitions  # noqa: F401

    with serve_sample_company_apart(
        paths.sample, scale=args.scale, seed=args.seed, meanwhile=load_pipeline
    ) as sample:
        os.environ["AUDIT_SOURCES_CONFIG"] = str(sample.sources_config)
        os.environ["AUDIT_AS_OF_DATE"] = sample.as_of.isoformat()
        served = time.monotonic()
        print(f"Refreshing the audit as of {sample.as_of} ...", flush=True)
        # The first demo reads the company's usage history (full); a second one reads its last two
        # days again (incremental), which the same sample serves alike: the same figures, sooner.
        ok = refresh(paths, args.verbose, mode="auto")
    refreshed = time.monotonic()
    if not ok:
        print(
            f"Refresh failed after {refreshed - served:.1f} s; "
            "the last good publication is unchanged.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Refreshed in {refreshed - served:.1f} s "
        f"(after {served - started:.1f} s to load the pipeline and serve the sample company).\n"
    )
    from pipelines.publish.summary import summary_text

    print(summary_text(paths.published))
    return 0


def start_refresh(as_of: str | None) -> Paths:
    """What the refreshing commands do first: start the workers, then settle the data folder and
    the audit date when `--as-of` gives one. (The demo settles its folder while its sample company
    is generated: `cmd_demo`.)"""
    start_gx_worker()
    paths = paths_from_env()
    prepare_environment(paths)
    if as_of:
        os.environ["AUDIT_AS_OF_DATE"] = as_of
    return paths


def cmd_refresh(args: argparse.Namespace) -> int:
    paths = start_refresh(args.as_of)
    return 0 if refresh(paths, args.verbose, mode=args.mode) else 1


def cmd_backfill(args: argparse.Namespace) -> int:
    """Load the usage events of a range of days again, as one run, and refresh the audit."""
    from pipelines.ingest.partitions import backfill_range, events_start

    paths = start_refresh(args.as_of)
    try:
        days = backfill_range(args.first, args.last, events_start())
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Backfilling usage events of {days} ({days.days} day(s)) ...", flush=True)
    return 0 if refresh(paths, args.verbose, days=days) else 1


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def cmd_prepare(args: argparse.Namespace) -> int:
    """Parse the dbt project now, so that the first refresh does not pay dbt's full parse."""
    from pipelines.transform.dbt import dbt_project, prepare_manifest

    paths = paths_from_env()
    prepare_environment(paths)
    project = dbt_project()
    prepare_manifest(project, for_this_warehouse=True)
    print(f"dbt project parsed: {project.manifest_path}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from pipelines.publish.summary import summary_text

    paths = paths_from_env()
    if not paths.published.exists():
        print(f"Nothing published yet at {paths.published}.", file=sys.stderr)
        return 1
    print(summary_text(paths.published))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    paths = paths_from_env()
    if not paths.published.exists():
        print(f"Nothing published yet at {paths.published}.", file=sys.stderr)
        return 1
    with duckdb.connect(str(paths.published), read_only=True) as con:
        try:
            relation = con.sql(args.sql)
        except duckdb.Error as error:
            print(error, file=sys.stderr)
            return 1
        if relation is not None:
            relation.show(max_rows=args.max_rows, max_width=200)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from pipelines.publish.publication import PublicationError, rollback
    from pipelines.publish.report import offer_latest_report

    paths = paths_from_env()
    try:
        publication = rollback(paths, args.to)
    except PublicationError as error:
        print(error, file=sys.stderr)
        return 1
    offer_latest_report(paths, publication)
    print(f"Readers now get publication {publication.publication_id}.")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from connectors.validate import validate_sources

    path = args.config or os.environ.get("AUDIT_SOURCES_CONFIG")
    if not path:
        print("No sources file: pass --config or set AUDIT_SOURCES_CONFIG.", file=sys.stderr)
        return 1
    checks = validate_sources(Path(path))
    for check in checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.source}: {check.detail}")
    return 0 if all(check.ok for check in checks) else 1


def cmd_dev(args: argparse.Namespace) -> int:
    from pipelines.sample import serve_sample_company

    paths = paths_from_env()
    prepare_environment(paths)
    # Runs launched from the UI inherit the server's address: their dbt commands start warm too.
    start_dbt_server()
    with serve_sample_company(paths.sample, scale=args.scale, seed=args.seed) as sample:
        os.environ["AUDIT_SOURCES_CONFIG"] = str(sample.sources_config)
        os.environ["AUDIT_AS_OF_DATE"] = sample.as_of.isoformat()
        command = [
            str(Path(sys.executable).with_name("dagster")),
            "dev",
            "-w",
            str(PROJECT_DIR / "workspace.yaml"),
            "--host",
            args.host,
            "--port",
            str(args.port),
        ]
        try:
            return subprocess.call(command, cwd=PROJECT_DIR)
        except KeyboardInterrupt:
            return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="software-audit", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="refresh the audit of the built-in sample company")
    demo.add_argument("--scale", default="S", help="sample company size: tiny, S, M or L")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--verbose", action="store_true", help="show Dagster's run log")
    demo.set_defaults(run=cmd_demo)

    refresh = commands.add_parser("refresh", help="refresh the audit from AUDIT_SOURCES_CONFIG")
    refresh.add_argument("--as-of", help="audit date YYYY-MM-DD (default: today, UTC)")
    modes = refresh.add_mutually_exclusive_group()
    modes.add_argument(
        "--full",
        dest="mode",
        action="store_const",
        const="full",
        help="read the usage events of the last 90 days again",
    )
    modes.add_argument(
        "--incremental",
        dest="mode",
        action="store_const",
        const="incremental",
        help="read the usage events of the audit date and the day before",
    )
    refresh.add_argument("--verbose", action="store_true")
    refresh.set_defaults(run=cmd_refresh, mode="auto")

    backfill = commands.add_parser(
        "backfill", help="load the usage events of a range of days again, then refresh"
    )
    backfill.add_argument(
        "--from", dest="first", type=iso_date, required=True, metavar="YYYY-MM-DD"
    )
    backfill.add_argument(
        "--to", dest="last", type=iso_date, required=True, metavar="YYYY-MM-DD", help="included"
    )
    backfill.add_argument("--as-of", help="audit date YYYY-MM-DD (default: today, UTC)")
    backfill.add_argument("--verbose", action="store_true")
    backfill.set_defaults(run=cmd_backfill)

    prepare = commands.add_parser(
        "prepare", help="parse the dbt project ahead of the first refresh (make install runs it)"
    )
    prepare.set_defaults(run=cmd_prepare)

    summary = commands.add_parser("summary", help="print the current publication's summary")
    summary.set_defaults(run=cmd_summary)

    query = commands.add_parser("query", help="run SQL on the published audit (read-only)")
    query.add_argument("sql", help='e.g. "select * from audit_summary"')
    query.add_argument("--max-rows", type=int, default=40)
    query.set_defaults(run=cmd_query)

    validate = commands.add_parser(
        "validate", help="check the sources file, credentials and business files, offline"
    )
    validate.add_argument("--config", help="sources file (default: AUDIT_SOURCES_CONFIG)")
    validate.set_defaults(run=cmd_validate)

    back = commands.add_parser("rollback", help="switch readers back to an earlier publication")
    back.add_argument("--to", help="publication id (default: the one before the current)")
    back.set_defaults(run=cmd_rollback)

    dev = commands.add_parser("dev", help="open the Dagster UI on the sample company")
    dev.add_argument("--scale", default="S")
    dev.add_argument("--seed", type=int, default=42)
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(run=cmd_dev)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


def run() -> None:
    """The `software-audit` command: `main`, then an exit without Python's teardown.

    With Dagster, dbt and great-expectations loaded, the interpreter took 4 s to take its modules
    apart after the summary was printed. Threads are joined and exit handlers run as usual; the
    last of them ends the process with the command's status once the output is flushed.
    """
    status = [1]  # an uncaught exception's traceback is printed before the handlers run

    def exit_now() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status[0])

    atexit.register(exit_now)  # registered first, so it runs after every other exit handler
    status[0] = main()
    sys.exit(status[0])


if __name__ == "__main__":
    run()
