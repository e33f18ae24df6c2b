"""Quality suites of the history marts: the trend of headline figures and the savings realised.

Both read tables kept across refreshes (snapshots, incremental history), so a wrong row published
once would be compared against for every later audit: reconciliations block.
"""

from __future__ import annotations

from data_quality.suites.common import (
    CENT,
    FLAG,
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    Check,
    Suite,
    expect,
    in_set,
    non_negative,
    not_null,
    unique,
)

_TREND_COUNTS = ("application_count", "active_contract_count", "seats_purchased", "seats_in_use")
_TREND_AMOUNTS = (
    "total_annual_spend_usd",
    "aligned_annual_spend_usd",
    "unaligned_annual_spend_usd",
    "unused_license_cost_usd",
    "annual_license_cost_usd",
)
# Each change must be its figure minus the previous audit date's; the first row has none.
_TREND_CHANGES = (
    ("application_count_change", "application_count"),
    ("active_contract_count_change", "active_contract_count"),
    ("total_annual_spend_change_usd", "total_annual_spend_usd"),
    ("aligned_annual_spend_change_usd", "aligned_annual_spend_usd"),
    ("unused_license_cost_change_usd", "unused_license_cost_usd"),
    ("aligned_spend_change_pct", "aligned_spend_pct"),
    ("utilization_change_pct", "utilization_pct"),
)
_TREND_RECONCILIATION = (
    "select as_of_date, "
    "aligned_annual_spend_usd + unaligned_annual_spend_usd - total_annual_spend_usd "
    "as spend_difference_usd, "
    "cast(previous_as_of_date is distinct from lag(as_of_date) over (order by as_of_date) "
    "as integer) as misplaced_previous_date_count, "
    "greatest("
    + ", ".join(
        f"coalesce(abs({change} - ({figure} - lag({figure}) over (order by as_of_date))), 0)"
        for change, figure in _TREND_CHANGES
    )
    + ") as change_difference from {table}"
)
# A portfolio's total spend rarely halves or grows by half between two audits.
_SPEND_SWING = 0.5

AUDIT_TREND = Suite(
    table="audit_trend",
    key=("as_of_date",),
    checks=(
        not_null("as_of_date", "A trend point without its audit date cannot be placed."),
        unique("as_of_date", why="Two rows for one audit date would show a change that is none."),
        not_null("refreshed_at", "Without it a figure cannot be traced to the refresh behind it."),
        *(
            not_null(column, "A missing headline figure breaks the trend.")
            for column in (*_TREND_COUNTS, *_TREND_AMOUNTS)
        ),
        *(non_negative(column, NEGATIVE_COUNT) for column in _TREND_COUNTS),
        *(non_negative(column, NEGATIVE_MONEY) for column in _TREND_AMOUNTS),
        *(
            Check(
                f"{column}_in_range",
                expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=100),
                True,
                "A share of spend or of seats outside 0-100% is a wrong figure, not a trend.",
            )
            for column in ("aligned_spend_pct", "utilization_pct")
        ),
        Check(
            "spend_reconciles",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="spend_difference_usd",
                min_value=-CENT,
                max_value=CENT,
            ),
            True,
            "Aligned plus unaligned spend must equal total spend on every audit date.",
            relation=_TREND_RECONCILIATION,
        ),
        Check(
            "previous_date_is_the_latest_earlier_one",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="misplaced_previous_date_count",
                min_value=0,
                max_value=0,
            ),
            True,
            "Each change must compare with the audit date just before, or it reports a false move.",
            relation=_TREND_RECONCILIATION,
        ),
        Check(
            "changes_reconcile_with_the_previous_row",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="change_difference",
                min_value=0,
                max_value=CENT,
            ),
            True,
            "A change must be the difference of the two published figures, or the trend lies.",
            relation=_TREND_RECONCILIATION,
        ),
        Check(
            "total_spend_swing_plausible",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="relative_spend_change",
                min_value=-_SPEND_SWING,
                max_value=_SPEND_SWING,
            ),
            False,
            "Spend halving or growing by half between audits is more often a source gone missing "
            "or loaded twice than real, so it warns.",
            relation="select total_annual_spend_change_usd / nullif(total_annual_spend_usd "
            "- total_annual_spend_change_usd, 0) as relative_spend_change from {table}",
        ),
    ),
)

_SAVINGS_RECONCILIATION = (
    "select contract_id, renewal_date, "
    "annual_cost_before_usd - annual_cost_after_usd - realized_annual_saving_usd "
    "as saving_difference_usd, "
    "cast(has_recommendation != (recommended_seats is not null) "
    "or recommendation_as_of_date >= renewal_date as integer) as inconsistent_recommendation_count "
    "from {table}"
)

SAVINGS_REALIZED = Suite(
    table="savings_realized",
    key=("contract_id", "renewal_date"),
    checks=(
        not_null("contract_id"),
        not_null("renewal_date"),
        unique(
            "contract_id",
            "renewal_date",
            why="A renewal listed twice would count its saving twice.",
        ),
        not_null("previous_contract_id"),
        not_null("application_id"),
        *in_set("renewal_type", ["same_contract", "successor_contract"]),
        *(
            not_null(column, "A renewal without its seats cannot be compared before and after.")
            for column in ("seats_before", "seats_after")
        ),
        *(non_negative(column, NEGATIVE_COUNT) for column in ("seats_before", "seats_after")),
        *(
            not_null(column, "A cost without a USD amount (e.g. no rate) cannot show a saving.")
            for column in (
                "annual_cost_before_usd",
                "annual_cost_after_usd",
                "realized_annual_saving_usd",
            )
        ),
        *(
            non_negative(column, NEGATIVE_MONEY)
            for column in ("annual_cost_before_usd", "annual_cost_after_usd")
        ),
        not_null("has_recommendation", FLAG),
        Check(
            "saving_reconciles",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="saving_difference_usd",
                min_value=-CENT,
                max_value=CENT,
            ),
            True,
            "The realised saving must be the cost before minus the cost after, to the cent.",
            relation=_SAVINGS_RECONCILIATION,
        ),
        Check(
            "recommendation_made_before_the_renewal",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="inconsistent_recommendation_count",
                min_value=0,
                max_value=0,
            ),
            True,
            "Only a recommendation made before a renewal can have been followed by it.",
            relation=_SAVINGS_RECONCILIATION,
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (AUDIT_TREND, SAVINGS_REALIZED)
