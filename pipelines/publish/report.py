"""The audit report of each publication: written into the candidate, then offered as latest.html.

The report is written before the switch (the `extras` of `publish`), so a publication readers can
get always has its report, and a report that cannot be written stops the publication rather than
leaving a new publication without one. `latest.html` is a copy, not a link: it stays readable
whatever pruning later removes, and follows a rollback.
"""

from __future__ import annotations

import os
import shutil
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
