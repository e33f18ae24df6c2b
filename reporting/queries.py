"""What the audit report shows, read from one published DuckDB file.

Each query names the published columns it uses (the dbt contracts under
`dbt_project/models/marts/`), casts amounts to double and dates to ISO text, so the charts'
embedded data is plain JSON and reads the same wherever the page is opened. No query reads a
table holding end users (sign-ins, assignments, survey answers) nor an e-mail address: the report
is passed around more widely than the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

#: How many applications the utilisation and ROI charts show: a page finance prints and reads.
TOP_APPLICATIONS = 15


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows, as small frames ready for charts."""

    publication: dict[str, Any]
    summary: dict[str, Any]
    portfolio: pd.DataFrame
    objectives: pd.DataFrame
    utilization: pd.DataFrame
    roi: pd.DataFrame
    renewals: pd.DataFrame
    trend: pd.DataFrame


def load_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Read the figures of the publication `con` has open (read-only is enough)."""
    return ReportData(
        publication=_one_row(
            con,
            "select publication_id, run_id, strftime(as_of_date, '%Y-%m-%d') as as_of_date,"
            " strftime(published_at, '%Y-%m-%d %H:%M UTC') as published_at from publication",
        ),
        summary=_one_row(con, _SUMMARY),
        portfolio=con.sql(_PORTFOLIO).df(),
        objectives=con.sql(_OBJECTIVES).df(),
        utilization=con.execute(_UTILIZATION, [TOP_APPLICATIONS]).df(),
        roi=con.sql(_ROI).df(),
        renewals=con.sql(_RENEWALS).df(),
        trend=con.sql(_TREND).df(),
    )


def _one_row(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    relation = con.sql(sql)
    row = relation.fetchone()
    if row is None:
        raise ValueError(f"the publication has no row for: {sql.split('from')[-1].strip()}")
    return dict(zip(relation.columns, row, strict=True))


_SUMMARY = """
select
    total_annual_spend_usd::double as total_annual_spend_usd,
    aligned_annual_spend_usd::double as aligned_annual_spend_usd,
    unaligned_annual_spend_usd::double as unaligned_annual_spend_usd,
    aligned_spend_pct::double as aligned_spend_pct,
    unused_license_cost_usd::double as unused_license_cost_usd,
    right_size_annual_saving_usd::double as right_size_annual_saving_usd,
    consolidation_annual_saving_usd::double as consolidation_annual_saving_usd,
    application_count,
    sanctioned_application_count,
    shadow_application_count,
    renewal_due_count,
    renewal_overdue_count,
    eliminate_application_count
from audit_summary
"""

# Executives ordered by the spend aligned to them (executive_alignment), biggest first.
_PORTFOLIO = """
select
    m.owner_title,
    m.quadrant,
    m.quadrant_name,
    m.value_type,
    m.business_mode,
    m.objective_count,
    m.application_count,
    m.allocated_annual_cost_usd::double as allocated_annual_cost_usd,
    m.attributed_annual_value_usd::double as attributed_annual_value_usd,
    m.spend_share_pct::double as spend_share_pct,
    e.aligned_annual_cost_usd::double as executive_aligned_annual_cost_usd,
    e.aligned_spend_pct::double as executive_aligned_spend_pct
from portfolio_matrix as m
inner join executive_alignment as e on m.owner_title = e.owner_title
where m.quadrant <> 'unaligned'
order by e.aligned_annual_cost_usd desc, m.owner_title, m.quadrant
"""

_OBJECTIVES = """
select
    objective_id,
    objective_name,
    owner_title,
    application_count,
    allocated_annual_cost_usd::double as allocated_annual_cost_usd,
    attributed_annual_value_usd::double as attributed_annual_value_usd
from objective_roi
order by allocated_annual_cost_usd desc, objective_id
"""

_UTILIZATION = """
select
    application_name,
    seats_purchased,
    active_users,
    unused_seats,
    utilization_pct::double as utilization_pct,
    annual_license_cost_usd::double as annual_license_cost_usd,
    unused_license_cost_usd::double as unused_license_cost_usd
from license_utilization
where unused_license_cost_usd > 0
order by unused_license_cost_usd desc, application_name
limit ?
"""

_ROI = """
select
    application_name,
    roi_ratio::double as roi_ratio,
    roi_low_ratio::double as roi_low_ratio,
    roi_high_ratio::double as roi_high_ratio,
    annual_cost_usd::double as annual_cost_usd,
    annual_benefit_usd::double as annual_benefit_usd,
    confidence_grade
from application_roi
where roi_ratio is not null
order by roi_ratio desc, application_name
"""

_RENEWALS = """
select
    contract_id,
    application_name,
    renewal_state,
    strftime(end_date, '%Y-%m-%d') as end_date,
    strftime(notice_deadline_date, '%Y-%m-%d') as notice_deadline_date,
    notice_deadline_remaining_days,
    is_auto_renew,
    is_owner_missing,
    seats,
    recommended_seats,
    utilization_pct::double as utilization_pct,
    annual_cost_usd::double as annual_cost_usd,
    right_size_annual_saving_usd::double as right_size_annual_saving_usd
from renewals
order by notice_deadline_date, end_date, contract_id
"""

_TREND = """
select
    strftime(as_of_date, '%Y-%m-%d') as as_of_date,
    total_annual_spend_usd::double as total_annual_spend_usd,
    unaligned_annual_spend_usd::double as unaligned_annual_spend_usd,
    unused_license_cost_usd::double as unused_license_cost_usd,
    aligned_spend_pct::double as aligned_spend_pct,
    utilization_pct::double as utilization_pct
from audit_trend
order by as_of_date
"""
