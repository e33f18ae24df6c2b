"""The quality suites of the published marts: what must hold before a table reaches its readers.

A blocking check guards a figure that would be wrong or a row that would be lost or counted twice
(keys, required values, impossible ranges, enums, totals that must reconcile); its failure stops
publication. A warning guards plausibility only (ceilings a real company could exceed): it is
reported and stored but publishes. Every `why` says which, in one sentence, for whoever is paged.

Each module holds the suites of one area of marts; SUITES is every published table's suite, and
so the list of what gets published.
"""

from __future__ import annotations

from data_quality.checks import Check, Suite
from data_quality.suites.catalogue import APPLICATIONS
from data_quality.suites.finance import APPLICATION_OBJECTIVES, OBJECTIVES
from data_quality.suites.summary import AUDIT_SUMMARY
from data_quality.suites.usage import LICENSE_UTILIZATION
from data_quality.suites.value import APPLICATION_ROI

__all__ = ["SUITES", "Check", "Suite"]

SUITES: dict[str, Suite] = {
    suite.table: suite
    for suite in (
        APPLICATIONS,
        LICENSE_UTILIZATION,
        OBJECTIVES,
        APPLICATION_OBJECTIVES,
        APPLICATION_ROI,
        AUDIT_SUMMARY,
    )
}
