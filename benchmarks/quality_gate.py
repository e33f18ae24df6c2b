"""Wall time and memory of the quality gate: every mart's suite, as the pipeline's step runs them.

Point it at a COPY of a warehouse (the gate only reads, but another process may hold the original).
great-expectations is imported before the clock starts, as the pipeline preloads it while dbt runs,
so the figures are validation alone. `--rows-millions` adds a synthetic table of that many million
rows (license_utilization's rows, repeated), to show that memory stays bounded by the chunk.

    cp data/warehouse/audit.duckdb /tmp/copy.duckdb
    .venv/bin/python benchmarks/quality_gate.py /tmp/copy.duckdb
    .venv/bin/python benchmarks/quality_gate.py /tmp/copy.duckdb --rows-millions 5 --skip-marts
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import threading
import time

import duckdb

from data_quality.checks import load_gx
from data_quality.runner import validate_table
from data_quality.suites import SUITES

SYNTHETIC = "synthetic_license_utilization"


def rss_mb() -> float:
    """Resident memory now (Linux), so a peak while validating is not hidden by the setup's."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """Samples resident memory in a thread: the peak of a validation happens inside the runner."""

    def __init__(self, every_s: float = 0.01) -> None:
        self.peak = rss_mb()
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self._every_s):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def create_synthetic(con: duckdb.DuckDBPyConnection, millions: float) -> str:
    """marts.license_utilization's rows repeated to `millions` million, each with a new key.

    Real rows, so the table passes its suite and every check reads it all, as on a real refresh.
    """
    rows = int(millions * 1_000_000)
    source = "marts.license_utilization"
    copies = math.ceil(rows / con.execute(f"select count(*) from {source}").fetchone()[0])
    con.execute("create schema if not exists benchmark")
    con.execute(
        f"""
        create or replace table benchmark.{SYNTHETIC} as
        select * replace (application_id || '-' || copy as application_id)
        from {source}, range({copies}) as copies(copy)
        limit {rows}
        """
    )
    return f"benchmark.{SYNTHETIC}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", help="a copy of a warehouse file (it is opened read-write)")
    parser.add_argument("--rows-millions", type=float, default=0.0, help="synthetic table size")
    parser.add_argument("--chunk-rows", type=int, default=200_000, help="runner's chunk_rows")
    parser.add_argument("--skip-marts", action="store_true", help="validate the synthetic only")
    args = parser.parse_args()

    started = time.perf_counter()
    load_gx()
    print(f"great-expectations imported in {time.perf_counter() - started:.1f}s (not counted)")

    with duckdb.connect(args.warehouse) as con:
        marts = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        targets = (
            []
            if args.skip_marts
            else [(f"marts.{table}", suite) for table, suite in SUITES.items() if table in marts]
        )
        if args.rows_millions:
            started = time.perf_counter()
            synthetic = create_synthetic(con, args.rows_millions)
            print(f"synthetic table built in {time.perf_counter() - started:.1f}s (not counted)")
            targets.append((synthetic, SUITES["license_utilization"]))
        missing = [] if args.skip_marts else sorted(set(SUITES) - marts)
        if missing:
            print(f"not in this warehouse, skipped: {', '.join(missing)}")

        rss_before = rss_mb()
        total = 0.0
        print(f"{'table':48} {'rows':>10} {'checks':>6} {'seconds':>8} {'peak MB':>8}  ok")
        for table, suite in targets:
            with PeakRss() as peak:
                started = time.perf_counter()
                result = validate_table(con, table, suite, chunk_rows=args.chunk_rows)
                seconds = time.perf_counter() - started
            total += seconds
            print(
                f"{table:48} {result.row_count:>10} {len(result.checks):>6} {seconds:>8.3f} "
                f"{peak.peak:>8.0f}  {'yes' if result.success else 'NO'}"
            )
        if args.rows_millions:
            con.execute(f"drop table benchmark.{SYNTHETIC}")

    print(f"tables      {len(targets)}")
    print(f"seconds     {total:.2f} validating")
    print(f"rss MB      {rss_before:.0f} before validating")
    print(f"max rss MB  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} (process)")


if __name__ == "__main__":
    main()
