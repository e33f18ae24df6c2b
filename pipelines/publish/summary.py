"""The short summary of the current publication, as the demo and the CLI print it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.publish.report import REPORT

TOP_ROI = 5


def summary_text(published: Path) -> str:
    """Headline figures and the top applications by ROI, read from the published warehouse."""
    with duckdb.connect(str(published), read_only=True) as con:
        (publication_id, as_of) = con.execute(
            "select publication_id, as_of_date from publication"
        ).fetchone() or ("?", "?")
        row = con.execute(
            """
            select application_count, sanctioned_application_count, shadow_application_count,
                   total_annual_spend_usd, unaligned_annual_spend_usd, unused_license_cost_usd,
                   right_size_annual_saving_usd, consolidation_annual_saving_usd,
                   renewal_due_count, renewal_overdue_count, eliminate_application_count
            from audit_summary
            """
        ).fetchone()
        top = con.execute(
            f"""
            select application_name, roi_ratio, annual_cost_usd, annual_benefit_usd
            from application_roi
            where roi_ratio is not null
            order by roi_ratio desc, application_name
            limit {TOP_ROI}
            """
        ).fetchall()
    if row is None:
        raise ValueError(f"{published} has no audit_summary row")
    apps, sanctioned, shadow, total, unaligned, unused, right_size, consolidation = row[:8]
    due, overdue, eliminate = row[8:]
    share = f" ({unaligned / total:.0%} of spend)" if total else ""
    lines = [
        f"Software audit as of {as_of} (publication {publication_id})",
        f"  Applications:                    {apps} ({sanctioned} sanctioned, {shadow} shadow IT)",
        f"  Total annual spend:              {_usd(total)}",
        f"  Spend not aligned to objectives: {_usd(unaligned)}{share}",
        f"  Unused-license cost:             {_usd(unused)}",
        f"  Savings identified:              {_usd(right_size)} by right-sizing renewals, "
        f"{_usd(consolidation)} by consolidating each category on one application",
        f"  Renewals (next 180 days):        {due} due, {overdue} past their notice deadline",
        f"  Applications to eliminate:       {eliminate}",
        f"  Top {len(top)} applications by ROI:",
    ]
    lines += [
        f"    {name:<28} ROI {roi:>7.1f}x   cost {_usd(cost):>12}   benefit {_usd(benefit):>14}"
        for name, roi, cost, benefit in top
    ]
    lines.append(f"Published tables: {published}")
    lines.append('Query them: .venv/bin/software-audit query "select * from application_roi"')
    report = published.resolve().parent / REPORT
    if report.exists():
        lines.append(f"Audit report (open in a browser): {report}")
    return "\n".join(lines)


def _usd(amount: object) -> str:
    return f"${float(amount or 0):,.0f}"
