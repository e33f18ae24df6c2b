"""Quality suites of the value marts: what each application returns and what to do about it."""

from __future__ import annotations

from data_quality.suites.common import (
    CENT,
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    WEIGHT_TOLERANCE,
    Check,
    Suite,
    application_key,
    at_least,
    ceiling,
    expect,
    in_set,
    non_negative,
    not_null,
    unique,
)

SCORE = "Scores are on 0-100; outside it a weight or a cap is broken and every ranking is wrong."
PCT = "A percentage outside 0-100 means a broken numerator or denominator."


def reconciles(name: str, key: str, difference: str, why: str) -> Check:
    """`difference` (SQL over the table's columns) is within a cent of 0 on every row."""
    return Check(
        name,
        expect(
            "ExpectColumnValuesToBeBetween", column="difference", min_value=-CENT, max_value=CENT
        ),
        True,
        why,
        relation=f"select {key}, {difference} as difference from {{table}}",
    )


def score(column: str, why: str = SCORE) -> Check:
    return Check(
        f"{column}_in_range",
        expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=100),
        True,
        why,
    )


APPLICATION_ROI = Suite(
    table="application_roi",
    key=("application_id",),
    checks=(
        *application_key("A duplicated application would appear twice in every ROI ranking."),
        not_null("application_name"),
        not_null("annual_cost_usd", "ROI is computed from the cost; without it there is none."),
        non_negative("annual_cost_usd", NEGATIVE_MONEY),
        not_null("annual_benefit_usd", "Benefit defaults to 0; a null means a broken join."),
        non_negative("annual_benefit_usd", NEGATIVE_MONEY),
        non_negative("license_annual_cost_usd", NEGATIVE_MONEY),
        non_negative("objective_benefit_usd", NEGATIVE_MONEY),
        non_negative("productivity_benefit_usd", NEGATIVE_MONEY),
        non_negative("active_users", NEGATIVE_COUNT),
        non_negative("payback_months", "A negative payback period is impossible."),
        ceiling(
            "payback_months",
            120,
            "A payback over ten years outlives most software; it flags a tiny benefit worth a "
            "look, not a wrong figure, so it only warns.",
        ),
        reconciles(
            "cost_is_license_plus_other",
            "application_id",
            "license_annual_cost_usd + other_annual_cost_usd - annual_cost_usd",
            "The published cost must be the sum of its published components, or finance cannot "
            "trace it.",
        ),
        reconciles(
            "benefit_is_objective_plus_productivity",
            "application_id",
            "objective_benefit_usd + productivity_benefit_usd - annual_benefit_usd",
            "The published benefit must be the sum of its published components, or finance "
            "cannot trace it.",
        ),
        reconciles(
            "net_is_benefit_minus_cost",
            "application_id",
            "annual_benefit_usd - annual_cost_usd - net_annual_benefit_usd",
            "A net benefit that is not benefit minus cost contradicts the row it sits on.",
        ),
        at_least(
            "benefit_range_holds_the_benefit",
            "annual_benefit_usd",
            "annual_benefit_low_usd",
            "The low case must not exceed the central one, or the sensitivity range is inverted.",
        ),
        at_least(
            "benefit_range_upper_bound_holds",
            "annual_benefit_high_usd",
            "annual_benefit_usd",
            "The high case must not fall below the central one, or the range is inverted.",
        ),
        not_null("has_usage_data", "A null completeness flag would hide why a grade was given."),
        not_null("has_contract", "A null completeness flag would hide why a grade was given."),
        not_null(
            "has_objective_mapping", "A null completeness flag would hide why a grade was given."
        ),
        *in_set("confidence_grade", ["A", "B", "C", "D"]),
    ),
)

OBJECTIVE_ROI = Suite(
    table="objective_roi",
    key=("objective_id",),
    checks=(
        not_null("objective_id"),
        unique("objective_id", why="A duplicated objective would count its cost and value twice."),
        not_null("objective_name"),
        non_negative("application_count", NEGATIVE_COUNT),
        Check(
            "total_contribution_weight_in_range",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="total_contribution_weight",
                min_value=0,
                max_value=1 + WEIGHT_TOLERANCE,
            ),
            True,
            "Applications cannot together deliver more than all of an objective's value.",
        ),
        non_negative("attributed_annual_value_usd", NEGATIVE_MONEY),
        non_negative("allocated_annual_cost_usd", NEGATIVE_MONEY),
        Check(
            "attributed_value_within_the_objective_value",
            expect("ExpectColumnValuesToBeBetween", column="headroom_usd", min_value=0),
            True,
            "Software cannot be credited with more than the objective's whole value.",
            # each application's attributed value is rounded to the cent: half a cent of slack each
            relation="select objective_id, annual_value_usd - attributed_annual_value_usd "
            f"+ {CENT / 2} * application_count as headroom_usd from {{table}}",
        ),
        reconciles(
            "net_is_value_minus_cost",
            "objective_id",
            "attributed_annual_value_usd - allocated_annual_cost_usd - net_annual_benefit_usd",
            "A net benefit that is not value minus cost contradicts the row it sits on.",
        ),
        non_negative("payback_months", "A negative payback period is impossible."),
    ),
)

