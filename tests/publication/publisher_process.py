"""A refresh's publish step in a process of its own: marts stamped with a run id, then published.

    python publisher_process.py DATA_DIR RUN_ID [RUN_ID ...] [--keep N] [--hold CONTROL_DIR]

For each run id, in turn, the marts are rebuilt with that id in every row, fingerprinted as the
quality gate does, and published. With `--hold`, each publication stops in the middle of writing
its candidate, inside `license_utilization` with `applications` already written: it creates
`CONTROL_DIR/held-<run id>` and waits for `CONTROL_DIR/release-<run id>`. A test then knows
exactly when a publication is half-written, to read beside it or to kill it there. The pause is
a function the `license_utilization` view calls, so the product code runs unchanged.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import duckdb

from data_quality.fingerprint import table_fingerprint
from pipelines.publish.publication import Publication, publish
from pipelines.settings import Paths

TABLES = ("applications", "license_utilization", "audit_summary")
ROWS = {"applications": 300, "license_utilization": 2000, "audit_summary": 1}
HOLD_TIMEOUT_S = 60


class Hold:
    """Blocks the first row of the next publication's `license_utilization` until released."""

    def __init__(self, control: Path | None) -> None:
        self.control = control
        self.armed_for: str | None = None

    def passthrough(self, value: str) -> str:
        if self.control is None or self.armed_for is None:
            return value
        run_id, self.armed_for = self.armed_for, None
        (self.control / f"held-{run_id}").touch()
        release = self.control / f"release-{run_id}"
        deadline = time.monotonic() + HOLD_TIMEOUT_S
        while not release.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{release} did not appear within {HOLD_TIMEOUT_S} s")
            time.sleep(0.01)
        return value


def build_marts(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists intermediate")
    con.execute(
        "create or replace table marts.applications as"
        " select 'app_' || i as application_id, ?::varchar as run_id"
        f" from range({ROWS['applications']}) as r(i)",
        [run_id],
    )
    con.execute(
        "create or replace table intermediate.license_utilization as"
        f" select 'app_' || (i % {ROWS['applications']}) as application_id, i as seat,"
        f" ?::varchar as run_id from range({ROWS['license_utilization']}) as r(i)",
        [run_id],
    )
    con.execute(
        "create or replace view marts.license_utilization as"
        " select application_id, seat, held(run_id) as run_id"
        " from intermediate.license_utilization"
    )
    con.execute(
        "create or replace table marts.audit_summary as"
        f" select {ROWS['applications']} as application_count, ?::varchar as run_id",
        [run_id],
    )


def publish_run(
    con: duckdb.DuckDBPyConnection, paths: Paths, run_id: str, *, keep: int, hold: Hold
) -> Publication:
    """Rebuild the marts for `run_id`, audit them and publish them, holding mid-way if armed."""
    build_marts(con, run_id)
    audited = {table: table_fingerprint(con, f"marts.{table}") for table in TABLES}
    hold.armed_for = run_id
    return publish(con, TABLES, audited, paths, run_id=run_id, as_of=date(2026, 10, 31), keep=keep)


def open_warehouse(paths: Paths, hold: Hold) -> duckdb.DuckDBPyConnection:
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.warehouse))
    con.create_function("held", hold.passthrough, ["VARCHAR"], "VARCHAR", side_effects=True)
    return con


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("data_dir", type=Path)
    arguments.add_argument("run_ids", nargs="+")
    arguments.add_argument("--keep", type=int, default=5)
    arguments.add_argument("--hold", type=Path, help="control folder; pause mid-publication")
    args = arguments.parse_args()

    paths, hold = Paths(args.data_dir), Hold(args.hold)
    with open_warehouse(paths, hold) as con:
        for run_id in args.run_ids:
            publication = publish_run(con, paths, run_id, keep=args.keep, hold=hold)
            print(publication.publication_id, flush=True)


if __name__ == "__main__":
    main()
