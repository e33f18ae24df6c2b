"""The audit report of each publication: written into the candidate, then offered as latest.html.

The report is written before the switch (the `extras` of `publish`), so a publication readers can
get always has its report, and a report that cannot be written stops the publication rather than
leaving a new publication without one. `latest.html` is a copy, not a link: it stays readable
whatever pruning later removes, and follows a rollback.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

from pipelines.publish.publication import Publication
from pipelines.settings import Paths

REPORT = "report.html"


def write_candidate_report(candidate: Path) -> None:
    """`extras` for `publish`: the report of the candidate publication in `candidate`."""
    # Imported here: altair and pandas take a second to import, which `software-audit summary`
    # (reading REPORT from this module) should not pay.
    from reporting import write_audit_report

    write_audit_report(candidate / "audit.duckdb", candidate / REPORT)


def warm_up_report_renderer() -> threading.Thread:
    """Import the report's renderer and start its drawing engine, in a thread of this process.

    The gate writes the candidate's report while dbt's tests and great-expectations keep both
    cores busy: altair's and pandas' import and vl-convert's first drawing (about 2 CPU-seconds)
    cost the gate less when a step that only waits on dbt pays them. A warm-up that fails costs
    nothing: writing the report says what is wrong.
    """

    def run() -> None:
        with contextlib.suppress(Exception):
            from reporting import warm_up

            warm_up()

    thread = threading.Thread(target=run, name="report-renderer-warm-up", daemon=True)
    thread.start()
    return thread


def report_of(publication: Publication) -> Path:
    return publication.directory / REPORT


def offer_latest_report(paths: Paths, publication: Publication) -> Path | None:
    """Copy `publication`'s report to `latest.html`; None (and no stale copy) when it has none."""
    latest = paths.audit_reports / "latest.html"
    report = report_of(publication)
    if not report.exists():
        # A publication from before reports existed: better no latest.html than another's.
        latest.unlink(missing_ok=True)
        return None
    latest.parent.mkdir(parents=True, exist_ok=True)
    temporary = latest.with_name(f".{latest.name}.{os.getpid()}.tmp")
    shutil.copyfile(report, temporary)
    os.replace(temporary, latest)
    return latest
