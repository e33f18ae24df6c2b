"""Quality suites of the finance and alignment marts: objectives, costs and weights."""

from __future__ import annotations

from data_quality.suites.common import (
    NEGATIVE_MONEY,
    WEIGHT_TOLERANCE,
    Check,
    Suite,
    ceiling,
    expect,
    in_set,
    non_negative,
    not_null,
    unique,
)

_OBJECTIVE_ENUMS = (
    *in_set("value_type", ["top_line", "bottom_line"]),
    *in_set("business_mode", ["run", "grow"]),
)

OBJECTIVES = Suite(
    table="objectives",
    key=("objective_id",),
    checks=(
        not_null("objective_id"),
        unique("objective_id", why="A duplicated objective would count its value twice."),
        not_null("objective_name"),
        not_null("owner_title"),
        not_null("kpi"),
        *_OBJECTIVE_ENUMS,
        not_null(
            "annual_value_usd",
            "An objective without a USD value (e.g. its currency has no rate) would add nothing "
            "to the benefit of the applications serving it.",
        ),
        non_negative("annual_value_usd", NEGATIVE_MONEY),
        ceiling(
            "annual_value_usd",
            1_000_000_000,
            "An objective worth over $1B a year is more likely a unit slip than real, so it warns.",
        ),
        not_null("horizon_quarters"),
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
        not_null("application_id"),
        not_null("objective_id"),
        unique(
            "application_id",
            "objective_id",
            why="A duplicated mapping would attribute the objective's value twice.",
        ),
        not_null("contribution_weight"),
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
                max_value=1 + WEIGHT_TOLERANCE,
            ),
            True,
            "Applications cannot together deliver more than all of an objective's value.",
            relation="select objective_id, sum(contribution_weight) as total_contribution_weight "
            "from {table} group by objective_id",
        ),
        *_OBJECTIVE_ENUMS,
        non_negative("attributed_annual_value_usd", NEGATIVE_MONEY),
        non_negative("allocated_annual_cost_usd", NEGATIVE_MONEY),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (
    OBJECTIVES,
    APPLICATION_OBJECTIVES,
)
