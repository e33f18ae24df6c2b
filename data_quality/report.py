"""The validation report: every check of the latest runs, as one static HTML page.

Whoever is paged for a failed gate opens one file, without a server: which table failed which
expectation, why it blocks or only warns, how many rows, and a sample of the offending rows; then
how the same tables fared in the runs before, to tell a new problem from an old one.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1a7f37; } .fail { color: #b42318; font-weight: 600; } .warn { color: #9a6700; }
.why { color: #555; font-size: .92em; } code { font-size: .9em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


@dataclass(frozen=True)
class RunResults:
    """The suite results of one run: `suites` maps each table to its stored SuiteResult dict."""

    run_id: str
    checked_at: datetime
    suites: Mapping[str, Mapping[str, Any]]

    @property
    def passed(self) -> bool:
        return all(suite["success"] for suite in self.suites.values())


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _status(check: Mapping[str, Any]) -> str:
    if check["success"]:
        return '<span class="pass">passed</span>'
    if check["blocking"]:
        return '<span class="fail">FAILED (blocks)</span>'
    return '<span class="warn">warning</span>'


def _verdict(success: bool, failed: str = "FAILED") -> str:
    return '<span class="pass">passed</span>' if success else f'<span class="fail">{failed}</span>'


def _arguments(check: Mapping[str, Any]) -> str:
    kwargs = check.get("details", {}).get("kwargs", {})
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _rows_table(rows: Sequence[Mapping[str, Any]]) -> str:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _failure_detail(check: Mapping[str, Any]) -> str:
    parts = []
    if check.get("error"):
        parts.append(f"<p>Could not be evaluated: <code>{_e(check['error'])}</code></p>")
    if check.get("unexpected_count") is not None:
        parts.append(
            f"<p>{check['unexpected_count']} of {check['element_count']} rows unexpected.</p>"
        )
    elif "observed_value" in check.get("details", {}):
        parts.append(f"<p>Observed: <code>{_e(check['details']['observed_value'])}</code></p>")
    if check.get("unexpected_rows"):
        parts.append("<p>Sample of the offending rows:</p>" + _rows_table(check["unexpected_rows"]))
    elif check.get("unexpected_sample"):
        sample = ", ".join(_e(v) for v in check["unexpected_sample"])
        parts.append(f"<p>Sample of the unexpected values: <code>{sample}</code></p>")
    return "".join(parts)


def _suite_section(table: str, suite: Mapping[str, Any]) -> str:
    checks = sorted(suite["checks"], key=lambda c: (c["success"], not c["blocking"], c["name"]))
    rows = []
    for check in checks:
        detail = "" if check["success"] else _failure_detail(check)
        rows.append(
            f"<tr><td>{_status(check)}</td><td><code>{_e(check['name'])}</code></td>"
            f"<td><code>{_e(check['expectation_type'])}({_e(_arguments(check))})</code>{detail}"
            f'</td><td class="why">{_e(check["why"])}</td></tr>'
        )
    verdict = (
        '<span class="pass">passed</span>'
        if suite["success"]
        else ('<span class="fail">FAILED: not published</span>')
    )
    return (
        f'<h2 id="{_e(table)}">{_e(table)}: {verdict}</h2>'
        f"<p>{suite['row_count']} rows, fingerprint <code>{_e(suite['fingerprint'])}</code>, "
        f"validated in {suite.get('duration_s', 0):.1f} s.</p>"
        "<table><tr><th>Result</th><th>Check</th><th>Expectation</th><th>Why it blocks or "
        f"warns</th></tr>{''.join(rows)}</table>"
    )


def _overview(latest: RunResults) -> str:
    rows = []
    for table, suite in latest.suites.items():
        failed = [c for c in suite["checks"] if not c["success"]]
        blocking = sum(1 for c in failed if c["blocking"])
        rows.append(
            f'<tr><td><a href="#{_e(table)}">{_e(table)}</a></td>'
            f'<td class="num">{suite["row_count"]}</td><td class="num">{len(suite["checks"])}</td>'
            f'<td class="num">{blocking}</td><td class="num">{len(failed) - blocking}</td>'
            f"<td>{_verdict(suite['success'])}</td></tr>"
        )
    return (
        "<table><tr><th>Table</th><th>Rows</th><th>Checks</th><th>Blocking failures</th>"
        f"<th>Warnings</th><th>Verdict</th></tr>{''.join(rows)}</table>"
    )


def _history(runs: Sequence[RunResults]) -> str:
    tables = list(dict.fromkeys(table for run in runs for table in run.suites))
    head = "".join(f"<th>{_e(t)}</th>" for t in tables)
    rows = []
    for run in runs:
        cells = []
        for table in tables:
            suite = run.suites.get(table)
            if suite is None:
                cells.append("<td>-</td>")
                continue
            failed = [c["name"] for c in suite["checks"] if not c["success"] and c["blocking"]]
            cells.append(f"<td>{_verdict(suite['success'])} {_e(', '.join(failed))}</td>")
        rows.append(
            f"<tr><td>{run.checked_at:%Y-%m-%d %H:%M} UTC<br><code>{_e(run.run_id[:8])}</code>"
            f"</td>{''.join(cells)}</tr>"
        )
    return f"<table><tr><th>Run</th>{head}</tr>{''.join(rows)}</table>"


def _quarantine(counts: Sequence[Mapping[str, Any]]) -> str:
    """Rows kept out of raw (or loaded with a warning) per run, table and reason."""
    if not counts:
        return "<h2>Quarantine</h2><p>No row was quarantined at ingestion in the last runs.</p>"
    rows = "".join(
        f"<tr><td><code>{_e(str(c['run_id'])[:8])}</code></td><td>{_e(c['raw_table'])}</td>"
        f"<td><code>{_e(c['check_name'])}</code></td>"
        f"<td>{_outcome(c['blocking'])}</td>"
        f'<td class="num">{c["row_count"]}</td><td class="why">{_e(c["reason"])}</td></tr>'
        for c in counts
    )
    return (
        "<h2>Quarantine</h2><p>Rows found at ingestion, kept in <code>quarantine.rows</code> "
        "with their reason; a refused delivery is kept whole under <code>quarantine/</code>.</p>"
        "<table><tr><th>Run</th><th>Raw table</th><th>Check</th><th>Outcome</th><th>Rows</th>"
        f"<th>Reason</th></tr>{rows}</table>"
    )


def _outcome(blocking: bool) -> str:
    if blocking:
        return '<span class="fail">refused</span>'
    return '<span class="warn">loaded, warning</span>'


def render_report(runs: Sequence[RunResults], quarantine: Sequence[Mapping[str, Any]] = ()) -> str:
    """The report of `runs`, newest first: the first in full, all of them in the history table.

    `quarantine` holds the rows quarantined at ingestion per run, raw table and check.
    """
    if not runs:
        raise ValueError("no quality results to report")
    latest = runs[0]
    verdict = (
        "every blocking check passed: the audit was publishable"
        if latest.passed
        else "a blocking check failed: the previous publication stays in place"
    )
    sections = "".join(_suite_section(table, suite) for table, suite in latest.suites.items())
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>Software audit: validation report</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Validation report, run <code>{_e(latest.run_id)}</code></h1>"
        f"<p>Checked {latest.checked_at:%Y-%m-%d %H:%M:%S} UTC: {verdict}.</p>"
        f"{_overview(latest)}{sections}"
        f"<h2>The last {len(runs)} runs</h2>{_history(runs)}{_quarantine(quarantine)}"
        "</body></html>"
    )
