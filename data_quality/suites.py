"""The quality suites of the published marts: what must hold before a table reaches its readers.

A blocking check guards a figure that would be wrong or a row that would be lost or counted twice
(keys, required values, impossible ranges, enums, totals that must reconcile); its failure stops
publication. A warning guards plausibility only (ceilings a real company could exceed): it is
reported and stored but publishes. Every `why` says which, in one sentence, for whoever is paged.
"""

from __future__ import annotations

from data_quality.checks import Check, Suite, expect

__all__ = ["SUITES", "Check", "Suite"]

# Differences this small come from rounding each figure to cents before summing.
_CENT = 0.01
# Weights are read as floats; this absorbs the float error of summing exact 4-decimal weights.
_WEIGHT_TOLERANCE = 0.0001

_REQUIRED = "Without it the row cannot be shown or joined, so readers would silently lose it."
_FLAG = "A null flag is neither true nor false, so counts by that flag would not add up."
_NEGATIVE_MONEY = "A negative cost or value is impossible and would flow into every total and ROI."
_NEGATIVE_COUNT = "A negative seat or user count is impossible, typically a corrupt source file."
_ENUM = "Reports group by this value, so any other value would drop out of every breakdown."


def _not_null(column: str, why: str = _REQUIRED) -> Check:
    return Check(
        f"{column}_not_null", expect("ExpectColumnValuesToNotBeNull", column=column), True, why
    )


def _unique(*columns: str, why: str) -> Check:
    if len(columns) == 1:
        expectation = expect("ExpectColumnValuesToBeUnique", column=columns[0])
    else:
        expectation = expect("ExpectCompoundColumnsToBeUnique", column_list=list(columns))
    return Check(f"{'_'.join(columns)}_unique", expectation, True, why)


def _non_negative(column: str, why: str) -> Check:
    return Check(
        f"{column}_non_negative",
        expect("ExpectColumnValuesToBeBetween", column=column, min_value=0),
        True,
        why,
    )


def _in_set(column: str, values: list[str], why: str = _ENUM) -> tuple[Check, ...]:
    in_set = expect("ExpectColumnValuesToBeInSet", column=column, value_set=values)
    return (_not_null(column, why), Check(f"{column}_in_set", in_set, True, why))


def _ceiling(column: str, maximum: float, why: str) -> Check:
    return Check(
        f"{column}_plausible",
        expect("ExpectColumnValuesToBeBetween", column=column, max_value=maximum),
        False,
        why,
    )


def _at_least(name: str, column_a: str, column_b: str, why: str) -> Check:
    """column_a >= column_b on every row (rows where either is null are not compared)."""
    expectation = expect(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )
    return Check(name, expectation, True, why)


def _application_key(why: str) -> tuple[Check, ...]:
    return (_not_null("application_id"), _unique("application_id", why=why))


APPLICATIONS = Suite(
    table="applications",
    key=("application_id",),
    checks=(
        *_application_key("A duplicated application would count its users and costs twice."),
        _not_null("application_name"),
        _not_null("match_key"),
        _unique(
            "match_key",
            why="Applications are merged by match key, so two rows with one key are one "
            "application split in two.",
        ),
        *(
            _not_null(flag, _FLAG)
            for flag in (
                "seen_in_okta",
                "seen_in_contracts",
                "seen_in_spend",
                "seen_in_survey",
                "is_sanctioned",
                "is_aligned",
            )
        ),
        Check(
            "source_count_in_range",
            expect(
                "ExpectColumnValuesToBeBetween", column="source_count", min_value=0, max_value=4
            ),
            True,
            "There are four sources an application can be seen in; any other count is wrong.",
        ),
        Check(
            "source_count_matches_flags",
            expect(
                "ExpectColumnPairValuesToBeEqual",
                column_A="source_count",
                column_B="flagged_sources",
            ),
            True,
            "The source count is shown beside the seen_in flags, so they must tell the same story.",
            relation="select application_id, source_count, seen_in_okta::int + "
            "seen_in_contracts::int + seen_in_spend::int + seen_in_survey::int as flagged_sources "
            "from {table}",
        ),
        _not_null("annual_cost_usd", "A missing cost would drop out of total spend unnoticed."),
        _non_negative("annual_cost_usd", _NEGATIVE_MONEY),
        _ceiling(
            "annual_cost_usd",
            50_000_000,
            "Over $50M a year for one application is more likely a unit or currency slip than "
            "real, but a large company could spend it, so it only warns.",
        ),
        Check(
            "contracted_application_categorised",
            expect("ExpectColumnValuesToNotBeNull", column="category"),
            False,
            "The category comes from contracts; a contracted application without one is listed "
            "as uncategorised, which misleads breakdowns but is no wrong figure, so it warns.",
            relation="select application_id, category from {table} where seen_in_contracts",
        ),
        Check(
            "owner_email_well_formed",
            expect(
                "ExpectColumnValuesToMatchRegex", column="owner_email", regex=r"^[^@\s]+@[^@\s]+$"
            ),
            False,
            "A malformed owner address only stops a reminder from being delivered, so it warns.",
        ),
    ),
)

