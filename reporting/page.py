"""The audit report as one static HTML page: headline figures, the charts and their captions.

The page is self-contained: the charts are inline SVG and the style is inline, so it opens from
disk, offline, and prints as it shows. Each chart's Vega-Lite spec, data included, sits beside
it in a `<script type="application/json">` block (inert: the page runs no script), for whoever
wants to re-plot a chart or check its figures.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import duckdb

from reporting.charts import Chart, build_charts
from reporting.formatting import count, pct, share, usd
from reporting.queries import ReportData, load_report_data

_STYLE = """
body { font: 14px/1.45 Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; }
.identity { color: #555; margin-top: 0; } code { font-size: .92em; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
th { background: #f3f3f3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .5rem 0 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .95em; max-width: 48rem; margin-top: .4rem; }
.empty { color: #555; font-style: italic; }
nav ol { columns: 2; padding-left: 1.2rem; }
footer { color: #555; font-size: .9em; margin-top: 2.5rem; border-top: 1px solid #ddd; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
}
"""


def write_audit_report(published_database: Path, out: Path) -> Path:
    """Write the report of the publication in `published_database` to `out`, atomically.

    The database is opened read-only, so this runs beside readers and a refresh alike.
    """
    with duckdb.connect(str(published_database), read_only=True) as con:
        page = render_audit_report(con)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, out)
    return out


def render_audit_report(con: duckdb.DuckDBPyConnection) -> str:
    """The report page of the publication `con` has open."""
    data = load_report_data(con)
    return render_page(data, build_charts(data))


def render_page(data: ReportData, charts: list[Chart]) -> str:
    publication = data.publication
    as_of = publication["as_of_date"]
    sections = "\n".join(_section(chart, data) for chart in charts)
    contents = "".join(
        f'<li><a href="#section-{c.chart_id}">{_e(c.title)}</a></li>' for c in charts
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Software audit as of {_e(as_of)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>Software audit as of {_e(as_of)}</h1>
<p class="identity">Publication <code>{_e(publication["publication_id"])}</code>, published
{_e(publication["published_at"])}. Amounts are in US dollars a year.</p>
</header>
{_headline(data.summary)}
<nav><ol>{contents}</ol></nav>
{sections}
<footer>
<p>Every figure comes from the published tables of this publication (open
<code>published/audit.duckdb</code> read-only to query them). The definitions are in the
project's README, "What the figures mean", and in the YAML beside each mart under
<code>dbt_project/models/marts/</code>. No end user is named in this report.</p>
</footer>
</body>
</html>
"""


def _headline(summary: dict[str, Any]) -> str:
    total = summary["total_annual_spend_usd"]
    rows = [
        ("Total annual software spend", usd(total)),
        (
            "Aligned to business objectives",
            f"{usd(summary['aligned_annual_spend_usd'])} "
            f"({pct(share(summary['aligned_annual_spend_usd'], total))})",
        ),
        (
            "Serving no objective",
            f"{usd(summary['unaligned_annual_spend_usd'])} "
            f"({pct(share(summary['unaligned_annual_spend_usd'], total))})",
        ),
        ("Unused-license cost", usd(summary["unused_license_cost_usd"])),
        ("Saving by right-sizing renewals", usd(summary["right_size_annual_saving_usd"])),
        (
            "Saving by consolidating each category",
            usd(summary["consolidation_annual_saving_usd"]),
        ),
        (
            "Applications",
            f"{summary['application_count']:,} ({summary['sanctioned_application_count']:,} "
            f"sanctioned, {summary['shadow_application_count']:,} shadow IT)",
        ),
        (
            "Renewals in the next 180 days",
            f"{summary['renewal_due_count']:,} due, "
            f"{summary['renewal_overdue_count']:,} past their notice deadline",
        ),
        ("Applications to eliminate", f"{summary['eliminate_application_count']:,}"),
    ]
    body = "".join(f'<tr><th>{_e(k)}</th><td class="num">{_e(v)}</td></tr>' for k, v in rows)
    return (
        f'<section id="section-headline"><h2>Headline figures</h2><table>{body}</table>\n</section>'
    )


def _section(chart: Chart, data: ReportData) -> str:
    drawing = (
        '<p class="empty">Nothing to show in this publication.</p>' if chart.is_empty else chart.svg
    )
    details = _renewals_table(data) if chart.chart_id == "chart-renewals" else ""
    return f"""<section id="section-{chart.chart_id}">
<h2>{_e(chart.title)}</h2>
<figure>
{drawing}
<figcaption>{_e(chart.caption)}</figcaption>
</figure>
{details}
<script type="application/json" id="{chart.chart_id}">{_json(chart.spec)}</script>
</section>"""


def _renewals_table(data: ReportData) -> str:
    frame = data.renewals
    if frame.empty:
        return ""
    head = (
        "<tr><th>Application</th><th>Contract</th><th>State</th><th>Notice deadline</th>"
        '<th>End date</th><th class="num">Seats</th><th class="num">Renew with</th>'
        '<th class="num">Annual cost</th><th class="num">Right-size saving</th></tr>'
    )
    rows = []
    for row in frame.itertuples(index=False):
        rows.append(
            f"<tr><td>{_e(row.application_name)}</td><td>{_e(row.contract_id)}</td>"
            f"<td>{_e(row.renewal_state.replace('_', ' '))}</td>"
            f"<td>{_e(row.notice_deadline_date)}</td><td>{_e(row.end_date)}</td>"
            f'<td class="num">{count(row.seats)}</td>'
            f'<td class="num">{count(row.recommended_seats)}</td>'
            f'<td class="num">{usd(row.annual_cost_usd)}</td>'
            f'<td class="num">{usd(row.right_size_annual_saving_usd)}</td></tr>'
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _json(spec: dict[str, Any]) -> str:
    """The spec as JSON that cannot close its `<script>` element early."""
    return json.dumps(spec, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))