APPLICATION_HEALTH = Suite(
    table="application_health",
    key=("application_id",),
    checks=(
        *application_key("A duplicated application would be rated twice."),
        non_negative("response_count", NEGATIVE_COUNT),
        at_least(
            "respondents_within_responses",
            "response_count",
            "known_respondent_count",
            "Known respondents are a subset of the respondents; more means a broken match.",
        ),
        at_least(
            "respondents_within_users",
            "known_user_count",
            "known_respondent_count",
            "More respondents than users would put the response rate above 100%.",
        ),
        score("response_rate_pct", PCT),
        Check(
            "satisfaction_mean_in_scale",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="satisfaction_mean",
                min_value=1,
                max_value=5,
            ),
            True,
            "The survey scale is 1 to 5; a mean outside it means a corrupt answer file.",
        ),
        reconciles(
            "active_and_inactive_responses_add_up",
            "application_id",
            "active_response_count + inactive_response_count - response_count",
            "Every respondent is active or inactive, so the two counts must add up.",
        ),
        score("satisfaction_score"),
        score("health_score"),
    ),
)

RATIONALIZATION = Suite(
    table="rationalization",
    key=("application_id",),
    checks=(
        *application_key("A duplicated application would get two dispositions."),
        *in_set("time_disposition", ["Tolerate", "Invest", "Migrate", "Eliminate"]),
        not_null("disposition_reason", "A disposition without its reason cannot be challenged."),
        not_null("functional_fit_score"),
        not_null("technical_fit_score"),
        score("value_score"),
        score("adoption_score"),
        score("functional_fit_score"),
        score("satisfaction_score"),
        score("life_cycle_score"),
        score("technical_fit_score"),
        non_negative("annual_cost_usd", NEGATIVE_MONEY),
    ),
)

REDUNDANCY_GROUPS = Suite(
    table="redundancy_groups",
    key=("redundancy_group_id",),
    checks=(
        not_null("redundancy_group_id"),
        unique("redundancy_group_id", why="A duplicated group would count its saving twice."),
        not_null("kept_application_id", "A group without a kept application has no saving."),
        Check(
            "several_applications_per_group",
            expect("ExpectColumnValuesToBeBetween", column="application_count", min_value=2),
            True,
            "A group of one application is no redundancy; its saving would be invented.",
        ),
        at_least(
            "multi_application_users_within_active_users",
            "active_user_count",
            "multi_application_user_count",
            "Users active in several applications are a subset of the group's active users.",
        ),
        at_least(
            "migrating_users_within_active_users",
            "active_user_count",
            "users_to_migrate_count",
            "Users to migrate are a subset of the group's active users.",
        ),
        non_negative("seats_to_add", NEGATIVE_COUNT),
        non_negative("removed_annual_cost_usd", NEGATIVE_MONEY),
        non_negative("added_seat_cost_usd", NEGATIVE_MONEY),
        at_least(
            "removed_cost_within_group_cost",
            "annual_cost_usd",
            "removed_annual_cost_usd",
            "Consolidation cannot remove more cost than the group has.",
        ),
        reconciles(
            "saving_is_removed_minus_added",
            "redundancy_group_id",
            "removed_annual_cost_usd - added_seat_cost_usd - consolidation_annual_saving_usd",
            "The saving must follow from the published costs, or finance cannot trace it.",
        ),
    ),
)

RENEWALS = Suite(
    table="renewals",
    key=("contract_id",),
    checks=(
        not_null("contract_id"),
        unique("contract_id", why="A duplicated contract would be renewed and saved on twice."),
        not_null("application_id"),
        *in_set("renewal_state", ["active", "renewal_due", "overdue"]),
        not_null("notice_deadline_date", "A renewal without its notice deadline can be missed."),
        at_least(
            "notice_deadline_not_after_end",
            "end_date",
            "notice_deadline_date",
            "Notice is given before a contract ends; a later deadline means a negative notice "
            "period.",
        ),
        not_null("is_owner_missing", "A null flag would hide a renewal nobody owns."),
        non_negative("seats", NEGATIVE_COUNT),
        non_negative("recommended_seats", NEGATIVE_COUNT),
        at_least(
            "seat_reduction_within_seats",
            "seats",
            "seat_reduction",
            "A contract cannot give back more seats than it buys.",
        ),
        non_negative("right_size_annual_saving_usd", NEGATIVE_MONEY),
        at_least(
            "saving_within_contract_cost",
            "annual_cost_usd",
            "right_size_annual_saving_usd",
            "Right-sizing cannot save more than the contract costs.",
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (
    APPLICATION_ROI,
    OBJECTIVE_ROI,
    APPLICATION_HEALTH,
    RATIONALIZATION,
    REDUNDANCY_GROUPS,
    RENEWALS,
)