LICENSE_UTILIZATION = Suite(
    table="license_utilization",
    key=("application_id",),
    checks=(
        *_application_key("Two rows for one application would count its seats and cost twice."),
        _not_null("application_name"),
        _not_null(
            "as_of_date", "Every figure is as of the audit date; without it none can be read."
        ),
        *(
            _not_null(column, "Seat and user counts default to 0; a null means a broken join.")
            for column in (
                "seats_purchased",
                "seats_assigned",
                "active_users_30d",
                "active_users_60d",
                "active_users_90d",
                "active_users",
                "unused_seats",
                "over_allocated_seats",
            )
        ),
        *(
            _non_negative(column, _NEGATIVE_COUNT)
            for column in (
                "seats_purchased",
                "seats_assigned",
                "active_users_30d",
                "active_users_60d",
                "active_users_90d",
                "active_users",
                "unused_seats",
                "over_allocated_seats",
            )
        ),
        _at_least(
            "active_users_60d_include_30d",
            "active_users_60d",
            "active_users_30d",
            "A user active in the last 30 days is active in the last 60: otherwise the windows "
            "are miscounted.",
        ),
        _at_least(
            "active_users_90d_include_60d",
            "active_users_90d",
            "active_users_60d",
            "A user active in the last 60 days is active in the last 90: otherwise the windows "
            "are miscounted.",
        ),
        _at_least(
            "unused_seats_within_purchased",
            "seats_purchased",
            "unused_seats",
            "More seats unused than purchased means the unused-license cost is overstated.",
        ),
        _non_negative("utilization_pct", "A negative utilisation is impossible."),
        _ceiling(
            "utilization_pct",
            1000,
            "Above 100% is real when more people use an app than seats were bought; above 1000% "
            "more likely means a missing contract, worth a look but not wrong, so it only warns.",
        ),
        *(
            _non_negative(column, _NEGATIVE_MONEY)
            for column in (
                "annual_license_cost_usd",
                "cost_per_seat_usd",
                "unused_license_cost_usd",
            )
        ),
        _not_null(
            "unused_license_cost_usd", "A missing unused cost would drop out of the headline total."
        ),
        _at_least(
            "unused_cost_within_license_cost",
            "annual_license_cost_usd",
            "unused_license_cost_usd",
            "Unused seats cannot cost more than all the seats: the waste figure would be wrong.",
        ),
    ),
)

_OBJECTIVE_ENUMS = (
    *_in_set("value_type", ["top_line", "bottom_line"]),
    *_in_set("business_mode", ["run", "grow"]),
)

OBJECTIVES = Suite(
    table="objectives",
    key=("objective_id",),
    checks=(
        _not_null("objective_id"),
        _unique("objective_id", why="A duplicated objective would count its value twice."),
        _not_null("objective_name"),
        _not_null("owner_title"),
        _not_null("kpi"),
        *_OBJECTIVE_ENUMS,
        _not_null(
            "annual_value_usd",
            "An objective without a USD value (e.g. its currency has no rate) would add nothing "
            "to the benefit of the applications serving it.",
        ),
        _non_negative("annual_value_usd", _NEGATIVE_MONEY),
        _ceiling(
            "annual_value_usd",
            1_000_000_000,
            "An objective worth over $1B a year is more likely a unit slip than real, so it warns.",
        ),
        _not_null("horizon_quarters"),
        Check(
            "horizon_quarters_in_range",
            expect(
                "ExpectColumnValuesToBeBetween", column="horizon_quarters", min_value=1, max_value=8
            ),
            True,
            "Objectives are planned over one to eight quarters; other horizons misstate value.",
        ),
    ),
)

APPLICATION_OBJECTIVES = Suite(
    table="application_objectives",
    key=("application_id", "objective_id"),
    checks=(
        _not_null("application_id"),
        _not_null("objective_id"),
        _unique(
            "application_id",
            "objective_id",
            why="A duplicated mapping would attribute the objective's value twice.",
        ),
        _not_null("contribution_weight"),
        Check(
            "contribution_weight_in_range",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="contribution_weight",
                min_value=0,
                max_value=1,
            ),
            True,
            "A weight is a share of an objective's value; outside [0, 1] it invents value.",
        ),
        Check(
            "weights_per_objective_at_most_one",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="total_contribution_weight",
                max_value=1 + _WEIGHT_TOLERANCE,
            ),
            True,
            "Applications cannot together deliver more than all of an objective's value.",
            relation="select objective_id, sum(contribution_weight) as total_contribution_weight "
            "from {table} group by objective_id",
        ),
        *_OBJECTIVE_ENUMS,
        _non_negative("attributed_annual_value_usd", _NEGATIVE_MONEY),
        _non_negative("allocated_annual_cost_usd", _NEGATIVE_MONEY),
    ),
)

APPLICATION_ROI = Suite(
    table="application_roi",
    key=("application_id",),
    checks=(
        *_application_key("A duplicated application would appear twice in every ROI ranking."),
        _not_null("application_name"),
        _not_null("annual_cost_usd", "ROI is computed from the cost; without it there is none."),
        _non_negative("annual_cost_usd", _NEGATIVE_MONEY),
        _not_null("annual_benefit_usd", "Benefit defaults to 0; a null means a broken join."),
        _non_negative("annual_benefit_usd", _NEGATIVE_MONEY),
        _non_negative("payback_months", "A negative payback period is impossible."),
        _ceiling(
            "payback_months",
            120,
            "A payback over ten years outlives most software; it flags a tiny benefit worth a "
            "look, not a wrong figure, so it only warns.",
        ),
    ),
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
)
_TOTALS = (
    "total_annual_spend_usd",
    "aligned_annual_spend_usd",
    "unaligned_annual_spend_usd",
    "unused_license_cost_usd",
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
        _not_null("as_of_date", "Headline figures without their audit date cannot be read."),
        *(
            _not_null(column, "A missing headline figure cannot be published.")
            for column in _COUNTS
        ),
        *(
            _not_null(column, "A missing headline figure cannot be published.")
            for column in _TOTALS
        ),
        *(_non_negative(column, _NEGATIVE_COUNT) for column in _COUNTS),
        *(_non_negative(column, _NEGATIVE_MONEY) for column in _TOTALS),
        Check(
            "aligned_and_unaligned_spend_reconcile",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="difference_usd",
                min_value=-_CENT,
                max_value=_CENT,
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
    ),
)

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
