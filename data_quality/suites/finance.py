"""Quality suites of the finance and alignment marts: objectives, costs, weights and spend."""

from __future__ import annotations

from data_quality.suites.common import (
    FLAG,
    NEGATIVE_COUNT,
    NEGATIVE_MONEY,
    WEIGHT_TOLERANCE,
    Check,
    Suite,
    at_least,
    ceiling,
    expect,
    in_set,
    non_negative,
    not_null,
    unique,
)

PERCENT = "A share of total spend outside 0-100% means an allocation or total is wrong."
UNRESOLVED = (
    "A line or contract naming no known application still counts in spend but in no "
    "application's cost; it needs an alias, not a stop, so it warns."
)


def _percent(column: str) -> Check:
    return Check(
        f"{column}_in_range",
        expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=100),
        True,
        PERCENT,
    )


def _zero(name: str, column: str, relation: str, why: str) -> Check:
    """The single value `column` of `relation` (an aggregate over {table}) is exactly 0."""
    expectation = expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=0)
    return Check(name, expectation, True, why, relation=relation)


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
        not_null("application_count"),
        non_negative("application_count", NEGATIVE_COUNT),
        not_null(
            "allocated_annual_cost_usd",
            "The cost allocated to an objective defaults to 0; a null means a broken join.",
        ),
        non_negative("allocated_annual_cost_usd", NEGATIVE_MONEY),
        _percent("spend_share_pct"),
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

# The matrix must hold every cent of spend once. The published applications mart is read beside
# the matrix (both are validated in the marts schema, the one a refresh publishes from).
_MATRIX_RECONCILIATION = (
    "select coalesce((select sum(allocated_annual_cost_usd) from {table}), 0) "
    "- coalesce((select sum(annual_cost_usd) from marts.applications), 0) as difference_usd"
)
_QUADRANTS = ["top_line_run", "top_line_grow", "bottom_line_run", "bottom_line_grow"]

PORTFOLIO_MATRIX = Suite(
    table="portfolio_matrix",
    key=("quadrant", "owner_title"),
    checks=(
        *in_set("quadrant", [*_QUADRANTS, "unaligned"]),
        unique(
            "quadrant",
            "owner_title",
            why="A budget listed twice would count its cost twice in every executive's total.",
        ),
        not_null("quadrant_name"),
        Check(
            "aligned_budgets_name_their_executive_and_quadrant",
            expect("ExpectColumnValuesToNotBeNull", column="owner_title"),
            True,
            "An aligned budget without its executive cannot be shown in the matrix.",
            relation="select * from {table} where quadrant <> 'unaligned'",
        ),
        Check(
            "exactly_one_unaligned_bucket",
            expect(
                "ExpectColumnValuesToBeBetween",
                column="unaligned_row_count",
                min_value=1,
                max_value=1,
            ),
            True,
            "Unaligned spend is one bucket; none or two would lose or double it.",
            relation="select count(*) filter (where quadrant = 'unaligned') as unaligned_row_count "
            "from {table}",
        ),
        *(
            not_null(column, "A budget's figures default to 0; a null means a broken join.")
            for column in (
                "objective_count",
                "application_count",
                "objective_annual_value_usd",
                "attributed_annual_value_usd",
                "allocated_annual_cost_usd",
            )
        ),
        non_negative("objective_count", NEGATIVE_COUNT),
        non_negative("application_count", NEGATIVE_COUNT),
        non_negative("objective_annual_value_usd", NEGATIVE_MONEY),
        non_negative("attributed_annual_value_usd", NEGATIVE_MONEY),
        non_negative("allocated_annual_cost_usd", NEGATIVE_MONEY),
        _percent("spend_share_pct"),
        _zero(
            "budgets_reconcile_to_total_spend_to_the_cent",
            "difference_usd",
            _MATRIX_RECONCILIATION,
            "The matrix splits total software spend into budgets; if its cells do not add up to "
            "the applications' annual cost to the cent, a cost was lost or counted twice.",
        ),
    ),
)

EXECUTIVE_ALIGNMENT = Suite(
    table="executive_alignment",
    key=("owner_title",),
    checks=(
        not_null("owner_title"),
        unique("owner_title", why="An executive listed twice would double their aligned share."),
        *(
            not_null(column, "A missing alignment figure cannot be published.")
            for column in (
                "objective_count",
                "objective_annual_value_usd",
                "attributed_annual_value_usd",
                "aligned_annual_cost_usd",
                "company_annual_spend_usd",
                "company_aligned_annual_spend_usd",
            )
        ),
        non_negative("objective_count", NEGATIVE_COUNT),
        non_negative("aligned_annual_cost_usd", NEGATIVE_MONEY),
        non_negative("company_annual_spend_usd", NEGATIVE_MONEY),
        _percent("aligned_spend_pct"),
        _percent("company_aligned_spend_pct"),
        at_least(
            "aligned_spend_within_total_spend",
            "company_annual_spend_usd",
            "company_aligned_annual_spend_usd",
            "Aligned spend is part of total spend; more than the total means an allocation is "
            "counted twice.",
        ),
        _zero(
            "executives_add_up_to_the_company_aligned_spend",
            "difference_usd",
            "select sum(aligned_annual_cost_usd) - max(company_aligned_annual_spend_usd) "
            "as difference_usd from {table}",
            "The executives' aligned costs must add up to the company's aligned spend, or the "
            "shares shown per executive and overall disagree.",
        ),
    ),
)

