"""Quality suite of the one-row headline figures of a refresh."""

from __future__ import annotations

from data_quality.suites.common import (
    CENT,
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    Check,
    Suite,
    expect,
    non_negative,
    not_null,
)

_RECONCILIATION = (
    "select aligned_annual_spend_usd + unaligned_annual_spend_usd - total_annual_spend_usd "
    "as difference_usd, sanctioned_application_count + shadow_application_count "
    "- application_count as application_count_difference from {table}"
)
_COUNTS = (
    "application_count",
    "sanctioned_application_count",
    "shadow_application_count",
    "active_contract_count",
    "seats_purchased",
    "inactive_assigned_seats",
    "over_allocation_risk_application_count",
    "disputed_fact_count",
    "invest_application_count",
    "tolerate_application_count",
    "migrate_application_count",
    "eliminate_application_count",
    "renewal_due_count",
    "renewal_overdue_count",
)
_TOTALS = (
    "total_annual_spend_usd",
    "aligned_annual_spend_usd",
    "unaligned_annual_spend_usd",
    "unused_license_cost_usd",
    "license_annual_cost_usd",
    "other_annual_cost_usd",
    "unused_license_cost_30d_usd",
    "unused_license_cost_90d_usd",
    "shadow_it_spend_usd",
    "consolidation_annual_saving_usd",
    "right_size_annual_saving_usd",
)
# Each application has one TIME disposition, and each cost is license or other.
_PARTITIONS = (
    "select invest_application_count + tolerate_application_count + migrate_application_count"
    " + eliminate_application_count - application_count as disposition_count_difference,"
    # each application's two components are rounded apart: a cent of difference each at most
    " abs(license_annual_cost_usd + other_annual_cost_usd - total_annual_spend_usd)"
    f" - application_count * {CENT} as cost_component_excess_usd from {{table}}"
)

AUDIT_SUMMARY = Suite(
    table="audit_summary",
    checks=(
        Check(
            "exactly_one_row",
            expect("ExpectColumnValuesToBeBetween", column="row_count", min_value=1, max_value=1),
            True,
            "The summary is the one set of headline figures of a refresh; readers take its row.",
            relation="select count(*) as row_count from {table}",
        ),
        not_null("as_of_date", "Headline figures without their audit date cannot be read."),
        *(not_null(column, "A missing headline figure cannot be published.") for column in _COUNTS),
        *(not_null(column, "A missing headline figure cannot be published.") for column in _TOTALS),
        *(non_negative(column, NEGATIVE_COUNT) for column in _COUNTS),
        *(non_negative(column, NEGATIVE_MONEY) for column in _TOTALS),
        Check(
            "aligned_and_unaligned_spend_reconcile",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="difference_usd",
                min_value=-CENT,
                max_value=CENT,
            ),
            True,
            "Aligned plus unaligned spend must equal total spend, or one of the headline figures "
            "is wrong.",
            relation=_RECONCILIATION,
        ),
        Check(
            "sanctioned_and_shadow_counts_reconcile",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="application_count_difference",
                min_value=0,
                max_value=0,
            ),
            True,
            "Every application is either sanctioned or shadow IT, so the counts must add up.",
            relation=_RECONCILIATION,
        ),
        Check(
            "dispositions_cover_every_application",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="disposition_count_difference",
                min_value=0,
                max_value=0,
            ),
            True,
            "Every application gets exactly one TIME disposition; otherwise the rationalisation "
            "counts misstate the portfolio.",
            relation=_PARTITIONS,
        ),
        Check(
            "cost_components_add_up_to_total_spend",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="cost_component_excess_usd",
                max_value=0,
            ),
            True,
            "License plus other cost is total spend, up to a cent of rounding per application; "
            "beyond that a component was lost or counted twice.",
            relation=_PARTITIONS,
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (AUDIT_SUMMARY,)
