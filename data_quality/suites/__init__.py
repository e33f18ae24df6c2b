"""The quality suites of the published marts: what must hold before a table reaches its readers.

A blocking check guards a figure that would be wrong or a row that would be lost or counted twice
(keys, required values, impossible ranges, enums, totals that must reconcile); its failure stops
publication. A warning guards plausibility only (ceilings a real company could exceed): it is
reported and stored but publishes. Every `why` says which, in one sentence, for whoever is paged.

Each module holds the suites of one area of marts (as dbt_project/models/marts/ does); SUITES
gathers them, and so is also the list of the tables a refresh publishes.
"""

from __future__ import annotations

from data_quality.checks import Check, Suite
from data_quality.suites import catalogue, finance, history, summary, usage, value

__all__ = ["SUITES", "Check", "Suite"]

SUITES: dict[str, Suite] = {
    suite.table: suite
    for area in (catalogue, usage, finance, value, summary, history)
    for suite in area.SUITES
}