CONTRACTS = Suite(
    table="contracts",
    key=("contract_id",),
    checks=(
        not_null("contract_id"),
        unique("contract_id", why="A contract listed twice would count its seats and cost twice."),
        Check(
            "application_id_resolved",
            expect("ExpectColumnValuesToNotBeNull", column="application_id"),
            False,
            UNRESOLVED,
        ),
        not_null("currency"),
        *in_set("billing_period", ["monthly", "annual"]),
        not_null(
            "annual_cost_usd",
            "A contract without a USD cost (its currency has no rate) drops out of every total.",
        ),
        non_negative("annual_cost_usd", NEGATIVE_MONEY),
        non_negative("seats", NEGATIVE_COUNT),
        non_negative("unit_price", NEGATIVE_MONEY),
        at_least(
            "ends_on_or_after_it_starts",
            "end_date",
            "start_date",
            "A contract ending before it starts is never in force, so its seats and cost vanish.",
        ),
        not_null("is_active", FLAG),
        not_null("has_spend", FLAG),
        not_null("spend_line_count"),
        non_negative("spend_line_count", NEGATIVE_COUNT),
        _zero(
            "has_spend_matches_its_spend_lines",
            "mismatch_count",
            "select count(*) as mismatch_count from {table} "
            "where has_spend <> (spend_line_count > 0)",
            "A contract flagged as paid without any spend line (or the reverse) misreports which "
            "contracts nothing pays.",
        ),
        ceiling(
            "annual_cost_usd",
            100_000_000,
            "A contract over $100M a year is more likely a unit slip than real, so it warns.",
        ),
    ),
)

_CHARGE_CATEGORIES = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"]

SPEND = Suite(
    table="spend",
    key=("spend_line_id",),
    checks=(
        not_null("spend_line_id"),
        unique("spend_line_id", why="A line listed twice would be paid twice in every total."),
        not_null("invoice_date"),
        not_null("billed_cost", "A line without its amount cannot be reconciled to the ledger."),
        not_null("billing_currency"),
        not_null(
            "billed_cost_usd",
            "A line without a USD amount (its currency has no rate) drops out of every total.",
        ),
        *in_set("charge_category", _CHARGE_CATEGORIES),
        *in_set("charge_frequency", ["One-Time", "Recurring", "Usage-Based"]),
        *in_set("cost_type", ["license", "other"]),
        *(
            not_null(column)
            for column in (
                "billing_period_start",
                "billing_period_end",
                "charge_period_start",
                "charge_period_end",
                "provider_name",
                "publisher_name",
                "invoice_issuer_name",
                "service_name",
                "service_category",
            )
        ),
        not_null("has_contract", FLAG),
        not_null("is_in_lookback", FLAG),
        Check(
            "application_id_resolved",
            expect("ExpectColumnValuesToNotBeNull", column="application_id"),
            False,
            UNRESOLVED,
        ),
        Check(
            "billing_period_ends_after_it_starts",
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                column_A="billing_period_end",
                column_B="billing_period_start",
            ),
            True,
            "FOCUS periods end after they start (end exclusive); otherwise the line has no period.",
        ),
        Check(
            "charge_period_ends_after_it_starts",
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                column_A="charge_period_end",
                column_B="charge_period_start",
            ),
            False,
            "A service period ending before it starts is a typo in the export; the amount still "
            "counts, so it warns.",
        ),
        _zero(
            "credits_are_exactly_the_negative_lines",
            "mismatch_count",
            "select count(*) as mismatch_count from {table} "
            "where (charge_category = 'Credit') <> (billed_cost < 0)",
            "FOCUS calls a negative line a Credit; anything else mislabels refunds as purchases.",
        ),
        _zero(
            "usd_amount_has_the_sign_of_the_billed_amount",
            "mismatch_count",
            "select count(*) as mismatch_count from {table} "
            "where sign(billed_cost) <> sign(billed_cost_usd)",
            "A positive rate never flips a sign; a flipped one means a wrong rate or join.",
        ),
        ceiling(
            "billed_cost_usd",
            10_000_000,
            "A single line over $10M is more likely a unit slip than real, so it warns.",
        ),
    ),
)

# Every suite of this area; data_quality.suites publishes the tables they name.
SUITES: tuple[Suite, ...] = (
    OBJECTIVES,
    APPLICATION_OBJECTIVES,
    PORTFOLIO_MATRIX,
    EXECUTIVE_ALIGNMENT,
    CONTRACTS,
    SPEND,
)
